#!/usr/bin/env bash
# The project's one Python venv (.venv-sdk): pip and the model converters' packages for
# `ekyc models fetch` (tools/models/requirements.txt), and the pinned Tencent SDK + pytest for
# the contract tests (tools/sdk/requirements.txt). Re-installs when either file changes.
# Prints the venv's python path on stdout.
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$repo_root/.venv-sdk"
req="$repo_root/tools/sdk/requirements.txt"
models_req="$repo_root/tools/models/requirements.txt"
stamp="$venv/.requirements.sha256"
want="$(cat "$req" "$models_req" | sha256sum | cut -d' ' -f1)"
if [[ ! -x "$venv/bin/python" ]]; then
    python3 -m venv "$venv" >&2
fi
if [[ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]]; then
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req" -r "$models_req" >&2
    echo "$want" >"$stamp"
fi
echo "$venv/bin/python"
