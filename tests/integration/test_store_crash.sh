#!/usr/bin/env bash
# test_store_crash: kill -9 a relay store writer at random moments, 12 times, while it
# appends a deterministic synthetic stream with group commits (and transactions larger than
# a segment, which go through the pending area). After each kill the store must open
# consistent and hold exactly a prefix of the stream: no gap, no duplicate, no partial
# transaction, at least every transaction the writer reported durable, and a durable
# position equal to the end of the last stored event; the next writer resumes from it. The
# writer purges old files now and then (kills land inside purges too): what remains must
# start at a transaction start.
source "$(dirname "$0")/lib.sh"

TOOL="$DM_BUILD_DIR/tests/relay_store_tool"
[ -x "$TOOL" ] || fail "missing $TOOL (build first)"
DIR="$TEST_TMP/relay/source-1"
prev=0
dropped=0
for round in $(seq 1 12); do
  out="$TEST_TMP/write.$round.out"
  "$TOOL" write "$DIR" "$round" >"$out" 2>"$TEST_TMP/write.$round.err" &
  pid=$!
  track_pid "$pid"
  # a random moment between 0.2 and 1.5 s
  sleep "$(awk -v r=$RANDOM 'BEGIN { printf "%.2f", 0.2 + (r % 130) / 100 }')"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  resumed=$(awk '/^resume/ { print $2 }' "$out")
  if [ -z "$resumed" ]; then
    # Killed while it opened (and recovered) the store, before it wrote anything: the store
    # must still hold everything verified before.
    [ -s "$TEST_TMP/write.$round.err" ] && { cat "$TEST_TMP/write.$round.err" >&2; fail "round $round: writer failed to start"; }
    resumed="(killed while opening)"
    reported=$prev
  else
    [ "$resumed" -ge "$prev" ] || fail "round $round: resumed at $resumed, below $prev verified before"
    reported=$(awk '/^durable/ { s = $2 } END { print s + 0 }' "$out")
    [ "$reported" -ge "$prev" ] || reported=$prev
  fi
  res=$("$TOOL" verify "$DIR" "$reported" 2>"$TEST_TMP/verify.$round.err") ||
    { cat "$TEST_TMP/verify.$round.err" >&2; fail "round $round: store is not a clean prefix"; }
  if grep -q "dropped .* pending" "$TEST_TMP/verify.$round.err"; then dropped=$((dropped + 1)); fi
  stored=$(echo "$res" | awk '{ print $2 }')
  echo "round $round: resumed at $resumed, reported durable $reported, stored $stored transactions"
  prev=$stored
done
[ "$prev" -gt 0 ] || fail "no transaction was stored"
echo "rounds that dropped a pending transaction on open: $dropped"
