# bash completion for itaku. Commands, subcommands and options come from the
# binary's own option tables (`itaku __complete WORDS...`), as do the party
# ids and record/request ids of the registry in the current directory.
_itaku() {
    local cur=${COMP_WORDS[COMP_CWORD]}
    local words=("${COMP_WORDS[@]:1:COMP_CWORD}")
    local bin=${COMP_WORDS[0]}
    local list
    list=$("$bin" __complete "${words[@]}" 2>/dev/null) || return 0
    if [ "$list" = "__files__" ]; then
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
        return 0
    fi
    mapfile -t COMPREPLY < <(compgen -W "$list" -- "$cur")
}
complete -F _itaku itaku
