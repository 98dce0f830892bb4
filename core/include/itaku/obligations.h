/* The obligations in force: the requirements file that a registry's
 * itaku.json names (obligations/<set>.v<N>.json), or the built-in one. */
#ifndef ITAKU_OBLIGATIONS_H
#define ITAKU_OBLIGATIONS_H

#include <jansson.h>

#include "itaku/registry.h"

/* From HEAD's tree when reg is a registry with commits, else the template's. */
int itk_obligations_load(json_t **out, itk_registry *reg);

#endif
