/* Creating a registry: the genesis commit built from the template compiled
 * into the library, signed by the city's key. */
#include "itaku/write_lock.h"
#include "itaku/errors.h"
#include "intl.h"
#include "itaku/forms.h"
#include "itaku/json.h"
#include "itaku/names.h"
#include "itaku/textnorm.h"
#include "itaku/people.h"
#include "itaku/delegation.h"
#include "fsutil.h"
#include "newdir.h"
#include "registry_priv.h"
#include "template.h"
#include "itaku/commit.h"
#include "itaku/init.h"
#include "itaku/contract_settings.h"
#include "itaku/labels.h"
#include "commit_priv.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

int itk_key_record(itk_buf *path, itk_buf *data, const char *party, const itk_pubkey *key,
                   const char *principal, const char *added_by, const char *created)
{
    return itk_key_record_as(path, data, NULL, party, key, principal, added_by, created);
}

int itk_key_record_as(itk_buf *path, itk_buf *data, const char *schema, const char *party,
                      const itk_pubkey *key, const char *principal, const char *added_by,
                      const char *created)
{
    return itk_key_record_named(path, data, schema, party, key, principal, NULL, added_by, created);
}

int itk_key_record_named(itk_buf *path, itk_buf *data, const char *schema, const char *party,
                         const itk_pubkey *key, const char *principal, const char *person,
                         const char *added_by, const char *created)
{
    return itk_key_record_attrs(path, data, schema, party, key, principal, person, NULL, added_by,
                                created);
}

int itk_key_record_attrs(itk_buf *path, itk_buf *data, const char *schema, const char *party,
                         const itk_pubkey *key, const char *principal, const char *person,
                         const char *post, const char *added_by, const char *created)
{
    itk_buf fpr = ITK_BUF_INIT, name = ITK_BUF_INIT, line = ITK_BUF_INIT;
    int rc;
    if (post && (!schema || strcmp(schema, "key.v1") == 0))
        return itk_error_set(ITK_EUNSUPPORTED,
                             "this registry's key records (key.v1) hold no posts; the city "
                             "brings its schemas up to date with `itaku contract upgrade`, "
                             "or leave out --post");
    if (post && (rc = itk_post_check(post)))
        return rc;
    if (person && (!schema || strcmp(schema, "key.v1") == 0))
        return itk_error_set(ITK_EUNSUPPORTED,
                             "this registry's key records (key.v1) hold no names; the city "
                             "brings its schemas up to date with `itaku contract upgrade`, "
                             "or leave out --name");
    if ((person && (rc = itk_display_name_check(person))) ||
        (rc = itk_principal_check(principal)) || (rc = itk_pubkey_fingerprint(&fpr, key)) ||
        (rc = itk_key_name_from_fingerprint(&name, fpr.ptr)) ||
        (rc = itk_pubkey_format(&line, key)))
        goto done;
    json_t *body = json_pack("{s:s, s:s, s:s, s:s}", "principal", principal, "public_key", line.ptr,
                             "fingerprint", fpr.ptr, "added_by", added_by);
    if (person || post) {
        json_t *attrs = json_object();
        if (person)
            json_object_set_new(attrs, "name", json_string(person));
        if (post)
            json_object_set_new(attrs, "post", json_string(post));
        json_object_set_new(body, "attributes", attrs);
    }
    itk_record_fields f = {"key", name.ptr, party, created, NULL, NULL, body, schema};
    rc = itk_record_build(data, &f);
    json_decref(body);
    if (!rc)
        rc = itk_record_path(path, itk_record_type_find("key"), party, NULL, name.ptr);
done:
    itk_buf_dispose(&fpr);
    itk_buf_dispose(&name);
    itk_buf_dispose(&line);
    return rc;
}

