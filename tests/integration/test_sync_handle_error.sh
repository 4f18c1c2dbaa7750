#!/usr/bin/env bash
# DDL errors and handle-error: a DDL that fails downstream stops the unit with SYNC_ERR_DDL
# naming its binlog location and statement, a restart stops at the same DDL again (it is not
# mistaken for an already-applied one), skip and replace at that location let it go on, and a
# row that cannot be applied stops it with SYNC_ERR_EXEC and its location. Also: a task without
# meta and checkpoint cannot start (SYNC_ERR_NO_START).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/test_sync_lib.bash"

sync_servers FULL
run_tool() { "$SYNC_TOOL" --task "$TEST_TMP/task.yaml" --source "$TEST_TMP/source.yaml" "$@" >>"$TEST_TMP/sync.log" 2>&1; }
# location_of MESSAGE_FILE: the startLocation "file:pos" of the last error.
location_of() { grep -o 'startLocation: \[position: ([^,]*, [0-9]*)' "$1" | tail -1 | sed 's/.*(\(.*\), \(.*\))/\1:\2/'; }

sync_start_args() { "$SYNC_TOOL" --task "$TEST_TMP/task.yaml" --source "$TEST_TMP/source.yaml" "$@" >>"$TEST_TMP/sync.log" 2>&1 & sync_pid=$!; track_pid "$sync_pid"; }

# 1. CREATE TABLE of a table the downstream already has
sql "$up" "CREATE DATABASE d2"
sync_start_args
sync_wait_caught_up 60
kill -TERM "$sync_pid"; wait "$sync_pid" || fail "clean stop"
sql "$down" "CREATE TABLE d2.t1 (id INT PRIMARY KEY, x INT)"
sql "$up" "CREATE TABLE d2.t1 (id INT PRIMARY KEY); INSERT INTO d2.t1 VALUES (1)"
if timeout 60 "$SYNC_TOOL" --task "$TEST_TMP/task.yaml" --source "$TEST_TMP/source.yaml" >"$TEST_TMP/e1" 2>&1; then
  fail "sync_tool did not stop at the failing DDL"
fi
grep -q "code=36004" "$TEST_TMP/e1" || { cat "$TEST_TMP/e1"; fail "no SYNC_ERR_DDL"; }
grep -q "CREATE TABLE \`d2\`.\`t1\`" "$TEST_TMP/e1" || fail "error does not name the DDL"
grep -q "errno 1050" "$TEST_TMP/e1" || fail "error does not carry the server's cause"
loc=$(location_of "$TEST_TMP/e1")
[ -n "$loc" ] || fail "no location in the error"
# the same error again after a restart
timeout 60 "$SYNC_TOOL" --task "$TEST_TMP/task.yaml" --source "$TEST_TMP/source.yaml" >"$TEST_TMP/e2" 2>&1 && fail "restart passed the failing DDL"
assert_eq "$(location_of "$TEST_TMP/e2")" "$loc" "location after restart"

# 2. skip it; then an ALTER that fails (column x exists downstream) is replaced
sql "$up" "ALTER TABLE d2.t1 ADD COLUMN x INT; INSERT INTO d2.t1 VALUES (2, 20)"
timeout 60 "$SYNC_TOOL" --task "$TEST_TMP/task.yaml" --source "$TEST_TMP/source.yaml" --skip-ddl "$loc" >"$TEST_TMP/e3" 2>&1 && fail "ALTER did not fail"
grep -q "errno 1060" "$TEST_TMP/e3" || { cat "$TEST_TMP/e3"; fail "expected duplicate column"; }
loc2=$(location_of "$TEST_TMP/e3")
[ "$loc2" != "$loc" ] || fail "skip did not pass the first DDL"
sync_start_args --replace-ddl "$loc2" --sql "ALTER TABLE d2.t1 COMMENT 'replaced'"
sync_wait_caught_up 60
sync_alive
assert_eq "$(sql "$down" "SELECT GROUP_CONCAT(CONCAT(id, ':', IFNULL(x, 'n')) ORDER BY id) FROM d2.t1")" "1:n,2:20" "rows after skip/replace"
assert_eq "$(sql "$down" "SELECT table_comment FROM information_schema.tables WHERE table_schema='d2' AND table_name='t1'")" "replaced" "replacement ran"
kill -TERM "$sync_pid"; wait "$sync_pid" || fail "clean stop"

# 3. a row the downstream refuses: DML error with its location, unit stops
sql "$down" "ALTER TABLE d2.t1 DROP COLUMN x"
sql "$up" "INSERT INTO d2.t1 VALUES (3, 30)"
timeout 60 "$SYNC_TOOL" --task "$TEST_TMP/task.yaml" --source "$TEST_TMP/source.yaml" >"$TEST_TMP/e4" 2>&1 && fail "bad row did not stop the unit"
grep -q "code=36003" "$TEST_TMP/e4" || { cat "$TEST_TMP/e4"; fail "no SYNC_ERR_EXEC"; }
grep -q "errno 1054" "$TEST_TMP/e4" || fail "DML error without the server cause"
grep -q "startLocation: \[position: (binlog" "$TEST_TMP/e4" || fail "no location in the DML error"

# 4. no start location at all
sed -i '/meta:/,/binlog-pos:/d' "$TEST_TMP/task.yaml"
sed -i 's/name: "synctest"/name: "other"/' "$TEST_TMP/task.yaml"
"$SYNC_TOOL" --task "$TEST_TMP/task.yaml" --source "$TEST_TMP/source.yaml" >"$TEST_TMP/e5" 2>&1 && fail "started without a location"
grep -q "code=36002" "$TEST_TMP/e5" || { cat "$TEST_TMP/e5"; fail "no SYNC_ERR_NO_START"; }
! grep -q "AddressSanitizer\|LeakSanitizer\|runtime error" "$TEST_TMP"/e* "$TEST_TMP/sync.log" || fail "sanitizer report"
echo PASS
