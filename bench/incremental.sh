#!/usr/bin/env bash
# incremental.sh: catch-up speed of the sync unit against MariaDB's own replica, and the
# applier's peak RSS while applying one large upstream transaction.
#
# One binlog backlog is written first (sysbench prepare + N oltp_write_only transactions, then
# a marker row); it is then replayed into three fresh downstreams:
#   1. MariaDB replica, single-threaded (slave_parallel_threads=0)
#   2. MariaDB replica, slave_parallel_threads=4, slave_parallel_mode=optimistic
#   3. our sync unit (tests/tools/sync_tool; worker-count W (default 4, as the replica's
#      threads), batch 100), timed until its global checkpoint reaches the end of the backlog
# Each is timed until the marker row (a table created at the end of the backlog, then a row
# in it) is visible downstream: a replica commits in binlog order, and the sync unit runs
# the CREATE as a barrier after every earlier change is committed. Ratios are peer/ours
# (above 1.0: we are faster). Then one transaction of BIG_ROWS rows (~220 bytes each) is
# written upstream and applied by the sync unit while its VmHWM is sampled.
#
# Then, with all three still replicating, a steady load (sysbench oltp_write_only at --rate
# transactions/s for --lag-seconds) runs with a heartbeat row written upstream every 100 ms;
# each downstream is polled every 100 ms for now() minus the newest heartbeat it shows:
# replication lag p50/p99 (including up to 100 ms of heartbeat period).
#
#   bench/incremental.sh [--trx N] [--table-size N] [--workers W] [--big-rows N]
#                        [--lag-seconds S] [--rate TPS]
#
# Uses a plain (non-sanitizer) build in build/bench, built if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
TRX=20000
TSIZE=10000
WORKERS=4
BIG_ROWS=5200000
LAG_S=30
RATE=200
while [ $# -gt 0 ]; do
  case $1 in
    --lag-seconds) LAG_S=$2; shift ;;
    --rate) RATE=$2; shift ;;
    --trx) TRX=$2; shift ;;
    --table-size) TSIZE=$2; shift ;;
    --workers) WORKERS=$2; shift ;;
    --big-rows) BIG_ROWS=$2; shift ;;
    *) echo "usage: $0 [--trx N] [--table-size N] [--workers W] [--big-rows N] [--lag-seconds S] [--rate TPS]" >&2; exit 2 ;;
  esac
  shift
done

BUILD=${DM_BENCH_BUILD:-build/bench}
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD" -j2 --target sync_tool >/dev/null
TOOL="$ROOT/$BUILD/tests/sync_tool"
TMP=$(mktemp -d /tmp/dm-bench-incr.XXXXXX)
export DM_SANDBOX_DIR=${DM_SANDBOX_DIR:-/tmp/dm-sandbox}
SB=ops/sandbox.sh
# Servers and processes to stop are recorded in files: up_server runs in a command
# substitution, where an array would be lost.
touch "$TMP/servers" "$TMP/pids"
cleanup() {
  while read -r p; do [ -n "$p" ] && kill -KILL "$p" 2>/dev/null || true; done <"$TMP/pids"
  while read -r n; do [ -n "$n" ] && $SB down "$n" >/dev/null 2>&1 || true; done <"$TMP/servers"
  rm -rf "$TMP"
}
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
up_server() { # NAME ROLE [EXTRA...] -> port
  local n="bench-incr-$1-$$" p; p=$(port); shift
  local role=$1; shift
  echo "$n" >>"$TMP/servers"
  $SB up "$n" "$p" "--$role" -- "$@" >/dev/null
  echo "$p"
}
q() { $SB sql "$@"; }
now() { date +%s.%N; }

