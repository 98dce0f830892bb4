# 決裁 (DESIGN V12) scenarios: a city whose contract names decision rules,
# officers with posts, acme's requests received and drafted. Source after
# lib.sh.

# rules.json: who drafts and who seals, per request kind; no setter post
# named (post_setters [], chosen knowingly: the officer who opens the
# registry alone sets posts; somu_sets_posts names 総務)
kessai_rules() {
    cat >"$T/rules.json" <<'JSON'
{"post_setters": [], "decision_rules": [
  {"request_kinds": ["copy"], "drafters": ["担当"], "approvers": [{"post": "課長", "count": 1}]},
  {"request_kinds": ["take-out"], "drafters": ["担当"], "approvers": [{"post": "課長", "count": 2}]},
  {"request_kinds": ["third-party-provision"], "drafters": ["担当"],
   "approvers": [{"post": "部長", "count": 1}, {"post": "課長", "count": 1}]},
  {"request_kinds": ["other-purpose-use"], "drafters": ["担当"],
   "approvers": [{"post": "部長", "count": 1}], "deputies": [{"for": "部長", "post": "次長"}]}
]}
JSON
}

# setup_kessai: $T/city (officer = 担当, kacho and kacho2 = 課長, bucho =
# 部長, jicho = 次長, tanto2 = 担当) and $T/acme, which files the requests
# q-000001 copy, q-000002 copy, q-000003 take-out, q-000004
# third-party-provision, q-000005 other-purpose-use; the city receives them.
setup_kessai() {
    kessai_rules
    "$ITAKU" key generate "$T/city.key" --comment city >/dev/null
    "$ITAKU" key generate "$T/acme.key" --comment acme >/dev/null
    for who in kacho kacho2 bucho jicho tanto2; do
        "$ITAKU" key generate "$T/$who.key" --comment "$who" >/dev/null
    done
    "$ITAKU" init "$T/city" --contract C-2026-021 --title "決裁の試験" --city akiruno-city \
        --name "あきる野市" --key "$T/city.key" --principal-post 担当 \
        --decision-rules "$T/rules.json" --start "$CONTRACT_START" --end "$CONTRACT_END" >"$T/sheet"
    GENESIS=$(awk '/genesis:/ {print $2; exit}' "$T/sheet")
    CITY_FPR=$(awk '/city key:/ {print $3; exit}' "$T/sheet")
    (
        cd "$T/city" && git config itaku.signingKey "$T/city.key" &&
            "$ITAKU" party add acme --role contractor --name "株式会社アクメ" \
                --pubkey "$T/acme.key.pub" >/dev/null &&
            "$ITAKU" key add "$T/kacho.key.pub" --principal kacho --name "山田 課長" --post 課長 &&
            "$ITAKU" key add "$T/kacho2.key.pub" --principal kacho2 --post 課長 &&
            "$ITAKU" key add "$T/bucho.key.pub" --principal bucho --name "佐藤 部長" --post 部長 &&
            "$ITAKU" key add "$T/jicho.key.pub" --principal jicho --post 次長 &&
            "$ITAKU" key add "$T/tanto2.key.pub" --principal tanto2 --post 担当
    ) >/dev/null
    "$ITAKU" clone "$T/city" "$T/acme" --city-key "$CITY_FPR" --genesis "$GENESIS" >/dev/null
    (
        cd "$T/acme" && git config itaku.signingKey "$T/acme.key" && "$ITAKU" acknowledge &&
            n=0
            for kind in copy copy take-out third-party-provision other-purpose-use; do
                n=$((n + 1))
                "$ITAKU" request submit "$kind" --summary "$kind の申請（$n）" --details "作業のため"
            done
    ) >/dev/null 2>&1
    (cd "$T/city" && "$ITAKU" receive acme "$T/acme") >/dev/null
}

# canonical_record FILE TYPE ID BODY-JSON [SCHEMA]: a record of the city as
# itaku writes it (canonical JSON, envelope matching its path).
canonical_record() {
    python3 - "$@" <<'PY'
import json, sys
f, rtype, rid, body = sys.argv[1:5]
schema = sys.argv[5] if len(sys.argv) > 5 else rtype + ".v1"
rec = {"type": rtype, "schema": schema, "id": rid, "party": "akiruno-city",
       "created": "2026-12-05T10:00:00+09:00", "body": json.loads(body)}
open(f, "w", encoding="utf-8").write(json.dumps(rec, sort_keys=True, indent=2, ensure_ascii=False) + "\n")
PY
}

