/* Unit tests of itaku/kessai_draft.h (DESIGN V12): who may draft a decision
 * again (the drafter of the draft it replaces always; another drafting
 * officer only once a seal sent the draft back or no seal agreeing with it
 * still stands), and whether a decision stands once the seals it lists that
 * void commits wrote (V9) are dropped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "itaku/errors.h"
#include "itaku/kessai_draft.h"
#include "itaku/people.h"
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_the_drafter_always_drafts_again(void **state)
{
    (void)state;
    const itk_redraft_seal seals[] = {{"approved", 1}, {"approved", 1}};
    size_t b = 99;
    assert_int_equal(itk_kessai_may_redraft(&b, "tanto", "approved", "tanto", seals, 2), 1);
    assert_int_equal(itk_kessai_may_redraft(&b, "tanto", "approved", "tanto", NULL, 0), 1);
    assert_int_equal(b, 99);
}

static void test_another_officer_is_refused_while_an_agreeing_seal_stands(void **state)
{
    (void)state;
    const itk_redraft_seal seals[] = {{"approved", 0}, {"approved", 1}};
    size_t b = 99;
    assert_int_equal(itk_kessai_may_redraft(&b, "tanto", "approved", "tanto2", seals, 2), 0);
    assert_int_equal(b, 1); /* the seal that stands, not the one that no longer does */
    /* a rejection drafted and sealed as such binds the same way */
    const itk_redraft_seal rej[] = {{"rejected", 1}};
    assert_int_equal(itk_kessai_may_redraft(&b, "tanto", "rejected", "tanto2", rej, 1), 0);
    assert_int_equal(b, 0);
    /* no drafter recorded: nobody is its drafter */
    assert_int_equal(itk_kessai_may_redraft(NULL, NULL, "approved", "tanto2", seals, 2), 0);
}

static void test_another_officer_may_once_sent_back_or_no_seal_stands(void **state)
{
    (void)state;
    /* no seal at all */
    assert_int_equal(itk_kessai_may_redraft(NULL, "tanto", "approved", "tanto2", NULL, 0), 1);
    /* the agreeing seals no longer stand (a key retired, a post changed) */
    const itk_redraft_seal gone[] = {{"approved", 0}, {"approved", 0}};
    assert_int_equal(itk_kessai_may_redraft(NULL, "tanto", "approved", "tanto2", gone, 2), 1);
    /* a sealing post rejected or returned the draft, even beside an
     * agreeing seal that stands */
    const itk_redraft_seal back[] = {{"approved", 1}, {"returned", 1}};
    assert_int_equal(itk_kessai_may_redraft(NULL, "tanto", "approved", "tanto2", back, 2), 1);
    const itk_redraft_seal other[] = {{"returned", 0}};
    assert_int_equal(itk_kessai_may_redraft(NULL, "tanto", "rejected", "tanto2", other, 1), 1);
}

/* A registry's history, built with stock git (no signatures: standing reads
 * records and the graph, never keys): M (the contract, a copy needs two
 * 課長; acme's request q-000001), D (the 担当's draft), S1..S3 (seals of
 * kacho, kacho2, kacho3), E (two decisions: d-000001 lists s-000001..3,
 * d-000002 s-000001 and s-000002; d-000003 has no draft: one key;
 * d-000004 lists s-000001 alone), X (a later commit). With loosen, a commit
 * L between M and D sets the rule to one 課長. */
