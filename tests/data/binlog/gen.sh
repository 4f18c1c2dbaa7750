#!/usr/bin/env bash
# gen.sh regenerates the binlog fixtures of tests/unit/binlog from a real MariaDB sandbox:
#   full-crc32.bin     binlog_row_metadata=FULL, binlog_checksum=CRC32
#   minimal-none.bin   binlog_row_metadata=NO_LOG (the default), binlog_checksum=NONE
#   compressed.bin     log_bin_compress=ON (min length 10), FULL, CRC32
#   minimal-image.bin  binlog_row_image=MINIMAL, FULL metadata: the INSERT, UPDATE and DELETE
#                      of d.t_all only (partial row images)
# and, for each, the rows as the server returns them (SELECT with canonical expressions):
#   rows-insert.tsv (after the INSERTs), rows-update.tsv (after the UPDATE).
# Usage: tests/data/binlog/gen.sh [PORT]   (run from the worktree root)
set -euo pipefail
cd "$(dirname "$0")/../../.."
OUT=tests/data/binlog
PORT=${1:-33971}
NAME=binlog-gen-$$
SB=ops/sandbox.sh
trap '$SB down $NAME >/dev/null 2>&1 || true' EXIT
$SB up "$NAME" "$PORT" --upstream >&2
q() { mariadb --no-defaults --default-character-set=utf8mb4 -uroot -h127.0.0.1 -P"$PORT" --batch --skip-column-names -e "$*"; }
DATADIR=${DM_SANDBOX_DIR:-/tmp/dm-sandbox}/$NAME/data

cols="id INT NOT NULL PRIMARY KEY,
 ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED,
 mi MEDIUMINT, miu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED,
 d65 DECIMAL(65,30), d10 DECIMAL(10,0), d14 DECIMAL(14,4), d5 DECIMAL(5,5), d38u DECIMAL(38,10) UNSIGNED,
 f FLOAT, dbl DOUBLE,
 b1 BIT(1), b7 BIT(7), b17 BIT(17), b64 BIT(64),
 dt DATE, y YEAR"
for p in 0 1 2 3 4 5 6; do cols="$cols, dtm$p DATETIME($p) NULL, ts$p TIMESTAMP($p) NULL, tm$p TIME($p) NULL"; done
e300=$(seq -s, -f "'v%g'" 1 300)
s64=$(seq -s, -f "'m%g'" 1 64)
s64all=$(seq -s, -f "m%g" 1 64)
cols="$cols,
 c10 CHAR(10) CHARACTER SET utf8mb4, c100 CHAR(100) CHARACTER SET utf8mb4, cl CHAR(5) CHARACTER SET latin1,
 vc VARCHAR(20) CHARACTER SET utf8mb4, vcl VARCHAR(300) CHARACTER SET latin1,
 tx TEXT CHARACTER SET utf8mb4, ttx TINYTEXT CHARACTER SET utf8mb4, mtx MEDIUMTEXT CHARACTER SET utf8mb4,
 ltx LONGTEXT CHARACTER SET utf8mb4,
 bn BINARY(4), vb VARBINARY(300), bl BLOB, tb TINYBLOB,
 e ENUM('a','b','c'), e300 ENUM($e300), s SET('x','y','z'), s64 SET($s64),
 j JSON, g GEOMETRY, pt POINT"

