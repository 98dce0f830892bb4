/* itaku acknowledge: accept every obligation in force (seed §8(2)). */
#include "cli.h"
#include "i18n.h"
#include "itaku/instruct.h"
#include "itaku/obligations.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

int cmd_acknowledge(int argc, char **argv)
{
    const char *key = NULL;
    const cli_opt opts[] = {CLI_OPT_KEY(&key), {0}};
    const cli_spec spec = {"acknowledge",
                           N_("Accept every obligation in force (each party, first)."), opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    if (optind != argc)
        return cli_bad(&spec, _("acknowledge takes no arguments"));
    itk_registry *reg = NULL;
    itk_signer *signer = NULL;
    git_oid out;
    int rc = EXIT_ERROR;
    if (cli_open_registry(&reg) || cli_open_signer(&signer, reg, key))
        goto done;
    if (itk_acknowledge(&out, reg, signer) < 0) {
        rc = cli_fail(_("nothing was written"));
        goto done;
    }
    itk_obligations_version now;
    char today[32];
    char named[2 * ITK_OBLIGATIONS_TITLE_MAX];
    /* the document by its own title, as the paper names it, not its file */
    if (itk_registry_now(today, reg) == 0 && itk_obligations_in_force(&now, reg, NULL, today) == 0)
        printf(_("Acknowledged every obligation in force (%s), in commit %.12s.\n"),
               cli_safe(itk_obligations_named(named, sizeof(named), &now,
                                              strcmp(cli_screen_lang(), "ja") == 0)),
               git_oid_tostr_s(&out));
    else
        printf(_("Acknowledged every obligation in force, in commit %.12s.\n"),
               git_oid_tostr_s(&out));
    rc = EXIT_OK;
done:
    itk_signer_free(signer);
    itk_registry_free(reg);
    return rc;
}
