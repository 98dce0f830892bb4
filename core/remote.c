/* Remotes (DESIGN §7): git remotes tagged with their party, fetching through
 * the quarantine, pushing to a hosted registry, and the SSH side: the login
 * key (file or ssh-agent) and the host-key check against a pinned
 * fingerprint or known_hosts (parsed here, bounded; hashed entries too).
 * Whether what arrives may be taken is sync.c's decision, not this file's. */
#include "itaku/remote.h"
#include "itaku/chain.h"
#include "itaku/errors.h"
#include "alloc.h"
#include "array.h"
#include "base64.h"
#include "registry_priv.h"
#include "remote_priv.h"
#include "sync_priv.h"

#include <ctype.h>
#include <stdarg.h>
#include <fnmatch.h>
#include <limits.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* known_hosts is read whole, up to this size; longer lines are skipped. */
#define ITK_MAX_KNOWN_HOSTS_BYTES (4 * 1024 * 1024)
#define ITK_MAX_KNOWN_HOSTS_LINE (16 * 1024)
#define SERVER_SAID_MAX 4096

struct itk_remote_auth {
    char url[ITK_REMOTE_URL_MAX];
    int is_ssh;
    char host[256];
    int port;
    char key_path[PATH_MAX];
    char known_hosts[PATH_MAX];
    char pinned[64];
    int tried_key, tried_agent;
    char reason[1024];
    char said[SERVER_SAID_MAX];
    char rejected[1024];
};

int itk_host_key_check(const char *fp)
{
    size_t n = fp ? strlen(fp) : 0;
    int ok = n == 7 + 43 && strncmp(fp, "SHA256:", 7) == 0;
    for (size_t i = 7; ok && i < n; i++)
        ok = isalnum((unsigned char)fp[i]) || fp[i] == '+' || fp[i] == '/';
    if (!ok)
        return itk_error_set(ITK_EINVALID,
                             "'%s' is not an SSH host key fingerprint: give it as ssh-keygen -lf "
                             "prints it (SHA256: and 43 characters)",
                             fp ? fp : "");
    return 0;
}

/* host and port of an ssh:// or scp-like (user@host:path) URL; 0 when url
 * is not SSH (a local path, file://). */
static int ssh_target(char host[256], int *port, const char *url)
{
    const char *auth = NULL, *end = NULL;
    *port = 22;
    if (strncmp(url, "ssh://", 6) == 0)
        auth = url + 6;
    else if (strncmp(url, "ssh+git://", 10) == 0 || strncmp(url, "git+ssh://", 10) == 0)
        auth = url + 10;
    if (auth) {
        end = strchr(auth, '/');
        if (!end)
            end = auth + strlen(auth);
    } else {
        const char *colon = strchr(url, ':'), *slash = strchr(url, '/');
        if (!colon || strstr(url, "://") || (slash && slash < colon) || colon == url)
            return 0;
        auth = url;
        end = colon;
    }
    for (const char *p = auth; p < end; p++)
        if (*p == '@')
            auth = p + 1;
    const char *hend = end, *pstart = NULL;
    if (*auth == '[') {
        const char *close = memchr(auth, ']', (size_t)(end - auth));
        if (!close)
            return 0;
        auth++;
        hend = close;
        if (close + 1 < end && close[1] == ':')
            pstart = close + 2;
    } else {
        const char *colon = memchr(auth, ':', (size_t)(end - auth));
        if (colon && strncmp(url, "ssh", 3) == 0) /* ssh://host:port/ */
            hend = colon, pstart = colon + 1;
    }
    if (hend <= auth || (size_t)(hend - auth) >= 256)
        return 0;
    memcpy(host, auth, (size_t)(hend - auth));
    host[hend - auth] = '\0';
    for (char *h = host; *h; h++)
        *h = (char)tolower((unsigned char)*h);
    if (pstart && pstart < end) {
        long p = 0;
        for (const char *q = pstart; q < end; q++) {
            if (!isdigit((unsigned char)*q) || (p = p * 10 + (*q - '0')) > 65535)
                return 0;
        }
        *port = (int)p;
    }
    return 1;
}

