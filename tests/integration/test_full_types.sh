#!/usr/bin/env bash
# test_full_types: `applierd run` with task-mode full migrates sysbench tables (4 x 20,000
# rows here; the bench uses 4 x 200,000), a table with every MariaDB type and edge value, a
# keyless table and a composite string key, routes two shards into one table and skips a
# blocked schema; the content is equal on both sides (CHECKSUM TABLE ... EXTENDED and
# counts). Then: a second run has nothing to do; task-mode all stops after the load with a
# clear message; a table the downstream rejects pauses the subtask with an error naming the
# table and the statement, and a run after the fix completes it.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/full_lib.sh"
[ -x "$APPLIERD" ] || fail "applierd not built at $APPLIERD"

up=$(server_up fullup upstream)
down=$(server_up fulldown downstream)

client "$up" <"$DM_SOURCE_DIR/tests/data/applier/alltypes.sql"
sysbench_prepare "$up" 4 "${SB_ROWS:-20000}"
sql "$up" "CREATE DATABASE shard_1; CREATE DATABASE shard_2; CREATE DATABASE skipme;
  USE shard_1; CREATE TABLE shard_1.t (id INT PRIMARY KEY, v VARCHAR(20)); CREATE TABLE shard_2.t LIKE shard_1.t;
  INSERT INTO shard_1.t SELECT seq, CONCAT('one', seq) FROM seq_1_to_1000;
  INSERT INTO shard_2.t SELECT seq + 1000, CONCAT('two', seq) FROM seq_1_to_1000;
  CREATE TABLE skipme.x (a INT); INSERT INTO skipme.x VALUES (1)"

write_source "$TEST_TMP/source.yaml" "$up"
rules='routes:
  shards:
    schema-pattern: "shard_*"
    table-pattern: "t"
    target-schema: "merged"
    target-table: "t"
block-allow-list:
  bw:
    ignore-dbs: ["skipme"]'
INSTANCE_EXTRA='    route-rules: ["shards"]
    block-allow-list: bw' write_task "$TEST_TMP/task.yaml" fulltypes "$down" 2 1000 "$rules"

echo "== first run"
start=$(date +%s.%N)
"$APPLIERD" run --source "$TEST_TMP/source.yaml" --task "$TEST_TMP/task.yaml" \
  >"$TEST_TMP/run1.out" 2>"$TEST_TMP/run1.log" || { cat "$TEST_TMP/run1.log" >&2; fail "first run failed"; }
grep -q "workers (LOAD DATA LOCAL" "$TEST_TMP/run1.log" || fail "the default method is not load-data"
echo "  took $(echo "$(date +%s.%N) - $start" | bc) s"
grep -q '"stage":"Finished"' "$TEST_TMP/run1.out" || fail "status is not Finished: $(cat "$TEST_TMP/run1.out")"
grep -q '"progress":"100.00 %"' "$TEST_TMP/run1.out" || fail "progress not 100%"

same_content "$up" "$down" typesdb.alltypes typesdb.nokey typesdb.strkey \
  sbtest.sbtest1 sbtest.sbtest2 sbtest.sbtest3 sbtest.sbtest4
# Shards: the merged table holds both shards' rows exactly.
a=$(sql "$up" "SELECT SUM(CRC32(CONCAT(id, v))), COUNT(*) FROM (SELECT * FROM shard_1.t UNION ALL SELECT * FROM shard_2.t) x")
b=$(sql "$down" "SELECT SUM(CRC32(CONCAT(id, v))), COUNT(*) FROM merged.t")
assert_eq "$b" "$a" "merged shards"
assert_eq "$(sql "$down" "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN ('skipme','shard_1','shard_2')")" 0 \
  "blocked/routed schemas must not exist downstream"
# A zero in the AUTO_INCREMENT column stays 0; TIMESTAMP and negative TIME exact.
assert_eq "$(sql "$down" "SELECT COUNT(*) FROM typesdb.alltypes WHERE id = 0")" 1 "id 0 kept"
assert_eq "$(sql "$down" "SELECT CONCAT(ts6, '|', tm6, '|', HEX(b64), '|', HEX(f)) FROM typesdb.alltypes WHERE id = 4")" \
  "$(sql "$up" "SELECT CONCAT(ts6, '|', tm6, '|', HEX(b64), '|', HEX(f)) FROM typesdb.alltypes WHERE id = 4")" "edge row"
