#!/usr/bin/env bash
# Contract tests of a built `ekyc` binary with the official Tencent Python and Node SDKs.
#   tools/sdk/run_contract_tests.sh [extra pytest args]
# Env: EKYC_BIN (default target/release/ekyc, else target/debug/ekyc), EKYC_TEST_DATA
# (default ../shared/data from the repo root). Exit status is non-zero if any suite fails.
set -euo pipefail

sdk_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$sdk_dir/../.." && pwd)"
# Python SDK venv, shared with `make models` (scripts/venv.sh re-installs when requirements change).
python="$("$repo_root/scripts/venv.sh")"

# Node SDK: exact versions from package-lock.json.
(cd "$sdk_dir/node" && { npm ci --no-audit --no-fund --silent || npm install --no-audit --no-fund --silent; })

status=0
echo "== signing vectors: hand-made Node-style vectors vs the real Node SDK"
node "$sdk_dir/node/check_sign_vectors.mjs" || status=1

echo "== Python SDK contract tests"
(cd "$repo_root" && "$python" -m pytest -q -p no:cacheprovider "$sdk_dir/contract" "$@") || status=1

echo "== Node SDK contract tests"
(cd "$repo_root" && node "$sdk_dir/node/contract_test.mjs") || status=1

exit "$status"