int itk_remote_auth_new(itk_remote_auth **out, git_repository *repo, const char *url,
                        const itk_remote_options *opts, const char *pinned)
{
    itk_remote_auth *a = itk_calloc(1, sizeof(*a));
    *out = NULL;
    if (!a)
        return ITK_ENOMEM;
    snprintf(a->url, sizeof(a->url), "%s", url);
    a->is_ssh = ssh_target(a->host, &a->port, url);
    const char *key = opts ? opts->key_path : NULL;
    git_config *cfg = NULL;
    const char *v = NULL;
    if (!key && repo && git_repository_config_snapshot(&cfg, repo) == 0 &&
        git_config_get_string(&v, cfg, "itaku.signingKey") == 0)
        key = v;
    if (key)
        snprintf(a->key_path, sizeof(a->key_path), "%s", key);
    git_config_free(cfg);
    if (opts && opts->known_hosts)
        snprintf(a->known_hosts, sizeof(a->known_hosts), "%s", opts->known_hosts);
    else if (getenv("HOME"))
        snprintf(a->known_hosts, sizeof(a->known_hosts), "%s/.ssh/known_hosts", getenv("HOME"));
    const char *pin = opts && opts->host_key ? opts->host_key : pinned;
    if (pin && *pin) {
        int rc = itk_host_key_check(pin);
        if (rc) {
            free(a);
            return rc;
        }
        snprintf(a->pinned, sizeof(a->pinned), "%s", pin);
    }
    itk_error_clear();
    *out = a;
    return 0;
}

void itk_remote_auth_free(itk_remote_auth *a)
{
    free(a);
}

const char *itk_remote_auth_reason(const itk_remote_auth *a)
{
    return a->reason;
}

const char *itk_remote_auth_server_said(const itk_remote_auth *a)
{
    return a->said;
}

int itk_remote_auth_fail(const itk_remote_auth *a, const char *what)
{
    if (a && a->reason[0])
        return itk_error_set(ITK_EAUTH, "%s: %s", what, a->reason);
    return itk_error_git("%s", what);
}

static void refuse(itk_remote_auth *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void refuse(itk_remote_auth *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->reason, sizeof(a->reason), fmt, ap);
    va_end(ap);
    git_error_set_str(GIT_ERROR_SSH, a->reason);
}

/* ---- known_hosts ---- */

static void fingerprint_of(char out[64], const unsigned char sha256[32])
{
    itk_buf b = ITK_BUF_INIT;
    snprintf(out, 64, "SHA256:?");
    if (itk_base64_encode(&b, sha256, 32) == 0) {
        while (b.size && b.ptr[b.size - 1] == '=')
            b.ptr[--b.size] = '\0';
        snprintf(out, 64, "SHA256:%s", b.ptr);
    }
    itk_buf_dispose(&b);
}

/* One hashed host entry "|1|salt|hash": HMAC-SHA1(salt, host) == hash. */
static int hashed_match(const char *pat, size_t len, const char *host)
{
    unsigned char salt[64], want[64], got[EVP_MAX_MD_SIZE];
    size_t slen, wlen;
    unsigned glen = 0;
    const char *s = pat + 3, *end = pat + len;
    const char *bar = memchr(s, '|', (size_t)(end - s));
    if (!bar || itk_base64_decode(salt, sizeof(salt), &slen, s, (size_t)(bar - s)) < 0 ||
        itk_base64_decode(want, sizeof(want), &wlen, bar + 1, (size_t)(end - bar - 1)) < 0 ||
        wlen != 20)
        return 0;
    if (!HMAC(EVP_sha1(), salt, (int)slen, (const unsigned char *)host, strlen(host), got, &glen))
        return 0;
    return glen == 20 && CRYPTO_memcmp(got, want, 20) == 0;
}

/* OpenSSH's host pattern list: comma separated, * and ? wildcards, !negation.
 * 1 when host matches and no negated pattern does. */
