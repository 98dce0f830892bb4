/* Senders are proven, not claimed (DESIGN §7): the one place that decides
 * which line a verified tip may move, and whether a request branch may
 * point at it, from who signed the tip. Used by every take (sync.c). */
#ifndef ITAKU_SENDERS_PRIV_H
#define ITAKU_SENDERS_PRIV_H

#include <git2.h>

#include "itaku/record.h"

typedef enum {
    ITK_TIP_LINE,    /* main or parties/<P>/main: refs/itaku/lines/<out> */
    ITK_TIP_REQUEST, /* requests/<named>/<rec> */
} itk_tip_kind;

/* Attributes a verified tip signed by `signer` (the acting party verify
 * found for it; "" when none) that its source calls `named`'s.
 *  - ITK_TIP_LINE: out = named when signer is named or a party above named
 *    in tree's chain (a line ends on its parent's commit after a
 *    fast-forward pull); otherwise out = signer: the name was only a hint,
 *    unless `strict` (the source's own word for who it is, a bundle's
 *    sender), when a name the signature contradicts is ITK_EVERIFY.
 *  - ITK_TIP_REQUEST: out = named (the requester R) when signer is R or a
 *    party between R and the city; otherwise ITK_EVERIFY.
 * tree is the tip's own (verified) tree; ref names the ref and source where
 * it came from, for the message, which names the commit and its signer and
 * blames nobody else. Moves nothing. */
int itk_senders_attribute(char out[ITK_PARTY_ID_MAX + 1], git_repository *repo,
                          const git_tree *tree, itk_tip_kind kind, const char *named,
                          const char *signer, int strict, const git_oid *tip, const char *ref,
                          const char *source);

#endif
