/* Taking another party's history in: fetch into a quarantine
 * (refs/itaku/incoming/<party>/…), verify every commit, and only then move
 * refs/itaku/lines/<party> and the request branches (DESIGN §7). A refused
 * fetch leaves every other ref as it was. */
#ifndef ITAKU_SYNC_H
#define ITAKU_SYNC_H

#include "itaku/registry.h"

typedef struct {
    unsigned version;
    int take_requests; /* also take requests/<R>/<rec> for R = party or its descendants */
} itk_take_options;

#define ITK_TAKE_OPTIONS_VERSION 1
#define ITK_TAKE_OPTIONS_INIT {ITK_TAKE_OPTIONS_VERSION, 1}

/* Fetches party's main (and request branches) from url, a path or a URL
 * git understands, verifies, and publishes refs/itaku/lines/<party>; tip gets
 * the line's newest commit. ITK_EVERIFY, naming the commit and the rule, when
 * anything fetched breaks a rule. */
int itk_sync_take(git_oid *tip, itk_registry *reg, const char *party, const char *url,
                  const itk_take_options *opts);

/* Verifies what rev holds: 0 when every commit passes; ITK_EVERIFY naming
 * the first problem (commit, rule) otherwise. */
int itk_sync_check_rev(itk_registry *reg, const char *rev);

#endif
