/* Creating a registry: the genesis commit built from the template compiled
 * into the library, and the key records it (and later key events) write. */
#ifndef ITAKU_INIT_H
#define ITAKU_INIT_H

#include <jansson.h>

#include "itaku/buf.h"
#include "itaku/registry.h"
#include "itaku/sshkey.h"

typedef struct {
    unsigned version;
    const char *contract_id;
    const char *title;
    const char *city_id;
    const char *city_name;
    const char *principal;
    const char *start; /* YYYY-MM-DD or NULL */
    const char *end;
    const char *timezone; /* NULL: Asia/Tokyo */
    const char **handover_methods;
    size_t handover_count;
    const char *principal_name; /* the principal's display name (key.v2), or NULL */
    const char *principal_post; /* the principal's post (key.v2, DESIGN V12), or NULL */
    /* itaku.json "decision_rules" (決裁, itaku/delegation.h; borrowed), or
     * NULL: none, one city key decides */
    const json_t *decision_rules;
    /* itaku.json "post_setters" (the posts whose holders set the city's
     * officers' posts, itaku/delegation.h; borrowed), or NULL: none (the
     * genesis officer sets them). When it names posts, principal_post must
     * be one of them (else nobody could set a post): ITK_EINVALID. With a
     * non-empty decision_rules it is required (ITK_EINVALID when NULL); an
     * empty list chooses the genesis officer knowingly (status warns). */
    const json_t *post_setters;
} itk_init_options;

#define ITK_INIT_OPTIONS_VERSION 1
#define ITK_INIT_OPTIONS_INIT                                                                      \
    {                                                                                              \
        ITK_INIT_OPTIONS_VERSION, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL,   \
            NULL, NULL, NULL                                                                       \
    }

/* Creates a registry in dir (which must not exist or be empty) from the
 * built-in template, in one signed genesis commit, and pins its genesis and
 * city key in the repository's config. */
int itk_registry_init(git_oid *genesis, const char *dir, const itk_init_options *opts,
                      itk_signer *signer);

/* The builder of a key record's body: principal, public key, fingerprint;
 * the envelope names schema ("key.v<N>": the version a write uses,
 * itk_form_schema; NULL: key.v1). */
int itk_key_record_as(itk_buf *path, itk_buf *data, const char *schema, const char *party,
                      const itk_pubkey *key, const char *principal, const char *added_by,
                      const char *created);
/* itk_key_record_as with the principal's display name name (NULL: none),
 * kept as the body's "attributes": {"name"} (key.v2 and later: a key.v1
 * schema or NULL with a name is ITK_EUNSUPPORTED); ITK_EINVALID when name
 * fails itk_display_name_check (itaku/people.h). */
int itk_key_record_named(itk_buf *path, itk_buf *data, const char *schema, const char *party,
                         const itk_pubkey *key, const char *principal, const char *name,
                         const char *added_by, const char *created);
/* itk_key_record_named also recording the principal's post (NULL: none;
 * "attributes": {"post"}, DESIGN V12); ITK_EINVALID when post fails
 * itk_post_check, ITK_EUNSUPPORTED with a key.v1 schema. */
int itk_key_record_attrs(itk_buf *path, itk_buf *data, const char *schema, const char *party,
                         const itk_pubkey *key, const char *principal, const char *name,
                         const char *post, const char *added_by, const char *created);
/* itk_key_record_as naming key.v1. */
int itk_key_record(itk_buf *path, itk_buf *data, const char *party, const itk_pubkey *key,
                   const char *principal, const char *added_by, const char *created);

#endif
