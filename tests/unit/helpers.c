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
#include <cmocka.h>

#include "cache_dir.h"
#include "itaku/errors.h"
#include "itaku/json.h"
#include "itaku/party.h"

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
