#!/usr/bin/env bash
# The replica client against a real MariaDB upstream: the events it streams match
# SHOW BINLOG EVENTS (file, position, type, server id, end position) across FLUSH BINARY
# LOGS, including a 20 MiB event (packet reassembly); a GTID start; a start past offset 4;
# a purged binlog and a GTID the server never had are clear errors; a replica-id clash is
# reported; an upstream restart ends the stream with a disconnect the caller can act on; a
# misconfigured upstream is refused naming the variable.
source "$(dirname "$0")/lib.sh"
RELAYD="$DM_BUILD_DIR/relayd/relayd"
up=$(server_up rc-up upstream)
# server_up runs in a command substitution, so its record of the server is lost there:
# register it here so that the server is stopped on exit.

sql "$up" "CREATE DATABASE t; CREATE TABLE t.a (id INT PRIMARY KEY, v LONGTEXT)"
sql "$up" "INSERT INTO t.a VALUES (1,'x'),(2,'y'); UPDATE t.a SET v='z' WHERE id=2"
sql "$up" "FLUSH BINARY LOGS"
sql "$up" "INSERT INTO t.a VALUES (3, REPEAT('b', 20*1024*1024))"
sql "$up" "DELETE FROM t.a WHERE id=1; FLUSH BINARY LOGS; INSERT INTO t.a VALUES (4,'w')"

# type_code maps SHOW BINLOG EVENTS names to event type codes.
type_map='BEGIN{m["Format_desc"]=15;m["Gtid_list"]=163;m["Binlog_checkpoint"]=161;m["Gtid"]=162;
m["Query"]=2;m["Annotate_rows"]=160;m["Table_map"]=19;m["Write_rows_v1"]=23;m["Update_rows_v1"]=24;
m["Delete_rows_v1"]=25;m["Xid"]=16;m["Rotate"]=4;m["Stop"]=3}'

expected() {
  for f in $(sql "$up" "SHOW BINARY LOGS" | awk '{print $1}'); do
    sql "$up" "SHOW BINLOG EVENTS IN '$f'" |
      awk -F'\t' "$type_map"'{ if (!($3 in m)) { print "unknown type " $3 > "/dev/stderr"; exit 1 }
                  print $1 ":" $2, m[$3], $4, $5 }'
  done
}

# streamed: the client's events as "file:pos type server_id end_pos" (the same columns).
streamed() {
  "$RELAYD" stream --host 127.0.0.1 --port "$up" --server-id 4242 --non-block "$@" |
    awk '!/^#/ && !/resend$/ {print $1, $2, $3, $5}'
}

expected >"$TEST_TMP/expected"
streamed >"$TEST_TMP/got"
[ "$(wc -l <"$TEST_TMP/expected")" -gt 30 ] || fail "too few upstream events"
diff "$TEST_TMP/expected" "$TEST_TMP/got" || fail "streamed events differ from SHOW BINLOG EVENTS"
big=$(awk '$2==23' "$TEST_TMP/got" | wc -l)
[ "$big" -ge 3 ] || fail "write rows events missing"

# A start past offset 4: the FDE is re-sent (marked), then the stream continues at the offset.
second=$(sql "$up" "SHOW BINARY LOGS" | sed -n 2p | awk '{print $1}')
off=$(sql "$up" "SHOW BINLOG EVENTS IN '$second'" | awk -F'\t' '$3=="Gtid"{print $2; exit}')
"$RELAYD" stream --port "$up" --server-id 4242 --non-block --file "$second" --pos "$off" >"$TEST_TMP/mid"
sed -n 2p "$TEST_TMP/mid" | grep -q " 15 .* resend$" || fail "no re-sent FDE after the fake rotate: $(head -3 "$TEST_TMP/mid")"
assert_eq "$(sed -n 3p "$TEST_TMP/mid" | awk '{print $1, $2}')" "$second:$off 162" "first event after a mid-file start"
grep -v resend "$TEST_TMP/mid" | grep -v '^#' | awk '{print $1, $2, $3, $5}' >"$TEST_TMP/mid.got"
grep -A100000 "^$second:$off " "$TEST_TMP/expected" >"$TEST_TMP/mid.exp"
diff "$TEST_TMP/mid.exp" "$TEST_TMP/mid.got" || fail "mid-file start differs"

