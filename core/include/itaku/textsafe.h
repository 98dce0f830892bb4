/* Text from other parties shown to a person: every string itaku prints that
 * came from a registry (commit subjects, record fields, reasons, names, tree
 * paths) may carry terminal control sequences (ESC [ … moves the cursor,
 * ESC ] 0; … sets the window title, a colour can fake "verified"), a line
 * break that fakes a table row, or a bidirectional override (U+202E) that
 * makes text read differently than it is. itk_text_safe makes such text
 * visible instead of letting it act; itk_text_to_utf8 makes a commit message
 * in another encoding (git's `encoding` header, e.g. Shift_JIS) valid UTF-8
 * and says how. Source: Unicode 15 §23.2 (bidirectional controls), ECMA-48
 * §5 (C0 and C1 control functions). */
#ifndef ITAKU_TEXTSAFE_H
#define ITAKU_TEXTSAFE_H

#include <stddef.h>
#include <stdint.h>

#include "itaku/buf.h"

typedef enum {
    /* a table cell or one line: a newline is shown as \n, a tab as \t */
    ITK_TEXT_CELL = 0,
    /* a block of text: a newline stays a line break but is followed by the
     * caller's indentation, so that text can never start a row of its own */
    ITK_TEXT_BLOCK = 1
} itk_text_mode;

/* Appends the len bytes at s (s may be NULL when len is 0) to out as valid
 * UTF-8 that a terminal shows and never obeys:
 *  - a byte that does not start a valid UTF-8 sequence (a raw 0x80–0x9F
 *    among them) or a NUL byte: \xNN (two lower-case hex digits);
 *  - C0 controls and DEL: \n, \r, \t or \xNN (ESC as \x1b); in
 *    ITK_TEXT_BLOCK a newline is kept and followed by indent (NULL: two
 *    spaces), a tab is kept;
 *  - C1 controls (U+0080–U+009F), bidirectional marks, embeddings,
 *    overrides and isolates (U+061C, U+200E, U+200F, U+202A–U+202E,
 *    U+2066–U+2069) and the line and paragraph separators U+2028, U+2029:
 *    <U+XXXX>;
 *  - everything else unchanged (a backslash too).
 * Returns 0, or ITK_ENOMEM (out then holds a prefix). */
int itk_text_safe(itk_buf *out, const char *s, size_t len, itk_text_mode mode, const char *indent);

/* The CSS class of what itk_text_html marks, and a rule for it. */
#define ITK_TEXT_HTML_CLASS "ctl"
#define ITK_TEXT_HTML_CSS ".ctl{color:#b3261e;background:#fde8e6;font-family:monospace}"

/* Appends the len bytes at s to out as HTML text: & < > " escaped as
 * entities; what itk_text_safe would show escaped (controls, bidirectional
 * controls, U+2028/9, invalid bytes) shown the same way inside
 * <span class="ctl">…</span> (so a U+202E reads "<U+202E>" on the page and
 * reverses nothing); a newline as <br> when br is 1, else as \n, and a
 * tab as a space. Returns 0 or ITK_ENOMEM. */
int itk_text_html(itk_buf *out, const char *s, size_t len, int br);

/* 1 when the code point cp is one itk_text_safe shows escaped in
 * ITK_TEXT_CELL mode (any C0 control, DEL, a C1 control, a bidirectional
 * control, U+2028, U+2029), else 0. */
int itk_text_is_control(uint32_t cp);

/* 1 when cp is a bidirectional mark, embedding, override or isolate. */
int itk_text_is_bidi(uint32_t cp);

/* 1 when s (NUL-terminated UTF-8; NULL: none) holds visible text: at least
 * one character that is neither a control (itk_text_is_control), a space
 * (ASCII, U+00A0, U+1680, U+2000..U+200A, U+202F, U+205F, U+3000 the
 * ideographic space) nor an invisible format character (U+180E,
 * U+200B..U+200D, U+2060..U+2064, U+FEFF). A reason or condition a person
 * must give is refused without one (" ", "　", "\n"). An invalid byte
 * counts as nothing. */
int itk_text_visible(const char *s);

/* The first code point in the len bytes at s (UTF-8; an invalid byte is
 * skipped) that a record of a schema with "x-itaku-text": "no-controls" may
 * not hold: a C0 control other than tab, line feed and carriage return,
 * DEL, a C1 control or a bidirectional control. Returns 1 and sets *cp and
 * *chars (how many characters precede it), or 0 when there is none. */
int itk_text_find_refused(const char *s, size_t len, uint32_t *cp, size_t *chars);

/* What itk_text_to_utf8 did, for the person reading: "" when the bytes were
 * UTF-8 and are used as they are; "decoded from <encoding>"; "not valid in
 * <encoding, or UTF-8>: N byte(s) shown as U+FFFD"; or "not decoded from
 * <encoding>: read as UTF-8" (iconv does not know the name, the bytes were
 * UTF-8 all the same). */
#define ITK_TEXT_NOTE_MAX 96

/* Makes the len bytes at s (a commit message or part of one) valid UTF-8
 * with no NUL byte in a new string *out (freed by the caller with free()).
 * encoding: the commit's `encoding` header, NULL or "" when there is none
 * (then UTF-8 is meant); anything but UTF-8 is decoded with iconv (glibc),
 * and when iconv does not know the name or the bytes are not valid in it,
 * the bytes are taken as UTF-8 and each invalid byte replaced by U+FFFD.
 * note gets what was done (see ITK_TEXT_NOTE_MAX). Errors: ITK_ENOMEM (then
 * *out is NULL). */
int itk_text_to_utf8(char **out, const char *s, size_t len, const char *encoding,
                     char note[ITK_TEXT_NOTE_MAX]);

#endif
