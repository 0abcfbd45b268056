# The production shape on one machine (`npm run start:cluster`), sourced by stack.sh after lib.sh:
#   - the Temporal server v1.29.1 and its temporal-sql-tool, built once from their Go module and cached;
#   - its persistence and SQL visibility on the stack's PostgreSQL (databases `temporal`, `temporal_visibility`),
#     created and migrated by the tool from the module's own schema files, copied into the cache beside the binaries;
#   - the namespace and the Keyword search attributes the workflows set;
#   - the Temporal Web UI server (its own Go module) on 127.0.0.1:8233;
#   - two API processes (8080, 8081) and two workers, each building on its own Docker engine: engine A is the stack's
#     dockerd, engine B a second dockerd with its own data-root, exec-root, socket and default bridge; both push to
#     the one registry on 127.0.0.1:5000 (loopback, which every engine trusts over plain HTTP).
# Every piece is started only when it is not answering, so a second start takes seconds.

TEMPORAL_SERVER_VERSION=v1.29.1
TEMPORAL_UI_VERSION=v2.42.1
SERVER_HOME=$CACHE/temporal-server-$TEMPORAL_SERVER_VERSION
UI_HOME=$CACHE/temporal-ui-$TEMPORAL_UI_VERSION
CLUSTER_STATE=$STATE/cluster
# One engine B per machine, like the stack's dockerd and its /var/lib/docker: its networks (and their bridges and
# iptables rules) are the machine's, so a second clone of the project must find the same engine, not make another.
ENGINE_B_DATA=/var/lib/dispatch-engine-b
# Short and fixed: a unix socket path is limited to 108 bytes, and engine B's containerd puts its sockets below it.
ENGINE_B_EXEC=/run/dispatch-engine-b
ENGINE_B_SOCKET=$ENGINE_B_EXEC/docker.sock
# Engine B's default bridge, made by this script: without -b it would take docker0 (engine A's) as its own. Two
# dockerd flags delete docker0 by name and are not used: --bridge none (at every start) and --default-address-pool
# (on a start that finds its old default network). Without a pool each engine picks subnets no host route uses, so
# the two engines' networks still differ (test/cluster/topology.test.ts checks both).
ENGINE_B_BRIDGE=dispatch-b0
ENGINE_B_BRIDGE_ADDRESS=172.29.0.1/24
CLUSTER_PROCESSES="worker-b worker-a api-2 api-1 temporal-ui temporal-server dockerd-b"

# go_build_once DIR WHAT MODULE@VERSION...: `go install` into DIR/bin unless a build there finished (DIR/.built).
go_build_once() {
  local home=$1 what=$2; shift 2
  [ -f "$home/.built" ] && return
  have go || { log "building $what needs Go (https://go.dev/dl; Debian's golang-go is too old)"; exit 1; }
  log "building $what from its Go module (once, a few minutes; cached in $home)"
  mkdir -p "$home/bin"
  GOBIN=$home/bin GOFLAGS=-mod=mod go install "$@" >"$STATE/logs/go-install-$(basename "$home").log" 2>&1 ||
    { log "go install failed; see $STATE/logs/go-install-$(basename "$home").log"; exit 1; }
  touch "$home/.built"
}

ensure_temporal_server() {
  go_build_once "$SERVER_HOME" "the Temporal server $TEMPORAL_SERVER_VERSION" \
    "go.temporal.io/server/cmd/server@$TEMPORAL_SERVER_VERSION" \
    "go.temporal.io/server/cmd/tools/sql@$TEMPORAL_SERVER_VERSION"
  [ -d "$SERVER_HOME/schema/postgresql/v12" ] && return
  # The schema files ship in the module, not in the binaries: keep the ones this version needs beside them.
  local module
  module=$(go env GOMODCACHE)/go.temporal.io/server@$TEMPORAL_SERVER_VERSION
  mkdir -p "$SERVER_HOME/schema/postgresql"
  cp -r "$module/schema/postgresql/v12" "$SERVER_HOME/schema/postgresql/"
  chmod -R u+w "$SERVER_HOME/schema"
}

ensure_temporal_ui() {
  go_build_once "$UI_HOME" "the Temporal UI server $TEMPORAL_UI_VERSION" \
    "github.com/temporalio/ui-server/v2/cmd/server@$TEMPORAL_UI_VERSION"
}

