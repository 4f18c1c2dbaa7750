#!/usr/bin/env bash
# test_ctl_autoresume: a subtask paused by a retryable error resumes by itself. The upstream
# is down when the task starts: the subtask pauses with DM_ERR_DB_CONNECT (10002), the
# controller bumps its generation after 1 s, 2 s, 4 s... (auto-resumes counted in /metrics,
# the error shown in query-status meanwhile); once the upstream is back the task runs and
# migrates the data without any command.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/full_lib.sh"
source "$(dirname "$0")/ctl_lib.sh"

up=$(server_up ctlarup upstream)
down=$(server_up ctlardown downstream)
sql "$up" "CREATE DATABASE d; USE d; CREATE TABLE t (id INT PRIMARY KEY, v INT); INSERT INTO t SELECT seq, seq FROM seq_1_to_500"
"$SANDBOX" stop "$(server_name ctlarup)" >/dev/null
HTTP_ADDR=127.0.0.1:$(free_port)
start_ctl --http-addr "$HTTP_ADDR"
"$APPLIERD" --name applier-1 --addr "127.0.0.1:$(free_port)" --join "$CTL_ADDR" >>"$TEST_TMP/applier-1.log" 2>&1 &
track_pid $!
resumes() { http_get "http://$HTTP_ADDR/metrics" | awk '/^dm_controller_subtask_auto_resumes/ {print $2}'; }

write_source "$TEST_TMP/source.yaml" "$up"
INSTANCE_EXTRA='    block-allow-list: bw' TASK_MODE=full write_task "$TEST_TMP/task.yaml" t "$down" 1 100 \
  'block-allow-list:
  bw:
    do-dbs: ["d"]'
create_sources "$TEST_TMP/source.yaml" >/dev/null
wait_member applier-1
[ "$(ctl_start_task "$TEST_TMP/task.yaml" | jget 'r["result"]')" == True ] || fail "start-task"

# Paused with the connect error, then resumed again and again.
for i in $(seq 1 40); do
  code=$(call query-status '{"name":"t"}' | jget '(r["sources"][0]["subTaskStatus"][0]["result"] or {}).get("errors",[{}])[0].get("ErrCode","")')
  [ "$code" == 10002 ] && break
  sleep 0.25
done
[ "$code" == 10002 ] || fail "no DM_ERR_DB_CONNECT in query-status: $(call query-status '{"name":"t"}')"
for i in $(seq 1 40); do [ "$(resumes)" -ge 2 ] && break; sleep 0.25; done
[ "$(resumes)" -ge 2 ] || fail "not auto-resumed twice: $(resumes)"
grep -q "auto-resume in 2000 ms" "$TEST_TMP/ctl.log" || fail "the backoff does not grow"
"$SANDBOX" start "$(server_name ctlarup)" >/dev/null
for i in $(seq 1 120); do
  [ "$(call query-status '{}' | jget 'r["tasks"][0]["taskStatus"]')" == Finished ] && break
  sleep 0.25
done
[ "$(call query-status '{}' | jget 'r["tasks"][0]["taskStatus"]')" == Finished ] ||
  fail "the task did not finish after the upstream came back: $(call query-status '{"name":"t"}')"
same_content "$up" "$down" d.t
echo "ok: $(resumes) auto-resume(s)"
