/* Object sizes from headers, before inflating (objsize.h). */
#include "objsize.h"
#include "itaku/errors.h"

/* this thread's count (tests), as errors.c keeps each thread's message:
 * verify's threads read headers at once */
static _Thread_local unsigned long header_reads;

unsigned long itk_object_size_reads(void)
{
    return header_reads;
}

static const char *type_name(git_object_t t)
{
    const char *s = git_object_type2string(t);
    return s && *s ? s : "object";
}

int itk_object_size(size_t *size, git_repository *repo, const git_oid *id, git_object_t want,
                    size_t max)
{
    git_odb *odb = NULL;
    git_object_t type = GIT_OBJECT_INVALID;
    size_t len = 0;
    char hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(hex, sizeof(hex), id);
    if (git_repository_odb(&odb, repo) < 0)
        return itk_error_git("cannot open the object database to read %s", hex);
    int r = git_odb_read_header(&len, &type, odb, id);
    git_odb_free(odb);
    header_reads++;
    if (r == GIT_ENOTFOUND)
        return itk_error_set(ITK_ENOTFOUND, "object %s is missing from this registry", hex);
    if (r < 0)
        return itk_error_git("cannot read the header of object %s", hex);
    if (want != GIT_OBJECT_ANY && type != want)
        return itk_error_set(ITK_EINVALID, "object %s is a %s, not a %s", hex, type_name(type),
                             type_name(want));
    if (len > max)
        return itk_error_set(ITK_ETOOBIG,
                             "%s %s is %zu bytes, over the limit of %zu; it was not read",
                             type_name(type), hex, len, max);
    if (size)
        *size = len;
    return 0;
}

int itk_blob_lookup_bounded(git_blob **out, git_repository *repo, const git_oid *id, size_t max)
{
    int rc;
    *out = NULL;
    if ((rc = itk_object_size(NULL, repo, id, GIT_OBJECT_BLOB, max)))
        return rc;
    if (git_blob_lookup(out, repo, id) < 0)
        return itk_error_git("cannot read blob %s", git_oid_tostr_s(id));
    return 0;
}
