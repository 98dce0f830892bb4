/* Raw git objects as stock git wrote them: a tree's and a commit's bytes
 * parsed with a bounded reader and held to what `git commit` and `git
 * write-tree` write for a registry (V10), so that what itaku verifies and
 * what git shows are the same objects. Pure functions over bytes; reading
 * the objects is vtrees.c's and policy_objects.c's. Private to verify. */
#ifndef ITAKU_VOBJECT_H
#define ITAKU_VOBJECT_H

#include <stddef.h>

/* The longest name of a file or folder (a registry's are under 80). */
#define ITK_VOBJECT_MAX_NAME 255
/* The largest commit message: itaku's hold a subject and one trailer per
 * record added. */
#define ITK_MAX_MESSAGE_BYTES (1024u * 1024u)
/* Room for a commit's header lines: tree, parents, author, committer and
 * one SSH signature (ITK_MAX_SIGNATURE_BYTES armored). */
#define ITK_VOBJECT_MAX_HEADER_BYTES (64u * 1024u)
#define ITK_VOBJECT_MAX_COMMIT_BYTES (ITK_MAX_MESSAGE_BYTES + ITK_VOBJECT_MAX_HEADER_BYTES)
/* Parents remembered of a commit (V5 refuses more than two). */
#define ITK_VOBJECT_MAX_PARENTS 16

/* One entry of a canonical tree; name points into the parsed bytes (raw
 * trees end each name with a NUL), id at its 20 raw bytes. */
typedef struct {
    const char *name;
    const unsigned char *id;
    int folder;
} itk_vobject_entry;

/* What is wrong: the entry it concerns ("" for the object as a whole,
 * escaped when not printable) and why, as a sentence's end. */
typedef struct {
    char name[4 * ITK_VOBJECT_MAX_NAME + 1];
    char why[200];
} itk_vobject_flaw;

/* Parses a tree object's bytes. Returns 0 when they are exactly what git
 * writes for a registry: each entry "100644 name" (a regular file) or
 * "40000 name" (a folder), a NUL and a 20-byte id that is not zero; names
 * of [A-Za-z0-9._-], 1 to ITK_VOBJECT_MAX_NAME bytes, not starting with '.'
 * (so no ".", "..", ".git" in any case); entries strictly in git's order
 * (a folder sorts as if its name ended in '/'); no name twice, a file and a
 * folder included; at least one entry. Then *entries (malloc'ed, caller
 * frees; NULL when n is 0) and *n. Returns 1 with *flaw filled otherwise,
 * ITK_ENOMEM (message set) when memory runs out. */
int itk_vobject_tree_parse(itk_vobject_entry **entries, size_t *n, const unsigned char *data,
                           size_t len, itk_vobject_flaw *flaw);

/* git's order of two tree entries (negative, 0 when the same name and kind,
 * positive). */
int itk_vobject_entry_cmp(const char *a, int a_folder, const char *b, int b_folder);

typedef struct {
    char tree[41];
    char parents[ITK_VOBJECT_MAX_PARENTS][41];
    size_t nparents;
    int signed_;           /* one gpgsig header */
    size_t message_offset; /* where the message starts */
} itk_vobject_commit;

/* Parses a commit object's bytes. Returns 0 when they are what `git commit
 * -S` (gpg.format=ssh) and itaku write: "tree", any "parent" lines, one
 * "author" and one "committer" of the form git fsck accepts, then at most
 * one "gpgsig" with its continuation lines, a blank line and a message of
 * at most ITK_MAX_MESSAGE_BYTES of UTF-8; no NUL byte anywhere. Refused with
 * 1 and *flaw: an "encoding" header (git log would re-encode the message),
 * "gpgsig-sha256" or a second "gpgsig" (git and itaku could check different
 * signatures), "mergetag" (git log --show-signature would show a tag itaku
 * does not check), and any other header (git writes none for these commits;
 * a later git may read one). */
int itk_vobject_commit_parse(itk_vobject_commit *out, const unsigned char *data, size_t len,
                             itk_vobject_flaw *flaw);

/* 1 when the len bytes at s are well-formed UTF-8 (no overlong forms, no
 * surrogates, nothing above U+10FFFF), else 0. */
int itk_vobject_utf8_valid(const unsigned char *s, size_t len);

#endif
