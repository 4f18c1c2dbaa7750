#!/usr/bin/env bash
# test_ctl_failover: one controller, one relayd and two appliers (all --join), two upstream
# sources relayed by the relayd, two `all` tasks. The controller spreads the tasks over the
# appliers, which read the binlog from the relayd. While sysbench writes on both upstreams,
# the applier running the first task is killed with -9: after the keepalive TTL its subtask
# moves to the other applier, which resumes from dm_meta, and the data ends equal. Then the
# controller is killed with -9 and restarted on its data dir while writes go on:
# query-status is whole at once and the subtasks keep running without a restart.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/full_lib.sh"
source "$(dirname "$0")/ctl_lib.sh"

declare -A up
up[1]=$(server_up ctlup1 upstream)
up[2]=$(server_up ctlup2 upstream)
down=$(server_up ctldown downstream)
sb() { # sb N ARGS...: sysbench oltp_write_only on upstream N, database sbN
  local n=$1
  shift
  sysbench oltp_write_only --db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="${up[$n]}" --mysql-user=root \
    --mysql-db="sb$n" --tables=3 --table-size=4000 "$@" >/dev/null
}
for n in 1 2; do
  sql "${up[$n]}" "CREATE DATABASE sb$n"
  sb "$n" prepare
done

declare -A app_pid
start_applier() {
  "$APPLIERD" --name "$1" --addr "127.0.0.1:$(free_port)" --join "$CTL_ADDR" --load-method insert \
    >>"$TEST_TMP/$1.log" 2>&1 &
  app_pid[$1]=$!
  track_pid "${app_pid[$1]}"
}
# qs TASK: its subtask as "worker stage unit".
qs() {
  call query-status "{\"name\":\"$1\"}" | jget 'r["sources"][0]["sourceStatus"]["worker"]+" "+r["sources"][0]["subTaskStatus"][0]["stage"]+" "+r["sources"][0]["subTaskStatus"][0]["unit"]'
}
# caught_up N: task tN's global checkpoint equals upstream N's binlog position.
caught_up() {
  local n=$1 file pos cp i
  read -r file pos _ < <(sql "${up[$n]}" "SHOW MASTER STATUS")
  for i in $(seq 1 180); do
    cp=$(sql "$down" "SELECT CONCAT(binlog_name, ':', binlog_pos) FROM dm_meta.t${n}_syncer_checkpoint WHERE is_global = 1" 2>/dev/null || true)
    [ "$cp" == "$file:$pos" ] && return 0
    sleep 0.5
  done
  fail "t$n did not catch up with $file:$pos (checkpoint $cp); status: $(qs "t$n")"
}
compare() {
  for n in 1 2; do for t in 1 2 3; do same_content "${up[$n]}" "$down" "sb$n.sbtest$t"; done; done
}

start_ctl
"$RELAYD" --name relayd-1 --addr "127.0.0.1:$(free_port)" --relay-dir "$TEST_TMP/relay" --join "$CTL_ADDR" \
  --log-file "$TEST_TMP/relayd-1.log" &
track_pid $!
start_applier applier-1
start_applier applier-2
for i in $(seq 1 50); do # every member registered
  n=$(call list-member '{"worker":true}' | jget 'len(r["members"][0]["workers"]["workers"])')
  [ "$n" == 3 ] && break
  sleep 0.1
done
for n in 1 2; do
  cat >"$TEST_TMP/source$n.yaml" <<EOS
source-id: mysql-0$n
enable-relay: true
from:
  host: 127.0.0.1
  port: ${up[$n]}
  user: root
  password: ""
