#!/usr/bin/env bash
# Generate labelled liveness test clips: tools/liveness/gen_clips.sh OUT_DIR [--seed N] [--set tune|holdout]
# Needs ffmpeg and espeak-ng (scripts/setup-system.sh) and the project venv (scripts/venv.sh).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ $# -lt 1 || "$1" == -* ]]; then
    echo "usage: $0 OUT_DIR [--seed N] [--set tune|holdout] [--jobs N] [--only SUBSTRING] [--keep]" >&2
    exit 2
fi
for tool in ffmpeg ffprobe espeak-ng; do
    command -v "$tool" >/dev/null || { echo "error: $tool not found (run scripts/setup-system.sh)" >&2; exit 1; }
done
python="$("$here/../../scripts/venv.sh")"
exec "$python" "$here/gen_clips.py" "$@"
