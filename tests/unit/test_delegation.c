/* Unit tests of the decision rules as data (itaku/delegation.h, DESIGN
 * V12): which lists are well formed, which rule applies to a request kind
 * and outcome, and when seals meet a rule (one person counts once, the
 * drafter not at all, a 代決 only with a reason and a deputy the rule names). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "itaku/buf.h"
#include "itaku/contract_amend.h"
#include "itaku/errors.h"
#include "itaku/delegation.h"
#include "itaku/init.h"
#include "itaku/registry.h"
#include "helpers.h"

static json_t *parse(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    if (!j)
        fail_msg("bad test JSON: %s", e.text);
    return j;
}

static void check_rules(const char *text, int want)
{
    json_t *j = parse(text);
    assert_int_equal(itk_kessai_rules_check(j), want);
    json_decref(j);
}

static void test_well_formed_rules_and_what_is_refused(void **state)
{
    (void)state;
    check_rules("[{\"drafters\": [\"担当\"], \"approvers\": [{\"post\": \"課長\", \"count\": 1}]}]",
                0);
    check_rules("[]", 0);
    check_rules("[{\"request_kinds\": [\"subcontract\"], \"outcomes\": [\"approved\"], "
                "\"drafters\": [\"担当\", \"係長\"], \"approvers\": [{\"post\": \"部長\", "
                "\"count\": 1}, {\"post\": \"情報セキュリティ担当\", \"count\": 1}], "
                "\"deputies\": [{\"for\": \"部長\", \"post\": \"次長\"}]}]",
                0);
    /* no drafters; no approvers; a count of 0; an unknown field; a deputy
     * for a post the rule does not name; an unknown outcome */
    check_rules("[{\"approvers\": [{\"post\": \"課長\", \"count\": 1}]}]", ITK_EINVALID);
    check_rules("[{\"drafters\": [\"担当\"], \"approvers\": []}]", ITK_EINVALID);
    check_rules("[{\"drafters\": [\"担当\"], \"approvers\": [{\"post\": \"課長\", \"count\": 0}]}]",
                ITK_EINVALID);
    check_rules("[{\"drafters\": [\"担当\"], \"approvers\": [{\"post\": \"課長\", \"count\": 1}], "
                "\"quorum\": 1}]",
                ITK_EINVALID);
    check_rules("[{\"drafters\": [\"担当\"], \"approvers\": [{\"post\": \"課長\", \"count\": 1}], "
                "\"deputies\": [{\"for\": \"部長\", \"post\": \"次長\"}]}]",
                ITK_EINVALID);
    check_rules("[{\"drafters\": [\"担当\"], \"approvers\": [{\"post\": \"課長\", \"count\": 1}], "
                "\"outcomes\": [\"maybe\"]}]",
                ITK_EINVALID);
    check_rules("{}", ITK_EINVALID);
    itk_error_clear();
}

static itk_kessai_rule rule_of(const char *post1, int n1, const char *post2, int n2)
{
    itk_kessai_rule r;
    memset(&r, 0, sizeof(r));
    r.found = 1;
    snprintf(r.drafters[r.ndrafters++], ITK_KESSAI_POST_BYTES, "担当");
    snprintf(r.steps[0].post, ITK_KESSAI_POST_BYTES, "%s", post1);
    r.steps[0].count = n1;
    r.nsteps = 1;
    if (post2) {
        snprintf(r.steps[1].post, ITK_KESSAI_POST_BYTES, "%s", post2);
        r.steps[1].count = n2;
        r.nsteps = 2;
    }
    return r;
}

