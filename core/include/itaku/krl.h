/* Writing an OpenSSH Key Revocation List (KRL) that revokes plain public keys,
 * for `itaku export revocations`: the file stock ssh-keygen reads with -Q and
 * with -Y verify -r (git's gpg.ssh.revocationFile). Source: OpenSSH
 * PROTOCOL.krl ("KRL_SECTION_EXPLICIT_KEY"), ssh-keygen(1) "KEY REVOCATION
 * LISTS"; the bytes equal those of `ssh-keygen -k -z VERSION` given the same
 * keys (tests/unit/test_krl.c). */
#ifndef ITAKU_KRL_H
#define ITAKU_KRL_H

#include <stddef.h>

#include "itaku/buf.h"
#include "itaku/sshkey.h"

/* Most keys one KRL revokes: far above any contract's keys, so that a bug
 * cannot make a file of unbounded size. */
#define ITK_KRL_KEYS_MAX 4096
/* Longest comment written into the KRL's header. */
#define ITK_KRL_COMMENT_MAX 1024

/* Appends to out (cleared first) a KRL revoking keys[0..n-1] as explicit keys
 * (their wire blobs, sorted and each once, as OpenSSH orders them), with
 * version (the KRL's serial: a newer list has a higher one), generated
 * (unix seconds, UTC) and comment in its header. n may be 0: a KRL that
 * revokes nothing. Errors: ITK_ETOOBIG (n over ITK_KRL_KEYS_MAX, comment over
 * ITK_KRL_COMMENT_MAX, a blob over ITK_MAX_KEY_FILE_BYTES), ITK_EINVALID (a
 * negative time), ITK_ENOMEM; out is empty after an error. */
int itk_krl_write(itk_buf *out, const itk_pubkey *const *keys, size_t n, unsigned long long version,
                  long long generated, const char *comment);

#endif
