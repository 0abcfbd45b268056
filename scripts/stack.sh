#!/usr/bin/env bash
# Starts (or stops) the local stack: Docker engine, registry, PostgreSQL, the Temporal dev server, then the
# API and one worker. Idempotent: every piece is installed when missing and started only when not answering,
# so a second start takes seconds.
#   scripts/stack.sh start [--no-services]   --no-services: infrastructure and migrations only (what tests need)
#   scripts/stack.sh start-cluster           the production shape instead (scripts/cluster-lib.sh)
#   scripts/stack.sh stop                    ends what this script started, either shape
#   scripts/stack.sh status
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
STATE=${DISPATCH_STATE_DIR:-$ROOT/.stack}
CACHE=${DISPATCH_CACHE_DIR:-$HOME/.cache/dispatch-images}
TEMPORAL_VERSION=v1.5.1
TEMPORAL_BIN=$CACHE/bin/temporal
PG_VERSION=15
mkdir -p "$STATE/logs" "$STATE/run" "$CACHE/bin"
source "$ROOT/scripts/lib.sh"
source "$ROOT/scripts/cluster-lib.sh"

ensure_packages() {
  local missing=()
  have dockerd || missing+=(docker.io)
  have docker-registry || missing+=(docker-registry)
  [ -x /usr/lib/postgresql/$PG_VERSION/bin/postgres ] || missing+=(postgresql)
  have debootstrap || missing+=(debootstrap)
  have docker-compose || missing+=(docker-compose)
  have curl || missing+=(curl)
  # The conformance test installs Schemathesis into a venv (scripts/schemathesis.sh); the pty test uses `script`.
  python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
  have script || missing+=(util-linux)
  have promtool || missing+=(prometheus) # test/integration/metrics.test.ts: promtool and a Prometheus server
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing Debian packages: ${missing[*]}"
    apt-get update -q >"$STATE/logs/apt.log" 2>&1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >>"$STATE/logs/apt.log" 2>&1
  fi
}

ensure_temporal_cli() {
  [ -x "$TEMPORAL_BIN" ] && return
  log "building the Temporal CLI $TEMPORAL_VERSION from its Go module (once; cached in $CACHE/bin)"
  GOBIN=$CACHE/bin go install github.com/temporalio/cli/cmd/temporal@$TEMPORAL_VERSION >"$STATE/logs/go-install.log" 2>&1
}

start_dockerd() {
  docker info >/dev/null 2>&1 && return
  log "starting dockerd"
  spawn dockerd dockerd --storage-driver overlay2 --host unix:///var/run/docker.sock
  wait_for "dockerd" 60 docker info
}

start_registry() {
  already_serving registry 5000 curl -fsS http://127.0.0.1:5000/v2/ && return
  log "starting the registry on 127.0.0.1:5000"
  mkdir -p "$STATE/registry"
  cat >"$STATE/registry.yml" <<YML
version: 0.1
storage:
  filesystem: { rootdirectory: $STATE/registry }
  delete: { enabled: true }
http: { addr: 127.0.0.1:5000 }
YML
  spawn registry docker-registry serve "$STATE/registry.yml"
  wait_for "registry" 30 curl -fsS http://127.0.0.1:5000/v2/
}

start_postgres() {
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    log "starting PostgreSQL $PG_VERSION"
    pg_lsclusters -h | grep -q "^$PG_VERSION main" || pg_createcluster $PG_VERSION main >/dev/null
    pg_ctlcluster $PG_VERSION main start
    wait_for "postgres" 30 pg_isready -q -h 127.0.0.1 -p 5432
    touch "$STATE/run/postgres.started"
  fi
  # The role and database the service uses; created once.
  su postgres -c "psql -tAc \"select 1 from pg_roles where rolname='dispatch'\"" | grep -q 1 ||
    su postgres -c "psql -qc \"create role dispatch login createdb password 'dispatch'\""
  su postgres -c "psql -tAc \"select 1 from pg_database where datname='dispatch'\"" | grep -q 1 ||
    su postgres -c "psql -qc 'create database dispatch owner dispatch'"
}

start_temporal() {
  # The cluster's own server answers on 7233 too: the tests (--no-services) run against it as they would the dev one.
  cluster_server_answering && return
  already_serving temporal 7233 "$TEMPORAL_BIN" operator cluster health --address 127.0.0.1:7233 && return
  log "starting the Temporal dev server (gRPC 127.0.0.1:7233, Web UI http://127.0.0.1:8233)"
  spawn temporal "$TEMPORAL_BIN" server start-dev --db-filename "$STATE/temporal.db" --ip 127.0.0.1 \
    --port 7233 --ui-port 8233 --log-level warn $(search_attribute_flags)
  wait_for "temporal" 60 "$TEMPORAL_BIN" operator cluster health --address 127.0.0.1:7233
}

ensure_node_modules() {
  [ -d "$ROOT/node_modules/@temporalio/worker" ] && return
  log "installing npm dependencies"
  (cd "$ROOT" && npm ci --no-audit --no-fund >"$STATE/logs/npm.log" 2>&1)
}

start_services() {
  # A running API whose /healthz says "degraded" still holds the port: do not start a second one.
  if ! alive api && ! port_open "${API_PORT:-8080}"; then
    log "starting the API on 127.0.0.1:${API_PORT:-8080}"
    spawn api node --import tsx "$ROOT/api/main.ts"
  fi
  if ! alive worker; then
    log "starting a worker"
    spawn worker node --import tsx "$ROOT/worker/main.ts"
  fi
  wait_for "api" 60 curl -fsS http://127.0.0.1:${API_PORT:-8080}/healthz
}

start() {
  # `npm start` is the embedded topology: a cluster started before ends first (its server holds the dev one's ports).
  if [ "${1:-}" != "--no-services" ] && [ -f "$STATE/run/cluster" ]; then
    log "ending the cluster topology first"
    stop_cluster
  fi
  ensure_packages
  ensure_temporal_cli
  ensure_node_modules
  start_dockerd
  start_registry
  start_postgres
  start_temporal
  (cd "$ROOT" && node --import tsx db/migrate-main.ts && node --import tsx scripts/bootstrap-admin.ts)
  [ "${1:-}" = "--no-services" ] || start_services
  log "ready"
}

stop() {
  stop_cluster
  for name in worker api temporal registry dockerd; do stop_spawned "$name"; done
  if [ -f "$STATE/run/postgres.started" ]; then
    pg_ctlcluster $PG_VERSION main stop || true
    rm -f "$STATE/run/postgres.started"
  fi
}

case "${1:-start}" in
  start) shift || true; start "$@" ;;
  start-cluster) start_cluster ;;
  stop) stop ;;
  status)
    for n in dockerd registry temporal api worker $CLUSTER_PROCESSES; do
      alive "$n" && echo "$n: running" || echo "$n: stopped"
    done
    ;;
  *) echo "usage: $0 start [--no-services] | start-cluster | stop | status" >&2; exit 2 ;;
esac