all256="0x$(python3 -c 'print(bytes(range(256)).hex())')"
ins="SET time_zone='+00:00', sql_mode='';
INSERT INTO d.t_all (id, ti, tiu, si, siu, mi, miu, i, iu, bi, biu, d65, d10, d14, d5, d38u, f, dbl,
  b1, b7, b17, b64, dt, y,
  dtm0, ts0, tm0, dtm1, ts1, tm1, dtm2, ts2, tm2, dtm3, ts3, tm3, dtm4, ts4, tm4, dtm5, ts5, tm5, dtm6, ts6, tm6,
  c10, c100, cl, vc, vcl, tx, ttx, mtx, ltx, bn, vb, bl, tb, e, e300, s, s64, j, g, pt) VALUES
 (1, 1, 2, 300, 40000, -70000, 16000000, 123456789, 4000000000, -1234567890123, 18000000000000000000,
  '12345678901234567890123456789012345.123456789012345678901234567890', 1234567890, 1234567890.1234, 0.12345, 1234567890123456789012345678.0123456789,
  1.5, 2.718281828459045, 1, 85, 65535, 18446744073709551615, '2024-02-29', 2024,
  '2024-01-02 03:04:05', '2024-01-02 03:04:05', '12:34:56',
  '2024-01-02 03:04:05.1', '2024-01-02 03:04:05.1', '12:34:56.7',
  '2024-01-02 03:04:05.12', '2024-01-02 03:04:05.12', '-12:34:56.78',
  '2024-01-02 03:04:05.123', '2024-01-02 03:04:05.123', '838:59:59.999',
  '2024-01-02 03:04:05.1234', '2024-01-02 03:04:05.1234', '-01:02:03.0004',
  '2024-01-02 03:04:05.12345', '2024-01-02 03:04:05.12345', '-838:59:59.00001',
  '9999-12-31 23:59:59.999999', '2038-01-19 03:14:07.999999', '-00:00:00.000001',
  'abc', 'hello world', CONCAT('caf', CHAR(0xE9 USING latin1)), 'emoji 😀 ok', CONCAT('latin1 ', CHAR(0xE9 USING latin1)), REPEAT('text 😀 ', 20), 'tiny', 'medium', 'long',
  0x00FF10, $all256, $all256, 0x00, 'b', 'v300', 'x,z', 'm1,m64',
  '{\"a\": [1, 2.5, \"x\"], \"b\": null}', ST_GeomFromText('LINESTRING(0 0,1 1,2 5)'), POINT(1.5, -2.25)),
 (2, -128, 0, -32768, 0, -8388608, 0, -2147483648, 0, -9223372036854775808, 0,
  '-99999999999999999999999999999999999.999999999999999999999999999999', -9999999999, -0.0100, -0.99999, 0,
  -0.25, -1e-300, 0, 0, 0, 0, '0000-00-00', 0,
  '0000-00-00 00:00:00', '0000-00-00 00:00:00', '-838:59:59',
  '0000-00-00 00:00:00.0', 0, '-00:00:00.1',
  '1000-01-01 00:00:00.01', '1970-01-01 00:00:01.01', '-00:00:01.01',
  '1000-01-01 00:00:00.001', '1970-01-01 00:00:01.001', '-00:00:00.001',
  '1000-01-01 00:00:00.0001', '1970-01-01 00:00:01.0001', '-00:00:00.0001',
  '1000-01-01 00:00:00.00001', '1970-01-01 00:00:01.00001', '-00:00:00.00001',
  '1000-01-01 00:00:00.000001', '1970-01-01 00:00:01.000001', '-838:59:59.999999',
  '', '', '', '', '', '', '', '', '', '', '', '', '', '', 'v1', '', '', '[]', ST_GeomFromText('POINT(0 0)'), POINT(0,0)),
 (3, 127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295, 9223372036854775807, 18446744073709551615,
  '99999999999999999999999999999999999.999999999999999999999999999999', 9999999999, 9999999999.9999, 0.99999, 9999999999999999999999999999.9999999999,
  3.40282e38, 1.7976931348623157e308, 1, 127, 131071, 9223372036854775808, '9999-12-31', 2155,
  '9999-12-31 23:59:59', '2038-01-19 03:14:07', '838:59:59',
  '9999-12-31 23:59:59.9', '2038-01-19 03:14:07.9', '838:59:59.9',
  '9999-12-31 23:59:59.99', '2038-01-19 03:14:07.99', '838:59:59.99',
  '9999-12-31 23:59:59.999', '2038-01-19 03:14:07.999', '-838:59:59.999',
  '9999-12-31 23:59:59.9999', '2038-01-19 03:14:07.9999', '838:59:59.9999',
  '9999-12-31 23:59:59.99999', '2038-01-19 03:14:07.99999', '838:59:59.99999',
  '9999-12-31 23:59:59.999999', '2038-01-19 03:14:07.999999', '838:59:59.999999',
  REPEAT('z', 10), REPEAT('😀', 100), 'xxxxx', REPEAT('é', 20), REPEAT('y', 300), 'a''b\\\\c', 't', 'm', 'l',
  0x61000000, '', '', 0xFF, 'c', 'v256', 'x,y,z', '$s64all', '{\"k\": \"\\\\u00e9\\\\\"q\"}', NULL, POINT(-1, 1e10)),
 (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)"

# canonical text per column, compared by the unit test with its own rendering
sel="SET time_zone='+00:00'; SELECT id, ti, tiu, si, siu, mi, miu, i, iu, bi, biu, d65, d10, d14, d5, d38u, f, dbl,
  b1+0, b7+0, b17+0, b64+0, dt, y"
