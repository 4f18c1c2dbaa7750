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
  if [ $rc -ne 0 ]; then
    # A failure may be the server's: show the end of each server's log before it goes.
    while read -r s; do
      [ -n "$s" ] && [ -f "$DM_SANDBOX_DIR/$s/error.log" ] || continue
      echo "test: errors and warnings in $s's error.log:" >&2
      grep -E "ERROR|Warning|signal|Assertion" "$DM_SANDBOX_DIR/$s/error.log" | grep -v "ignored in --skip-name-resolve" | tail -8 | sed 's/^/  /' >&2
    done <"$_REG_SERVERS"
  fi
  while read -r s; do [ -n "$s" ] && "$SANDBOX" down "$s" >/dev/null 2>&1 || true; done <"$_REG_SERVERS"
  if [ $rc -eq 0 ]; then rm -rf "$TEST_TMP"; else echo "test: kept $TEST_TMP for inspection" >&2; fi
  exit $rc
}
trap _cleanup EXIT
trap 'exit 130' INT TERM

# free_port prints a TCP port on 127.0.0.1 that nothing listens on and no other test has
# claimed. Ports come from 20000-32767, below Linux's ephemeral range (32768-60999), so no
# outgoing connection holds one; the claim (an atomic mkdir under the sandbox directory,
# owned by this test's pid) keeps two tests that start at once off the same port.
free_port() {
  local claims="$DM_SANDBOX_DIR/.ports" port owner i
  mkdir -p "$claims"
  for i in $(seq 1 200); do
    port=$((20000 + RANDOM % 12768))
    if [ -d "$claims/$port" ]; then
      owner=$(cat "$claims/$port/owner" 2>/dev/null || true)
      [ -n "$owner" ] && kill -0 "$owner" 2>/dev/null && continue
      rm -rf "$claims/$port"
    fi
    mkdir "$claims/$port" 2>/dev/null || continue
    echo "$DM_SANDBOX_OWNER" >"$claims/$port/owner"
    if python3 -c 'import socket,sys; s=socket.socket(); s.bind(("127.0.0.1",int(sys.argv[1]))); s.close()' "$port" 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  fail "no free port"
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