static const char fixture[] =
    "set -e\n"
    "git init -q -b main r && cd r\n"
    "G='git -c user.name=t -c user.email=t@example.invalid'\n"
    "mkdir -p parties/acme/requests parties/city/drafts/acme parties/city/seals/acme "
    "parties/city/decisions/acme\n"
    "printf '%s\\n' '{\"city\": \"city\", \"decision_rules\": [{\"request_kinds\": [\"copy\"], "
    "\"drafters\": [\"担当\"], \"approvers\": [{\"post\": \"課長\", \"count\": 2}]}]}' "
    ">itaku.json\n"
    "printf '%s\\n' '{\"type\": \"request\", \"id\": \"q-000001\", \"party\": \"acme\", "
    "\"body\": {\"kind\": \"copy\"}}' >parties/acme/requests/q-000001.json\n"
    "git add . && $G commit -qm M\n"
    "if [ \"${LOOSEN:-}\" ]; then sed -i 's/\"count\": 2/\"count\": 1/' itaku.json\n"
    "  git add . && $G commit -qm L; fi\n"
    "printf '%s\\n' '{\"type\": \"draft\", \"id\": \"dr-000001\", \"party\": \"city\", "
    "\"body\": {\"request\": \"acme/q-000001\", \"drafter\": \"tanto\", \"post\": \"担当\", "
    "\"outcome\": \"approved\"}}' >parties/city/drafts/acme/dr-000001.json\n"
    "git add . && $G commit -qm D\n"
    "D=$(git rev-parse HEAD)\n"
    "for i in 1 2 3; do who=kacho$i; [ $i = 1 ] && who=kacho\n"
    "  printf '{\"type\": \"seal\", \"id\": \"s-00000%s\", \"party\": \"city\", \"body\": "
    "{\"draft\": \"%s\", \"request\": \"acme/q-000001\", \"verdict\": \"approved\", "
    "\"principal\": \"%s\", \"post\": \"課長\"}}\\n' $i $D $who "
    ">parties/city/seals/acme/s-00000$i.json\n"
    "  git add . && $G commit -qm S$i\n"
    "done\n"
    "dec() { printf '{\"type\": \"decision\", \"id\": \"%s\", \"party\": \"city\", \"body\": "
    "{\"request\": \"acme/q-000001\", \"outcome\": \"approved\"%s}}\\n' $1 \"$2\" "
    ">parties/city/decisions/acme/$1.json; }\n"
    "dec d-000001 \", \\\"draft\\\": \\\"$D\\\", \\\"seals\\\": [\\\"s-000001\\\", "
    "\\\"s-000002\\\", \\\"s-000003\\\"]\"\n"
    "dec d-000002 \", \\\"draft\\\": \\\"$D\\\", \\\"seals\\\": [\\\"s-000001\\\", "
    "\\\"s-000002\\\"]\"\n"
    "dec d-000003 ''\n"
    "dec d-000004 \", \\\"draft\\\": \\\"$D\\\", \\\"seals\\\": [\\\"s-000001\\\"]\"\n"
    "git add . && $G commit -qm E\n"
    "echo x >x.txt && git add . && $G commit -qm X\n";

typedef struct {
    char *dir;
    git_repository *repo;
    git_oid s[4], x; /* s[1..3]: the seal commits */
    git_oid l;       /* with loosen: L */
    git_tree *tree;  /* X's */
} standing_fx;

static void fx_open_as(standing_fx *f, int loosen)
{
    char path[4200];
    git_object *o = NULL;
    memset(f, 0, sizeof(*f));
    git_libgit2_init();
    f->dir = th_tmpdir();
    snprintf(path, sizeof(path), "%s/fixture.sh", f->dir);
    th_write(path, fixture, strlen(fixture));
    assert_int_equal(th_sh("cd '%s' && LOOSEN=%s sh fixture.sh", f->dir, loosen ? "1" : ""), 0);
    snprintf(path, sizeof(path), "%s/r", f->dir);
    assert_int_equal(git_repository_open(&f->repo, path), 0);
    for (int i = 1; i <= 3; i++) {
        char rev[16];
        snprintf(rev, sizeof(rev), "main~%d", 5 - i); /* X E S3 S2 S1 */
        assert_int_equal(git_revparse_single(&o, f->repo, rev), 0);
        f->s[i] = *git_object_id(o);
        git_object_free(o);
    }
    assert_int_equal(git_revparse_single(&o, f->repo, "main"), 0);
    f->x = *git_object_id(o);
    assert_int_equal(git_commit_tree(&f->tree, (git_commit *)o), 0);
    git_object_free(o);
    if (loosen) {
        assert_int_equal(git_revparse_single(&o, f->repo, "main~6"), 0); /* L */
        f->l = *git_object_id(o);
        git_object_free(o);
    }
}

