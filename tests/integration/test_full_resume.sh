#!/usr/bin/env bash
# test_full_resume: kill -9 applierd three times in the middle of a load (4 x 200,000 sysbench
# rows + the all-types table, 2,000-row chunks) and run it again each time; the upstream
# writes to an unmigrated schema between runs so every restart takes a later snapshot. At
# the end the content is equal, no run saw a duplicate key, every chunk was loaded once
# (rows_loaded sums to the row counts) and the status reports the earliest and latest
# chunk snapshot positions (sync starts at the first, safe mode until the last).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/full_lib.sh"
[ -x "$APPLIERD" ] || fail "applierd not built at $APPLIERD"

up=$(server_up resup upstream)
down=$(server_up resdown downstream)
client "$up" <"$DM_SOURCE_DIR/tests/data/applier/alltypes.sql"
sysbench_prepare "$up" 4 "${SB_ROWS:-200000}"
sql "$up" "CREATE DATABASE other; CREATE TABLE other.ticks (id INT AUTO_INCREMENT PRIMARY KEY, at DATETIME(6))"
write_source "$TEST_TMP/source.yaml" "$up"
INSTANCE_EXTRA='    block-allow-list: bw' write_task "$TEST_TMP/task.yaml" resume "$down" 2 2000 \
  'block-allow-list:
  bw:
    ignore-dbs: ["other"]'

finished() {
  sql "$down" "SELECT COUNT(*) FROM dm_meta.resume_loader_checkpoint WHERE status = 'finished'" 2>/dev/null || echo 0
}

last=0
for round in 1 2 3; do
  sql "$up" "INSERT INTO other.ticks (at) VALUES (NOW(6))" # a later snapshot position each round
  "$APPLIERD" run --source "$TEST_TMP/source.yaml" --task "$TEST_TMP/task.yaml" -L debug \
    >"$TEST_TMP/run$round.out" 2>"$TEST_TMP/run$round.log" &
  pid=$!
  track_pid "$pid"
  # Kill once a few more chunks than before are committed: always mid-load, mid-chunk.
  target=$((last + 12))
  for _ in $(seq 1 600); do
    n=$(finished)
    [ "$n" -ge "$target" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  kill -0 "$pid" 2>/dev/null || { cat "$TEST_TMP/run$round.log" >&2; fail "round $round: applierd ended before the kill"; }
  kill -9 "$pid"
  wait "$pid" 2>/dev/null || true
  last=$(finished)
  total=$(sql "$down" "SELECT COUNT(*) FROM dm_meta.resume_loader_checkpoint")
  echo "  round $round: killed with $last of $total chunks finished"
  [ "$last" -lt "$total" ] || fail "round $round: the load was already complete when killed"
done

# The final run loses one downstream and one upstream connection mid-load (KILL): the
# chunks are retried on new connections (upstream: a new snapshot) and the run completes.
sql "$up" "INSERT INTO other.ticks (at) VALUES (NOW(6))"
"$APPLIERD" run --source "$TEST_TMP/source.yaml" --task "$TEST_TMP/task.yaml" \
  >"$TEST_TMP/final.out" 2>"$TEST_TMP/final.log" &
pid=$!
track_pid "$pid"
target=$((last + 5))
for _ in $(seq 1 600); do
  [ "$(finished)" -ge "$target" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.05
done
killed=0
for _ in $(seq 1 100); do
  id=$(sql "$down" "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE 'LOAD DATA LOCAL%' OR INFO LIKE 'INSERT INTO \`sbtest\`%' LIMIT 1")
  [ -n "$id" ] && sql "$down" "KILL CONNECTION $id" 2>/dev/null && { killed=$((killed + 1)); break; }
  sleep 0.02
done
for _ in $(seq 1 100); do
  # A snapshot connection: any other client connection (idle between chunks, its
  # transaction open); its next chunk fails and the worker takes a new snapshot.
  id=$(sql "$up" "SELECT ID FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() AND COMMAND IN ('Sleep', 'Query') LIMIT 1")
  [ -n "$id" ] && sql "$up" "KILL CONNECTION $id" 2>/dev/null && { killed=$((killed + 1)); break; }
  sleep 0.02
done
wait "$pid" || { cat "$TEST_TMP/final.log" >&2; fail "final run failed"; }
echo "  final run: killed $killed connections mid-load"
[ "$killed" -eq 2 ] || fail "could not kill a downstream and an upstream connection"
grep -q "retrying" "$TEST_TMP/final.log" || fail "no retry logged after the connection kills"
grep -q "snapshot connection [0-9]* reopened" "$TEST_TMP/final.log" || fail "the upstream snapshot was not reopened"
grep -q "resuming the stored plan" "$TEST_TMP/final.log" || fail "the final run did not resume the stored plan"
if grep -qi "duplicate" "$TEST_TMP"/*.log; then
  grep -i duplicate "$TEST_TMP"/*.log >&2
  fail "a run hit a duplicate key"
fi
same_content "$up" "$down" typesdb.alltypes typesdb.nokey typesdb.strkey \
  sbtest.sbtest1 sbtest.sbtest2 sbtest.sbtest3 sbtest.sbtest4
for t in sbtest1 sbtest4 alltypes; do
  loaded=$(sql "$down" "SELECT SUM(rows_loaded) FROM dm_meta.resume_loader_checkpoint WHERE cp_table = '$t'")
  db=sbtest; [ "$t" = alltypes ] && db=typesdb
  assert_eq "$loaded" "$(sql "$up" "SELECT COUNT(*) FROM $db.$t")" "rows_loaded of $t"
done
# Chunks were read at several snapshot positions: the earliest is where sync starts.
npos=$(sql "$down" "SELECT COUNT(DISTINCT snapshot_binlog_pos) FROM dm_meta.resume_loader_checkpoint")
[ "$npos" -ge 3 ] || fail "expected chunks from >= 3 snapshots, got $npos"
# Positions order by (file, pos): a large prepare spans several binlog files.
first=$(sql "$down" "SELECT CONCAT('(', snapshot_binlog_name, ', ', snapshot_binlog_pos, ')') FROM dm_meta.resume_loader_checkpoint ORDER BY snapshot_binlog_name, snapshot_binlog_pos LIMIT 1")
last=$(sql "$down" "SELECT CONCAT('(', snapshot_binlog_name, ', ', snapshot_binlog_pos, ')') FROM dm_meta.resume_loader_checkpoint ORDER BY snapshot_binlog_name DESC, snapshot_binlog_pos DESC LIMIT 1")
grep -qF "\"metaBinlog\":\"$first\"" "$TEST_TMP/final.out" || fail "metaBinlog is not the earliest snapshot $first: $(cat "$TEST_TMP/final.out")"
grep -qF "\"safeModeExitBinlog\":\"$last\"" "$TEST_TMP/final.out" || fail "safeModeExitBinlog is not the latest snapshot $last"
echo "PASS"
