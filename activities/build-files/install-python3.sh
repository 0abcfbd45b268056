#!/bin/sh
# Installs requirements.txt with pip. Debian's Python is "externally managed" (PEP 668); an image is a dedicated
# environment, so pip is told to install into it anyway.
set -eu
. /opt/dispatch/build/trust-build-certificates.sh
manifest=/opt/dispatch/build/requirements.txt
if ! grep -q '[^[:space:]]' "$manifest" 2>/dev/null; then
  echo "==> dispatch: no runtime dependencies requested"
  exit 0
fi
echo "==> dispatch: installing runtime dependencies with pip"
if ! python3 -m pip --version >/dev/null 2>&1; then
  echo "pip is not available in the base image (python3 -m pip failed)" >&2
  exit 1
fi
export PIP_BREAK_SYSTEM_PACKAGES=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore
python3 -m pip install --no-input --progress-bar off -r "$manifest"
