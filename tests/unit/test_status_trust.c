/* Unit tests of what status believes (core/status.c, status_rules.c): only
 * the records of commits verify accepts count; a register entry citing an
 * approval of another kind, past its validity or used up is a violation, as
 * `register add` would have refused it (itk_approval_judge); a receipt dated
 * before the commit it takes counts at the later date, flagged. Each case has
 * a twin that status must accept. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/evp.h>

#include "helpers.h"
#include "itaku/buf.h"
#include "itaku/errors.h"
#include "itaku/flow.h"
#include "itaku/instruct.h"
#include "itaku/party.h"
#include "itaku/record.h"
#include "itaku/registry.h"
#include "itaku/sshkey.h"
#include "itaku/sshsig.h"
#include "itaku/status.h"
#include "itaku/verify.h"
#include "itaku/commit.h"
#include "itaku/requests.h"

typedef struct {
    char *dir;
    char reg_path[4096], city_key[4200], acme_key[4200];
    itk_signer *city, *acme;
    itk_registry *reg;
} fixture;

static itk_signer *signer_with_file(const char *path)
{
    itk_privkey *k = NULL;
    itk_signer *s = NULL;
    assert_int_equal(itk_privkey_generate_ed25519(&k, "test"), 0);
    assert_int_equal(itk_privkey_write_files(k, path), 0);
    assert_int_equal(itk_signer_from_privkey(&s, k), 0);
    return s;
}

/* city and acme (keys also on disk, for stock git); acme received item-1. */
static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    f->dir = th_tmpdir();
    snprintf(f->reg_path, sizeof(f->reg_path), "%s/reg", f->dir);
    snprintf(f->city_key, sizeof(f->city_key), "%s/city.key", f->dir);
    snprintf(f->acme_key, sizeof(f->acme_key), "%s/acme.key", f->dir);
    f->city = signer_with_file(f->city_key);
    f->acme = signer_with_file(f->acme_key);
    f->reg = th_contract(f->reg_path, f->city, th_when(-1, ""), th_when(119, ""), NULL);
    th_add_acme(f->reg, f->city, f->acme);
    th_submit(f->reg, f->acme, "register",
              th_register_entry("received", "item-1", th_when(0, "T10:00:00+09:00")), NULL);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    itk_registry_free(f->reg);
    itk_signer_free(f->city);
    itk_signer_free(f->acme);
    th_rmtree(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

/* Every finding of one rule kind as "state record detail" lines; the caller
 * frees it. */
static char *findings(fixture *f, const char *at, const char *rule)
{
    itk_status_options o = ITK_STATUS_OPTIONS_INIT;
    itk_status *st = NULL;
    itk_buf out = ITK_BUF_INIT;
    o.at = at;
    int rc = itk_status_run(&st, f->reg, &o);
    if (rc)
        fprintf(stderr, "%s\n", itk_error_last());
    assert_int_equal(rc, 0);
    for (size_t i = 0; i < itk_status_count(st); i++) {
        const itk_finding *x = itk_status_get(st, i);
        if (strcmp(x->rule, rule) == 0)
            assert_int_equal(
                itk_buf_printf(&out, "%s %s %s\n", itk_state_name(x->state), x->record, x->detail),
                0);
    }
    itk_status_free(st);
    assert_int_equal(itk_buf_put(&out, "", 1), 0);
    return out.ptr;
}

static void expect_finding(fixture *f, const char *at, const char *rule, const char *line)
{
    char *got = findings(f, at, rule);
    if (!strstr(got, line))
        fprintf(stderr, "looked for '%s' in:\n%s", line, got);
    assert_non_null(strstr(got, line));
    free(got);
}

/* The canonical bytes of acme's register entry id with body (taken). */
static void entry_bytes(itk_buf *out, const char *id, json_t *body, const char *created)
{
    itk_record_fields rf = {"register", id, "acme", created, NULL, NULL, body, NULL};
    assert_int_equal(itk_record_build(out, &rf), 0);
    json_decref(body);
}

/* Commits data at path on top of HEAD with stock git: signed with key (NULL:
 * unsigned), with truthful trailers when trailers is set. */
static void stock_commit(fixture *f, const char *path, const itk_buf *data, const char *key,
                         int trailers)
{
    char file[4200], msg[4200], sha[65], content[65];
    unsigned char md[32];
    snprintf(file, sizeof(file), "%s/blob", f->dir);
    th_write(file, data->ptr, data->size);
    EVP_Digest(data->ptr, data->size, md, NULL, EVP_sha256(), NULL);
    for (int i = 0; i < 32; i++)
        snprintf(sha + 2 * i, 3, "%02x", md[i]);
    char line[600];
    int n = snprintf(line, sizeof(line), "%s %s\n", path, sha);
    EVP_Digest(line, (size_t)n, md, NULL, EVP_sha256(), NULL);
    for (int i = 0; i < 32; i++)
        snprintf(content + 2 * i, 3, "%02x", md[i]);
    snprintf(msg, sizeof(msg), "%s/msg", f->dir);
    itk_buf m = ITK_BUF_INIT;
    assert_int_equal(itk_buf_printf(&m, "Entry by hand\n\n"), 0);
    if (trailers)
        assert_int_equal(itk_buf_printf(&m,
                                        "Itaku-Party: acme\nItaku-Principal: manager\n"
                                        "Itaku-Action: submit\nItaku-Record: %s\n"
                                        "Itaku-Content-SHA256: %s\n",
                                        path, content),
                         0);
    th_write(msg, m.ptr, m.size);
    itk_buf_dispose(&m);
    char sign[4400] = "";
    if (key)
        snprintf(sign, sizeof(sign), "-c gpg.format=ssh -c user.signingkey=%s", key);
    assert_int_equal(
        th_sh("cd %s && export GIT_INDEX_FILE=%s/index.tmp && "
              "git read-tree HEAD && "
              "git update-index --add --cacheinfo 100644,$(git hash-object -w %s),%s && "
              "c=$(git %s commit-tree %s -p HEAD -F %s $(git write-tree)) && "
              "git update-ref HEAD $c",
              f->reg_path, f->dir, file, path, sign, key ? "-S" : "", msg),
        0);
}

static json_t *disposal(void)
{
    json_t *b = th_register_entry("disposed", "item-1", th_when(108, "T10:00:00+09:00"));
    json_object_set_new(b, "method", json_string("shredding"));
    return b;
}

#define END th_when(120, "")
#define SEC7 "items_returned_or_disposed_at_end"

/* (a) a disposal in an unsigned commit, and one signed by acme but without
 * the trailers V10 asks for: verify refuses both, and item-1 stays open */
static void test_records_of_refused_commits_do_not_count(void **state)
{
    fixture *f = *state;
    itk_buf data = ITK_BUF_INIT;
    entry_bytes(&data, "r-000002", disposal(), th_when(108, "T10:00:00+09:00"));
    stock_commit(f, "parties/acme/register/r-000002.json", &data, NULL, 1);
    expect_finding(f, END, SEC7, "violated acme/r-000001 item item-1 (received) not yet returned");
    assert_int_equal(th_sh("git -C %s update-ref HEAD HEAD~1", f->reg_path), 0);
    stock_commit(f, "parties/acme/register/r-000002.json", &data, f->acme_key, 0);
    expect_finding(f, END, SEC7, "violated acme/r-000001 item item-1 (received) not yet returned");
    itk_buf_dispose(&data);
}

/* the twins: the same disposal, committed with stock git, signed and with
 * truthful trailers; and by itaku */
static void test_records_of_accepted_commits_count(void **state)
{
    fixture *f = *state;
    itk_buf data = ITK_BUF_INIT;
    entry_bytes(&data, "r-000002", disposal(), th_when(108, "T10:00:00+09:00"));
    stock_commit(f, "parties/acme/register/r-000002.json", &data, f->acme_key, 1);
    expect_finding(f, END, SEC7, "ok acme/r-000002 \n");
    itk_buf_dispose(&data);
}

static void test_records_of_itaku_commits_count(void **state)
{
    fixture *f = *state;
    th_submit(f->reg, f->acme, "register", disposal(), NULL);
    expect_finding(f, END, SEC7, "ok acme/r-000002 \n");
}

/* acme asks for an approval of kind; the city approves it with these
 * limits; name gets "acme/q-…". */
static void approved(fixture *f, itk_buf *name, const char *kind, const char *until, long long uses)
{
    json_t *body = json_pack("{s:s, s:s}", "kind", kind, "summary", "検証のため");
    git_oid c;
    int rc = itk_request_submit(name, &c, f->reg, f->acme, kind, body);
    if (rc)
        fprintf(stderr, "%s\n", itk_error_last());
    assert_int_equal(rc, 0);
    json_decref(body);
    itk_decision_options o = ITK_DECISION_OPTIONS_INIT;
    o.outcome = "approved";
    o.valid_until = until;
    o.max_uses = uses;
    rc = itk_request_decide(&c, f->reg, f->city, name->ptr, &o);
    if (rc)
        fprintf(stderr, "%s\n", itk_error_last());
    assert_int_equal(rc, 0);
}

/* A register entry citing approval, committed by itaku's own commit code
 * without `register add`'s check: what another tool could write. */
static void entry_citing(fixture *f, const char *id, const char *action, const char *approval,
                         const char *created)
{
    json_t *b = th_register_entry(action, "item-2", th_when(39, "T10:00:00+09:00"));
    json_object_set_new(b, "approval", json_string(approval));
    json_object_set_new(b, "derived_from", json_string("item-1"));
    itk_buf data = ITK_BUF_INIT, path = ITK_BUF_INIT;
    itk_change *c = NULL;
    git_oid out;
    entry_bytes(&data, id, b, created);
    assert_int_equal(itk_record_path(&path, itk_record_type_find("register"), "acme", NULL, id), 0);
    assert_int_equal(itk_change_new(&c, "submit", "Entry"), 0);
    assert_int_equal(itk_change_add(c, path.ptr, data.ptr, data.size), 0);
    int rc = itk_registry_commit(&out, f->reg, f->acme, c);
    if (rc)
        fprintf(stderr, "%s\n", itk_error_last());
    assert_int_equal(rc, 0);
    itk_change_free(c);
    itk_buf_dispose(&data);
    itk_buf_dispose(&path);
}

#define PRIOR "register_prior_approval"

/* (b) one use allowed: the first entry is ok, the second violates */
static void test_an_approval_used_up_is_a_violation(void **state)
{
    fixture *f = *state;
    itk_buf name = ITK_BUF_INIT;
    approved(f, &name, "copy", NULL, 1);
    entry_citing(f, "r-000002", "copied", name.ptr, th_when(39, "T10:00:00+09:00"));
    /* register add refuses a second use; status says the same of one
     * written without it */
    json_t *b = th_register_entry("copied", "item-3", th_when(40, "T10:00:00+09:00"));
    json_object_set_new(b, "approval", json_string(name.ptr));
    json_object_set_new(b, "derived_from", json_string("item-1"));
    itk_buf p = ITK_BUF_INIT, id = ITK_BUF_INIT;
    git_oid c;
    assert_int_equal(itk_record_submit(&p, &id, &c, f->reg, f->acme, "register", b, NULL),
                     ITK_EVERIFY);
    assert_non_null(strstr(itk_error_last(), "allows 1 use, all used"));
    json_decref(b);
    entry_citing(f, "r-000003", "copied", name.ptr, th_when(40, "T10:00:00+09:00"));
    char *got = findings(f, END, PRIOR);
    assert_non_null(strstr(got, "ok acme/r-000002 \n"));
    char want[300];
    snprintf(want, sizeof(want), "violated acme/r-000003 the approval of %s allows 1 use, all used",
             name.ptr);
    assert_non_null(strstr(got, want));
    free(got);
    itk_buf_dispose(&p);
    itk_buf_dispose(&id);
    itk_buf_dispose(&name);
}

/* (b) a take-out citing a copy approval violates; a copy citing it is ok */
static void test_an_approval_of_another_kind_is_a_violation(void **state)
{
    fixture *f = *state;
    itk_buf name = ITK_BUF_INIT;
    approved(f, &name, "copy", NULL, 0);
    entry_citing(f, "r-000002", "taken_out", name.ptr, th_when(39, "T10:00:00+09:00"));
    entry_citing(f, "r-000003", "copied", name.ptr, th_when(40, "T10:00:00+09:00"));
    char *got = findings(f, END, PRIOR);
    char want[300];
    snprintf(want, sizeof(want), "violated acme/r-000002 %s asks for copy, not for take-out",
             name.ptr);
    assert_non_null(strstr(got, want));
    assert_non_null(strstr(got, "ok acme/r-000003 \n"));
    free(got);
    itk_buf_dispose(&name);
}

/* (b) an entry made after the approval's last day violates; one on it is ok */
static void test_an_expired_approval_is_a_violation(void **state)
{
    fixture *f = *state;
    itk_buf name = ITK_BUF_INIT;
    approved(f, &name, "copy", th_when(60, ""), 0);
    entry_citing(f, "r-000002", "copied", name.ptr, th_when(60, "T23:00:00+09:00"));
    entry_citing(f, "r-000003", "copied", name.ptr, th_when(61, "T09:00:00+09:00"));
    char *got = findings(f, END, PRIOR);
    assert_non_null(strstr(got, "ok acme/r-000002 \n"));
    char want[300];
    snprintf(want, sizeof(want), "violated acme/r-000003 the approval of %s was valid until %s",
             name.ptr, th_when(60, ""));
    assert_non_null(strstr(got, want));
    free(got);
    itk_buf_dispose(&name);
}

/* The city instructs acme to report by due; acme answers with a form 4
 * (now); the city's receipt of that answer is made with stock git, dated
 * `dated` (NULL: now). Verify accepts the whole history. */
static void answer_received(fixture *f, const char *due, const char *dated)
{
    itk_instruct_options o = ITK_INSTRUCT_OPTIONS_INIT;
    itk_buf name = ITK_BUF_INIT;
    git_oid c;
    o.kind = "report";
    o.to = "acme";
    o.due = due;
    o.text = "四半期報告";
    o.backdated = 1; /* some cases are due before today */
    assert_int_equal(itk_instruct(&name, &c, f->reg, f->city, &o), 0);
    json_t *answer = th_corpus("form4");
    json_object_set_new(answer, "instruction_ref", json_string(name.ptr));
    th_submit(f->reg, f->acme, "form4", answer, NULL);
    char date[100] = "";
    if (dated)
        snprintf(date, sizeof(date), "GIT_COMMITTER_DATE=%s GIT_AUTHOR_DATE=%s ", dated, dated);
    /* the clean merge of the instruction and the answer is the answer's tree */
    assert_int_equal(
        th_sh("cd %s && a=$(git rev-parse HEAD) && "
              "printf 'Receive acme\n\nItaku-Party: akiruno-city\nItaku-Principal: officer\n"
              "Itaku-Action: receive\nItaku-Received: acme %%s\nItaku-Content-SHA256: "
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n' $a >%s/msg && "
              "m=$(%sgit -c gpg.format=ssh -c user.signingkey=%s commit-tree -S -p HEAD~1 -p $a "
              "-F %s/msg 'HEAD^{tree}') && git update-ref HEAD $m",
              f->reg_path, f->dir, date, f->city_key, f->dir),
        0);
    itk_verify_result *r = NULL;
    assert_int_equal(itk_verify_run(&r, f->reg, NULL, 0, NULL), 0);
    for (size_t i = 0; i < itk_verify_problem_count(r); i++)
        fprintf(stderr, "%s %s\n", itk_verify_problem(r, i)->rule,
                itk_verify_problem(r, i)->message);
    assert_int_equal(itk_verify_problem_count(r), 0);
    itk_verify_result_free(r);
    itk_buf_dispose(&name);
}

#define ANSWERED "instruction_answered_on_time"

/* (c) an answer written after its due time, received by a merge dated
 * before it: the later date counts, and the finding says so */
static void test_a_backdated_receipt_does_not_make_an_answer_on_time(void **state)
{
    fixture *f = *state;
    answer_received(f, "2020-01-31", "2019-06-01T10:00:00+09:00");
    /* twice: the second status reads the status cache, which keeps the flag */
    for (int i = 0; i < 2; i++)
        expect_finding(f, END, ANSWERED,
                       "overdue acme/f4-000001 answered, but received by the party above after "
                       "the due time; the receipt is dated before the commit it takes; the later "
                       "date counts (report akiruno-city/n-000001)");
}

/* the twins: received in time, dated as made; and a backdated receipt of
 * an answer that was on time anyway stays on time, flagged */
static void test_a_receipt_in_time_is_on_time(void **state)
{
    fixture *f = *state;
    answer_received(f, "2098-12-31", NULL);
    expect_finding(f, END, ANSWERED, "ok acme/f4-000001 (report akiruno-city/n-000001)");
}

static void test_a_backdated_receipt_of_a_timely_answer_is_flagged(void **state)
{
    fixture *f = *state;
    answer_received(f, "2098-12-31", "2019-06-01T10:00:00+09:00");
    expect_finding(f, END, ANSWERED,
                   "ok acme/f4-000001 the receipt is dated before the commit it takes; the "
                   "later date counts (report akiruno-city/n-000001)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_records_of_refused_commits_do_not_count, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_records_of_accepted_commits_count, setup, teardown),
        cmocka_unit_test_setup_teardown(test_records_of_itaku_commits_count, setup, teardown),
        cmocka_unit_test_setup_teardown(test_an_approval_used_up_is_a_violation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_an_approval_of_another_kind_is_a_violation, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_an_expired_approval_is_a_violation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_backdated_receipt_does_not_make_an_answer_on_time,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_receipt_in_time_is_on_time, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_backdated_receipt_of_a_timely_answer_is_flagged,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
