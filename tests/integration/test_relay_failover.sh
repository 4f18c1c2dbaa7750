#!/usr/bin/env bash
# An upstream switch: relayd relays server A; B replicates A; B is promoted (replication
# stopped, new writes on B) and the source is pointed at B. relayd sees another server id,
# starts epoch 2 at the store's GTID position on B and carries on: every GTID of A and B is
# stored exactly once, and the events of epoch 2 are B's, from its binlog.
source "$(dirname "$0")/lib.sh"
RELAYD="$DM_BUILD_DIR/relayd/relayd"
a=$(server_up fo-a upstream)
b=$(server_up fo-b upstream)
addr="127.0.0.1:$(free_port)"
relay="$TEST_TMP/relay"

source_file() {
  printf 'source-id: "fo"\nfrom:\n  host: "127.0.0.1"\n  port: %s\n  user: "root"\n' "$1" >"$TEST_TMP/source.yaml"
}
start_relayd() {
  "$RELAYD" --name fo --addr "$addr" --relay-dir "$relay" --source "$TEST_TMP/source.yaml" \
    --log-file "$TEST_TMP/relayd.log" &
  relayd_pid=$!
  track_pid "$relayd_pid"
  for _ in $(seq 1 100); do
    call status 2>/dev/null | grep -q '"epoch": [1-9]' && return 0
    sleep 0.1
  done
  fail "relayd did not start relaying"
}
call() { "$RELAYD" call --addr "$addr" "$@"; }
field() { python3 -c 'import json,sys; print(json.load(sys.stdin)["sources"][0][sys.argv[1]])' "$1"; }
wait_gtid() { # wait_gtid GTID_POS: until the relay's GTID set equals it
  for _ in $(seq 1 200); do
    [ "$(call status | field relay_gtid)" == "$1" ] && return 0
    sleep 0.1
  done
  call status >&2
  fail "relay GTID did not reach $1"
}

sql "$b" "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$a, MASTER_USER='root', MASTER_USE_GTID=slave_pos; START SLAVE"
source_file "$a"
start_relayd
sql "$a" "CREATE DATABASE t; CREATE TABLE t.a (id INT PRIMARY KEY, v VARCHAR(20))"
sql "$a" "INSERT INTO t.a VALUES (1,'a1'),(2,'a2'); FLUSH BINARY LOGS; INSERT INTO t.a VALUES (3,'a3')"
pos_a=$(sql "$a" "SELECT @@gtid_binlog_pos")
wait_gtid "$pos_a"
for _ in $(seq 1 100); do
  [ "$(sql "$b" "SELECT @@gtid_slave_pos")" == "$pos_a" ] && break
  sleep 0.1
done
assert_eq "$(sql "$b" "SELECT @@gtid_slave_pos")" "$pos_a" "B replicated A"
kill -TERM "$relayd_pid"
wait "$relayd_pid" || fail "relayd did not stop cleanly"

# Promote B and write there.
sql "$b" "STOP SLAVE; RESET SLAVE ALL"
sql "$b" "INSERT INTO t.a VALUES (4,'b4'); FLUSH BINARY LOGS; UPDATE t.a SET v='b' WHERE id=1"
source_file "$b"
start_relayd
# The relay's set then holds A's and B's last GTIDs, as B's binlog state does.
wait_gtid "$(sql "$b" "SELECT @@gtid_binlog_state" | tr ',' '\n' | sort | paste -sd, -)"
st=$(call status)
assert_eq "$(echo "$st" | field epoch)" "2" "a new epoch for the new upstream"
assert_eq "$(echo "$st" | field upstream)" "mariadb:server_id=$(sql "$b" "SELECT @@server_id")" "upstream label"
grep -q "upstream changed from mariadb:server_id=$(sql "$a" "SELECT @@server_id")" "$TEST_TMP/relayd.log" ||
  fail "the switch is not logged"

# Every GTID once; together exactly A's and B's transactions.
"$RELAYD" inspect --addr "$addr" --source-id fo >"$TEST_TMP/list"
awk '$3=="Gtid" {print $5}' "$TEST_TMP/list" | sort >"$TEST_TMP/gtids"
[ -z "$(uniq -d "$TEST_TMP/gtids")" ] || fail "duplicate GTIDs: $(uniq -d "$TEST_TMP/gtids" | head -3)"
for f in $(sql "$b" "SHOW BINARY LOGS" | awk '{print $1}'); do
  sql "$b" "SHOW BINLOG EVENTS IN '$f'" | awk -F'\t' '$3=="Gtid" {sub(/^(BEGIN )?GTID /, "", $6); print $6}'
done | sort -u >"$TEST_TMP/gtids.b"
diff "$TEST_TMP/gtids.b" "$TEST_TMP/gtids" || fail "stored GTIDs differ from the upstreams' (B holds A's too)"
# Epoch 2 holds B's own new transactions, read from B's binlog.
awk '$1==2 && $3=="Gtid"' "$TEST_TMP/list" | grep -q -- "-$(sql "$b" "SELECT @@server_id")-" ||
  fail "epoch 2 lacks B's transactions: $(cat "$TEST_TMP/list")"
awk '$1==1' "$TEST_TMP/list" | grep -q -- "-$(sql "$b" "SELECT @@server_id")-" && fail "epoch 1 holds B's transactions"
kill -TERM "$relayd_pid"
wait "$relayd_pid" || fail "relayd did not stop cleanly"
echo "relay failover: ok"
