#!/usr/bin/env bash
# The layers of core/ (README "Layout"): fails when a file includes a header of
# a higher layer, when two concepts include each other (directly or around a
# circle), or when an include cannot be placed.
#
# Layers, lowest first: util ssh model verify flow views. A private header
# belongs to the folder it lives in; a public header core/include/itaku/x.h to
# the folder of x.c (PUBLIC_ONLY below names the ones without a x.c).
#
# A concept is a file's name without its extension and without one of the
# suffixes _priv, _chain, _objects, _cache, _rules: policy.c, policy_chain.c,
# policy_objects.c and policy_priv.h are the concept "policy". Files of one
# concept may include each other freely; between concepts the includes of
# private headers (a module's insides: its state, its helpers) must form no
# circle. A public header is a layer's API (types and declarations) that any
# file of its layer or above may include; it is held to the layers only.
#
# With LIBRARY (libitakucore.a), the same two rules hold for calls: no object
# of a layer uses a function or data of a higher layer, and the calls between
# concepts form no circle. Calls named in CALLS_TO_GO below would be let through
# until their code moves (none today).
#
# Usage: layers.sh [SOURCE_DIR [LIBRARY]] (default: the repository holding
# this script, no library).
set -u
src=${1:-$(cd "$(dirname "$0")/.." && pwd)}
lib=${2:-}
# "concept concept": calls that close a circle today, let through (none).
CALLS_TO_GO=()
core=$src/core
layers=(util ssh model verify flow views)
# Public headers with no .c of their name: their layer.
declare -A PUBLIC_ONLY=([progress]=util [names]=util)
# Headers the build writes (not in the source tree).
declare -A GENERATED=([rules_digest.h]=1 [kanji_variants_table.h]=1)

declare -A rank private public
for i in "${!layers[@]}"; do rank[${layers[$i]}]=$i; done
fail=0
err() {
    echo "layers: $*" >&2
    fail=1
}

