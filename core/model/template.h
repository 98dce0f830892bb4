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

#endif
