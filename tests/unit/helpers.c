/* Helpers shared by the unit tests. */
#define _GNU_SOURCE /* memmem */
#include "helpers.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libintl.h>
#include <locale.h>
#include <cmocka.h>

#include <openssl/evp.h>

#include "cache_dir.h"
#include "itaku/errors.h"
#include "itaku/json.h"
#include "itaku/clone.h"
#include "itaku/party.h"
#include "itaku/record.h"
#include "itaku/verify.h"
#include "registry_priv.h"
#include "itaku/commit.h"
#include "itaku/init.h"

char *th_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    char tmpl[4096];
    snprintf(tmpl, sizeof(tmpl), "%s/itaku-test-XXXXXX", base && *base ? base : "/tmp");
    char *p = mkdtemp(tmpl);
    assert_non_null(p);
    return strdup(p);
}

void th_rmtree(const char *path)
{
    if (path && strncmp(path, "/tmp/", 5) == 0)
        th_sh("rm -rf '%s'", path);
}

git_repository *th_repo_new(char **dir)
{
    git_repository *repo = NULL;
    *dir = th_tmpdir();
    assert_int_equal(git_repository_init(&repo, *dir, 1), 0);
    return repo;
}

void th_repo_free(git_repository *repo, char *dir)
{
    git_repository_free(repo);
    th_rmtree(dir);
    free(dir);
}

int th_sh(const char *fmt, ...)
{
    char cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    int rc = system(cmd);
    assert_int_not_equal(rc, -1);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
}

char *th_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    if (len)
        *len = (size_t)n;
    return buf;
}

void th_write(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

itk_signer *th_signer(void)
{
    itk_privkey *k = NULL;
    itk_signer *s = NULL;
    assert_int_equal(itk_privkey_generate_ed25519(&k, "test"), 0);
    assert_int_equal(itk_signer_from_privkey(&s, k), 0);
    return s;
}

itk_registry *th_contract(const char *path, itk_signer *city, const char *start, const char *end,
                          git_oid *genesis)
{
    itk_init_options o = ITK_INIT_OPTIONS_INIT;
    itk_registry *reg = NULL;
    git_oid g;
    o.contract_id = "C-1";
    o.title = "テスト契約";
    o.city_id = "akiruno-city";
    o.city_name = "あきる野市";
    o.principal = "officer";
    o.start = start;
    o.end = end;
    assert_int_equal(itk_registry_init(genesis ? genesis : &g, path, &o, city), 0);
    assert_int_equal(itk_registry_open(&reg, path), 0);
    /* the tests write as every party in this one repository: it is nobody's */
    git_config *cfg = NULL;
    assert_int_equal(git_repository_config(&cfg, itk_registry_repo(reg)), 0);
    assert_int_equal(git_config_delete_entry(cfg, ITK_CONFIG_PARTY), 0);
    git_config_free(cfg);
    return reg;
}

void th_add_acme(itk_registry *reg, itk_signer *city, itk_signer *acme)
{
    itk_party_options o = ITK_PARTY_OPTIONS_INIT;
    git_oid c;
    o.id = "acme";
    o.role = "contractor";
    o.name = "アクメ";
    o.principal = "manager";
    o.key = itk_signer_public(acme);
    assert_int_equal(itk_party_add(&c, reg, city, &o), 0);
}

json_t *th_corpus(const char *form)
{
    char path[4200], dir[4000];
    snprintf(dir, sizeof(dir), "%s", __FILE__);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    snprintf(path, sizeof(path), "%s/../schema-corpus/%s/valid/base.json", dir, form);
    size_t len;
    char *data = th_read(path, &len);
    json_t *v = NULL;
    assert_int_equal(itk_json_parse(&v, data, len, path), 0);
    free(data);
    return v;
}

void th_day(char out[11], int days)
{
    time_t t = time(NULL) + 9 * 3600 + (time_t)days * 86400;
    struct tm tm;
    assert_non_null(gmtime_r(&t, &tm));
    assert_int_equal(strftime(out, 11, "%Y-%m-%d", &tm), 10);
}

const char *th_when(int days, const char *rest)
{
    static char buf[4][40];
    static unsigned next;
    char *b = buf[next++ % 4];
    th_day(b, days);
    snprintf(b + 10, sizeof(buf[0]) - 10, "%s", rest);
    return b;
}

json_t *th_register_entry(const char *action, const char *item, const char *when)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:i, s:s}, s:s, s:s}", "action", action,
                     "occurred_at", when, "item_id", item, "info_name", "住民記録データ", "medium",
                     "usb", "quantity", "value", 1, "unit", "本", "handler", "鈴木一郎", "method",
                     "hand-delivery");
}

