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

/* What a known_hosts file's text (len bytes, untrusted, need not end in a
 * NUL) says about host key key (its wire blob) of hoststr ("host" or
 * "[host]:port", lower case): KH_REVOKED when a @revoked line names the key,
 * else KH_MATCH when a line for the host holds it, KH_MISMATCH when lines
 * for the host hold only other keys, KH_UNKNOWN when none names the host.
 * Lines longer than ITK_MAX_KNOWN_HOSTS_LINE bytes and @cert-authority lines
 * are skipped; hashed hosts (|1|salt|hash) are matched (OpenSSH sshd(8)
 * SSH_KNOWN_HOSTS FILE FORMAT). */
enum { KH_UNKNOWN, KH_MISMATCH, KH_MATCH, KH_REVOKED };
#define ITK_MAX_KNOWN_HOSTS_LINE (16 * 1024)
int itk_known_hosts_match(const char *text, size_t len, const char *hoststr,
                          const unsigned char *key, size_t keylen);

#endif
