#!/usr/bin/env bash
# Extracts the messages of itaku into a template (.pot) with xgettext:
#   po/extract.sh OUT.pot [SCOPE...]
# SCOPE is a source folder of the repository: core (libitaku) and cli (the
# command); both when none is given. The keywords are the library's
# (core/util/intl.h, core/include/itaku/errors.h and the functions that
# record a verification problem) and the command's (cli/i18n.h). Update
# po/ja.po from the template with: msgmerge --update po/ja.po OUT.pot
set -euo pipefail

out=${1:?usage: po/extract.sh OUT.pot [core] [cli]}
shift
scopes=("$@")
[ ${#scopes[@]} -gt 0 ] || scopes=(core cli)
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# NAME:ARG of each function whose argument is a message (c-format when the
# function formats it).
formats=(
    itk_error_set:2 itk_error_git:1 itk_notice_set:1 itk_error_prefix:2
    itk_policy_problem:6 itk_verify_result_problem:5 PROBLEM:4
    schema_problem:2 auth_refuse:2 flaw_set:4 scan_fail:3 too_big:2
)
plain=(gettext:1 ngettext:1,2 header_fail:4 itk__:1 ITK_N_:1 itk_n_:1,2 _:1 N_:1 P_:1,2)

args=(--language=C --keyword --from-code=UTF-8 --package-name=itaku --msgid-bugs-address=https://itaku.invalid/issues
      --add-comments=TRANSLATORS: --no-wrap --sort-by-file -o "$out")
for k in "${formats[@]}"; do
    args+=(--keyword="$k" --flag="$k:c-format")
done
for k in "${plain[@]}"; do
    args+=(--keyword="$k")
done
# itk_n_ and P_ take a printf format in both forms
args+=(--flag=itk_n_:1:pass-c-format --flag=itk_n_:2:pass-c-format
       --flag=P_:1:pass-c-format --flag=P_:2:pass-c-format
       --flag=itk__:1:pass-c-format --flag=_:1:pass-c-format)

files=()
for s in "${scopes[@]}"; do
    [ -d "$src/$s" ] || { echo "po/extract.sh: no folder $s" >&2; exit 2; }
    while IFS= read -r f; do files+=("${f#"$src"/}"); done < <(find "$src/$s" -name '*.[ch]' | LC_ALL=C sort)
done
cd "$src"
xgettext "${args[@]}" "${files[@]}"
