#!/usr/bin/env bash
# test_dmctl_validate: runs the built `dmctl validate` on DM's example files (must pass with
# only warnings) and on one bad file per error kind (tests/data/config/bad/*.yaml, each with a
# first line `# expect: KEY LINE`): the exit status must be 1 and stderr must hold
# `FILE:LINE:COL: KEY: ...`. Also checks encrypt/decrypt and that passwords are never printed.
# Needs no database server.
source "$(dirname "$0")/lib.sh"

DMCTL="$DM_BUILD_DIR/dmctl/dmctl"
DATA="$DM_SOURCE_DIR/tests/data/config"
[ -x "$DMCTL" ] || fail "dmctl not built at $DMCTL"
export DM_SECRET_KEY_PATH="$TEST_TMP/key/secret.key"

# Good files: exit 0, JSON on stdout, passwords masked.
for f in "$DATA"/dm-task-full.yaml "$DATA"/dm-source-full.yaml "$DATA"/dm-source-sample.yaml; do
  "$DMCTL" validate "$f" >"$TEST_TMP/out.json" 2>"$TEST_TMP/err.txt" || {
    cat "$TEST_TMP/err.txt"; fail "$f should validate"; }
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["valid"] and d["errors"]==[], d' \
    "$TEST_TMP/out.json" || fail "$f: bad JSON document"
  grep -q '"password": "\*\*\*\*\*\*"' "$TEST_TMP/out.json" || fail "$f: password not masked"
  ! grep -qE '123456|/Q7B9DizNLLTTfiZHv9WoEAKamfpIUs=|ZqMLjZ2j5khNelDEfDoUhkD5aV5fIJOe0fiog9w=' \
    "$TEST_TMP/out.json" || fail "$f: a password was printed"
  ! grep -v ': warning: ' "$TEST_TMP/err.txt" | grep -q . || fail "$f: unexpected error output"
done
# The full example's warnings name their key and line.
out=$("$DMCTL" validate -q "$DATA/dm-task-full.yaml" 2>&1)
grep -q "dm-task-full.yaml:188:1: warning: validators: not yet supported" <<<"$out" \
  || fail "full task: no warning for validators"

# Several files at once: exit 0 only when all are valid.
"$DMCTL" validate -q "$DATA/dm-task-full.yaml" "$DATA/bad/dup-key.yaml" 2>/dev/null && fail "mixed files must fail"

# Bad files: one per error kind.
n=0
for f in "$DATA"/bad/*.yaml; do
  read -r _ _ key line < <(head -1 "$f")
  set +e
  out=$("$DMCTL" validate --quiet "$f" 2>&1 >/dev/null)
  rc=$?
  set -e
  [ "$rc" -eq 1 ] || fail "$f: exit status $rc, expected 1"
  grep -q "^$f:$line:[0-9]*: " <<<"$out" || { echo "$out"; fail "$f: no error at line $line"; }
  if [ "$key" != "-" ]; then
    grep -F "$f:$line:" <<<"$out" | grep -qF ": $key: " || { echo "$out"; fail "$f: error does not name $key"; }
  fi
  n=$((n + 1))
done
[ "$n" -ge 20 ] || fail "only $n bad files"

# The alias warns and passes.
cat >"$TEST_TMP/alias.yaml" <<'YAML'
name: t
task-mode: all
target-database: {host: 127.0.0.1}
black-white-list:
  old: {do-dbs: [shop]}
mysql-instances:
  - source-id: s1
    black-white-list: old
YAML
"$DMCTL" validate -q "$TEST_TMP/alias.yaml" 2>"$TEST_TMP/err.txt" || fail "alias file must pass"
grep -q "alias.yaml:4:1: warning: black-white-list: deprecated in DM: alias of block-allow-list" "$TEST_TMP/err.txt" \
  || { cat "$TEST_TMP/err.txt"; fail "no alias warning"; }

# encrypt / decrypt.
ct=$("$DMCTL" encrypt 'pa$$ w0rd' 2>/dev/null)
[ -f "$DM_SECRET_KEY_PATH" ] || fail "key file not created"
[ "$(stat -c %a "$DM_SECRET_KEY_PATH")" = 600 ] || fail "key file mode is not 0600"
[ "$("$DMCTL" decrypt "$ct")" = 'pa$$ w0rd' ] || fail "decrypt round trip"
ct2=$("$DMCTL" encrypt 'pa$$ w0rd')
[ "$ct" != "$ct2" ] || fail "two encryptions gave the same ciphertext"
tampered="${ct:0:20}$( [ "${ct:20:1}" = A ] && echo B || echo A )${ct:21}"
"$DMCTL" decrypt "$tampered" 2>"$TEST_TMP/err.txt" && fail "tampered ciphertext decrypted"
grep -q "authentication failed" "$TEST_TMP/err.txt" || fail "tamper: unclear error"
"$DMCTL" decrypt --secret-key-path "$TEST_TMP/none.key" "$ct" 2>"$TEST_TMP/err.txt" && fail "decrypt without key"
grep -q "does not exist" "$TEST_TMP/err.txt" || fail "missing key: unclear error"

# A source with an encrypted password validates and never shows it.
printf 'source-id: s1\nfrom:\n  host: 127.0.0.1\n  password: "%s"\n' "$ct" >"$TEST_TMP/src.yaml"
"$DMCTL" validate "$TEST_TMP/src.yaml" >"$TEST_TMP/out.json" 2>"$TEST_TMP/err.txt" || fail "encrypted source"
! grep -q 'pa\$\$ w0rd' "$TEST_TMP/out.json" "$TEST_TMP/err.txt" || fail "plaintext password printed"
! grep -qF "$ct" "$TEST_TMP/out.json" || fail "ciphertext printed"
[ ! -s "$TEST_TMP/err.txt" ] || { cat "$TEST_TMP/err.txt"; fail "warnings for a decryptable password"; }

# help
out=$("$DMCTL" help)
grep -q validate <<<"$out" || fail "help lists validate"
out=$("$DMCTL" validate -h)
grep -q "Usage: dmctl validate" <<<"$out" || fail "validate -h"
"$DMCTL" nonsense 2>/dev/null && fail "unknown command must fail"
echo "test_dmctl_validate: $n bad files rejected with key and line; examples, encrypt, decrypt OK"