UP=$(up_server up upstream --binlog-row-metadata=FULL)
read -r FILE POS _ < <(q "$UP" "SHOW MASTER STATUS")
q "$UP" "CREATE DATABASE sbtest; CREATE DATABASE bench"
SBC="sysbench --db-driver=mysql --mysql-host=127.0.0.1 --mysql-port=$UP --mysql-user=root --mysql-db=sbtest --tables=4 --table-size=$TSIZE"
$SBC oltp_write_only prepare >/dev/null
$SBC --threads=4 --events="$TRX" --time=0 oltp_write_only run >/dev/null
q "$UP" "CREATE TABLE bench.done (id INT PRIMARY KEY); INSERT INTO bench.done VALUES (1)"
read -r EFILE EPOS _ < <(q "$UP" "SHOW MASTER STATUS")
echo "backlog: $FILE:$POS .. $EFILE:$EPOS ($TRX write-only transactions, 4 x $TSIZE rows prepared)"

wait_done() { # PORT TIMEOUT_S
  local i
  for i in $(seq 1 $(($2 * 20))); do
    [ "$(q "$1" "SELECT COUNT(*) FROM bench.done" 2>/dev/null || true)" = 1 ] && return 0
    sleep 0.05
  done
  echo "bench: downstream on $1 did not catch up within $2 s" >&2; exit 1
}

replica_run() { # THREADS -> seconds
  local d t0
  d=$(up_server "rep$1" downstream --slave-parallel-threads="$1" --slave-parallel-mode=optimistic)
  q "$d" "CHANGE MASTER TO master_host='127.0.0.1', master_port=$UP, master_user='root', master_password='', master_log_file='$FILE', master_log_pos=$POS"
  t0=$(now)
  q "$d" "START SLAVE"
  wait_done "$d" 900
  echo "$(now) - $t0" | bc
  echo "$d" >"$TMP/rep$1"
}

ours_run() { # -> seconds
  local d t0 pid
  d=$(up_server ours downstream)
  cat >"$TMP/source.yaml" <<EOS
source-id: "mysql-01"
from: {host: "127.0.0.1", port: $UP, user: "root", password: ""}
EOS
  cat >"$TMP/task.yaml" <<EOS
name: "bench"
task-mode: "incremental"
target-database: {host: "127.0.0.1", port: $d, user: "root", password: ""}
mysql-instances:
  - source-id: "mysql-01"
    meta: {binlog-name: "$FILE", binlog-pos: $POS}
    syncer-config-name: "g"
syncers:
  g: {worker-count: $WORKERS, batch: 100, checkpoint-flush-interval: 1}
EOS
  t0=$(now)
  "$TOOL" --task "$TMP/task.yaml" --source "$TMP/source.yaml" --log-level warn >"$TMP/sync.log" 2>&1 &
  pid=$!; echo "$pid" >>"$TMP/pids"
  # Workers commit in parallel, so one row being visible does not by itself mean the rows
  # before it are; but bench.done is created by a DDL, a barrier: the sync unit runs it only
  # once every change before it is committed, and its row comes after. So the marker row
  # ends the backlog for the sync unit exactly as for a replica, with no checkpoint delay.
  wait_done "$d" 900
  echo "$(now) - $t0" | bc
  OURS_DOWN=$d OURS_PID=$pid
  echo "$d $pid" >"$TMP/ours"
}

T1=$(replica_run 0)
T4=$(replica_run 4)
ours_run >"$TMP/t_ours"
TO=$(head -1 "$TMP/t_ours")
read -r OD OPID <"$TMP/ours"
printf 'catch-up  mariadb replica (1 thread):          %6.1f s\n' "$T1"
printf 'catch-up  mariadb replica (4 threads, optim.): %6.1f s\n' "$T4"
printf 'catch-up  sync unit (%d workers):              %6.1f s\n' "$WORKERS" "$TO"
printf 'ratio     single-threaded / ours = %.2f   parallel(4) / ours = %.2f\n' \
  "$(echo "$T1 / $TO" | bc -l)" "$(echo "$T4 / $TO" | bc -l)"

