#!/usr/bin/env bash
# test_ctl_relay: relayd --join under the controller, with an applier reading the relay. A
# source with enable-relay is bound to a relayd, whose empty store starts at the upstream's
# earliest binlog (not the current one); purge-relay and pause/resume-relay are forwarded
# through the controller; kill -9 of that relayd moves the relay to the other one, whose empty
# store starts at the file of the applier's checkpoint (not later: no gap, not earlier than
# needed), and the applier follows the relay to its new address; the data stays equal. The
# first relayd comes back and transfer-source moves the relay to it, where it resumes from
# its own store, once relayd-2 has stopped relaying (never two relays of a source at once).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/full_lib.sh"
source "$(dirname "$0")/ctl_lib.sh"

up=$(server_up ctlrup upstream)
down=$(server_up ctlrdown downstream)
sql "$up" "CREATE DATABASE t; CREATE TABLE t.a (id INT PRIMARY KEY, v INT); INSERT INTO t.a VALUES (1, 1); FLUSH BINARY LOGS;
  INSERT INTO t.a VALUES (2, 2); FLUSH BINARY LOGS; INSERT INTO t.a VALUES (3, 3)"
first=$(sql "$up" "SHOW BINARY LOGS" | head -1 | awk '{print $1}')
second=$(sql "$up" "SHOW BINARY LOGS" | sed -n 2p | awk '{print $1}')
current=$(sql "$up" "SHOW MASTER STATUS" | awk '{print $1}')
[ "$first" != "$current" ] || fail "the upstream should have several binlogs"

start_ctl
declare -A raddr rpid
for r in relayd-1 relayd-2; do raddr[$r]=127.0.0.1:$(free_port); done
start_relayd() {
  "$RELAYD" --name "$1" --addr "${raddr[$1]}" --relay-dir "$TEST_TMP/$1" --join "$CTL_ADDR" \
    --log-file "$TEST_TMP/$1.log" &
  rpid[$1]=$!
  track_pid "${rpid[$1]}"
}
rcall() { "$RELAYD" call --addr "${raddr[$1]}" --timeout-ms 5000 "$2" "$3"; }
relay_worker() { call operate-source '{"op":"show","sources":["mysql-01"]}' | jget 'r["sources"][0]["worker"]'; }
# first_file RELAYD: the binlog file of the first stored segment once one is stored.
first_file() {
  local i f
  for i in $(seq 1 60); do
    f=$(rcall "$1" segments '{"source":"mysql-01","wait_ms":500}' 2>/dev/null | jget 'r["segment"]["file"] if r.get("segment") else ""' 2>/dev/null || true)
    [ -n "$f" ] && { echo "$f"; return 0; }
    sleep 0.25
  done
  fail "$1 stored nothing"
}
relay_stage() { rcall "$1" status '{"source":"mysql-01"}' 2>/dev/null | jget 'r["sources"][0]["stage"]' 2>/dev/null || true; }
# kicks: how often the upstream dropped a replica for another with the same server-id.
kicks() { grep -c "same server_uuid/server_id" "$DM_SANDBOX_DIR/$(server_name ctlrup)/error.log" || true; }
# caught_up: the rows are equal and the task's checkpoint is in the upstream's current file
# (after a FLUSH the upstream may append a Binlog_checkpoint event that no checkpoint passes).
caught_up() {
  local file cp i
  for i in $(seq 1 120); do
    file=$(sql "$up" "SHOW MASTER STATUS" | awk '{print $1}')
    cp=$(sql "$down" "SELECT binlog_name FROM dm_meta.rt_syncer_checkpoint WHERE is_global = 1" 2>/dev/null || true)
    if [ "$cp" == "$file" ] && [ "$(table_checksum "$up" t.a)" == "$(table_checksum "$down" t.a 2>/dev/null)" ]; then
      same_content "$up" "$down" t.a
      return 0
    fi
    sleep 0.5
  done
  fail "the task did not catch up with $file (checkpoint $cp)"
}

start_relayd relayd-1
wait_member relayd-1 # first, so the source binds to it
start_relayd relayd-2
"$APPLIERD" --name applier-1 --addr "127.0.0.1:$(free_port)" --join "$CTL_ADDR" >>"$TEST_TMP/applier-1.log" 2>&1 &
track_pid $!
wait_member relayd-2
wait_member applier-1
cat >"$TEST_TMP/source.yaml" <<EOS
source-id: mysql-01
enable-relay: true
from:
  host: 127.0.0.1
  port: $up
  user: root
  password: ""
EOS
res=$(create_sources "$TEST_TMP/source.yaml")
[ "$(echo "$res" | jget 'r["sources"][0]["worker"]')" == relayd-1 ] || fail "the relay is not bound to relayd-1: $res"
[ "$(first_file relayd-1)" == "$first" ] || fail "relayd-1 did not start at the earliest binlog $first"
INSTANCE_EXTRA='    block-allow-list: bw
    syncer-config-name: g' TASK_MODE=all write_task "$TEST_TMP/task.yaml" rt "$down" 1 100 \
  'block-allow-list:
  bw:
    do-dbs: ["t"]