for p in 0 1 2 3 4 5 6; do sel="$sel, dtm$p, ts$p, tm$p"; done
sel="$sel, HEX(c10), HEX(c100), HEX(cl), HEX(vc), HEX(vcl), HEX(tx), HEX(ttx), HEX(mtx), HEX(ltx),
  HEX(bn), HEX(vb), HEX(bl), HEX(tb), e+0, e300+0, s+0, s64+0, HEX(j), HEX(g), HEX(pt) FROM d.t_all ORDER BY id"

workload() {
  q "DROP DATABASE IF EXISTS d; CREATE DATABASE d; CREATE TABLE d.t_all ($cols) ENGINE=InnoDB"
  q "$ins"
  q "$sel" >"$OUT/rows-insert.tsv.new"
  q "SET time_zone='+00:00'; UPDATE d.t_all SET ti = ti + 1, vc = 'upd', ts6 = '2000-01-01 00:00:00.5' WHERE id = 1;
     DELETE FROM d.t_all WHERE id = 4"
  q "$sel" >"$OUT/rows-update.tsv.new"
  # statement-based events: INTVAR, RAND, USER_VAR
  q "CREATE TABLE d.t_sbr (id INT AUTO_INCREMENT PRIMARY KEY, v DOUBLE, s VARCHAR(20)) ENGINE=InnoDB;
     SET SESSION binlog_format=STATEMENT; SET @u = 'uv', @n = 42;
     INSERT INTO d.t_sbr (v, s) VALUES (RAND(), @u), (@n, NULL);
     SET SESSION binlog_format=ROW"
  # a non-transactional table: GTID + rows + QUERY COMMIT
  q "CREATE TABLE d.t_aria (id INT PRIMARY KEY) ENGINE=Aria; INSERT INTO d.t_aria VALUES (1), (2)"
  # XA: GTID (prepared) ... XA_PREPARE, then a separate XA COMMIT group
  q "XA START 'x1'; INSERT INTO d.t_sbr (v) VALUES (1); XA END 'x1'; XA PREPARE 'x1'; XA COMMIT 'x1'"
  # two-phase ALTER: START ALTER / COMMIT ALTER carry flags_extra and sa_seq_no
  q "SET SESSION binlog_alter_two_phase=1; ALTER TABLE d.t_sbr ADD COLUMN z INT"
}

capture() {
  local file=$1
  local cur
  cur=$(q "SHOW MASTER STATUS" | cut -f1)
  q "FLUSH BINARY LOGS"
  cp "$DATADIR/$cur" "$OUT/$file"
  mariadb-binlog --base64-output=decode-rows -vv "$OUT/$file" >"$OUT/$file.txt" 2>/dev/null || true
}

q "SET GLOBAL binlog_row_metadata=FULL, GLOBAL binlog_checksum=CRC32; FLUSH BINARY LOGS"
workload; capture full-crc32.bin
mv "$OUT/rows-insert.tsv.new" "$OUT/rows-insert.tsv"; mv "$OUT/rows-update.tsv.new" "$OUT/rows-update.tsv"
q "SET GLOBAL binlog_row_metadata=NO_LOG, GLOBAL binlog_checksum=NONE; FLUSH BINARY LOGS"
workload; capture minimal-none.bin
cmp "$OUT/rows-insert.tsv.new" "$OUT/rows-insert.tsv"
q "SET GLOBAL binlog_row_metadata=FULL, GLOBAL binlog_checksum=CRC32, GLOBAL log_bin_compress=ON,
   GLOBAL log_bin_compress_min_len=10; FLUSH BINARY LOGS"
workload; capture compressed.bin
cmp "$OUT/rows-insert.tsv.new" "$OUT/rows-insert.tsv"
q "SET GLOBAL log_bin_compress=OFF, GLOBAL binlog_row_image=MINIMAL; FLUSH BINARY LOGS"
q "DROP DATABASE IF EXISTS d; CREATE DATABASE d; CREATE TABLE d.t_all ($cols) ENGINE=InnoDB"
q "$ins"
q "SET time_zone='+00:00'; UPDATE d.t_all SET ti = ti + 1, vc = 'upd', ts6 = '2000-01-01 00:00:00.5' WHERE id = 1;
   DELETE FROM d.t_all WHERE id = 4"
capture minimal-image.bin
rm -f "$OUT"/*.new
ls -l "$OUT"