# A GTID start: the server picks the file; the first group after the start GTID comes next.
gtid=$(sql "$up" "SELECT @@gtid_binlog_pos")
dom_srv=${gtid%-*}
seq=${gtid##*-}
start="$dom_srv-$((seq - 1))"
"$RELAYD" stream --port "$up" --server-id 4242 --non-block --gtid "$start" >"$TEST_TMP/gtid"
grep -v '^#' "$TEST_TMP/gtid" | awk '$2==162' | wc -l | grep -qx 1 || fail "GTID start did not skip to the last group: $(cat "$TEST_TMP/gtid")"

# Purged binlog and unknown GTIDs are 1236 errors named clearly.
first=$(sql "$up" "SHOW BINARY LOGS" | head -1 | awk '{print $1}')
sql "$up" "PURGE BINARY LOGS TO '$second'"
if "$RELAYD" stream --port "$up" --server-id 4242 --non-block --file "$first" 2>"$TEST_TMP/err"; then
  fail "streaming a purged binlog succeeded"
fi
grep -q "code=29002" "$TEST_TMP/err" && grep -q "$first" "$TEST_TMP/err" && grep -q "errno 1236" "$TEST_TMP/err" ||
  fail "purged binlog error unclear: $(cat "$TEST_TMP/err")"
if "$RELAYD" stream --port "$up" --server-id 4242 --non-block --gtid "$dom_srv-999999" 2>"$TEST_TMP/err"; then
  fail "streaming from a GTID the server never had succeeded"
fi
grep -q "code=29002" "$TEST_TMP/err" && grep -q "GTID $dom_srv-999999" "$TEST_TMP/err" ||
  fail "unknown GTID error unclear: $(cat "$TEST_TMP/err")"
if "$RELAYD" stream --port "$up" --server-id 4242 --gtid "0-1-x" 2>"$TEST_TMP/err"; then fail "bad GTID text accepted"; fi
grep -q "invalid MariaDB GTID position '0-1-x'" "$TEST_TMP/err" || fail "bad GTID text: $(cat "$TEST_TMP/err")"

# Two replicas with one server id: the older dump is told so.
"$RELAYD" stream --port "$up" --server-id 5151 >"$TEST_TMP/old.out" 2>"$TEST_TMP/old.err" &
old=$!
track_pid "$old"
sleep 1
"$RELAYD" stream --port "$up" --server-id 5151 --non-block >/dev/null
for _ in $(seq 1 50); do kill -0 "$old" 2>/dev/null || break; sleep 0.1; done
grep -q "code=29003" "$TEST_TMP/old.err" || fail "server id clash not reported: $(cat "$TEST_TMP/old.err")"

# An upstream restart ends a blocking stream with a disconnect (code 29004), not silence.
"$RELAYD" stream --port "$up" --server-id 6161 --heartbeat-ms 200 >"$TEST_TMP/live.out" 2>"$TEST_TMP/live.err" &
live=$!
track_pid "$live"
sleep 1
grep -q "^# heartbeat" "$TEST_TMP/live.out" || fail "no heartbeat while idle: $(cat "$TEST_TMP/live.out")"
"$SANDBOX" restart "$(server_name rc-up)" >/dev/null
for _ in $(seq 1 100); do kill -0 "$live" 2>/dev/null || break; sleep 0.1; done
kill -0 "$live" 2>/dev/null && fail "the stream did not end when the upstream restarted"
grep -q "code=29004" "$TEST_TMP/live.err" || fail "restart not reported as a disconnect: $(cat "$TEST_TMP/live.err")"
# Resuming from the last streamed position gets exactly what follows (the STOP event).
last=$(grep -v '^#' "$TEST_TMP/live.out" | tail -1)
lf=${last%%:*}
lnext=$(echo "$last" | awk '{print $5}')
"$RELAYD" stream --port "$up" --server-id 6161 --non-block --file "$lf" --pos "$lnext" >"$TEST_TMP/resume"
sed -n 3p "$TEST_TMP/resume" | grep -q "^$lf:$lnext 3 " || fail "resume after restart: $(head -4 "$TEST_TMP/resume")"

# A misconfigured upstream is refused with the variable, its value and the fix.
sql "$up" "SET GLOBAL binlog_format=STATEMENT"
if "$RELAYD" stream --port "$up" --server-id 4242 --non-block 2>"$TEST_TMP/err" >/dev/null; then
  fail "a STATEMENT upstream was accepted"
fi
grep -q "code=29001.*binlog_format is STATEMENT; it must be ROW.*Workaround: SET GLOBAL binlog_format=ROW" "$TEST_TMP/err" ||
  fail "format check unclear: $(cat "$TEST_TMP/err")"
sql "$up" "SET GLOBAL binlog_format=ROW; SET GLOBAL binlog_row_image=MINIMAL"
if "$RELAYD" stream --port "$up" --server-id 4242 --non-block 2>"$TEST_TMP/err" >/dev/null; then
  fail "a MINIMAL row image was accepted"
fi
grep -q "binlog_row_image is MINIMAL" "$TEST_TMP/err" || fail "row image check unclear: $(cat "$TEST_TMP/err")"
echo "relay client: ok"
