/* One name memo per signer of a walk (itaku/name_memos.h). */
#include "itaku/name_memos.h"

#include <string.h>

void itk_name_memos_init(itk_name_memos *m, const itk_void_writes *vw)
{
    memset(m, 0, sizeof(*m));
    for (size_t i = 0; i < ITK_NAME_MEMOS_SLOTS; i++)
        m->slot[i].vw = vw;
}

/* FNV-1a over s, from h */
static unsigned long hash(unsigned long h, const char *s)
{
    for (; s && *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619UL;
    return h;
}

itk_name_memo *itk_name_memos_slot(itk_name_memos *m, const char *party, const char *principal)
{
    unsigned long h = hash(hash(2166136261UL, party), "/");
    return &m->slot[hash(h, principal) % ITK_NAME_MEMOS_SLOTS];
}

void itk_name_memos_dispose(itk_name_memos *m)
{
    for (size_t i = 0; i < ITK_NAME_MEMOS_SLOTS; i++)
        itk_name_memo_dispose(&m->slot[i]);
}
