#!/usr/bin/env bash
# sandbox.sh starts and stops throwaway MariaDB servers on 127.0.0.1 for tests, benchmarks
# and the quickstart.
#
#   ops/sandbox.sh up NAME PORT [--upstream|--downstream] [-- EXTRA_MARIADBD_OPTIONS...]
#   ops/sandbox.sh down NAME            stop the server and delete its directory
#   ops/sandbox.sh stop NAME            stop it, keep its data (restart with `start`)
#   ops/sandbox.sh start NAME           start a stopped server again with its options
#   ops/sandbox.sh restart NAME         stop + start (an upstream restart in fault tests)
#   ops/sandbox.sh kill NAME            kill -9 the server (crash)
#   ops/sandbox.sh sql PORT "SQL..."    run SQL as root over TCP, tab-separated output
#   ops/sandbox.sh list                 the servers that are up
#   ops/sandbox.sh gc                   remove servers whose owner process has exited
#
# When DM_SANDBOX_OWNER holds a process id (tests/integration/lib.sh sets it to the test's
# pid), the server belongs to that process: `gc`, which every `up` runs first, stops and
# deletes servers whose owner has exited, so a test killed before its cleanup leaks nothing
# for long.
# Servers live in $DM_SANDBOX_DIR (default /tmp/dm-sandbox)/NAME. User root has no password
# and may connect from 127.0.0.1. An upstream has server-id, log-bin, binlog_format=ROW,
# binlog_row_image=FULL and GTID (MariaDB's GTID is always on; gtid_strict_mode is set).
set -euo pipefail

SANDBOX_DIR=${DM_SANDBOX_DIR:-/tmp/dm-sandbox}
MARIADBD=$(command -v mariadbd || echo /usr/sbin/mariadbd)
CLIENT=$(command -v mariadb || command -v mysql)

die() { echo "sandbox: $*" >&2; exit 1; }

usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

# template builds one initialised data directory that every server copies: running
# mariadb-install-db once instead of per server keeps a start at about a second.
template() {
  local t="$SANDBOX_DIR/.template"
  [ -f "$t/.ready" ] && return 0
  mkdir -p "$SANDBOX_DIR"
  (
    flock 9
    [ -f "$t/.ready" ] && exit 0
    rm -rf "$t"; mkdir -p "$t"
    mariadb-install-db --no-defaults --user="$(id -un)" --datadir="$t" \
      --auth-root-authentication-method=normal --skip-test-db >"$SANDBOX_DIR/.template.log" 2>&1 \
      || { cat "$SANDBOX_DIR/.template.log" >&2; exit 1; }
    touch "$t/.ready"
  ) 9>"$SANDBOX_DIR/.template.lock"
}

wait_up() {
  local dir=$1 port=$2 i dd
  for i in $(seq 1 300); do
    # The server that answers must be this one (its datadir), not another on the same port.
    if dd=$("$CLIENT" --no-defaults -uroot -h127.0.0.1 -P"$port" -N -e 'SELECT @@datadir' 2>/dev/null); then
      [ "$(realpath -m "$dd")" = "$(realpath -m "$dir/data")" ] && return 0
      die "port $port answers with the server of ${dd%/data*}, not $dir"
    fi
    if [ -f "$dir/pid" ] && ! kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
      tail -20 "$dir/error.log" >&2 || true
      die "server in $dir exited during start"
    fi
    sleep 0.1
  done
  tail -20 "$dir/error.log" >&2 || true
  die "server in $dir did not answer on port $port within 30s"
}

start_server() {
  local dir=$1 port
  port=$(cat "$dir/port")
  rm -f "$dir/pid"
  # setsid: the server must not die with the shell or the test that started it by a signal
  # sent to the process group; tests stop servers explicitly with `down`.
  setsid "$MARIADBD" --defaults-file="$dir/my.cnf" --user="$(id -un)" >>"$dir/error.log" 2>&1 </dev/null &
  wait_up "$dir" "$port"
}

stop_server() {
  local dir=$1 pid i
  [ -f "$dir/pid" ] || return 0
  pid=$(cat "$dir/pid")
  kill -TERM "$pid" 2>/dev/null || { rm -f "$dir/pid"; return 0; }
  for i in $(seq 1 600); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$dir/pid"; return 0; }
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$dir/pid"
}