assert_eq "$(sql "$down" "SELECT COUNT(*) FROM dm_meta.fulltypes_loader_checkpoint WHERE status <> 'finished'")" 0 \
  "every chunk finished"
n=$(sql "$down" "SELECT COUNT(*) FROM dm_meta.fulltypes_loader_checkpoint WHERE cp_table = 'sbtest1'")
# 1000-row chunks sized from the statistics' row estimate (InnoDB's is within some %).
[ "$n" -ge 15 ] || fail "sbtest1 should be cut into about 20 chunks of 1000 rows, got $n"

echo "== the same with --load-method insert (multi-row INSERT; the default is load-data)"
sql "$down" "DROP DATABASE typesdb; DROP DATABASE sbtest; DROP DATABASE merged; DROP DATABASE dm_meta"
"$APPLIERD" run --source "$TEST_TMP/source.yaml" --task "$TEST_TMP/task.yaml" --load-method insert \
  >"$TEST_TMP/ld.out" 2>"$TEST_TMP/ld.log" || { cat "$TEST_TMP/ld.log" >&2; fail "load-data run failed"; }
grep -q "workers (INSERT" "$TEST_TMP/ld.log" || fail "insert method not used"
same_content "$up" "$down" typesdb.alltypes typesdb.nokey typesdb.strkey \
  sbtest.sbtest1 sbtest.sbtest2 sbtest.sbtest3 sbtest.sbtest4
b=$(sql "$down" "SELECT SUM(CRC32(CONCAT(id, v))), COUNT(*) FROM merged.t")
assert_eq "$b" "$a" "merged shards (insert)"
assert_eq "$(sql "$down" "SELECT COUNT(*) FROM typesdb.alltypes WHERE id = 0")" 1 "id 0 kept (insert)"
if "$APPLIERD" run --source "$TEST_TMP/source.yaml" --task "$TEST_TMP/task.yaml" --load-method copy 2>"$TEST_TMP/lm.log"; then
  fail "an unknown load method must be refused"
fi
grep -q "unknown load method 'copy'" "$TEST_TMP/lm.log" || fail "unclear load method error"

echo "== second run: nothing to do"
"$APPLIERD" run --source "$TEST_TMP/source.yaml" --task "$TEST_TMP/task.yaml" \
  >"$TEST_TMP/run2.out" 2>"$TEST_TMP/run2.log" || fail "second run failed"
grep -q "fully loaded; nothing to do" "$TEST_TMP/run2.log" || fail "second run did not skip"

echo "== task-mode all: the incremental phase (sync unit) follows the load"
TASK_MODE=all INSTANCE_EXTRA='    route-rules: ["shards"]
    block-allow-list: bw' write_task "$TEST_TMP/task-all.yaml" fulltypes "$down" 2 1000 "$rules"
"$APPLIERD" run --source "$TEST_TMP/source.yaml" --task "$TEST_TMP/task-all.yaml" \
  >"$TEST_TMP/all.out" 2>"$TEST_TMP/all.log" &
apid=$!
track_pid "$apid"
for i in $(seq 1 300); do
  grep -q "\[sync\] starting at\|\[sync\] resuming" "$TEST_TMP/all.log" && break
  kill -0 "$apid" 2>/dev/null || { cat "$TEST_TMP/all.log" >&2; fail "mode all: applierd exited"; }
  sleep 0.1
done
grep -q "\[sync\] starting at\|\[sync\] resuming" "$TEST_TMP/all.log" || fail "mode all: the sync unit did not start"
kill -TERM "$apid"
wait "$apid" || { cat "$TEST_TMP/all.log" >&2; fail "mode all: applierd did not stop cleanly"; }
[ -n "$(sql "$down" "SELECT binlog_name FROM dm_meta.fulltypes_syncer_checkpoint WHERE is_global = 1")" ] ||
  fail "mode all: no sync checkpoint after the stop"

echo "== a table the downstream rejects"
sql "$up" "CREATE DATABASE rejdb; USE rejdb; CREATE TABLE rejdb.t (id INT PRIMARY KEY, a INT, b INT);
  INSERT INTO rejdb.t SELECT seq, seq, seq FROM seq_1_to_3000"