void th_submit(itk_registry *reg, itk_signer *who, const char *type, json_t *body,
               const char *supersedes)
{
    itk_buf path = ITK_BUF_INIT, id = ITK_BUF_INIT;
    git_oid c;
    int rc = itk_record_submit(&path, &id, &c, reg, who, type, body, supersedes);
    if (rc)
        fprintf(stderr, "%s\n", itk_error_last());
    assert_int_equal(rc, 0);
    json_decref(body);
    itk_buf_dispose(&path);
    itk_buf_dispose(&id);
}

void th_cache_home(const char *dir, const char *who)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/home%s/cache", dir, who);
    assert_int_equal(setenv("XDG_CACHE_HOME", path, 1), 0);
    snprintf(path, sizeof(path), "%s/home%s/state", dir, who);
    assert_int_equal(setenv("XDG_STATE_HOME", path, 1), 0);
}

void th_cache_doctor(itk_registry *reg, const char *name, const void *from, const void *to,
                     size_t n)
{
    itk_cache_place pl;
    unsigned char *data = NULL;
    size_t len = 0;
    itk_cache_place_init(&pl, itk_registry_repo(reg), NULL);
    assert_int_equal(itk_cache_read(&data, &len, &pl, name, (size_t)1 << 30), 0);
    unsigned char *hit = memmem(data, len, from, n);
    assert_non_null(hit);
    memcpy(hit, to, n);
    assert_int_equal(itk_cache_write(&pl, name, data, len), 0);
    itk_cache_place_dispose(&pl);
    free(data);
}

void th_cache_file(char *out, size_t cap, itk_registry *reg, const char *name)
{
    itk_cache_place pl;
    itk_cache_place_init(&pl, itk_registry_repo(reg), NULL);
    assert_int_equal(itk_cache_path(out, cap, &pl, name), 0);
    itk_cache_place_dispose(&pl);
}

void th_tree_of(git_oid *out, git_repository *repo, const char *rev)
{
    git_object *o = NULL;
    assert_int_equal(git_revparse_single(&o, repo, rev), 0);
    git_commit *c = NULL;
    assert_int_equal(git_object_peel((git_object **)&c, o, GIT_OBJECT_COMMIT), 0);
    git_oid_cpy(out, git_commit_tree_id(c));
    git_commit_free(c);
    git_object_free(o);
}

void th_tree_put(git_oid *out, git_repository *repo, const git_oid *base, const char *path,
                 const void *data, size_t len, unsigned mode)
{
    git_tree *t = NULL;
    git_tree_update u;
    memset(&u, 0, sizeof(u));
    assert_int_equal(git_tree_lookup(&t, repo, base), 0);
    u.path = path;
    if (data) {
        u.action = GIT_TREE_UPDATE_UPSERT;
        u.filemode = mode ? (git_filemode_t)mode : GIT_FILEMODE_BLOB;
        assert_int_equal(git_blob_create_from_buffer(&u.id, repo, data, len), 0);
    } else
        u.action = GIT_TREE_UPDATE_REMOVE;
    assert_int_equal(git_tree_create_updated(out, repo, t, 1, &u), 0);
    git_tree_free(t);
}

