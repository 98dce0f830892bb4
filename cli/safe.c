/* Registry text on a terminal: see cli_safe in cli.h. Every string that
 * came from a registry (subjects, record fields, reasons, names, paths) and
 * every core error message (which may quote them) is printed through these,
 * so that nothing another party wrote can move the cursor, retitle the
 * window, colour a line, start a table row or reverse the text. */
#include "cli.h"
#include "itaku/textsafe.h"

#include <string.h>

/* How many results of cli_safe* stay valid at once: enough for one printf
 * of a table row. */
#define SLOTS 16

static itk_buf slots[SLOTS];
static unsigned next_slot;

static const char *shown(const char *s, itk_text_mode mode, const char *indent)
{
    itk_buf *b = &slots[next_slot++ % SLOTS];
    itk_buf_clear(b);
    if (!s || !*s)
        return ""; /* an empty value is empty (a slot never used has no buffer yet) */
    if (itk_text_safe(b, s, strlen(s), mode, indent) || !b->ptr)
        return b->ptr && mode == ITK_TEXT_CELL ? b->ptr : "?";
    return b->ptr;
}

const char *cli_safe(const char *s)
{
    return shown(s, ITK_TEXT_CELL, NULL);
}

const char *cli_safe_block(const char *s, const char *indent)
{
    return shown(s, ITK_TEXT_BLOCK, indent);
}

const char *cli_error_text(void)
{
    return shown(itk_error_last(), ITK_TEXT_BLOCK, "  ");
}

void cli_safe_release(void)
{
    for (size_t i = 0; i < SLOTS; i++)
        itk_buf_dispose(&slots[i]);
}
