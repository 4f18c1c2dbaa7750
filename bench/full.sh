#!/usr/bin/env bash
# bench/full.sh: full migration, applierd against mydumper + myloader (Debian's `mydumper`
# package, the tools DM's dump and load units are built on), on the same data and threads.
#
#   bench/full.sh [TABLES ROWS THREADS]      default: 4 200000 4
#   DM_BENCH_REPEAT=N (default 3): runs per contender, interleaved; the best time counts
#
# Data: sysbench oltp_common tables (TABLES x ROWS) plus the all-types table of the tests.
# One upstream sandbox server; every run loads into a fresh downstream sandbox server. Peer time = mydumper (to files in a temporary directory) + myloader, with -t THREADS,
# --rows equal to applierd's chunk size, --trx-consistency-only. Ours = `applierd run`
# (task-mode full, mydumpers.threads = loaders.pool-size = THREADS, release build), once per
# load method (insert, load-data). Every result is checked (CHECKSUM TABLE EXTENDED and
# counts equal the upstream's). Prints the times and the ratio peer/ours for the default
# method (> 1: applierd is faster); DM_BENCH_METHOD=insert reports the other.
set -euo pipefail
DM_SOURCE_DIR=$(cd "$(dirname "$0")/.." && pwd)
TABLES=${1:-4}
ROWS=${2:-200000}
THREADS=${3:-4}
REPEAT=${DM_BENCH_REPEAT:-3}
BUILD=${DM_BENCH_BUILD:-$DM_SOURCE_DIR/build/rel}
export DM_SANDBOX_DIR=${DM_SANDBOX_DIR:-/tmp/dm-sandbox}
SANDBOX="$DM_SOURCE_DIR/ops/sandbox.sh"
TMP=$(mktemp -d /tmp/dm-bench-full.XXXXXX)
UPN=bench-full-up-$$
DOWNN=bench-full-down-$$

cleanup() {
  "$SANDBOX" down "$UPN" >/dev/null 2>&1 || true
  "$SANDBOX" down "$DOWNN" >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT

if [ ! -x "$BUILD/applierd/applierd" ]; then
  echo "building applierd (release) in $BUILD" >&2
  cmake -S "$DM_SOURCE_DIR" -B "$BUILD" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$BUILD" -j2 --target applierd >/dev/null
fi
APPLIERD=$BUILD/applierd/applierd
source "$DM_SOURCE_DIR/tests/integration/full_lib.sh"

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
up=$(port); "$SANDBOX" up "$UPN" "$up" --upstream >/dev/null
sql() { "$SANDBOX" sql "$@"; }

echo "preparing ${TABLES} x ${ROWS} sysbench rows + all-types table..." >&2
client "$up" <"$DM_SOURCE_DIR/tests/data/applier/alltypes.sql"
sysbench_prepare "$up" "$TABLES" "$ROWS"
tables="typesdb.alltypes typesdb.nokey typesdb.strkey"
for i in $(seq 1 "$TABLES"); do tables="$tables sbtest.sbtest$i"; done
sql "$up" "FLUSH TABLES" # warm nothing in particular: both runs read the same cold-ish pages
chunk=$(( ROWS / (2 * THREADS) )); [ $chunk -lt 10000 ] && chunk=10000; [ $chunk -gt 200000 ] && chunk=200000

# reset_down gives every run a fresh downstream server: after a DROP DATABASE the server
# would still be purging and flushing the previous run's pages during the next run.
reset_down() {
  "$SANDBOX" down "$DOWNN" >/dev/null 2>&1 || true
  down=$(port)
  "$SANDBOX" up "$DOWNN" "$down" --downstream >/dev/null
}

now() { date +%s.%N; }

# run_peer / run_ours M: one timed run into a fresh downstream; sets took and ok.
declare -A ok best all
run_peer() {
  reset_down
  rm -rf "$TMP/dump"
  local t0 t1 t2
  t0=$(now)
  mydumper -h 127.0.0.1 -P "$up" -u root -t "$THREADS" -r "$chunk" --trx-consistency-only \
    -x '^(sbtest|typesdb)\.' -o "$TMP/dump" >"$TMP/mydumper.log" 2>&1
  t1=$(now)
  myloader -h 127.0.0.1 -P "$down" -u root -t "$THREADS" -d "$TMP/dump" >"$TMP/myloader.log" 2>&1
  t2=$(now)
  took=$(echo "$t2 - $t0" | bc)
  peer_dump=$(echo "$t1 - $t0" | bc)
  same_content "$up" "$down" $tables >"$TMP/peer.check" 2>&1 ||
    ok[peer]="NO ($(grep differs "$TMP/peer.check" | head -3 | tr '\n' ';'))"
}
run_ours() {
  local m=$1 t0 t1
  reset_down
  INSTANCE_EXTRA='    block-allow-list: bw' write_task "$TMP/task.yaml" bench "$down" "$THREADS" 0 \
    'block-allow-list:
  bw:
    do-dbs: ["sbtest", "typesdb"]'
  t0=$(now)
  "$APPLIERD" run --source "$TMP/source.yaml" --task "$TMP/task.yaml" --load-method "$m" \
    >"$TMP/ours-$m.out" 2>"$TMP/ours-$m.log" || { tail -5 "$TMP/ours-$m.log" >&2; echo "applierd ($m) failed" >&2; exit 1; }
  t1=$(now)
  took=$(echo "$t1 - $t0" | bc)
  same_content "$up" "$down" $tables >"$TMP/ours-$m.check" 2>&1 ||
    ok[$m]="NO ($(grep differs "$TMP/ours-$m.check" | head -3 | tr '\n' ';'))"
}

# The machine is shared: every contender runs REPEAT times, interleaved, and its best time
# counts (the least disturbed run).
write_source "$TMP/source.yaml" "$up"
for k in peer insert load-data; do ok[$k]=yes; best[$k]=999999; all[$k]=""; done
for r in $(seq 1 "$REPEAT"); do
  for k in peer insert load-data; do
    if [ "$k" = peer ]; then run_peer; else run_ours "$k"; fi
    all[$k]="${all[$k]} $took"
    if [ "$(echo "$took < ${best[$k]}" | bc)" = 1 ]; then best[$k]=$took; fi
    echo "run $r $k: $took s" >&2
  done
done
method=${DM_BENCH_METHOD:-load-data}

printf 'data: %s x %s sysbench rows + all-types table, %s threads, chunk %s rows, best of %s\n' \
  "$TABLES" "$ROWS" "$THREADS" "$chunk" "$REPEAT"
printf 'peer  mydumper+myloader: %8.2f s  (runs:%s)  content equal: %s\n' "${best[peer]}" "${all[peer]}" "${ok[peer]}"
printf 'ours  applierd insert:   %8.2f s  (runs:%s)  content equal: %s\n' "${best[insert]}" "${all[insert]}" "${ok[insert]}"
printf 'ours  applierd load-data:%8.2f s  (runs:%s)  content equal: %s\n' "${best[load-data]}" "${all[load-data]}" "${ok[load-data]}"
printf 'ratio peer/ours (%s): %.2f\n' "$method" "$(echo "${best[peer]} / ${best[$method]}" | bc -l)"
