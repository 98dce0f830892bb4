/* 決裁 (DESIGN V12): the city's decision rules as data, and whether the
 * seals on a draft meet them. A rule names, for a kind of request and an
 * outcome, the posts that may draft (起案), the posts that must seal in
 * order ("1 of 課長", "部長 and 1 of 情報セキュリティ担当") and the deputy
 * posts that may seal for one of them (代決, with a recorded reason).
 *
 * Rules live in the contract settings: itaku.json "decision_rules" (set at
 * `itaku init`), replaced as a whole by the newest contract amendment of the
 * city that names "decision_rules" (`itaku contract amend`). The rule that
 * applies to a decision is the one in force in the tree of its draft's
 * first parent (main as the draft was made on it: nothing riding on the
 * draft or the merged branch), and the seals must meet the rule in force on
 * main as the decision is taken too (when there is one). No rule: one city
 * key decides (V6 alone). */
#ifndef ITAKU_DELEGATION_H
#define ITAKU_DELEGATION_H

#include <git2.h>
#include <jansson.h>

#include "itaku/buf.h"
#include "itaku/people.h"

/* Bounds of one rule (checked by itk_kessai_rules_check; the schemas say
 * the same with maxItems). */
#define ITK_KESSAI_MAX_RULES 32
#define ITK_KESSAI_MAX_POSTS 8 /* drafters, steps, deputies */
#define ITK_KESSAI_MAX_COUNT 9 /* "N of POST" */
#define ITK_KESSAI_POST_BYTES 257

typedef struct {
    char post[ITK_KESSAI_POST_BYTES];
    int count;
} itk_kessai_step;

typedef struct {
    char for_post[ITK_KESSAI_POST_BYTES]; /* the post sealed for */
    char post[ITK_KESSAI_POST_BYTES];     /* the deputy's own post */
} itk_kessai_deputy;

typedef struct {
    int found; /* 0: no rule applies (one city key decides) */
    char drafters[ITK_KESSAI_MAX_POSTS][ITK_KESSAI_POST_BYTES];
    size_t ndrafters;
    itk_kessai_step steps[ITK_KESSAI_MAX_POSTS]; /* in the order the 決裁欄 shows */
    size_t nsteps;
    itk_kessai_deputy deputies[ITK_KESSAI_MAX_POSTS];
    size_t ndeputies;
    char source[200]; /* "itaku.json" or the amendment's path */
} itk_kessai_rule;

/* One seal as the meeting test sees it. The list holds every seal on the
 * draft: one that cannot count (another verdict, no longer standing) with
 * principal NULL, still showing that a holder of its post sealed. */
typedef struct {
    const char *principal;  /* who sealed (one person, whatever keys); NULL: counts not */
    const char *post;       /* their post, read before the seal */
    const char *acting_for; /* 代決: the post sealed for, or NULL */
    int has_reason;         /* a 代決 needs a recorded reason */
} itk_kessai_seal_in;

/* 0 when rules (the JSON array of "decision_rules") is well formed: at most
 * ITK_KESSAI_MAX_RULES objects, each with "approvers" (1 to
 * ITK_KESSAI_MAX_POSTS of {"post", "count" 1..ITK_KESSAI_MAX_COUNT}),
 * "drafters" (1 to ITK_KESSAI_MAX_POSTS posts) and optional
 * "request_kinds", "outcomes" (approved, rejected, returned) and
 * "deputies" ({"for", "post"}, "for" naming an approver post). Every post
 * passes itk_post_check. ITK_EINVALID naming what is wrong otherwise. */
int itk_kessai_rules_check(const json_t *rules);

/* The first rule of the list rules (checked with itk_kessai_rules_check:
 * its error otherwise, out->found 0) whose request_kinds and outcomes hold
 * kind and outcome; out->found is 0 when none does. */
int itk_kessai_rule_from(itk_kessai_rule *out, const json_t *rules, const char *kind,
                         const char *outcome);

