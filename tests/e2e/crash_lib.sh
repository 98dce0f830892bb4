# Shared by the crash tests (issue 20, point 1): the commands they stop and
# what must hold after each stop. Source after lib.sh, in a set-up made by
# setup_city_and_contractor.

# reg_add ID: a register entry in the cwd's registry
reg_add() {
    "$ITAKU" register add --action received --item-id "$1" --info "住民記録データ" \
        --medium usb --quantity 1 --handler "鈴木一郎" --method hand-delivery \
        --occurred-at "$(day 0)T10:00:00+09:00"
}
# landed_item ID: how many register entries of the cwd's HEAD carry ID
landed_item() {
    git grep -l "\"item_id\": \"$1\"" HEAD -- 'parties/*/register/*' | wc -l
}

# after_crash DIR WHAT: what must hold in registry DIR after a process was
# killed in it: git fsck and verify --full pass, and nothing is left that
# makes the next writer wait (checked by the caller's rerun with
# ITAKU_LOCK_WAIT=0).
after_crash() {
    (cd "$1" && git fsck --strict >"$T/fsck" 2>&1) || { cat "$T/fsck" >&2; fail "$2: git fsck fails"; }
    (cd "$1" && "$ITAKU" verify --full >"$T/vout" 2>&1) || { cat "$T/vout" >&2; fail "$2: verify --full fails"; }
}

# clean_tree DIR WHAT: index and work tree are HEAD's
clean_tree() {
    local st
    st=$(cd "$1" && git status --porcelain)
    [ -z "$st" ] || { echo "$st" >&2; fail "$2: index or work tree not HEAD's"; }
}