static int hosts_match(const char *list, size_t len, const char *host)
{
    int matched = 0;
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && list[j] != ',')
            j++;
        const char *pat = list + i;
        size_t plen = j - i;
        int neg = plen && pat[0] == '!';
        if (neg)
            pat++, plen--;
        if (plen >= 3 && strncmp(pat, "|1|", 3) == 0) {
            if (hashed_match(pat, plen, host))
                matched = neg ? -1 : (matched < 0 ? -1 : 1);
        } else if (plen && plen < 512) {
            char p[512];
            for (size_t k = 0; k < plen; k++)
                p[k] = (char)tolower((unsigned char)pat[k]);
            p[plen] = '\0';
            if (fnmatch(p, host, 0) == 0)
                matched = neg ? -1 : (matched < 0 ? -1 : 1);
        }
        i = j + 1;
    }
    return matched == 1;
}

enum { KH_UNKNOWN, KH_MISMATCH, KH_MATCH, KH_REVOKED };

/* Next whitespace-separated field of [*p, end). */
static int field(const char **f, size_t *flen, const char **p, const char *end)
{
    while (*p < end && (**p == ' ' || **p == '\t'))
        (*p)++;
    *f = *p;
    while (*p < end && **p != ' ' && **p != '\t')
        (*p)++;
    *flen = (size_t)(*p - *f);
    return *flen ? 0 : -1;
}

static int known_hosts_lookup(const char *path, const char *hoststr, const unsigned char *key,
                              size_t keylen)
{
    itk_buf file = ITK_BUF_INIT;
    int result = KH_UNKNOWN;
    struct stat st;
    if (stat(path, &st) != 0 || itk_buf_read_file(&file, path, ITK_MAX_KNOWN_HOSTS_BYTES) < 0) {
        itk_error_clear();
        return KH_UNKNOWN;
    }
    size_t cap = itk_base64_decoded_max(ITK_MAX_KNOWN_HOSTS_LINE);
    unsigned char *blob = malloc(cap);
    const char *p = file.ptr, *end = file.ptr + file.size;
    while (blob && p < end && result != KH_REVOKED) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end, *q = p;
        p = nl ? nl + 1 : end;
        if (le > q && le[-1] == '\r')
            le--;
        if ((size_t)(le - q) > ITK_MAX_KNOWN_HOSTS_LINE)
            continue;
        const char *f, *hosts, *b64;
        size_t flen, hlen, blen;
        if (field(&f, &flen, &q, le) < 0 || *f == '#')
            continue;
        int marker = 0; /* 1 cert-authority, 2 revoked */
        if (*f == '@') {
            marker = flen == 8 && strncmp(f, "@revoked", 8) == 0 ? 2 : 1;
            if (field(&f, &flen, &q, le) < 0)
                continue;
        }
        hosts = f, hlen = flen;
        if (field(&f, &flen, &q, le) < 0 || field(&b64, &blen, &q, le) < 0)
            continue; /* type, then key */
        if (marker == 1 || !hosts_match(hosts, hlen, hoststr))
            continue;
        size_t n;
        if (itk_base64_decode(blob, cap, &n, b64, blen) < 0)
            continue;
        int same = n == keylen && memcmp(blob, key, n) == 0;
        if (marker == 2) {
            if (same)
                result = KH_REVOKED;
        } else if (same)
            result = KH_MATCH;
        else if (result == KH_UNKNOWN)
            result = KH_MISMATCH;
    }
    free(blob);
    itk_buf_dispose(&file);
    return result;
}