/* The rule in force in tree for a request of kind decided with outcome
 * ("approved", "rejected", "returned"): the first rule of the list in force
 * whose request_kinds (none: every kind) and outcomes (none: every outcome)
 * hold them. out->found is 0 when none applies (or the list in force is
 * malformed: then 0 is returned too, and ITK_EINVALID is left to the
 * writers that check lists; verify reports a malformed list where it is
 * written). ITK_EGIT when the tree cannot be read. */
int itk_kessai_rule_at(itk_kessai_rule *out, git_repository *repo, const git_tree *tree,
                       const char *kind, const char *outcome);
/* itk_kessai_rule_at not counting what the commits of vw (NULL: none) wrote
 * (V9: a rule written with a stolen key; itaku/people.h). */
int itk_kessai_rule_counted(itk_kessai_rule *out, git_repository *repo, const git_tree *tree,
                            const itk_void_writes *vw, const char *kind, const char *outcome);

/* Whether post may draft under r (1) or not (0). */
int itk_kessai_may_draft(const itk_kessai_rule *r, const char *post);

/* Whether a seal by post (acting for acting_for, NULL when sealing as
 * itself) is one r names: post is an approver post, or a deputy of
 * acting_for. 1 or 0. */
int itk_kessai_may_seal(const itk_kessai_rule *r, const char *post, const char *acting_for);

/* Whether seals meet r: each step in order takes seals not yet used, each
 * by a person not yet counted, other than drafter, whose post is the
 * step's (or who acts for it as a deputy r names, with a reason, when no
 * seal of the list is a holder's of that post: a holder who sealed, with
 * whatever verdict, was not absent), until it has its count. 1 when every step has; 0 otherwise,
 * and then missing (when not NULL) says what is still needed, post by post: "課長", "部長, 情報セキ
 * ュリティ担当", "課長×2" (two more of 課長). used[i] (when not
 * NULL, n entries) is set to the step number + 1 that counted seal i, 0
 * when it did not count. */
int itk_kessai_met(const itk_kessai_rule *r, const itk_kessai_seal_in *seals, size_t n,
                   const char *drafter, itk_buf *missing, int *used);

/* The most commits walked back from a decision branch's tip to its draft
 * (one per seal): far beyond any rule's seals. */
#define ITK_KESSAI_MAX_WALK 256

/* Where the seals on a decision branch were made: walks from tip back along
 * first parents to draft (at most ITK_KESSAI_MAX_WALK commits) and sets
 * commits[i] to the commit that added paths[i] (the first whose first
 * parent's tree lacks it). ITK_EINVALID (naming tip and draft) when draft
 * is not reached along first parents or a path is added by none of them;
 * ITK_EGIT when a commit or tree cannot be read. */
int itk_kessai_seal_commits(git_oid *commits, git_repository *repo, const git_oid *tip,
                            const git_oid *draft, const char *const *paths, size_t n);

/* Whether a seal still stands in tree (main as the decision is taken on
 * it, DESIGN V12): the key that signed it is active there and the sealing
 * principal holds the post it sealed with. */
typedef enum {
    ITK_SEAL_STANDS = 0,
    ITK_SEAL_KEY_UNKNOWN,     /* no party of tree lists the key */
    ITK_SEAL_KEY_RETIRED,     /* retired in tree */
    ITK_SEAL_KEY_COMPROMISED, /* compromised in tree (V9) */
    ITK_SEAL_POST_NONE,       /* the principal has no post in tree */
    ITK_SEAL_POST_OTHER,      /* another post (in *now) */
} itk_seal_standing;

/* Sets *out to the standing of a seal by principal of party with post,
 * signed by the key fpr (SHA256 fingerprint), in tree; now receives the
 * principal's post there ("" when none). 0, or ITK_ENOMEM. */
int itk_kessai_seal_standing(itk_seal_standing *out, itk_buf *now, git_repository *repo,
                             const git_tree *tree, const char *party, const char *fpr,
                             const char *principal, const char *post);
/* itk_kessai_seal_standing not counting what the commits of vw (NULL: none)
 * wrote (a post given with a stolen key). */
