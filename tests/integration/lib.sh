# lib.sh: shared helpers for integration tests (source it). Every server or daemon a test
# starts through these helpers is stopped on exit, whether the test passed or failed.
set -euo pipefail

: "${DM_SOURCE_DIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${DM_BUILD_DIR:=$DM_SOURCE_DIR/build/asan}"
export DM_SANDBOX_DIR=${DM_SANDBOX_DIR:-/tmp/dm-sandbox}
# Servers started by this test belong to it: if the test is killed before its cleanup runs,
# the next `sandbox.sh up` anywhere removes them (see ops/sandbox.sh gc).
export DM_SANDBOX_OWNER=$$
SANDBOX="$DM_SOURCE_DIR/ops/sandbox.sh"
TEST_NAME=$(basename "${0%.sh}")
TEST_TMP=$(mktemp -d "/tmp/dm-$TEST_NAME.XXXXXX")
# What to stop on exit is recorded in files, not shell arrays: helpers such as server_up run
# inside $(...) subshells, whose variables the exiting shell never sees.
_REG_SERVERS="$TEST_TMP/.servers"
_REG_PIDS="$TEST_TMP/.pids"
: >"$_REG_SERVERS"
: >"$_REG_PIDS"

_cleanup() {
  local rc=$? p s
  while read -r p; do [ -n "$p" ] && kill -KILL "$p" 2>/dev/null || true; done <"$_REG_PIDS"
  while read -r s; do [ -n "$s" ] && "$SANDBOX" down "$s" >/dev/null 2>&1 || true; done <"$_REG_SERVERS"
  if [ $rc -eq 0 ]; then rm -rf "$TEST_TMP"; else echo "test: kept $TEST_TMP for inspection" >&2; fi
  exit $rc
}
trap _cleanup EXIT
trap 'exit 130' INT TERM

# free_port prints a TCP port on 127.0.0.1 that nothing listens on.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# server_up NAME ROLE [-- MARIADBD_OPTIONS...]: starts a sandbox server (ROLE upstream|
# downstream) on a free port and prints the port. The server is stopped when the test exits.
server_up() {
  local name="$1-$$" role=$2 port
  shift 2
  port=$(free_port)
  echo "$name" >>"$_REG_SERVERS"
  "$SANDBOX" up "$name" "$port" "--$role" "$@" >&2
  echo "$port"
}

# server_name NAME: the sandbox name server_up used for NAME.
server_name() { echo "$1-$$"; }

sql() { "$SANDBOX" sql "$@"; }

# track_pid PID: kill -9 PID when the test exits.
track_pid() { echo "$1" >>"$_REG_PIDS"; }

fail() { echo "FAIL: $*" >&2; exit 1; }

assert_eq() {
  [ "$1" == "$2" ] || fail "${3:-values differ}: expected [$2], got [$1]"
}

# table_checksum PORT DB.TABLE: an order-independent content hash that is equal across two
# servers exactly when the rows are equal.
table_checksum() {
  sql "$1" "CHECKSUM TABLE $2 EXTENDED" | awk '{print $2}'
}
