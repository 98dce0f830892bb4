/* A minimal ssh-agent client (PROTOCOL.agent) over its UNIX socket: listing
 * the keys it holds and asking it to sign. Replies are untrusted bytes, read
 * with the bounded reader and limited to ITK_AGENT_MAX_MSG. */
#include "agent_priv.h"
#include "alloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "itaku/errors.h"
#include "intl.h"
#include "itaku/sshsig.h"
#include "reader.h"
#include "sshkey_priv.h"

#define SSH_AGENT_FAILURE 5
#define SSH2_AGENTC_REQUEST_IDENTITIES 11
#define SSH2_AGENT_IDENTITIES_ANSWER 12
#define SSH2_AGENTC_SIGN_REQUEST 13
#define SSH2_AGENT_SIGN_RESPONSE 14

int itk_agent_socket(const char **out, const char *socket_path)
{
    if (!socket_path || !*socket_path)
        socket_path = getenv("SSH_AUTH_SOCK");
    if (!socket_path || !*socket_path)
        return itk_error_set(ITK_ENOTFOUND, "no ssh-agent: SSH_AUTH_SOCK is not set");
    *out = socket_path;
    return 0;
}

static int agent_connect(int *out, const char *path)
{
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(sa.sun_path))
        return itk_error_set(ITK_EINVALID, "ssh-agent socket path is too long: %s", path);
    memcpy(sa.sun_path, path, strlen(path) + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return itk_error_set(ITK_EIO, "cannot create a socket: %s", strerror(errno));
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        int e = errno;
        close(fd);
        return itk_error_set(e == ENOENT || e == ECONNREFUSED ? ITK_ENOTFOUND : ITK_EIO,
                             "cannot connect to the ssh-agent at %s: %s", path, strerror(e));
    }
    *out = fd;
    return 0;
}

