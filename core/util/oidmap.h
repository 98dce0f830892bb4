/* A small open-addressing hash map from git object ids to pointers, for
 * per-commit state during a history walk. Private to the library. */
#ifndef ITAKU_OIDMAP_H
#define ITAKU_OIDMAP_H

#include <git2.h>
#include <stddef.h>

typedef struct {
    git_oid *keys;
    void **values;
    unsigned char *used;
    size_t cap, count;
} itk_oidmap;

/* 0, or ITK_ENOMEM. The map is empty after init and free. */
int itk_oidmap_init(itk_oidmap *m);
/* The same, with room for n ids before the map grows. */
int itk_oidmap_init_sized(itk_oidmap *m, size_t n);
void itk_oidmap_free(itk_oidmap *m);
/* Sets or replaces the value of id. */
int itk_oidmap_set(itk_oidmap *m, const git_oid *id, void *value);
/* The value of id, or NULL. */
void *itk_oidmap_get(const itk_oidmap *m, const git_oid *id);
/* Whether id was set (to any value, NULL included). */
int itk_oidmap_has(const itk_oidmap *m, const git_oid *id);

#endif
