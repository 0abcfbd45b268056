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
cd /opt/dispatch/node
# The manifest's own lifecycle scripts ("preinstall" and the like) would be user text run as shell: they are
# dropped; dependencies install as npm installs them.
node -e '
const fs = require("fs");
const manifest = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
delete manifest.scripts;
fs.writeFileSync("package.json", JSON.stringify(manifest, null, 2));
' "$manifest"
npm install --omit=dev --no-audit --no-fund --no-update-notifier
