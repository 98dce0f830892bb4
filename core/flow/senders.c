/* Whose a fetched or imported tip is comes from its signature (DESIGN §7):
 * a bundle's header or a remote's tag only names it for the messages. What
 * moves, and when, is sync.c's; this file only attributes. */
#include "senders_priv.h"
#include "itaku/chain.h"
#include "itaku/errors.h"

#include <stdio.h>
#include <string.h>

static void copy_party(char out[ITK_PARTY_ID_MAX + 1], const char *party)
{
    snprintf(out, ITK_PARTY_ID_MAX + 1, "%s", party);
}

/* 1 when signer may move party's line: it is party, or above it. */
static int may_move_line(git_repository *repo, const git_tree *tree, const char *party,
                         const char *signer)
{
    return strcmp(signer, party) == 0 || itk_chain_is_ancestor(repo, tree, signer, party);
}

/* 1 when signer is the requester or a party between it and the city. */
static int may_move_request(git_repository *repo, const git_tree *tree, const char *requester,
                            const char *signer)
{
    char path[ITK_MAX_CHAIN][ITK_PARTY_ID_MAX + 1];
    size_t n = 0;
    if (itk_chain_path(path, &n, repo, tree, requester)) {
        itk_error_clear();
        return 0;
    }
    for (size_t i = 0; i + 1 < n; i++) /* path[n-1] is the city */
        if (strcmp(path[i], signer) == 0)
            return 1;
    return 0;
}

int itk_senders_attribute(char out[ITK_PARTY_ID_MAX + 1], git_repository *repo,
                          const git_tree *tree, itk_tip_kind kind, const char *named,
                          const char *signer, int strict, const git_oid *tip, const char *ref,
                          const char *source)
{
    char hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(hex, sizeof(hex), tip);
    out[0] = '\0';
    if (!signer || !*signer)
        return itk_error_set(ITK_EVERIFY,
                             "%s was refused: %s points at commit %.12s, which no registered "
                             "party signed, so it is nobody's line; nothing was taken",
                             source, ref, hex);
    if (kind == ITK_TIP_REQUEST) {
        if (named && may_move_request(repo, tree, named, signer)) {
            copy_party(out, named);
            return 0;
        }
        return itk_error_set(ITK_EVERIFY,
                             "%s was refused: %s points at commit %.12s, signed by %s; a request "
                             "branch of %s moves only to a commit of %s or of a party between it "
                             "and the city (an endorsement); that branch was not taken",
                             source, ref, hex, signer, named ? named : "?", named ? named : "?");
    }
    if (named && *named && may_move_line(repo, tree, named, signer)) {
        copy_party(out, named);
        return 0;
    }
    if (named && *named && strict) {
        char path[ITK_MAX_CHAIN][ITK_PARTY_ID_MAX + 1];
        size_t n = 0;
        int city = itk_chain_path(path, &n, repo, tree, named) == 0 && n == 1;
        itk_error_clear();
        if (city)
            return itk_error_set(ITK_EVERIFY,
                                 "%s was refused: it says it comes from the city (%s), but its %s "
                                 "(commit %.12s) is signed by %s; the city's line moves only to "
                                 "the city's commits, so the file is not what it says it is; "
                                 "nothing was taken",
                                 source, named, ref, hex, signer);
        return itk_error_set(ITK_EVERIFY,
                             "%s was refused: it says it comes from %s, but its %s (commit %.12s) "
                             "is signed by %s, which is neither %s nor a party above it; %s's "
                             "line moves only to commits of %s or of a party above it, so the "
                             "file is not what it says it is; nothing was taken",
                             source, named, ref, hex, signer, named, named, named);
    }
    copy_party(out, signer);
    return 0;
}