static int check_certificate(git_cert *cert, int valid, const char *host, void *payload)
{
    itk_remote_auth *a = payload;
    (void)valid;
    if (cert->cert_type != GIT_CERT_HOSTKEY_LIBSSH2)
        return GIT_PASSTHROUGH; /* https: libgit2's own checks */
    const git_cert_hostkey *hk = (const git_cert_hostkey *)cert;
    unsigned char sha[32];
    char fp[64], where[300];
    if (hk->type & GIT_CERT_SSH_RAW) {
        EVP_Digest(hk->hostkey, hk->hostkey_len, sha, NULL, EVP_sha256(), NULL);
    } else if (hk->type & GIT_CERT_SSH_SHA256) {
        memcpy(sha, hk->hash_sha256, 32);
    } else {
        refuse(a, "the SSH server %s showed no host key we can check", host);
        return GIT_ECERTIFICATE;
    }
    fingerprint_of(fp, sha);
    char hoststr[300];
    const char *h = a->host[0] ? a->host : host;
    if (a->port == 22)
        snprintf(hoststr, sizeof(hoststr), "%s", h);
    else
        snprintf(hoststr, sizeof(hoststr), "[%s]:%d", h, a->port);
    snprintf(where, sizeof(where), "%s", hoststr);
    if (a->pinned[0]) {
        if (strcmp(a->pinned, fp) == 0)
            return 0;
        refuse(a,
               "the SSH host key of %s has CHANGED: the server shows %s but %s is pinned; "
               "refusing to connect (someone may be in between, or the server was given a new "
               "key: ask its administrator, then pin the new one with `itaku remote add NAME "
               "URL --party P --host-key %s`)",
               where, fp, a->pinned, fp);
        return GIT_ECERTIFICATE;
    }
    if (!(hk->type & GIT_CERT_SSH_RAW)) {
        refuse(a,
               "the SSH host key of %s (%s) cannot be looked up in known_hosts; pin it with "
               "`itaku remote add NAME URL --party P --host-key %s`",
               where, fp, fp);
        return GIT_ECERTIFICATE;
    }
    int r = known_hosts_lookup(a->known_hosts, hoststr, (const unsigned char *)hk->hostkey,
                               hk->hostkey_len);
    if (r == KH_MATCH)
        return 0;
    if (r == KH_REVOKED)
        refuse(a, "the SSH host key of %s (%s) is marked @revoked in %s; refusing to connect",
               where, fp, a->known_hosts);
    else if (r == KH_MISMATCH)
        refuse(a,
               "the SSH host key of %s has CHANGED: the server shows %s, which is not the key "
               "%s lists for it; refusing to connect (someone may be in between, or the "
               "server was given a new key: ask its administrator, then pin the new one with "
               "`itaku remote add NAME URL --party P --host-key %s`)",
               where, fp, a->known_hosts, fp);
    else
        refuse(a,
               "the SSH host key of %s is unknown: the server shows %s; itaku does not trust a "
               "server on first use. Compare it with what the registry's administrator reads "
               "(ssh-keygen -lf the server's host key), then pin it: `itaku remote add NAME "
               "URL --party P --host-key %s` (or `itaku clone … --host-key %s`), or add the key "
               "to %s",
               where, fp, fp, fp, a->known_hosts);
    return GIT_ECERTIFICATE;
}

static int credentials(git_credential **out, const char *url, const char *user,
                       unsigned int allowed, void *payload)
{
    itk_remote_auth *a = payload;
    (void)url;
    if (!user || !*user)
        user = "git";
    if (allowed & GIT_CREDENTIAL_USERNAME)
        return git_credential_username_new(out, user);
    if (allowed & GIT_CREDENTIAL_SSH_KEY) {
        if (a->key_path[0] && !a->tried_key) {
            char pub[PATH_MAX + 8];
            struct stat st;
            a->tried_key = 1;
            snprintf(pub, sizeof(pub), "%s.pub", a->key_path);
            return git_credential_ssh_key_new(out, user, stat(pub, &st) == 0 ? pub : NULL,
                                              a->key_path, NULL);
        }
        const char *sock = getenv("SSH_AUTH_SOCK");
        if (sock && *sock && !a->tried_agent) {
            a->tried_agent = 1;
            return git_credential_ssh_key_from_agent(out, user);
        }
    }
    refuse(a,
           "the SSH server of %s accepted none of our keys (%s%s%s); ask the registry's host to "
           "let this party's key log in (`itaku server add-party PATH PARTY KEY.pub`), or set "
           "the key with git config itaku.signingKey FILE or load it into ssh-agent",
           a->url, a->key_path[0] ? a->key_path : "no key file",
           a->tried_agent ? " and the ssh-agent's keys" : "",
           getenv("SSH_AUTH_SOCK") ? "" : ", no ssh-agent");
    return GIT_EAUTH;
}