static void test_seals_meet_a_rule_one_person_once_never_the_drafter(void **state)
{
    (void)state;
    itk_buf missing = ITK_BUF_INIT;
    itk_kessai_rule two = rule_of("課長", 2, NULL, 0);
    itk_kessai_seal_in same[] = {{"kacho", "課長", NULL, 0}, {"kacho", "課長", NULL, 0}};
    assert_int_equal(itk_kessai_met(&two, same, 2, "tanto", &missing, NULL), 0);
    assert_string_equal(missing.ptr, "課長");
    itk_kessai_seal_in twin[] = {{"kacho", "課長", NULL, 0}, {"kacho2", "課長", NULL, 0}};
    assert_int_equal(itk_kessai_met(&two, twin, 2, "tanto", &missing, NULL), 1);
    /* the drafter's own seal does not count */
    itk_kessai_rule one = rule_of("課長", 1, NULL, 0);
    itk_kessai_seal_in own[] = {{"kacho", "課長", NULL, 0}};
    assert_int_equal(itk_kessai_met(&one, own, 1, "kacho", &missing, NULL), 0);
    assert_int_equal(itk_kessai_met(&one, own, 1, "tanto", &missing, NULL), 1);
    /* "部長 and 1 of 情報セキュリティ担当", in the rule's order */
    itk_kessai_rule both = rule_of("部長", 1, "情報セキュリティ担当", 1);
    itk_kessai_seal_in sec[] = {{"sato", "情報セキュリティ担当", NULL, 0},
                                {"bucho", "部長", NULL, 0}};
    int used[2];
    assert_int_equal(itk_kessai_met(&both, sec, 1, "tanto", &missing, NULL), 0);
    assert_string_equal(missing.ptr, "部長");
    assert_int_equal(itk_kessai_met(&both, sec, 2, "tanto", &missing, used), 1);
    assert_int_equal(used[0], 2);
    assert_int_equal(used[1], 1);
    itk_buf_dispose(&missing);
}

static void test_a_deputy_counts_only_with_a_reason_and_when_the_rule_names_it(void **state)
{
    (void)state;
    itk_kessai_rule r = rule_of("部長", 1, NULL, 0);
    snprintf(r.deputies[0].for_post, ITK_KESSAI_POST_BYTES, "部長");
    snprintf(r.deputies[0].post, ITK_KESSAI_POST_BYTES, "次長");
    r.ndeputies = 1;
    itk_kessai_seal_in no_reason[] = {{"jicho", "次長", "部長", 0}};
    itk_kessai_seal_in reason[] = {{"jicho", "次長", "部長", 1}};
    itk_kessai_seal_in other[] = {{"kacho", "課長", "部長", 1}};
    assert_int_equal(itk_kessai_met(&r, no_reason, 1, "tanto", NULL, NULL), 0);
    assert_int_equal(itk_kessai_met(&r, reason, 1, "tanto", NULL, NULL), 1);
    assert_int_equal(itk_kessai_met(&r, other, 1, "tanto", NULL, NULL), 0);
    assert_int_equal(itk_kessai_may_seal(&r, "次長", "部長"), 1);
    assert_int_equal(itk_kessai_may_seal(&r, "次長", NULL), 0);
    assert_int_equal(itk_kessai_may_seal(&r, "部長", NULL), 1);
    assert_int_equal(itk_kessai_may_draft(&r, "担当"), 1);
    assert_int_equal(itk_kessai_may_draft(&r, "部長"), 0);
    /* the holder sealed himself (another verdict: principal NULL, or the
     * same): he was not absent, and the 代決 does not count; the order of
     * the seals does not matter */
    itk_kessai_seal_in present[] = {{NULL, "部長", NULL, 1}, {"jicho", "次長", "部長", 1}};
    itk_kessai_seal_in after[] = {{"jicho", "次長", "部長", 1}, {NULL, "部長", NULL, 0}};
    itk_kessai_seal_in both[] = {{"jicho", "次長", "部長", 1}, {"bucho", "部長", NULL, 0}};
    int used[2];
    assert_int_equal(itk_kessai_met(&r, present, 2, "tanto", NULL, NULL), 0);
    assert_int_equal(itk_kessai_met(&r, after, 2, "tanto", NULL, NULL), 0);
    assert_int_equal(itk_kessai_met(&r, both, 2, "tanto", NULL, used), 1);
    assert_int_equal(used[0], 0);
    assert_int_equal(used[1], 1);
}

/* Where each seal on a decision branch was made: walked back from the tip
 * along first parents to the draft; refused when the draft is not reached
 * that way or a seal was not added on the way. */