for layer in "${layers[@]}"; do
    [ -d "$core/$layer" ] || err "core/$layer/ is missing"
    for f in "$core/$layer"/*.h "$core/$layer"/*.c; do
        [ -e "$f" ] || continue
        name=$(basename "$f")
        if [ "${f##*.}" = h ]; then
            [ -z "${private[$name]:-}" ] || err "$name is in both core/${private[$name]}/ and core/$layer/"
            private[$name]=$layer
        else
            public[${name%.c}.h]=$layer
        fi
    done
done
for f in "$core"/*.c "$core"/*.h; do
    [ -e "$f" ] && err "${f#$src/}: every source of core/ lives in a layer's folder"
done

layer_of() { # file path -> layer
    local f=$1 name
    name=$(basename "$f")
    case $f in
    "$core"/include/itaku/*)
        if [ -n "${public[$name]:-}" ]; then
            echo "${public[$name]}"
        elif [ -n "${PUBLIC_ONLY[${name%.h}]:-}" ]; then
            echo "${PUBLIC_ONLY[${name%.h}]}"
        fi
        ;;
    *) basename "$(dirname "$f")" ;;
    esac
}
concept() { # file name -> concept
    local c=${1%.*}
    c=${c#itaku/}
    for s in _priv _chain _objects _cache _rules; do
        c=${c%"$s"}
    done
    echo "$c"
}

edges=$(mktemp)
trap 'rm -f "$edges"' EXIT
files=("$core"/include/itaku/*.h)
for layer in "${layers[@]}"; do
    files+=("$core/$layer"/*.[ch])
done
for f in "${files[@]}"; do
    [ -e "$f" ] || continue
    rel=${f#$src/}
    from=$(layer_of "$f")
    if [ -z "$from" ]; then
        err "$rel: a public header with no $(basename "${f%.h}").c: add its layer to PUBLIC_ONLY"
        continue
    fi
    while IFS= read -r inc; do
        case $inc in
        itaku/*)
            h=${inc#itaku/}
            if [ -n "${public[$h]:-}" ]; then
                to=${public[$h]}
            elif [ -n "${PUBLIC_ONLY[${h%.h}]:-}" ]; then
                to=${PUBLIC_ONLY[${h%.h}]}
            else
                err "$rel: #include \"$inc\": no such public header with a known layer"
                continue
            fi
            ;;
        *)
            if [ -n "${GENERATED[$inc]:-}" ]; then
                continue
            elif [ -n "${private[$inc]:-}" ]; then
                to=${private[$inc]}
            else
                err "$rel: #include \"$inc\": no header of that name in core/'s folders"
                continue
            fi
            ;;
        esac
        if [ "${rank[$to]}" -gt "${rank[$from]}" ]; then
            err "$rel (core/$from/) includes \"$inc\" of core/$to/, a higher layer"
        fi
        case $inc in
        itaku/*) ;;
        *)
            a=$(concept "$(basename "$f")")
            b=$(concept "$inc")
            [ "$a" = "$b" ] || echo "$a $b" >>"$edges"
            ;;
        esac
    done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
done

# The command uses the public headers only.
for f in "$src"/cli/*.c "$src"/cli/*.h; do
    [ -e "$f" ] || continue
    while IFS= read -r inc; do
        case $inc in
        itaku/*) ;;
        *) [ -e "$src/cli/$inc" ] || err "${f#$src/}: #include \"$inc\": cli/ includes only itaku/*.h and its own headers" ;;
        esac
    done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
done

# Circles between concepts: tsort names each loop it finds.
if ! loops=$(sort -u "$edges" | tsort 2>&1 >/dev/null); then
    err "include circle between concepts (a file of the first includes one of the next, …):"
    echo "$loops" | sed 's/^tsort: -: //; s/^tsort: //; s/^/layers:   /' >&2
fi

# The same for calls, from the library's symbol tables.
if [ -n "$lib" ]; then
    declare -A obj_layer
    for f in "${files[@]}"; do
        case $f in *.c) obj_layer[$(basename "$f").o]=$(layer_of "$f") ;; esac
    done
    calls=$(mktemp)
    trap 'rm -f "$edges" "$calls"' EXIT
    # "object symbol D|U" for every defined and used global symbol
    nm -A "$lib" | awk '{ n = split($1, p, ":"); o = p[n - 1] }
        NF == 3 && $2 ~ /^[TDBR]$/ { print o, $3, "D" }
        NF == 3 && $2 == "U" { print o, $3, "U" }' >"$calls" || err "nm $lib failed"
    [ -s "$calls" ] || err "no symbols read from $lib"
    declare -A def
    while read -r o sym k; do
        [ "$k" = D ] && def[$sym]=$o
    done <"$calls"
    : >"$edges"
    while read -r o sym k; do
        [ "$k" = U ] || continue
        d=${def[$sym]:-}
        [ -n "$d" ] && [ "$d" != "$o" ] || continue
        from=${obj_layer[$o]:-}
        to=${obj_layer[$d]:-}
        [ -n "$from" ] && [ -n "$to" ] || continue
        if [ "${rank[$to]}" -gt "${rank[$from]}" ]; then
            err "${o%.o} (core/$from/) calls $sym of ${d%.o} in core/$to/, a higher layer"
        fi
        a=$(concept "${o%.o}")
        b=$(concept "${d%.o}")
        [ "$a" = "$b" ] && continue
        for known in "${CALLS_TO_GO[@]}"; do
            [ "$a $b" = "$known" ] && continue 2
        done
        echo "$a $b" >>"$edges"
    done <"$calls"
    if ! loops=$(sort -u "$edges" | tsort 2>&1 >/dev/null); then
        err "call circle between concepts (a file of the first calls one of the next, …):"
        echo "$loops" | sed 's/^tsort: -: //; s/^tsort: //; s/^/layers:   /' >&2
    fi
fi

if [ "$fail" = 0 ]; then
    echo "layers: ${#files[@]} files of core/ include only their own or lower layers, no circles${lib:+; calls too}"
fi
exit "$fail"
