#!/usr/bin/env bash
# The whole path of issue 6: relayd relays the upstream; `applierd run --relay` runs an
# `all` task (dump + load, then sync from relayd's segment stream). While sysbench
# oltp_write_only and the all-types workload run upstream, and DDL (ADD/DROP COLUMN, ADD
# INDEX, RENAME, TRUNCATE, CREATE/DROP TABLE) once the full phase is over, the applier is
# killed with SIGKILL six times (in the load and in sync) and restarted. Afterwards every table is equal, no duplicate-key
# or other error surfaced, no row is lost. Then relayd itself restarts (the applier
# reconnects to it), and a relay that does not hold the position a task needs is refused
# with an error naming the position, instead of a silent gap.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/test_sync_lib.bash"
RELAYD="$DM_BUILD_DIR/relayd/relayd"
APPLIERD="$DM_BUILD_DIR/applierd/applierd"

sync_servers FULL
sed -i 's/task-mode: "incremental"/task-mode: "all"/' "$TEST_TMP/task.yaml"
echo "relay-binlog-name: binlog.000001" >>"$TEST_TMP/source.yaml"
addr="127.0.0.1:$(free_port)"

start_relayd() {
  "$RELAYD" --name r1 --addr "$addr" --relay-dir "$TEST_TMP/relay" --source "$TEST_TMP/source.yaml" \
    --log-file "$TEST_TMP/relayd.log" &
  relayd_pid=$!
  track_pid "$relayd_pid"
}
start_applier() {
  "$APPLIERD" run --source "$TEST_TMP/source.yaml" --task "$TEST_TMP/task.yaml" --relay "$addr" \
    >>"$TEST_TMP/sync.log" 2>&1 &
  sync_pid=$!
  track_pid "$sync_pid"
}
applier_alive() {
  kill -0 "$sync_pid" 2>/dev/null || { tail -20 "$TEST_TMP/sync.log" >&2; fail "applierd exited"; }
}

# Data before the task starts (the full phase copies it), the relay from the first binlog.
alltypes_setup
sql "$up" "CREATE DATABASE sbtest"
$SB --mysql-port="$up" --tables=4 --table-size=20000 oltp_write_only prepare >/dev/null
SYNC_KEEP_ROWS=$(sql "$up" "SELECT GROUP_CONCAT(id ORDER BY id) FROM d1.keep")
start_relayd
start_applier
$SB --mysql-port="$up" --tables=4 --table-size=20000 --threads=4 --time=30 oltp_write_only run >/dev/null &
sb=$!
kills=0
for r in 1 2 3 4 5 6; do
  alltypes_round $r
  # DDL only once the full phase is over: as DM documents, a table must not be altered
  # upstream while the dump reads it (its snapshot can no longer read an altered table).
  if [ "$r" -gt 2 ]; then
    for _ in $(seq 1 120); do grep -q "full phase finished" "$TEST_TMP/sync.log" && break; sleep 0.5; done
    ddl_round $((r - 2))
  fi
  sleep "0.$((RANDOM % 9 + 1))"
  applier_alive
  kill -KILL "$sync_pid"; wait "$sync_pid" 2>/dev/null || true
  kills=$((kills + 1))
  sleep "0.$((RANDOM % 5))"
  start_applier
  sleep 2
done
wait $sb
sync_wait_caught_up 180
applier_alive
[ "$kills" -ge 5 ] || fail "only $kills kills"
grep -q "resuming from checkpoint" "$TEST_TMP/sync.log" || fail "no restart resumed from a checkpoint"
! grep -q "Duplicate entry\|errno 1062\|sync stopped" "$TEST_TMP/sync.log" || fail "an error surfaced"
SYNC_SKIP="d1.nokey" SYNC_KEEP_ROWS="$SYNC_KEEP_ROWS" sync_compare

# relayd restarts: the applier's stream is lost (or its pending request resent) and resumed.
kill -TERM "$relayd_pid"; wait "$relayd_pid" 2>/dev/null || true
alltypes_round 7
sleep 2
applier_alive
start_relayd
sync_wait_caught_up 120
applier_alive
# The changes written while relayd was down arrived (the checkpoint reached the upstream's
# position above). A restart shorter than the request timeout (wait + 10 s) is not even seen
# as a loss: nng resends the pending request to the new relayd.
if grep -q "relay stream lost, reconnecting" "$TEST_TMP/sync.log"; then echo "the applier reconnected to relayd"; else echo "nng resent the request to the restarted relayd"; fi
SYNC_SKIP="d1.nokey" SYNC_KEEP_ROWS="$SYNC_KEEP_ROWS" sync_compare
kill -TERM "$sync_pid"; wait "$sync_pid" || fail "applierd did not stop cleanly"

# A relay that begins after the position a task needs: the second relay starts at the
# upstream's current file, the new incremental task at binlog.000001:4.
sql "$up" "FLUSH BINARY LOGS"
addr2="127.0.0.1:$(free_port)"
sed -e 's/name: "synctest"/name: "gaptest"/' -e 's/task-mode: "all"/task-mode: "incremental"/' \
  -e 's/binlog-pos: .*/binlog-pos: 4/' -e 's/binlog-name: .*/binlog-name: "binlog.000001"/' \
  "$TEST_TMP/task.yaml" >"$TEST_TMP/gap-task.yaml"
grep -v relay-binlog-name "$TEST_TMP/source.yaml" >"$TEST_TMP/gap-source.yaml"
"$RELAYD" --name r2 --addr "$addr2" --relay-dir "$TEST_TMP/relay2" --source "$TEST_TMP/gap-source.yaml" \
  --log-file "$TEST_TMP/relayd2.log" &
track_pid $!
if timeout 60 "$APPLIERD" run --source "$TEST_TMP/gap-source.yaml" --task "$TEST_TMP/gap-task.yaml" \
  --relay "$addr2" >"$TEST_TMP/gap.log" 2>&1; then
  fail "a task ran from a relay that does not hold its start"
fi
grep -m1 "code=" "$TEST_TMP/gap.log" || true
grep -q "binlog.000001" "$TEST_TMP/gap.log" || { cat "$TEST_TMP/gap.log" >&2; fail "the error does not name the position"; }
! grep -q "AddressSanitizer\|LeakSanitizer\|runtime error" "$TEST_TMP/sync.log" "$TEST_TMP/relayd.log" ||
  fail "sanitizer report"
echo "PASS ($kills kills)"
