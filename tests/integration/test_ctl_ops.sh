#!/usr/bin/env bash
# test_ctl_ops: task operations through the controller on one applier (--join), as DM
# documents them (and the controller's HTTP status and /metrics): pause-task stops replication and resume-task continues it; a DDL that
# fails downstream pauses the subtask with its error (task status "Error - ...", no
# auto-resume) until handle-error skip at its location, after which it resumes by itself;
# stop-task keeps dm_meta and the downstream data, and a new start-task resumes from the
# checkpoint; start-task with remove_meta clears the task's dm_meta tables and migrates again;
# an upstream that fails a precheck (binlog_row_image not FULL) makes start-task refuse.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/full_lib.sh"
source "$(dirname "$0")/ctl_lib.sh"

up=$(server_up ctlopup upstream)
down=$(server_up ctlopdown downstream)
sql "$up" "CREATE DATABASE d; USE d; CREATE TABLE d.t (id INT PRIMARY KEY, v INT); INSERT INTO d.t SELECT seq, seq FROM seq_1_to_1000"
HTTP_ADDR=127.0.0.1:$(free_port)
start_ctl --http-addr "$HTTP_ADDR"
"$APPLIERD" --name applier-1 --addr "127.0.0.1:$(free_port)" --join "$CTL_ADDR" >>"$TEST_TMP/applier-1.log" 2>&1 &
track_pid $!
stage() { call query-status '{"name":"t"}' | jget 'r["sources"][0]["subTaskStatus"][0]["stage"] if r["result"] else "absent"'; }
wait_stage() {
  local i
  for i in $(seq 1 80); do [ "$(stage)" == "$1" ] && return 0; sleep 0.25; done
  fail "stage $(stage), expected $1"
}
count() { sql "$down" "SELECT COUNT(*) FROM d.t" 2>/dev/null || echo 0; }
wait_count() {
  local i
  for i in $(seq 1 80); do [ "$(count)" == "$1" ] && return 0; sleep 0.25; done
  fail "downstream has $(count) rows, expected $1"
}
start_task() {
  res=$(ctl_start_task "$TEST_TMP/task.yaml" "$1")
  [ "$(echo "$res" | jget 'r["result"]')" == True ] || fail "start-task: $res"
  [ "$(echo "$res" | jget 'r["checkResult"]')" == "pre-check is passed" ] || fail "checkResult: $res"
}

write_source "$TEST_TMP/source.yaml" "$up"
INSTANCE_EXTRA='    block-allow-list: bw' TASK_MODE=all write_task "$TEST_TMP/task.yaml" t "$down" 2 200 \
  'block-allow-list:
  bw:
    do-dbs: ["d"]'
