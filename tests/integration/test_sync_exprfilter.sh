#!/usr/bin/env bash
# Expression filters (DM's expression-filter) in the sync unit, on a real MariaDB: an insert
# whose new row matches insert-value-expr, an update whose old and new rows match
# update-old/new-value-expr, and a delete whose old row matches delete-value-expr are not
# replicated; other rows and other tables are; a NULL result never filters; the match on a
# string is case-insensitive as in utf8mb4_general_ci; an ENUM compares by its member name. The filters follow a table through an
# ADD COLUMN (re-bound by name). A syntax error stops the unit at start naming the rule, and a
# column the table does not have stops it when the table's rows arrive, naming the column.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/test_sync_lib.bash"

sync_servers FULL
python3 - "$TEST_TMP/task.yaml" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
s = s.replace('    syncer-config-name: "g"\n',
              '    syncer-config-name: "g"\n    expression-filters: ["even_ins", "upd", "closed_del", "enum_del", "bad_col"]\n')
s += '''expression-filter:
  even_ins:
    schema: "xf"
    table: "t"
    insert-value-expr: "c % 2 = 0"
  upd:
    schema: "xf"
    table: "t"
    update-old-value-expr: "c = 1"
    update-new-value-expr: "c = 2"
  closed_del:
    schema: "xf"
    table: "t"
    delete-value-expr: "state = 'CLOSED' AND id < 100"
  enum_del:
    schema: "xf"
    table: "e"
    delete-value-expr: "k = 'B'"
  bad_col:
    schema: "xf"
    table: "bad"
    insert-value-expr: "nosuch > 1"
'''
open(p, 'w').write(s)
PY

sync_start
sql "$up" "CREATE DATABASE xf; CREATE TABLE xf.t (id INT PRIMARY KEY, c INT, state VARCHAR(10));
  CREATE TABLE xf.other (id INT PRIMARY KEY, c INT);
  INSERT INTO xf.t VALUES (1, 1, 'open'), (2, 2, 'open'), (3, 3, 'closed'), (4, NULL, 'open'), (5, 5, 'closed'), (6, 1, 'open');
  INSERT INTO xf.other VALUES (2, 2);
  UPDATE xf.t SET c = 2 WHERE id = 1;
  UPDATE xf.t SET c = 7 WHERE id = 6;
  DELETE FROM xf.t WHERE id IN (3, 4);
  ALTER TABLE xf.t ADD COLUMN note VARCHAR(10) FIRST;
  INSERT INTO xf.t VALUES ('n', 8, 8, 'open'), ('n', 9, 9, 'open');
  UPDATE xf.t SET c = 2 WHERE id = 9;
  DELETE FROM xf.t WHERE id = 5;
  CREATE TABLE xf.e (id INT PRIMARY KEY, k ENUM('a', 'b')); INSERT INTO xf.e VALUES (1, 'a'), (2, 'b');
  DELETE FROM xf.e"
sync_wait_caught_up 60
sync_alive
# 1: the update 1->2 filtered; 2: insert c=2 filtered; 3: closed, delete filtered; 4: NULL %
# 2 is NULL, inserted then deleted; 5: delete filtered after the ADD COLUMN; 6: update to 7
# applied; 8: even insert filtered after the ADD COLUMN; 9: inserted, update 9->2 applied.
assert_eq "$(sql "$down" "SELECT GROUP_CONCAT(CONCAT_WS(':', id, IFNULL(c, 'n'), state) ORDER BY id) FROM xf.t")" \
  "1:1:open,3:3:closed,5:5:closed,6:7:open,9:2:open" "xf.t after the filters"
assert_eq "$(sql "$down" "SELECT COUNT(*) FROM xf.other")" 1 "a table without filters"
assert_eq "$(sql "$down" "SELECT GROUP_CONCAT(CONCAT(id, k)) FROM xf.e")" "2b" "an ENUM compared by its name"

# A column the filtered table does not have: the unit stops when the table's rows arrive.
sql "$up" "CREATE TABLE xf.bad (id INT PRIMARY KEY); INSERT INTO xf.bad VALUES (1)"
for _ in $(seq 1 60); do kill -0 "$sync_pid" 2>/dev/null || break; sleep 0.5; done
kill -0 "$sync_pid" 2>/dev/null && fail "the unit did not stop on an unknown column"
grep -q "bad_col" "$TEST_TMP/sync.log" && grep -q "nosuch" "$TEST_TMP/sync.log" ||
  { tail -5 "$TEST_TMP/sync.log"; fail "the error does not name the rule and the column"; }

# A syntax error stops the unit at start, naming the rule and the key.
sed -i 's/insert-value-expr: "nosuch > 1"/insert-value-expr: "id >"/' "$TEST_TMP/task.yaml"
timeout 60 "$SYNC_TOOL" --task "$TEST_TMP/task.yaml" --source "$TEST_TMP/source.yaml" >"$TEST_TMP/e1" 2>&1 &&
  fail "a syntax error did not stop the unit"
grep -q "expression-filter bad_col (xf.bad) insert-value-expr" "$TEST_TMP/e1" || { cat "$TEST_TMP/e1"; fail "syntax error not named"; }
! grep -q "AddressSanitizer\|LeakSanitizer\|runtime error" "$TEST_TMP"/e* "$TEST_TMP/sync.log" || fail "sanitizer report"
echo PASS
