/* The generator's object store in memory (tests/bench/gen.c): every object
 * the generator and the library's calls write stays in memory until
 * memstore_pack writes what it holds as one pack into the repository. Unlike
 * libgit2's mempack it hands objects out NUL-terminated, as the loose and
 * pack stores do (the library's checks read commits as stored objects), and
 * it packs only the objects it holds, not the whole tree of every commit. */
#ifndef ITAKU_BENCH_MEMSTORE_H
#define ITAKU_BENCH_MEMSTORE_H

#include <git2.h>
#include <git2/sys/odb_backend.h>

/* A new, empty store; git_odb_add_backend hands it to one odb, which frees
 * it. Returns 0, or -1 when out of memory. */
int memstore_new(git_odb_backend **out);

/* The bytes the store holds (objects' contents, not counting headers). */
size_t memstore_bytes(git_odb_backend *store);

/* Writes every object of the store as one pack (undeltified, zlib level 1)
 * and its index into pack_dir (the repository's objects/pack), then empties
 * the store; the odb finds the pack when it next misses an object. Returns
 * 0, or -1 with a libgit2 error set (the store is then left as it was). */
int memstore_pack(git_odb_backend *store, const char *pack_dir);

#endif
