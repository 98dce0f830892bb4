#!/usr/bin/env bash
# Record ids as people type them (issue 16, point 2): one reader
# (itk_record_id_input, the one instructions use) takes r-2, R-2,
# r-000002, acme/r-000002 and full-width digits wherever a record id is
# given: --supersedes, --approval, approve, history, record show, withdraw.
# A correction that would repeat another entry is refused without advising
# --again, and a refusal that wrote nothing has no note advising
# --supersedes.
. "$(dirname "$0")/lib.sh"

setup_city_and_contractor
cd "$T/acme"
reg() { "$ITAKU" register add --action received --medium usb --quantity 1 --handler "鈴木一郎" \
    --info "住民データ" --method 手渡し "$@"; }
expect_exit 0 reg --item-id item-1 --occurred-at "$(day -1)T10:00:00+09:00"
expect_exit 0 reg --item-id item-2 --occurred-at "$(day -1)T10:00:00+09:00"

# r-2: the entry r-000002 is corrected (not a second entry of item-2 at 10:00)
expect_exit 0 reg --item-id item-2 --occurred-at "$(day -1)T10:30:00+09:00" --supersedes r-2
[ "$(cat "$T/out")" = r-000003 ] || fail "the correction is $(cat "$T/out")"
git show HEAD:parties/acme/register/r-000003.json | has '"supersedes": "r-000002"' ||
    fail "--supersedes r-2 was not stored as r-000002"
# full-width digits and the party's own prefix
expect_exit 0 reg --item-id item-1 --occurred-at "$(day -1)T10:15:00+09:00" --supersedes "ｒ－１"
git show HEAD:parties/acme/register/r-000004.json | has '"supersedes": "r-000001"' ||
    fail "--supersedes ｒ－１ was not stored as r-000001"
expect_exit 0 reg --item-id item-1 --occurred-at "$(day -1)T10:20:00+09:00" --supersedes acme/R-4
git show HEAD:parties/acme/register/r-000005.json | has '"supersedes": "r-000004"' ||
    fail "--supersedes acme/R-4 was not stored as r-000004"
ok "--supersedes takes r-2, ｒ－１ and acme/R-4 as our r-000002, r-000001 and r-000004"

# acme/r-000099 is read (the party's prefix), and not found: the closest named
expect_refused "--supersedes r-000099: acme has no register record of that id \\(closest: " \
    reg --item-id item-3 --occurred-at "$(day -1)T11:00:00+09:00" --supersedes acme/r-000099
expect_refused "that is akiruno-city's record; acme corrects only its own" \
    reg --item-id item-3 --occurred-at "$(day -1)T11:00:00+09:00" --supersedes akiruno-city/r-1
ok "--supersedes acme/r-000099 is read as acme's own id; another party's is refused"

# a correction the same as another entry: --again is no advice there, and
# no note speaks of a write that did not happen (a time after now)
expect_exit 0 reg --item-id item-9 --occurred-at 2030-01-01T10:00:00+09:00 2>/dev/null
expect_refused "already has entry acme/r-000003: 'received' of item number 'item-2' at $(day -1) 10:30, the same as this correction of r-000006 would be. If acme/r-000003 is the entry to correct, give --supersedes r-000003" \
    reg --item-id item-2 --occurred-at "$(day -1)T10:30:00+09:00" --supersedes r-6
grep -q -- "--again" "$T/err" && fail "a correction was advised --again: $(cat "$T/err")"
expect_refused "already has entry acme/r-000006" \
    reg --item-id item-9 --occurred-at 2030-01-01T10:00:00+09:00
# refused after the time was noted (a method the contract does not name)
expect_refused "The handover method '手渡' of this received entry is not one" \
    "$ITAKU" register add --action received --medium usb --quantity 1 --handler "鈴木一郎" \
    --info "住民データ" --method 手渡 --item-id item-8 --occurred-at 2030-01-01T10:00:00+09:00
grep -q "note:" "$T/err" && fail "a refusal that wrote nothing has a note: $(cat "$T/err")"
ok "a correction repeating another entry names it without --again; a refusal has no note"

# requests: withdraw, approve and history take q-2, 2's id and full-width digits
expect_exit 0 "$ITAKU" request submit copy --summary "検証用に複製" --item item-1
expect_exit 0 "$ITAKU" request submit take-out --summary "持ち出し" --item item-2
expect_exit 0 "$ITAKU" withdraw "ｑ－２"
expect_output "Withdrew"
expect_exit 0 "$ITAKU" history r-3
expect_output "acme/r-000003"
expect_exit 0 "$ITAKU" record show R-3
expect_output '"id": "r-000003"'
cd "$T/city"
expect_exit 0 "$ITAKU" receive acme "$T/acme"
expect_exit 0 "$ITAKU" approve q-1
expect_output "Approved q-1"
expect_exit 0 "$ITAKU" history acme/q-1
expect_output "acme/q-000001"
expect_exit 2 "$ITAKU" approve q-1
expect_output "acme/q-000001 is approved already"
ok "withdraw ｑ－２, approve q-1, history r-3 and acme/q-1, record show R-3"

# register add --approval q-1: our own approved request acme/q-000001
cd "$T/acme"
expect_exit 0 "$ITAKU" pull "$T/city"
expect_exit 0 "$ITAKU" register add --action copied --item-id item-1c --derived-from item-1 \
    --info "住民データ(写)" --medium file --quantity 1 --handler "鈴木一郎" --approval q-1
r=$(cat "$T/out")
git show "HEAD:parties/acme/register/$r.json" | has '"approval": "acme/q-000001"' ||
    fail "--approval q-1 was not stored as acme/q-000001"
ok "register add --approval q-1 cites acme/q-000001"
finish
