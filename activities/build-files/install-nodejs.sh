#!/bin/sh
# Installs package.json with npm into /opt/dispatch/node; the image sets NODE_PATH to its node_modules.
set -eu
. /opt/dispatch/build/trust-build-certificates.sh
manifest=/opt/dispatch/build/package.json
if ! grep -q '[^[:space:]]' "$manifest" 2>/dev/null; then
  echo "==> dispatch: no runtime dependencies requested"
  exit 0
fi
echo "==> dispatch: installing runtime dependencies with npm"
mkdir -p /opt/dispatch/node
cp "$manifest" /opt/dispatch/node/package.json
cd /opt/dispatch/node
npm install --omit=dev --no-audit --no-fund --no-update-notifier
