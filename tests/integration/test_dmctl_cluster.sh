#!/usr/bin/env bash
# test_dmctl_cluster: the whole system driven through dmctl, as a DM user would.
# One controller, one relayd and two appliers (--join), two upstream sources, two `all`
# tasks, sysbench writing on both upstreams:
#   - operate-source create, check-task, start-task --remove-meta, query-status, list-member;
#   - kill -9 the applier running a subtask: the subtask moves, the data ends equal;
#     offline-member removes the dead applier and refuses a live one;
#   - pause-relay / resume-relay of a source: its changes arrive after the resume;
#   - kill -9 the controller and restart it: the tasks keep running, query-status is whole;
#   - pause-task / resume-task: changes wait while paused and arrive after the resume;
#   - a DDL the downstream refuses: query-status shows DM's error status and error object,
#     handle-error skip gets the task going again;
#   - stop-task keeps dm_meta (start-task again resumes from the checkpoint: a row deleted
#     downstream meanwhile stays deleted), start-task --remove-meta starts from scratch (the
#     full phase runs again into the emptied downstream and brings the row back);
#   - the interactive mode with piped stdin, and an unreachable controller.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/full_lib.sh"
CTL="$DM_BUILD_DIR/controller/controller"
RELAYD="$DM_BUILD_DIR/relayd/relayd"
DMCTL="$DM_BUILD_DIR/dmctl/dmctl"
[ -x "$CTL" ] && [ -x "$APPLIERD" ] && [ -x "$RELAYD" ] && [ -x "$DMCTL" ] || fail "binaries not built in $DM_BUILD_DIR"

up1=$(server_up dcup1 upstream)
up2=$(server_up dcup2 upstream)
down=$(server_up dcdown downstream)
ctl_port=$(free_port)
export DM_MASTER_ADDR=127.0.0.1:$ctl_port

# dmctl ARGS...: command mode; the JSON result on stdout, a copy in the test's log.
dmctl() { "$DMCTL" --rpc-timeout 30s "$@" | tee -a "$TEST_TMP/dmctl.log"; }
# jget EXPR: evaluates a Python expression over the JSON on stdin (bound to r).
jget() { python3 -c "import json,sys; r=json.load(sys.stdin); print($1)"; }
# stage TASK: "worker stage unit" of the task's only subtask, from dmctl query-status.
stage() {
  "$DMCTL" query-status "$1" 2>/dev/null |
    jget '" ".join([r["sources"][0]["sourceStatus"]["worker"] or "-"] + [r["sources"][0]["subTaskStatus"][0][k] for k in ("stage", "unit")])' 2>/dev/null ||
    echo "? ? ?"
}
# wait_stage TASK STAGE UNIT SECONDS (UNIT "*": any unit)
wait_stage() {
  local i w s u
  for i in $(seq 1 $(($4 * 4))); do
    read -r w s u < <(stage "$1")
    [ "$s" == "$2" ] && { [ "$3" == "*" ] || [ "$u" == "$3" ]; } && return 0
    sleep 0.25
  done
  "$DMCTL" query-status "$1" >&2 || true
  fail "$1 is not $2/$3 after $4 s: $(stage "$1")"
}
# caught_up TASK UP_PORT SECONDS: the task's global checkpoint reached the upstream's position.
caught_up() {
  local file pos cp i
  read -r file pos _ < <(sql "$2" "SHOW MASTER STATUS")
  for i in $(seq 1 $(($3 * 2))); do
    cp=$(sql "$down" "SELECT CONCAT(binlog_name, ':', binlog_pos) FROM dm_meta.$1_syncer_checkpoint WHERE is_global = 1" 2>/dev/null || true)
    [ "$cp" == "$file:$pos" ] && return 0
    sleep 0.5
  done
  fail "$1 did not catch up with $file:$pos (checkpoint $cp): $(stage "$1")"
}
compare() {
  local t
  for t in 1 2 3; do
    same_content "$up1" "$down" "db1.sbtest$t"
    same_content "$up2" "$down" "db2.sbtest$t"
  done
}
sb() { # sb PORT DB SECONDS: sysbench oltp_write_only in the background, pid in $sb_pid
  sysbench oltp_write_only --db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$1" --mysql-user=root \
    --mysql-db="$2" --tables=3 --table-size=3000 --threads=2 --time="$3" run >/dev/null &
  sb_pid=$!
  track_pid "$sb_pid"
}

