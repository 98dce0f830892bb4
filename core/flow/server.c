/* A hosted registry: creating one (bare, pinned, with the pre-receive hook),
 * the authorized_keys line mapping an SSH login to its party, and the
 * pre-receive check of DESIGN §7's table. Serving is stock git's and sshd's;
 * what the rules are is policy.c's (through verify). */
#include "itaku/server.h"
#include "itaku/chain.h"
#include "itaku/errors.h"
#include "itaku/kessai.h"
#include "itaku/kessai_draft.h"
#include "intl.h"
#include "alloc.h"
#include "array.h"
#include "itaku/remote.h"
#include "itaku/sshkey.h"
#include "itaku/verify.h"
#include "itaku/names.h"
#include "cache_dir.h"
#include "reader.h"
#include "kessai_priv.h"
#include "registry_priv.h"
#include "senders_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* hooks/pre-receive of the source tree, with the binary's path between
 * the two halves (a test keeps them equal). */
static const char hook_head[] =
    "#!/bin/sh\n"
    "# itaku's pre-receive hook for a hosted registry (DESIGN §7). Every ref update\n"
    "# of a push goes through `itaku server check-push`, which refuses unsigned or\n"
    "# unauthorised commits, non-fast-forward updates, deletions, and a party\n"
    "# pushing to refs that are not its own. The party is ITAKU_PARTY, set by the\n"
    "# authorized_keys line of `itaku server add-party`. `itaku server init`\n"
    "# installs this file with the absolute path of its itaku binary below.\n";
static const char hook_tail[] = "exec \"$ITAKU\" server check-push\n";

static int write_file(const char *path, const char *data, size_t len, mode_t mode, int append)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC), mode);
    if (fd < 0)
        return itk_error_set(ITK_EIO, "cannot write %s: %s", path, strerror(errno));
    int rc = 0;
    while (len && !rc) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            rc = itk_error_set(ITK_EIO, "cannot write %s: %s", path, strerror(errno));
        else
            data += n, len -= (size_t)n;
    }
    if (close(fd) != 0 && !rc)
        rc = itk_error_set(ITK_EIO, "cannot write %s: %s", path, strerror(errno));
    return rc;
}

