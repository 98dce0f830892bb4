/* Choosing the signing key: --key FILE, git config itaku.signingKey, or the
 * one registered key in the ssh-agent. */
#ifndef ITAKU_SIGNER_SELECT_H
#define ITAKU_SIGNER_SELECT_H

#include "itaku/registry.h"
#include "itaku/sshsig.h"

/* The signing key: an explicit key file, else git config itaku.signingKey,
 * else the one key in the ssh-agent at agent_socket (may be NULL) that is
 * registered in the registry. reg may be NULL (before a registry exists). */
int itk_signer_open(itk_signer **out, itk_registry *reg, const char *key_path,
                    const char *agent_socket);

#endif