for p in "$up1:db1" "$up2:db2"; do
  port=${p%%:*} db=${p##*:}
  sql "$port" "CREATE DATABASE $db"
  sysbench oltp_common --db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$port" \
    --mysql-user=root --mysql-db="$db" --tables=3 --table-size=3000 prepare >/dev/null
done
for i in 1 2; do
  port_var=up$i
  cat >"$TEST_TMP/source$i.yaml" <<EOF
source-id: mysql-0$i
enable-relay: true
from:
  host: 127.0.0.1
  user: root
  password: ""
  port: ${!port_var}
EOF
  cat >"$TEST_TMP/task$i.yaml" <<EOF
name: dct$i
task-mode: all
meta-schema: dm_meta
target-database:
  host: 127.0.0.1
  port: $down
  user: root
  password: ""
block-allow-list:
  bw:
    do-dbs: ["db$i"]
mysql-instances:
  - source-id: mysql-0$i
    block-allow-list: bw
    mydumper-thread: 2
    loader-thread: 2
EOF
done

# --- the cluster --------------------------------------------------------------------------
start_ctl() {
  "$CTL" --name ctl-1 --addr "$DM_MASTER_ADDR" --data-dir "$TEST_TMP/ctl" --keepalive-ttl-ms 3000 \
    >>"$TEST_TMP/ctl.log" 2>&1 &
  ctl_pid=$!
  track_pid "$ctl_pid"
  for _ in $(seq 1 50); do "$DMCTL" list-member >/dev/null 2>&1 && return 0; sleep 0.1; done
  fail "the controller does not answer"
}
declare -A pid
start_member() { # start_member relayd|applierd NAME
  local p
  p=$(free_port)
  if [ "$1" == relayd ]; then
    "$RELAYD" --name "$2" --addr "127.0.0.1:$p" --relay-dir "$TEST_TMP/relay-$2" --join "$DM_MASTER_ADDR" \
      >>"$TEST_TMP/$2.log" 2>&1 &
  else
    "$APPLIERD" --name "$2" --addr "127.0.0.1:$p" --join "$DM_MASTER_ADDR" --load-method insert \
      >>"$TEST_TMP/$2.log" 2>&1 &
  fi
  pid[$2]=$!
  track_pid "${pid[$2]}"
}

# An unreachable controller: DM's error naming the address, exit status 1.
set +e
out=$("$DMCTL" query-status 2>&1)
rc=$?
set -e
[ $rc -eq 1 ] && grep -q "can't connect to $DM_MASTER_ADDR" <<<"$out" || fail "unreachable controller: rc=$rc $out"

start_ctl
start_member relayd relayd-1
start_member applierd applier-1
start_member applierd applier-2
for _ in $(seq 1 50); do
  n=$("$DMCTL" list-member --worker | jget 'sum(1 for w in r["members"][0]["workers"]["workers"] if w["stage"]!="offline")')
  [ "$n" == 3 ] && break
  sleep 0.2
done
[ "$n" == 3 ] || fail "the members did not register: $("$DMCTL" list-member)"

[ "$(dmctl operate-source create "$TEST_TMP/source1.yaml" "$TEST_TMP/source2.yaml" | jget 'r["result"]')" == True ] ||
  fail "operate-source create"
[ "$(dmctl operate-source show | jget 'sorted(s["source"] for s in r["sources"])')" == "['mysql-01', 'mysql-02']" ] ||
  fail "operate-source show"
cfg=$(dmctl get-config source mysql-01 | jget 'r["cfg"]')
grep -q "source-id: mysql-01" <<<"$cfg" || fail "get-config source: $cfg"

# check-task runs the prechecks without starting anything; one asking for a feature not
# built (shard-mode) fails and names it.
res=$(dmctl check-task "$TEST_TMP/task1.yaml")
[ "$(echo "$res" | jget '(r["result"], r["msg"])')" == "(True, 'pre-check is passed')" ] || fail "check-task: $res"
sed 's/^task-mode: /shard-mode: optimistic\ntask-mode: /' "$TEST_TMP/task1.yaml" >"$TEST_TMP/shard.yaml"
res=$(dmctl check-task "$TEST_TMP/shard.yaml") && fail "check-task passed a shard-mode task: $res"
echo "$res" | grep -q "shard-mode: optimistic" || fail "check-task does not name shard-mode: $res"
[ "$(dmctl query-status | jget 'len(r["tasks"])')" == 0 ] || fail "check-task started a task"
for i in 1 2; do
  res=$(dmctl start-task --remove-meta "$TEST_TMP/task$i.yaml")
  [ "$(echo "$res" | jget 'r["result"]')" == True ] || fail "start-task dct$i: $res"
done
sb "$up1" db1 25
sb1=$sb_pid
sb "$up2" db2 25
sb2=$sb_pid
wait_stage dct1 Running '*' 120
wait_stage dct2 Running '*' 120
tasks=$(dmctl query-status | jget '" ".join(sorted(t["taskName"]+"="+t["taskStatus"] for t in r["tasks"]))')
[ "$tasks" == "dct1=Running dct2=Running" ] || fail "query-status: $tasks"
# Both sources are relayed by relayd-1 and the appliers read the binlog from it.
relays=$(dmctl query-status dct1 | jget 'r["sources"][0]["sourceStatus"]["relayStatus"] is not None')
[ "$relays" == True ] || fail "query-status dct1 has no relayStatus"
grep -q "binlog from relayd at" "$TEST_TMP"/applier-*.log || fail "no applier reads from relayd-1"

# --- kill -9 the applier of dct1 ------------------------------------------------------------
read -r first _ _ < <(stage dct1)
[ -n "${pid[$first]:-}" ] || fail "dct1 runs on an unknown worker [$first]"
sleep 2
kill -KILL "${pid[$first]}"
t0=$(date +%s)
for _ in $(seq 1 120); do
  read -r w s u < <(stage dct1)
  [ "$w" != "$first" ] && [ "$s" == Running ] && break
  sleep 0.5
done
[ "$w" != "$first" ] && [ "$s" == Running ] || fail "dct1 did not move from $first: $(stage dct1)"
echo "dct1 moved from $first to $w after $(($(date +%s) - t0)) s" >&2
workers=$(dmctl list-member --worker | jget '[(w["name"],w["stage"]) for w in r["members"][0]["workers"]["workers"]]')
grep -q "'$first', 'offline'" <<<"$workers" || fail "$first is not offline in list-member: $workers"
# The killed applier is offline: offline-member removes it; an online one is refused.
[ "$(dmctl offline-member --worker --name "$first" | jget 'r["result"]')" == True ] || fail "offline-member $first"
set +e
out=$("$DMCTL" offline-member --worker --name "$w")
rc=$?
set -e
[ $rc -eq 1 ] && [ "$(jget 'r["result"]' <<<"$out")" == False ] || fail "offline-member of the online $w: $out"
wait "$sb1" "$sb2"
caught_up dct1 "$up1" 90
caught_up dct2 "$up2" 90
compare

# --- kill -9 the controller and restart it --------------------------------------------------
sb "$up1" db1 8
sb1=$sb_pid
sleep 1
kill -KILL "$ctl_pid"
wait "$ctl_pid" 2>/dev/null || true
start_ctl
# The restarted controller knows the tasks from its store at once, and query-status waits
# for the appliers' first keepalive (every second): whole at the first call.
tasks=$("$DMCTL" query-status | jget '" ".join(sorted(t["taskName"]+"="+t["taskStatus"]+":"+",".join(t["sources"]) for t in r["tasks"]))')
[ "$tasks" == "dct1=Running:mysql-01 dct2=Running:mysql-02" ] || fail "query-status after the restart: $tasks"
wait_stage dct1 Running '*' 10
wait_stage dct2 Running '*' 10
wait "$sb1"
sql "$up2" "INSERT INTO db2.sbtest1 (k, c, pad) VALUES (1, 'after-restart', 'x')"
caught_up dct1 "$up1" 60
caught_up dct2 "$up2" 60
compare

# --- the relay of a source paused and resumed -----------------------------------------------
[ "$(dmctl pause-relay -s mysql-02 | jget 'r["result"]')" == True ] || fail "pause-relay"
sql "$up2" "INSERT INTO db2.sbtest1 (k, c, pad) VALUES (4, 'relay-paused', 'x')"
sleep 2
[ "$(dmctl resume-relay -s mysql-02 | jget 'r["result"]')" == True ] || fail "resume-relay"
caught_up dct2 "$up2" 60
[ "$(sql "$down" "SELECT COUNT(*) FROM db2.sbtest1 WHERE c = 'relay-paused'")" == 1 ] || fail "the change made while the relay was paused did not arrive"

# --- pause / resume -------------------------------------------------------------------------
[ "$(dmctl pause-task dct2 | jget 'r["result"]')" == True ] || fail "pause-task"
# pause-task replies once the applier has stopped the subtask (as DM's).
read -r _ s _ < <(stage dct2)
[ "$s" == Paused ] || fail "stage right after pause-task: $s"
[ "$(dmctl query-status | jget '[t["taskStatus"] for t in r["tasks"] if t["taskName"]=="dct2"][0]')" == Paused ] ||
  fail "task status while paused"
sql "$up2" "INSERT INTO db2.sbtest1 (k, c, pad) VALUES (2, 'while-paused', 'x')"
sleep 3
[ "$(sql "$down" "SELECT COUNT(*) FROM db2.sbtest1 WHERE c = 'while-paused'")" == 0 ] || fail "a paused task applied a change"
[ "$(dmctl resume-task "$TEST_TMP/task2.yaml" | jget 'r["result"]')" == True ] || fail "resume-task by file"
wait_stage dct2 Running '*' 30
caught_up dct2 "$up2" 60
[ "$(sql "$down" "SELECT COUNT(*) FROM db2.sbtest1 WHERE c = 'while-paused'")" == 1 ] || fail "the change made while paused did not arrive"

# --- a DDL the downstream refuses: the error in query-status, handle-error skip ---------------
sql "$down" "ALTER TABLE db2.sbtest2 ADD COLUMN extra INT"
sql "$up2" "ALTER TABLE db2.sbtest2 ADD COLUMN extra INT"
for _ in $(seq 1 120); do
  st=$("$DMCTL" query-status | jget '[t["taskStatus"] for t in r["tasks"] if t["taskName"]=="dct2"][0]')
  [[ "$st" == Error* ]] && break
  sleep 0.25
done
[[ "$st" == "Error - Some error occurred in subtask. Please run \`query-status dct2\` to get more details." ]] ||
  fail "task status after a failing DDL: $st"
errs=$(dmctl query-status dct2 | jget 'r["sources"][0]["subTaskStatus"][0]["result"]["errors"][0]')
for k in ErrCode ErrClass ErrScope ErrLevel Message RawCause Workaround; do
  grep -q "'$k'" <<<"$errs" || fail "the subtask error has no $k: $errs"
done
grep -q "Duplicate column" <<<"$errs" || fail "the subtask error does not name the cause: $errs"
[ "$(dmctl handle-error dct2 skip | jget 'r["result"]')" == True ] || fail "handle-error skip"
read -r _ s _ < <(stage dct2)
[ "$s" == Running ] || [ "$(dmctl resume-task dct2 | jget 'r["result"]')" == True ] || fail "resume after handle-error"
sql "$up2" "INSERT INTO db2.sbtest2 (k, c, pad, extra) VALUES (3, 'after-skip', 'x', 1)"
wait_stage dct2 Running '*' 30
caught_up dct2 "$up2" 60
[ "$(sql "$down" "SELECT extra FROM db2.sbtest2 WHERE c = 'after-skip'")" == 1 ] || fail "the change after the skipped DDL did not arrive"

# --- stop keeps dm_meta; start resumes from it; --remove-meta starts over ----------------------
[ "$(dmctl stop-task dct1 | jget 'r["result"]')" == True ] || fail "stop-task"
# stop-task replies once the applier no longer runs the subtask (as DM's).
set +e
out=$("$DMCTL" query-status dct1)
rc=$?
set -e
[ $rc -eq 1 ] && [ "$(echo "$out" | jget 'r["result"]')" == False ] || fail "query-status of a stopped task: $out"
[ "$(sql "$down" "SELECT COUNT(*) FROM dm_meta.dct1_syncer_checkpoint")" -gt 0 ] || fail "stop-task removed dm_meta"
sql "$down" "DELETE FROM db1.sbtest1 WHERE id = 7"
sql "$up1" "UPDATE db1.sbtest2 SET c = 'while-stopped' WHERE id = 1"
[ "$(dmctl start-task "$TEST_TMP/task1.yaml" | jget 'r["result"]')" == True ] || fail "start-task again"
wait_stage dct1 Running '*' 60
caught_up dct1 "$up1" 60
[ "$(sql "$down" "SELECT c FROM db1.sbtest2 WHERE id = 1")" == while-stopped ] || fail "the change made while stopped did not arrive"
[ "$(sql "$down" "SELECT COUNT(*) FROM db1.sbtest1 WHERE id = 7")" == 0 ] ||
  fail "start-task without --remove-meta ran the full phase again"
[ "$(dmctl stop-task dct1 | jget 'r["result"]')" == True ] || fail "stop-task (2)"
# From scratch into an emptied downstream (this load unit INSERTs; rows already there would
# be duplicates): the dump and load run again and the deleted row is back.
sql "$down" "DROP DATABASE db1"
[ "$(dmctl start-task --remove-meta "$TEST_TMP/task1.yaml" | jget 'r["result"]')" == True ] || fail "start-task --remove-meta"
wait_stage dct1 Running '*' 120
# A change after the snapshot, so that the sync unit writes a checkpoint to wait for.
sql "$up1" "UPDATE db1.sbtest3 SET c = 'after-remove-meta' WHERE id = 2"
caught_up dct1 "$up1" 120
[ "$(sql "$down" "SELECT COUNT(*) FROM db1.sbtest1 WHERE id = 7")" == 1 ] || fail "--remove-meta did not start from scratch"
compare

# --- interactive mode -----------------------------------------------------------------------
out=$(printf 'query-status\n\nlist-member --leader\nexit\nquery-status dct1\n' | "$DMCTL" --master-addr "$DM_MASTER_ADDR")
[ "$(grep -c '"result": true' <<<"$out")" == 2 ] || fail "interactive mode: $out"
grep -q '"taskName": "dct1"' <<<"$out" || fail "interactive query-status"
grep -q '"leader"' <<<"$out" || fail "interactive list-member"

# An invalid task file is refused by dmctl itself.
sed 's/task-mode: all/task-mode: sometimes/' "$TEST_TMP/task1.yaml" >"$TEST_TMP/bad.yaml"
set +e
out=$("$DMCTL" start-task "$TEST_TMP/bad.yaml" 2>/dev/null)
rc=$?
set -e
[ $rc -eq 1 ] && grep -q 'code=20006' <<<"$out" || fail "an invalid task file: rc=$rc $out"
echo "PASS"
