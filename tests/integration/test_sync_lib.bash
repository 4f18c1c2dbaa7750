# test_sync_lib.bash: shared parts of the sync integration tests (sourced after lib.sh).
# sync_servers starts an upstream (binlog_row_metadata=FULL) and a downstream and writes the
# task and source files; the workload helpers drive sysbench, an all-types table and DDL.
SYNC_TOOL="$DM_BUILD_DIR/tests/sync_tool"
SB="sysbench --db-driver=mysql --mysql-host=127.0.0.1 --mysql-user=root --mysql-db=sbtest"

# sync_servers [ROW_METADATA]: sets $up and $down.
sync_servers() {
  local meta=${1:-FULL}
  up=$(server_up sy-up upstream -- --binlog-row-metadata="$meta")
  down=$(server_up sy-down downstream)
  local file pos
  read -r file pos _ < <(sql "$up" "SHOW MASTER STATUS")
  cat >"$TEST_TMP/source.yaml" <<EOS
source-id: "mysql-01"
from:
  host: "127.0.0.1"
  port: $up
  user: "root"
  password: ""
EOS
  cat >"$TEST_TMP/task.yaml" <<EOS
name: "synctest"
task-mode: "incremental"
target-database:
  host: "127.0.0.1"
  port: $down
  user: "root"
  password: ""
mysql-instances:
  - source-id: "mysql-01"
    meta:
      binlog-name: "$file"
      binlog-pos: $pos
    block-allow-list: "bal"
    route-rules: ["r1"]
    filter-rules: ["nodel"]
    syncer-config-name: "g"
routes:
  r1:
    schema-pattern: "r1"
    target-schema: "r1_target"
filters:
  nodel:
    schema-pattern: "d1"
    table-pattern: "keep*"
    events: ["delete", "truncate table"]
    action: Ignore
block-allow-list:
  bal:
    ignore-dbs: ["ignored"]
syncers:
  g:
    worker-count: 4
    batch: 50
    checkpoint-flush-interval: 1
    compact: true
EOS
}

# sync_start: runs sync_tool in the background; sets $sync_pid, log in $TEST_TMP/sync.log.
sync_start() {
  "$SYNC_TOOL" --task "$TEST_TMP/task.yaml" --source "$TEST_TMP/source.yaml" \
    >>"$TEST_TMP/sync.log" 2>&1 &
  sync_pid=$!
  track_pid "$sync_pid"
}

# sync_alive: fails the test when sync_tool has exited (it only exits on an error here).
sync_alive() {
  kill -0 "$sync_pid" 2>/dev/null || { tail -20 "$TEST_TMP/sync.log" >&2; fail "sync_tool exited"; }
}

alltypes_setup() {
  sql "$up" "CREATE DATABASE r1; CREATE TABLE r1.a (id INT PRIMARY KEY, v INT);
    INSERT INTO r1.a VALUES (1, 1), (2, 2); UPDATE r1.a SET v = 3 WHERE id = 2;
    ALTER TABLE r1.a ADD COLUMN w INT; INSERT INTO r1.a VALUES (3, 3, 3); DELETE FROM r1.a WHERE id = 1;
    RENAME TABLE r1.a TO r1.b"
  sql "$up" "CREATE DATABASE d1; CREATE DATABASE ignored;
    CREATE TABLE ignored.t (id INT PRIMARY KEY);
    CREATE TABLE d1.alltypes (
      id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      ti TINYINT, tu TINYINT UNSIGNED, si SMALLINT, su SMALLINT UNSIGNED, mi MEDIUMINT,
      mu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED, bi BIGINT, bu BIGINT UNSIGNED,
      de DECIMAL(20,6), fl FLOAT, db DOUBLE, bt BIT(13), dt DATE, tm TIME(3), dtt DATETIME(6),
      ts TIMESTAMP(2) NULL, yr YEAR, ch CHAR(10), vc VARCHAR(100), bn BINARY(4),
      vb VARBINARY(20), tx TEXT, bl BLOB, en ENUM('a','b','c'), st SET('x','y','z'),
      js JSON, u8 VARCHAR(20) CHARACTER SET utf8mb4, l1 VARCHAR(20) CHARACTER SET latin1,
      uk INT NULL, UNIQUE KEY (uk));
    CREATE TABLE d1.nokey (a INT, b VARCHAR(10));
    CREATE TABLE d1.uk (a INT NOT NULL, b INT, c VARCHAR(10), UNIQUE KEY (a));
    CREATE TABLE d1.keep (id INT PRIMARY KEY); INSERT INTO d1.keep VALUES (1), (2), (3);
    DELETE FROM d1.keep WHERE id = 2; TRUNCATE TABLE d1.keep; INSERT INTO d1.keep VALUES (4);
    SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO'; INSERT INTO d1.alltypes (id, i) VALUES (0, 0);"
  # a DDL written in latin1: its text must reach the downstream as the same characters
  sql "$up" "$(printf "SET NAMES latin1; ALTER TABLE d1.uk COMMENT 'caf\xe9'")"
}

