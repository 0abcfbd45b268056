# Helpers for stack.sh: processes it starts are tracked by pid files in $STATE/run.
log() { printf '[stack] %s\n' "$*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# already_serving NAME PORT CHECK...: true when PORT answers CHECK (ours, or one started earlier: reuse it); false
# when the port is free; fails at once, naming the port, when something else holds it (no silent reuse of a
# stranger, no confusing timeout later).
already_serving() {
  local name=$1 port=$2; shift 2
  port_open "$port" || return 1
  "$@" >/dev/null 2>&1 && return 0
  log "port $port is held by something that is not $name; free it (ss -ltnp 'sport = :$port') and start again"
  exit 1
}

# The search attributes the workflows set (see workflows/search-attributes.ts), all Keyword.
SEARCH_ATTRIBUTES="DispatchOrg DispatchKind DispatchName DispatchStatus"
search_attribute_flags() {
  for attr in $SEARCH_ATTRIBUTES; do
    printf -- '--search-attribute %s=Keyword ' "$attr"
  done
}

# spawn NAME CMD...: start CMD detached (its own session, so it outlives this script), log to $STATE/logs/NAME.log.
spawn() {
  local name=$1; shift
  setsid "$@" >>"$STATE/logs/$name.log" 2>&1 < /dev/null &
  echo $! >"$STATE/run/$name.pid"
}

alive() { [ -f "$STATE/run/$1.pid" ] && kill -0 "$(cat "$STATE/run/$1.pid")" 2>/dev/null; }

stop_spawned() {
  local name=$1 pid
  alive "$name" || { rm -f "$STATE/run/$name.pid"; return 0; }
  pid=$(cat "$STATE/run/$name.pid")
  log "stopping $name ($pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$STATE/run/$name.pid"
}

# wait_for WHAT SECONDS CMD...: poll CMD until it succeeds; on timeout show the log and fail.
wait_for() {
  local what=$1 seconds=$2; shift 2
  for _ in $(seq 1 $((seconds * 5))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  log "$what did not come up within ${seconds}s; last lines of its log:"
  tail -n 20 "$STATE/logs/$what.log" >&2 2>/dev/null || true
  return 1
}
