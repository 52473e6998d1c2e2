#!/usr/bin/env bash
# Install and start a local PostgreSQL from the distribution's packages for the test
# tests/test_postgres.py (marker `postgres`), and create a test-only role and database.
#
# Idempotent: reuses an installed server and a running cluster; a rerun gives the role a new
# random password. Never fails CI: without apt, root or a startable server it prints a warning
# and the test skips itself with a message.
#
# The connection settings (DAGSTER_PG_USERNAME, DAGSTER_PG_PASSWORD, DAGSTER_PG_HOST,
# DAGSTER_PG_DB, DAGSTER_PG_PORT) go to $NEWS_PIPELINE_PG_ENV_FILE (default
# build/ci/postgres.env: build/ is git-ignored), mode 600, which the test reads. The password
# is random per install and only valid for this throw-away local server (localhost only).
set -uo pipefail
cd "$(dirname "$0")/.."

ENV_FILE="${NEWS_PIPELINE_PG_ENV_FILE:-build/ci/postgres.env}"
PG_USER="news_pipeline_test"
PG_DB="news_pipeline_test"

warn() { echo "install-postgres: warning: $*; the PostgreSQL test will be skipped" >&2; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO="sudo -n"
    else
        warn "not root and no password-less sudo"
        exit 0
    fi
fi

# 1. Server packages (Debian/Ubuntu: postgresql + postgresql-common's pg_ctlcluster).
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    if ! command -v apt-get >/dev/null 2>&1; then
        warn "apt-get not found"
        exit 0
    fi
    export DEBIAN_FRONTEND=noninteractive
    if ! $SUDO apt-get update -qq; then
        warn "apt-get update failed"
        exit 0
    fi
    if ! $SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null; then
        warn "apt-get install postgresql failed"
        exit 0
    fi
fi

# 2. A cluster, started. pg_lsclusters columns: version cluster port status owner ...
cluster="$(pg_lsclusters --no-header 2>/dev/null | head -n 1)"
if [ -z "$cluster" ]; then
    version="$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1)"
    if [ -z "$version" ] || ! $SUDO pg_createcluster "$version" main >/dev/null; then
        warn "no PostgreSQL cluster and pg_createcluster failed"
        exit 0
    fi
    cluster="$(pg_lsclusters --no-header | head -n 1)"
fi
read -r version name port status _ <<<"$cluster"
if [ "$status" != "online" ]; then
    # Without systemd (containers), pg_ctlcluster starts the server directly as its owner.
    if ! $SUDO pg_ctlcluster "$version" "$name" start; then
        warn "pg_ctlcluster $version $name start failed (see /var/log/postgresql)"
        exit 0
    fi
fi

# 3. Test role and database. The password is random hex: safe to embed in SQL unquoted-free.
password="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
as_postgres() { $SUDO runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$port" "$@"; }
if ! as_postgres -d postgres <<SQL
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_USER') THEN
    CREATE ROLE $PG_USER LOGIN;
  END IF;
END
\$\$;
ALTER ROLE $PG_USER WITH LOGIN PASSWORD '$password';
SQL
then
    warn "could not create role $PG_USER"
    exit 0
fi
if [ -z "$(as_postgres -d postgres -tA -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")" ]; then
    if ! as_postgres -d postgres -c "CREATE DATABASE $PG_DB OWNER $PG_USER"; then
        warn "could not create database $PG_DB"
        exit 0
    fi
fi

# 4. Connection settings for the test (and for deploy/dagster-postgres.yaml).
mkdir -p "$(dirname "$ENV_FILE")"
umask 077
cat >"$ENV_FILE" <<ENV
DAGSTER_PG_USERNAME=$PG_USER
DAGSTER_PG_PASSWORD=$password
DAGSTER_PG_HOST=127.0.0.1
DAGSTER_PG_DB=$PG_DB
DAGSTER_PG_PORT=$port
ENV
echo "install-postgres: PostgreSQL $version/$name on 127.0.0.1:$port, database $PG_DB, role $PG_USER;" \
     "connection settings (password included) in $ENV_FILE"
exit 0
