/* Itaku-Content-SHA256 (DESIGN §4): evidence of what a commit adds that does
 * not depend on SHA-1. Written by commit.c, checked by policy.c. */
#include "registry_priv.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const itk_content_entry *)a)->path, ((const itk_content_entry *)b)->path);
}

void itk_content_hash(char hex[65], itk_content_entry *e, size_t n)
{
    qsort(e, n, sizeof(*e), cmp_entry);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned char md[32];
    unsigned int mdlen = 0;
    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    for (size_t i = 0; i < n; i++) {
        char h[65];
        for (int j = 0; j < 32; j++)
            snprintf(h + 2 * j, 3, "%02x", e[i].sha256[j]);
        EVP_DigestUpdate(ctx, e[i].path, strlen(e[i].path));
        EVP_DigestUpdate(ctx, " ", 1);
        EVP_DigestUpdate(ctx, h, 64);
        EVP_DigestUpdate(ctx, "\n", 1);
    }
    EVP_DigestFinal_ex(ctx, md, &mdlen);
    EVP_MD_CTX_free(ctx);
    for (int j = 0; j < 32; j++)
        snprintf(hex + 2 * j, 3, "%02x", md[j]);
}
