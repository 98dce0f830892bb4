/* The rule kinds of DESIGN §8 (status_rules.c), applied by status.c to the
 * context of status_priv.h. */
#ifndef ITAKU_STATUS_RULES_H
#define ITAKU_STATUS_RULES_H

#include "status_priv.h"

/* Applies one rule kind with its parameters; unknown kinds are an error
 * naming the kind (the obligations file asks for a check we do not have). */
int itk_rules_apply(sctx *c, const char *kind, const char *section, const json_t *params);

#endif
