#!/usr/bin/env bash
# 決裁 (issue 21, DESIGN V12), a decision taken on an older main: an
# officer's copy drafted and sealed before main learnt a change (a post
# changed, a key retired or compromised, a stricter rule). A merge that joins
# the line holding that decision with the line bringing the change (either
# way round, by the city itself or through a contractor's line that pulled
# the change) would make current a state the decision was never checked
# against: verify refuses it naming the merge, and so does the hosted
# registry's hook. The twin: the decision taken again on current main.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kessai_lib.sh"

setup_kessai
kessai_hub
fpr_of() { ssh-keygen -lf "$1.pub" | awk '{print $2}'; }

cd "$T/city"
for who in kacho3 kacho4 kacho5; do
    "$ITAKU" key generate "$T/$who.key" --comment "$who" >/dev/null
    expect_exit 0 "$ITAKU" key add "$T/$who.key.pub" --principal "$who" --post 課長
done
expect_exit 0 push_as akiruno-city main:main

# swap_case CHANGE REQ "OLD-SEALERS" "TWIN-SEALERS": REQ drafted on main
# (M0); a copy of the registry seals it with OLD-SEALERS and takes the
# decision D there; main meanwhile makes CHANGE (M1, pushed to the hub).
# Both merges of D and M1 are refused by verify and by the hub; the twin,
# sealed by TWIN-SEALERS on current main, passes.
swap_case() {
    local change=$1 req=$2 old=$3 twin=$4 copy=$T/copy-$1 who
    expect_exit 0 "$ITAKU" approve "acme/$req"
    expect_output "Drafted"
    rm -rf "$copy"
    cp -a "$T/city" "$copy"
    case $change in
    demote) expect_exit 0 "$ITAKU" key attributes --principal kacho --post 担当 ;;
    retire) expect_exit 0 "$ITAKU" key retire "$(fpr_of "$T/kacho3.key")" ;;
    compromise)
        expect_exit 0 "$ITAKU" key compromised "$(fpr_of "$T/kacho4.key")" --last-good "$GENESIS" \
            --reason 盗難
        ;;
    stricter)
        python3 - "$T/rules.json" "$T/strict.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for rule in r["decision_rules"]:
    if rule["request_kinds"] == ["third-party-provision"]:
        rule["approvers"] = [{"post": "部長", "count": 1}, {"post": "課長", "count": 2}]
json.dump(r, open(sys.argv[2], "w"), ensure_ascii=False)
PY
        expect_exit 0 "$ITAKU" contract amend --decision-rules "$T/strict.json" --reason 厳格化
        ;;
    esac
    local m1 d x y before
    m1=$(git rev-parse main)
    expect_exit 0 push_as akiruno-city main:main
    for who in $old; do
        (cd "$copy" && "$ITAKU" kessai "acme/$req" --approve --key "$T/$who.key") >/dev/null ||
            fail "the copy that never saw the $change does not take the decision"
    done
    git fetch -q "$copy" main:refs/heads/old-decision
    d=$(git rev-parse old-decision)
    git update-ref -d refs/heads/old-decision
    [ "$(git rev-parse "$d^1")" != "$m1" ] || fail "the old decision was taken on current main"
    git cat-file -p "$d" | has "^Itaku-Action: approve" || fail "$d is not a decision"
    # the decision's line first, the change second (the attack), and the
    # other way round
    x=$(forge "$T/city.key" officer receive "$d $m1" "Itaku-Received: akiruno-city $m1
")
    y=$(forge "$T/city.key" officer receive "$m1 $d" "Itaku-Received: akiruno-city $d
")
    git update-ref refs/heads/hostile "$x"
    expect_rejected "$x" V12
    only_v12 "$x"
    expect_output "joins the decision parties/akiruno-city/decisions/acme/d-[0-9]+\.json, which its parent ${d:0:12} holds, with parties/akiruno-city/[a-z.-]+ as its parent ${m1:0:12} has it"
    git update-ref refs/heads/hostile "$y"
    expect_rejected "$y" V12
    only_v12 "$y"
    git update-ref -d refs/heads/hostile
    for h in "$x" "$y"; do
        before=$(hub_refs)
        expect_exit 1 push_as akiruno-city "$h:refs/heads/main"
        expect_output "${h:0:12}.*V12"
        [ "$(hub_refs)" = "$before" ] || fail "a refused push changed the hub ($change)"
    done
    # twin: the decision taken again on current main
    for who in $twin; do
        expect_exit 0 "$ITAKU" kessai "acme/$req" --approve --key "$T/$who.key"
    done
    expect_output "acme/$req is approved"
    expect_exit 0 "$ITAKU" verify
    expect_exit 0 push_as akiruno-city main:main
    [ "$(git -C "$HUB" rev-parse main)" = "$(git rev-parse main)" ] || fail "the hub did not take main"
    ok "a decision taken on a main older than the $change, merged with it either way round, is refused (V12, the merge named; the hub unchanged); taken again on current main it passes"
}

swap_case demote q-000001 kacho kacho2
swap_case retire q-000002 kacho3 kacho2
swap_case compromise q-000003 "kacho2 kacho4" "kacho2 kacho5"
swap_case stricter q-000004 "bucho kacho2" "bucho kacho2 kacho5"

# --- the same shape in ordinary use: an officer's copy takes a decision on an
# older main, then receives acme's line, which pulled the newer main (here
# with a key added) from the city: itaku refuses to write that receipt and
# says what to do; verify refuses the merge built with stock git.
"$ITAKU" key generate "$T/tanto3.key" --comment tanto3 >/dev/null
expect_exit 0 "$ITAKU" approve acme/q-000005
cp -a "$T/city" "$T/old"
expect_exit 0 "$ITAKU" key add "$T/tanto3.key.pub" --principal tanto3 --post 担当
(cd "$T/acme" && "$ITAKU" pull "$T/city" &&
    "$ITAKU" request submit copy --summary "次の複製" --details "作業のため") >"$T/out" 2>&1 || {
    cat "$T/out" >&2
    fail "acme does not pull the city's main and file a request"
}
cd "$T/old"
expect_exit 0 "$ITAKU" kessai acme/q-000005 --approve --key "$T/bucho.key"
expect_output "acme/q-000005 is approved"
D=$(git rev-parse main)
# (receiving from a folder keeps acme's verified line: main must not move)
expect_exit 2 "$ITAKU" receive acme "$T/acme"
expect_output "joins the decision .*take the decision again on the city's current main"
[ "$(git rev-parse main)" = "$D" ] || fail "a refused receipt moved main"
git diff --quiet HEAD || fail "a refused receipt changed the work tree"
git fetch -q "$T/acme" main:refs/heads/acme-line
C=$(git rev-parse acme-line)
git update-ref -d refs/heads/acme-line
X=$(forge "$T/city.key" officer receive "$D $C" "Itaku-Received: acme $C
")
git update-ref refs/heads/hostile "$X"
expect_rejected "$X" V12
only_v12 "$X"
git update-ref -d refs/heads/hostile
# twin: current main receives acme's line and takes the decision on it
cd "$T/city"
expect_exit 0 "$ITAKU" receive acme "$T/acme"
expect_exit 0 "$ITAKU" kessai acme/q-000005 --approve --key "$T/bucho.key"
expect_output "acme/q-000005 is approved"
expect_exit 0 "$ITAKU" verify
ok "receiving a line that pulled a newer main onto a decision taken on an older one is refused with what to do (V12); current main receives it and decides"

finish
