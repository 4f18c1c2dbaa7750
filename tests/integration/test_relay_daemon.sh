#!/usr/bin/env bash
# relayd against a real MariaDB upstream: the stored events (relayd inspect) equal the
# upstream's SHOW BINLOG EVENTS across FLUSH BINARY LOGS, kill -9 of relayd and an upstream
# restart; status/pause/resume/purge and the segment stream (with long-poll) over nng; a
# source file with errors and --join with --source are refused; a flipped byte in a stored segment is
# reported, pauses the source and is not served.
source "$(dirname "$0")/lib.sh"
RELAYD="$DM_BUILD_DIR/relayd/relayd"
up=$(server_up rd-up upstream)
# server_up runs in a command substitution, so its record of the server is lost there:
# register it here so that the server is stopped on exit.
addr="127.0.0.1:$(free_port)"
relay="$TEST_TMP/relay"

cat >"$TEST_TMP/source.yaml" <<EOF
source-id: "mysql-01"
from:
  host: "127.0.0.1"
  port: $up
  user: "root"
  password: ""
EOF

# The daemon's own settings come from --config (with a source list) plus flags.
cat >"$TEST_TMP/relayd.yaml" <<EOF
name: r1
relay-dir: $relay
log-level: debug
source:
  - $TEST_TMP/source.yaml
EOF
start_relayd() {
  "$RELAYD" --config "$TEST_TMP/relayd.yaml" --addr "$addr" --log-file "$TEST_TMP/relayd.log" &
  relayd_pid=$!
  track_pid "$relayd_pid"
  # Ready once the relay thread has picked its start (epoch set): a first start takes the
  # upstream's current file at that moment.
  for _ in $(seq 1 100); do
    [ "$(call status 2>/dev/null | jget '["sources"][0]["epoch"]' 2>/dev/null)" -gt 0 ] 2>/dev/null && return 0
    sleep 0.1
  done
  fail "relayd did not start relaying"
}
call() { "$RELAYD" call --addr "$addr" "$@"; }
# call_err: a call expected to fail; prints the error object (and the message on stderr).
call_err() { if "$RELAYD" call --addr "$addr" "$@"; then fail "call $* succeeded"; fi; }
jget() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval("d"+sys.argv[1]))' "$1"; }

# wait_caught_up: until the relay holds the upstream's current position.
# (The upstream may still append a Binlog_checkpoint after a FLUSH: compare with its
# position at each try.)
wait_caught_up() {
  local want
  for _ in $(seq 1 200); do
    want="$(sql "$up" "SHOW MASTER STATUS" | awk '{print $1 ":" $2}')"
    [ "$(call status | jget '["sources"][0]["relay_binlog"]')" == "$want" ] && return 0
    sleep 0.1
  done
  call status >&2
  fail "relay did not catch up with $want"
}

expected() {
  for f in $(sql "$up" "SHOW BINARY LOGS" | awk '{print $1}'); do
    sql "$up" "SHOW BINLOG EVENTS IN '$f'" | awk -F'\t' '{print $1 ":" $2, $3, $4}'
  done
}
# While relayd runs, the store is read through it (the segment stream); a local inspect is
# refused because relayd holds the store.
stored() { "$RELAYD" inspect --addr "$addr" --source-id mysql-01 | awk '{print $2, $3, $4}'; }
check_equal() {
  for _ in $(seq 1 20); do
    wait_caught_up
    expected >"$TEST_TMP/expected"
    stored >"$TEST_TMP/stored"
    diff "$TEST_TMP/expected" "$TEST_TMP/stored" >"$TEST_TMP/diff" && return 0
    sleep 0.2
  done
  cat "$TEST_TMP/diff" >&2
  fail "$1"
}

# --join with --source (the controller assigns sources) and broken source files are refused
# clearly (relayd --join itself: test_ctl_relay.sh).
if "$RELAYD" --name r1 --addr "$addr" --relay-dir "$relay" --join 127.0.0.1:1 --source "$TEST_TMP/source.yaml" 2>"$TEST_TMP/err"; then fail "--join with --source accepted"; fi
grep -q "exclude each other" "$TEST_TMP/err" || fail "--join message: $(cat "$TEST_TMP/err")"
printf 'source-id: "x"\nfrom:\n  host: 127.0.0.1\n  prot: 1\n' >"$TEST_TMP/bad.yaml"
if "$RELAYD" --name r1 --addr "$addr" --relay-dir "$relay" --source "$TEST_TMP/bad.yaml" 2>"$TEST_TMP/err"; then
  fail "a bad source file was accepted"