static int sideband(const char *str, int len, void *payload)
{
    itk_remote_auth *a = payload;
    size_t have = strlen(a->said);
    if (len > 0 && have + 1 < sizeof(a->said)) {
        size_t n =
            (size_t)len < sizeof(a->said) - have - 1 ? (size_t)len : sizeof(a->said) - have - 1;
        memcpy(a->said + have, str, n);
        a->said[have + n] = '\0';
    }
    return 0;
}

static int push_status(const char *refname, const char *status, void *payload)
{
    itk_remote_auth *a = payload;
    if (status) {
        size_t have = strlen(a->rejected);
        snprintf(a->rejected + have, sizeof(a->rejected) - have, "%s%s (%s)", have ? ", " : "",
                 refname, status);
    }
    return 0;
}

void itk_remote_auth_callbacks(git_remote_callbacks *cb, itk_remote_auth *a)
{
    cb->credentials = credentials;
    cb->certificate_check = check_certificate;
    cb->sideband_progress = sideband;
    cb->push_update_reference = push_status;
    cb->payload = a;
}

/* ---- remotes in git config ---- */

static int name_ok(const char *name)
{
    int valid = 0;
    return name && git_remote_name_is_valid(&valid, name) == 0 && valid;
}

static int config_get(char *out, size_t cap, git_config *cfg, const char *name, const char *key)
{
    char var[300];
    const char *v;
    snprintf(var, sizeof(var), "remote.%s.%s", name, key);
    out[0] = '\0';
    if (git_config_get_string(&v, cfg, var) < 0) {
        itk_error_clear();
        return -1;
    }
    snprintf(out, cap, "%s", v);
    return 0;
}

int itk_remote_get(itk_remote_info *out, itk_registry *reg, const char *name)
{
    git_config *cfg = NULL;
    memset(out, 0, sizeof(*out));
    if (!name_ok(name))
        return itk_error_set(ITK_EINVALID, "'%s' is not a valid remote name", name);
    if (git_repository_config_snapshot(&cfg, reg->repo) < 0)
        return itk_error_git("cannot read the registry's config");
    snprintf(out->name, sizeof(out->name), "%s", name);
    int rc = 0;
    if (config_get(out->url, sizeof(out->url), cfg, name, "url") < 0)
        rc = itk_error_set(ITK_ENOTFOUND,
                           "there is no remote '%s'; add it with `itaku remote add %s URL "
                           "--party P`",
                           name, name);
    config_get(out->party, sizeof(out->party), cfg, name, "itakuParty");
    config_get(out->host_key, sizeof(out->host_key), cfg, name, "itakuHostKey");
    git_config_free(cfg);
    return rc;
}

int itk_remote_list(itk_buf *out, itk_registry *reg)
{
    git_strarray names = {0};
    if (git_remote_list(&names, reg->repo) < 0)
        return itk_error_git("cannot list remotes");
    int rc = 0;
    for (size_t i = 0; !rc && i < names.count; i++)
        rc = itk_buf_printf(out, "%s\n", names.strings[i]);
    git_strarray_dispose(&names);
    return rc;
}

int itk_remote_add(itk_registry *reg, const char *name, const char *url, const char *party,
                   const char *host_key)
{
    git_remote *remote = NULL;
    git_config *cfg = NULL;
    int rc;
    if (!name_ok(name))
        return itk_error_set(ITK_EINVALID, "'%s' is not a valid remote name", name);
    if (!url || !*url || strlen(url) >= ITK_REMOTE_URL_MAX)
        return itk_error_set(ITK_EINVALID, "a remote needs a URL or path");
    if ((rc = itk_party_id_check(party)) || (host_key && (rc = itk_host_key_check(host_key))))
        return rc;
    if (git_remote_lookup(&remote, reg->repo, name) == 0) {
        int same = git_remote_url(remote) && strcmp(git_remote_url(remote), url) == 0;
        git_remote_free(remote);
        if (!same)
            return itk_error_set(ITK_EEXISTS,
                                 "remote '%s' already leads elsewhere; remove it first with "
                                 "`git remote remove %s`",
                                 name, name);
    } else if (git_remote_create(&remote, reg->repo, name, url) < 0) {
        return itk_error_git("cannot add remote '%s'", name);
    } else {
        git_remote_free(remote);
    }
    char var[300];
    if (git_repository_config(&cfg, reg->repo) < 0)
        return itk_error_git("cannot open the registry's config");
    snprintf(var, sizeof(var), "remote.%s.itakuParty", name);
    if (git_config_set_string(cfg, var, party) < 0)
        rc = itk_error_git("cannot tag remote '%s'", name);
    snprintf(var, sizeof(var), "remote.%s.itakuHostKey", name);
    if (!rc && host_key && git_config_set_string(cfg, var, host_key) < 0)
        rc = itk_error_git("cannot pin the host key of remote '%s'", name);
    git_config_free(cfg);
    return rc;
}

