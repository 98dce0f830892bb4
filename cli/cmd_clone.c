/* itaku clone: join a contract from its contract sheet. */
#include "cli.h"
#include "itaku/instruct.h"
#include "itaku/remote.h"

#include <getopt.h>
#include <stdio.h>

static const char usage[] =
    "itaku clone URL|PATH|BUNDLE DIR --city-key SHA256:... --genesis ID [--key FILE]\n"
    "       [--host-key SHA256:...]\n"
    "(URL: ssh://user@host[:port]/path, logging in with --key or the ssh-agent; the server's "
    "host key must be in ~/.ssh/known_hosts or pinned with --host-key)";

int cmd_clone(int argc, char **argv)
{
    static const struct option opts[] = {
        {"city-key", required_argument, NULL, 'c'}, {"genesis", required_argument, NULL, 'g'},
        {"key", required_argument, NULL, 'k'},      {"host-key", required_argument, NULL, 'H'},
        {"help", no_argument, NULL, 'h'},           {0}};
    const char *city_key = NULL, *genesis = NULL;
    itk_remote_options ro = ITK_REMOTE_OPTIONS_INIT;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': city_key = optarg; break;
        case 'g': genesis = optarg; break;
        case 'k': ro.key_path = optarg; break;
        case 'H': ro.host_key = optarg; break;
        case 'h': printf("usage: %s\n", usage); return EXIT_OK;
        default: return cli_usage(usage, "clone: unknown option");
        }
    }
    if (optind != argc - 2 || !city_key || !genesis)
        return cli_usage(usage, "clone needs URL, DIR, --city-key and --genesis (from the "
                                "contract sheet)");
    if (itk_remote_clone(argv[optind], argv[optind + 1], city_key, genesis, &ro) < 0)
        return cli_fail("cannot join the contract");
    printf("Cloned and verified %s into %s; the contract is pinned to genesis %.12s and city key "
           "%s.\nSet your key: git -C %s config itaku.signingKey FILE (or use ssh-agent).\n",
           argv[optind], argv[optind + 1], genesis, city_key, argv[optind + 1]);
    return EXIT_OK;
}