static int send_all(int fd, const void *data, size_t len, const char *path)
{
    const unsigned char *p = data;
    size_t done = 0;
    while (done < len) {
        ssize_t n = send(fd, &p[done], len - done, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return itk_error_set(ITK_EIO, "cannot write to the ssh-agent at %s: %s", path,
                                 strerror(errno));
        done += (size_t)n;
    }
    return 0;
}

static int recv_all(int fd, void *data, size_t len, const char *path)
{
    unsigned char *p = data;
    size_t done = 0;
    while (done < len) {
        ssize_t n = read(fd, &p[done], len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return itk_error_set(ITK_EIO, "cannot read from the ssh-agent at %s: %s", path,
                                 strerror(errno));
        if (n == 0)
            return itk_error_set(ITK_EIO, "the ssh-agent at %s closed the connection", path);
        done += (size_t)n;
    }
    return 0;
}

/* Sends one framed request and reads one framed reply into *reply. */
static int agent_call(itk_buf *reply, const char *path, const itk_buf *request)
{
    unsigned char hdr[4];
    itk_reader r;
    uint32_t n;
    int fd = -1, rc;
    itk_buf framed = ITK_BUF_INIT;

    itk_buf_clear(reply);
    if (request->size > ITK_AGENT_MAX_MSG)
        return itk_error_set(ITK_ETOOBIG, "ssh-agent request of %zu bytes is too large",
                             request->size);
    if ((rc = wr_string(&framed, request->ptr, request->size)) != 0)
        goto out;
    if ((rc = agent_connect(&fd, path)) != 0 ||
        (rc = send_all(fd, framed.ptr, framed.size, path)) != 0 ||
        (rc = recv_all(fd, hdr, sizeof(hdr), path)) != 0)
        goto out;
    rd_init(&r, hdr, sizeof(hdr));
    (void)rd_u32(&r, &n);
    if (n == 0 || n > ITK_AGENT_MAX_MSG) {
        rc = itk_error_set(ITK_EINVALID, "the ssh-agent at %s sent a reply of %u bytes", path, n);
        goto out;
    }
    unsigned char chunk[4096];
    while (n > 0) {
        size_t want = n < sizeof(chunk) ? n : sizeof(chunk);
        if ((rc = recv_all(fd, chunk, want, path)) != 0 ||
            (rc = itk_buf_put(reply, chunk, want)) != 0)
            goto out;
        n -= (uint32_t)want;
    }
out:
    if (fd >= 0)
        close(fd);
    itk_buf_dispose(&framed);
    return rc;
}

void itk_pubkey_list_free(itk_pubkey **keys, size_t count)
{
    if (!keys)
        return;
    for (size_t i = 0; i < count; i++)
        itk_pubkey_free(keys[i]);
    free(keys);
}

int itk_agent_parse_identities(itk_pubkey ***keys, size_t *count, const void *reply, size_t len,
                               const char *path)
{
    itk_pubkey **list = NULL;
    size_t have = 0;
    itk_reader r;
    uint8_t type = 0;
    uint32_t n;
    int rc = 0;

    *keys = NULL;
    *count = 0;
    rd_init(&r, reply, len);
    if (rd_u8(&r, &type) || rd_u32(&r, &n)) {
        rc = type == SSH_AGENT_FAILURE
                 ? itk_error_set(ITK_ERROR, "the ssh-agent at %s refused to list its keys", path)
                 : itk_error_set(ITK_EINVALID, "the ssh-agent at %s sent a truncated reply", path);
        goto out;
    }
    if (type != SSH2_AGENT_IDENTITIES_ANSWER) {
        rc = itk_error_set(ITK_EINVALID, "the ssh-agent at %s sent reply type %u to a key listing",
                           path, type);
        goto out;
    }
    /* each key takes at least 8 bytes: bounds the allocation */
    if (n > r.left / 8) {
        rc = itk_error_set(ITK_EINVALID, "the ssh-agent at %s claims %u keys in %zu bytes", path, n,
                           r.left);
        goto out;
    }
    if (!(list = itk_calloc(n, sizeof(*list)))) {
        rc = ITK_ENOMEM;
        goto out;
    }
    for (uint32_t i = 0; i < n; i++) {
        const unsigned char *blob, *comment;
        size_t blob_len, comment_len;
        itk_pubkey *key;
        if (rd_string(&r, &blob, &blob_len) || rd_string(&r, &comment, &comment_len)) {
            rc = itk_error_set(ITK_EINVALID, "the ssh-agent at %s sent a truncated key list", path);
            goto out;
        }
        /* keys we cannot use (certificates, security keys, DSA) are not listed */
        if (itk_pubkey_from_blob(&key, blob, blob_len) != 0)
            continue;
        char *c;
        if ((rc = itk_cstr_copy(&c, comment, comment_len, ITK_MAX_CSTRING, itk__("key comment"))) ||
            (rc = itk_pubkey_set_comment(key, c)) != 0) {
            free(c);
            itk_pubkey_free(key);
            if (rc != ITK_ENOMEM)
                rc = itk_error_set(rc, "the ssh-agent at %s: %s", path, itk_error_last());
            goto out;
        }
        free(c);
        list[have++] = key;
    }
    if (rd_done(&r)) {
        rc = itk_error_set(ITK_EINVALID, "the ssh-agent at %s sent %zu bytes after its key list",
                           path, r.left);
        goto out;
    }
    itk_error_clear();
    *keys = list;
    *count = have;
    list = NULL;
    have = 0;
out:
    itk_pubkey_list_free(list, have);
    return rc;
}

int itk_agent_list(itk_pubkey ***keys, size_t *count, const char *socket_path)
{
    itk_buf req = ITK_BUF_INIT, reply = ITK_BUF_INIT;
    const char *path = NULL;
    int rc;

    *keys = NULL;
    *count = 0;
    if ((rc = itk_agent_socket(&path, socket_path)) != 0)
        return rc;
    if ((rc = itk_buf_putc(&req, SSH2_AGENTC_REQUEST_IDENTITIES)) == 0 &&
        (rc = agent_call(&reply, path, &req)) == 0)
        rc = itk_agent_parse_identities(keys, count, reply.ptr, reply.size, path);
    itk_buf_dispose(&req);
    itk_buf_dispose(&reply);
    return rc;
}

int itk_agent_sign(itk_buf *sigblob, const char *socket_path, const itk_pubkey *key,
                   const void *data, size_t len, uint32_t flags)
{
    itk_buf req = ITK_BUF_INIT, reply = ITK_BUF_INIT;
    const unsigned char *blob;
    size_t blob_len;
    const char *path = NULL;
    int rc;

    itk_buf_clear(sigblob);
    if ((rc = itk_agent_socket(&path, socket_path)) != 0)
        return rc;
    blob = itk_pubkey_blob(key, &blob_len);
    if ((rc = itk_buf_putc(&req, SSH2_AGENTC_SIGN_REQUEST)) != 0 ||
        (rc = wr_string(&req, blob, blob_len)) != 0 || (rc = wr_string(&req, data, len)) != 0 ||
        (rc = wr_u32(&req, flags)) != 0 || (rc = agent_call(&reply, path, &req)) != 0)
        goto out;
    rc = itk_agent_parse_sign_reply(sigblob, reply.ptr, reply.size, path, key);
out:
    itk_buf_dispose(&req);
    itk_buf_dispose(&reply);
    return rc;
}

int itk_agent_parse_sign_reply(itk_buf *sigblob, const void *reply, size_t len, const char *path,
                               const itk_pubkey *key)
{
    const unsigned char *sig;
    size_t sig_len;
    itk_reader r;
    uint8_t type;

    itk_buf_clear(sigblob);
    rd_init(&r, reply, len);
    if (rd_u8(&r, &type) != 0)
        return itk_error_set(ITK_EINVALID, "the ssh-agent at %s sent an empty reply", path);
    if (type == SSH_AGENT_FAILURE) {
        itk_buf fpr = ITK_BUF_INIT;
        itk_pubkey_fingerprint(&fpr, key);
        int rc = itk_error_set(ITK_ERROR,
                               "the ssh-agent at %s refused to sign with %s %s (is the key still "
                               "loaded, or did a confirmation fail?)",
                               path, itk_pubkey_type(key), fpr.ptr ? fpr.ptr : "");
        itk_buf_dispose(&fpr);
        return rc;
    }
    if (type != SSH2_AGENT_SIGN_RESPONSE || rd_string(&r, &sig, &sig_len) || rd_done(&r))
        return itk_error_set(ITK_EINVALID, "the ssh-agent at %s sent a malformed signing reply",
                             path);
    return itk_buf_put(sigblob, sig, sig_len);
}
