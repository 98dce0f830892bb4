/* itaku request submit: a request for the city's prior approval. */
#include "cli.h"

#include <stdio.h>

int cli_request_submit(const char *kind, const char *file, const char *key)
{
    (void)kind;
    (void)file;
    (void)key;
    fprintf(stderr, "itaku: requests come with the chain of approvals; nothing was written\n");
    return EXIT_ERROR;
}
