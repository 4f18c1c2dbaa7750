#!/usr/bin/env bash
# Crash safety of the relay: sysbench writes into a MariaDB upstream while FLUSH BINARY LOGS
# runs every few seconds and relayd is killed with SIGKILL at random moments (at least 5
# times) and restarted. After catch-up the stored event sequence (relayd inspect, through the
# running relayd and at the end from the store itself) equals the
# upstream's (SHOW BINLOG EVENTS IN every file) event for event: same files, positions,
# types and server ids, no gap, no duplicate. Then the upstream restarts under load and the
# relay reconnects and stays equal.
#
# What a replica never stores, and the comparison therefore never sees: the fake ROTATE that
# starts each file in the stream, the FORMAT_DESCRIPTION the upstream re-sends when a dump
# starts inside a file, and heartbeats. None of them is in SHOW BINLOG EVENTS either.
source "$(dirname "$0")/lib.sh"
RELAYD="$DM_BUILD_DIR/relayd/relayd"
KILLS=${DM_RELAY_CRASH_KILLS:-6}
LOAD_SECONDS=${DM_RELAY_CRASH_SECONDS:-30}
command -v sysbench >/dev/null || fail "sysbench is not installed (ops/deps.sh)"

up=$(server_up crash-up upstream)
# server_up runs in a command substitution, so its record of the server is lost there:
# register it here so that the server is stopped on exit.
addr="127.0.0.1:$(free_port)"
relay="$TEST_TMP/relay"
cat >"$TEST_TMP/source.yaml" <<EOF
source-id: "crash-src"
from:
  host: "127.0.0.1"
  port: $up
  user: "root"
EOF

start_relayd() {
  "$RELAYD" --name crash --addr "$addr" --relay-dir "$relay" --source "$TEST_TMP/source.yaml" \
    --log-file "$TEST_TMP/relayd.log" &
  relayd_pid=$!
  track_pid "$relayd_pid"
}
call() { "$RELAYD" call --addr "$addr" "$@"; }
relay_pos() { call status 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["sources"][0]["relay_binlog"])' 2>/dev/null || true; }
sb() {
  sysbench "$1" --db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$up" --mysql-user=root \
    --mysql-db=sbtest --tables=4 --table-size=2000 "${@:2}"
}

wait_caught_up() {
  local want
  for _ in $(seq 1 600); do
    want="$(sql "$up" "SHOW MASTER STATUS" | awk '{print $1 ":" $2}')"
    [ "$(relay_pos)" == "$want" ] && return 0
    sleep 0.1
  done
  fail "relay did not catch up with $want (at $(relay_pos))"
}

compare() {
  for _ in $(seq 1 20); do
    wait_caught_up
    for f in $(sql "$up" "SHOW BINARY LOGS" | awk '{print $1}'); do
      sql "$up" "SHOW BINLOG EVENTS IN '$f'" | awk -F'\t' '{print $1 ":" $2, $3, $4}'
    done >"$TEST_TMP/expected"
    "$RELAYD" inspect --addr "$addr" --source-id crash-src | awk '{print $2, $3, $4}' >"$TEST_TMP/stored"
    diff "$TEST_TMP/expected" "$TEST_TMP/stored" >"$TEST_TMP/diff" && return 0
    sleep 0.3
  done
  head -20 "$TEST_TMP/diff" >&2
  fail "$1"
}

sql "$up" "CREATE DATABASE sbtest"
start_relayd
# The first start takes the upstream's current file: wait until relayd has picked it.
for _ in $(seq 1 100); do
  call status 2>/dev/null | grep -q '"epoch": [1-9]' && break
  sleep 0.1
done
sb oltp_write_only prepare >/dev/null

# Load and periodic binlog rotation in the background.
sb oltp_write_only run --threads=4 --time="$LOAD_SECONDS" --report-interval=0 >"$TEST_TMP/sysbench.log" 2>&1 &
load=$!
track_pid "$load"
(
  while kill -0 "$load" 2>/dev/null; do
    sleep 3
    sql "$up" "FLUSH BINARY LOGS" || true
  done
) &
flusher=$!
track_pid "$flusher"

kills=0
while [ "$kills" -lt "$KILLS" ]; do
  sleep "$(python3 -c 'import random; print(round(random.uniform(0.5, 4.0), 2))')"
  kill -KILL "$relayd_pid"
  wait "$relayd_pid" 2>/dev/null || true
  kills=$((kills + 1))
  sleep "$(python3 -c 'import random; print(round(random.uniform(0, 1.0), 2))')"
  start_relayd
done
wait "$load" || { cat "$TEST_TMP/sysbench.log" >&2; fail "sysbench failed"; }
wait "$flusher" || true
files=$(sql "$up" "SHOW BINARY LOGS" | wc -l)
[ "$files" -ge 5 ] || fail "expected several binlog files, got $files"
compare "stored events differ from the upstream after $kills kills"
events=$(wc -l <"$TEST_TMP/stored")
echo "crash: $kills kills, $files binlog files, $events events equal"

# The upstream restarts under load: relayd reconnects and continues.
sb oltp_write_only run --threads=2 --time=8 --report-interval=0 >"$TEST_TMP/sysbench2.log" 2>&1 &
load=$!
track_pid "$load"
sleep 2
"$SANDBOX" restart "$(server_name crash-up)" >/dev/null
wait "$load" || true # sysbench's own connections die with the server
sb oltp_write_only run --threads=2 --time=3 --report-interval=0 >/dev/null
compare "stored events differ after the upstream restart"
grep -q "reconnecting" "$TEST_TMP/relayd.log" || fail "the upstream restart went unnoticed"
kill -TERM "$relayd_pid"
wait "$relayd_pid" || fail "relayd did not stop cleanly"
# The same listing read from the store directly (relayd stopped).
"$RELAYD" inspect --relay-dir "$relay" --source-id crash-src | awk '{print $2, $3, $4}' >"$TEST_TMP/stored.local"
diff "$TEST_TMP/expected" "$TEST_TMP/stored.local" >/dev/null || fail "the local listing differs from the upstream"
echo "relay crash: ok"
