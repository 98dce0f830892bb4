/* itaku init: the city creates a contract registry and gets its contract
 * sheet, to attach to the paper contract. */
#include "cli.h"
#include "itaku/init.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "itaku init DIR --contract ID --title TEXT --city ID --name NAME --key FILE\n"
    "                  [--principal NAME] [--start YYYY-MM-DD] [--end YYYY-MM-DD]\n"
    "                  [--handover-method M]... [--timezone TZ]";

int cmd_init(int argc, char **argv)
{
    static const struct option opts[] = {{"contract", required_argument, NULL, 'c'},
                                         {"title", required_argument, NULL, 't'},
                                         {"city", required_argument, NULL, 'C'},
                                         {"name", required_argument, NULL, 'n'},
                                         {"key", required_argument, NULL, 'k'},
                                         {"principal", required_argument, NULL, 'p'},
                                         {"start", required_argument, NULL, 's'},
                                         {"end", required_argument, NULL, 'e'},
                                         {"handover-method", required_argument, NULL, 'm'},
                                         {"timezone", required_argument, NULL, 'z'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0}};
    itk_init_options o = ITK_INIT_OPTIONS_INIT;
    const char *key = NULL;
    const char *methods[32];
    int c;
    o.principal = "officer";
    o.handover_methods = methods;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': o.contract_id = optarg; break;
        case 't': o.title = optarg; break;
        case 'C': o.city_id = optarg; break;
        case 'n': o.city_name = optarg; break;
        case 'k': key = optarg; break;
        case 'p': o.principal = optarg; break;
        case 's': o.start = optarg; break;
        case 'e': o.end = optarg; break;
        case 'z': o.timezone = optarg; break;
        case 'm':
            if (o.handover_count == sizeof(methods) / sizeof(*methods))
                return cli_usage(usage, "at most 32 handover methods");
            methods[o.handover_count++] = optarg;
            break;
        case 'h': printf("usage: %s\n", usage); return EXIT_OK;
        default: return cli_usage(usage, "init: unknown option");
        }
    }
    if (optind != argc - 1)
        return cli_usage(usage, "init needs one DIR");
    if (!o.contract_id || !o.title || !o.city_id || !o.city_name || !key)
        return cli_usage(usage, "init needs --contract, --title, --city, --name and --key");
    itk_signer *signer = NULL;
    if (cli_open_signer(&signer, NULL, key))
        return EXIT_ERROR;
    git_oid genesis;
    itk_buf fpr = ITK_BUF_INIT;
    int rc = itk_registry_init(&genesis, argv[optind], &o, signer);
    if (!rc)
        rc = itk_pubkey_fingerprint(&fpr, itk_signer_public(signer));
    itk_signer_free(signer);
    if (rc) {
        itk_buf_dispose(&fpr);
        return cli_fail("cannot create the registry");
    }
    char hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(hex, sizeof(hex), &genesis);
    printf("Contract sheet (attach to the paper contract)\n"
           "  contract:  %s\n"
           "  title:     %s\n"
           "  genesis:   %s\n"
           "  city key:  %s\n\n"
           "Registry created in %s. Each party joins with:\n"
           "  itaku clone URL DIR --city-key %s --genesis %s\n",
           o.contract_id, o.title, hex, fpr.ptr, argv[optind], fpr.ptr, hex);
    itk_buf_dispose(&fpr);
    return EXIT_OK;
}
