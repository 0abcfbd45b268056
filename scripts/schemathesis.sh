#!/usr/bin/env bash
# Runs Schemathesis (the OpenAPI conformance fuzzer), installing it once into a venv in the cache:
#   scripts/schemathesis.sh run http://127.0.0.1:PORT/openapi.json -H "Authorization: Bearer ..."
# Used by test/integration/conformance.test.ts; PyPI is the only thing it downloads, and only the first time.
set -euo pipefail
VERSION=4.32.5
CACHE=${DISPATCH_CACHE_DIR:-$HOME/.cache/dispatch-images}
VENV=$CACHE/schemathesis-$VERSION
# A marker written last: an install cut short is redone, not used half-made.
if [ ! -f "$VENV/.installed" ]; then
  echo "[schemathesis] installing schemathesis $VERSION into $VENV (once)" >&2
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$VERSION" >&2
  touch "$VENV/.installed"
fi
exec "$VENV/bin/schemathesis" "$@"
