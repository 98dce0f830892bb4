/* itaku push: send our main (and our request branches) to a hosted registry,
 * whose pre-receive hook decides what it takes. */
#include "cli.h"
#include "i18n.h"
#include "itaku/remote.h"

#include <getopt.h>
#include <stdio.h>

int cmd_push(int argc, char **argv)
{
    const char *key = NULL;
    const cli_opt opts[] = {{NULL, 0, CLI_STRING, NULL, "NAME",
                             N_("a hosted registry (default: origin)"), CLI_OPTIONAL},
                            CLI_OPT_KEY(&key),
                            {0}};
    const cli_spec spec = {
        "push",
        N_("Send our main and our (and our descendants') request branches to a "
           "hosted registry; the city pushes main, a party P to parties/P/main."),
        opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    if (optind < argc - 1)
        return cli_bad(&spec, _("push takes at most one remote"));
    const char *name = optind == argc - 1 ? argv[optind] : "origin";
    itk_registry *reg = NULL;
    itk_signer *signer = NULL;
    itk_buf pushed = ITK_BUF_INIT;
    int rc = EXIT_ERROR;
    if (cli_open_registry(&reg) || cli_open_signer(&signer, reg, key))
        goto done;
    itk_remote_options o = ITK_REMOTE_OPTIONS_INIT;
    o.key_path = key;
    if (itk_remote_push(&pushed, reg, signer, name, &o) < 0) {
        rc = cli_fail(_("the push was refused"));
        goto done;
    }
    if (pushed.size)
        printf(_("Pushed to %s:\n%s"), name, cli_safe_block(pushed.ptr, ""));
    else
        printf(_("%s already holds everything we may push.\n"), name);
    rc = EXIT_OK;
done:
    itk_buf_dispose(&pushed);
    itk_signer_free(signer);
    itk_registry_free(reg);
    return rc;
}
