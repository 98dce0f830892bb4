/* Fuzz target: arbitrary bytes through terminal-safe text
 * (core/util/textsafe.c) in both modes and through the UTF-8 decoding of a
 * commit message. The shown text is valid UTF-8, holds no control byte
 * other than a block's line break and tab, every line break of a block is
 * followed by its indentation, and decoding always gives valid UTF-8. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "itaku/textsafe.h"
#include "itaku/utf8.h"

static void check(const uint8_t *data, size_t size, itk_text_mode mode)
{
    itk_buf b = ITK_BUF_INIT;
    if (itk_text_safe(&b, (const char *)data, size, mode, "  ") == 0 && b.size) {
        const unsigned char *p = (const unsigned char *)b.ptr;
        if (!itk_utf8_is_valid(b.ptr, b.size))
            __builtin_trap();
        for (size_t i = 0; i < b.size; i++) {
            if (p[i] == 0x7F ||
                (p[i] < 0x20 && (mode != ITK_TEXT_BLOCK || (p[i] != '\n' && p[i] != '\t'))))
                __builtin_trap();
            if (p[i] == '\n' && (i + 2 >= b.size || p[i + 1] != ' ' || p[i + 2] != ' '))
                __builtin_trap();
            /* no C1, bidi or separator left (U+0080–U+009F is C2 80–C2 9F) */
            if (p[i] == 0xC2 && i + 1 < b.size && p[i + 1] <= 0x9F)
                __builtin_trap();
            if (p[i] == 0xE2 && i + 2 < b.size && p[i + 1] == 0x80 &&
                (p[i + 2] == 0x8E || p[i + 2] == 0x8F || (p[i + 2] >= 0xA8 && p[i + 2] <= 0xAE)))
                __builtin_trap();
            if (p[i] == 0xE2 && i + 2 < b.size && p[i + 1] == 0x81 && p[i + 2] >= 0xA6 &&
                p[i + 2] <= 0xA9)
                __builtin_trap();
        }
    }
    itk_buf_dispose(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check(data, size, ITK_TEXT_CELL);
    check(data, size, ITK_TEXT_BLOCK);
    /* the first byte picks the encoding header */
    static const char *const encodings[] = {NULL,     "Shift_JIS",  "ISO-2022-JP", "EUC-JP",
                                            "UTF-16", "ISO-8859-1", "no-such",     "SJIS//IGNORE"};
    const char *enc = size ? encodings[data[0] % 8] : NULL;
    char *out = NULL, note[ITK_TEXT_NOTE_MAX];
    if (itk_text_to_utf8(&out, (const char *)data + (size ? 1 : 0), size ? size - 1 : 0, enc,
                         note) == 0) {
        if (!itk_utf8_is_valid(out, strlen(out)) || strlen(note) >= ITK_TEXT_NOTE_MAX)
            __builtin_trap();
        free(out);
    }
    return 0;
}