fi
grep -q "bad.yaml:4" "$TEST_TMP/err" || fail "bad source file message: $(cat "$TEST_TMP/err")"
printf 'name: r1\nrelay-dri: /tmp/x\n' >"$TEST_TMP/bad-relayd.yaml"
if "$RELAYD" --config "$TEST_TMP/bad-relayd.yaml" --addr "$addr" 2>"$TEST_TMP/err"; then fail "a bad --config was accepted"; fi
grep -q "bad-relayd.yaml:2: unknown key 'relay-dri'" "$TEST_TMP/err" || fail "bad --config message: $(cat "$TEST_TMP/err")"

sql "$up" "CREATE DATABASE t; CREATE TABLE t.a (id INT PRIMARY KEY, v VARCHAR(100))"
start_relayd
sql "$up" "INSERT INTO t.a VALUES (1,'x'),(2,'y'); FLUSH BINARY LOGS; UPDATE t.a SET v='z'; DELETE FROM t.a WHERE id=1"
wait_caught_up
check_equal "stored events differ from the upstream's binlog"
status=$(call status)
assert_eq "$(echo "$status" | jget '["sources"][0]["stage"]')" "Running" "stage"
assert_eq "$(echo "$status" | jget '["name"]')" "r1" "name from --config"
assert_eq "$(echo "$status" | jget '["sources"][0]["catch_up"]')" "True" "catch-up flag"
assert_eq "$(echo "$status" | jget '["sources"][0]["relay_gtid"]')" "$(sql "$up" "SELECT @@gtid_binlog_pos")" "relay GTID"
[ "$(echo "$status" | jget '["sources"][0]["storage"]["stored_bytes"]')" -gt 0 ] || fail "no storage bytes in status"
server_id=$(echo "$status" | jget '["sources"][0]["server_id"]')

# Heartbeats keep the master position fresh while idle; kill -9 and restart resume exactly.
for round in 1 2 3; do
  sql "$up" "INSERT INTO t.a VALUES ($((round + 10)), REPEAT('r', 90))"
  kill -KILL "$relayd_pid"
  wait "$relayd_pid" 2>/dev/null || true
  sql "$up" "INSERT INTO t.a VALUES ($((round + 20)), 'after kill'); FLUSH BINARY LOGS"
  start_relayd
  wait_caught_up
done
check_equal "events differ after kill -9 and restart"
assert_eq "$(call status | jget '["sources"][0]["server_id"]')" "$server_id" "generated server id is stable"

# An upstream restart: relayd reconnects and continues.
"$SANDBOX" restart "$(server_name rd-up)" >/dev/null
sql "$up" "INSERT INTO t.a VALUES (100, 'after upstream restart')"
wait_caught_up
check_equal "events differ after an upstream restart"
grep -q "reconnecting" "$TEST_TMP/relayd.log" || fail "no reconnect logged"

# pause / resume.
assert_eq "$(call pause '{"source":"mysql-01"}' | jget '["stage"]')" "Paused" "pause"
call_err pause '{"source":"mysql-01"}' 2>/dev/null | grep -q '"ErrCode": 29104' || fail "pausing twice is not an error"
sql "$up" "INSERT INTO t.a VALUES (101, 'while paused')"
sleep 0.5
[ "$(call status | jget '["sources"][0]["relay_gtid"]')" != "$(sql "$up" "SELECT @@gtid_binlog_pos")" ] ||
  fail "a paused source kept relaying"
assert_eq "$(call resume | jget '["stage"]')" "Running" "resume"
wait_caught_up
check_equal "events differ after pause/resume"

# The segment stream: pull every segment in order, then long-poll for the next one.
next=0
count=0
while :; do
  out=$(call segments "{\"after_segment\": $next}" --data-out "$TEST_TMP/seg")
  id=$(echo "$out" | jget '["segment"] and d["segment"]["id"]')
  [ "$id" == "None" ] && break
  [ "$(stat -c %s "$TEST_TMP/seg")" == "$(echo "$out" | jget '["segment"]["stored_bytes"]')" ] || fail "segment bytes size"
  [ "$id" -gt "$next" ] || fail "segment ids not increasing"
  next=$id
  count=$((count + 1))
done
[ "$count" -ge 2 ] || fail "expected several segments, got $count"
echo "$out" | grep -q '"caught_up": true' || fail "end of stream not flagged: $out"
first=$(call segments '{"file":"binlog.000002","pos":4}' | jget '["segment"]["file"]')
[ -n "$first" ] || fail "segment by position"
( sleep 1; sql "$up" "INSERT INTO t.a VALUES (102, 'long-poll')" ) &
t0=$(date +%s%N)
out=$(call segments "{\"after_segment\": $next, \"wait_ms\": 10000}")
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
echo "$out" | jget '["segment"]["id"]' >/dev/null || fail "long-poll returned no segment: $out"
[ "$ms" -ge 500 ] && [ "$ms" -lt 9000 ] || fail "long-poll answered after $ms ms"

