/* Fuzz target: an ssh-agent's replies (core/ssh/agent.c, PROTOCOL.agent)
 * without their length frame: the same bytes as the answer to a key listing
 * and as the answer to a signing request. The agent is whatever listens on
 * $SSH_AUTH_SOCK: its bytes are untrusted. Keys listed parse back from
 * their own blob; a signature handed on lies inside the reply. */
#include "agent_priv.h"
#include "itaku/buf.h"
#include "itaku/sshkey.h"
#include "itaku/sshsig.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char key_line[] =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBEiM0RVZneImaq7zN3u/wARIjNEVWZ3iJmqu8zd7v8A fuzz";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static itk_pubkey *key;
    if (!key && itk_pubkey_from_line(&key, key_line, sizeof(key_line) - 1) != 0)
        abort();
    itk_pubkey **keys = NULL;
    size_t n = 0;
    if (itk_agent_parse_identities(&keys, &n, data, size, "fuzz") == 0) {
        for (size_t i = 0; i < n; i++) {
            size_t blen;
            const unsigned char *blob = itk_pubkey_blob(keys[i], &blen);
            itk_pubkey *back = NULL;
            if (itk_pubkey_from_blob(&back, blob, blen) != 0 || !itk_pubkey_equal(back, keys[i]))
                abort();
            itk_pubkey_free(back);
        }
        itk_pubkey_list_free(keys, n);
    } else if (keys || n)
        abort();
    itk_buf sig = ITK_BUF_INIT;
    if (itk_agent_parse_sign_reply(&sig, data, size, "fuzz", key) == 0 && sig.size + 5 > size)
        abort();
    itk_buf_dispose(&sig);
    return 0;
}
