#!/usr/bin/env bash
# The DDL printer writes SQL that MariaDB itself accepts: every CREATE TABLE entry of the
# corpus (tests/data/ddl/corpus) is parsed, moved into a scratch database of its own with
# ddl_rename, printed with ddl_print, and executed on a sandbox MariaDB server; the table
# must then exist. Entries that need something a stock server lacks carry a
# "-- mariadb-skip: reason" line in the corpus; this test lists them with their reasons.
source "$(dirname "$0")/lib.sh"

corpus_test="$DM_BUILD_DIR/tests/unit_ddl_test_ddl_corpus"
[ -x "$corpus_test" ] || fail "build $corpus_test first"
export_file="$TEST_TMP/create_tables.jsonl"
DDL_CORPUS_EXPORT="$export_file" DM_TEST_DATA_DIR="$DM_SOURCE_DIR/tests/data" "$corpus_test" >"$TEST_TMP/unit.log" 2>&1 \
  || { cat "$TEST_TMP/unit.log"; fail "corpus unit test failed"; }
[ -s "$export_file" ] || fail "no CREATE TABLE entries exported"

port=$(server_up ddl-corpus downstream)

show_file="$TEST_TMP/show_create.sql"
python3 - "$export_file" "$SANDBOX" "$port" "$show_file" <<'PY'
import json, subprocess, sys
path, sandbox, port, show_path = sys.argv[1:5]
show = open(show_path, "w")

def unescape(v):
    # the client's --batch output escapes these
    return v.replace("\\n", "\n").replace("\\t", "\t").replace("\\0", "\0").replace("\\\\", "\\")

def sql(text):
    r = subprocess.run([sandbox, "sql", port, text], capture_output=True, text=True)
    return r.returncode, (r.stdout + r.stderr).strip()

ran, skipped, failed = 0, [], []
for line in open(path):
    e = json.loads(line)
    if "skip" in e:
        skipped.append((e["where"], e["skip"].strip()))
        continue
    db = e["db"]
    setup = f"DROP DATABASE IF EXISTS `{db}`; CREATE DATABASE `{db}`;"
    if "like" in e:
        setup += f" CREATE TABLE `{db}`.`{e['like']}` (id INT PRIMARY KEY, v VARCHAR(10));"
    rc, out = sql(setup)
    if rc != 0:
        failed.append((e["where"], "setup: " + out, setup))
        continue
    rc, out = sql(f"USE `{db}`; SET SESSION foreign_key_checks = 0; " + e["sql"])
    if rc == 0:
        rc, out = sql(f"SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{db}'")
        # a temporary table lives only in its session
        if rc == 0 and out.strip() == "0" and "TEMPORARY TABLE" not in e["sql"]:
            rc, out = 1, "no table was created"
    if rc != 0:
        failed.append((e["where"], out, e["sql"]))
    else:
        ran += 1
        # keep the server's own SHOW CREATE TABLE text: it must parse as well
        rc, names = sql(f"SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{db}'")
        for name in names.split():
            rc, out = sql(f"SHOW CREATE TABLE `{db}`.`{name}`")
            if rc == 0 and "\t" in out:
                show.write(unescape(out.split("\t", 1)[1]).replace("\n\n", "\n") + "\n\n")
    sql(f"DROP DATABASE IF EXISTS `{db}`")

print(f"ddl corpus on MariaDB: {ran} CREATE TABLE statements executed, {len(skipped)} skipped, {len(failed)} failed")
for where, why in skipped:
    print(f"  skipped {where}: {why}")
for where, out, text in failed:
    print(f"  FAILED {where}: {out.splitlines()[-1] if out else ''}\n    {text}")
sys.exit(1 if failed or ran == 0 else 0)
PY
# every SHOW CREATE TABLE the server printed parses, prints and re-parses to the same AST
n_show=$(grep -c '^CREATE' "$show_file" || true)
[ "$n_show" -gt 100 ] || fail "only $n_show SHOW CREATE TABLE outputs collected"
DDL_EXTRA_CORPUS="$show_file" DM_TEST_DATA_DIR="$DM_SOURCE_DIR/tests/data" "$corpus_test" >"$TEST_TMP/show.log" 2>&1 \
  || { cat "$TEST_TMP/show.log"; fail "a SHOW CREATE TABLE output of MariaDB does not round-trip"; }
grep "extra corpus" "$TEST_TMP/show.log"
echo "ddl corpus mariadb: ok"
