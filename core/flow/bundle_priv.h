/* Bringing a bundle's objects in, shared by bundle.c and clone.c. */
#ifndef ITAKU_BUNDLE_PRIV_H
#define ITAKU_BUNDLE_PRIV_H

#include "itaku/bundle.h"

/* Reads and checks path's header, checks that every prerequisite is a
 * commit of repo, indexes the pack into repo's object database (thin packs
 * resolve against it; connectivity is checked) and checks that every ref's
 * object is now present. Moves no ref; *out gets the header. */
int itk_bundle_unpack(itk_bundle_header **out, git_repository *repo, const char *path);

#endif
