/* Fuzz target: the status cache file (core/views/snapshot_cache.c), read back into
 * a snapshot's records and their flat JSON view (core/jview.c). The file is the
 * repository's own, but it is read with the same bounds as anything from
 * another party: a damaged one must be refused, never followed. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot_priv.h"

#define KEY_AT (sizeof("itaku status cache\n") - 1 + 4 + 4)
#define DIGEST_AT (KEY_AT + 64 + 4)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    itk_snapshot c;
    char key[65] = {0}, digest[65] = "0";
    memset(&c, 0, sizeof(c));
    /* the key the file names is the key asked for: what follows is fuzzed */
    if (size >= KEY_AT + 64)
        memcpy(key, data + KEY_AT, 64);
    /* and so is the build's digest */
    if (size >= DIGEST_AT + 64) {
        memcpy(digest, data + DIGEST_AT, 64);
        if (strlen(digest) != 64)
            digest[0] = '\0';
    }
    if (size % 2)
        key[0] ^= 1; /* another key: the file is read as an earlier commit's */
    if (!(c.parent_of = json_object()))
        return 0;
    itk_scache_prev prev;
    memset(&prev, 0, sizeof(prev));
    int hit = itk_scache_parse(&c, data, size, key, digest, &prev);
    free(prev.verdicts);
    if (hit == 1 || hit == 2) {
        /* every node and record reads without leaving the arrays */
        for (itk_jref i = 0; i < c.view.nnodes; i++) {
            const char *s = itk_jv_str(&c.view, i);
            if (s && strlen(s) >= c.view.ntext)
                __builtin_trap();
            itk_jv_get(&c.view, i, "body");
            itk_jv_at(&c.view, i, itk_jv_count(&c.view, i) ? itk_jv_count(&c.view, i) - 1 : 0);
            itk_jv_int(&c.view, i);
        }
        for (size_t i = 0; i < c.n; i++) {
            itk_snapshot_origin o;
            itk_snapshot_body_str(&c, i, "action");
            itk_snapshot_str(&c, i, "created");
            itk_snapshot_origin_get(&o, &c, i);
            itk_snapshot_superseded_by(&c, i);
            if (strlen(itk_snapshot_path(&c, i)) >= c.view.ntext)
                __builtin_trap();
        }
    }
    itk_jview_dispose(&c.view);
    free(c.recs);
    json_decref(c.parent_of);
    return 0;
}
