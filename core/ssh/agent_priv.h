/* Private to the library: the ssh-agent client's signing request, used by
 * signers backed by an agent (sshsig.c). Listing keys is public (sshsig.h). */
#ifndef ITAKU_AGENT_PRIV_H
#define ITAKU_AGENT_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "itaku/buf.h"
#include "itaku/sshkey.h"

/* Largest agent message we send or accept (OpenSSH's AGENT_MAX_LEN). */
#define ITK_AGENT_MAX_MSG (256 * 1024)
/* SSH2_AGENTC_SIGN_REQUEST flags (PROTOCOL.agent). */
#define ITK_AGENT_RSA_SHA2_256 2
#define ITK_AGENT_RSA_SHA2_512 4

/* socket_path, or $SSH_AUTH_SOCK when it is NULL; ITK_ENOTFOUND when neither. */
int itk_agent_socket(const char **out, const char *socket_path);

/* Asks the agent to sign data with its copy of key; *sigblob receives the
 * signature blob (string type || string signature), unchecked. */
int itk_agent_sign(itk_buf *sigblob, const char *socket_path, const itk_pubkey *key,
                   const void *data, size_t len, uint32_t flags);

/* The replies of an ssh-agent at path (named in messages), untrusted bytes
 * without their length frame (PROTOCOL.agent), parsed with a bounded
 * reader. A SSH2_AGENT_IDENTITIES_ANSWER: *keys gets the usable keys (an
 * array of *count, free with itk_pubkey_list_free); keys we cannot use are
 * left out; ITK_ERROR when the agent refused, ITK_EINVALID when the reply is
 * malformed (truncated, trailing bytes, more keys than bytes). */
int itk_agent_parse_identities(itk_pubkey ***keys, size_t *count, const void *reply, size_t len,
                               const char *path);
/* A SSH2_AGENT_SIGN_RESPONSE to a request to sign with key: *sigblob gets
 * the signature blob, unchecked; ITK_ERROR when the agent refused,
 * ITK_EINVALID when the reply is malformed. */
int itk_agent_parse_sign_reply(itk_buf *sigblob, const void *reply, size_t len, const char *path,
                               const itk_pubkey *key);

#endif
