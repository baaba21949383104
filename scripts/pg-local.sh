#!/usr/bin/env bash
# A throwaway PostgreSQL 15 server in one directory, for tests and benchmarks.
#
#   scripts/pg-local.sh start DIR [--postgis]   start (or find running) and print its URI
#   scripts/pg-local.sh env DIR                 print `export PG...=...` lines for psql and tests
#   scripts/pg-local.sh stop DIR                stop it and remove DIR
#
# The server listens on a unix socket in DIR and on a free TCP port on 127.0.0.1 only, with fsync
# on, and holds a database `truceline`; --postgis also creates the PostGIS extension in it.
# The URI printed, postgresql://USER:PASSWORD@127.0.0.1:PORT/truceline, uses a random password made
# at initdb; connections over the socket in DIR need none (DIR is mode 0700).
# As root the server runs as the `postgres` system user (PostgreSQL refuses to run as root), and DIR
# is handed to it: DIR's parent directories must then be searchable by that user.
# Both verbs are idempotent: start on a running DIR prints the same URI; stop on a missing DIR does
# nothing. stop removes only a directory that start made (it holds a .pg-local marker).
#
# Binaries: Debian's postgresql-15 under /usr/lib/postgresql/15/bin, or $PG_BIN. $PG_LOCAL_OPTS
# adds server settings at start ("-c shared_buffers=2GB …").
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
DB=truceline

usage() {
  echo "usage: $0 start DIR [--postgis] | env DIR | stop DIR" >&2
  exit 2
}

die() {
  echo "pg-local: $*" >&2
  exit 1
}

# Runs a command as the user who owns the server.
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

owner_name() {
  if [[ $(id -u) -eq 0 ]]; then echo postgres; else id -un; fi
}

running() {
  [[ -f "$DIR/data/postmaster.pid" ]] && as_owner "$PG_BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1
}

# A loopback port nobody listens on now. Another process may take it before the server binds,
# so start() retries with a new one.
free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  die "no free TCP port found on 127.0.0.1"
}

uri() {
  echo "postgresql://$(owner_name):$(cat "$DIR/password")@127.0.0.1:$(cat "$DIR/port")/$DB"
}

# psql over the socket as the owner, stopping at the first error.
sql() {
  as_owner env PGOPTIONS="-c client_min_messages=warning" \
    "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$DIR" -p "$(cat "$DIR/port")" -d "$1" -c "$2"
}

make_dir() {
  if [[ -e "$DIR" && ! -f "$DIR/.pg-local" ]] && [[ -n "$(ls -A "$DIR" 2>/dev/null)" ]]; then
    die "$DIR exists and was not made by pg-local.sh; give an empty or new directory"
  fi
  mkdir -p "$DIR"
  touch "$DIR/.pg-local"
  chmod 700 "$DIR"
  if [[ $(id -u) -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || die "no 'postgres' system user; install Debian's postgresql package"
    chown -R postgres:postgres "$DIR"
    runuser -u postgres -- test -x "$DIR" || die "the postgres user cannot reach $DIR; choose a directory whose parents it can search"
  fi
  # The socket path (DIR/.s.PGSQL.PORT) must fit the 107 bytes of sockaddr_un.
  ((${#DIR} <= 90)) || die "$DIR is too long for a unix socket path; use a shorter one"
}

init_cluster() {
  [[ -f "$DIR/data/PG_VERSION" ]] && return
  local pw
  pw=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  (umask 077 && echo "$pw" >"$DIR/password" && echo "$pw" >"$DIR/pwfile")
  [[ $(id -u) -eq 0 ]] && chown postgres:postgres "$DIR/password" "$DIR/pwfile"
  as_owner "$PG_BIN/initdb" -D "$DIR/data" -U "$(owner_name)" --pwfile="$DIR/pwfile" \
    --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C >"$DIR/initdb.log" 2>&1 ||
    die "initdb failed; see $DIR/initdb.log"
  rm -f "$DIR/pwfile"
}

start_server() {
  local port
  for _ in 1 2 3 4 5; do
    port=$(free_port)
    echo "$port" >"$DIR/port"
    # -w waits until the server accepts connections.
    if as_owner "$PG_BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 start \
      -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories='$DIR' -c fsync=on ${PG_LOCAL_OPTS:-}" >/dev/null; then
      return
    fi
    grep -q "could not bind\|Address already in use" "$DIR/server.log" 2>/dev/null || break
  done
  die "the server did not start; see $DIR/server.log"
}

start() {
  if ! running; then
    make_dir
    init_cluster
    start_server
  fi
  as_owner "$PG_BIN/pg_isready" -q -h "$DIR" -p "$(cat "$DIR/port")" -t 30 || die "the server is not ready; see $DIR/server.log"
  if ! as_owner "$PG_BIN/psql" -X -At -h "$DIR" -p "$(cat "$DIR/port")" -d postgres \
    -c "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
    sql postgres "CREATE DATABASE $DB"
  fi
  if [[ $POSTGIS -eq 1 ]]; then
    [[ -f /usr/share/postgresql/15/extension/postgis.control ]] ||
      die "PostGIS is not installed; run scripts/setup.sh --bench (postgresql-15-postgis-3)"
    sql "$DB" "CREATE EXTENSION IF NOT EXISTS postgis"
  fi
  uri
}

stop() {
  [[ -e "$DIR" ]] || return 0
  [[ -f "$DIR/.pg-local" ]] || die "$DIR was not made by pg-local.sh; not removing it"
  if running; then as_owner "$PG_BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null; fi
  rm -rf "$DIR"
}

print_env() {
  running || die "no server running in $DIR; run: $0 start $DIR"
  echo "export DATABASE_URL='$(uri)'"
  echo "export PGHOST='$DIR'"
  echo "export PGPORT='$(cat "$DIR/port")'"
  echo "export PGUSER='$(owner_name)'"
  echo "export PGPASSWORD='$(cat "$DIR/password")'"
  echo "export PGDATABASE='$DB'"
}

[[ $# -ge 2 ]] || usage
CMD=$1
DIR=$(realpath -m "$2")
POSTGIS=0
shift 2
for a in "$@"; do
  case "$a" in
    --postgis) POSTGIS=1 ;;
    *) usage ;;
  esac
done
[[ -x "$PG_BIN/pg_ctl" ]] || die "no PostgreSQL binaries in $PG_BIN; install Debian's postgresql-15"

case "$CMD" in
  start) start ;;
  stop) stop ;;
  env) print_env ;;
  *) usage ;;
esac