static void fx_open(standing_fx *f)
{
    fx_open_as(f, 0);
}

static void fx_close(standing_fx *f)
{
    git_tree_free(f->tree);
    git_repository_free(f->repo);
    git_libgit2_shutdown();
    th_rmtree(f->dir);
    free(f->dir);
}

#define DEC(n) "parties/city/decisions/acme/d-00000" #n ".json"

/* Every seal listed is good: the decision stands, whatever else is void. */
static void test_a_decision_whose_listed_seals_are_all_good_stands(void **state)
{
    (void)state;
    standing_fx f;
    itk_kessai_standing st;
    itk_void_writes vw = {NULL, 0, NULL, NULL, 0};
    fx_open(&f);
    assert_int_equal(itk_kessai_decision_standing(&st, f.repo, f.tree, &f.x, DEC(1), NULL), 0);
    assert_int_equal(st.stands, 1);
    assert_int_equal(st.nvoid, 0);
    /* a void commit that wrote none of its seals (X, after them) */
    assert_int_equal(itk_void_writes_add(&vw, f.repo, &f.x), 0);
    assert_int_equal(itk_kessai_decision_standing(&st, f.repo, f.tree, &f.x, DEC(2), &vw), 0);
    assert_int_equal(st.stands, 1);
    assert_int_equal(st.nvoid, 0);
    /* one key decides: no draft, no seals, no rule read */
    assert_int_equal(itk_kessai_decision_standing(&st, f.repo, f.tree, &f.x, DEC(3), &vw), 0);
    assert_int_equal(st.stands, 1);
    itk_void_writes_dispose(&vw);
    fx_close(&f);
}

/* A seal made after its key's last good commit is dropped; the seals left
 * still meet two 課長: the decision stands, naming the void seal. */
static void test_a_void_seal_beyond_the_rule_leaves_the_decision_standing(void **state)
{
    (void)state;
    standing_fx f;
    itk_kessai_standing st;
    itk_void_writes vw = {NULL, 0, NULL, NULL, 0};
    fx_open(&f);
    assert_int_equal(itk_void_writes_add(&vw, f.repo, &f.s[2]), 0);
    assert_int_equal(itk_kessai_decision_standing(&st, f.repo, f.tree, &f.x, DEC(1), &vw), 0);
    assert_int_equal(st.stands, 1);
    assert_int_equal(st.nvoid, 1);
    assert_string_equal(st.void_seals[0], "s-000002");
    itk_void_writes_dispose(&vw);
    fx_close(&f);
}

/* The seals left fall short of two 課長: void, saying what is missing and
 * where the rule is set, whoever merged it. */
static void test_a_decision_short_without_its_void_seals_is_void(void **state)
{
    (void)state;
    standing_fx f;
    itk_kessai_standing st;
    itk_void_writes vw = {NULL, 0, NULL, NULL, 0};
    fx_open(&f);
    assert_int_equal(itk_void_writes_add(&vw, f.repo, &f.s[2]), 0);
    assert_int_equal(itk_kessai_decision_standing(&st, f.repo, f.tree, &f.x, DEC(2), &vw), 0);
    assert_int_equal(st.stands, 0);
    assert_int_equal(st.nvoid, 1);
    assert_string_equal(st.void_seals[0], "s-000002");
    assert_string_equal(st.missing, "課長");
    assert_string_equal(st.source, "itaku.json");
    /* two of its three seals void: one 課長 short of two */
    assert_int_equal(itk_void_writes_add(&vw, f.repo, &f.s[3]), 0);
    assert_int_equal(itk_kessai_decision_standing(&st, f.repo, f.tree, &f.x, DEC(1), &vw), 0);
    assert_int_equal(st.stands, 0);
    assert_int_equal(st.nvoid, 2);
    assert_string_equal(st.void_seals[1], "s-000003");
    /* the commit it is read from not given: the draft's rule alone */
    assert_int_equal(itk_kessai_decision_standing(&st, f.repo, f.tree, NULL, DEC(2), &vw), 0);
    assert_int_equal(st.stands, 0);
    itk_void_writes_dispose(&vw);
    fx_close(&f);
}