# The role the Temporal server connects as; its password is made once and kept in the state folder (mode 600).
temporal_db_password() {
  local file=$CLUSTER_STATE/temporal-db-password
  [ -s "$file" ] || (umask 077 && head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$file")
  cat "$file"
}

setup_temporal_schema() {
  local password dir db
  password=$(temporal_db_password)
  # Set every start, so a state folder made afresh still matches the role.
  su postgres -c "psql -qtA" >/dev/null <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'temporal') THEN CREATE ROLE temporal LOGIN CREATEDB; END IF;
END \$\$;
ALTER ROLE temporal PASSWORD '$password';
SQL
  for pair in temporal:temporal temporal_visibility:visibility; do
    db=${pair%%:*} dir=${pair#*:}
    sql_tool() {
      SQL_PASSWORD=$password "$SERVER_HOME/bin/sql" --plugin postgres12 --ep 127.0.0.1 -p 5432 -u temporal --db "$db" "$@" \
        >>"$STATE/logs/temporal-schema.log" 2>&1 ||
        { log "temporal-sql-tool $1 of $db failed; see $STATE/logs/temporal-schema.log"; exit 1; }
    }
    if ! su postgres -c "psql -tAc \"select 1 from pg_database where datname='$db'\"" | grep -q 1; then
      log "creating the Temporal database $db and its schema"
      sql_tool create-database
    fi
    # Both are no-ops on a schema already there, and finish one a start interrupted before.
    sql_tool setup-schema -v 0.0
    sql_tool update-schema -d "$SERVER_HOME/schema/postgresql/v12/$dir/versioned"
  done
}

# True when 7233 is answered by the cluster's own server: its persistence is PostgreSQL, the dev server's SQLite.
cluster_server_answering() {
  "$TEMPORAL_BIN" operator cluster describe --address 127.0.0.1:7233 -o json 2>/dev/null |
    grep -q '"persistenceStore": *"postgres12"'
}

start_temporal_server() {
  # Ours and running: it may still be starting (or restarting its services), so wait for it rather than judge it.
  if alive temporal-server; then
    wait_for temporal-server 90 cluster_server_answering
    return
  fi
  if port_open 7233 && ! cluster_server_answering; then
    log "stopping the embedded Temporal dev server: the cluster's server takes its ports"
    stop_spawned temporal
  fi
  cluster_server_answering && return
  port_open 7233 && { log "port 7233 is held by something that is not the cluster's Temporal server"; exit 1; }
  log "starting the Temporal server $TEMPORAL_SERVER_VERSION on PostgreSQL (gRPC 127.0.0.1:7233)"
  # Exported in a subshell, not passed as `env NAME=value`: a command line is readable by every user (ps).
  (
    export TEMPORAL_DB_PASSWORD TEMPORAL_DYNAMIC_CONFIG="$ROOT/deploy/dynamicconfig/development-sql.yaml"
    TEMPORAL_DB_PASSWORD=$(temporal_db_password)
    spawn temporal-server "$SERVER_HOME/bin/server" --root "$ROOT/deploy" --config temporal --env cluster \
      --allow-no-auth start
  )
  wait_for temporal-server 90 cluster_server_answering
}

register_namespace() {
  "$TEMPORAL_BIN" operator namespace describe --address 127.0.0.1:7233 --namespace default >/dev/null 2>&1 ||
    "$TEMPORAL_BIN" operator namespace create --address 127.0.0.1:7233 --namespace default --retention 72h >/dev/null
  # A new namespace reaches the frontend's cache within seconds (namespace cache refresh).
  wait_for temporal-server 30 "$TEMPORAL_BIN" operator search-attribute list --address 127.0.0.1:7233 --namespace default
  local existing
  existing=$("$TEMPORAL_BIN" operator search-attribute list --address 127.0.0.1:7233 --namespace default)
  for attr in $SEARCH_ATTRIBUTES; do
    grep -qw "$attr" <<<"$existing" && continue
    "$TEMPORAL_BIN" operator search-attribute create --address 127.0.0.1:7233 --namespace default \
      --name "$attr" --type Keyword >/dev/null
  done
}

start_temporal_ui() {
  already_serving temporal-ui 8233 curl -fsS http://127.0.0.1:8233/ && return
  log "starting the Temporal Web UI on http://127.0.0.1:8233"
  spawn temporal-ui "$UI_HOME/bin/server" --root "$ROOT/deploy" --config temporal-ui --env cluster start
  wait_for temporal-ui 30 curl -fsS http://127.0.0.1:8233/
}

engine_b() { docker -H "unix://$ENGINE_B_SOCKET" "$@"; }

start_engine_b() {
  engine_b info >/dev/null 2>&1 && return
  log "starting Docker engine B (socket $ENGINE_B_SOCKET)"
  mkdir -p "$ENGINE_B_DATA" "$ENGINE_B_EXEC"
  if ! ip link show "$ENGINE_B_BRIDGE" >/dev/null 2>&1; then
    ip link add "$ENGINE_B_BRIDGE" type bridge
    ip addr add "$ENGINE_B_BRIDGE_ADDRESS" dev "$ENGINE_B_BRIDGE"
    ip link set "$ENGINE_B_BRIDGE" up
  fi
  # Builds use the worker's own build network; the default bridge is only engine B's own.
  spawn dockerd-b dockerd --storage-driver overlay2 --data-root "$ENGINE_B_DATA" --exec-root "$ENGINE_B_EXEC" \
    --host "unix://$ENGINE_B_SOCKET" --pidfile "$ENGINE_B_EXEC/docker.pid" --bridge "$ENGINE_B_BRIDGE"
  wait_for dockerd-b 60 engine_b info
}

# start_api NAME PORT METRICS_PORT: a port already answering /healthz is an API (ours, or one started before);
# anything else holding it stops the start (already_serving). Its /metrics is on METRICS_PORT, not on PORT.
start_api() {
  local name=$1 port=$2 metrics=$3
  alive "$name" && return
  already_serving "$name" "$port" curl -fsS "http://127.0.0.1:$port/healthz" && return
  log "starting the API $name on 127.0.0.1:$port (metrics on :$metrics)"
  spawn "$name" env API_PORT="$port" API_METRICS_PORT="$metrics" node --import tsx "$ROOT/api/main.ts"
}

# start_worker NAME SOCKET METRICS_PORT
start_worker() {
  local name=$1 socket=$2 metrics=$3
  alive "$name" && return
  log "starting $name on the Docker engine at $socket"
  spawn "$name" env DOCKER_SOCKET="$socket" WORKER_METRICS_PORT="$metrics" node --import tsx "$ROOT/worker/main.ts"
}

# worker_polling NAME: the worker's process polls the task queue (the SDK's identity is `pid@host`).
worker_polling() {
  "$TEMPORAL_BIN" task-queue describe --address 127.0.0.1:7233 --task-queue "${TASK_QUEUE:-dispatch-images}" -o json |
    grep -q "\"identity\": *\"$(cat "$STATE/run/$1.pid")@"
}

start_cluster() {
  ensure_packages
  ensure_temporal_cli
  ensure_temporal_server
  ensure_temporal_ui
  ensure_node_modules
  mkdir -p "$CLUSTER_STATE"
  touch "$STATE/run/cluster"
  # The embedded topology's own API and worker would poll the same queue against the dev server: end them.
  stop_spawned worker
  stop_spawned api
  start_dockerd
  start_engine_b
  start_registry
  start_postgres
  setup_temporal_schema
  start_temporal_server
  register_namespace
  start_temporal_ui
  (cd "$ROOT" && node --import tsx db/migrate-main.ts && node --import tsx scripts/bootstrap-admin.ts)
  start_api api-1 8080 9461
  start_api api-2 8081 9462
  start_worker worker-a /var/run/docker.sock 9464
  start_worker worker-b "$ENGINE_B_SOCKET" 9465
  wait_for api-1 60 curl -fsS http://127.0.0.1:8080/healthz
  wait_for api-2 60 curl -fsS http://127.0.0.1:8081/healthz
  wait_for worker-a 120 worker_polling worker-a
  wait_for worker-b 120 worker_polling worker-b
  log "cluster ready: API http://127.0.0.1:8080 and :8081, Temporal UI http://127.0.0.1:8233, workers on engines A and B"
}

stop_cluster() {
  for name in $CLUSTER_PROCESSES; do stop_spawned "$name"; done
  rm -f "$STATE/run/cluster"
}
