#!/usr/bin/env bash
# Cross-checks itaku's schema validator with ajv (JSON Schema 2020-12 +
# ajv-formats) over tests/schema-corpus: both must give the same verdict on
# every body, and every valid/ body must be valid, every invalid/ invalid.
# Each type's newest schema version; `validate --exact` checks a body as a
# record stores it (no dates or "" read as a person's input).
set -euo pipefail

: "${ITAKU:?set ITAKU to the built itaku binary}"
: "${ITAKU_SRC:?set ITAKU_SRC to the source tree}"

interop="$ITAKU_SRC/tests/interop"
corpus="$ITAKU_SRC/tests/schema-corpus"
schemas="$ITAKU_SRC/registry-template/schemas"

if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
    echo "FAIL: node and npm are needed to cross-check with ajv (install nodejs and npm)" >&2
    exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The pinned ajv from package-lock.json, installed into a scratch copy so the
# source tree gets no node_modules.
cp "$interop/package.json" "$interop/package-lock.json" "$interop/ajv-verdicts.js" "$work/"
if ! npm ci --prefix "$work" --no-audit --no-fund --loglevel=error >"$work/npm.log" 2>&1; then
    cat "$work/npm.log" >&2
    echo "FAIL: npm ci could not install ajv" >&2
    exit 1
fi

node "$work/ajv-verdicts.js" "$schemas" "$corpus" | sort >"$work/ajv.txt"

# itaku's verdicts, with paths relative to the corpus like ajv-verdicts.js.
: >"$work/itaku.txt"
cd "$corpus"
for type in *; do
    set +e
    "$ITAKU" validate --exact "$type" "$type"/valid/*.json "$type"/invalid/*.json >"$work/out.txt"
    rc=$?
    set -e
    if [ "$rc" -gt 1 ]; then
        cat "$work/out.txt"
        echo "FAIL: itaku validate $type exited with $rc" >&2
        exit 1
    fi
    grep -E '^[^ ].* (valid|invalid)$' "$work/out.txt" >>"$work/itaku.txt" || true
done
sort -o "$work/itaku.txt" "$work/itaku.txt"

failed=0
total=$(wc -l <"$work/ajv.txt")
if [ "$total" -eq 0 ]; then
    echo "FAIL: the corpus is empty" >&2
    exit 1
fi
if ! diff -u "$work/ajv.txt" "$work/itaku.txt" >"$work/diff.txt"; then
    echo "FAIL: ajv and itaku disagree (- ajv, + itaku):" >&2
    grep -E '^[-+][^-+]' "$work/diff.txt" >&2
    failed=1
fi
for verdicts in ajv itaku; do
    wrong=$(grep -E '^[^ ]+/valid/[^ ]+ invalid$|^[^ ]+/invalid/[^ ]+ valid$' "$work/$verdicts.txt" || true)
    if [ -n "$wrong" ]; then
        echo "FAIL: $verdicts gives the wrong verdict on:" >&2
        echo "$wrong" >&2
        failed=1
    fi
done
# Every record type has a corpus of both kinds.
for s in "$schemas"/*.v1.schema.json; do
    type=$(basename "$s" .v1.schema.json)
    for kind in valid invalid; do
        n=$(find "$corpus/$type/$kind" -name '*.json' 2>/dev/null | wc -l)
        if [ "$n" -lt 3 ]; then
            echo "FAIL: $type has $n $kind bodies in the corpus; at least 3 are needed" >&2
            failed=1
        fi
    done
done

[ "$failed" -eq 0 ] || exit 1
echo "ok: ajv and itaku agree on all $total bodies of the schema corpus"
