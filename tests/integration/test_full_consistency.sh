#!/usr/bin/env bash
# test_full_consistency: the dump's N connections read one snapshot. While applierd loads
# two tables in many small chunks over 3 connections, a writer moves money between them in
# transactions (UPDATE a ... - x; UPDATE b ... + x; COMMIT) as fast as it can. Any chunk
# read at another point in time than the others would break the invariant: the downstream
# total must equal the constant upstream total. (Comparing rows with the upstream itself
# would need the writer's later transactions undone: that is the sync unit's job.)
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/full_lib.sh"
[ -x "$APPLIERD" ] || fail "applierd not built at $APPLIERD"

up=$(server_up consup upstream)
down=$(server_up consdown downstream)
rows=4000
sql "$up" "CREATE DATABASE bank; USE bank;
  CREATE TABLE a (id INT PRIMARY KEY, balance BIGINT NOT NULL) ENGINE=InnoDB;
  CREATE TABLE b (id INT PRIMARY KEY, balance BIGINT NOT NULL) ENGINE=InnoDB;
  INSERT INTO a SELECT seq, 100 FROM seq_1_to_$rows; INSERT INTO b SELECT seq, 100 FROM seq_1_to_$rows"
total=$((2 * rows * 100))

# The writer: 30,000 transfers in one client session, in the background.
python3 - "$rows" >"$TEST_TMP/transfers.sql" <<'EOF'
import random, sys
n = int(sys.argv[1]); r = random.Random(7)
for _ in range(30000):
    x = r.randint(1, 50); i = r.randint(1, n); j = r.randint(1, n)
    if r.random() < 0.5:
        print(f"BEGIN; UPDATE bank.a SET balance = balance - {x} WHERE id = {i}; UPDATE bank.b SET balance = balance + {x} WHERE id = {j}; COMMIT;")
    else:
        print(f"BEGIN; UPDATE bank.b SET balance = balance - {x} WHERE id = {i}; UPDATE bank.a SET balance = balance + {x} WHERE id = {j}; COMMIT;")
EOF
mariadb --no-defaults -uroot -h127.0.0.1 -P"$up" <"$TEST_TMP/transfers.sql" &
writer=$!
track_pid "$writer"
for _ in $(seq 1 200); do # wait until transfers are flowing
  [ "$(sql "$up" "SELECT COUNT(*) FROM bank.a WHERE balance <> 100")" -gt 0 ] && break
  sleep 0.05
done

write_source "$TEST_TMP/source.yaml" "$up"
INSTANCE_EXTRA='    block-allow-list: bw' write_task "$TEST_TMP/task.yaml" cons "$down" 3 100 \
  'block-allow-list:
  bw:
    do-dbs: ["bank"]'
"$APPLIERD" run --source "$TEST_TMP/source.yaml" --task "$TEST_TMP/task.yaml" \
  >"$TEST_TMP/run.out" 2>"$TEST_TMP/run.log" || { cat "$TEST_TMP/run.log" >&2; fail "run failed"; }
kill -0 "$writer" 2>/dev/null || fail "the writer finished before the load: not a concurrent test"
chunks=$(sql "$down" "SELECT COUNT(*) FROM dm_meta.cons_loader_checkpoint")
[ "$chunks" -ge 60 ] || fail "expected >= 60 chunks, got $chunks"
got=$(sql "$down" "SELECT (SELECT SUM(balance) FROM bank.a) + (SELECT SUM(balance) FROM bank.b)")
assert_eq "$got" "$total" "total across tables loaded from one snapshot"
assert_eq "$(sql "$down" "SELECT (SELECT COUNT(*) FROM bank.a) + (SELECT COUNT(*) FROM bank.b)")" $((2 * rows)) "rows"
moved=$(sql "$down" "SELECT COUNT(*) FROM bank.a WHERE balance <> 100")
[ "$moved" -gt 0 ] || fail "no transfer happened before the snapshot: not a concurrent test"
echo "  $chunks chunks over 3 connections while transfers ran; total $got (constant), $moved rows of a changed"
kill "$writer" 2>/dev/null || true
wait "$writer" 2>/dev/null || true
echo "PASS"
