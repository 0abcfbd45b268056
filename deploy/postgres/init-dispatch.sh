#!/bin/sh
# Runs once, when the postgres container initialises an empty data directory (docker-entrypoint-initdb.d):
# the role and database the Dispatch service uses, next to Temporal's `temporal` and `temporal_visibility`.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v user="${DISPATCH_DB_USER:-dispatch}" -v password="${DISPATCH_DB_PASSWORD:-dispatch}" <<'SQL'
CREATE ROLE :"user" LOGIN PASSWORD :'password';
CREATE DATABASE dispatch OWNER :"user";
SQL
