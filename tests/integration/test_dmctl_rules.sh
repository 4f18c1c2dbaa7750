#!/usr/bin/env bash
# test_dmctl_rules: runs `dmctl rules` on the held-out DM-documentation cases in
# tests/data/rules/expected.json (answers derived from the DM docs, not from this engine)
# and compares every expected field of the printed JSON. No database is needed.
source "$(dirname "$0")/lib.sh"

DMCTL="$DM_BUILD_DIR/dmctl/dmctl"
DATA="$DM_SOURCE_DIR/tests/data/rules"
[ -x "$DMCTL" ] || fail "dmctl not built at $DMCTL"

python3 - "$DMCTL" "$DATA" <<'PY'
import json, subprocess, sys
dmctl, data = sys.argv[1], sys.argv[2]
cases = json.load(open(f"{data}/expected.json"))
bad = 0
for i, c in enumerate(cases):
    args = [dmctl, "rules", f"{data}/{c['task']}", "--source", c["source"], c["table"]]
    if "event" in c:
        args.append(c["event"])
    if "sql" in c:
        args += ["--sql", c["sql"]]
    if "source_config" in c:
        args += ["--source-config", f"{data}/{c['source_config']}"]
    p = subprocess.run(args, capture_output=True, text=True)
    if p.returncode != 0:
        print(f"case {i} ({c['doc']}): exit {p.returncode}: {p.stderr.strip()}")
        bad += 1
        continue
    out = json.loads(p.stdout)
    for k, want in c["expect"].items():
        if k == "error":
            got = "error" in out["target"]
        elif k == "target":
            got = {"schema": out["target"].get("schema"), "table": out["target"].get("table")}
        else:
            got = out.get(k)
        if got != want:
            print(f"case {i} ({c['doc']}): {c['table']} {c.get('event', '')}: {k} = {got!r}, "
                  f"expected {want!r}; reason: {out.get('reason')}")
            bad += 1
print(f"{len(cases) - bad}/{len(cases)} cases as the DM documentation says")
sys.exit(1 if bad else 0)
PY

# Usage and load errors are reported with the documented exit statuses.
set +e
"$DMCTL" rules "$DATA/task_route.yaml" test_1.t_1 >/dev/null 2>&1; assert_eq $? 2 "missing --source"
"$DMCTL" rules "$DATA/task_filter.yaml" --source mysql-01 a.b "all dml" >/dev/null 2>&1
assert_eq $? 2 "pseudo event"
"$DMCTL" rules "$DATA/task_filter.yaml" --source mysql-01 a.b "no such event" >/dev/null 2>&1
assert_eq $? 2 "unknown event"
err=$("$DMCTL" rules "$DATA/task_route.yaml" --source mysql-99 a.b 2>&1 >/dev/null); rc=$?
assert_eq $rc 1 "unknown source"
case "$err" in *mysql-99*) ;; *) fail "error does not name the source: $err" ;; esac
"$DMCTL" rules "$TEST_TMP/missing.yaml" --source s a.b >/dev/null 2>&1; assert_eq $? 1 "missing file"
"$DMCTL" rules "$DATA/task_filter.yaml" --source mysql-01 --source-config "$DATA/source_mysql-04.yaml" \
  a.b >/dev/null 2>&1
assert_eq $? 2 "source file of another source"
set -e
echo "test_dmctl_rules: OK"
