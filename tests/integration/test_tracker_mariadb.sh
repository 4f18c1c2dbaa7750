#!/usr/bin/env bash
# Differential test of the schema tracker against a real MariaDB: 100 seeded sequences of
# CREATE/ALTER/RENAME/DROP/TRUNCATE/CREATE INDEX/DROP INDEX statements are executed on a
# sandbox server and applied to the tracker; after every statement each table's printed
# schema must equal SHOW CREATE TABLE (only AUTO_INCREMENT=N is removed from both), and a
# statement the server rejects must be rejected by the tracker with the same error number
# (see tests/unit/schema/test_tracker_diff.c). The dm_meta tables must be accepted by the
# server and tracked identically too.
source "$(dirname "$0")/lib.sh"

bin="$DM_BUILD_DIR/tests/unit_schema_test_tracker_diff"
[ -x "$bin" ] || fail "missing $bin (build the project first)"

port=$(server_up tracker downstream)

DM_TRACKER_MARIADB_PORT=$port DM_TRACKER_DIFF_SEQUENCES=${DM_TRACKER_DIFF_SEQUENCES:-100} \
  DM_TRACKER_DIFF_SEED=${DM_TRACKER_DIFF_SEED:-1} "$bin" | tee "$TEST_TMP/diff.log"
grep -Eq "\(against MariaDB\): [0-9]+ sequences" "$TEST_TMP/diff.log" \
  || fail "the differential run did not report its figures"
echo "tracker vs MariaDB: ok"
