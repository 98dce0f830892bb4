/* Fuzz target: untrusted bytes read as a labels catalog (core/model/labels.c),
 * then looked up and its finding templates filled, as the views do with a
 * registry's labels/<lang>.v<N>.json. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "itaku/errors.h"
#include "itaku/labels.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    itk_labels *l = NULL;
    if (itk_labels_parse(&l, (const char *)data, size, "fuzz") != 0) {
        if (l)
            abort(); /* a refused catalog gives nothing back */
        return 0;
    }
    static const char *const domains[] = {"action", "medium", "state", "rule", "finding", "x"};
    static const char *const codes[] = {"received", "usb", "ok", "m", "", "{1:action}"};
    const char *args[] = {"received", "{2}", "usb"};
    for (size_t d = 0; d < sizeof(domains) / sizeof(*domains); d++)
        for (size_t c = 0; c < sizeof(codes) / sizeof(*codes); c++) {
            const char *s = itk_labels_get(l, domains[d], codes[c]);
            if (s && strlen(s) > ITK_LABELS_MAX_LABEL)
                abort(); /* the limit holds for every label handed out */
            itk_buf b = ITK_BUF_INIT;
            itk_labels_format(&b, l, codes[c], args, 3);
            itk_buf_dispose(&b);
        }
    itk_labels_free(l);
    return 0;
}
