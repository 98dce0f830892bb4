/* itaku remote: the registries this one exchanges with, each tagged with the
 * party it leads to and, optionally, the server's pinned host key. */
#include "cli.h"
#include "itaku/remote.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char usage[] =
    "itaku remote add NAME URL|PATH --party P [--host-key SHA256:...]\n"
    "       itaku remote [list]\n"
    "(URL: ssh://user@host[:port]/path; the host key is checked against ~/.ssh/known_hosts "
    "or the pinned fingerprint)";

static int list(void)
{
    itk_registry *reg = NULL;
    itk_buf names = ITK_BUF_INIT;
    int rc = EXIT_ERROR;
    if (cli_open_registry(&reg))
        return EXIT_ERROR;
    if (itk_remote_list(&names, reg) < 0) {
        rc = cli_fail("cannot list remotes");
        goto done;
    }
    for (char *line = names.ptr, *nl; line && *line; line = nl + 1) {
        nl = strchr(line, '\n');
        *nl = '\0';
        itk_remote_info info;
        if (itk_remote_get(&info, reg, line) < 0)
            continue;
        printf("%-12s %s  party: %s%s%s\n", info.name, info.url,
               info.party[0] ? info.party : "(not tagged)", info.host_key[0] ? "  host key: " : "",
               info.host_key);
    }
    rc = EXIT_OK;
done:
    itk_buf_dispose(&names);
    itk_registry_free(reg);
    return rc;
}

int cmd_remote(int argc, char **argv)
{
    static const struct option opts[] = {{"party", required_argument, NULL, 'p'},
                                         {"host-key", required_argument, NULL, 'H'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0}};
    const char *party = NULL, *host_key = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'p': party = optarg; break;
        case 'H': host_key = optarg; break;
        case 'h': printf("usage: %s\n", usage); return EXIT_OK;
        default: return cli_usage(usage, "remote: unknown option");
        }
    }
    if (optind == argc || (optind == argc - 1 && strcmp(argv[optind], "list") == 0))
        return list();
    if (strcmp(argv[optind], "add") != 0)
        return cli_usage(usage, "remote: unknown subcommand '%s'", argv[optind]);
    if (optind != argc - 3 || !party)
        return cli_usage(usage, "remote add needs NAME, URL and --party");
    itk_registry *reg = NULL;
    if (cli_open_registry(&reg))
        return EXIT_ERROR;
    int rc = EXIT_OK;
    if (itk_remote_add(reg, argv[optind + 1], argv[optind + 2], party, host_key) < 0)
        rc = cli_fail("cannot add the remote");
    else
        printf("Remote %s leads to %s's registry at %s%s%s.\n", argv[optind + 1], party,
               argv[optind + 2], host_key ? "; host key pinned to " : "", host_key ? host_key : "");
    itk_registry_free(reg);
    return rc;
}
