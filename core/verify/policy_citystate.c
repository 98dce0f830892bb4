/* The city's state as V12 reads it (DESIGN V12): who may draft, seal and
 * set posts is read from the city's settings (itaku.json, its contract
 * amendments, keys and key events) in the tree a commit is made on, found
 * under the folder of the city that itaku.json names. So that nobody can
 * steer those reads:
 *  - V4, identity: itaku.json's identity fields (the city's party id, whose
 *    folder holds the keys, posts and amendments, and contract_id, the
 *    contract the genesis opened) are fixed at the genesis; a commit that
 *    changes either is refused, naming the field. The city is the party
 *    the genesis registers with the role "city" (V1, V7 keep it the only
 *    one), so "city" must keep naming it. (A party's role and parent,
 *    in its party.json, are V7's: fixed when it is registered.)
 *  - V12, a commit of the city made on a tree whose itaku.json names
 *    another city (one that changed it) is refused: no verdict of V12 is
 *    ever read from an edited identity.
 *  - V12, no going back: a merge (anyone's) holds the city's settings of
 *    one of its parents whole, the newer one, whose line has the other's
 *    changes: two lines that each changed them are not joined. And a merge
 *    of the city that adds anything (a draft, a decision, a key) is
 *    checked against its first parent, main as it is taken on; so its
 *    second parent may bring no change of the city's settings that the
 *    first parent lacks: the first parent is the newest main. Else a draft
 *    or decision merged on a main older than an amendment, or a key added
 *    on one older than a change of who sets posts, would be checked
 *    against the older rule. */
#include "itaku/errors.h"
#include "itaku/json.h"
#include "itaku/query.h"
#include "policy_priv.h"

#include <string.h>

/* The fields of itaku.json that name the contract and its parties. */
static const char *const identity_fields[] = {"city", "contract_id"};

/* The city's settings: what V12 and the setter checks read. */
#define CITY_STATE_PATHS 4

static const char *json_field(const json_t *contract, const char *field)
{
    return json_string_value(json_object_get(contract, field));
}

/* itaku.json of tree into *out (NULL when unreadable: V10's to say). */
static void contract_of(json_t **out, check *ck, const git_tree *tree)
{
    *out = NULL;
    if (itk_tree_read_json(out, ck->p->repo, tree, "itaku.json")) {
        itk_error_clear();
        *out = NULL;
    }
}

/* V4: the commit keeps itaku.json's identity fields: "city" names the city
 * (the signer's party, role "city", as at the genesis), contract_id is its
 * base's (so, by induction, the genesis's). */
static int check_identity_kept(check *ck, const added_file *f)
{
    json_t *now = NULL, *was = NULL;
    int rc = 0;
    contract_of(&now, ck, ck->tree);
    contract_of(&was, ck, ck->base);
    if (!json_is_object(now) && was) {
        json_decref(now);
        json_decref(was);
        return PROBLEM(ck, "V4", f->path,
                       "itaku.json is no longer a JSON object naming the contract and its city "
                       "(%s, since the genesis); the fields that name them (city, contract_id) "
                       "never change",
                       ck->info->party);
    }
    for (size_t i = 0; now && was && !rc && i < sizeof(identity_fields) / sizeof(*identity_fields);
         i++) {
        const char *field = identity_fields[i];
        const char *a = json_field(now, field);
        const char *b = strcmp(field, "city") == 0 ? ck->info->party : json_field(was, field);
        if ((a || b) && (!a || !b || strcmp(a, b) != 0))
            rc = PROBLEM(ck, "V4", f->path,
                         "itaku.json gives its field \"%s\" the value \"%s\", but it is \"%s\" "
                         "since the genesis; the fields that name the contract and its city (city, "
                         "contract_id) never change (a change of the contract settings is a "
                         "contract amendment: itaku contract amend)",
                         field, a ? a : "", b ? b : "");
    }
    json_decref(now);
    json_decref(was);
    return rc;
}

/* V12: the parents of a commit of the city hold an itaku.json naming the
 * city (the signer's party); one that names another, or none, was edited. */