/* ---- fetch and push ---- */

int itk_remote_fetch(itk_sync_report *report, itk_registry *reg, const char *name,
                     const char *party, const itk_remote_options *opts)
{
    itk_remote_info info;
    itk_remote_auth *auth = NULL;
    git_remote_callbacks cb;
    int rc;
    if ((rc = itk_remote_get(&info, reg, name)))
        return rc;
    /* the tag names whose the remote's main should be (party only stands in
     * for it); the signature on its tip decides whose it is (sync.c) */
    if (info.party[0])
        party = info.party;
    if (!party)
        return itk_error_set(ITK_EINVALID,
                             "remote '%s' does not say whose line its main is; tag it with "
                             "`itaku remote add %s %s --party P`",
                             name, name, info.url);
    if ((rc = itk_party_id_check(party)) ||
        (rc = itk_remote_auth_new(&auth, reg->repo, info.url, opts, info.host_key)))
        return rc;
    git_remote_init_callbacks(&cb, GIT_REMOTE_CALLBACKS_VERSION);
    itk_remote_auth_callbacks(&cb, auth);
    char source[ITK_REMOTE_URL_MAX + 160];
    snprintf(source, sizeof(source), "remote '%s' (%s)", name, info.url);
    if ((rc = itk_sync_fetch_into(reg, name, info.url, &cb))) {
        if (auth->reason[0])
            rc = itk_remote_auth_fail(auth, source);
        goto done;
    }
    itk_take_options to = ITK_TAKE_OPTIONS_INIT;
    rc = itk_sync_publish(report, reg, name, party, source, &to);
done:
    itk_remote_auth_free(auth);
    return rc;
}

static const git_remote_head *remote_head(const git_remote_head **heads, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(heads[i]->name, name) == 0)
            return heads[i];
    return NULL;
}

typedef struct {
    char **specs;
    size_t n, cap;
} spec_list;

static int spec_add(spec_list *l, itk_buf *pushed, const char *local, const char *dst)
{
    if (itk_array_reserve(&l->specs, &l->cap, l->n + 1, sizeof(*l->specs)))
        return ITK_ENOMEM;
    size_t len = strlen(local) + strlen(dst) + 2;
    if (!(l->specs[l->n] = itk_malloc(len)))
        return ITK_ENOMEM;
    snprintf(l->specs[l->n++], len, "%s:%s", local, dst);
    return itk_buf_printf(pushed, "%s -> %s\n", local, dst);
}

/* Whether our id should replace what the server holds (theirs NULL: new). */
static int worth_pushing(git_repository *repo, const git_oid *ours, const git_remote_head *theirs)
{
    if (!theirs)
        return 1;
    if (git_oid_equal(ours, &theirs->oid))
        return 0;
    int r = git_graph_descendant_of(repo, ours, &theirs->oid);
    itk_error_clear();
    return r == 1;
}

