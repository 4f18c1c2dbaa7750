#!/usr/bin/env bash
# bench/relay.sh: relay catch-up of relayd against MariaDB's own replica IO thread, on the
# same pre-written binlog, in one run.
#
#   DM_BUILD_DIR=build/gcc bench/relay.sh        (an optimised build; not the ASan one)
#
# 1. An upstream sandbox gets `sysbench oltp_write_only` prepare + run (the binlog is then
#    complete and does not grow during the measurements).
# 2. A second sandbox server replicates it with CHANGE MASTER TO ... (from binlog.000001:4)
#    and START SLAVE IO_THREAD; the time until Read_Master_Log_Pos reaches the upstream's end
#    is the IO thread's catch-up time.
# 3. relayd relays the same binlog from binlog.000001:4 into an empty relay directory; the
#    time until its relay position reaches the upstream's end is relayd's catch-up time.
# Printed: both times and their ratio, stored bytes vs raw binlog bytes, relayd's peak RSS
# (VmHWM), and the bars: relayd at most 25% slower, stored <= 40% of raw, RSS < 256 MiB.
#
# Environment: BENCH_TABLES (8), BENCH_TABLE_SIZE (100000), BENCH_SECONDS (60 s of load),
# BENCH_THREADS (4), BENCH_ROUNDS (3: the two alternate and the best time of each counts,
# so that load from other processes hits both alike). Exit status 1 when a bar is missed.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${DM_BUILD_DIR:-$ROOT/build/gcc}
RELAYD="$BUILD/relayd/relayd"
SANDBOX="$ROOT/ops/sandbox.sh"
export DM_SANDBOX_DIR=${DM_SANDBOX_DIR:-/tmp/dm-bench-sandbox}
TABLES=${BENCH_TABLES:-8}
SIZE=${BENCH_TABLE_SIZE:-100000}
SECONDS_LOAD=${BENCH_SECONDS:-60}
THREADS=${BENCH_THREADS:-4}
[ -x "$RELAYD" ] || { echo "bench: build relayd first ($RELAYD)" >&2; exit 2; }

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
sql() { "$SANDBOX" sql "$@"; }
now() { date +%s.%N; }
WORK=$(mktemp -d /tmp/dm-bench-relay.XXXXXX)
UP=bench-up-$$
REP=bench-rep-$$
relayd_pid=
cleanup() {
  [ -n "$relayd_pid" ] && kill -KILL "$relayd_pid" 2>/dev/null || true
  "$SANDBOX" down "$UP" >/dev/null 2>&1 || true
  "$SANDBOX" down "$REP" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

up=$(port)
"$SANDBOX" up "$UP" "$up" --upstream >/dev/null
sql "$up" "CREATE DATABASE sbtest"
sb() {
  sysbench oltp_write_only --db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$up" --mysql-user=root \
    --mysql-db=sbtest --tables="$TABLES" --table-size="$SIZE" "$@"
}
echo "bench: writing the binlog (sysbench prepare $TABLES x $SIZE rows, then ${SECONDS_LOAD}s write-only)"
sb --threads="$THREADS" prepare >/dev/null
sb --threads="$THREADS" --time="$SECONDS_LOAD" --report-interval=0 run >"$WORK/sysbench.log"
end=$(sql "$up" "SHOW MASTER STATUS" | awk '{print $1 ":" $2}')
raw=$(sql "$up" "SHOW BINARY LOGS" | awk '{s += $2} END {print s}')
files=$(sql "$up" "SHOW BINARY LOGS" | wc -l)
echo "bench: binlog $raw bytes in $files files, end $end"

# --- MariaDB's IO thread -----------------------------------------------------------------
# run_io prints the IO thread's catch-up time on a fresh replica server.
run_io() {
  local rep st t0
  rep=$(port)
  "$SANDBOX" up "$REP" "$rep" --downstream >/dev/null
  sql "$rep" "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$up, MASTER_USER='root', MASTER_PASSWORD='', MASTER_LOG_FILE='binlog.000001', MASTER_LOG_POS=4, MASTER_USE_GTID=no"
  t0=$(now)
  sql "$rep" "START SLAVE IO_THREAD"
  # SHOW SLAVE STATUS columns (tab-separated): 6 Master_Log_File, 7 Read_Master_Log_Pos,
  # 11 Slave_IO_Running.
  while :; do
    st=$(sql "$rep" "SHOW SLAVE STATUS" | awk -F'\t' '{print $6 ":" $7, $11}')
    [ "${st% *}" == "$end" ] && break
    [ "${st#* }" == "No" ] && { sql "$rep" "SHOW SLAVE STATUS\G" >&2; echo "bench: IO thread stopped" >&2; exit 1; }
    sleep 0.05
  done
  python3 -c "print(round($(now) - $t0, 3))"
  sql "$rep" "STOP SLAVE IO_THREAD"
  "$SANDBOX" down "$REP" >/dev/null
}

# --- relayd --------------------------------------------------------------------------------
printf 'source-id: "bench"\nrelay-binlog-name: "binlog.000001"\nfrom:\n  host: "127.0.0.1"\n  port: %s\n  user: "root"\n' \
  "$up" >"$WORK/source.yaml"
addr="127.0.0.1:$(port)"
status() { "$RELAYD" call --addr "$addr" status 2>/dev/null || true; }
field() { python3 -c 'import json,sys
try:
    d = json.load(sys.stdin)["sources"][0]
    v = eval("d" + sys.argv[1])
    print(v)
except Exception:
    print("")' "$1"; }
# run_relayd prints relayd's catch-up time into an empty relay directory and leaves its
# status in $WORK/status.json and its VmHWM (kB) in $WORK/hwm.
run_relayd() {
  local t0 t
  rm -rf "${WORK:?}/relay"
  t0=$(now)
  "$RELAYD" --name bench --addr "$addr" --relay-dir "$WORK/relay" --source "$WORK/source.yaml" \
    --log-file "$WORK/relayd.log" &
  relayd_pid=$!
  # The poll is a grep, not a JSON parser: a python start every 50 ms would take CPU from relayd.
  while :; do
    status | grep -q "\"relay_binlog\": \"$end\"" && break
    kill -0 "$relayd_pid" 2>/dev/null || { cat "$WORK/relayd.log" >&2; echo "bench: relayd died" >&2; exit 1; }
    sleep 0.05
  done
  t=$(python3 -c "print(round($(now) - $t0, 3))")
  awk '/VmHWM/ {print $2}' "/proc/$relayd_pid/status" >"$WORK/hwm"
  status >"$WORK/status.json"
  kill -TERM "$relayd_pid"
  wait "$relayd_pid" || true
  relayd_pid=
  echo "$t"
}

# Rounds alternate the two so that load from other processes on the machine hits both alike;
# the best time of each is compared.
ROUNDS=${BENCH_ROUNDS:-3}
t_io=
t_relay=
hwm_kb=0
for r in $(seq 1 "$ROUNDS"); do
  a=$(run_io)
  b=$(run_relayd)
  h=$(cat "$WORK/hwm")
  echo "bench: round $r: IO thread $a s, relayd $b s (VmHWM $((h / 1024)) MiB)"
  t_io=$(python3 -c "print(min($a, ${t_io:-$a}))")
  t_relay=$(python3 -c "print(min($b, ${t_relay:-$b}))")
  [ "$h" -gt "$hwm_kb" ] && hwm_kb=$h
done
stored=$(field '["storage"]["stored_bytes"]' <"$WORK/status.json")
stored_raw=$(field '["storage"]["raw_bytes"]' <"$WORK/status.json")
du_bytes=$(du -sb "$WORK/relay/bench" | awk '{print $1}')

python3 - "$t_io" "$t_relay" "$raw" "$stored" "$stored_raw" "$hwm_kb" "$du_bytes" <<'EOF'
import sys
t_io, t_relay, raw, stored, stored_raw, hwm_kb, du = sys.argv[1:]
t_io, t_relay = float(t_io), float(t_relay)
raw, stored, stored_raw, hwm_kb, du = int(raw), int(stored), int(stored_raw), int(hwm_kb), int(du)
ratio_t = t_relay / t_io if t_io > 0 else float("inf")
ratio_b = stored / raw
ok = True
def bar(name, good, text):
    global ok
    ok = ok and good
    print(f"  {'PASS' if good else 'FAIL'}  {name}: {text}")
print(f"relay catch-up (best of the rounds): relayd {t_relay:.3f} s, MariaDB IO thread {t_io:.3f} s (relayd/IO = {ratio_t:.2f})")
print(f"bytes: raw binlog {raw}, relayed raw events {stored_raw}, stored (compressed segments) {stored} "
      f"= {100 * ratio_b:.1f}% of raw; relay directory on disk {du}")
print(f"relayd peak RSS (VmHWM): {hwm_kb / 1024:.1f} MiB")
bar("catch-up time", ratio_t <= 1.25, f"relayd/IO {ratio_t:.2f} <= 1.25")
bar("stored bytes", ratio_b <= 0.40, f"{100 * ratio_b:.1f}% <= 40%")
bar("peak RSS", hwm_kb < 256 * 1024, f"{hwm_kb / 1024:.1f} MiB < 256 MiB")
sys.exit(0 if ok else 1)
EOF