# alltypes_round N: inserts, updates and deletes on the all-types and keyless tables.
alltypes_round() {
  local r=$1
  sql "$up" "INSERT INTO d1.alltypes (ti,tu,si,su,mi,mu,i,iu,bi,bu,de,fl,db,bt,dt,tm,dtt,ts,yr,ch,vc,bn,vb,tx,bl,en,st,js,u8,l1,uk) VALUES
    (-128,255,-32768,65535,-8388608,16777215,-2147483648,4294967295,-9223372036854775808,18446744073709551615,
     -12345678901234.123456,1.5e-7,-2.2250738585072014e-308,b'1010101010101','2024-02-29','-838:59:59.999',
     '2024-01-01 12:34:56.123456','2024-06-01 00:00:01.25',2155,'chr','it''s \\\\ \"q\"',0x00ff10,0xdeadbeef00,
     REPEAT('t',300),0x000102,'b','x,z','{\"a\":[1,2,{\"b\":null}]}','héllo ✓','caf\\xe9',$r),
    (NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL),
    (0,0,0,0,0,0,0,0,0,0,0,0,0,b'0','1000-01-01','00:00:00','1000-01-01 00:00:00','1970-01-01 00:00:01',1901,'','','','','','','a','','[]','',''
     ,NULL);
    UPDATE d1.alltypes SET vc=CONCAT(vc,'u'), fl=fl*2, js=JSON_SET(COALESCE(js,'{}'),'$.r',$r) WHERE id % 3 = $((r % 3));
    UPDATE d1.alltypes SET uk = uk + 1000 WHERE uk = $r;
    DELETE FROM d1.alltypes WHERE id % 7 = $((r % 7)) AND id > 3;
    INSERT INTO d1.nokey VALUES ($r,'n'),($r,'n'),(NULL,NULL);
    DELETE FROM d1.nokey WHERE a = $((r - 1)) LIMIT 1;
    UPDATE d1.nokey SET b = 'm' WHERE a = $r LIMIT 1;
    INSERT INTO d1.uk VALUES ($r, $r, 'x') ON DUPLICATE KEY UPDATE c='y';
    UPDATE d1.uk SET a = a + 100000 WHERE a = $((r - 2));
    INSERT INTO ignored.t VALUES ($r);"
}