sql "$down" "CREATE DATABASE rejdb; CREATE TABLE rejdb.t (id INT PRIMARY KEY, a INT)"
INSTANCE_EXTRA='    block-allow-list: only' write_task "$TEST_TMP/task-rej.yaml" fullrej "$down" 2 1000 \
  'block-allow-list:
  only:
    do-dbs: ["rejdb"]'
if "$APPLIERD" run --source "$TEST_TMP/source.yaml" --task "$TEST_TMP/task-rej.yaml" \
  >"$TEST_TMP/rej.out" 2>"$TEST_TMP/rej.log"; then
  fail "a rejected table must stop the subtask"
fi
grep -q 'code=34001' "$TEST_TMP/rej.log" || fail "rejected table: wrong code: $(tail -1 "$TEST_TMP/rej.log")"
grep -q 'loading `rejdb`.`t`' "$TEST_TMP/rej.log" || fail "error does not name the table"
grep -q 'LOAD DATA LOCAL INFILE .chunk. REPLACE INTO TABLE `rejdb`.`t`' "$TEST_TMP/rej.log" || fail "error does not show the statement"
grep -q "Unknown column 'b'" "$TEST_TMP/rej.log" || fail "error lacks the server's cause"
grep -q '"stage":"Paused"' "$TEST_TMP/rej.out" || fail "status should be Paused"
sql "$down" "ALTER TABLE rejdb.t ADD COLUMN b INT"
"$APPLIERD" run --source "$TEST_TMP/source.yaml" --task "$TEST_TMP/task-rej.yaml" \
  >"$TEST_TMP/rej2.out" 2>"$TEST_TMP/rej2.log" || { cat "$TEST_TMP/rej2.log" >&2; fail "run after the fix failed"; }
same_content "$up" "$down" rejdb.t

echo "== a downstream with local_infile=OFF gets INSERTs"
sql "$up" "CREATE DATABASE fbdb; USE fbdb; CREATE TABLE fbdb.t (id INT PRIMARY KEY, v BLOB);
  INSERT INTO fbdb.t SELECT seq, UNHEX(SHA2(seq, 256)) FROM seq_1_to_2000"
sql "$down" "SET GLOBAL local_infile = OFF"
INSTANCE_EXTRA='    block-allow-list: only' write_task "$TEST_TMP/task-fb.yaml" fullfb "$down" 2 500 \
  'block-allow-list:
  only:
    do-dbs: ["fbdb"]'
"$APPLIERD" run --source "$TEST_TMP/source.yaml" --task "$TEST_TMP/task-fb.yaml" \
  >"$TEST_TMP/fb.out" 2>"$TEST_TMP/fb.log" || { cat "$TEST_TMP/fb.log" >&2; fail "local_infile=OFF run failed"; }
sql "$down" "SET GLOBAL local_infile = ON"
grep -q "local_infile=OFF: loading with INSERT" "$TEST_TMP/fb.log" || fail "no fallback to INSERT logged"
same_content "$up" "$down" fbdb.t

echo "== bad input: unknown source id, missing files"
sed 's/source-id: mysql-01/source-id: other/' "$TEST_TMP/source.yaml" >"$TEST_TMP/other.yaml"
if "$APPLIERD" run --source "$TEST_TMP/other.yaml" --task "$TEST_TMP/task.yaml" 2>"$TEST_TMP/other.log"; then
  fail "unknown source id must fail"
fi
grep -q "code=40001" "$TEST_TMP/other.log" || fail "unknown source id: wrong code"
if "$APPLIERD" run --source "$TEST_TMP/nope.yaml" --task "$TEST_TMP/task.yaml" 2>/dev/null; then
  fail "missing source file must fail"
fi
# --join needs a member name (applierd --join itself: test_ctl_failover.sh).
if "$APPLIERD" --addr 127.0.0.1:1 --join 127.0.0.1:2 2>"$TEST_TMP/join.log"; then
  fail "--join without --name must be refused"
fi
grep -q "usage" "$TEST_TMP/join.log" || fail "--join refusal unclear"
echo "PASS"
