#!/usr/bin/env bash
# dmctl ddl: classification, split and routing of DDL, and the schemas it predicts, which
# must equal SHOW CREATE TABLE on a MariaDB server that executed the same statements.
source "$(dirname "$0")/lib.sh"
DMCTL="$DM_BUILD_DIR/dmctl/dmctl"

cat >"$TEST_TMP/schema.sql" <<'SQL'
CREATE DATABASE logs;
CREATE TABLE logs.events_2026_01 (id INT PRIMARY KEY, msg VARCHAR(100));
CREATE TABLE logs.events_2026_02 (id INT PRIMARY KEY, msg VARCHAR(100));
CREATE TABLE logs.audit (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, who CHAR(20))
SQL
cat >"$TEST_TMP/task.yaml" <<'YAML'
name: "ddltest"
task-mode: "all"
target-database: {host: "127.0.0.1", port: 3306, user: "root", password: ""}
routes:
  events-route: {schema-pattern: "logs", table-pattern: "events_*", target-schema: "logs", target-table: "events"}
mysql-instances:
  - source-id: "mysql-01"
    route-rules: ["events-route"]
YAML
stmts=(
  "ALTER TABLE logs.events_2026_01 ADD COLUMN level TINYINT NOT NULL DEFAULT 0 AFTER id, ADD INDEX i_level (level)"
  "ALTER TABLE logs.audit MODIFY who VARCHAR(64) CHARACTER SET latin1, ADD UNIQUE KEY u_who (who)"
  "RENAME TABLE logs.events_2026_02 TO logs.events_old, logs.audit TO logs.audit2"
  "CREATE INDEX i_msg ON logs.events_old (msg(10))"
  "ALTER TABLE logs.audit2 DROP COLUMN who, ADD COLUMN at DATETIME(3) DEFAULT CURRENT_TIMESTAMP(3)"
)
"$DMCTL" ddl --schema "$TEST_TMP/schema.sql" --task "$TEST_TMP/task.yaml" --source mysql-01 \
  "${stmts[@]}" >"$TEST_TMP/out.jsonl" || fail "dmctl ddl failed: $(cat "$TEST_TMP/out.jsonl")"

port=$(server_up ddl-db downstream)
sql "$port" "$(cat "$TEST_TMP/schema.sql")"
for s in "${stmts[@]}"; do sql "$port" "$s"; done

python3 - "$TEST_TMP/out.jsonl" "$SANDBOX" "$port" <<'PY'
import json, re, subprocess, sys
path, sandbox, port = sys.argv[1:4]
objs = [json.loads(l) for l in open(path)]
assert len(objs) == 5, objs
first = objs[0]
assert first["type"] == "alter table", first
assert first["split"] == ["ALTER TABLE `logs`.`events_2026_01` ADD COLUMN `level` TINYINT NOT NULL DEFAULT 0 AFTER `id`",
                          "ALTER TABLE `logs`.`events_2026_01` ADD KEY `i_level` (`level`)"], first["split"]
assert all("`logs`.`events`" in r for r in first["routed"]), first["routed"]
assert objs[2]["type"] == "rename table" and len(objs[2]["split"]) == 2, objs[2]
assert objs[2]["tables"] == [{"schema": "logs", "table": t} for t in
                             ("events_2026_02", "events_old", "audit", "audit2")], objs[2]["tables"]
assert objs[3]["type"] == "create index", objs[3]
for o in objs:
    assert o["error"] is None, o
predicted = objs[-1]["schemas"]
def unescape(v):
    return v.replace("\\n", "\n").replace("\\t", "\t").replace("\\\\", "\\")
names = subprocess.run([sandbox, "sql", port, "SELECT CONCAT(table_schema,'.',table_name) FROM information_schema.tables WHERE table_schema='logs' ORDER BY 1"],
                       capture_output=True, text=True, check=True).stdout.split()
assert sorted(predicted) == names, (sorted(predicted), names)
for name in names:
    out = subprocess.run([sandbox, "sql", port, f"SHOW CREATE TABLE {name}"], capture_output=True, text=True, check=True).stdout
    server = unescape(out.rstrip("\n").split("\t", 1)[1])
    norm = lambda t: re.sub(r" AUTO_INCREMENT=\d+", "", t)
    assert norm(predicted[name]) == norm(server), f"{name}:\n--- dmctl\n{predicted[name]}\n--- server\n{server}"
print(f"dmctl ddl: {len(objs)} statements, {len(names)} tables equal to the server's")
PY

# A statement that does not parse is reported with its position and makes the exit status 1.
if "$DMCTL" ddl "ALTER TABLE t ADD COLUMN" >"$TEST_TMP/bad.json"; then fail "bad DDL accepted"; fi
grep -q '"error":"\[code=44001' "$TEST_TMP/bad.json" || fail "no parse error: $(cat "$TEST_TMP/bad.json")"
rc=0; "$DMCTL" ddl >/dev/null 2>&1 || rc=$?
assert_eq "$rc" "2" "exit status without a statement"
echo "ok"
