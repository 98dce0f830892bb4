/* itaku remote: the registries this one exchanges with, each tagged with the
 * party it leads to and, optionally, the server's pinned host key. */
#include "cli.h"
#include "i18n.h"
#include "itaku/remote.h"

#include <stdio.h>
#include <string.h>

static int list(void)
{
    itk_registry *reg = NULL;
    itk_buf names = ITK_BUF_INIT;
    int rc = EXIT_ERROR;
    if (cli_open_registry(&reg))
        return EXIT_ERROR;
    if (itk_remote_list(&names, reg) < 0) {
        rc = cli_fail(_("cannot list remotes"));
        goto done;
    }
    for (char *line = names.ptr, *nl; line && *line; line = nl + 1) {
        nl = strchr(line, '\n');
        *nl = '\0';
        itk_remote_info info;
        if (itk_remote_get(&info, reg, line) < 0)
            continue;
        printf("%-12s %s  ", cli_safe(info.name), cli_safe(info.url));
        const char *party = info.party[0] ? cli_safe(info.party) : _("(not tagged)");
        if (info.host_key[0])
            printf(_("party: %s  host key: %s\n"), party, cli_safe(info.host_key));
        else
            printf(_("party: %s\n"), party);
    }
    rc = EXIT_OK;
done:
    itk_buf_dispose(&names);
    itk_registry_free(reg);
    return rc;
}

static int list_cmd(int argc, char **argv)
{
    const cli_opt opts[] = {{0}};
    const cli_spec spec = {"remote list",
                           N_("List the remotes, each with its party and pinned host "
                              "key."),
                           opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    if (optind != argc)
        return cli_bad(&spec, _("remote list takes no arguments"));
    return list();
}

static int add(int argc, char **argv)
{
    const char *party = NULL, *host_key = NULL;
    const cli_opt opts[] = {
        {NULL, 0, CLI_STRING, NULL, "NAME", N_("the remote's name"), 0},
        {NULL, 0, CLI_STRING, NULL, "URL|PATH", N_("ssh://user@host[:port]/path or a folder"), 0},
        {"party", 0, CLI_STRING, &party, "P", N_("the party whose registry it is"), CLI_REQUIRED},
        {"host-key", 0, CLI_STRING, &host_key, "SHA256:...",
         N_("the server's host key (else ~/.ssh/known_hosts is asked)"), 0},
        {0}};
    const cli_spec spec = {"remote add",
                           N_("Add a remote (ssh:// or a path), tagged with its party."), opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    if (optind != argc - 2)
        return cli_bad(&spec, _("remote add needs NAME and URL|PATH"));
    itk_registry *reg = NULL;
    if (cli_open_registry(&reg))
        return EXIT_ERROR;
    int rc = EXIT_OK;
    if (itk_remote_add(reg, argv[optind], argv[optind + 1], party, host_key) < 0)
        rc = cli_fail(_("cannot add the remote"));
    else if (host_key)
        printf(_("Remote %s leads to %s's registry at %s; host key pinned to %s.\n"), argv[optind],
               party, argv[optind + 1], host_key);
    else
        printf(_("Remote %s leads to %s's registry at %s.\n"), argv[optind], party,
               argv[optind + 1]);
    itk_registry_free(reg);
    return rc;
}

int cmd_remote(int argc, char **argv)
{
    static const cli_sub subs[] = {
        {"add", add, N_("add a remote, tagged with its party"), CLI_NEEDS_REGISTRY},
        {"list", list_cmd, N_("list the remotes (also: itaku remote)"), CLI_NEEDS_REGISTRY},
        {0}};
    if (argc == 1 && cli_mode == CLI_MODE_RUN)
        return list();
    return cli_dispatch("remote",
                        N_("Add and list remotes (ssh:// or a path), tagged with their "
                           "party."),
                        subs, argc, argv);
}