static void test_seal_commits_walk_back_to_the_draft(void **state)
{
    (void)state;
    char *dir = th_tmpdir();
    git_repository *repo = NULL;
    git_oid d, s1, s2, other, at[2];
    git_libgit2_init();
    assert_int_equal(
        th_sh("cd '%s' && git init -q -b main r && cd r && G='git -c user.name=t -c "
              "user.email=t@example.invalid' && echo d >draft.json && git add . && $G commit -qm "
              "d && echo 1 >s1.json && git add . && $G commit -qm s1 && echo 2 >s2.json && "
              "git add . && $G commit -qm s2 && git checkout -q --orphan o && $G commit -qm o",
              dir),
        0);
    char path[4200];
    snprintf(path, sizeof(path), "%s/r", dir);
    assert_int_equal(git_repository_open(&repo, path), 0);
    git_object *o = NULL;
    assert_int_equal(git_revparse_single(&o, repo, "main~2"), 0);
    d = *git_object_id(o);
    git_object_free(o);
    assert_int_equal(git_revparse_single(&o, repo, "main~1"), 0);
    s1 = *git_object_id(o);
    git_object_free(o);
    assert_int_equal(git_revparse_single(&o, repo, "main"), 0);
    s2 = *git_object_id(o);
    git_object_free(o);
    assert_int_equal(git_revparse_single(&o, repo, "o"), 0);
    other = *git_object_id(o);
    git_object_free(o);
    const char *paths[] = {"s2.json", "s1.json"};
    assert_int_equal(itk_kessai_seal_commits(at, repo, &s2, &d, paths, 2), 0);
    assert_true(git_oid_equal(&at[0], &s2));
    assert_true(git_oid_equal(&at[1], &s1));
    /* no seal: the tip is the draft */
    assert_int_equal(itk_kessai_seal_commits(at, repo, &d, &d, NULL, 0), 0);
    /* the draft is not on the tip's first-parent line */
    assert_int_equal(itk_kessai_seal_commits(at, repo, &s2, &other, paths, 2), ITK_EINVALID);
    /* a path no commit after the draft adds (the draft's own) */
    const char *drafted[] = {"draft.json"};
    assert_int_equal(itk_kessai_seal_commits(at, repo, &s2, &d, drafted, 1), ITK_EINVALID);
    git_repository_free(repo);
    git_libgit2_shutdown();
    th_rmtree(dir);
    free(dir);
}

static void check_setters(const char *text, int want)
{
    json_t *j = parse(text);
    assert_int_equal(itk_post_setters_check(j), want);
    json_decref(j);
}

static void test_post_setters_are_a_short_list_of_posts(void **state)
{
    (void)state;
    check_setters("[\"総務\"]", 0);
    check_setters("[\"総務\", \"人事課長\"]", 0);
    check_setters("[]", 0);
    /* not a list; a number; an empty post; a control character; a post
     * twice; more than ITK_KESSAI_MAX_POSTS */
    check_setters("{\"post\": \"総務\"}", ITK_EINVALID);
    check_setters("[1]", ITK_EINVALID);
    check_setters("[\"\"]", ITK_EINVALID);
    check_setters("[\"総\\u0007務\"]", ITK_EINVALID);
    check_setters("[\"総務\", \"総務\"]", ITK_EINVALID);
    check_setters("[\"a\", \"b\", \"c\", \"d\", \"e\", \"f\", \"g\", \"h\", \"i\"]", ITK_EINVALID);
    itk_error_clear();
}

static void test_post_settings_in_force_from_rules_and_setters(void **state)
{
    (void)state;
    itk_post_setters s;
    json_t *rules = parse("[{\"drafters\": [\"担当\"], \"approvers\": [{\"post\": \"課長\", "
                          "\"count\": 1}]}]");
    json_t *none = parse("[]"), *setters = parse("[\"総務\", \"課長\"]");
    json_t *bad = parse("[\"総務\", 7]");
    /* no rule, no setters: today's behaviour */
    assert_int_equal(itk_post_setters_from(&s, NULL, NULL), 0);
    assert_int_equal(s.in_force, 0);
    assert_int_equal(itk_post_setters_from(&s, none, none), 0);
    assert_int_equal(s.in_force, 0);
    /* a decision rule alone: in force, no setter posts named */
    assert_int_equal(itk_post_setters_from(&s, rules, NULL), 0);
    assert_int_equal(s.in_force, 1);
    assert_int_equal(s.nsetters, 0);
    /* setters, with or without a rule */
    assert_int_equal(itk_post_setters_from(&s, rules, setters), 0);
    assert_int_equal(s.nsetters, 2);
    assert_string_equal(s.setters[0], "総務");
    assert_string_equal(s.setters[1], "課長");
    assert_int_equal(itk_post_setters_from(&s, none, setters), 0);
    assert_int_equal(s.in_force, 1);
    /* a malformed list: refused, no setter named */
    assert_int_equal(itk_post_setters_from(&s, rules, bad), ITK_EINVALID);
    assert_int_equal(s.nsetters, 0);
    itk_error_clear();
    json_decref(rules);
    json_decref(none);
    json_decref(setters);
    json_decref(bad);
}

