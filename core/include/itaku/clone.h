/* Joining a contract (DESIGN §2): a clone that trusts nothing until the
 * pinned genesis and city key check out. */
#ifndef ITAKU_CLONE_H
#define ITAKU_CLONE_H

/* Joins a contract: clones url (a path) into dir, pins the contract sheet's
 * genesis (a full commit id) and city key (SHA256:...), and verifies
 * everything; on any problem dir is removed and the error says why. Over
 * ssh:// and from bundles, itk_remote_clone (remote.h). */
int itk_registry_clone(const char *url, const char *dir, const char *city_key, const char *genesis);

#endif
