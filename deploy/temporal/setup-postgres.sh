#!/bin/sh
# One-shot: creates Temporal's databases and brings their schemas to the version the admin-tools image ships.
# The steps of start:cluster (scripts/cluster-lib.sh): create-database, setup-schema -v 0.0, update-schema of the
# versioned folder. Safe to run again: create-database fails only when the database exists, setup-schema leaves a
# schema newer than 0.0 alone, update-schema applies only the versions the database lacks.
set -eu
: "${POSTGRES_SEEDS:=postgresql}" "${DB_PORT:=5432}" "${POSTGRES_USER:=temporal}"
export SQL_PASSWORD="${POSTGRES_PWD:?}"
SCHEMA=${SCHEMA:-/etc/temporal/schema/postgresql/v12} # where the admin-tools image keeps them

until nc -z -w 5 "$POSTGRES_SEEDS" "$DB_PORT"; do echo "waiting for $POSTGRES_SEEDS:$DB_PORT"; sleep 2; done

sql() { temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" --db "$@"; }
for pair in temporal:temporal temporal_visibility:visibility; do
  db=${pair%%:*}
  dir=${pair#*:}
  sql "$db" create-database || echo "database $db exists"
  sql "$db" setup-schema -v 0.0
  sql "$db" update-schema -d "$SCHEMA/$dir/versioned"
done
echo "Temporal schema ready"
