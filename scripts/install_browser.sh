#!/usr/bin/env bash
# Install what the browser tests (pytest -m browser) need: Debian's chromium and chromium-driver, a CJK font so
# screenshots of Chinese text are readable, and Playwright's Python package (its own browser download is not used:
# the tests drive /usr/bin/chromium). Safe to run twice.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"
SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
if [ ! -x /usr/bin/chromium ]; then
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends \
    chromium chromium-driver fonts-dejavu-core fonts-wqy-zenhei
fi
"$VENV/bin/pip" install -q "playwright>=1.40"
/usr/bin/chromium --version