# Lag under a steady load, all three appliers live.
if [ "$LAG_S" -gt 0 ]; then
  q "$UP" "CREATE TABLE bench.hb (id INT PRIMARY KEY, ts DATETIME(6)); INSERT INTO bench.hb VALUES (1, NOW(6))"
  sleep 3
  $SBC --threads=2 --rate="$RATE" --time="$LAG_S" oltp_write_only run >/dev/null &
  sbp=$!
  ( end=$((SECONDS + LAG_S)); while [ $SECONDS -lt $end ]; do
      q "$UP" "UPDATE bench.hb SET ts = NOW(6) WHERE id = 1"; sleep 0.1; done ) &
  hbp=$!
  polls=()
  for who in rep0 rep4 ours; do
    case $who in rep0) p=$(cat "$TMP/rep0") ;; rep4) p=$(cat "$TMP/rep4") ;; ours) p=$OD ;; esac
    ( sleep 2; while kill -0 "$hbp" 2>/dev/null; do
        q "$p" "SELECT TIMESTAMPDIFF(MICROSECOND, ts, NOW(6)) FROM bench.hb" 2>/dev/null || true
        sleep 0.1; done ) >"$TMP/lag.$who" &
    polls+=($!)
  done
  wait "$sbp" "$hbp" "${polls[@]}" || true
  pct() { sort -n "$1" | awk '{v[NR]=$1} END {if (NR == 0) {print "n/a"; exit}
    a = int(NR*0.5)+1; b = int(NR*0.99)+1; if (b > NR) b = NR
    printf "p50 %6.1f ms  p99 %7.1f ms  (%d samples)", v[a]/1000, v[b]/1000, NR}'; }
  echo "lag at $RATE trx/s for $LAG_S s:"
  echo "  mariadb replica (1 thread):          $(pct "$TMP/lag.rep0")"
  echo "  mariadb replica (4 threads, optim.): $(pct "$TMP/lag.rep4")"
  echo "  sync unit ($WORKERS workers):              $(pct "$TMP/lag.ours")"
fi

# One large transaction while the same sync unit keeps running: peak RSS.
q "$UP" "CREATE TABLE bench.big (id INT PRIMARY KEY, k INT, pad VARCHAR(200)); CREATE TABLE bench.done2 (id INT PRIMARY KEY)"
sleep 2
base=$(awk '/VmHWM/ {print $2}' "/proc/$OPID/status")
bin0=$(q "$UP" "SHOW BINARY LOGS" | awk '{s+=$2} END {print s}')
q "$UP" "USE bench; INSERT INTO bench.big SELECT seq, seq % 1000, REPEAT('x', 200) FROM seq_1_to_$BIG_ROWS; INSERT INTO bench.done2 VALUES (1)"
read -r BF BP _ < <(q "$UP" "SHOW MASTER STATUS")
t0=$(now)
for i in $(seq 1 36000); do
  [ "$(q "$OD" "SELECT CONCAT(binlog_name, ':', binlog_pos) FROM dm_meta.bench_syncer_checkpoint WHERE is_global = 1" 2>/dev/null || true)" = "$BF:$BP" ] && break
  kill -0 "$OPID" 2>/dev/null || { cat "$TMP/sync.log" >&2; exit 1; }
  sleep 0.05
done
tb=$(echo "$(now) - $t0" | bc)
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$OPID/status")
rows=$(q "$OD" "SELECT COUNT(*) FROM bench.big")
[ "$rows" = "$BIG_ROWS" ] || { echo "bench: big table has $rows rows downstream" >&2; exit 1; }
bin1=$(q "$UP" "SHOW BINARY LOGS" | awk '{s+=$2} END {print s}')
printf 'large trx %d rows (%d MiB of binlog): applied in %.1f s, peak RSS %d MiB (before: %d MiB)\n' \
  "$BIG_ROWS" $(((bin1 - bin0) / 1048576)) "$tb" $((hwm / 1024)) $((base / 1024))