char *th_message(git_repository *repo, const git_oid *tree, const char *party,
                 const char *principal, const char *action, const char **paths, size_t npaths,
                 const char *extra)
{
    itk_buf m = ITK_BUF_INIT;
    itk_content_entry *e = calloc(npaths ? npaths : 1, sizeof(*e));
    git_tree *t = NULL;
    assert_non_null(e);
    assert_int_equal(git_tree_lookup(&t, repo, tree), 0);
    assert_int_equal(itk_buf_printf(&m,
                                    "By hand\n\nItaku-Party: %s\nItaku-Principal: %s\n"
                                    "Itaku-Action: %s\n",
                                    party, principal, action),
                     0);
    for (size_t i = 0; i < npaths; i++) {
        itk_path_info pi;
        itk_path_classify(&pi, paths[i]);
        if (pi.kind == ITK_PATH_RECORD || pi.kind == ITK_PATH_KEY || pi.kind == ITK_PATH_PARTY)
            assert_int_equal(itk_buf_printf(&m, "Itaku-Record: %s\n", paths[i]), 0);
        git_tree_entry *te = NULL;
        git_blob *b = NULL;
        assert_int_equal(git_tree_entry_bypath(&te, t, paths[i]), 0);
        assert_int_equal(git_blob_lookup(&b, repo, git_tree_entry_id(te)), 0);
        EVP_Digest(git_blob_rawcontent(b), (size_t)git_blob_rawsize(b), e[i].sha256, NULL,
                   EVP_sha256(), NULL);
        e[i].path = paths[i];
        git_blob_free(b);
        git_tree_entry_free(te);
    }
    if (extra)
        assert_int_equal(itk_buf_printf(&m, "%s", extra), 0);
    char hex[65];
    itk_content_hash(hex, e, npaths);
    assert_int_equal(itk_buf_printf(&m, "Itaku-Content-SHA256: %s\n", hex), 0);
    free(e);
    git_tree_free(t);
    return m.ptr;
}

void th_commit_raw(git_oid *out, git_repository *repo, itk_signer *signer, const git_oid *tree,
                   const git_oid *parents, size_t nparents, const char *message)
{
    git_tree *t = NULL;
    git_commit *ps[4] = {NULL, NULL, NULL, NULL};
    git_signature *sig = NULL;
    git_buf content = GIT_BUF_INIT;
    assert_true(nparents <= 4);
    assert_int_equal(git_tree_lookup(&t, repo, tree), 0);
    for (size_t i = 0; i < nparents; i++)
        assert_int_equal(git_commit_lookup(&ps[i], repo, &parents[i]), 0);
    assert_int_equal(git_signature_now(&sig, "hand", "hand@example.org"), 0);
    assert_int_equal(git_commit_create_buffer(&content, repo, sig, sig, NULL, message, t, nparents,
                                              (const git_commit **)ps),
                     0);
    if (signer) {
        itk_buf armor = ITK_BUF_INIT;
        assert_int_equal(itk_sshsig_sign(&armor, signer, "git", content.ptr, content.size), 0);
        while (armor.size && armor.ptr[armor.size - 1] == '\n')
            armor.ptr[--armor.size] = '\0';
        assert_int_equal(git_commit_create_with_signature(out, repo, content.ptr, armor.ptr, NULL),
                         0);
        itk_buf_dispose(&armor);
    } else {
        git_odb *odb = NULL;
        assert_int_equal(git_repository_odb(&odb, repo), 0);
        assert_int_equal(git_odb_write(out, odb, content.ptr, content.size, GIT_OBJECT_COMMIT), 0);
        git_odb_free(odb);
    }
    git_buf_dispose(&content);
    git_signature_free(sig);
    for (size_t i = 0; i < nparents; i++)
        git_commit_free(ps[i]);
    git_tree_free(t);
}

void th_commit_file(git_oid *out, git_repository *repo, itk_signer *signer, const char *party,
                    const char *principal, const char *action, const git_oid *parent,
                    const char *path, const void *data, size_t len)
{
    git_oid base, tree;
    git_commit *p = NULL;
    assert_int_equal(git_commit_lookup(&p, repo, parent), 0);
    git_oid_cpy(&base, git_commit_tree_id(p));
    git_commit_free(p);
    th_tree_put(&tree, repo, &base, path, data, len, 0);
    char *msg = th_message(repo, &tree, party, principal, action, &path, 1, NULL);
    th_commit_raw(out, repo, signer, &tree, parent, 1, msg);
    free(msg);
}

char *th_verify(itk_registry *reg, const char *rev)
{
    itk_verify_options o = ITK_VERIFY_OPTIONS_INIT;
    itk_verify_result *r = NULL;
    itk_buf out = ITK_BUF_INIT;
    o.full = 1;
    int rc = itk_verify_run(&r, reg, rev ? &rev : NULL, rev ? 1 : 0, &o);
    if (rc)
        fprintf(stderr, "verify could not run: %s\n", itk_error_last());
    assert_int_equal(rc, 0);
    for (size_t i = 0; i < itk_verify_problem_count(r); i++) {
        const itk_problem *p = itk_verify_problem(r, i);
        assert_int_equal(
            itk_buf_printf(&out, "%s %s %s (%s)\n", p->commit, p->rule, p->path, p->message), 0);
    }
    itk_verify_result_free(r);
    assert_int_equal(itk_buf_put(&out, "", 1), 0);
    return out.ptr;
}