# purge by file name.
wait_caught_up
files=$(sql "$up" "SHOW BINARY LOGS" | awk '{print $1}')
third=$(echo "$files" | sed -n 3p)
out=$(call purge "{\"file\":\"$third\"}")
[ "$(echo "$out" | jget '["segments"]')" -gt 0 ] || fail "purge removed nothing: $out"
"$RELAYD" inspect --addr "$addr" --source-id mysql-01 | head -1 | grep -q " $third:" ||
  fail "after purge the store does not start at $third"
if "$RELAYD" inspect --relay-dir "$relay" --source-id mysql-01 >/dev/null 2>"$TEST_TMP/err"; then
  fail "a local inspect opened the store of a running relayd"
fi
grep -q "code=29105" "$TEST_TMP/err" || fail "locked store message: $(cat "$TEST_TMP/err")"
# A second relayd on the same relay directory is refused the same way.
if "$RELAYD" --config "$TEST_TMP/relayd.yaml" --addr "127.0.0.1:$(free_port)" 2>"$TEST_TMP/err"; then
  fail "a second relayd ran on the same store"
fi
grep -q "code=29105" "$TEST_TMP/err" || fail "second relayd message: $(cat "$TEST_TMP/err")"
# --from and --gtid through the stream start where asked.
gtid_mid=$(sql "$up" "SELECT @@gtid_binlog_pos")
"$RELAYD" inspect --addr "$addr" --source-id mysql-01 --gtid "${gtid_mid%-*}-$((${gtid_mid##*-} - 1))" \
  | awk '$3=="Gtid"' | wc -l | grep -qx 1 || fail "inspect --gtid through relayd"
last_gtid_at=$("$RELAYD" inspect --addr "$addr" --source-id mysql-01 | awk '$3=="Gtid" {p=$2} END {print p}')
assert_eq "$("$RELAYD" inspect --addr "$addr" --source-id mysql-01 --from "$last_gtid_at" --limit 1 | awk '{print $2, $3}')" \
  "$last_gtid_at Gtid" "inspect --from through relayd"
call_err segments '{"after_segment": 1}' 2>/dev/null | grep -q '"ErrCode": 28005' || fail "a reader past purged segments was not told"
call_err purge '{"file":"binlog.999999"}' 2>/dev/null | grep -q '"ErrCode": 28006' || fail "purging an unknown file is not an error"

# A flipped byte in a stored segment: reported, source paused, not served.
kill -KILL "$relayd_pid"
wait "$relayd_pid" 2>/dev/null || true
python3 - "$relay/mysql-01/data.mdb" <<'EOF'
import sys
p = sys.argv[1]
b = bytearray(open(p, 'rb').read())
# Flip one byte inside every zstd frame of the file (live segments and freed pages alike),
# so that whichever segment is served first is damaged.
n, i = 0, b.find(b'\x28\xb5\x2f\xfd')
while i >= 0:
    b[i + 12] ^= 0x40
    n += 1
    i = b.find(b'\x28\xb5\x2f\xfd', i + 4)
assert n > 0, "no zstd frame found in the store"
open(p, 'r+b').write(b)
EOF
start_relayd
out=$(call_err segments '{"after_segment": 0}' --data-out "$TEST_TMP/bad-seg" 2>/dev/null)
echo "$out" | grep -q '"ErrCode": 28003' || fail "corrupt segment served or not reported: $out"
[ ! -s "$TEST_TMP/bad-seg" ] || fail "corrupt segment bytes were written"
for _ in $(seq 1 50); do
  [ "$(call status | jget '["sources"][0]["stage"]')" == "Paused" ] && break
  sleep 0.1
done
status=$(call status)
assert_eq "$(echo "$status" | jget '["sources"][0]["stage"]')" "Paused" "stage after corruption"
assert_eq "$(echo "$status" | jget '["sources"][0]["last_error"]["ErrCode"]')" "28003" "kept error"
if "$RELAYD" inspect --addr "$addr" --source-id mysql-01 >/dev/null 2>"$TEST_TMP/err"; then
  fail "inspect read through a corrupt segment"
fi
grep -q "28003" "$TEST_TMP/err" || fail "inspect error: $(cat "$TEST_TMP/err")"
kill -TERM "$relayd_pid"
wait "$relayd_pid" || fail "relayd did not exit cleanly on SIGTERM"
# With relayd stopped, the local inspect opens the store, and refuses the corrupt segment too.
if "$RELAYD" inspect --relay-dir "$relay" --source-id mysql-01 >/dev/null 2>"$TEST_TMP/err"; then
  fail "local inspect read through a corrupt segment"
fi
grep -q "28003" "$TEST_TMP/err" || fail "local inspect error: $(cat "$TEST_TMP/err")"
echo "relay daemon: ok"