static int check_options(const itk_init_options *o)
{
    if (!o->contract_id || !*o->contract_id || !o->title || !*o->title || !o->city_id ||
        !o->city_name || !*o->city_name)
        return itk_error_set(ITK_EINVALID, "a contract id, a title, the city's party id and its "
                                           "name are required");
    int rc = itk_party_id_check(o->city_id);
    if (rc || (o->decision_rules && (rc = itk_kessai_rules_check(o->decision_rules))) ||
        (o->post_setters && (rc = itk_post_setters_check(o->post_setters))))
        return rc;
    /* decision rules name who sets posts too (V12): else the officer who
     * opens the registry alone would set who may seal, unnoticed; an
     * explicit empty list chooses that knowingly (status reminds of it) */
    if (json_array_size(o->decision_rules) > 0 && !o->post_setters)
        return itk_error_set(ITK_EINVALID,
                             "the decision rules (決裁) need \"post_setters\" beside "
                             "\"decision_rules\": the posts whose holders set who may seal, e.g. "
                             "\"post_setters\": [\"総務\"], with --principal-post one of them; "
                             "else the officer who opens the registry would set who may seal "
                             "alone (to choose that knowingly, write \"post_setters\": []; "
                             "itaku status then reminds of it); nothing was written");
    /* who sets posts must be someone (V12): the genesis officer holds one of
     * the post_setters, else nobody ever could */
    int setter = !json_array_size(o->post_setters);
    for (size_t i = 0; !setter && i < json_array_size(o->post_setters); i++)
        setter = o->principal_post && strcmp(json_string_value(json_array_get(o->post_setters, i)),
                                             o->principal_post) == 0;
    if (!setter)
        return itk_error_set(ITK_EINVALID,
                             "post_setters names the posts whose holders set who may seal, but "
                             "the officer opening the registry holds none of them (post %s), so "
                             "nobody could: give --principal-post one of them, or leave "
                             "post_setters out (then that officer alone sets posts)",
                             o->principal_post ? o->principal_post : "-");
    for (const char *p = o->contract_id; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == '/' || *p == '\\' || p - o->contract_id > 64)
            return itk_error_set(ITK_EINVALID,
                                 "contract id '%.64s' must be at most 64 characters without "
                                 "'/', '\\' or control characters",
                                 o->contract_id);
    /* the work starts on the first day (contract_json); the rule contract
     * amend applies to the settings in force after an amendment */
    if ((rc = itk_contract_dates_check(o->start, o->end, o->start)))
        return rc;
    /* the rule register add's schema applies (register.v2's method): a
     * method designated here is always one an entry may name; a code and
     * its label are one method, as register add and status compare them
     * (the catalog this init writes is the built-in one) */
    itk_labels *labels = NULL;
    if (itk_labels_builtin(&labels, "ja"))
        itk_error_clear();
    rc = itk_handover_methods_check(labels, o->handover_methods, o->handover_count);
    itk_labels_free(labels);
    if (rc)
        return rc;
    int off;
    return itk_timezone_offset(&off, o->timezone);
}

static int dir_usable(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? 0
                               : itk_error_set(ITK_EIO, "cannot open %s: %s", dir, strerror(errno));
    struct dirent *de;
    int empty = 1;
    while ((de = readdir(d)))
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
            empty = 0;
    closedir(d);
    return empty ? 0
                 : itk_error_set(ITK_EEXISTS,
                                 "%s already exists and is not empty; choose a new "
                                 "folder",
                                 dir);
}

static int contract_json(itk_buf *out, const itk_init_options *o, const unsigned char *skel,
                         size_t n)
{
    json_t *c;
    int rc = itk_json_parse(&c, (const char *)skel, n, "registry-template/itaku.json");
    if (rc)
        return rc;
    json_object_set_new(c, "city", json_string(o->city_id));
    json_object_set_new(c, "contract_id", json_string(o->contract_id));
    json_object_set_new(c, "title", json_string(o->title));
    json_t *period = json_object_get(c, "period");
    if (o->start) {
        json_object_set_new(period, "start", json_string(o->start));
        json_object_set_new(c, "work_start", json_string(o->start));
    }
    if (o->end)
        json_object_set_new(period, "end", json_string(o->end));
    if (o->timezone)
        json_object_set_new(c, "timezone", json_string(o->timezone));
    if (o->handover_count) {
        json_t *m = json_array();
        for (size_t i = 0; i < o->handover_count; i++)
            json_array_append_new(m, json_string(o->handover_methods[i]));
        json_object_set_new(c, "handover_methods", m);
    }
    if (o->decision_rules)
        json_object_set_new(c, "decision_rules", json_deep_copy(o->decision_rules));
    if (o->post_setters)
        json_object_set_new(c, "post_setters", json_deep_copy(o->post_setters));
    rc = itk_json_canonical(out, c);
    json_decref(c);
    return rc;
}