cmd_gc() {
  local d owner
  for d in "$SANDBOX_DIR"/*/; do
    [ -f "$d/owner" ] || continue
    owner=$(cat "$d/owner")
    [ -n "$owner" ] && ! kill -0 "$owner" 2>/dev/null || continue
    stop_server "${d%/}"
    rm -rf "${d%/}"
  done
}

cmd_up() {
  local name=${1:-} port=${2:-} role=plain
  [ -n "$name" ] && [ -n "$port" ] || usage
  shift 2
  local extra=()
  while [ $# -gt 0 ]; do
    case $1 in
      --upstream) role=upstream ;;
      --downstream) role=downstream ;;
      --) shift; extra=("$@"); break ;;
      *) die "unknown option $1" ;;
    esac
    shift
  done
  local dir="$SANDBOX_DIR/$name"
  if [ -f "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
    die "$name is already up (port $(cat "$dir/port")); run: $0 down $name"
  fi
  if "$CLIENT" --no-defaults -uroot -h127.0.0.1 -P"$port" -e 'SELECT 1' >/dev/null 2>&1 ||
     (command -v nc >/dev/null && nc -z 127.0.0.1 "$port" 2>/dev/null); then
    die "port $port is already in use"
  fi
  cmd_gc
  template
  rm -rf "$dir"; mkdir -p "$dir"
  [ -n "${DM_SANDBOX_OWNER:-}" ] && echo "$DM_SANDBOX_OWNER" >"$dir/owner"
  cp -a "$SANDBOX_DIR/.template" "$dir/data"
  rm -f "$dir/data/.ready"
  echo "$port" >"$dir/port"
  echo "$role" >"$dir/role"
  # A server id unique per port keeps several upstreams and the relay's replica ids apart.
  local sid=$((port % 100000 + 1))
  {
    echo "[mariadbd]"
    echo "datadir=$dir/data"
    echo "socket=$dir/mysqld.sock"
    echo "pid-file=$dir/pid"
    echo "port=$port"
    echo "bind-address=127.0.0.1"
    echo "log-error=$dir/error.log"
    echo "skip-name-resolve"
    echo "server-id=$sid"
    echo "innodb_buffer_pool_size=256M"
    echo "innodb_log_file_size=256M"
    echo "max_allowed_packet=1G"
    echo "max_connections=500"
    echo "character-set-server=utf8mb4"
    echo "collation-server=utf8mb4_general_ci"
    echo "local_infile=ON"
    if [ "$role" = upstream ]; then
      echo "log-bin=$dir/data/binlog"
      echo "binlog_format=ROW"
      echo "binlog_row_image=FULL"
      echo "gtid_strict_mode=1"
      echo "gtid_domain_id=0"
      echo "log_slave_updates=ON"
      echo "max_binlog_size=100M"
    fi
    for o in "${extra[@]}"; do echo "${o#--}"; done
  } >"$dir/my.cnf"
  start_server "$dir"
  "$CLIENT" --no-defaults -uroot -h127.0.0.1 -P"$port" -e \
    "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1'; GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;" \
    >/dev/null 2>&1 || true
  if [ "$role" = upstream ]; then
    # The template's bootstrap statements are not binlogged; start the binlog cleanly.
    "$CLIENT" --no-defaults -uroot -h127.0.0.1 -P"$port" -e "RESET MASTER" >/dev/null
  fi
  echo "sandbox: $name ($role) up on 127.0.0.1:$port, data in $dir"
}

cmd_down() {
  local name=${1:-}
  [ -n "$name" ] || usage
  local dir="$SANDBOX_DIR/$name"
  [ -d "$dir" ] || return 0
  stop_server "$dir"
  rm -rf "$dir"
  echo "sandbox: $name down"
}

cmd_sql() {
  local port=${1:-}
  [ -n "$port" ] || usage
  shift
  "$CLIENT" --no-defaults --default-character-set=utf8mb4 -uroot -h127.0.0.1 -P"$port" --batch --skip-column-names -e "$*"
}

case ${1:-} in
  up) shift; cmd_up "$@" ;;
  down) shift; cmd_down "$@" ;;
  stop) shift; stop_server "$SANDBOX_DIR/${1:?name}" ;;
  start) shift; start_server "$SANDBOX_DIR/${1:?name}" ;;
  restart) shift; stop_server "$SANDBOX_DIR/${1:?name}"; start_server "$SANDBOX_DIR/$1" ;;
  kill) shift; d="$SANDBOX_DIR/${1:?name}"; [ -f "$d/pid" ] && kill -KILL "$(cat "$d/pid")" 2>/dev/null || true; sleep 0.2 ;;
  sql) shift; cmd_sql "$@" ;;
  gc) cmd_gc ;;
  list) for d in "$SANDBOX_DIR"/*/; do [ -f "$d/port" ] && echo "$(basename "$d") $(cat "$d/role") $(cat "$d/port")"; done 2>/dev/null || true ;;
  *) usage ;;
esac