static void test_no_self_promotion_and_only_setters_set_posts(void **state)
{
    (void)state;
    itk_post_setters off, rule, somu;
    memset(&off, 0, sizeof(off));
    memset(&rule, 0, sizeof(rule));
    rule.in_force = 1;
    snprintf(rule.source, sizeof(rule.source), "itaku.json");
    snprintf(rule.genesis, sizeof(rule.genesis), "officer");
    somu = rule;
    snprintf(somu.setters[somu.nsetters++], ITK_KESSAI_POST_BYTES, "総務");
    /* no rule in force: anyone, themselves included (today) */
    assert_int_equal(itk_post_set_allowed(&off, "tanto", "担当", "tanto", "課長", "担当"), 0);
    /* a rule in force: never one's own post, even one that does not change */
    assert_int_equal(itk_post_set_allowed(&rule, "tanto", "担当", "tanto", "課長", "担当"),
                     ITK_EAUTH);
    assert_non_null(strstr(itk_error_last(), "tanto"));
    assert_int_equal(itk_post_set_allowed(&rule, "tanto", "担当", "tanto", "担当", "担当"),
                     ITK_EAUTH);
    assert_int_equal(itk_post_set_allowed(&rule, "officer", "担当", "officer", "担当", "担当"),
                     ITK_EAUTH);
    /* without post_setters, the genesis officer alone sets another's */
    assert_int_equal(itk_post_set_allowed(&rule, "tanto", "担当", "kacho", "課長", NULL),
                     ITK_EAUTH);
    assert_non_null(strstr(itk_error_last(), "opened the registry (officer)"));
    assert_int_equal(itk_post_set_allowed(&rule, "tanto", "担当", "kacho", NULL, "課長"),
                     ITK_EAUTH);
    assert_int_equal(itk_post_set_allowed(&rule, "officer", "担当", "kacho", "課長", NULL), 0);
    assert_int_equal(itk_post_set_allowed(&rule, "officer", "担当", "kacho", NULL, "課長"), 0);
    /* genesis unknown: nobody */
    rule.genesis[0] = 0;
    assert_int_equal(itk_post_set_allowed(&rule, "officer", "担当", "kacho", "課長", NULL),
                     ITK_EAUTH);
    /* post_setters: only a holder of one of them, and still not their own */
    assert_int_equal(itk_post_set_allowed(&somu, "tanto", "担当", "kacho", "課長", NULL),
                     ITK_EAUTH);
    assert_non_null(strstr(itk_error_last(), "総務"));
    assert_int_equal(itk_post_set_allowed(&somu, "officer", "担当", "kacho", "課長", NULL),
                     ITK_EAUTH);
    assert_int_equal(itk_post_set_allowed(&somu, "tanto", NULL, "kacho", "課長", NULL), ITK_EAUTH);
    assert_int_equal(itk_post_set_allowed(&somu, "soumu", "総務", "kacho", "課長", NULL), 0);
    /* a key added under a 課長 (no post given) is a setting too */
    assert_int_equal(itk_post_set_allowed(&somu, "tanto", "担当", "kacho", NULL, "課長"),
                     ITK_EAUTH);
    assert_non_null(strstr(itk_error_last(), "keys of kacho"));
    assert_int_equal(itk_post_set_allowed(&somu, "soumu", "総務", "kacho", NULL, "課長"), 0);
    assert_int_equal(itk_post_set_allowed(&somu, "soumu", "総務", "soumu", "課長", "総務"),
                     ITK_EAUTH);
    /* a new key with the post one holds already: still one's own */
    assert_int_equal(itk_post_set_allowed(&somu, "kacho", "課長", "kacho", "課長", "課長"),
                     ITK_EAUTH);
    itk_error_clear();
}

