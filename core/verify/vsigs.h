/* The signatures of a batch of commits checked on every core (issue 18):
 * the walk reads each commit's signature and signed bytes on its own thread
 * (libgit2 is not asked anything from the others), a pool of threads made
 * for the batch verifies them (OpenSSL alone), and policy.c's V1 check takes
 * the fingerprint found for its commit instead of verifying again. Results
 * are looked up by commit id and consumed in the walk's order, so what verify
 * prints is the same for one thread and for many. A signature that does not
 * verify is left to policy.c (its message is made there, as before). One
 * per verify run: no global state. Private to verify. */
#ifndef ITAKU_VSIGS_H
#define ITAKU_VSIGS_H

#include <git2.h>
#include <stddef.h>

/* The most commits of one batch: bounds the signed bytes held at once
 * (about 1 KiB a commit). */
#define ITK_VSIGS_BATCH 1024
/* The most threads a run starts. */
#define ITK_VSIGS_MAX_THREADS 64

typedef struct itk_vsigs itk_vsigs;

/* The threads a run uses: threads when not 0, else the environment's
 * ITAKU_THREADS (1 to ITK_VSIGS_MAX_THREADS), else the online CPUs. */
unsigned itk_vsigs_threads(unsigned threads);

/* A table for up to ITK_VSIGS_BATCH commits checked on threads threads (1:
 * on the caller's alone). 0 or ITK_ENOMEM. */
int itk_vsigs_new(itk_vsigs **out, unsigned threads);

/* Reads commit id's signature and signed bytes for the next itk_vsigs_run:
 * 0 (a commit that is unsigned, too big or unreadable is left out: policy.c
 * names it), ITK_ENOMEM. Not past ITK_VSIGS_BATCH commits (then 0, left
 * out). */
int itk_vsigs_add(itk_vsigs *s, git_repository *repo, const git_oid *id);

/* Verifies every signature added since the last call, on the threads: 0, or
 * a thread that cannot be started leaves its share to the caller's
 * thread. */
int itk_vsigs_run(itk_vsigs *s);

/* Starts verifying every signature added since the last call on threads - 1
 * threads of their own, while the caller goes on (with one thread, the caller
 * verifies them before it returns). No other call on s but itk_vsigs_wait
 * until itk_vsigs_wait. */
void itk_vsigs_start(itk_vsigs *s);

/* Waits for what itk_vsigs_start started (helping with what is left). */
void itk_vsigs_wait(itk_vsigs *s);

/* The fingerprint of the key that signed id, when its signature was added
 * and verified; NULL otherwise. Valid until itk_vsigs_clear. */
const char *itk_vsigs_fingerprint(itk_vsigs *s, const git_oid *id);

/* Drops the batch. */
void itk_vsigs_clear(itk_vsigs *s);

/* Signatures verified by the table (for counting work). */
size_t itk_vsigs_verified(const itk_vsigs *s);

void itk_vsigs_free(itk_vsigs *s);

#endif