# forge KEY PRINCIPAL ACTION "PARENTS" "EXTRA-TRAILERS" PATH=FILE...: a
# commit of the city built with stock git (git merge-tree, commit-tree -S):
# on the clean merge of PARENTS (one or two commits), adding each FILE at
# PATH, with truthful trailers; prints its id. No ref moves.
forge() {
    local key=$1 principal=$2 action=$3 parents=$4 extra=$5
    shift 5
    local base p args=() recs="" hashes=""
    if [ "${parents% *}" != "$parents" ]; then
        # shellcheck disable=SC2086
        base=$(git merge-tree --write-tree $parents)
    else
        base=$(git rev-parse "$parents^{tree}")
    fi
    for p in $parents; do args+=(-p "$p"); done
    local idx="$T/forge.idx"
    rm -f "$idx"
    GIT_INDEX_FILE=$idx git read-tree "$base"
    for pf in "$@"; do
        local path=${pf%%=*} file=${pf#*=} blob
        blob=$(git hash-object -w "$file")
        GIT_INDEX_FILE=$idx git update-index --add --cacheinfo "100644,$blob,$path"
        recs+="Itaku-Record: $path"$'\n'
        hashes+="$path $(sha256sum <"$file" | cut -d' ' -f1)"$'\n'
    done
    local tree content
    tree=$(GIT_INDEX_FILE=$idx git write-tree)
    content=$(printf '%s' "$hashes" | LC_ALL=C sort | sha256sum | cut -d' ' -f1)
    git -c gpg.format=ssh -c user.signingkey="$key" commit-tree -S "${args[@]}" -m "$action (forged)

Itaku-Party: akiruno-city
Itaku-Principal: $principal
Itaku-Action: $action
${recs}${extra}Itaku-Content-SHA256: $content" "$tree"
}

# next_id PREFIX: the next free record id of the city with that prefix in
# any ref (s, d, dr).
next_id() {
    local n
    n=$(git log --all -m --format= --name-only | grep -oE "/$1-[0-9]{6}\.json$" |
        sed -E "s|.*-0*([0-9]+)\.json|\1|" | sort -n | tail -1)
    printf '%s-%06d' "$1" $((${n:-0} + 1))
}

# sha_of REQ: the SHA-256 of request REQ's record on main.
sha_of() {
    git show "main:parties/acme/requests/${1#acme/}.json" | sha256sum | cut -d' ' -f1
}

# only_v12 COMMIT: after expect_rejected, COMMIT's problems are V12 alone
# (the forged commit is otherwise as itaku writes it: signature, trailers,
# merge, schema all hold).
only_v12() {
    local others
    others=$(grep -E "^${1:0:12} " "$T/out" | grep -vE "^${1:0:12} V12 " || true)
    [ -z "$others" ] || fail "$1 breaks more than V12: $others"
}

# rules_one_kacho OUT: the test's decision rules ($T/rules.json) with a
# third-party provision needing only one 課長 (a looser rule), written to OUT.
rules_one_kacho() {
    python3 - "$T/rules.json" "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for rule in r["decision_rules"]:
    if rule["request_kinds"] == ["third-party-provision"]:
        rule["approvers"] = [{"post": "課長", "count": 1}]
json.dump(r, open(sys.argv[2], "w"), ensure_ascii=False)
PY
}

# somu_sets_posts: a 総務 officer (key $T/somu.key, principal somu) is added
# and the rules are amended to name 総務 the only post that sets posts
# (post_setters); the amended rules are $T/setters.json.
somu_sets_posts() {
    "$ITAKU" key generate "$T/somu.key" --comment somu >/dev/null
    expect_exit 0 "$ITAKU" key add "$T/somu.key.pub" --principal somu --post 総務
    python3 - "$T/rules.json" "$T/setters.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
r["post_setters"] = ["総務"]
json.dump(r, open(sys.argv[2], "w"), ensure_ascii=False)
PY
    expect_exit 0 "$ITAKU" contract amend --decision-rules "$T/setters.json" --reason "職の設定は総務"
}

# kessai_hub: the city's hosted registry $T/hub (server init with the
# city's key and genesis), with hub_refs (its refs and ids) and
# push_as PARTY ARGS... (git push to it as PARTY's login).
kessai_hub() {
    HUB=$T/hub
    expect_exit 0 "$ITAKU" server init "$HUB" --city-key "$CITY_FPR" --genesis "$GENESIS"
}
hub_refs() { git -C "$HUB" for-each-ref --format='%(refname) %(objectname)'; }
push_as() {
    local party=$1
    shift
    ITAKU_PARTY=$party git push "$HUB" "$@"
}
# refused_push PATTERN PARTY ARGS...: the hook (or git) refuses, refs unchanged
refused_push() {
    local pattern=$1 before
    shift
    before=$(hub_refs)
    expect_exit 1 push_as "$@"
    expect_output "$pattern"
    [ "$(hub_refs)" = "$before" ] || fail "a refused push changed the hub: $*"
}

# officer_clone NAME KEY: a clone of the hub ($T/NAME) for a city officer
# signing with KEY, its remote "hub" tagged with the city and fetched
officer_clone() {
    git clone -q "$HUB" "$T/$1"
    (
        cd "$T/$1" &&
            git config itaku.signingKey "$2" &&
            git config itaku.genesis "$GENESIS" &&
            git config itaku.cityKey "$CITY_FPR" &&
            git config itaku.party akiruno-city &&
            "$ITAKU" remote add hub "$HUB" --party akiruno-city &&
            "$ITAKU" fetch hub
    ) >/dev/null 2>&1 || fail "cannot set up the clone of $1"
}
