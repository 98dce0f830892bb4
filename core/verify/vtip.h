/* The verdict at the tip (verify.tip in this user's cache folder for the
 * registry, cache_dir.h): what a clean walk of every ref found, in the few
 * bytes `itaku verify` prints, so that after a new commit it checks that
 * commit alone (issue 18: verify after one new commit costs what is new).
 * It holds the pins it was found under (the rules' digest, genesis, city
 * key), every ref with the commit it named, the ids of the commits walked
 * (sorted: their count, and which commits a new one does not repeat), the
 * void commits in the order verify prints them and the keys void commits
 * added (V9's state after the walk), and at each ref V8's receipts state
 * (who took whose line up to which commit), so that a receipt or pull
 * merged on top is checked as the walk would check it. Private to verify.c.
 *
 * The file is untrusted input: read with bounded readers and used only when
 * this user's seal holds (cache_dir.c); a file that does not parse is
 * ignored, and the full walk that follows writes it again. */
#ifndef ITAKU_VTIP_H
#define ITAKU_VTIP_H

#include "itaku/record.h"

#include <git2.h>
#include <stddef.h>

/* Its name in the registry's cache folder. */
#define ITK_VTIP_FILE "verify.tip"
/* The largest file read back (about 20 bytes a commit); a bigger one is
 * ignored. */
#define ITK_VTIP_MAX_BYTES (256u * 1024u * 1024u)
/* The longest ref name kept. */
#define ITK_VTIP_MAX_REF 4096
/* The largest tree height kept (vtrees.h's deepest nesting is less). */
#define ITK_VTIP_MAX_HEIGHT 64
/* New commits at most checked on top of the summary; more: the full walk. */
#define ITK_VTIP_MAX_NEW 32

/* The most receipts kept in one ref's V8 state; more: the state is not
 * kept (a merge on top of it is the full walk's). */
#define ITK_VTIP_MAX_RECEIPTS 4096

/* One receipt of V8's state: receiver took party's line up to tip. */
typedef struct {
    char receiver[ITK_PARTY_ID_MAX + 1];
    char party[ITK_PARTY_ID_MAX + 1];
    git_oid tip;
} itk_vtip_receipt;

/* A ref and the commit it named ("HEAD" for HEAD, resolved), with that
 * commit's tree and the tree's height when the walk found it canonical
 * (vtrees.h; 0 when not known): a new commit's tree is then checked against
 * its parent's reading only what differs, as in the walk. v8: V8's receipts
 * state at the commit is known, and is receipts (nreceipts, at most
 * ITK_VTIP_MAX_RECEIPTS, no receiver and party twice). party and
 * principal: who signed the commit, as the walk found it ("" when not
 * known), so that a receipt of it or a take of it as a tip is checked
 * without the walk (issue 18). */
typedef struct {
    char *name;
    git_oid id;
    git_oid tree;
    unsigned height;
    int v8;
    itk_vtip_receipt *receipts;
    size_t nreceipts;
    char party[ITK_PARTY_ID_MAX + 1];
    char principal[65];
} itk_vtip_ref;

/* A void commit as verify prints it (V9: its records do not count). */
typedef struct {
    git_oid id;
    char party[ITK_PARTY_ID_MAX + 1];
    char principal[65];
} itk_vtip_void;

/* A folder found canonical, and its height (vtrees.h): the folders of the
 * refs' trees the last run read, so that the next one reads none of those
 * a new commit leaves as they were. */
typedef struct {
    git_oid id;
    unsigned height;
} itk_vtip_tree;

/* Folders kept at most; more: none (the next run reads them again). */
#define ITK_VTIP_MAX_TREES 65536

typedef struct {
    char rules[65];
    char genesis[GIT_OID_HEXSZ + 1];
    char city_key[64];
    itk_vtip_ref *refs; /* sorted by name, no two alike */
    size_t nrefs;
    git_oid *ids; /* the commits walked, sorted, no two alike */
    size_t nids;
    itk_vtip_void *voids; /* in the walk's order */
    size_t nvoids;
    char (*vkeys)[64];    /* keys void commits added … */
    char (*vorigins)[64]; /* … and the compromised key behind each */
    size_t nvkeys;
    itk_vtip_tree *trees;
    size_t ntrees;
} itk_vtip;

/* Parses the len bytes of a summary file (data, borrowed) into a zeroed t:
 * the magic line, the format, the rules' digest, genesis and city key as
 * SSH strings, a u32 count of refs (each its name, 1 to ITK_VTIP_MAX_REF - 1
 * bytes without NUL, sorted and unique, a raw commit id, a raw tree id, a
 * u32 height of at most ITK_VTIP_MAX_HEIGHT, a u32 flag (V8's state known:
 * 0 or 1) and a u32 count of at most ITK_VTIP_MAX_RECEIPTS receipts, none
 * when the flag is 0, each receiver and party as strings and a raw commit
 * id, then the commit's signer: party and principal as strings, each
 * possibly empty), a u32 count of raw
 * commit ids (sorted and unique), a u32 count of void commits (raw id,
 * party, principal), a u32 count of void keys (key, origin) and a u32 count
 * of at most ITK_VTIP_MAX_TREES folders (raw id, u32 height of 1 to
 * ITK_VTIP_MAX_HEIGHT); every count
 * bounded by the bytes left, and nothing after. 0, or -1 when the bytes are
 * not such a file or memory runs out (t may hold part of it:
 * itk_vtip_dispose). The fuzz target's entry. */
int itk_vtip_parse(itk_vtip *t, const unsigned char *data, size_t len);

/* Reads the summary of repo from the cache folder cache_root (NULL: this
 * user's, cache_dir.h) into a zeroed t: 0 when it is there, sealed by this
 * user, parses, and was found under rules, genesis and city_key; else
 * ITK_ENOTFOUND with t empty. Sets no error message. */
int itk_vtip_load(itk_vtip *t, git_repository *repo, const char *cache_root, const char *rules,
                  const char *genesis, const char *city_key);

/* Writes t as the summary of repo (temporary file and rename, cache_dir.h).
 * A file that cannot be written is not an error (the next verify walks in
 * full). */
void itk_vtip_save(const itk_vtip *t, git_repository *repo, const char *cache_root);

/* Reads every ref of repo and HEAD, each with the commit (or object) it
 * names, zero when it names none, sorted by name, into *refs (free with
 * itk_vtip_refs_free); tree and height are left zero. 0, ITK_EGIT when the refs cannot be listed,
 * or ITK_ENOMEM. */
int itk_vtip_refs_read(itk_vtip_ref **refs, size_t *n, git_repository *repo);
void itk_vtip_refs_free(itk_vtip_ref *refs, size_t n);

/* Is id among the commits t's walk found? 1 or 0. */
int itk_vtip_has(const itk_vtip *t, const git_oid *id);

/* Adds the n commits ids (none of them in t yet) to t's sorted ids. 0 or
 * ITK_ENOMEM (t unchanged). */
int itk_vtip_add_ids(itk_vtip *t, const git_oid *ids, size_t n);

void itk_vtip_dispose(itk_vtip *t);

#endif
