/* Canonical trees, checked once per id; see vtrees.h. */
#include "vtrees.h"
#include "itaku/errors.h"

#include <stdint.h>
#include <string.h>

#define NOT_CANONICAL (ITK_VTREES_MAX_DEPTH + 1)

int itk_vtrees_init(itk_vtrees *m)
{
    memset(m, 0, sizeof(*m));
    return itk_oidmap_init(&m->heights);
}

void itk_vtrees_free(itk_vtrees *m)
{
    itk_oidmap_free(&m->heights);
    for (size_t i = 0; i < ITK_VTREES_KEPT; i++)
        git_tree_free(m->kept[i]);
    memset(m->kept, 0, sizeof(m->kept));
}

int itk_vtrees_lookup(git_tree **out, itk_vtrees *m, git_repository *repo, const git_oid *id)
{
    for (size_t i = 0; i < ITK_VTREES_KEPT && m->kept[i]; i++)
        if (git_oid_equal(git_tree_id(m->kept[i]), id))
            return git_tree_dup(out, m->kept[i]);
    int rc = git_tree_lookup(out, repo, id);
    if (rc < 0)
        return rc;
    git_tree_free(m->kept[m->next_kept]);
    if (git_tree_dup(&m->kept[m->next_kept], *out) < 0)
        m->kept[m->next_kept] = NULL;
    m->next_kept = (m->next_kept + 1) % ITK_VTREES_KEPT;
    return 0;
}

int itk_vtrees_is_folder(const git_tree_entry *e)
{
    return git_tree_entry_filemode_raw(e) == GIT_FILEMODE_TREE;
}

/* Names a registry uses, none of which libgit2's index refuses or folds. */
static int name_ok(const char *s)
{
    size_t n = 0;
    if (*s == '.')
        return 0;
    for (; s[n]; n++) {
        char c = s[n];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return 0;
    }
    return n > 0 && n <= 255;
}

/* git's order of tree entries: a folder sorts as if its name ended in '/'. */
int itk_vtrees_entry_cmp(const git_tree_entry *a, const git_tree_entry *b)
{
    const char *x = git_tree_entry_name(a), *y = git_tree_entry_name(b);
    size_t i = 0;
    while (x[i] && x[i] == y[i])
        i++;
    unsigned cx = x[i] ? (unsigned char)x[i] : itk_vtrees_is_folder(a) ? '/' : 0;
    unsigned cy = y[i] ? (unsigned char)y[i] : itk_vtrees_is_folder(b) ? '/' : 0;
    return (int)cx - (int)cy;
}

/* Does a file of the folder i's name come before it? ("x" < "x-y" < "x/") */
static int file_of_same_name(const git_tree *t, size_t i)
{
    const char *name = git_tree_entry_name(git_tree_entry_byindex(t, i));
    size_t len = strlen(name);
    while (i-- > 0) {
        const char *other = git_tree_entry_name(git_tree_entry_byindex(t, i));
        if (strncmp(other, name, len) != 0)
            return 0;
        if (other[len] == '\0')
            return 1;
        if ((unsigned char)other[len] >= '/')
            return 0;
    }
    return 0;
}

/* What is known of tree id within budget: its height, 0 when it is not
 * canonical (or too high: *cut), -1 when it must be read. */
static int known_height(const itk_vtrees *m, const git_oid *id, int budget, int *cut)
{
    int known = (int)(uintptr_t)itk_oidmap_get(&m->heights, id);
    if (known == NOT_CANONICAL)
        return 0;
    if (!known && budget > 0)
        return -1;
    if (known && known <= budget)
        return known;
    *cut = 1;
    return 0;
}

/* The height of t when it is canonical and at most budget high, else 0;
 * *cut when the budget rather than t decided (then nothing is remembered). */
static int canonical(itk_vtrees *m, git_repository *repo, const git_tree *t, int budget, int *cut)
{
    int known = known_height(m, git_tree_id(t), budget, cut);
    if (known >= 0)
        return known;
    size_t n = git_tree_entrycount(t);
    int height = n ? 1 : 0, sub_cut = 0;
    for (size_t i = 0; height && i < n; i++) {
        const git_tree_entry *e = git_tree_entry_byindex(t, i);
        git_filemode_t mode = git_tree_entry_filemode_raw(e);
        if (!name_ok(git_tree_entry_name(e)) ||
            (mode != GIT_FILEMODE_BLOB && mode != GIT_FILEMODE_TREE) ||
            (i && itk_vtrees_entry_cmp(git_tree_entry_byindex(t, i - 1), e) >= 0)) {
            height = 0;
            break;
        }
        if (mode != GIT_FILEMODE_TREE)
            continue;
        git_tree *sub = NULL;
        if (file_of_same_name(t, i)) {
            height = 0;
            break;
        }
        int h = known_height(m, git_tree_entry_id(e), budget - 1, &sub_cut);
        if (h < 0 && itk_vtrees_lookup(&sub, m, repo, git_tree_entry_id(e)) < 0) {
            height = 0;
            break;
        }
        if (h < 0)
            h = canonical(m, repo, sub, budget - 1, &sub_cut);
        git_tree_free(sub);
        if (h < 0)
            return h;
        height = h ? (h + 1 > height ? h + 1 : height) : 0;
    }
    git_error_clear();
    if (!height && sub_cut) {
        *cut = 1;
        return 0;
    }
    int rc = itk_oidmap_set(&m->heights, git_tree_id(t),
                            (void *)(uintptr_t)(height ? height : NOT_CANONICAL));
    return rc ? rc : height;
}

int itk_vtrees_canonical(itk_vtrees *m, git_repository *repo, const git_tree *t)
{
    int cut = 0;
    int rc = canonical(m, repo, t, ITK_VTREES_MAX_DEPTH, &cut);
    return rc < 0 ? rc : rc > 0;
}
