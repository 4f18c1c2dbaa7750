#!/usr/bin/env bash
# Online DDL (online-ddl: true, DM's default) in the sync unit, on a real MariaDB:
#   - a gh-ost run (its statements, as gh-ost issues them: changelog table, ghost table
#     created LIKE the real one, ALTER on the ghost, row copy, cut-over RENAME, drops) while
#     the real table keeps changing, with kill -9 of the unit between the ghost's ALTER and
#     the cut-over: the ALTER is recorded in dm_meta and replayed on the real table at the
#     cut-over, after the restart;
#   - a real pt-online-schema-change run (percona-toolkit) while rows change;
# afterwards the real tables are equal up- and downstream, no ghost/trash table exists
# downstream, and nothing is left recorded in dm_meta.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/test_sync_lib.bash"
source "$(dirname "$0")/full_lib.sh"
command -v pt-online-schema-change >/dev/null || fail "pt-online-schema-change not installed (ops/deps.sh)"

sync_servers FULL
recorded() { sql "$down" "SELECT COUNT(*) FROM dm_meta.synctest_onlineddl" 2>/dev/null || echo 0; }
sync_start
sql "$up" "CREATE DATABASE od; CREATE TABLE od.t (id INT PRIMARY KEY, v INT);
  INSERT INTO od.t SELECT seq, seq FROM od.seq_1_to_200;
  CREATE TABLE od.t2 (id INT PRIMARY KEY, v INT, s VARCHAR(20));
  INSERT INTO od.t2 SELECT seq, seq, 'x' FROM od.seq_1_to_2000"
sync_wait_caught_up 60

# gh-ost, up to the ALTER on the ghost
sql "$up" "CREATE TABLE od._t_ghc (id BIGINT AUTO_INCREMENT, last_update TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    hint VARCHAR(64) NOT NULL, value VARCHAR(4096) NOT NULL, PRIMARY KEY (id), UNIQUE KEY hint_uidx (hint));
  INSERT INTO od._t_ghc (id, hint, value) VALUES (2, 'state', 'GhostTableMigrated');
  CREATE TABLE od._t_gho LIKE od.t;
  ALTER TABLE od._t_gho ADD COLUMN w INT NOT NULL DEFAULT 7, ADD KEY v_idx (v)"
for _ in $(seq 1 60); do [ "$(recorded)" == 1 ] && break; sleep 0.5; done
assert_eq "$(recorded)" 1 "the ghost's ALTER recorded in dm_meta"
kill -KILL "$sync_pid"; wait "$sync_pid" 2>/dev/null || true
# the copy and concurrent changes, as gh-ost applies them, then the cut-over
sql "$up" "INSERT INTO od._t_gho (id, v) SELECT id, v FROM od.t;
  INSERT INTO od.t VALUES (201, 201); REPLACE INTO od._t_gho (id, v) VALUES (201, 201);
  UPDATE od.t SET v = -1 WHERE id = 5; UPDATE od._t_gho SET v = -1 WHERE id = 5;
  DELETE FROM od.t WHERE id = 6; DELETE FROM od._t_gho WHERE id = 6;
  INSERT INTO od._t_ghc (id, hint, value) VALUES (3, 'cut-over', 'done');
  RENAME TABLE od.t TO od._t_del, od._t_gho TO od.t;
  DROP TABLE IF EXISTS od._t_ghc; DROP TABLE IF EXISTS od._t_del;
  INSERT INTO od.t VALUES (202, 202, 202)"
sync_start
sync_wait_caught_up 60
sync_alive
assert_eq "$(sql "$down" "SELECT GROUP_CONCAT(column_name ORDER BY ordinal_position) FROM information_schema.columns WHERE table_schema = 'od' AND table_name = 't'")" \
  "id,v,w" "od.t columns after the gh-ost cut-over"
assert_eq "$(sql "$down" "SELECT COUNT(*) FROM information_schema.statistics WHERE table_schema = 'od' AND table_name = 't' AND index_name = 'v_idx'")" \
  1 "the ghost's index on the real table"
# rows_differ DB.TABLE: prints the rows that differ (a failing test's diagnosis).
rows_differ() { diff <(sql "$up" "SELECT * FROM $1 ORDER BY 1") <(sql "$down" "SELECT * FROM $1 ORDER BY 1") | head -20 >&2; }
same_content "$up" "$down" od.t >/dev/null || { rows_differ od.t; fail "od.t differs after the gh-ost run"; }

# pt-online-schema-change, with rows changing while it copies
( for i in $(seq 1 200); do sql "$up" "UPDATE od.t2 SET v = v + 1 WHERE id = $((i * 7 % 2000 + 1)); INSERT INTO od.t2 (id, v, s) VALUES ($((3000 + i)), $i, 'n')" || exit 1; done ) &
writer=$!
pt-online-schema-change --alter "ADD COLUMN x VARCHAR(10) NOT NULL DEFAULT 'p'" \
  "h=127.0.0.1,P=$up,u=root,D=od,t=t2" --recursion-method=none --chunk-size=200 --execute \
  >"$TEST_TMP/ptosc.log" 2>&1 || { cat "$TEST_TMP/ptosc.log"; fail "pt-online-schema-change failed"; }
wait "$writer" || fail "the writer failed"
sync_wait_caught_up 90
sync_alive
assert_eq "$(sql "$down" "SELECT GROUP_CONCAT(column_name ORDER BY ordinal_position) FROM information_schema.columns WHERE table_schema = 'od' AND table_name = 't2'")" \
  "id,v,s,x" "od.t2 columns after pt-osc"
same_content "$up" "$down" od.t2 >/dev/null || { rows_differ od.t2; fail "od.t2 differs after the pt-osc run"; }

assert_eq "$(sql "$down" "SELECT GROUP_CONCAT(table_name ORDER BY table_name) FROM information_schema.tables WHERE table_schema = 'od'")" \
  "t,t2" "no ghost or trash table downstream"
assert_eq "$(recorded)" 0 "nothing left recorded in dm_meta"
grep -q "online DDL: cut-over of od._t_gho to t" "$TEST_TMP/sync.log" || fail "no gh-ost cut-over logged"
grep -q "online DDL: cut-over of od._t2_new to t2" "$TEST_TMP/sync.log" || fail "no pt-osc cut-over logged"
! grep -q "AddressSanitizer\|LeakSanitizer\|runtime error" "$TEST_TMP/sync.log" || fail "sanitizer report"
echo PASS
