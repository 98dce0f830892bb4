/* Record ids (DESIGN §3): the next free "<prefix>-NNNNNN" of a party's
 * records. */
#ifndef ITAKU_IDS_H
#define ITAKU_IDS_H

#include "itaku/buf.h"
#include "itaku/record.h"
#include "itaku/registry.h"

/* The next free id "<prefix>-NNNNNN" for a party's records of type t, over
 * every local ref (DESIGN §3). */
int itk_registry_next_id(itk_buf *out, itk_registry *reg, const itk_record_type *t,
                         const char *party, const char *requester);

#endif
