/* Choosing the signing key: --key FILE, git config itaku.signingKey, or the
 * ssh-agent key that the registry knows (DESIGN §4). */
#include "itaku/errors.h"
#include "alloc.h"
#include "registry_priv.h"
#include "itaku/signer_select.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A key file's private part when readable (OpenSSH, PEM or PKCS#8), else
 * its public part through the agent: a passphrase-protected key file (its
 * public part read from the file, or from FILE.pub for PEM/PKCS#8), or a
 * .pub file. A private key that cannot be used for any other reason gives
 * that reason. */
static int signer_from_file(itk_signer **out, const char *path, const char *sock)
{
    itk_privkey *priv = NULL;
    int rc = itk_privkey_read_file(&priv, path);
    if (rc == 0)
        return itk_signer_from_privkey(out, priv);
    if (rc != ITK_EENCRYPTED && rc != ITK_EINVALID && rc != ITK_EUNSUPPORTED)
        return rc;
    /* the reason the private key is unusable, kept across the look at the public one */
    itk_error_state saved;
    itk_error_save(&saved);
    if (rc != ITK_EENCRYPTED && itk_key_file_is_private(path)) {
        itk_error_restore(&saved);
        return rc;
    }
    itk_pubkey *pub = NULL;
    int prc = itk_pubkey_read_file(&pub, path);
    if (prc) {
        /* an encrypted PEM file without FILE.pub: that message says what to do */
        if (prc != ITK_EENCRYPTED)
            itk_error_restore(&saved);
        return prc == ITK_EENCRYPTED ? prc : rc;
    }
    if (!sock || !*sock) {
        itk_pubkey_free(pub);
        if (rc == ITK_EENCRYPTED) {
            itk_error_restore(&saved);
            return rc;
        }
        return itk_error_set(ITK_EENCRYPTED,
                             "%s holds only a public key; start ssh-agent and load the "
                             "private key with `ssh-add`",
                             path);
    }
    rc = itk_signer_from_agent(out, sock, pub);
    if (rc == ITK_ENOTFOUND)
        rc = itk_error_set(rc,
                           "ssh-agent does not hold the key of %s; load it with `ssh-add %s` "
                           "and try again",
                           path, path);
    itk_pubkey_free(pub);
    return rc;
}

static int config_key(char **out, itk_registry *reg)
{
    git_config *cfg = NULL;
    git_buf v = GIT_BUF_INIT;
    *out = NULL;
    int r = reg ? git_repository_config_snapshot(&cfg, reg->repo) : git_config_open_default(&cfg);
    if (r < 0)
        return 0;
    if (git_config_get_path(&v, cfg, "itaku.signingKey") == 0) {
        *out = itk_strdup(v.ptr);
        git_buf_dispose(&v);
        r = *out ? 0 : ITK_ENOMEM;
    }
    git_config_free(cfg);
    return r;
}

static int signer_from_agent_registered(itk_signer **out, itk_registry *reg, const char *sock)
{
    itk_pubkey **keys = NULL;
    size_t n = 0, found = 0;
    git_tree *tree = NULL;
    itk_buf list = ITK_BUF_INIT, fpr = ITK_BUF_INIT;
    const itk_pubkey *chosen = NULL;
    int rc;
    if ((rc = itk_agent_list(&keys, &n, sock)))
        return rc;
    if ((rc = itk_registry_head_tree(&tree, reg)))
        goto done;
    for (size_t i = 0; i < n; i++) {
        itk_identity who;
        if (itk_pubkey_fingerprint(&fpr, keys[i]) ||
            itk_identity_find(&who, reg->repo, tree, fpr.ptr))
            continue;
        itk_buf_printf(&list, "\n  %s (%s/%s)", fpr.ptr, who.party, who.principal);
        chosen = keys[i];
        found++;
    }
    itk_error_clear();
    if (found == 0)
        rc = itk_error_set(ITK_ENOTFOUND,
                           "none of the %zu keys in ssh-agent is registered in this registry; "
                           "name your key with --key FILE or git config itaku.signingKey",
                           n);
    else if (found > 1)
        rc = itk_error_set(ITK_ECONFLICT,
                           "ssh-agent holds several keys registered here:%s\nchoose one with "
                           "--key FILE (its .pub file is enough) or git config itaku.signingKey",
                           list.ptr);
    else
        rc = itk_signer_from_agent(out, sock, chosen);
done:
    git_tree_free(tree);
    itk_pubkey_list_free(keys, n);
    itk_buf_dispose(&list);
    itk_buf_dispose(&fpr);
    return rc;
}

int itk_signer_open(itk_signer **out, itk_registry *reg, const char *key_path, const char *sock)
{
    *out = NULL;
    if (key_path && *key_path)
        return signer_from_file(out, key_path, sock);
    char *configured = NULL;
    /* out of memory must not fall back to another key than the one configured */
    if (config_key(&configured, reg))
        return ITK_ENOMEM;
    if (configured) {
        int rc = signer_from_file(out, configured, sock);
        free(configured);
        return rc;
    }
    if (sock && *sock && reg)
        return signer_from_agent_registered(out, reg, sock);
    return itk_error_set(ITK_ENOTFOUND,
                         "no signing key: pass --key FILE, set git config itaku.signingKey, or "
                         "load your key into ssh-agent (ssh-add) with SSH_AUTH_SOCK set");
}
