# full_lib.sh: helpers shared by the applierd full-migration tests and bench/full.sh
# (source it after lib.sh, or on its own with SANDBOX set).

: "${APPLIERD:=$DM_BUILD_DIR/applierd/applierd}"

# client PORT: the mariadb client on a sandbox server, utf8mb4, reading SQL from stdin.
client() { mariadb --no-defaults -uroot -h127.0.0.1 -P"$1" --default-character-set=utf8mb4; }

# sysbench_prepare PORT TABLES ROWS: sysbench's tables in database sbtest.
sysbench_prepare() {
  "$SANDBOX" sql "$1" "CREATE DATABASE IF NOT EXISTS sbtest"
  sysbench oltp_common --db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$1" \
    --mysql-user=root --mysql-db=sbtest --tables="$2" --table-size="$3" prepare >/dev/null
}

# write_source FILE PORT: a DM source file for the upstream on PORT.
write_source() {
  cat >"$1" <<EOF
source-id: mysql-01
flavor: mariadb
from:
  host: 127.0.0.1
  user: root
  password: ""
  port: $2
EOF
}

# write_task FILE NAME DOWN_PORT THREADS ROWS [EXTRA_YAML]: a full-mode task; EXTRA_YAML is
# appended (routes, block-allow-list, ...) and may set the instance's keys through
# INSTANCE_EXTRA (indented lines for the mysql-instances entry).
write_task() {
  cat >"$1" <<EOF
name: $2
task-mode: ${TASK_MODE:-full}
meta-schema: dm_meta
target-database:
  host: 127.0.0.1
  port: $3
  user: root
  password: ""
mysql-instances:
  - source-id: mysql-01
    mydumper-config-name: global
    loader-config-name: global
${INSTANCE_EXTRA:-}
mydumpers:
  global:
    threads: $4
    rows: $5
loaders:
  global:
    pool-size: $4
${6:-}
EOF
}

# same_content UP DOWN DB.TABLE...: CHECKSUM TABLE ... EXTENDED and COUNT(*) equal on both.
same_content() {
  local up=$1 down=$2 t a b; shift 2
  for t in "$@"; do
    a=$("$SANDBOX" sql "$up" "CHECKSUM TABLE $t EXTENDED; SELECT COUNT(*) FROM $t" | awk '{print $NF}' | tr '\n' ' ')
    b=$("$SANDBOX" sql "$down" "CHECKSUM TABLE $t EXTENDED; SELECT COUNT(*) FROM $t" | awk '{print $NF}' | tr '\n' ' ')
    [ "$a" == "$b" ] || { echo "content differs for $t: upstream [$a] downstream [$b]" >&2; return 1; }
    echo "  $t: checksum/count [$a] equal"
  done
}