create_sources "$TEST_TMP/source.yaml" >/dev/null
wait_member applier-1
# precheck: an upstream whose row image is not FULL refuses the task, naming the variable
sql "$up" "SET GLOBAL binlog_row_image = 'MINIMAL'"
res=$(ctl_start_task "$TEST_TMP/task.yaml" 0)
sql "$up" "SET GLOBAL binlog_row_image = 'FULL'"
[ "$(echo "$res" | jget 'r["result"]')" == False ] || fail "start-task passed a precheck it should fail: $res"
echo "$res" | grep -q "binlog_row_image" || fail "the precheck failure does not name binlog_row_image: $res"
[ "$(call query-status '{}' | jget 'len(r["tasks"])')" == 0 ] || fail "a refused task was recorded"
# precheck: a feature not built yet (shard DDL coordination) refuses the task, naming it
sed 's/^task-mode: /shard-mode: pessimistic\ntask-mode: /' "$TEST_TMP/task.yaml" >"$TEST_TMP/shard-task.yaml"
res=$(ctl_start_task "$TEST_TMP/shard-task.yaml" 0)
[ "$(echo "$res" | jget 'r["result"]')" == False ] || fail "start-task passed a shard-mode task: $res"
echo "$res" | grep -q "shard-mode: pessimistic (shard DDL coordination) is not supported" || fail "shard-mode refusal: $res"
[ "$(call query-status '{}' | jget 'len(r["tasks"])')" == 0 ] || fail "a refused task was recorded"
# precheck: an expression filter that does not parse refuses the task, naming the rule
printf '    expression-filters: ["xf"]\nexpression-filter:\n  xf:\n    schema: d\n    table: t\n    insert-value-expr: "id >"\n' >"$TEST_TMP/xf"
python3 -c 'import sys; p,x=sys.argv[1:]; s=open(p).read(); a,b=open(x).read().split("expression-filter:\n",1); s=s.replace("    block-allow-list: bw\n","    block-allow-list: bw\n"+a,1)+"expression-filter:\n"+b; open(p+".xf","w").write(s)' "$TEST_TMP/task.yaml" "$TEST_TMP/xf"
res=$(ctl_start_task "$TEST_TMP/task.yaml.xf" 0)
[ "$(echo "$res" | jget 'r["result"]')" == False ] || fail "start-task passed a bad expression filter: $res"
echo "$res" | grep -q "expression-filter xf (d.t) insert-value-expr" || fail "bad expression refusal: $res"
start_task 0
wait_stage Running
wait_count 1000
# the HTTP endpoints
[ "$(http_get "http://$HTTP_ADDR/apis/v1alpha1/status/t" | jget 'r["sources"][0]["subTaskStatus"][0]["stage"]')" == Running ] ||
  fail "GET /apis/v1alpha1/status/t"
[ "$(http_get "http://$HTTP_ADDR/apis/v1alpha1/status" | jget 'r["tasks"][0]["taskName"]')" == t ] || fail "GET /apis/v1alpha1/status"
http_get "http://$HTTP_ADDR/metrics" >"$TEST_TMP/metrics"
grep -q '^dm_controller_subtask_stage{task="t",source="mysql-01",stage="Running"} 1$' "$TEST_TMP/metrics" ||
  fail "metrics: $(cat "$TEST_TMP/metrics")"
grep -q '^dm_controller_member_alive{name="applier-1",role="applier"} 1$' "$TEST_TMP/metrics" || fail "member metric"

# pause / resume
t0=$(date +%s%N)
res=$(call pause-task '{"name":"t"}')
echo "pause-task replied after $((($(date +%s%N) - t0) / 1000000)) ms" >&2
[ "$(echo "$res" | jget 'r["op"]+str(r["result"])')" == PauseTrue ] || fail "pause-task: $res"
[ "$(stage)" == Paused ] || fail "not Paused right after pause-task: $(stage)"
sql "$up" "INSERT INTO d.t VALUES (1001, 1)"
sleep 2
[ "$(count)" == 1000 ] || fail "a paused task replicated"
[ "$(call query-status '{}' | jget 'r["tasks"][0]["taskStatus"]')" == Paused ] || fail "task status not Paused"
call resume-task '{"name":"t"}' >/dev/null
wait_stage Running
wait_count 1001

# a failing DDL, then handle-error skip
sql "$down" "CREATE TABLE d.t2 (id INT PRIMARY KEY)"
sql "$up" "CREATE TABLE d.t2 (id INT PRIMARY KEY); INSERT INTO d.t2 VALUES (7)"
wait_stage Paused
qs=$(call query-status '{"name":"t"}')
[ "$(echo "$qs" | jget 'r["sources"][0]["subTaskStatus"][0]["result"]["errors"][0]["ErrCode"]')" == 36004 ] ||
  fail "no SYNC_ERR_DDL in query-status: $qs"
call query-status '{}' | jget 'r["tasks"][0]["taskStatus"]' | grep -q "^Error - Some error occurred in subtask" ||
  fail "task status does not say Error"
loc=$(echo "$qs" | jget 'r["sources"][0]["subTaskStatus"][0]["result"]["errors"][0]["Message"]' |
  grep -o 'startLocation: \[position: ([^,]*, [0-9]*)' | sed 's/.*(\(.*\), \(.*\))/\1:\2/')
[ -n "$loc" ] || fail "no location in the error: $qs"
sleep 2
[ "$(stage)" == Paused ] || fail "a DDL error was auto-resumed"
res=$(call handle-error "{\"name\":\"t\",\"op\":\"skip\",\"binlog_pos\":\"$loc\",\"sqls\":[]}")
[ "$(echo "$res" | jget 'r["result"]')" == True ] || fail "handle-error: $res"
wait_stage Running
for i in $(seq 1 40); do [ "$(sql "$down" "SELECT COUNT(*) FROM d.t2")" == 1 ] && break; sleep 0.25; done
[ "$(sql "$down" "SELECT COUNT(*) FROM d.t2")" == 1 ] || fail "rows after the skipped DDL did not replicate"
# Without a position: none to handle while it runs; on the next failing DDL, its location.
res=$(call handle-error '{"name":"t","op":"skip","binlog_pos":"","sqls":[]}')
[ "$(echo "$res" | jget 'r["result"]')" == False ] || fail "handle-error without a position or error accepted"
sql "$down" "CREATE TABLE d.t3 (id INT PRIMARY KEY)"
sql "$up" "CREATE TABLE d.t3 (id INT PRIMARY KEY); INSERT INTO d.t3 VALUES (9)"
wait_stage Paused
res=$(call handle-error '{"name":"t","op":"skip","binlog_pos":"","sqls":[]}')
[ "$(echo "$res" | jget 'r["result"]')" == True ] || fail "handle-error at the current error: $res"
wait_stage Running
for i in $(seq 1 40); do [ "$(sql "$down" "SELECT COUNT(*) FROM d.t3")" == 1 ] && break; sleep 0.25; done
[ "$(sql "$down" "SELECT COUNT(*) FROM d.t3")" == 1 ] || fail "rows after the second skipped DDL did not replicate"

# stop-task keeps dm_meta and data; start-task resumes from the checkpoint
t0=$(date +%s%N)
call stop-task '{"name":"t"}' | jget 'r["op"]' | grep -q Stop || fail "stop-task"
echo "stop-task replied after $((($(date +%s%N) - t0) / 1000000)) ms" >&2
[ "$(stage)" == absent ] || fail "stop-task left the task"
[ "$(sql "$down" "SELECT COUNT(*) FROM dm_meta.t_syncer_checkpoint WHERE is_global = 1")" == 1 ] || fail "stop-task removed dm_meta"
[ "$(count)" == 1001 ] || fail "stop-task touched the data"
sql "$up" "INSERT INTO d.t VALUES (1002, 2)"
start_task 0
wait_stage Running
wait_count 1002
[ "$(grep -c "resuming from checkpoint" "$TEST_TMP/applier-1.log")" -ge 1 ] || fail "the restart did not resume from the checkpoint"

# remove_meta: a fresh migration (the user cleared the downstream database, as DM asks)
res=$(call stop-task '{"name":"t"}')
[ "$(echo "$res" | jget 'r["result"]')" == True ] || fail "stop-task (2): $res"
sql "$down" "DROP DATABASE d"
loads_before=$(grep -c "full phase finished" "$TEST_TMP/applier-1.log")
start_task 1
grep -q "task t: removed its tables in meta schema dm_meta" "$TEST_TMP/ctl.log" || fail "remove_meta did not clear dm_meta"
wait_stage Running
wait_count 1002
[ "$(grep -c "full phase finished" "$TEST_TMP/applier-1.log")" -gt "$loads_before" ] || fail "remove_meta did not migrate again"
same_content "$up" "$down" d.t
echo ok
