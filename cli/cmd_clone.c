/* itaku clone: join a contract from its contract sheet. */
#include "cli.h"
#include "i18n.h"
#include "itaku/instruct.h"
#include "itaku/remote.h"

#include <stdio.h>

int cmd_clone(int argc, char **argv)
{
    const char *city_key = NULL, *genesis = NULL;
    itk_remote_options ro = ITK_REMOTE_OPTIONS_INIT;
    const cli_opt opts[] = {
        {NULL, 0, CLI_STRING, NULL, "URL|PATH", N_("the registry to clone"), 0},
        {NULL, 0, CLI_PATH, NULL, "DIR", N_("where to put the copy"), 0},
        {"city-key", 0, CLI_STRING, &city_key, "SHA256:...",
         N_("the city's key, from the contract sheet"), CLI_REQUIRED},
        {"genesis", 0, CLI_STRING, &genesis, "ID", N_("the first commit, from the contract sheet"),
         CLI_REQUIRED},
        {"key", 0, CLI_PATH, &ro.key_path, "FILE",
         N_("your key: it logs in to an ssh:// server and signs in this registry"), 0},
        {"host-key", 0, CLI_STRING, &ro.host_key, "SHA256:...", N_("the server's pinned host key"),
         0},
        {0}};
    const cli_spec spec = {"clone",
                           N_("Join a contract: clone a registry and verify it against the "
                              "contract sheet's pins."),
                           opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    if (optind != argc - 2 || !city_key || !genesis)
        return cli_bad(&spec, _("clone needs URL, DIR, --city-key and --genesis (from the "
                                "contract sheet)"));
    ro.progress = cli_fetch_progress();
    if (itk_remote_clone(argv[optind], argv[optind + 1], city_key, genesis, &ro) < 0)
        return cli_fail(_("cannot join the contract"));
    printf(_("Cloned and verified %s into %s; the contract is pinned to genesis %.12s and city key "
             "%s.\n"),
           argv[optind], argv[optind + 1], genesis, city_key);
    if (ro.key_path) /* clone made it the signing key (git config itaku.signingKey) */
        printf(_("Signing with %s.\n"), ro.key_path);
    else
        printf(_("Set your key: git -C %s config itaku.signingKey FILE (or use ssh-agent).\n"),
               argv[optind + 1]);
    return EXIT_OK;
}
