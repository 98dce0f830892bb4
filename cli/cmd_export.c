/* itaku export allowed-signers FILE | revocations FILE: the files that let
 * stock git check every signature (audit_export.h). */
#include "cli.h"
#include "i18n.h"
#include "itaku/audit_export.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static void say_left_out(const itk_audit_counts *c)
{
    if (c->left_out)
        fprintf(stderr,
                P_("itaku: %zu commit breaks a trust rule; no key or key event of it was taken "
                   "(see `itaku verify`)\n",
                   "itaku: %zu commits break a trust rule; no key or key event of theirs was taken "
                   "(see `itaku verify`)\n",
                   c->left_out),
                c->left_out);
}

static int export_file(int argc, char **argv)
{
    int krl = strcmp(argv[0], "revocations") == 0;
    const cli_opt opts[] = {
        {NULL, 0, CLI_PATH, NULL, "FILE|-", N_("where to write (- for standard output)"), 0}, {0}};
    const cli_spec spec = {
        krl ? "export revocations" : "export allowed-signers",
        krl ? N_("Write every key marked compromised as an OpenSSH key revocation list (KRL), "
                 "for auditors who distrust everything such a key ever signed (git's "
                 "gpg.ssh.revocationFile).")
            : N_("Write every key of every party as an allowed-signers file, valid from the "
                 "commit that added it until its retirement or its last good commit, so that "
                 "stock git checks every signature."),
        opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    if (optind != argc - 1)
        return cli_bad(&spec, _("export %s needs a FILE (- for standard output)"), argv[0]);
    const char *file = argv[optind];
    itk_registry *reg = NULL;
    itk_buf out = ITK_BUF_INIT;
    itk_audit_counts c;
    if (cli_open_registry(&reg))
        return EXIT_ERROR;
    int rc = EXIT_OK;
    if (krl ? itk_audit_revocations(&out, &c, reg, NULL, (long long)time(NULL)) < 0
            : itk_audit_allowed_signers(&out, &c, reg, NULL) < 0)
        rc = cli_fail(krl ? _("cannot export the revocations")
                          : _("cannot export the allowed signers"));
    else if ((rc = cli_write_output(file, out.ptr ? out.ptr : "", out.size)) == EXIT_OK) {
        say_left_out(&c);
        if (strcmp(file, "-") == 0)
            ;
        else if (krl)
            fprintf(stderr,
                    P_("Wrote %1$s: %2$zu compromised key, revoked for every commit it signed.\n"
                       "Check every commit with:\n  git -c gpg.ssh.allowedSignersFile=ALLOWED "
                       "-c gpg.ssh.revocationFile=%1$s log --show-signature\n",
                       "Wrote %1$s: %2$zu compromised keys, revoked for every commit they signed.\n"
                       "Check every commit with:\n  git -c gpg.ssh.allowedSignersFile=ALLOWED "
                       "-c gpg.ssh.revocationFile=%1$s log --show-signature\n",
                       c.keys),
                    file, c.keys);
        else
            fprintf(stderr,
                    P_("Wrote %1$s: %2$zu key (%3$zu retired, %4$zu compromised). Check every "
                       "commit with:\n  git -c gpg.ssh.allowedSignersFile=%1$s log "
                       "--show-signature\n",
                       "Wrote %1$s: %2$zu keys (%3$zu retired, %4$zu compromised). Check every "
                       "commit with:\n  git -c gpg.ssh.allowedSignersFile=%1$s log "
                       "--show-signature\n",
                       c.keys),
                    file, c.keys, c.retired, c.compromised);
    }
    itk_buf_dispose(&out);
    itk_registry_free(reg);
    return rc;
}

int cmd_export(int argc, char **argv)
{
    static const cli_sub subs[] = {
        {"allowed-signers", export_file, N_("write the allowed-signers file for stock git"),
         CLI_NEEDS_REGISTRY},
        {"revocations", export_file, N_("write a revocation list (KRL) of the compromised keys"),
         CLI_NEEDS_REGISTRY},
        {0}};
    return cli_dispatch("export", N_("Export the files stock git checks signatures with."), subs,
                        argc, argv);
}