int itk_kessai_seal_counted(itk_seal_standing *out, itk_buf *now, git_repository *repo,
                            const git_tree *tree, const itk_void_writes *vw, const char *party,
                            const char *fpr, const char *principal, const char *post);
/* Who may set who seals (DESIGN V12). V12 proves a rule was kept only
 * while no officer can name themselves 課長 or hold a 課長's key, so once
 * the contract settings hold a decision rule (or "post_setters"), these are
 * settings of who may seal, in a commit of the city:
 *  - a key record that gives a post, or is added under a principal that
 *    holds a post before the commit, or under any principal of the city
 *    other than the signer's (a new one included: so every key of an
 *    officer who is later given a post was added by a setter, or by the
 *    officer themselves with a key a setter added);
 *  - a key event (but "compromise", which only takes power away, V9) that
 *    gives a post (an "attributes" event, even one that changes nothing)
 *    or concerns a principal that holds a post before the commit;
 *  - a change of "decision_rules" or "post_setters" (a contract amendment
 *    naming either, or an edit of itaku.json), dropping them included.
 * A setting is made only by a setter, and never about the setter's own
 * principal: when "post_setters" is in force (a list of posts beside
 * "decision_rules": itaku.json at `itaku init`, replaced by the newest
 * contract amendment of the city that names "post_setters"), an officer
 * whose post, read from the commit's first parent, is one of them (a
 * personnel or 総務 post, say); without it, the genesis officer alone (the
 * principal of the key the genesis registers: the person who opened the
 * registry, whose key every copy pins). The genesis's posts are the
 * bootstrap. Other parties' posts are theirs: no rule. Sections are not
 * modelled: a 課長 in post_setters sets any city post. */
typedef struct {
    int in_force; /* 0: no decision rule, no post_setters (anyone, as before) */
    char setters[ITK_KESSAI_MAX_POSTS][ITK_KESSAI_POST_BYTES];
    size_t nsetters;  /* 0: the genesis officer alone */
    char city[64];    /* the contract's city, "" when unknown */
    char source[200]; /* where post_setters (else decision_rules) was read */
    char genesis[65]; /* the genesis officer's principal, "" when unknown */
} itk_post_setters;

/* 0 when setters (the JSON "post_setters") is a list of at most
 * ITK_KESSAI_MAX_POSTS posts, each passing itk_post_check and none twice
 * (an empty list: no setter posts named, the genesis officer sets); ITK_EINVALID
 * naming what is wrong otherwise. */
int itk_post_setters_check(const json_t *setters);

/* Fills out from the settings rules ("decision_rules", may be NULL) and
 * setters ("post_setters", may be NULL): in_force when either is a
 * non-empty list. A malformed setters gives ITK_EINVALID (out
 * stays in force with no setters named). city, source and genesis are left
 * empty. */
int itk_post_setters_from(itk_post_setters *out, const json_t *rules, const json_t *setters);

/* The settings on posts in force in tree (the city's itaku.json and its
 * contract amendments, as itk_kessai_rule_at reads them), and, when from
 * (the commit whose tree is tree, NULL: unknown) is given and the settings
 * are in force, the genesis officer found by following from's first
 * parents to the root. A malformed list in force counts as no list
 * (writers and the schema refuse one where it is written). Never fails on
 * a tree it cannot read (out->in_force 0). */
int itk_post_setters_at(itk_post_setters *out, git_repository *repo, const git_tree *tree,
                        const git_oid *from);
/* itk_post_setters_at not counting what the commits of vw (NULL: none)
 * wrote. */
int itk_post_setters_counted(itk_post_setters *out, git_repository *repo, const git_tree *tree,
                             const itk_void_writes *vw, const git_oid *from);

/* 0 when signer (a principal of the city, whose post is signer_post, NULL
 * when none) may make a setting of who may seal (see above) about
 * principal (giving it post, NULL when the setting gives none; before: its
 * post before, NULL when none) under s; ITK_EAUTH with a message saying who
 * may otherwise. Allowed always when s is not in force. The caller decides
 * that the change is a setting (itk_key_setting_check does). */
