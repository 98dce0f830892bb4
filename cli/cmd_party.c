/* itaku party add: the city registers a contractor and its first key. */
#include "cli.h"
#include "itaku/party.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char usage[] = "itaku party add ID --role contractor --name NAME --pubkey FILE\n"
                            "                       [--principal NAME] [--key FILE]";

int cmd_party(int argc, char **argv)
{
    static const struct option opts[] = {{"role", required_argument, NULL, 'r'},
                                         {"name", required_argument, NULL, 'n'},
                                         {"pubkey", required_argument, NULL, 'p'},
                                         {"principal", required_argument, NULL, 'P'},
                                         {"key", required_argument, NULL, 'k'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0}};
    if (argc < 2 || strcmp(argv[1], "add") != 0) {
        if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
            printf("usage: %s\n", usage);
            return EXIT_OK;
        }
        return cli_usage(usage, "party: the command is `party add`");
    }
    itk_party_options o = ITK_PARTY_OPTIONS_INIT;
    const char *pubkey = NULL, *key = NULL;
    int c;
    o.principal = "manager";
    argc--;
    argv++;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'r': o.role = optarg; break;
        case 'n': o.name = optarg; break;
        case 'p': pubkey = optarg; break;
        case 'P': o.principal = optarg; break;
        case 'k': key = optarg; break;
        case 'h': printf("usage: %s\n", usage); return EXIT_OK;
        default: return cli_usage(usage, "party add: unknown option");
        }
    }
    if (optind != argc - 1 || !o.role || !o.name || !pubkey)
        return cli_usage(usage, "party add needs ID, --role, --name and --pubkey");
    o.id = argv[optind];
    itk_pubkey *pk = NULL;
    if (itk_pubkey_read_file(&pk, pubkey) < 0)
        return cli_fail("cannot read --pubkey");
    o.key = pk;
    itk_registry *reg = NULL;
    itk_signer *signer = NULL;
    int rc = EXIT_ERROR;
    if (cli_open_registry(&reg) || cli_open_signer(&signer, reg, key))
        goto done;
    git_oid commit;
    if (itk_party_add(&commit, reg, signer, &o) < 0) {
        rc = cli_fail("cannot register the party");
        goto done;
    }
    printf("Registered %s %s (%s) in commit %.12s\n", o.role, o.id, o.name,
           git_oid_tostr_s(&commit));
    rc = EXIT_OK;
done:
    itk_signer_free(signer);
    itk_registry_free(reg);
    itk_pubkey_free(pk);
    return rc;
}
