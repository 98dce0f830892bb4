/* The names itaku writes into git: commit trailers and refs. Every source
 * uses these instead of spelling them (DESIGN §3, §4). */
#ifndef ITAKU_NAMES_H
#define ITAKU_NAMES_H

/* Commit trailers ("Key: value" lines at the end of a commit message). */
#define ITK_TRAILER_PARTY "Itaku-Party"            /* the signing party */
#define ITK_TRAILER_PRINCIPAL "Itaku-Principal"    /* its key's principal */
#define ITK_TRAILER_ACTION "Itaku-Action"          /* what the commit does */
#define ITK_TRAILER_CONTENT "Itaku-Content-SHA256" /* over the files it adds */
#define ITK_TRAILER_RECORD "Itaku-Record"          /* one per file added */
#define ITK_TRAILER_RECEIVED "Itaku-Received"      /* a receipt: "<party> <commit>" */
#define ITK_TRAILER_REQUEST "Itaku-Request"        /* the request it acts on */

/* Refs. A prefix ends with '/'; ITK_PREFIX_LEN gives its length. */
#define ITK_REF_MAIN "refs/heads/main"          /* the registry */
#define ITK_REF_PARTIES "refs/heads/parties/"   /* <party>/main: pushed lines */
#define ITK_REF_REQUESTS "refs/heads/requests/" /* <requester>/<id> */
#define ITK_REF_LINES "refs/itaku/lines/"       /* <party>: each party's line */
#define ITK_REF_INCOMING "refs/itaku/incoming/" /* fetched, not yet taken */
#define ITK_REF_ITAKU "refs/itaku"              /* all of itaku's own refs */
#define ITK_PREFIX_LEN(prefix) (sizeof(prefix) - 1)

#endif
