/* itaku approve|reject|return: the city decides a request by merging its
 * branch, with the decision in the merge commit. */
#include "cli.h"
#include "itaku/flow.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "itaku approve REQUEST [--conditions TEXT] [--valid-until YYYY-MM-DD] [--max-uses N]\n"
    "       itaku reject REQUEST --reason TEXT\n"
    "       itaku return REQUEST --reason TEXT     (差戻し: return for correction)\n"
    "       [--key FILE]";

int cmd_decide(int argc, char **argv)
{
    static const struct option opts[] = {{"reason", required_argument, NULL, 'r'},
                                         {"conditions", required_argument, NULL, 'c'},
                                         {"valid-until", required_argument, NULL, 'v'},
                                         {"max-uses", required_argument, NULL, 'm'},
                                         {"key", required_argument, NULL, 'k'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0}};
    itk_decision_options o = ITK_DECISION_OPTIONS_INIT;
    const char *key = NULL;
    int c;
    o.outcome = strcmp(argv[0], "approve") == 0  ? "approved"
                : strcmp(argv[0], "reject") == 0 ? "rejected"
                                                 : "returned";
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'r': o.reason = optarg; break;
        case 'c': o.conditions = optarg; break;
        case 'v': o.valid_until = optarg; break;
        case 'm':
            o.max_uses = strtoll(optarg, &end, 10);
            if (*end || o.max_uses < 1)
                return cli_usage(usage, "--max-uses takes a positive whole number");
            break;
        case 'k': key = optarg; break;
        case 'h': printf("usage: %s\n", usage); return EXIT_OK;
        default: return cli_usage(usage, "%s: unknown option", argv[0]);
        }
    }
    if (optind != argc - 1)
        return cli_usage(usage, "%s needs one REQUEST", argv[0]);
    if (strcmp(o.outcome, "approved") != 0 && !o.reason)
        return cli_usage(usage, "%s needs --reason", argv[0]);
    itk_registry *reg = NULL;
    itk_signer *signer = NULL;
    git_oid out;
    int rc = EXIT_ERROR;
    if (cli_open_registry(&reg) || cli_open_signer(&signer, reg, key))
        goto done;
    if (itk_request_decide(&out, reg, signer, argv[optind], &o) < 0) {
        rc = cli_fail("nothing was decided");
        goto done;
    }
    printf("%s %s in commit %.12s.\n",
           strcmp(o.outcome, "approved") == 0   ? "Approved"
           : strcmp(o.outcome, "rejected") == 0 ? "Rejected"
                                                : "Returned for correction",
           argv[optind], git_oid_tostr_s(&out));
    rc = EXIT_OK;
done:
    itk_signer_free(signer);
    itk_registry_free(reg);
    return rc;
}