/* A compromise whose last good commit is after a seal (last_good S2: only
 * S3 and later are void) leaves that seal counting: d-000002, sealed by
 * kacho and kacho2 before it, stands. */
static void test_a_seal_before_last_good_counts(void **state)
{
    (void)state;
    standing_fx f;
    itk_kessai_standing st;
    itk_void_writes vw = {NULL, 0, NULL, NULL, 0};
    fx_open(&f);
    assert_int_equal(itk_void_writes_add(&vw, f.repo, &f.s[3]), 0);
    assert_int_equal(itk_kessai_decision_standing(&st, f.repo, f.tree, &f.x, DEC(2), &vw), 0);
    assert_int_equal(st.stands, 1);
    assert_int_equal(st.nvoid, 0);
    /* … and d-000001 keeps two 課長 without s-000003 */
    assert_int_equal(itk_kessai_decision_standing(&st, f.repo, f.tree, &f.x, DEC(1), &vw), 0);
    assert_int_equal(st.stands, 1);
    assert_int_equal(st.nvoid, 1);
    /* a path that holds no decision */
    assert_int_equal(itk_kessai_decision_standing(&st, f.repo, f.tree, &f.x,
                                                  "parties/city/seals/acme/s-000001.json", &vw),
                     ITK_EINVALID);
    assert_int_equal(st.stands, 1);
    itk_error_clear();
    itk_void_writes_dispose(&vw);
    fx_close(&f);
}

/* A rule loosened by a void commit (L: one 課長 where the contract says
 * two) is not the rule: d-000004, one good seal, met it and stood; once L
 * is void, the contract's two 課長 are read and it is void, though none of
 * its seals is. */
static void test_a_decision_meeting_only_a_rule_a_void_commit_loosened_is_void(void **state)
{
    (void)state;
    standing_fx f;
    itk_kessai_standing st;
    itk_void_writes vw = {NULL, 0, NULL, NULL, 0};
    fx_open_as(&f, 1);
    assert_int_equal(itk_kessai_decision_standing(&st, f.repo, f.tree, &f.x, DEC(4), NULL), 0);
    assert_int_equal(st.stands, 1);
    assert_int_equal(itk_void_writes_add(&vw, f.repo, &f.l), 0);
    assert_int_equal(itk_kessai_decision_standing(&st, f.repo, f.tree, &f.x, DEC(4), &vw), 0);
    assert_int_equal(st.stands, 0);
    assert_int_equal(st.nvoid, 0);
    assert_string_equal(st.missing, "課長");
    /* two good seals meet the contract's rule: it stands */
    assert_int_equal(itk_kessai_decision_standing(&st, f.repo, f.tree, &f.x, DEC(2), &vw), 0);
    assert_int_equal(st.stands, 1);
    itk_void_writes_dispose(&vw);
    fx_close(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_drafter_always_drafts_again),
        cmocka_unit_test(test_another_officer_is_refused_while_an_agreeing_seal_stands),
        cmocka_unit_test(test_another_officer_may_once_sent_back_or_no_seal_stands),
        cmocka_unit_test(test_a_decision_whose_listed_seals_are_all_good_stands),
        cmocka_unit_test(test_a_void_seal_beyond_the_rule_leaves_the_decision_standing),
        cmocka_unit_test(test_a_decision_short_without_its_void_seals_is_void),
        cmocka_unit_test(test_a_seal_before_last_good_counts),
        cmocka_unit_test(test_a_decision_meeting_only_a_rule_a_void_commit_loosened_is_void),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