int itk_remote_push(itk_buf *pushed, itk_registry *reg, itk_signer *signer, const char *name,
                    const itk_remote_options *opts)
{
    git_repository *repo = reg->repo;
    itk_remote_info info;
    itk_remote_auth *auth = NULL;
    git_remote *remote = NULL;
    git_tree *tree = NULL;
    git_reference_iterator *it = NULL;
    spec_list specs = {0};
    itk_identity me;
    git_remote_callbacks cb;
    int rc;
    if ((rc = itk_remote_get(&info, reg, name)) || (rc = itk_registry_head_tree(&tree, reg)) ||
        (rc = itk_registry_identify(&me, reg, tree, signer)) ||
        (rc = itk_remote_auth_new(&auth, repo, info.url, opts, info.host_key)))
        goto done;
    git_remote_init_callbacks(&cb, GIT_REMOTE_CALLBACKS_VERSION);
    itk_remote_auth_callbacks(&cb, auth);
    char source[ITK_REMOTE_URL_MAX + 160];
    snprintf(source, sizeof(source), "cannot push to remote '%s' (%s)", name, info.url);
    if (git_remote_create_anonymous(&remote, repo, info.url) < 0 ||
        git_remote_connect(remote, GIT_DIRECTION_PUSH, &cb, NULL, NULL) < 0) {
        rc = itk_remote_auth_fail(auth, source);
        goto done;
    }
    const git_remote_head **heads = NULL;
    size_t nheads = 0;
    if (git_remote_ls(&heads, &nheads, remote) < 0) {
        rc = itk_remote_auth_fail(auth, source);
        goto done;
    }
    int city = strcmp(me.role, "city") == 0;
    char dst[200];
    git_oid main_id;
    if (city)
        snprintf(dst, sizeof(dst), "refs/heads/main");
    else
        snprintf(dst, sizeof(dst), "refs/heads/parties/%s/main", me.party);
    if (git_reference_name_to_id(&main_id, repo, "refs/heads/main") < 0) {
        rc = itk_error_set(ITK_ENOTFOUND, "this registry has no main branch to push");
        goto done;
    }
    const git_remote_head *h = remote_head(heads, nheads, dst);
    if ((!h || !git_oid_equal(&h->oid, &main_id)) &&
        (rc = spec_add(&specs, pushed, "refs/heads/main", dst)))
        goto done;
    /* request branches: ours and our descendants' (the city decides by
     * merging, it never moves a request branch) */
    git_reference *ref = NULL;
    if (!city && git_reference_iterator_glob_new(&it, repo, "refs/heads/requests/*") == 0) {
        while (!rc && git_reference_next(&ref, it) == 0) {
            const char *rn = git_reference_name(ref);
            const git_oid *id = git_reference_target(ref);
            char requester[ITK_PARTY_ID_MAX + 1] = "";
            const char *r = rn + strlen("refs/heads/requests/"), *slash = strchr(r, '/');
            if (slash && (size_t)(slash - r) < sizeof(requester)) {
                memcpy(requester, r, (size_t)(slash - r));
                requester[slash - r] = '\0';
            }
            int may = requester[0] && (strcmp(requester, me.party) == 0 ||
                                       itk_chain_is_ancestor(repo, tree, me.party, requester));
            if (id && may && worth_pushing(repo, id, remote_head(heads, nheads, rn)))
                rc = spec_add(&specs, pushed, rn, rn);
            git_reference_free(ref);
        }
    }
    if (rc || specs.n == 0)
        goto done;
    git_push_options po;
    git_push_options_init(&po, GIT_PUSH_OPTIONS_VERSION);
    po.callbacks = cb;
    git_strarray arr = {specs.specs, specs.n};
    if (git_remote_push(remote, &arr, &po) < 0) {
        rc = itk_remote_auth_fail(auth, source);
        if (auth->said[0]) {
            char saved[1024];
            snprintf(saved, sizeof(saved), "%s", itk_error_last());
            rc = itk_error_set(rc, "%s; the server said: %s", saved, auth->said);
        }
        goto done;
    }
    if (auth->rejected[0])
        rc = itk_error_set(ITK_EVERIFY, "remote '%s' refused %s; the server said: %s", name,
                           auth->rejected, auth->said[0] ? auth->said : "(nothing)");
done:
    for (size_t i = 0; i < specs.n; i++)
        free(specs.specs[i]);
    free(specs.specs);
    git_reference_iterator_free(it);
    git_remote_free(remote);
    git_tree_free(tree);
    itk_remote_auth_free(auth);
    return rc;
}
