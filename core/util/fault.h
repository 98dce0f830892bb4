/* Fault injection for the crash tests (a testing aid, documented in the
 * README): ITAKU_FAULT=POINT:K makes the process kill itself with SIGKILL
 * the K-th time (from 1) it passes POINT, as a power cut or kill -9 would.
 * The points: "object" (after each object itaku writes, and after a
 * bundle's pack is indexed), "ref-before" and "ref-after" (around each ref
 * update, and around the rename that makes a new registry of init or clone
 * appear, newdir.h), "checkout" (each file a checkout writes, a clone's
 * too), "cache" (a cache file written, before its rename). Compiled into
 * every build: the crash tests run the binary people run, and an unset
 * variable costs one getenv per point. */
#ifndef ITAKU_FAULT_H
#define ITAKU_FAULT_H

void itk_fault_point(const char *point);

#endif
