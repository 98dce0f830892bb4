/* Fuzz target: a work tree's index (.git/index) as itaku reads it to add
 * the files of a new record without a checkout (itk_gitindex_parse and
 * itk_gitindex_insert, core/util/gitindex.c): the file is the user's, but
 * any bytes may be there. The whole input is the index, its last 20 bytes
 * made its checksum (so that the fuzzer reaches the entries; a wrong one is
 * tried too). Any verdict is
 * allowed; what must hold: no crash, no read outside the bytes, and an
 * index that passes is what it says: its entries inside it and ascending;
 * a file added where the index has room for it gives an index that passes
 * again, one entry longer, holding the new path, with every old entry's
 * bytes kept. */
#include "gitindex.h"
#include "itaku/errors.h"

#include <openssl/evp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const PATHS[] = {"parties/acme/register/r-000001.json", "a", "zz/y"};

/* Whether entry i is named path (its name after 62 bytes, 64 with the
 * extended flag). */
static int named(const itk_gitindex *ix, uint32_t i, const char *path)
{
    const unsigned char *e = ix->data + ix->entry[i];
    const unsigned char *name = e + 62 + ((e[60] & 0x40) ? 2 : 0);
    return ix->name_len[i] == strlen(path) && memcmp(name, path, ix->name_len[i]) == 0;
}

static int holds(const itk_gitindex *ix, const char *path)
{
    for (uint32_t i = 0; i < ix->n; i++)
        if (named(ix, i, path))
            return 1;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *input, size_t size)
{
    itk_gitindex ix, again;
    unsigned char *data = malloc(size ? size : 1);
    if (!data)
        abort();
    memcpy(data, input, size);
    if (size >= 32 && data[size - 1] != 0xff) {
        unsigned int sl = 0;
        EVP_Digest(data, size - 20, data + size - 20, &sl, EVP_sha1(), NULL);
    }
    if (itk_gitindex_parse(&ix, data, size) != 0) {
        free(data);
        if (!*itk_error_last())
            abort(); /* a refusal says why */
        itk_error_clear();
        return 0;
    }
    for (uint32_t i = 0; i < ix.n; i++)
        if (ix.entry[i] + 62 + ix.name_len[i] >= ix.entries_end || ix.entries_end > size - 20)
            abort();
    for (size_t p = 0; p < sizeof(PATHS) / sizeof(*PATHS); p++) {
        itk_gitindex_file f;
        memset(&f, 0, sizeof(f));
        f.path = PATHS[p];
        f.id[0] = (unsigned char)p;
        itk_buf out = ITK_BUF_INIT;
        int rc = itk_gitindex_insert(&out, &ix, &f, 1);
        if (rc != itk_gitindex_check_add(&ix, &f, 1))
            abort(); /* the check answers as the insert does */
        if (rc) {
            if (holds(&ix, PATHS[p]) && rc != ITK_ECONFLICT)
                abort();
            itk_error_clear();
            itk_buf_dispose(&out);
            continue;
        }
        if (itk_gitindex_parse(&again, out.ptr, out.size) != 0 || again.n != ix.n + 1 ||
            !holds(&again, PATHS[p]))
            abort();
        /* every old entry kept, byte for byte, in its order */
        for (uint32_t i = 0, j = 0; i < ix.n; i++, j++) {
            if (named(&again, j, PATHS[p]))
                j++;
            size_t len = (i + 1 < ix.n ? ix.entry[i + 1] : ix.entries_end) - ix.entry[i];
            if (memcmp(ix.data + ix.entry[i], again.data + again.entry[j], len) != 0)
                abort();
        }
        itk_gitindex_dispose(&again);
        itk_buf_dispose(&out);
    }
    itk_gitindex_dispose(&ix);
    free(data);
    return 0;
}