int itk_server_init(const char *path, const char *itaku_binary, const char *city_key,
                    const char *genesis, const char *cache_dir)
{
    char cache_root[ITK_CACHE_PATH_MAX] = "";
    git_repository *repo = NULL;
    git_config *cfg = NULL;
    itk_buf hook = ITK_BUF_INIT, file = ITK_BUF_INIT;
    git_oid g;
    int rc = 0;
    if (!itaku_binary || itaku_binary[0] != '/' || strchr(itaku_binary, '\'') ||
        strchr(itaku_binary, '\n'))
        return itk_error_set(ITK_EINVALID,
                             "the hook needs the absolute path of the itaku binary (no quotes)");
    if (!city_key || strncmp(city_key, "SHA256:", 7) != 0 || !genesis ||
        git_oid_fromstrn(&g, genesis, GIT_OID_HEXSZ) < 0 || strlen(genesis) != GIT_OID_HEXSZ)
        return itk_error_set(ITK_EINVALID, "a hosted registry needs the contract sheet's "
                                           "--city-key SHA256:… and --genesis (40 hex digits)");
    struct stat st;
    if (stat(path, &st) == 0) {
        int empty = 1;
        if (S_ISDIR(st.st_mode)) {
            git_repository *probe = NULL;
            if (git_repository_open_ext(&probe, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) == 0)
                empty = 0;
            git_repository_free(probe);
        } else
            empty = 0;
        if (!empty)
            return itk_error_set(ITK_EEXISTS, "%s already exists", path);
    }
    /* DESIGN §7: the hook's cache lives where server init says, outside the
     * repository; without a home and no --cache-dir it runs uncached */
    if ((rc = itk_cache_hosted_root(cache_root, sizeof(cache_root), cache_dir)) != 0) {
        if (cache_dir || rc != ITK_ENOTFOUND)
            return rc;
        cache_root[0] = '\0';
        itk_error_clear();
        rc = 0;
    }
    git_libgit2_init();
    git_repository_init_options io;
    git_repository_init_options_init(&io, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
    io.flags =
        GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH | GIT_REPOSITORY_INIT_NO_REINIT;
    io.initial_head = "main";
    if (git_repository_init_ext(&repo, path, &io) < 0) {
        rc = itk_error_git("cannot create %s", path);
        goto done;
    }
    /* stock git's own refusals too, in case the hook is ever bypassed */
    if (git_repository_config(&cfg, repo) < 0 ||
        git_config_set_string(cfg, "itaku.genesis", genesis) < 0 ||
        git_config_set_string(cfg, "itaku.cityKey", city_key) < 0 ||
        git_config_set_bool(cfg, "receive.denyDeletes", 1) < 0 ||
        git_config_set_bool(cfg, "receive.denyNonFastForwards", 1) < 0 ||
        git_config_set_bool(cfg, "receive.fsckObjects", 1) < 0 ||
        (cache_root[0] && git_config_set_string(cfg, "itaku.cacheDir", cache_root) < 0)) {
        rc = itk_error_git("cannot configure %s", path);
        goto done;
    }
    itk_buf_printf(&file, "%shooks", git_repository_path(repo));
    if (mkdir(file.ptr, 0755) != 0 && errno != EEXIST) {
        rc = itk_error_set(ITK_EIO, "cannot create %s: %s", file.ptr, strerror(errno));
        goto done;
    }
    itk_buf_puts(&file, "/pre-receive");
    if ((rc = itk_buf_printf(&hook, "%sITAKU='%s'\n%s", hook_head, itaku_binary, hook_tail)) ||
        (rc = write_file(file.ptr, hook.ptr, hook.size, 0755, 0)))
        goto done;
    chmod(file.ptr, 0755);
done:
    itk_buf_dispose(&hook);
    itk_buf_dispose(&file);
    git_config_free(cfg);
    git_repository_free(repo);
    git_libgit2_shutdown();
    return rc;
}

int itk_server_authorized_line(itk_buf *out, const char *party, const char *pubkey_file)
{
    itk_pubkey *key = NULL;
    itk_buf text = ITK_BUF_INIT;
    int rc;
    if ((rc = itk_party_id_check(party)) || (rc = itk_pubkey_read_public(&key, pubkey_file)) ||
        (rc = itk_pubkey_format(&text, key)))
        goto done;
    /* sshd runs the command instead of what the client asks; git-shell then
     * allows only git's pack commands. The party id is [a-z0-9-], safe here. */
    rc = itk_buf_printf(out,
                        "command=\"env ITAKU_PARTY=%s git-shell -c \\\"$SSH_ORIGINAL_COMMAND\\\"\","
                        "no-port-forwarding,no-X11-forwarding,no-agent-forwarding,no-pty %s "
                        "itaku:%s\n",
                        party, text.ptr, party);
done:
    itk_buf_dispose(&text);
    itk_pubkey_free(key);
    return rc;
}

int itk_server_add_party(itk_buf *line, const char *path, const char *party,
                         const char *pubkey_file, const char *authorized_keys)
{
    itk_buf own = ITK_BUF_INIT, hook = ITK_BUF_INIT;
    git_repository *repo = NULL;
    struct stat st;
    int rc = 0;
    git_libgit2_init();
    if (git_repository_open_ext(&repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0 ||
        !git_repository_is_bare(repo)) {
        rc = itk_error_set(ITK_ENOTFOUND,
                           "%s is not a hosted registry (make one with `itaku "
                           "server init`)",
                           path);
        goto done;
    }
    itk_buf_printf(&hook, "%shooks/pre-receive", git_repository_path(repo));
    if (stat(hook.ptr, &st) != 0) {
        rc = itk_error_set(ITK_ENOTFOUND,
                           "%s has no pre-receive hook; it is not a hosted "
                           "registry made by `itaku server init`",
                           path);
        goto done;
    }
    if ((rc = itk_server_authorized_line(&own, party, pubkey_file)))
        goto done;
    if (authorized_keys && (rc = write_file(authorized_keys, own.ptr, own.size, 0600, 1)))
        goto done;
    if (line)
        rc = itk_buf_put(line, own.ptr, own.size);
done:
    itk_buf_dispose(&own);
    itk_buf_dispose(&hook);
    git_repository_free(repo);
    git_libgit2_shutdown();
    return rc;
}

/* ---- the pre-receive check ---- */

typedef struct {
    git_oid old_id, new_id;
    char ref[256];
} update;

static int parse_updates(update **out, size_t *n, const char *input, size_t len)
{
    itk_reader r;
    const unsigned char *line;
    size_t llen, cap = 0;
    update *u = NULL;
    *out = NULL;
    *n = 0;
    rd_init(&r, input, len);
    while (r.left) {
        if (rd_text_line(&r, &line, &llen) < 0) {
            free(u);
            return itk_error_set(ITK_EINVALID, "the ref updates git passed end without a "
                                               "newline");
        }
        if (llen < 2 * GIT_OID_HEXSZ + 3 || line[GIT_OID_HEXSZ] != ' ' ||
            line[2 * GIT_OID_HEXSZ + 1] != ' ' || llen - 2 * GIT_OID_HEXSZ - 2 >= sizeof(u->ref)) {
            free(u);
            return itk_error_set(ITK_EINVALID, "line %zu of the ref updates is malformed", *n + 1);
        }
        if (*n == ITK_SERVER_MAX_UPDATES) {
            free(u);
            return itk_error_set(ITK_ETOOBIG, "more than %d ref updates in one push",
                                 ITK_SERVER_MAX_UPDATES);
        }
        if (itk_array_reserve(&u, &cap, *n + 1, sizeof(*u))) {
            free(u);
            return ITK_ENOMEM;
        }
        update *x = &u[*n];
        size_t rlen = llen - 2 * GIT_OID_HEXSZ - 2;
        if (git_oid_fromstrn(&x->old_id, (const char *)line, GIT_OID_HEXSZ) < 0 ||
            git_oid_fromstrn(&x->new_id, (const char *)line + GIT_OID_HEXSZ + 1, GIT_OID_HEXSZ) <
                0) {
            free(u);
            return itk_error_set(ITK_EINVALID, "line %zu of the ref updates is malformed", *n + 1);
        }
        memcpy(x->ref, line + 2 * GIT_OID_HEXSZ + 2, rlen);
        x->ref[rlen] = '\0';
        if (memchr(x->ref, '\0', rlen)) {
            free(u);
            return itk_error_set(ITK_EINVALID, "a ref name holds a NUL byte");
        }
        (*n)++;
    }
    *out = u;
    return 0;
}

/* Splits "<P>/<rest>" off s. */
static const char *party_prefix(char party[ITK_PARTY_ID_MAX + 1], const char *s)
{
    const char *slash = strchr(s, '/');
    if (!slash || (size_t)(slash - s) > ITK_PARTY_ID_MAX)
        return NULL;
    memcpy(party, s, (size_t)(slash - s));
    party[slash - s] = '\0';
    if (itk_party_id_check(party) < 0)
        return NULL;
    return slash + 1;
}

/* The mains a decision branch's draft may be made on: the registry's main
 * and the main this push brings (DESIGN §7, V12); *n of them. */
static void push_mains(git_oid mains[2], size_t *n, git_repository *repo, const update *u,
                       size_t nu)
{
    *n = 0;
    if (git_reference_name_to_id(&mains[0], repo, ITK_REF_MAIN) == 0)
        (*n)++;
    git_error_clear();
    for (size_t i = 0; i < nu; i++)
        if (strcmp(u[i].ref, ITK_REF_MAIN) == 0 && !git_oid_is_zero(&u[i].new_id)) {
            mains[(*n)++] = u[i].new_id;
            break;
        }
}

static int check_update(itk_buf *log, itk_registry *reg, const char *party, const update *u,
                        const char *cache_dir, const git_oid *mains, size_t nmains)
{
    git_repository *repo = reg->repo;
    git_commit *commit = NULL;
    git_tree *tree = NULL;
    itk_verify_result *r = NULL;
    char city[ITK_PARTY_ID_MAX + 1], owner[ITK_PARTY_ID_MAX + 1], hex[GIT_OID_HEXSZ + 1];
    const char *rest = "";
    int rc = 0;
    if (git_oid_is_zero(&u->new_id))
        return itk_error_set(ITK_EINVALID,
                             "%s: deleting a ref is refused; nothing is ever deleted from a "
                             "registry",
                             u->ref);
    enum { MAIN, LINE, REQUEST, DECISION } kind;
    if (strcmp(u->ref, ITK_REF_MAIN) == 0)
        kind = MAIN;
    else if (strncmp(u->ref, ITK_REF_PARTIES, ITK_PREFIX_LEN(ITK_REF_PARTIES)) == 0 &&
             (rest = party_prefix(owner, u->ref + 19)) && strcmp(rest, "main") == 0)
        kind = LINE;
    else if (strncmp(u->ref, ITK_REF_REQUESTS, ITK_PREFIX_LEN(ITK_REF_REQUESTS)) == 0 &&
             (rest = party_prefix(owner, u->ref + 20)) && *rest && !strchr(rest, '/'))
        kind = REQUEST;
    else if (strncmp(u->ref, ITK_REF_DECISIONS, ITK_PREFIX_LEN(ITK_REF_DECISIONS)) == 0 &&
             (rest = party_prefix(owner, u->ref + ITK_PREFIX_LEN(ITK_REF_DECISIONS))) && *rest &&
             !strchr(rest, '/'))
        kind = DECISION; /* 決裁 in progress (V12): the city's officers share it */
    else
        return itk_error_set(ITK_EINVALID,
                             "%s is not a branch of a hosted registry (main, parties/<P>/main, "
                             "requests/<R>/<rec>, decisions/<R>/<rec>)",
                             u->ref);
    itk_error_clear();
    /* V1–V10 on everything the new tip holds, before trusting its tree */
    git_oid_tostr(hex, sizeof(hex), &u->new_id);
    const char *revs[] = {hex};
    itk_verify_options vo = ITK_VERIFY_OPTIONS_INIT;
    vo.cache_dir = cache_dir;
    if ((rc = itk_verify_run(&r, reg, revs, 1, &vo)))
        goto done;
    if (!itk_verify_pinned(r)) {
        rc = itk_error_set(ITK_EVERIFY, "this hosted registry pins no contract (itaku.genesis, "
                                        "itaku.cityKey); refusing every push");
        goto done;
    }
    if (itk_verify_problem_count(r)) {
        const itk_problem *p = itk_verify_problem(r, 0);
        size_t n = itk_verify_problem_count(r);
        rc = *p->path
                 ? itk_error_set(ITK_EVERIFY,
                                 itk_n_("%s: commit %.12s breaks %s at %s: %s (%zu problem in "
                                        "all)",
                                        "%s: commit %.12s breaks %s at %s: %s (%zu problems "
                                        "in all)",
                                        n),
                                 u->ref, p->commit, p->rule, p->path, p->message, n)
                 : itk_error_set(ITK_EVERIFY,
                                 itk_n_("%s: commit %.12s breaks %s: %s (%zu problem in all)",
                                        "%s: commit %.12s breaks %s: %s (%zu problems in all)", n),
                                 u->ref, p->commit, p->rule, p->message, n);
        goto done;
    }
    if (git_commit_lookup(&commit, repo, &u->new_id) < 0 || git_commit_tree(&tree, commit) < 0) {
        rc = itk_error_git("%s: cannot read %s", u->ref, hex);
        goto done;
    }
    if ((rc = itk_kessai_city_of(city, reg->repo, tree)))
        goto done;
    int allowed = 0;
    if (kind == MAIN || kind == DECISION)
        allowed = strcmp(party, city) == 0;
    else if (kind == LINE)
        allowed = strcmp(party, owner) == 0;
    else
        allowed = strcmp(party, owner) == 0 ||
                  (strcmp(party, city) != 0 && itk_chain_is_ancestor(repo, tree, party, owner));
    itk_error_clear();
    if (!allowed) {
        if (kind == MAIN)
            rc = itk_error_set(ITK_EAUTH, "%s may not be moved by %s: main is the city's alone",
                               u->ref, party);
        else if (kind == DECISION)
            rc = itk_error_set(ITK_EAUTH,
                               "%s may not be moved by %s: a decision branch (決裁) is the "
                               "city's alone",
                               u->ref, party);
        else if (kind == LINE)
            rc =
                itk_error_set(ITK_EAUTH, "%s may not be moved by %s: parties/<P>/main is P's alone",
                              u->ref, party);
        else
            rc = itk_error_set(ITK_EAUTH,
                               "%s may not be moved by %s: a request branch is moved by its "
                               "requester or a party between it and the city",
                               u->ref, party);
        goto done;
    }
    /* and whose the tip is, by its signature, as every fetch will decide it
     * (senders.c): a branch the hook takes is one a fetch can take */
    const char *signer = "";
    for (size_t i = 0; i < itk_verify_commit_count(r); i++) {
        const itk_commit_info *ci = itk_verify_commit(r, i);
        if (git_oid_equal(&ci->id, &u->new_id))
            signer = ci->party;
    }
    char line[ITK_PARTY_ID_MAX + 1], source[300];
    snprintf(source, sizeof(source), "the push of %s", u->ref);
    if ((rc = itk_senders_attribute(line, repo, tree,
                                    kind == REQUEST ? ITK_TIP_REQUEST : ITK_TIP_LINE,
                                    kind == MAIN || kind == DECISION ? city : owner, signer, 1,
                                    &u->new_id, u->ref, source)))
        goto done;
    /* a decision branch is the draft of that request and the seals on it
     * (V12), never another commit parked on the name */
    if (kind == DECISION) {
        char name[ITK_PARTY_ID_MAX + 2 + sizeof(u->ref)];
        snprintf(name, sizeof(name), "%s/%s", owner, rest);
        if ((rc = itk_kessai_branch_check(repo, u->ref, &u->new_id, city, name, mains, nmains)))
            goto done;
    }
    if (!git_oid_is_zero(&u->old_id) && !git_oid_equal(&u->old_id, &u->new_id) &&
        git_graph_descendant_of(repo, &u->new_id, &u->old_id) != 1) {
        rc = itk_error_set(ITK_ECONFLICT,
                           "%s: %.12s does not descend from %.12s; a hosted registry takes "
                           "fast-forwards only (pull first)",
                           u->ref, hex, git_oid_tostr_s(&u->old_id));
        goto done;
    }
    itk_buf_printf(log, "ok %s %.12s (%zu commits verified)\n", u->ref, hex,
                   itk_verify_commit_count(r));
done:
    itk_verify_result_free(r);
    git_tree_free(tree);
    git_commit_free(commit);
    return rc;
}

int itk_server_check_push(itk_buf *log, const char *party, const char *input, size_t len)
{
    update *u = NULL;
    size_t n = 0;
    int rc;
    if (!party || !*party || itk_party_id_check(party) < 0)
        return itk_error_set(ITK_EAUTH,
                             "this login is mapped to no party (ITAKU_PARTY is not set); the "
                             "registry's host adds one with `itaku server add-party`");
    if ((rc = parse_updates(&u, &n, input, len)))
        return rc;
    itk_registry *reg = itk_calloc(1, sizeof(*reg));
    if (!reg) {
        free(u);
        return ITK_ENOMEM;
    }
    git_libgit2_init();
    /* GIT_DIR and the quarantine's object directories, as git set them */
    if (git_repository_open_ext(&reg->repo, NULL, GIT_REPOSITORY_OPEN_FROM_ENV, NULL) < 0) {
        rc = itk_error_git("cannot open the repository git is receiving into");
        free(reg);
        git_libgit2_shutdown();
        free(u);
        return rc;
    }
    /* the cache folder server init chose (an absolute path, else ignored):
     * honoured here only, never by a user's own verify of a clone */
    char cache_dir[ITK_CACHE_PATH_MAX] = "";
    git_config *cfg = NULL;
    const char *v;
    if (git_repository_config_snapshot(&cfg, reg->repo) == 0 &&
        git_config_get_string(&v, cfg, "itaku.cacheDir") == 0 && v[0] == '/')
        snprintf(cache_dir, sizeof(cache_dir), "%s", v);
    git_config_free(cfg);
    itk_error_clear();
    /* the registry's object folder, and the push's quarantine, are checked
     * before verify reads an object through them (git opened the odb
     * already, from the environment: its own folders, written by git) */
    const char *quarantine = getenv("GIT_QUARANTINE_PATH");
    if ((rc = itk_registry_objects_check(reg->repo, NULL)) ||
        (quarantine && *quarantine && (rc = itk_registry_objects_check(reg->repo, quarantine)))) {
        itk_registry_free(reg);
        free(u);
        return rc;
    }
    git_oid mains[2];
    size_t nmains = 0;
    push_mains(mains, &nmains, reg->repo, u, n);
    for (size_t i = 0; i < n && !rc; i++)
        rc = check_update(log, reg, party, &u[i], cache_dir[0] ? cache_dir : NULL, mains, nmains);
    itk_registry_free(reg); /* also shuts libgit2 down once */
    free(u);
    return rc;
}
