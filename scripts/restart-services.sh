#!/usr/bin/env bash
# Restarts the API and the worker of the local stack (after a code change), leaving the infrastructure running.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
STATE=${DISPATCH_STATE_DIR:-$ROOT/.stack}
source "$ROOT/scripts/lib.sh"
stop_spawned api
stop_spawned worker
exec "$ROOT/scripts/stack.sh" start
