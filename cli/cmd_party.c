/* itaku party add: the city registers a contractor and its first key. */
#include "cli.h"
#include "i18n.h"
#include "itaku/party.h"

#include <stdio.h>
#include <string.h>

int cmd_party(int argc, char **argv)
{
    static const cli_sub subs[] = {{"add", cmd_party, N_("register a contractor and its first key"),
                                    CLI_NEEDS_REGISTRY | CLI_NEEDS_SIGNER},
                                   {0}};
    if (strcmp(argv[0], "add") != 0)
        return cli_dispatch("party", N_("Register a contractor and its first key (the city)."),
                            subs, argc, argv);
    itk_party_options o = ITK_PARTY_OPTIONS_INIT;
    const char *pubkey = NULL, *key = NULL;
    o.principal = "manager";
    const cli_opt opts[] = {
        {NULL, 0, CLI_STRING, NULL, "ID", N_("the new party's id"), 0},
        {"role", 0, CLI_STRING, &o.role, "contractor", N_("its role"), CLI_REQUIRED},
        {"name", 0, CLI_STRING, &o.name, "NAME", N_("its name"), CLI_REQUIRED},
        {"pubkey", 0, CLI_PATH, &pubkey, "FILE", N_("its first key's .pub file"), CLI_REQUIRED},
        {"principal", 0, CLI_STRING, &o.principal, "NAME",
         N_("who holds that key (default: manager)"), 0},
        {"principal-name", 0, CLI_STRING, &o.principal_name, "TEXT",
         N_("that person's name as the papers show it (e.g. 田中 花子)"), 0},
        CLI_OPT_KEY(&key),
        {0}};
    const cli_spec spec = {"party add", N_("Register a contractor and its first key (the city)."),
                           opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    if (optind != argc - 1 || !o.role || !o.name || !pubkey)
        return cli_bad(&spec, _("party add needs ID, --role, --name and --pubkey"));
    o.id = argv[optind];
    itk_pubkey *pk = NULL;
    if (itk_pubkey_read_public(&pk, pubkey) < 0)
        return cli_fail(_("cannot read --pubkey; nothing was written"));
    o.key = pk;
    itk_registry *reg = NULL;
    itk_signer *signer = NULL;
    int rc = EXIT_ERROR;
    if (cli_open_registry(&reg) || cli_open_signer(&signer, reg, key))
        goto done;
    git_oid commit;
    if (itk_party_add(&commit, reg, signer, &o) < 0) {
        rc = cli_fail(_("cannot register the party"));
        goto done;
    }
    printf(_("Registered %s %s (%s) in commit %.12s\n"), cli_safe(o.role), cli_safe(o.id),
           cli_safe(o.name), git_oid_tostr_s(&commit));
    rc = EXIT_OK;
done:
    itk_signer_free(signer);
    itk_registry_free(reg);
    itk_pubkey_free(pk);
    return rc;
}
