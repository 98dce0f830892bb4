/* Unit tests of core/record.c: types, ids, path classification, envelope. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "itaku/errors.h"
#include "itaku/json.h"
#include "itaku/record.h"

static void test_party_ids_follow_the_pattern(void **state)
{
    (void)state;
    assert_int_equal(itk_party_id_check("akiruno-city"), 0);
    assert_int_equal(itk_party_id_check("a"), ITK_EINVALID);
    assert_int_equal(itk_party_id_check("Acme"), ITK_EINVALID);
    assert_int_equal(itk_party_id_check("../x"), ITK_EINVALID);
    assert_int_equal(itk_party_id_check("a234567890123456789012345678901x"), ITK_EINVALID);
}

static void test_record_ids_need_prefix_and_six_digits(void **state)
{
    (void)state;
    const itk_record_type *t = itk_record_type_find("form1");
    assert_non_null(t);
    assert_int_equal(itk_record_id_check(t, "f1-000001"), 0);
    assert_int_equal(itk_record_id_check(t, "f1-1"), ITK_EINVALID);
    assert_int_equal(itk_record_id_check(t, "r-000001"), ITK_EINVALID);
    assert_int_equal(itk_record_id_check(t, "f1-00000a"), ITK_EINVALID);
    assert_null(itk_record_type_find("../x"));
}

static void test_classify_knows_the_layout(void **state)
{
    (void)state;
    itk_path_info pi;
    itk_path_classify(&pi, "parties/acme/forms/form1/f1-000001.json");
    assert_int_equal(pi.kind, ITK_PATH_RECORD);
    assert_string_equal(pi.party, "acme");
    assert_string_equal(pi.type->type, "form1");
    assert_string_equal(pi.id, "f1-000001");
    itk_path_classify(&pi, "parties/acme/endorsements/sub-co/e-000002.json");
    assert_int_equal(pi.kind, ITK_PATH_RECORD);
    assert_string_equal(pi.requester, "sub-co");
    itk_path_classify(&pi, "parties/acme/party.json");
    assert_int_equal(pi.kind, ITK_PATH_PARTY);
    itk_path_classify(&pi, "obligations/akiruno-outsourcing.v2.json");
    assert_int_equal(pi.kind, ITK_PATH_OBLIGATIONS);
    itk_path_classify(&pi, "schemas/form1.v1.schema.json");
    assert_int_equal(pi.kind, ITK_PATH_SCHEMA);
    itk_path_classify(&pi, "parties/acme/attachments/"
                           "0000000000000000000000000000000000000000000000000000000000000000");
    assert_int_equal(pi.kind, ITK_PATH_ATTACHMENT);
}

static void test_classify_rejects_paths_outside_the_layout(void **state)
{
    (void)state;
    const char *bad[] = {"parties/acme/forms/form9/f9-000001.json",
                         "parties/acme/forms/form1/../f1-000001.json",
                         "parties/acme/forms/form1/f1-000001.json/x",
                         "parties/Acme/forms/form1/f1-000001.json",
                         "parties/acme/register/r-1.json",
                         "parties/acme/keys/abc.json",
                         "parties/acme/note.json",
                         "obligations/x.json",
                         "other.txt"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        itk_path_info pi;
        itk_path_classify(&pi, bad[i]);
        assert_int_equal(pi.kind, ITK_PATH_UNKNOWN);
    }
}

static void test_key_names_are_portable(void **state)
{
    (void)state;
    itk_buf b = ITK_BUF_INIT;
    assert_int_equal(
        itk_key_name_from_fingerprint(&b, "SHA256:YoamCIRy8TxSACWS7w5p87DkXqCSUA77/6NQipxWNPk"), 0);
    assert_string_equal(b.ptr, "SHA256-YoamCIRy8TxSACWS7w5p87DkXqCSUA77_6NQipxWNPk");
    assert_int_equal(itk_key_name_from_fingerprint(&b, "MD5:aa"), ITK_EINVALID);
    itk_buf_dispose(&b);
}

static void test_rfc3339_needs_an_offset_and_a_real_date(void **state)
{
    (void)state;
    assert_int_equal(itk_rfc3339_check("2026-11-25T10:00:00+09:00"), 0);
    assert_int_equal(itk_rfc3339_check("2028-02-29T00:00:00Z"), 0);
    assert_int_equal(itk_rfc3339_check("2026-02-29T00:00:00Z"), ITK_EINVALID);
    assert_int_equal(itk_rfc3339_check("2026-11-25T10:00:00"), ITK_EINVALID);
    assert_int_equal(itk_rfc3339_check("2026-13-01T00:00:00Z"), ITK_EINVALID);
}

static void test_build_then_check_round_trips(void **state)
{
    (void)state;
    json_t *body = json_pack("{s:s}", "name", "鈴木");
    itk_record_fields f = {"form1",     "f1-000003", "acme", "2026-11-25T10:00:00+09:00",
                           "f1-000001", NULL,        body,   NULL};
    itk_buf b = ITK_BUF_INIT;
    assert_int_equal(itk_record_build(&b, &f), 0);
    json_t *rec = NULL;
    assert_int_equal(
        itk_record_check(&rec, "parties/acme/forms/form1/f1-000003.json", b.ptr, b.size), 0);
    assert_string_equal(json_string_value(json_object_get(rec, "schema")), "form1.v1");
    json_decref(rec);
    /* the same bytes at another path disagree with their envelope */
    assert_int_equal(
        itk_record_check(NULL, "parties/other/forms/form1/f1-000003.json", b.ptr, b.size),
        ITK_EINVALID);
    assert_int_equal(
        itk_record_check(NULL, "parties/acme/forms/form1/f1-000004.json", b.ptr, b.size),
        ITK_EINVALID);
    itk_buf_dispose(&b);
    json_decref(body);
}

static void test_check_rejects_unknown_envelope_fields_and_bad_bodies(void **state)
{
    (void)state;
    const char *extra = "{\n  \"body\": {},\n  \"created\": \"2026-11-25T10:00:00+09:00\",\n"
                        "  \"extra\": 1,\n  \"id\": \"r-000001\",\n  \"party\": \"acme\",\n"
                        "  \"schema\": \"register.v1\",\n  \"type\": \"register\"\n}\n";
    assert_int_equal(
        itk_record_check(NULL, "parties/acme/register/r-000001.json", extra, strlen(extra)),
        ITK_EINVALID);
    const char *arr = "{\n  \"body\": [],\n  \"created\": \"2026-11-25T10:00:00+09:00\",\n"
                      "  \"id\": \"r-000001\",\n  \"party\": \"acme\",\n"
                      "  \"schema\": \"register.v1\",\n  \"type\": \"register\"\n}\n";
    assert_int_equal(
        itk_record_check(NULL, "parties/acme/register/r-000001.json", arr, strlen(arr)),
        ITK_EINVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_party_ids_follow_the_pattern),
        cmocka_unit_test(test_record_ids_need_prefix_and_six_digits),
        cmocka_unit_test(test_classify_knows_the_layout),
        cmocka_unit_test(test_classify_rejects_paths_outside_the_layout),
        cmocka_unit_test(test_key_names_are_portable),
        cmocka_unit_test(test_rfc3339_needs_an_offset_and_a_real_date),
        cmocka_unit_test(test_build_then_check_round_trips),
        cmocka_unit_test(test_check_rejects_unknown_envelope_fields_and_bad_bodies),
    };
    return cmocka_run_group_tests_name("record", tests, NULL, NULL);
}
