# A whole contract's story across four registries, for the history and
# report tests (source it after lib.sh): setup_chain's city, acme, beta and
# gamma, plus forms, register entries (one dated in another time zone), an
# approval used once, an instruction already past due when issued and its
# answer, a record citing a missing one, an incident, a contractor "delta"
# with no records at all, a void commit (beta's second key marked compromised
# after a later commit of it) and a city-recovered key of gamma.
at() { (cd "$T/$1" && shift && "$@"); }
quiet() { "$@" >/dev/null 2>&1 || { "$@"; fail "failed: $*"; }; }

story_setup() {
    setup_chain
    "$ITAKU" key generate "$T/delta.key" >/dev/null
    quiet at city "$ITAKU" party add delta --role contractor --name "デルタ株式会社" \
        --pubkey "$T/delta.key.pub"

    # acme: form 1 (manager 佐藤花子, workers w-001 trained and w-002 not), form 2,
    # then a change of manager (山本一子) superseding that form 1
    python3 - "$FORM1_BODY" "$SRC/tests/schema-corpus/form2/valid/base.json" "$T" "$CONTRACT_START" <<'PY'
import json, sys
f1, f2, t, start = sys.argv[1:]
f = json.load(open(f1))
f["workers"].append({"worker_id": "w-002", "name": "高橋次郎", "dept": "開発課",
                     "work_scope": "データ移行", "access_scope": "移行用抽出データ"})
json.dump(f, open(t + "/f1.json", "w"), ensure_ascii=False)
f["filing_type"] = "change"
f["change"] = {"effective_on": start, "items": ["管理責任者の変更"], "reason": "異動"}
f["manager"]["name"] = "山本一子"
json.dump(f, open(t + "/f1c.json", "w"), ensure_ascii=False)
json.dump(json.load(open(f2)), open(t + "/f2.json", "w"), ensure_ascii=False)
PY
    quiet at acme "$ITAKU" form submit 1 "$T/f1.json"
    quiet at acme "$ITAKU" form submit 2 "$T/f2.json"
    quiet at acme "$ITAKU" form submit 1 "$T/f1c.json" --supersedes f1-000001
    reg() { quiet "$ITAKU" -C "$T/$1" register add --medium usb --quantity 1 \
        --handler "鈴木一郎" --method hand-delivery "${@:2}"; }
    # written in New York time: shown in the contract's zone (the next day, 00:00 JST)
    reg acme --action received --item-id item-1 --info "住民記録データ" \
        --occurred-at "$(day 0)T10:00:00-05:00"
    reg acme --action received --item-id item-2 --info "税務データ"
    reg acme --action returned --item-id item-2 --info "税務データ"

    # beta: a copy approved once (endorsed by acme, approved by the city) and used
    reg beta --action received --item-id b-1 --info "住民記録データ"
    quiet at beta "$ITAKU" request submit copy --summary "検証用に複製" --item b-1
    chain_up beta
    quiet at acme "$ITAKU" endorse beta/q-000002
    chain_up acme
    quiet at city "$ITAKU" approve beta/q-000002 --max-uses 1 --valid-until 2099-03-31
    chain_down beta
    reg beta --action copied --item-id b-2 --derived-from b-1 --info "住民記録データ(写)" \
        --approval beta/q-000002

    # an instruction already past due when issued, answered late; a form 4
    # citing an instruction that does not exist
    NLATE=$(at city "$ITAKU" instruct report --to acme --due 2020-01-31 --backdated --text "臨時報告" 2>/dev/null)
    chain_down acme
    form4_answering "$NLATE" >"$T/r1.json"
    form4_answering akiruno-city/n-999999 >"$T/r2.json"
    quiet at acme "$ITAKU" form submit 4 "$T/r1.json"
    quiet at acme "$ITAKU" form submit 4 "$T/r2.json" --unverified-ref --reason "電話での指示"
    # an incident at gamma
    quiet at gamma "$ITAKU" incident report "$SRC/tests/schema-corpus/incident/valid/base.json"

    # beta's second key signs two entries; acme marks it compromised with the
    # first as last good: the second becomes void
    beta_key_stolen gamma

    # the city recovers a lost key of gamma; gamma signs with it before confirming
    "$ITAKU" key generate "$T/gamma2.key" >/dev/null
    doc=$(printf '紛失届' | sha256sum | cut -d' ' -f1)
    quiet at city "$ITAKU" key recover gamma "$T/gamma2.key.pub" --document "$doc" --principal sato
    chain_down gamma
    git -C "$T/gamma" config itaku.signingKey "$T/gamma2.key"
    reg gamma --action received --item-id g-1 --info "住民記録データ"
    RECOVERED=$(git -C "$T/gamma" rev-parse HEAD)
    chain_up gamma
}
