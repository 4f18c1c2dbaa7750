#!/usr/bin/env bash
# The sync unit against real MariaDB: from the upstream's start position it replicates
# CREATE DATABASE/TABLE, sysbench prepare (incl. CREATE INDEX) and oltp_write_only, DML on
# an all-types table, a keyless and a unique-key table, and DDL (ADD/DROP COLUMN, ADD INDEX,
# RENAME, TRUNCATE, CREATE/DROP TABLE) while they run; a block-allow-list schema stays out,
# a routed schema lands (DDL and rows) under its target name, filtered deletes and TRUNCATE
# are not applied, a latin1 DDL keeps its characters, an explicit AUTO_INCREMENT 0 stays 0.
# Afterwards every table is equal (CHECKSUM TABLE EXTENDED + counts). A clean stop and
# restart resumes from the checkpoint.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/test_sync_lib.bash"

sync_servers FULL
sync_start
alltypes_setup
sql "$up" "CREATE DATABASE sbtest"
$SB --mysql-port="$up" --tables=4 --table-size=2000 oltp_write_only prepare >/dev/null
$SB --mysql-port="$up" --tables=4 --table-size=2000 --threads=4 --time=20 oltp_write_only run >/dev/null &
sb=$!
for r in 1 2 3 4 5 6; do
  alltypes_round $r; ddl_round $r; sleep 1; sync_alive
done
wait $sb
sync_wait_caught_up
sync_alive
sync_compare
assert_eq "$(sql "$down" "SELECT HEX(table_comment) FROM information_schema.tables WHERE table_schema='d1' AND table_name='uk'")" "636166C3A9" "latin1 DDL comment"
assert_eq "$(sql "$down" "SELECT COUNT(*) FROM d1.alltypes WHERE id = 0")" "1" "explicit 0 in an AUTO_INCREMENT column"
# per-table checkpoints: the tables changed by DDL, with their tracked schema; none for a
# dropped table
cpt="dm_meta.synctest_syncer_checkpoint"
sql "$down" "SELECT table_info FROM $cpt WHERE cp_schema = 'd1' AND cp_table = 'alltypes'" | grep -q '"c6"' ||
  fail "no table checkpoint with the schema after the last DDL of d1.alltypes"
assert_eq "$(sql "$down" "SELECT COUNT(*) FROM $cpt WHERE cp_schema = 'd1' AND cp_table IN ('ren2', 'tmp2')")" "0" "rows of dropped/renamed tables"

# clean stop, more writes, restart from the checkpoint
kill -TERM "$sync_pid"; wait "$sync_pid" || fail "sync_tool did not stop cleanly"
alltypes_round 7; ddl_round 7
sync_start
sync_wait_caught_up
sync_compare
grep -q "resuming from checkpoint" "$TEST_TMP/sync.log" || fail "restart did not resume from the checkpoint"
! grep -q "AddressSanitizer\|LeakSanitizer\|runtime error" "$TEST_TMP/sync.log" || fail "sanitizer report"
echo "PASS"
