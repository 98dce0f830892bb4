/* The signers' names of a walk over many commits (`itaku log`, the
 * report's timeline), one itk_name_memo (people.h) per party and principal:
 * the parties' commits come interleaved, and one memo answers again only
 * for the signer it was last asked about. */
#ifndef ITAKU_NAME_MEMOS_H
#define ITAKU_NAME_MEMOS_H

#include "itaku/people.h"

/* Slots a principal's memo is picked from (by a hash of its name). */
#define ITK_NAME_MEMOS_SLOTS 256

typedef struct {
    itk_name_memo slot[ITK_NAME_MEMOS_SLOTS];
} itk_name_memos;

/* Zeroes m, each memo not counting what vw's commits wrote (NULL: every
 * name counts; borrowed, outlives m). */
void itk_name_memos_init(itk_name_memos *m, const itk_void_writes *vw);
/* The memo for party's principal (either may be NULL), for
 * itk_principal_name_memo or itk_snapshot_name_memo; borrowed from m. */
itk_name_memo *itk_name_memos_slot(itk_name_memos *m, const char *party, const char *principal);
/* Lets go of what m's memos hold. */
void itk_name_memos_dispose(itk_name_memos *m);

#endif
