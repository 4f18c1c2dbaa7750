#!/usr/bin/env bash
# store.sh: relay store append throughput (MB/s of raw events), compression ratio and peak
# RSS. The stream is a real MariaDB binlog: sysbench oltp_write_only runs against a sandbox
# upstream, then relay_store_tool appends the closed binlog files (events, positions, GTIDs
# and transaction ends as relayd would pass them) at zstd levels 1 and 3. With --synthetic
# (or when sysbench / mariadbd is missing) a synthetic row stream is used instead.
#
#   bench/store.sh [--synthetic] [--seconds N] [--mb N]
#
# Uses a plain (non-sanitizer) build in build/bench, built if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SECS=30
MB=200
SYNTHETIC=0
while [ $# -gt 0 ]; do
  case $1 in
    --synthetic) SYNTHETIC=1 ;;
    --seconds) SECS=$2; shift ;;
    --mb) MB=$2; shift ;;
    *) echo "usage: $0 [--synthetic] [--seconds N] [--mb N]" >&2; exit 2 ;;
  esac
  shift
done

BUILD=${DM_BENCH_BUILD:-build/bench}
if [ ! -x "$BUILD/tests/relay_store_tool" ]; then
  cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$BUILD" -j2 --target relay_store_tool >/dev/null
fi
TOOL="$ROOT/$BUILD/tests/relay_store_tool"
TMP=$(mktemp -d /tmp/dm-bench-store.XXXXXX)
export DM_SANDBOX_DIR=${DM_SANDBOX_DIR:-/tmp/dm-sandbox}
NAME=bench-store-$$
UP=0
cleanup() {
  [ "$UP" = 1 ] && ops/sandbox.sh down "$NAME" >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT

if [ "$SYNTHETIC" = 0 ] && { ! command -v sysbench >/dev/null || ! command -v mariadbd >/dev/null; }; then
  echo "sysbench or mariadbd missing: synthetic stream"
  SYNTHETIC=1
fi

if [ "$SYNTHETIC" = 1 ]; then
  for level in 1 3; do
    echo "== synthetic rows, ${MB} MB, zstd level $level"
    "$TOOL" bench-synthetic "$TMP/store-$level" "$MB" "$level"
  done
  exit 0
fi

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
ops/sandbox.sh up "$NAME" "$PORT" --upstream >/dev/null
UP=1
sql() { ops/sandbox.sh sql "$PORT" "$1"; }
sql "CREATE DATABASE sbtest"
SB=(sysbench oltp_write_only --db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$PORT"
    --mysql-user=root --mysql-db=sbtest --tables=4 --table-size=20000 --threads=4)
echo "== sysbench oltp_write_only for ${SECS}s on a sandbox MariaDB upstream"
"${SB[@]}" prepare >/dev/null
"${SB[@]}" --time="$SECS" --report-interval=0 run | grep -E "transactions:|queries:" || true
sql "FLUSH BINARY LOGS"
DATADIR=$(sql "SELECT @@datadir")
mapfile -t LOGS < <(sql "SHOW BINARY LOGS" | awk '{print $1}')
unset 'LOGS[${#LOGS[@]}-1]' # the one just opened by FLUSH holds nothing yet
FILES=()
for f in "${LOGS[@]}"; do
  cp "$DATADIR/$f" "$TMP/$f"
  FILES+=("$TMP/$f")
done
echo "binlog: ${#FILES[@]} file(s), $(du -cb "${FILES[@]}" | tail -1 | awk '{printf "%.1f MB", $1/1e6}')"
for level in 1 3; do
  echo "== relay store append, zstd level $level"
  "$TOOL" bench "$TMP/store-$level" "$level" "${FILES[@]}"
done
