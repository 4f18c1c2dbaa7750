#!/usr/bin/env bash
# quickstart.sh: install dependencies, build, start a local upstream and downstream MariaDB,
# load sample data, start a controller with one relayd and one applierd joining it, and run
# an `all` task through dmctl (operate-source create, start-task, query-status). Safe to run
# again: it restarts the sandbox and the cluster from scratch. Stop everything with:
# ./ops/quickstart.sh down
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
export DM_SANDBOX_DIR=${DM_SANDBOX_DIR:-/tmp/dm-quickstart}
UP_PORT=${DM_UP_PORT:-13306}
DOWN_PORT=${DM_DOWN_PORT:-14000}
BUILD=build/release
BIN="$ROOT/$BUILD"
RUN="$DM_SANDBOX_DIR/run"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

stop_all() {
  for p in "$RUN"/*.pid; do [ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null || true; done
  ./ops/sandbox.sh down qs-upstream >/dev/null || true
  ./ops/sandbox.sh down qs-downstream >/dev/null || true
}

if [ "${1:-}" = down ]; then stop_all; echo "quickstart: stopped"; exit 0; fi

step "Installing dependencies"
./ops/deps.sh

step "Building ($BUILD)"
mkdir -p "$BUILD"
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
if ! cmake --build "$BUILD" -j"$(nproc)" >"$BUILD.log" 2>&1; then
  grep -E "error|warning" "$BUILD.log" | head -20; echo "quickstart: build failed (full log: $BUILD.log)"; exit 1
fi

step "Starting the sandbox: upstream 127.0.0.1:$UP_PORT, downstream 127.0.0.1:$DOWN_PORT"
stop_all
rm -rf "$RUN"
mkdir -p "$RUN"
./ops/sandbox.sh up qs-upstream "$UP_PORT" --upstream
./ops/sandbox.sh up qs-downstream "$DOWN_PORT" --downstream

step "Loading sample data upstream (shop.customers, shop.orders, logs.events_2026_*)"
./ops/sandbox.sh sql "$UP_PORT" "$(cat ops/sample-data.sql)"
./ops/sandbox.sh sql "$UP_PORT" "SELECT 'shop.customers', COUNT(*) FROM shop.customers UNION ALL
  SELECT 'shop.orders', COUNT(*) FROM shop.orders UNION ALL
  SELECT 'logs.events_2026_01', COUNT(*) FROM logs.events_2026_01 UNION ALL
  SELECT 'logs.events_2026_02', COUNT(*) FROM logs.events_2026_02" | column -t

step "Upstream binlog position"
./ops/sandbox.sh sql "$UP_PORT" "SHOW MASTER STATUS; SELECT @@gtid_binlog_pos AS gtid"

if [ -x "$BIN/dmctl/dmctl" ]; then
  sed -e "s/@UP_PORT@/$UP_PORT/g" -e "s/@DOWN_PORT@/$DOWN_PORT/g" ops/quickstart/source.yaml >"$RUN/source.yaml"
  sed -e "s/@UP_PORT@/$UP_PORT/g" -e "s/@DOWN_PORT@/$DOWN_PORT/g" ops/quickstart/task.yaml >"$RUN/task.yaml"
  step "dmctl validate: the source and task files"
  if "$BIN/dmctl/dmctl" validate --quiet "$RUN/source.yaml" "$RUN/task.yaml"; then
    echo "source.yaml and task.yaml are valid (full normalized form: dmctl validate FILE)"
  fi
  step "dmctl rules: why is each table migrated or not, and where to?"
  for t in shop.customers shop.orders logs.events_2026_01 mysql.user; do
    "$BIN/dmctl/dmctl" rules "$RUN/task.yaml" --source mysql-01 "$t" |
      python3 -c 'import json,sys; r=json.load(sys.stdin); t=r["target"]
print("%-22s migrated=%-5s -> %s.%s   (%s)" % (r["schema"]+"."+r["table"], r["migrated"], t.get("schema"), t.get("table"), r["reason"]))' || true
  done
fi

step "Starting the cluster: a controller, and relayd + applierd joining it"
CTL_ADDR=127.0.0.1:${DM_CTL_PORT:-18261}
export DM_MASTER_ADDR=$CTL_ADDR
DMCTL="$BIN/dmctl/dmctl"
"$BIN/controller/controller" --name ctl-1 --addr "$CTL_ADDR" --data-dir "$RUN/controller" \
  --log-file "$RUN/controller.log" &
echo $! >"$RUN/controller.pid"
for _ in $(seq 1 50); do "$DMCTL" list-member >/dev/null 2>&1 && break; sleep 0.1; done
RELAY_ADDR=127.0.0.1:${DM_RELAY_PORT:-18291}
"$BIN/relayd/relayd" --name relayd-1 --addr "$RELAY_ADDR" --relay-dir "$RUN/relay" \
  --join "$CTL_ADDR" --log-file "$RUN/relayd.log" &
echo $! >"$RUN/relayd.pid"
"$BIN/applierd/applierd" --name applier-1 --addr "127.0.0.1:${DM_APPLIER_PORT:-18262}" \
  --join "$CTL_ADDR" --log-file "$RUN/applierd.log" &
echo $! >"$RUN/applierd.pid"
members() {
  "$DMCTL" list-member --worker 2>/dev/null |
    python3 -c 'import json,sys; r=json.load(sys.stdin); print(sum(1 for w in r["members"][0]["workers"]["workers"] if w["stage"]!="offline"))' 2>/dev/null || echo 0
}
for _ in $(seq 1 50); do [ "$(members)" = 2 ] && break; sleep 0.2; done
echo "\$ dmctl --master-addr $CTL_ADDR list-member"
"$DMCTL" list-member

step "dmctl operate-source create source.yaml"
"$DMCTL" operate-source create "$RUN/source.yaml"
# The source's relay starts now on relayd-1; let it catch up with the upstream before the
# task reads from it.
for _ in $(seq 1 50); do
  "$BIN/relayd/relayd" call --addr "$RELAY_ADDR" status 2>/dev/null | grep -q '"catch_up": true' && break
  sleep 0.2
done

step "dmctl start-task task.yaml (an \`all\` task: consistent dump + load, then replication)"
"$DMCTL" start-task --remove-meta "$RUN/task.yaml"
down_counts() {
  ./ops/sandbox.sh sql "$DOWN_PORT" "SELECT 'shop.customers', COUNT(*), MAX(id) FROM shop.customers UNION ALL
    SELECT 'shop.orders', COUNT(*), SUM(amount) FROM shop.orders UNION ALL
    SELECT 'logs.events', COUNT(*), MAX(id) FROM logs.events" 2>/dev/null | column -t
}
for _ in $(seq 1 150); do
  [ "$(./ops/sandbox.sh sql "$DOWN_PORT" "SELECT COUNT(*) FROM logs.events" 2>/dev/null)" = 500 ] && break
  sleep 0.2
done

for _ in $(seq 1 50); do
  "$DMCTL" query-status 2>/dev/null | grep -q '"taskStatus": "Running"' && break
  sleep 0.2
done
step "dmctl query-status"
"$DMCTL" query-status
"$DMCTL" query-status quickstart | head -60

step "The migrated rows (the two logs.events_* shards are merged into logs.events by the route)"
down_counts
echo
echo "now writing upstream: new customers, updated orders, a new column, a deleted event"
./ops/sandbox.sh sql "$UP_PORT" "USE shop;
  INSERT INTO customers (name, email) SELECT CONCAT('new ', seq), CONCAT('n', seq, '@example.com') FROM seq_1_to_50;
  UPDATE orders SET amount = amount + 1 WHERE id <= 100;
  ALTER TABLE customers ADD COLUMN tier TINYINT NOT NULL DEFAULT 1;
  UPDATE customers SET tier = 2 WHERE id <= 10;
  DELETE FROM logs.events_2026_02 WHERE id = 500;"
for _ in $(seq 1 100); do
  [ "$(./ops/sandbox.sh sql "$DOWN_PORT" "SELECT COUNT(*) FROM shop.customers WHERE tier = 2" 2>/dev/null)" = 10 ] && break
  sleep 0.2
done
echo "downstream a moment later:"
down_counts
echo "upstream for comparison:"
./ops/sandbox.sh sql "$UP_PORT" "SELECT 'shop.customers', COUNT(*), MAX(id) FROM shop.customers UNION ALL
    SELECT 'shop.orders', COUNT(*), SUM(amount) FROM shop.orders UNION ALL
    SELECT 'logs.events_*', COUNT(*), MAX(id) FROM (SELECT id FROM logs.events_2026_01 UNION ALL SELECT id FROM logs.events_2026_02) e" | column -t
echo "checkpoints kept in the downstream dm_meta schema:"
./ops/sandbox.sh sql "$DOWN_PORT" "SELECT table_name FROM information_schema.tables WHERE table_schema='dm_meta'"
echo "the task keeps replicating in the background (logs: $RUN/*.log)"

if [ -x "$BIN/dmctl/dmctl" ]; then
  step "dmctl ddl: how an upstream DDL would be split and routed"
  "$BIN/dmctl/dmctl" ddl --task "$RUN/task.yaml" --source mysql-01 \
    "ALTER TABLE logs.events_2026_01 ADD COLUMN level TINYINT NOT NULL DEFAULT 0, ADD INDEX (level)" |
    python3 -c 'import json,sys
for l in sys.stdin:
    r=json.loads(l); print("type:  ", r["type"]); [print("split: ", s) for s in r["split"]]; [print("routed:", s) for s in r["routed"] or []]'
fi

step "Done"
echo "Servers stay up; connect with: mariadb -h127.0.0.1 -P$UP_PORT -uroot   (or -P$DOWN_PORT)"
echo "Drive the cluster with: $BIN/dmctl/dmctl --master-addr $CTL_ADDR   (interactive; try query-status)"
echo "Stop everything with: ./ops/quickstart.sh down"
