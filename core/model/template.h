/* The registry template compiled into the library (see embed_template.cmake). */
#ifndef ITAKU_TEMPLATE_H
#define ITAKU_TEMPLATE_H

#include <stddef.h>

typedef struct {
    const char *path; /* relative to the registry root, '/'-separated */
    const unsigned char *data;
    size_t size;
} itk_template_file;

/* Ends with an entry whose path is NULL. */
extern const itk_template_file itk_template_files[];

/* The labels catalogs the program carries for screens in a language other
 * than the registry's ("labels/en.v1.json", from labels/ of the source
 * tree); never written into a registry. Ends with a NULL path. */
extern const itk_template_file itk_shipped_labels[];

#endif
