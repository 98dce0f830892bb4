/* The SSH side of remotes, shared by remote.c, sync.c and clone.c: the
 * credential and host-key callbacks for libgit2 (remote_auth.c). */
#ifndef ITAKU_REMOTE_AUTH_H
#define ITAKU_REMOTE_AUTH_H

#include "itaku/remote.h"

typedef struct itk_remote_auth itk_remote_auth;

/* Callback state for connecting to url: key file (opts, else repo's config
 * itaku.signingKey; repo may be NULL), agent, known_hosts and pin (opts,
 * else pinned). */
int itk_remote_auth_new(itk_remote_auth **out, git_repository *repo, const char *url,
                        const itk_remote_options *opts, const char *pinned);
void itk_remote_auth_free(itk_remote_auth *a);
/* Fills credentials and certificate_check (and collects what the server
 * says on its side band). */
void itk_remote_auth_callbacks(git_remote_callbacks *cb, itk_remote_auth *a);
/* Our own reason when a callback refused (unknown host key, no key
 * accepted), else "". */
const char *itk_remote_auth_reason(const itk_remote_auth *a);
/* What the server printed ("remote: …" lines), bounded. */
const char *itk_remote_auth_server_said(const itk_remote_auth *a);
/* The refs a push's server refused, with its reasons, else "". */
const char *itk_remote_auth_rejected(const itk_remote_auth *a);

/* After a failed libgit2 call: our reason if a callback refused, else
 * libgit2's message; prefixed with what. Returns ITK_EAUTH or ITK_EGIT. */
int itk_remote_auth_fail(const itk_remote_auth *a, const char *what);

#endif
