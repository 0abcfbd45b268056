#!/bin/sh
# One-shot: registers the namespace (retention RETENTION, 72h as in start:cluster) and the service's Keyword search
# attributes (arguments: their names).
# Safe to run again: existing ones are left alone. With SQL visibility search attributes belong to a namespace.
set -eu
NAMESPACE=${NAMESPACE:-default}
RETENTION=${RETENTION:-72h}
HOST=${TEMPORAL_ADDRESS%:*}
PORT=${TEMPORAL_ADDRESS##*:}
# The CLI may try an IPv6 address first on Docker networks (as samples-server's script notes): use IPv4 when known.
IP=$(getent ahosts "$HOST" 2>/dev/null | awk '/STREAM/ && $1 ~ /^[0-9.]+$/ { print $1; exit }') || IP=
ADDRESS="${IP:-$HOST}:$PORT"

tries=0
until temporal operator cluster health --address "$ADDRESS"; do
  tries=$((tries + 1))
  [ "$tries" -lt 30 ] || { echo "Temporal at $ADDRESS is not healthy"; exit 1; }
  sleep 2
done

temporal operator namespace describe --address "$ADDRESS" -n "$NAMESPACE" >/dev/null 2>&1 ||
  temporal operator namespace create --address "$ADDRESS" -n "$NAMESPACE" --retention "$RETENTION"

for name in "$@"; do
  tries=0
  # A namespace just created may take a moment to be visible to the frontend.
  until temporal operator search-attribute list --address "$ADDRESS" --namespace "$NAMESPACE" | grep -qw "$name" ||
    temporal operator search-attribute create --address "$ADDRESS" --namespace "$NAMESPACE" --name "$name" --type Keyword; do
    tries=$((tries + 1))
    [ "$tries" -lt 15 ] || { echo "could not create search attribute $name"; exit 1; }
    sleep 2
  done
done
echo "namespace $NAMESPACE ready with search attributes: $*"
