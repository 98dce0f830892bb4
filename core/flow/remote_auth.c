/* The SSH side of remotes (remote_auth.h): the login key (file or
 * ssh-agent) and the host-key check against a pinned fingerprint or
 * known_hosts (parsed here, bounded; hashed entries too). Nothing here knows
 * what is fetched or pushed. */
#include "remote_auth.h"
#include "itaku/errors.h"
#include "intl.h"
#include "alloc.h"
#include "base64.h"

#include <ctype.h>
#include <limits.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* known_hosts is read whole, up to this size; longer lines are skipped. */
#define ITK_MAX_KNOWN_HOSTS_BYTES (4 * 1024 * 1024)
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

const char *itk_remote_auth_rejected(const itk_remote_auth *a)
{
    return a->rejected;
}

int itk_remote_auth_fail(const itk_remote_auth *a, const char *what)
{
    if (a && a->reason[0])
        return itk_error_set(ITK_EAUTH, "%s: %s", what, a->reason);
    return itk_error_git("%s", what);
}

static void auth_refuse(itk_remote_auth *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void auth_refuse(itk_remote_auth *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->reason, sizeof(a->reason), itk__(fmt), ap);
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

/* One host pattern (lower case, its own length) against host: '*' any run of
 * characters, '?' any one, everything else itself, '[' and ']' too (OpenSSH
 * match_pattern: "[127.0.0.1]:2222" is a host with a port, no set). */
static int wild_match(const char *pat, size_t plen, const char *host)
{
    size_t p = 0, star = (size_t)-1, back = 0;
    const char *h = host;
    while (*h) {
        if (p < plen && (pat[p] == '?' || pat[p] == *h)) {
            p++, h++;
        } else if (p < plen && pat[p] == '*') {
            star = p++;
            back = (size_t)(h - host);
        } else if (star != (size_t)-1) {
            p = star + 1;
            h = host + ++back;
        } else
            return 0;
    }
    while (p < plen && pat[p] == '*')
        p++;
    return p == plen;
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
            if (wild_match(p, plen, host))
                matched = neg ? -1 : (matched < 0 ? -1 : 1);
        }
        i = j + 1;
    }
    return matched == 1;
}

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

int itk_known_hosts_match(const char *text, size_t len, const char *hoststr,
                          const unsigned char *key, size_t keylen)
{
    int result = KH_UNKNOWN;
    size_t cap = itk_base64_decoded_max(ITK_MAX_KNOWN_HOSTS_LINE);
    unsigned char *blob = malloc(cap);
    const char *p = text, *end = text + len;
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
    return result;
}

static int known_hosts_lookup(const char *path, const char *hoststr, const unsigned char *key,
                              size_t keylen)
{
    itk_buf file = ITK_BUF_INIT;
    struct stat st;
    if (stat(path, &st) != 0 || itk_buf_read_file(&file, path, ITK_MAX_KNOWN_HOSTS_BYTES) < 0) {
        itk_error_clear();
        return KH_UNKNOWN;
    }
    int result = itk_known_hosts_match(file.ptr, file.size, hoststr, key, keylen);
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
        auth_refuse(a, "the SSH server %s showed no host key we can check", host);
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
        auth_refuse(a,
                    "the SSH host key of %s has CHANGED: the server shows %s but %s is pinned; "
                    "refusing to connect (someone may be in between, or the server was given a new "
                    "key: ask its administrator, then pin the new one with `itaku remote add NAME "
                    "URL --party P --host-key %s`)",
                    where, fp, a->pinned, fp);
        return GIT_ECERTIFICATE;
    }
    if (!(hk->type & GIT_CERT_SSH_RAW)) {
        auth_refuse(a,
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
        auth_refuse(a, "the SSH host key of %s (%s) is marked @revoked in %s; refusing to connect",
                    where, fp, a->known_hosts);
    else if (r == KH_MISMATCH)
        auth_refuse(a,
                    "the SSH host key of %s has CHANGED: the server shows %s, which is not the key "
                    "%s lists for it; refusing to connect (someone may be in between, or the "
                    "server was given a new key: ask its administrator, then pin the new one with "
                    "`itaku remote add NAME URL --party P --host-key %s`)",
                    where, fp, a->known_hosts, fp);
    else
        auth_refuse(
            a,
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
    auth_refuse(
        a,
        "the SSH server of %s accepted none of our keys (%s%s%s); ask the registry's host to "
        "let this party's key log in (`itaku server add-party PATH PARTY KEY.pub`), or set "
        "the key with git config itaku.signingKey FILE or load it into ssh-agent",
        a->url, a->key_path[0] ? a->key_path : itk__("no key file"),
        a->tried_agent ? itk__(" and the ssh-agent's keys") : "",
        getenv("SSH_AUTH_SOCK") ? "" : itk__(", no ssh-agent"));
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
