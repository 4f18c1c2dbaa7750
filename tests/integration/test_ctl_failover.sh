#!/usr/bin/env bash
# test_ctl_failover: the controller schedules an `all` task on one of two appliers (applierd
# --join); while sysbench writes upstream, the applier running it is killed with -9: the
# controller moves the subtask to the other applier after the keepalive TTL, which resumes
# from dm_meta, and the data ends equal. Then the controller itself is killed with -9 and
# restarted on its data dir: query-status is whole, and the task keeps replicating.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/full_lib.sh"
CTL="$DM_BUILD_DIR/controller/controller"
RELAYD="$DM_BUILD_DIR/relayd/relayd"
[ -x "$CTL" ] && [ -x "$APPLIERD" ] || fail "controller/applierd not built in $DM_BUILD_DIR"

up=$(server_up ctlup upstream)
down=$(server_up ctldown downstream)
sysbench_prepare "$up" 4 5000
SB="sysbench oltp_write_only --db-driver=mysql --mysql-host=127.0.0.1 --mysql-port=$up --mysql-user=root --mysql-db=sbtest --tables=4 --table-size=5000"

ctl_port=$(free_port)
CTL_ADDR=127.0.0.1:$ctl_port
start_ctl() {
  "$CTL" --name ctl-1 --addr "$CTL_ADDR" --data-dir "$TEST_TMP/ctl" --keepalive-ttl-ms 3000 \
    >>"$TEST_TMP/ctl.log" 2>&1 &
  ctl_pid=$!
  track_pid "$ctl_pid"
}
declare -A app_pid
start_applier() {
  local p
  p=$(free_port)
  "$APPLIERD" --name "$1" --addr "127.0.0.1:$p" --join "$CTL_ADDR" --load-method insert \
    >>"$TEST_TMP/$1.log" 2>&1 &
  app_pid[$1]=$!
  track_pid "${app_pid[$1]}"
}
# call METHOD PARAMS_JSON: one controller call, result JSON on stdout.
call() { "$RELAYD" call --addr "$CTL_ADDR" --timeout-ms 20000 "$1" "$2"; }
# jget EXPR: evaluates a Python expression over the JSON on stdin (bound to r).
jget() { python3 -c "import json,sys; r=json.load(sys.stdin); print($1)"; }
# qs: the task's subtask as "worker stage unit".
qs() {
  call query-status '{"name":"ctlt"}' | jget 'r["sources"][0]["sourceStatus"]["worker"]+" "+r["sources"][0]["subTaskStatus"][0]["stage"]+" "+r["sources"][0]["subTaskStatus"][0]["unit"]'
}
# caught_up: the global checkpoint equals the upstream's binlog position.
caught_up() {
  local t=$1 file pos cp i
  read -r file pos _ < <(sql "$up" "SHOW MASTER STATUS")
  for i in $(seq 1 $((t * 2))); do
    cp=$(sql "$down" "SELECT CONCAT(binlog_name, ':', binlog_pos) FROM dm_meta.ctlt_syncer_checkpoint WHERE is_global = 1" 2>/dev/null || true)
    [ "$cp" == "$file:$pos" ] && return 0
    sleep 0.5
  done
  fail "sync did not catch up with $file:$pos (checkpoint $cp); status: $(qs)"
}
compare() {
  for t in 1 2 3 4; do same_content "$up" "$down" "sbtest.sbtest$t"; done
}

start_ctl
start_applier applier-1
start_applier applier-2
write_source "$TEST_TMP/source.yaml" "$up"
INSTANCE_EXTRA='    block-allow-list: bw' TASK_MODE=all write_task "$TEST_TMP/task.yaml" ctlt "$down" 2 1000 \
  'block-allow-list:
  bw:
    do-dbs: ["sbtest"]'
for i in $(seq 1 50); do call list-member '{}' >/dev/null 2>&1 && break; sleep 0.1; done
params=$(python3 -c 'import json,sys; print(json.dumps({"op":"create","configs":[open(sys.argv[1]).read()]}))' "$TEST_TMP/source.yaml")
[ "$(call operate-source "$params" | jget 'r["result"]')" == True ] || fail "operate-source create failed"
# Both appliers registered before the task starts.
for i in $(seq 1 50); do
  n=$(call list-member '{"worker":true}' | jget 'sum(1 for w in r["members"][0]["workers"]["workers"] if w["stage"]!="offline")')
  [ "$n" == 2 ] && break
  sleep 0.2
done
[ "$n" == 2 ] || fail "appliers did not register"

$SB --threads=2 --time=25 run >/dev/null &
sb=$!
track_pid $sb
params=$(python3 -c 'import json,sys; print(json.dumps({"task":open(sys.argv[1]).read(),"remove_meta":True}))' "$TEST_TMP/task.yaml")
res=$(call start-task "$params")
[ "$(echo "$res" | jget 'r["result"]')" == True ] || fail "start-task: $res"
first=$(echo "$res" | jget 'r["sources"][0]["worker"]')
[ -n "$first" ] || fail "start-task bound no applier: $res"
for i in $(seq 1 60); do
  read -r w stage unit < <(qs)
  [ "$stage" == Running ] && break
  sleep 0.25
done
[ "$stage" == Running ] || fail "the subtask did not run: $(qs)"
sleep 3
echo "killing $first ($(qs))" >&2
kill -KILL "${app_pid[$first]}"
t0=$(date +%s)
for i in $(seq 1 60); do
  read -r w stage unit < <(qs)
  [ "$w" != "$first" ] && [ "$stage" == Running ] && break
  sleep 0.5
done
[ "$w" != "$first" ] && [ "$stage" == Running ] || fail "the subtask did not move: $(qs)"
echo "moved to $w after $(( $(date +%s) - t0 )) s" >&2
call list-member '{"worker":true}' | jget '[(w["name"],w["stage"]) for w in r["members"][0]["workers"]["workers"]]' | grep -q "'$first', 'offline'" ||
  fail "$first is not offline in list-member"
wait $sb
caught_up 90
compare

# The controller dies with -9 and comes back on its data dir within the TTL, while
# sysbench writes: the applier keeps its subtask running throughout.
$SB --threads=2 --time=8 run >/dev/null &
sb=$!
track_pid $sb
sleep 1
kill -KILL "$ctl_pid"
wait "$ctl_pid" 2>/dev/null || true
start_ctl
for i in $(seq 1 50); do call list-member '{}' >/dev/null 2>&1 && break; sleep 0.1; done
for i in $(seq 1 20); do
  read -r w2 stage unit < <(qs)
  [ "$stage" == Running ] && break
  sleep 0.25
done
[ "$w2" == "$w" ] && [ "$stage" == Running ] || fail "query-status after the restart: $(qs), expected $w Running"
[ "$(call query-status '{}' | jget 'r["tasks"][0]["taskName"]+" "+r["tasks"][0]["taskStatus"]')" == "ctlt Running" ] ||
  fail "query-status without a name after the restart"
wait $sb
sql "$up" "INSERT INTO sbtest.sbtest1 (k, c, pad) VALUES (1, 'after-restart', 'x')"
caught_up 60
compare
# Keepalives kept the applier's subtask: it never restarted after the move.
[ "$(grep -c "subtask ctlt/mysql-01 generation" "$TEST_TMP/$w.log")" == 1 ] || fail "the subtask restarted on $w"
echo "ok: moved and equal; controller restart kept the task"
