#!/usr/bin/env bash
# The harness itself: an upstream is a binlogging ROW/FULL/GTID server, a downstream is not,
# a restart keeps data, and CHECKSUM TABLE tells equal and different tables apart.
source "$(dirname "$0")/lib.sh"

up=$(server_up sbx-up upstream)
down=$(server_up sbx-down downstream)

assert_eq "$(sql "$up" "SELECT @@log_bin, @@binlog_format, @@binlog_row_image, @@gtid_strict_mode")" \
  "1	ROW	FULL	1" "upstream binlog settings"
assert_eq "$(sql "$down" "SELECT @@log_bin")" "0" "downstream has no binlog"
[ "$(sql "$up" "SELECT @@server_id")" != "$(sql "$down" "SELECT @@server_id")" ] || fail "server ids clash"

sql "$up" "CREATE DATABASE t; CREATE TABLE t.a (id INT PRIMARY KEY, v VARCHAR(10)); INSERT INTO t.a VALUES (1,'x'),(2,'y')"
sql "$down" "CREATE DATABASE t; CREATE TABLE t.a (id INT PRIMARY KEY, v VARCHAR(10)); INSERT INTO t.a VALUES (2,'y'),(1,'x')"
assert_eq "$(table_checksum "$up" t.a)" "$(table_checksum "$down" t.a)" "equal content, equal checksum"
sql "$down" "UPDATE t.a SET v='z' WHERE id=2"
[ "$(table_checksum "$up" t.a)" != "$(table_checksum "$down" t.a)" ] || fail "checksum missed a change"

gtid_before=$(sql "$up" "SELECT @@gtid_binlog_pos")
[ -n "$gtid_before" ] || fail "no GTID recorded"
"$SANDBOX" restart "$(server_name sbx-up)" >/dev/null
assert_eq "$(sql "$up" "SELECT COUNT(*) FROM t.a")" "2" "rows survive a restart"
assert_eq "$(sql "$up" "SELECT @@gtid_binlog_pos")" "$gtid_before" "GTID position survives a restart"
echo "sandbox: ok"