syncers:
  g:
    checkpoint-flush-interval: 1'
res=$(ctl_start_task "$TEST_TMP/task.yaml")
[ "$(echo "$res" | jget 'r["sources"][0]["worker"]')" == applier-1 ] || fail "start-task: $res"
# A change once sync runs (an idle sync unit writes no checkpoint).
for i in $(seq 1 60); do grep -q "\[sync\] starting" "$TEST_TMP/applier-1.log" && break; sleep 0.25; done
sql "$up" "INSERT INTO t.a VALUES (4, 4)"
caught_up
grep -q "binlog from relayd at ${raddr[relayd-1]}" "$TEST_TMP/applier-1.log" || fail "the applier does not read relayd-1"

# purge-relay through the controller, then pause/resume.
res=$(call purge-relay "{\"source\":\"mysql-01\",\"filename\":\"$second\"}")
[ "$(echo "$res" | jget 'r["result"]')" == True ] || fail "purge-relay: $res"
[ "$(first_file relayd-1)" == "$second" ] || fail "purge-relay did not purge before $second"
call operate-relay '{"op":"pause","sources":["mysql-01"]}' >/dev/null
for i in $(seq 1 20); do [ "$(relay_stage relayd-1)" == Paused ] && break; sleep 0.25; done
[ "$(relay_stage relayd-1)" == Paused ] || fail "pause-relay did not pause relayd-1"
call operate-relay '{"op":"resume","sources":["mysql-01"]}' >/dev/null
for i in $(seq 1 20); do [ "$(relay_stage relayd-1)" == Running ] && break; sleep 0.25; done
[ "$(relay_stage relayd-1)" == Running ] || fail "resume-relay did not resume relayd-1"

# Two more binlog files; the applier's checkpoint is in the last one.
sql "$up" "FLUSH BINARY LOGS; INSERT INTO t.a VALUES (5, 5); FLUSH BINARY LOGS; INSERT INTO t.a VALUES (6, 6)"
ckfile=$(sql "$up" "SHOW MASTER STATUS" | awk '{print $1}')
caught_up
sleep 1.5 # the applier's report of that checkpoint reached the controller
kill -KILL "${rpid[relayd-1]}"
wait "${rpid[relayd-1]}" 2>/dev/null || true
for i in $(seq 1 40); do [ "$(relay_worker)" == relayd-2 ] && break; sleep 0.25; done
[ "$(relay_worker)" == relayd-2 ] || fail "the relay did not move to relayd-2"
[ "$(first_file relayd-2)" == "$ckfile" ] || fail "relayd-2 did not start at the checkpoint's file $ckfile"
wait_member relayd-1 offline
sql "$up" "INSERT INTO t.a VALUES (7, 7); UPDATE t.a SET v = 70 WHERE id = 1"
caught_up
grep -q "binlog from relayd at ${raddr[relayd-2]}" "$TEST_TMP/applier-1.log" || fail "the applier did not follow the relay"

# relayd-1 returns; transfer-source moves the relay back, resuming its own store.
start_relayd relayd-1
wait_member relayd-1 free
kicks_before=$(kicks)
# relayd-2 is frozen (still alive for the controller, still connected upstream): relayd-1
# must not take the source before relayd-2 has stopped relaying it.
kill -STOP "${rpid[relayd-2]}"
res=$(call transfer-source '{"source":"mysql-01","worker":"relayd-1"}')
[ "$(echo "$res" | jget 'r["result"]')" == True ] || fail "transfer-source: $res"
sleep 1.2 # relayd-2 stays alive: its last keepalive was at most 1 s before, the TTL is 3 s
[ -z "$(relay_stage relayd-1)" ] || fail "relayd-1 took the source while relayd-2 still relays it"
kill -CONT "${rpid[relayd-2]}"
sql "$up" "INSERT INTO t.a VALUES (8, 8)"
for i in $(seq 1 20); do [ "$(relay_stage relayd-1)" == Running ] && break; sleep 0.25; done
[ "$(relay_stage relayd-1)" == Running ] || fail "relayd-1 does not relay after transfer-source"
want=$(sql "$up" "SHOW MASTER STATUS" | awk '{print $1":"$2}')
for i in $(seq 1 40); do
  got=$(rcall relayd-1 status '{"source":"mysql-01"}' | jget 'r["sources"][0]["relay_binlog"]')
  [ "$got" == "$want" ] && break
  sleep 0.25
done
[ "$got" == "$want" ] || fail "relayd-1 did not catch up: $got, want $want"
[ "$(relay_stage relayd-2)" == Paused ] || fail "relayd-2 still relays after the transfer"
caught_up
# relayd-1 started only once relayd-2 had stopped: no two relays of the source at once.
[ "$(kicks)" == "$kicks_before" ] || fail "the upstream saw two relays of mysql-01 during the transfer"
echo "ok"
