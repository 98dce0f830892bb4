/* A hosted registry (DESIGN §7): a bare repository served by stock git over
 * sshd, whose hooks/pre-receive runs `itaku server check-push`. The check
 * enforces who may move which ref — main only by the city, parties/<P>/main
 * only by P, requests/<R>/<rec> by R or an ancestor of R below the city —
 * fast-forward only, no deletion, and every new commit verifies (V1–V10).
 * The party pushing is the one its SSH login maps to (ITAKU_PARTY, set by
 * the authorized_keys line add-party writes). */
#ifndef ITAKU_SERVER_H
#define ITAKU_SERVER_H

#include "itaku/buf.h"

/* Most ref updates one push may carry. */
#define ITK_SERVER_MAX_UPDATES 10000

/* Creates a bare repository at path (which must not exist or be empty) with
 * main as its default branch, the contract's pins (every push is verified
 * against them), and hooks/pre-receive calling itaku_binary (an absolute
 * path). The hook keeps its verification cache in cache_dir (made, mode
 * 0700), or with cache_dir NULL in the caller's cache folder + "/hosted"
 * (~/.cache/itaku/hosted); it is written to the registry's config as
 * itaku.cacheDir, which only the hook reads (DESIGN §7). With cache_dir NULL
 * and no HOME the hook runs uncached. ITK_EIO when cache_dir cannot be made;
 * nothing is created then. */
int itk_server_init(const char *path, const char *itaku_binary, const char *city_key,
                    const char *genesis, const char *cache_dir);

/* The authorized_keys line that lets pubkey_file's key log in as party:
 * git-shell only, no pty or forwarding, ITAKU_PARTY=<party>. */
int itk_server_authorized_line(itk_buf *out, const char *party, const char *pubkey_file);

/* Checks that path is a hosted registry (itk_server_init's), then appends
 * the authorized_keys line of party to authorized_keys (created with mode
 * 0600) when that is not NULL; line (may be NULL) gets the line. */
int itk_server_add_party(itk_buf *line, const char *path, const char *party,
                         const char *pubkey_file, const char *authorized_keys);

/* The pre-receive check: updates holds git's "<old> <new> <ref>" lines; the
 * repository is the one git's environment names (GIT_DIR and the
 * quarantine's object directories). log gets one line per accepted update.
 * ITK_EAUTH (whose ref), ITK_ECONFLICT (not a fast-forward), ITK_EVERIFY
 * (a commit breaks a rule: commit and rule named), ITK_EINVALID (deletion,
 * unknown ref, malformed input): nothing is accepted then. */
int itk_server_check_push(itk_buf *log, const char *party, const char *updates, size_t len);

#endif