# ddl_round N: schema changes interleaved with writes.
ddl_round() {
  local r=$1
  sql "$up" "CREATE TABLE d1.tmp$r (id INT PRIMARY KEY, v INT);
    INSERT INTO d1.tmp$r VALUES (1,1),(2,2),(3,3);
    ALTER TABLE d1.tmp$r ADD COLUMN extra VARCHAR(10) DEFAULT 'e';
    INSERT INTO d1.tmp$r (id, v) VALUES (4,4);
    ALTER TABLE d1.tmp$r ADD INDEX iv (v);
    UPDATE d1.tmp$r SET v = v + 10;
    ALTER TABLE d1.tmp$r DROP COLUMN extra;
    RENAME TABLE d1.tmp$r TO d1.ren$r;
    INSERT INTO d1.ren$r VALUES (5,5);
    TRUNCATE TABLE d1.ren$r;
    INSERT INTO d1.ren$r VALUES (6,6);"
  if [ $((r % 2)) -eq 0 ]; then sql "$up" "DROP TABLE d1.ren$r"; fi
  sql "$up" "ALTER TABLE d1.alltypes ADD COLUMN c$r INT DEFAULT $r; UPDATE d1.alltypes SET c$r = id WHERE id % 2 = 0"
  if [ "$r" -gt 1 ]; then sql "$up" "ALTER TABLE d1.alltypes DROP COLUMN c$((r - 1))"; fi
}

# sync_wait_caught_up [TIMEOUT]: waits until the global checkpoint equals the upstream's
# binlog position.
sync_wait_caught_up() {
  local t=${1:-120} i file pos cp
  read -r file pos _ < <(sql "$up" "SHOW MASTER STATUS")
  for i in $(seq 1 $((t * 2))); do
    cp=$(sql "$down" "SELECT CONCAT(binlog_name, ':', binlog_pos) FROM dm_meta.synctest_syncer_checkpoint WHERE is_global = 1" 2>/dev/null || true)
    [ "$cp" == "$file:$pos" ] && return 0
    sleep 0.5
  done
  tail -20 "$TEST_TMP/sync.log" >&2
  fail "sync did not catch up with $file:$pos (checkpoint $cp)"
}

# sync_compare: every upstream table of the replicated schemas is equal downstream
# (CHECKSUM TABLE EXTENDED and row count); the ignored schema is absent downstream. Tables
# named in $SYNC_SKIP ("db.t ...") are only checked to exist.
sync_compare() {
  local db t a b n=0
  for db in sbtest d1; do
    assert_eq "$(sql "$down" "SELECT GROUP_CONCAT(table_name ORDER BY table_name) FROM information_schema.tables WHERE table_schema='$db'")" \
      "$(sql "$up" "SELECT GROUP_CONCAT(table_name ORDER BY table_name) FROM information_schema.tables WHERE table_schema='$db'")" "tables of $db"
    for t in $(sql "$up" "SELECT table_name FROM information_schema.tables WHERE table_schema='$db'"); do
      case " ${SYNC_SKIP:-} d1.keep " in *" $db.$t "*) continue ;; esac
      a=$(table_checksum "$up" "$db.$t"); b=$(table_checksum "$down" "$db.$t")
      assert_eq "$b" "$a" "checksum of $db.$t"
      assert_eq "$(sql "$down" "SELECT COUNT(*) FROM $db.$t")" "$(sql "$up" "SELECT COUNT(*) FROM $db.$t")" "rows of $db.$t"
      n=$((n + 1))
    done
  done
  [ "$n" -ge 8 ] || fail "only $n tables compared"
  [ -z "$(sql "$down" "SHOW DATABASES LIKE 'ignored'")" ] || fail "ignored schema was replicated"
  # routed schema: r1.b upstream is r1_target.b downstream, DDL included
  [ -z "$(sql "$down" "SHOW DATABASES LIKE 'r1'")" ] || fail "routed schema kept its name"
  assert_eq "$(table_checksum "$down" r1_target.b)" "$(table_checksum "$up" r1.b)" "routed table r1.b"
  assert_eq "$(sql "$down" "SELECT GROUP_CONCAT(CONCAT_WS(':', id, v, w) ORDER BY id) FROM r1_target.b")" "2:3,3:3:3" "routed rows"
  # filtered events: deletes and TRUNCATE of d1.keep are ignored downstream
  assert_eq "$(sql "$down" "SELECT GROUP_CONCAT(id ORDER BY id) FROM d1.keep")" "${SYNC_KEEP_ROWS:-1,2,3,4}" "filtered deletes"
  echo "compared $n tables: equal"
}