static int genesis_change(itk_change *c, const itk_init_options *o, const itk_pubkey *key,
                          const char *created)
{
    itk_buf path = ITK_BUF_INIT, data = ITK_BUF_INIT;
    int rc = 0;
    for (const itk_template_file *f = itk_template_files; !rc && f->path; f++) {
        if (strcmp(f->path, "itaku.json") == 0) {
            if (!(rc = contract_json(&data, o, f->data, f->size)))
                rc = itk_change_add(c, f->path, data.ptr, data.size);
        } else
            rc = itk_change_add(c, f->path, f->data, f->size);
    }
    /* the genesis holds the template: its records name its newest versions */
    char party_schema[64], key_schema[64];
    snprintf(party_schema, sizeof(party_schema), "party.v%ld", itk_schema_carried("party"));
    snprintf(key_schema, sizeof(key_schema), "key.v%ld", itk_schema_carried("key"));
    json_t *body = json_pack("{s:s, s:s}", "name", o->city_name, "role", "city");
    itk_record_fields pf = {"party", o->city_id, o->city_id, created,
                            NULL,    NULL,       body,       party_schema};
    if (!rc && !(rc = itk_record_build(&data, &pf)) &&
        !(rc = itk_record_path(&path, itk_record_type_find("party"), o->city_id, NULL, NULL)))
        rc = itk_change_add(c, path.ptr, data.ptr, data.size);
    json_decref(body);
    if (!rc &&
        !(rc = itk_key_record_attrs(&path, &data, key_schema, o->city_id, key, o->principal,
                                    o->principal_name, o->principal_post, o->city_id, created)))
        rc = itk_change_add(c, path.ptr, data.ptr, data.size);
    itk_buf_dispose(&path);
    itk_buf_dispose(&data);
    return rc;
}

/* The contract sheet's pins, and whose registry this is (the city's). */
static int pin(git_repository *repo, const git_oid *genesis, const char *fpr, const char *city)
{
    git_config *cfg = NULL;
    char hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(hex, sizeof(hex), genesis);
    int rc = 0;
    if (git_repository_config(&cfg, repo) < 0 ||
        git_config_set_string(cfg, "itaku.genesis", hex) < 0 ||
        git_config_set_string(cfg, "itaku.cityKey", fpr) < 0 ||
        git_config_set_string(cfg, ITK_CONFIG_PARTY, city) < 0)
        rc = itk_error_git("cannot record the genesis in the repository's config");
    git_config_free(cfg);
    return rc;
}

int itk_registry_init(git_oid *genesis, const char *dir, const itk_init_options *o,
                      itk_signer *signer)
{
    git_repository *repo = NULL;
    itk_lock *lock = NULL;
    itk_change *c = NULL;
    itk_buf fpr = ITK_BUF_INIT;
    int offset, rc;
    if ((rc = check_options(o)) || (rc = itk_principal_check(o->principal)) ||
        (rc = dir_usable(dir)) || (rc = itk_timezone_offset(&offset, o->timezone)) ||
        (rc = itk_pubkey_fingerprint(&fpr, itk_signer_public(signer))))
        return rc;
    itk_newdir nd;
    memset(&nd, 0, sizeof(nd));
    char created[32];
    itk_format_time(created, (long long)time(NULL), offset);
    if ((rc = itk_change_new(&c, "genesis", "Open the contract registry")) ||
        (rc = genesis_change(c, o, itk_signer_public(signer), created)))
        goto done;
    /* built beside dir and renamed to it at the end: killed before, no
     * half-made registry is left at dir */
    if ((rc = itk_newdir_begin(&nd, dir)))
        goto done;
    git_libgit2_init();
    git_repository_init_options io;
    git_repository_init_options_init(&io, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
    io.flags = GIT_REPOSITORY_INIT_MKPATH | GIT_REPOSITORY_INIT_NO_REINIT;
    io.initial_head = "main";
    if (git_repository_init_ext(&repo, nd.tmp, &io) < 0) {
        rc = itk_error_git("cannot create a repository in %s", dir);
        goto shutdown;
    }
    if ((rc = itk_repo_write_lock(&lock, repo)))
        goto shutdown;
    itk_identity who;
    memset(&who, 0, sizeof(who));
    snprintf(who.party, sizeof(who.party), "%s", o->city_id);
    snprintf(who.principal, sizeof(who.principal), "%s", o->principal);
    strcpy(who.role, "city");
    /* pinned first, so that the genesis is checked as clones will check it */
    itk_registry tmp = {.repo = repo};
    if ((rc = itk_commit_write(genesis, repo, signer, &who, c, NULL, 0, NULL, offset)) ||
        (rc = pin(repo, genesis, fpr.ptr, o->city_id)) || (rc = itk_commit_check(&tmp, genesis)))
        goto shutdown;
    rc = itk_ref_advance(repo, ITK_REF_MAIN, NULL, genesis, NULL, "genesis");
shutdown:
    if (repo)
        itk_newdir_note_caches(&nd, repo);
    git_repository_free(repo);
    itk_lock_release(lock);
    git_libgit2_shutdown();
    /* the commit point; a refused init leaves nothing behind (an empty
     * folder it was given stays as it was) */
    if (!rc)
        rc = itk_newdir_commit(&nd);
    itk_newdir_end(&nd);
done:
    itk_change_free(c);
    itk_buf_dispose(&fpr);
    return rc;
}