int itk_post_set_allowed(const itk_post_setters *s, const char *signer, const char *signer_post,
                         const char *principal, const char *post, const char *before);

/* What a key record or key event of the city is, for itk_key_setting_check. */
typedef enum {
    ITK_SETTING_KEY_RECORD = 1, /* a key record added under principal */
    ITK_SETTING_KEY_EVENT,      /* a key event (not "compromise") about principal */
} itk_setting_kind;

/* Checks a key record or key event of a commit of party, signed by
 * principal signer, made on tree before (the first parent's tree, or HEAD's
 * for a writer; from: that commit, to find the genesis officer), concerning
 * principal and giving it post (NULL: none): 0 when it is no setting of
 * who may seal, or party is not the city there, or signer may make it
 * (itk_post_set_allowed) and, when post is given, every key record of
 * principal in before was added in the genesis, by a commit whose first
 * parent had a decision rule in force (so by a setter, or by principal
 * itself from such a key), or by the genesis officer (a key another officer
 * added before the rules may be that officer's, and would seal with the
 * post); ITK_EAUTH saying who may otherwise, or naming that key record and
 * the commit that added it; ITK_EGIT when from's history cannot be read;
 * ITK_ENOMEM. */
int itk_key_setting_check(git_repository *repo, const git_tree *before, const git_oid *from,
                          const char *party, const char *signer, itk_setting_kind kind,
                          const char *principal, const char *post);
/* itk_key_setting_check not counting what the commits of vw (NULL: none)
 * wrote in before (posts and settings written with a stolen key). */
int itk_key_setting_counted(git_repository *repo, const git_tree *before, const itk_void_writes *vw,
                            const git_oid *from, const char *party, const char *signer,
                            itk_setting_kind kind, const char *principal, const char *post);

/* While the settings on posts are in force, the settings that say who
 * decides ("decision_rules" and "post_setters": a contract amendment naming
 * either, or an edit of itaku.json changing either) are changed only by a
 * setter too (the holders of post_setters, else the genesis officer); else
 * anyone could drop the rules, or the list, and then decide alone. 0 when
 * signer (a principal of party, its post read from tree before; from: the
 * commit of before, as above) may change them, or party is not the city,
 * or no rule is in force; ITK_EAUTH saying who may otherwise; ITK_ENOMEM. */
int itk_post_settings_change_check(git_repository *repo, const git_tree *before,
                                   const git_oid *from, const char *party, const char *signer);
/* itk_post_settings_change_check not counting what the commits of vw (NULL:
 * none) wrote in before. */
int itk_post_settings_change_counted(git_repository *repo, const git_tree *before,
                                     const itk_void_writes *vw, const git_oid *from,
                                     const char *party, const char *signer);

/* V9 within the city (DESIGN V9, V12): while the settings on posts are in
 * force in before (the tree of from, the commit the report is made on),
 * signer (a principal of party) may report a key of the city other than
 * the signing key itself (key, held by principal owner) compromised only
 * when signer is a setter (a holder of post_setters, else the genesis
 * officer): else any officer could end the 課長's key, and with it the
 * city's decisions. Posts are read not counting what the commits of vw
 * (NULL: none) wrote. The caller checks that the key is the city's and not
 * the signing key. 0 when allowed, or party is not the city, or no rule is
 * in force; ITK_EAUTH with a sentence saying who may; ITK_EGIT;
 * ITK_ENOMEM. */
int itk_compromise_report_counted(git_repository *repo, const git_tree *before,
                                  const itk_void_writes *vw, const git_oid *from, const char *party,
                                  const char *signer, const char *key, const char *owner);

/* The principal of the city's key that the genesis registers, reached from
 * commit from by its first parents: into out (size bytes; "" when the root
 * holds no single key record of the city). 0, or a libgit2 error. */
int itk_genesis_principal(char *out, size_t size, git_repository *repo, const git_oid *from);

#endif
