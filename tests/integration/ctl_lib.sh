# ctl_lib.sh: helpers shared by the controller tests (source it after lib.sh and full_lib.sh).
CTL="$DM_BUILD_DIR/controller/controller"
RELAYD="$DM_BUILD_DIR/relayd/relayd"
[ -x "$CTL" ] && [ -x "$RELAYD" ] && [ -x "$APPLIERD" ] || fail "controller/relayd/applierd not built in $DM_BUILD_DIR"
CTL_ADDR=127.0.0.1:$(free_port)

# call METHOD PARAMS_JSON: one controller call; the result JSON on stdout.
call() { "$RELAYD" call --addr "$CTL_ADDR" --timeout-ms 20000 "$1" "$2"; }
# jget EXPR: evaluates a Python expression over the JSON on stdin (bound to r).
jget() { python3 -c "import json,sys; r=json.load(sys.stdin); print($1)"; }
# http_get URL: the body of a GET (fails on an HTTP error).
http_get() { python3 -c 'import sys,urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())' "$1"; }

# start_ctl [FLAGS...]: the controller on $CTL_ADDR (data in $TEST_TMP/ctl, TTL 3 s, log
# $TEST_TMP/ctl.log); sets $ctl_pid and returns once it answers.
start_ctl() {
  local i
  "$CTL" --name ctl-1 --addr "$CTL_ADDR" --data-dir "$TEST_TMP/ctl" --keepalive-ttl-ms 3000 "$@" \
    >>"$TEST_TMP/ctl.log" 2>&1 &
  ctl_pid=$!
  track_pid "$ctl_pid"
  for i in $(seq 1 50); do call list-member '{}' >/dev/null 2>&1 && return 0; sleep 0.1; done
  fail "the controller does not answer on $CTL_ADDR"
}

# wait_member NAME [STAGE]: waits until list-member shows worker NAME (not offline, or in
# STAGE: free, bound, offline).
wait_member() {
  local i got
  for i in $(seq 1 100); do
    got=$(call list-member '{"worker":true}' 2>/dev/null |
      jget "[w['stage'] for w in r['members'][0]['workers']['workers'] if w['name']=='$1']" 2>/dev/null || true)
    case "$got" in
      "['offline']") [ "${2:-}" == offline ] && return 0 ;;
      "['"*"']") [ -z "${2:-}" ] || [ "$got" == "['$2']" ] && return 0 ;;
    esac
    sleep 0.1
  done
  fail "member $1 did not show up${2:+ as $2} in list-member (last: $got)"
}

# create_sources FILE...: operate-source create with the source files; the result on stdout.
create_sources() {
  call operate-source "$(python3 -c 'import json,sys; print(json.dumps({"op":"create","configs":[open(f).read() for f in sys.argv[1:]]}))' "$@")"
}

# ctl_start_task FILE [REMOVE_META]: start-task with the task file (REMOVE_META 1 = remove_meta);
# the result on stdout.
ctl_start_task() {
  call start-task "$(python3 -c 'import json,sys; print(json.dumps({"task":open(sys.argv[1]).read(),"remove_meta":sys.argv[2]=="1"}))' "$1" "${2:-0}")"
}
