/* Unit tests of core/jview.c: the flat JSON view status keeps its records
 * in — look-ups equal jansson's, shared texts, and views read back from a
 * file checked before they are used. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "itaku/errors.h"
#include "itaku/json.h"
#include "jview.h"

static itk_jref add(itk_jview *v, const char *text)
{
    json_t *j = NULL;
    itk_jref ref = 0;
    assert_int_equal(itk_json_parse(&j, text, strlen(text), "test.json"), 0);
    assert_int_equal(itk_jview_add(&ref, v, j), 0);
    json_decref(j);
    return ref;
}

static void test_lookups_answer_as_the_json_does(void **state)
{
    (void)state;
    itk_jview v;
    assert_int_equal(itk_jview_init(&v), 0);
    itk_jref r = add(&v, "{\"body\": {\"action\": \"copied\", \"n\": -7, \"empty\": \"\","
                         " \"workers\": [{\"worker_id\": \"w1\"}, {\"worker_id\": \"w2\"}],"
                         " \"ok\": true, \"nothing\": null},"
                         " \"created\": \"2026-04-01T09:00:00+09:00\"}");
    itk_jref body = itk_jv_get(&v, r, "body");
    assert_int_not_equal(body, 0);
    assert_string_equal(itk_jv_strget(&v, body, "action"), "copied");
    assert_string_equal(itk_jv_strget(&v, body, "empty"), "");
    assert_int_equal(itk_jv_int(&v, itk_jv_get(&v, body, "n")), -7);
    assert_string_equal(itk_jv_strget(&v, r, "created"), "2026-04-01T09:00:00+09:00");
    itk_jref workers = itk_jv_get(&v, body, "workers");
    assert_int_equal(itk_jv_count(&v, workers), 2);
    assert_string_equal(itk_jv_strget(&v, itk_jv_at(&v, workers, 1), "worker_id"), "w2");
    /* asking for the wrong kind, or what is not there, answers nothing */
    assert_int_equal(itk_jv_get(&v, r, "missing"), 0);
    assert_null(itk_jv_strget(&v, body, "n"));
    assert_null(itk_jv_strget(&v, body, "nothing"));
    assert_null(itk_jv_strget(&v, body, "ok"));
    assert_int_equal(itk_jv_count(&v, body), 0);
    assert_int_equal(itk_jv_at(&v, workers, 2), 0);
    assert_int_equal(itk_jv_get(&v, workers, "worker_id"), 0);
    assert_int_equal(itk_jv_get(&v, 0, "body"), 0);
    assert_int_equal(itk_jv_get(&v, 999999, "body"), 0);
    assert_string_equal(itk_jv_text(&v, 0xffffffffu), "");
    itk_jview_dispose(&v);
}

static void test_texts_are_stored_once(void **state)
{
    (void)state;
    itk_jview v;
    assert_int_equal(itk_jview_init(&v), 0);
    add(&v, "{\"action\": \"received\", \"method\": \"hand-delivery\"}");
    size_t before = v.ntext;
    itk_jref second = add(&v, "{\"action\": \"received\", \"method\": \"hand-delivery\"}");
    assert_int_equal(v.ntext, before); /* keys and values were there already */
    uint32_t a, b;
    assert_int_equal(itk_jview_add_text(&a, &v, "parties/acme/x.json", 19), 0);
    assert_int_equal(itk_jview_add_text(&b, &v, "parties/acme/x.json", 19), 0);
    assert_int_equal(a, b);
    itk_jview_seal(&v);
    /* after sealing, nothing is shared but everything still reads */
    assert_int_equal(itk_jview_add_text(&b, &v, "parties/acme/x.json", 19), 0);
    assert_int_not_equal(a, b);
    assert_string_equal(itk_jv_text(&v, b), "parties/acme/x.json");
    assert_string_equal(itk_jv_strget(&v, second, "method"), "hand-delivery");
    itk_jview_dispose(&v);
}

/* A copy of v's arrays, as a cache file would give them back. */
static int adopt_copy(const itk_jview *v, void (*damage)(itk_jnode *, size_t, char *))
{
    itk_jnode *nodes = malloc(v->nnodes * sizeof(*nodes));
    char *text = malloc(v->ntext);
    assert_non_null(nodes);
    assert_non_null(text);
    memcpy(nodes, v->nodes, v->nnodes * sizeof(*nodes));
    memcpy(text, v->text, v->ntext);
    if (damage)
        damage(nodes, v->nnodes, text);
    itk_jview back;
    memset(&back, 0, sizeof(back));
    int rc = itk_jview_adopt(&back, nodes, v->nnodes, text, v->ntext);
    if (rc) {
        free(nodes);
        free(text);
    }
    itk_jview_dispose(&back);
    return rc;
}

static void cycle(itk_jnode *n, size_t count, char *t)
{
    (void)t, (void)count;
    n[2].a = 1; /* node 2's children start at its own parent */
}

static void children_past_end(itk_jnode *n, size_t count, char *t)
{
    (void)t, (void)count;
    n[1].b = 1000;
}

static void text_past_end(itk_jnode *n, size_t count, char *t)
{
    (void)t;
    for (size_t i = 1; i < count; i++)
        if (n[i].type == ITK_JV_STR) {
            n[i].a = 0x7ffffff0u;
            return;
        }
}

static void text_unterminated(itk_jnode *n, size_t count, char *t)
{
    for (size_t i = 1; i < count; i++)
        if (n[i].type == ITK_JV_STR && n[i].b) {
            t[n[i].a + n[i].b] = 'x'; /* the string runs into the next text */
            return;
        }
}

static void unknown_type(itk_jnode *n, size_t count, char *t)
{
    (void)t, (void)count;
    n[1].type = 42;
}

static void key_past_end(itk_jnode *n, size_t count, char *t)
{
    (void)t, (void)count;
    n[2].key = 0xffffffffu;
}

static void test_adopt_checks_every_node(void **state)
{
    (void)state;
    itk_jview v;
    assert_int_equal(itk_jview_init(&v), 0);
    add(&v, "{\"a\": {\"b\": [\"x\", \"yy\"]}, \"c\": \"zzz\"}");
    assert_int_equal(adopt_copy(&v, NULL), 0);
    void (*damages[])(itk_jnode *, size_t, char *) = {
        cycle, children_past_end, text_past_end, text_unterminated, unknown_type, key_past_end};
    for (size_t i = 0; i < sizeof(damages) / sizeof(*damages); i++) {
        assert_int_equal(adopt_copy(&v, damages[i]), ITK_EINVALID);
        assert_non_null(strstr(itk_error_last(), "damaged JSON view"));
    }
    itk_jview_dispose(&v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lookups_answer_as_the_json_does),
        cmocka_unit_test(test_texts_are_stored_once),
        cmocka_unit_test(test_adopt_checks_every_node),
    };
    return cmocka_run_group_tests_name("jview", tests, NULL, NULL);
}