EOS
  sed -e "s/mysql-01/mysql-0$n/" >"$TEST_TMP/task$n.yaml" < <(INSTANCE_EXTRA='    block-allow-list: bw
    syncer-config-name: g' TASK_MODE=all \
    write_task /dev/stdout "t$n" "$down" 2 1000 "block-allow-list:
  bw:
    do-dbs: [\"sb$n\"]
syncers:
  g:
    checkpoint-flush-interval: 1")
done
res=$(create_sources "$TEST_TMP/source1.yaml" "$TEST_TMP/source2.yaml")
[ "$(echo "$res" | jget '[s["worker"] for s in r["sources"]]')" == "['relayd-1', 'relayd-1']" ] ||
  fail "operate-source create: $res"
for i in $(seq 1 50); do
  n=$(call list-member '{"worker":true}' | jget 'sum(1 for w in r["members"][0]["workers"]["workers"] if w["role"]=="applier" and w["stage"]!="offline")')
  [ "$n" == 2 ] && break
  sleep 0.2
done
[ "$n" == 2 ] || fail "appliers did not register"

sb 1 --threads=2 --time=25 run &
sb1=$!
sb 2 --threads=2 --time=25 run &
sb2=$!
track_pid $sb1
track_pid $sb2
declare -A worker
for n in 1 2; do
  res=$(ctl_start_task "$TEST_TMP/task$n.yaml" 1)
  [ "$(echo "$res" | jget 'r["result"]')" == True ] || fail "start-task t$n: $res"
  worker[$n]=$(echo "$res" | jget 'r["sources"][0]["worker"]')
done
[ "${worker[1]}" != "${worker[2]}" ] || fail "both tasks went to ${worker[1]}: not spread by load"
for n in 1 2; do
  for i in $(seq 1 60); do
    read -r w stage unit < <(qs "t$n")
    [ "$stage" == Running ] && break
    sleep 0.25
  done
  [ "$stage" == Running ] || fail "t$n did not run: $(qs "t$n")"
done
sleep 3
first=${worker[1]}
other=${worker[2]}
echo "killing $first (t1: $(qs t1))" >&2
kill -KILL "${app_pid[$first]}"
t0=$(date +%s)
for i in $(seq 1 60); do
  read -r w stage unit < <(qs t1)
  [ "$w" == "$other" ] && [ "$stage" == Running ] && break
  sleep 0.5
done
[ "$w" == "$other" ] && [ "$stage" == Running ] || fail "t1 did not move: $(qs t1)"
echo "t1 moved to $w after $(($(date +%s) - t0)) s" >&2
call list-member '{"worker":true}' | jget '[(w["name"],w["stage"]) for w in r["members"][0]["workers"]["workers"]]' |
  grep -q "'$first', 'offline'" || fail "$first is not offline in list-member"
wait $sb1 $sb2
for n in 1 2; do caught_up $n; done
compare
grep -q "binlog from relayd at" "$TEST_TMP/$other.log" || fail "the appliers did not read from the relayd"

# The controller dies with -9 and comes back on its data dir within the TTL, while
# sysbench writes: the applier keeps its subtasks running throughout.
sb 1 --threads=2 --time=8 run &
sb1=$!
track_pid $sb1
sleep 1
kill -KILL "$ctl_pid"
wait "$ctl_pid" 2>/dev/null || true
start_ctl
for n in 1 2; do
  for i in $(seq 1 20); do
    read -r w2 stage unit < <(qs "t$n")
    [ "$stage" == Running ] && break
    sleep 0.25
  done
  [ "$w2" == "$other" ] && [ "$stage" == Running ] || fail "t$n after the restart: $(qs "t$n"), expected $other Running"
done
[ "$(call query-status '{}' | jget 'sorted(t["taskName"]+" "+t["taskStatus"] for t in r["tasks"])')" == "['t1 Running', 't2 Running']" ] ||
  fail "query-status without a name after the restart"
rs=$(call query-status '{"name":"t1"}' | jget 'r["sources"][0]["sourceStatus"]["relayStatus"]')
echo "$rs" | grep -q "'stage': 'Running'" && echo "$rs" | grep -q "'relayBinlog': '(binlog.0000" ||
  fail "query-status has no relay status: $rs"
wait $sb1
for n in 1 2; do caught_up $n; done
compare
# The subtasks never restarted on $other after the move (one start each).
[ "$(grep -c "generation 1 started" "$TEST_TMP/$other.log")" == 2 ] || fail "a subtask restarted on $other"
echo "ok: spread, moved, equal; controller restart kept the tasks"