static void test_the_genesis_officer_sets_without_post_setters(void **state)
{
    (void)state;
    th_acme *f = th_acme_new();
    git_oid head;
    git_tree *tree = NULL;
    char who[65];
    assert_int_equal(git_reference_name_to_id(&head, f->repo, "HEAD"), 0);
    /* found from a later commit through its first parents */
    assert_int_equal(itk_genesis_principal(who, sizeof(who), f->repo, &head), 0);
    assert_string_equal(who, "officer");
    /* no decision rule: nothing is a setting, anyone as before */
    assert_int_equal(itk_registry_head_tree(&tree, f->reg), 0);
    itk_post_setters s;
    assert_int_equal(itk_post_setters_at(&s, f->repo, tree, &head), 0);
    assert_int_equal(s.in_force, 0);
    assert_int_equal(itk_key_setting_check(f->repo, tree, &head, "akiruno-city", "tanto",
                                           ITK_SETTING_KEY_RECORD, "officer", "課長"),
                     0);
    assert_int_equal(itk_post_settings_change_check(f->repo, tree, &head, "akiruno-city", "tanto"),
                     0);
    git_tree_free(tree);
    /* init: post_setters its own officer does not hold: nobody could set */
    json_t *setters = parse("[\"総務\"]"),
           *rules = parse("[{\"request_kinds\": [\"copy\"], \"drafters\": [\"担当\"], "
                          "\"approvers\": [{\"post\": \"課長\", \"count\": 1}]}]");
    itk_init_options o = ITK_INIT_OPTIONS_INIT;
    char path[4200];
    snprintf(path, sizeof(path), "%s/new", f->dir);
    o.contract_id = "C-2";
    o.title = "職の設定";
    o.city_id = "akiruno-city";
    o.city_name = "あきる野市";
    o.principal = "officer";
    o.principal_post = "担当";
    o.decision_rules = rules;
    o.post_setters = setters;
    git_oid genesis;
    assert_int_equal(itk_registry_init(&genesis, path, &o, f->city), ITK_EINVALID);
    assert_non_null(strstr(itk_error_last(), "holds none of them (post 担当)"));
    itk_error_clear();
    json_decref(setters);
    json_decref(rules);
    th_acme_free(f);
}

/* Once a rule is in force, a key under another officer, a new name
 * included, is a setter's to add: else a 担当's key under a new name seals
 * once a setter makes that name 課長. An officer with no post adds their
 * own; a key event about an officer with no post is no setting. */
static void test_a_key_under_a_new_name_is_a_setters(void **state)
{
    (void)state;
    th_acme *f = th_acme_new();
    git_oid head, c;
    git_tree *tree = NULL;
    itk_buf name = ITK_BUF_INIT;
    itk_contract_amend_options o = ITK_CONTRACT_AMEND_OPTIONS_INIT;
    json_t *rules = parse("[{\"request_kinds\": [\"copy\"], \"drafters\": [\"担当\"], "
                          "\"approvers\": [{\"post\": \"課長\", \"count\": 1}]}]");
    o.reason = "専決規程";
    o.decision_rules = rules;
    assert_int_equal(itk_contract_amend(&name, &c, f->reg, f->city, &o), 0);
    assert_int_equal(git_reference_name_to_id(&head, f->repo, "HEAD"), 0);
    assert_int_equal(itk_registry_head_tree(&tree, f->reg), 0);
    assert_int_equal(itk_key_setting_check(f->repo, tree, &head, "akiruno-city", "tanto",
                                           ITK_SETTING_KEY_RECORD, "shinjin", NULL),
                     ITK_EAUTH);
    assert_non_null(strstr(itk_error_last(), "may not add a key of shinjin, another officer"));
    assert_non_null(strstr(itk_error_last(), "opened the registry (officer)"));
    itk_error_clear();
    /* the setter (the genesis officer here) adds it; shinjin adds its own */
    assert_int_equal(itk_key_setting_check(f->repo, tree, &head, "akiruno-city", "officer",
                                           ITK_SETTING_KEY_RECORD, "shinjin", NULL),
                     0);
    assert_int_equal(itk_key_setting_check(f->repo, tree, &head, "akiruno-city", "shinjin",
                                           ITK_SETTING_KEY_RECORD, "shinjin", NULL),
                     0);
    assert_int_equal(itk_key_setting_check(f->repo, tree, &head, "akiruno-city", "tanto",
                                           ITK_SETTING_KEY_EVENT, "shinjin", NULL),
                     0);
    /* another party's keys are theirs */
    assert_int_equal(itk_key_setting_check(f->repo, tree, &head, "acme", "tanto",
                                           ITK_SETTING_KEY_RECORD, "shinjin", NULL),
                     0);
    git_tree_free(tree);
    itk_buf_dispose(&name);
    json_decref(rules);
    th_acme_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_well_formed_rules_and_what_is_refused),
        cmocka_unit_test(test_seals_meet_a_rule_one_person_once_never_the_drafter),
        cmocka_unit_test(test_a_deputy_counts_only_with_a_reason_and_when_the_rule_names_it),
        cmocka_unit_test(test_seal_commits_walk_back_to_the_draft),
        cmocka_unit_test(test_post_setters_are_a_short_list_of_posts),
        cmocka_unit_test(test_post_settings_in_force_from_rules_and_setters),
        cmocka_unit_test(test_no_self_promotion_and_only_setters_set_posts),
        cmocka_unit_test(test_the_genesis_officer_sets_without_post_setters),
        cmocka_unit_test(test_a_key_under_a_new_name_is_a_setters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