void th_expect_rule(itk_registry *reg, const char *rev, const char *rule, const git_oid *commit)
{
    char *got = th_verify(reg, rev), want[80];
    if (commit)
        snprintf(want, sizeof(want), "%s %s ", git_oid_tostr_s(commit), rule);
    else
        snprintf(want, sizeof(want), " %s ", rule);
    if (!strstr(got, want))
        fprintf(stderr, "looked for '%s' in:\n%s", want, got);
    assert_non_null(strstr(got, want));
    free(got);
}

void th_expect_clean(itk_registry *reg, const char *rev)
{
    char *got = th_verify(reg, rev);
    if (*got)
        fprintf(stderr, "expected no problem, found:\n%s", got);
    assert_string_equal(got, "");
    free(got);
}

char *th_refs(const char *repo_path)
{
    char cmd[4200];
    snprintf(cmd, sizeof(cmd), "git -C '%s' for-each-ref 2>&1", repo_path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    itk_buf out = ITK_BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
        assert_int_equal(itk_buf_put(&out, chunk, n), 0);
    assert_int_equal(pclose(p), 0);
    assert_int_equal(itk_buf_put(&out, "", 1), 0);
    return out.ptr;
}

int th_pair_setup(void **state)
{
    th_pair *f = calloc(1, sizeof(*f));
    git_oid genesis;
    itk_buf fpr = ITK_BUF_INIT;
    assert_non_null(f);
    f->dir = th_tmpdir();
    snprintf(f->city_path, sizeof(f->city_path), "%s/city", f->dir);
    snprintf(f->acme_path, sizeof(f->acme_path), "%s/acme", f->dir);
    f->city = th_signer();
    f->acme = th_signer();
    f->creg = th_contract(f->city_path, f->city, "2026-12-01", "2027-03-31", &genesis);
    th_add_acme(f->creg, f->city, f->acme);
    assert_int_equal(itk_pubkey_fingerprint(&fpr, itk_signer_public(f->city)), 0);
    if (itk_registry_clone(f->city_path, f->acme_path, fpr.ptr, git_oid_tostr_s(&genesis)) ||
        itk_registry_open(&f->areg, f->acme_path))
        fail_msg("cannot clone the city's registry: %s", itk_error_last());
    itk_buf_dispose(&fpr);
    *state = f;
    return 0;
}

int th_pair_teardown(void **state)
{
    th_pair *f = *state;
    itk_registry_free(f->creg);
    itk_registry_free(f->areg);
    itk_signer_free(f->city);
    itk_signer_free(f->acme);
    th_rmtree(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

const char *th_hex(const git_oid *id)
{
    static char s[4][GIT_OID_HEXSZ + 1];
    static int n;
    n = (n + 1) % 4;
    return git_oid_tostr(s[n], sizeof(s[n]), id);
}

th_acme *th_acme_new(void)
{
    th_acme *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    f->dir = th_tmpdir();
    snprintf(f->reg_path, sizeof(f->reg_path), "%s/reg", f->dir);
    f->city = th_signer();
    f->acme = th_signer();
    f->reg = th_contract(f->reg_path, f->city, "2026-12-01", "2027-03-31", NULL);
    f->repo = itk_registry_repo(f->reg);
    th_add_acme(f->reg, f->city, f->acme);
    return f;
}

void th_acme_free(th_acme *f)
{
    itk_registry_free(f->reg);
    itk_signer_free(f->city);
    itk_signer_free(f->acme);
    th_rmtree(f->dir);
    free(f->dir);
    free(f);
}

void th_in_japanese(void)
{
    const char *dir = getenv("ITAKU_LOCALEDIR");
    if (!dir || !*dir)
        fail_msg("ITAKU_LOCALEDIR is not set (tests/CMakeLists.txt gives the build's locale)");
    if (!setlocale(LC_MESSAGES, "ja_JP.UTF-8") || !setlocale(LC_CTYPE, "ja_JP.UTF-8"))
        fail_msg("the locale ja_JP.UTF-8 is not installed: run make deps-test as root");
    unsetenv("LANGUAGE");
    bindtextdomain("itaku", dir);
    bind_textdomain_codeset("itaku", "UTF-8");
}

void th_in_c(void)
{
    setlocale(LC_MESSAGES, "C");
    setlocale(LC_CTYPE, "C");
}