static int check_built_on_city(check *ck)
{
    int rc = 0;
    for (size_t i = 0; !rc && i < ck->nkey_trees && i < ck->info->nparents; i++) {
        json_t *c = NULL;
        contract_of(&c, ck, ck->key_trees[i]);
        const char *city = c ? json_field(c, "city") : NULL;
        if (!city)
            rc = PROBLEM(ck, "V12", "itaku.json",
                         "the commit builds on %.12s, whose itaku.json names no city (it is "
                         "missing, or no JSON object with \"city\"), not %s, the city of the "
                         "genesis; who may draft, seal and set posts is read from the city's "
                         "folder, so no commit of the city builds on it; build on a commit whose "
                         "itaku.json names %s",
                         git_oid_tostr_s(git_commit_parent_id(ck->commit, (unsigned)i)),
                         ck->info->party, ck->info->party);
        else if (strcmp(city, ck->info->party) != 0)
            rc = PROBLEM(ck, "V12", "itaku.json",
                         "the commit builds on %.12s, whose itaku.json names the city \"%s\", not "
                         "%s, the city of the genesis; who may draft, seal and set posts is read "
                         "from the city's folder, so no commit of the city builds on a changed "
                         "city; build on a commit whose itaku.json names %s",
                         git_oid_tostr_s(git_commit_parent_id(ck->commit, (unsigned)i)), city,
                         ck->info->party, ck->info->party);
        json_decref(c);
    }
    return rc;
}

/* Whether trees a and b hold the city's settings (state, n paths) alike;
 * into *which, the first path that differs. */
static int same_state(const git_tree *a, const git_tree *b, char state[][ITK_PARTY_ID_MAX + 48],
                      size_t n, const char **which)
{
    for (size_t i = 0; i < n; i++)
        if (!itk_policy_same_entry(a, b, state[i])) {
            *which = state[i];
            return 0;
        }
    return 1;
}

/* V12, no going back: a merge takes the city's settings of one of its
 * parents whole (the newer one, whose line holds the other's changes), and
 * a merge of the city that adds something takes its first parent's: it is
 * checked against its first parent, main as it is taken on. */
static int check_newest_first(check *ck)
{
    if (ck->info->nparents != 2 || ck->nkey_trees != 2 || !ck->base)
        return 0;
    char city[ITK_PARTY_ID_MAX + 1];
    if (ck->is_city)
        snprintf(city, sizeof(city), "%s", ck->info->party);
    else {
        json_t *c = NULL;
        contract_of(&c, ck, ck->key_trees[0]);
        const char *v = c ? json_field(c, "city") : NULL;
        int usable = v && *v && strlen(v) <= ITK_PARTY_ID_MAX && !strchr(v, '/');
        snprintf(city, sizeof(city), "%s", usable ? v : "");
        json_decref(c);
        if (!usable)
            return 0; /* V10's to say */
    }
    char state[CITY_STATE_PATHS][ITK_PARTY_ID_MAX + 48];
    snprintf(state[0], sizeof(state[0]), "itaku.json");
    snprintf(state[1], sizeof(state[1]), "parties/%s/keys", city);
    snprintf(state[2], sizeof(state[2]), "parties/%s/key-events", city);
    snprintf(state[3], sizeof(state[3]), "parties/%s/contract-amendments", city);
    const char *first_diff = NULL, *second_diff = NULL;
    int as_first = same_state(ck->base, ck->key_trees[0], state, CITY_STATE_PATHS, &first_diff);
    int as_second = same_state(ck->base, ck->key_trees[1], state, CITY_STATE_PATHS, &second_diff);
    char first[GIT_OID_HEXSZ + 1], second[GIT_OID_HEXSZ + 1];
    git_oid_tostr(first, sizeof(first), git_commit_parent_id(ck->commit, 0));
    git_oid_tostr(second, sizeof(second), git_commit_parent_id(ck->commit, 1));
    if (!as_first && !as_second)
        return PROBLEM(ck, "V12", first_diff,
                       "the merge joins two lines that each changed the city's settings (%s on "
                       "%.12s, %s on %.12s): who decides and who sets posts would become a mix "
                       "that no main held and nobody checked; make the change again on the "
                       "city's current main instead of merging",
                       first_diff, first, second_diff, second);
    if (ck->is_city && ck->nfiles > 0 && !as_first)
        return PROBLEM(ck, "V12", first_diff,
                       "the merge adds %s on its first parent %.12s, but its second parent %.12s "
                       "brings a newer %s than the first parent has; what the city adds in a "
                       "merge (a draft, a decision, a key) is checked against its first parent, "
                       "main as it is taken on, so the first parent is the newest main: bring "
                       "main up to date (itaku fetch) and make it again",
                       ck->files[0].path, first, second, first_diff);
    return 0;
}

int itk_policy_check_citystate(check *ck)
{
    if (ck->info->nparents == 0)
        return 0; /* the genesis names the city (V1) */
    if (!ck->is_city)
        return check_newest_first(ck); /* other parties change none of it */
    for (size_t i = 0; i < ck->nfiles; i++) {
        const added_file *f = &ck->files[i];
        int rc;
        if (f->info.kind == ITK_PATH_CONTRACT && ck->base && (rc = check_identity_kept(ck, f)))
            return rc;
    }
    int rc = check_built_on_city(ck);
    return rc ? rc : check_newest_first(ck);
}
