/* itaku key generate|show: OpenSSH Ed25519 keys for signing. */
#include "cli.h"
#include "i18n.h"
#include "itaku/sshkey.h"
#include "itaku/keyops.h"
#include "itaku/person_name.h"
#include "itaku/sshsig.h"

#include <stdio.h>
#include <string.h>

static int generate(int argc, char **argv)
{
    const char *comment = "";
    const cli_opt opts[] = {
        {NULL, 0, CLI_PATH, NULL, "FILE",
         N_("where to write the private key (FILE.pub: the public one)"), 0},
        {"comment", 'c', CLI_STRING, &comment, "TEXT", N_("the key's comment"), 0},
        {0}};
    const cli_spec spec = {"key generate", N_("Generate an OpenSSH Ed25519 key pair for signing."),
                           opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    if (optind != argc - 1)
        return cli_bad(&spec, _("key generate needs one FILE"));
    const char *file = argv[optind];
    itk_privkey *key = NULL;
    itk_buf fpr = ITK_BUF_INIT;
    if (itk_privkey_generate_ed25519(&key, comment) < 0 || itk_privkey_write_files(key, file) < 0 ||
        itk_pubkey_fingerprint(&fpr, itk_privkey_public(key)) < 0) {
        itk_privkey_free(key);
        return cli_fail(_("cannot generate the key"));
    }
    itk_privkey_free(key);
    printf(_("Wrote %1$s (private, mode 0600) and %1$s.pub\n"
             "Fingerprint: %2$s\n\n"
             "Keep the private key secret and back it up (an encrypted copy on separate media).\n"
             "To protect it with a passphrase:   ssh-keygen -p -f %1$s\n"
             "Then load it into ssh-agent:       eval \"$(ssh-agent)\" && ssh-add %1$s\n"
             "Send %1$s.pub (not the private file) to whoever registers your party.\n"),
           file, fpr.ptr);
    itk_buf_dispose(&fpr);
    return EXIT_OK;
}

static int show(int argc, char **argv)
{
    const char *key_path = NULL;
    int public_line = 0;
    const cli_opt opts[] = {
        {NULL, 0, CLI_PATH, NULL, "FILE",
         N_("a key file: public, or private in OpenSSH, PEM or PKCS#8 format (default: the key "
            "itaku signs with here)"),
         CLI_OPTIONAL},
        {"key", 'k', CLI_PATH, &key_path, "FILE", N_("the same, as an option"), 0},
        {"public", 0, CLI_SWITCH, &public_line, NULL,
         N_("print the public key line (TYPE BASE64 COMMENT) instead"), 0},
        {0}};
    const cli_spec spec = {"key show",
                           N_("Show a key as `ssh-keygen -lf` does: bits, fingerprint, comment, "
                              "type."),
                           opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;

    if (optind < argc - 1)
        return cli_bad(&spec, _("key show takes at most one FILE"));
    if (optind == argc - 1)
        key_path = argv[optind];
    itk_pubkey *pub = NULL;
    itk_signer *signer = NULL;
    itk_registry *reg = NULL;
    const itk_pubkey *shown;
    itk_buf line = ITK_BUF_INIT, desc = ITK_BUF_INIT;
    if (key_path) {
        if (itk_key_file_describe(&desc, &pub, key_path) < 0) {
            itk_buf_dispose(&desc);
            return cli_fail(_("cannot read the key"));
        }
        shown = pub;
    } else {
        /* the key itaku would sign with here */
        itk_registry_open(&reg, ".");
        itk_error_clear();
        if (cli_open_signer(&signer, reg, NULL)) {
            itk_registry_free(reg);
            return EXIT_ERROR;
        }
        shown = itk_signer_public(signer);
    }
    int rc = EXIT_OK;
    if (itk_pubkey_format(&line, shown) < 0 || (!key_path && itk_pubkey_describe(&desc, shown) < 0))
        rc = cli_fail(_("cannot format the key"));
    else if (public_line) {
        const char *comment = itk_pubkey_comment(shown);
        printf("%s%s%s\n", line.ptr, *comment ? " " : "", cli_safe(comment));
    } else
        printf("%s\n", cli_safe(desc.ptr));
    itk_buf_dispose(&line);
    itk_buf_dispose(&desc);
    itk_pubkey_free(pub);
    itk_signer_free(signer);
    itk_registry_free(reg);
    return rc;
}

/* The writing subcommands share their options and their ending. */
static int key_event(int argc, char **argv)
{
    const char *sub = argv[0], *principal = NULL, *last_good = NULL, *reason = NULL,
               *document = NULL, *key = NULL, *person = NULL, *post = NULL;
    const cli_opt add_opts[] = {
        {NULL, 0, CLI_PATH, NULL, "PUBKEY", N_("the new key's .pub file"), 0},
        {"principal", 0, CLI_STRING, &principal, "NAME", N_("who holds it"), CLI_REQUIRED},
        {"name", 0, CLI_STRING, &person, "TEXT",
         N_("that person's name as the papers show it (e.g. 田中 花子)"), 0},
        {"post", 0, CLI_STRING, &post, "TEXT",
         N_("that person's post (担当, 係長, 課長, 部長 …): who drafts and who seals decisions"),
         0},
        CLI_OPT_KEY(&key),
        {0}};
    const cli_opt attributes_opts[] = {
        {"principal", 0, CLI_STRING, &principal, "NAME", N_("the person of our party"),
         CLI_REQUIRED},
        {"name", 0, CLI_STRING, &person, "TEXT", N_("their name as the papers show it from now on"),
         0},
        {"post", 0, CLI_STRING, &post, "TEXT",
         N_("their post from now on (担当, 係長, 課長, 部長 …); earlier seals keep the post of "
            "their day"),
         0},
        CLI_OPT_KEY(&key),
        {0}};
    const cli_opt rename_opts[] = {{"principal", 0, CLI_STRING, &principal, "NAME",
                                    N_("the person of our party"), CLI_REQUIRED},
                                   {"name", 0, CLI_STRING, &person, "TEXT",
                                    N_("their name as the papers show it from now on"),
                                    CLI_REQUIRED},
                                   CLI_OPT_KEY(&key),
                                   {0}};
    const cli_opt rotate_opts[] = {
        {NULL, 0, CLI_PATH, NULL, "NEWKEY", N_("the new key's .pub file"), 0},
        {"principal", 0, CLI_STRING, &principal, "NAME", N_("who holds it"), 0},
        CLI_OPT_KEY(&key),
        {0}};
    const cli_opt retire_opts[] = {
        {NULL, 0, CLI_STRING, NULL, "FINGERPRINT", N_("the key to retire"), 0},
        CLI_OPT_KEY(&key),
        {0}};
    const cli_opt compromised_opts[] = {
        {NULL, 0, CLI_STRING, NULL, "FINGERPRINT", N_("the compromised key"), 0},
        {"last-good", 0, CLI_STRING, &last_good, "COMMIT", N_("its last commit known good"),
         CLI_REQUIRED},
        {"reason", 0, CLI_STRING, &reason, "TEXT", N_("what happened"), 0},
        CLI_OPT_KEY(&key),
        {0}};
    const cli_opt recover_opts[] = {
        {NULL, 0, CLI_PARTY, NULL, "PARTY", N_("the party that lost its keys"), 0},
        {NULL, 0, CLI_PATH, NULL, "PUBKEY", N_("its new key's .pub file"), 0},
        {"document", 0, CLI_STRING, &document, "SHA256",
         N_("the paper asking for it, as an attachment"), CLI_REQUIRED},
        {"principal", 0, CLI_STRING, &principal, "NAME",
         N_("who holds the new key (default: manager)"), 0},
        CLI_OPT_KEY(&key),
        {0}};
    const cli_opt confirm_opts[] = {{NULL, 0, CLI_STRING, NULL, "FINGERPRINT",
                                     N_("the recovered key (default: the signing key)"),
                                     CLI_OPTIONAL},
                                    CLI_OPT_KEY(&key),
                                    {0}};
    static const char *const names[] = {"add",     "rotate",  "retire", "compromised",
                                        "recover", "confirm", "rename", "attributes"};
    const cli_opt *const tables[] = {add_opts,     rotate_opts,  retire_opts, compromised_opts,
                                     recover_opts, confirm_opts, rename_opts, attributes_opts};
    static const char *const summaries[] = {
        N_("Add a key for a second person of our party."),
        N_("Add NEWKEY and retire the signing key."),
        N_("Retire a key of our party."),
        N_("Mark a key compromised: what it signed after --last-good is void."),
        N_("The city gives a party that lost its keys a new one, on a signed paper."),
        N_("Confirm a key the city recovered for us."),
        N_("Record a new name for a person of our party (earlier papers keep the old one)."),
        N_("Record a new name or post for a person of our party (earlier papers and seals keep "
           "those of their day).")};
    size_t which = 0;
    while (which + 1 < sizeof(names) / sizeof(*names) && strcmp(sub, names[which]) != 0)
        which++;
    char name[32];
    snprintf(name, sizeof(name), "key %s", names[which]);
    const cli_spec spec = {name, summaries[which], tables[which]};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    int nargs = argc - optind;
    char **args = argv + optind;
    int want = strcmp(sub, "recover") == 0                                    ? 2
               : strcmp(sub, "confirm") == 0                                  ? -1
               : strcmp(sub, "rename") == 0 || strcmp(sub, "attributes") == 0 ? 0
                                                                              : 1;
    if ((want >= 0 && nargs != want) || (want < 0 && nargs > 1))
        return cli_bad(&spec, _("key %s: wrong number of arguments"), sub);
    if (strcmp(sub, "add") == 0 && !principal)
        return cli_bad(&spec, _("key add needs --principal NAME"));
    if (strcmp(sub, "rename") == 0 && (!principal || !person))
        return cli_bad(&spec, _("key rename needs --principal NAME and --name TEXT"));
    if (strcmp(sub, "attributes") == 0 && !person && !post)
        return cli_bad(&spec, _("key attributes needs --name TEXT, --post TEXT or both"));
    if (strcmp(sub, "compromised") == 0 && !last_good)
        return cli_bad(&spec, _("key compromised needs --last-good COMMIT"));
    if (strcmp(sub, "recover") == 0 && !document)
        return cli_bad(&spec, _("key recover needs --document SHA256"));
    itk_registry *reg = NULL;
    itk_signer *signer = NULL;
    itk_pubkey *pub = NULL;
    git_oid out;
    int rc = EXIT_ERROR, r = 0;
    const char *pubfile = strcmp(sub, "recover") == 0                             ? args[1]
                          : strcmp(sub, "add") == 0 || strcmp(sub, "rotate") == 0 ? args[0]
                                                                                  : NULL;
    if (pubfile && itk_pubkey_read_public(&pub, pubfile) < 0)
        return cli_fail(_("cannot read the public key; nothing was written"));
    /* the name as the register has a person's (half-width katakana made
     * full-width), said when that changed it */
    itk_buf named = ITK_BUF_INIT, notes = ITK_BUF_INIT;
    if (person && itk_person_name_input(&named, &notes, "--name", person) < 0) {
        rc = cli_fail(_("nothing was written"));
        goto done;
    }
    cli_print_notes(&notes);
    if (person)
        person = named.ptr;
    if (cli_open_registry(&reg) || cli_open_signer(&signer, reg, key))
        goto done;
    if (strcmp(sub, "add") == 0)
        r = itk_key_add_attrs(&out, reg, signer, pub, principal, person, post);
    else if (strcmp(sub, "attributes") == 0)
        r = itk_key_set_attributes(&out, reg, signer, principal, person, post);
    else if (strcmp(sub, "rename") == 0)
        r = itk_key_set_name(&out, reg, signer, principal, person);
    else if (strcmp(sub, "rotate") == 0)
        r = itk_key_rotate(&out, reg, signer, pub, principal);
    else if (strcmp(sub, "retire") == 0)
        r = itk_key_retire(&out, reg, signer, args[0]);
    else if (strcmp(sub, "compromised") == 0)
        r = itk_key_compromise(&out, reg, signer, args[0], last_good, reason);
    else if (strcmp(sub, "recover") == 0)
        r = itk_key_recover(&out, reg, signer, args[0], pub, principal ? principal : "manager",
                            document);
    else
        r = itk_key_confirm(&out, reg, signer, nargs ? args[0] : NULL);
    if (r < 0) {
        rc = cli_fail(_("nothing was written"));
        goto done;
    }
    printf(_("Recorded in commit %.12s.\n"), git_oid_tostr_s(&out));
    if (strcmp(sub, "rotate") == 0)
        printf(_("Sign from now on with the new key (--key, git config itaku.signingKey or "
                 "ssh-agent); the old one is retired.\n"));
    rc = EXIT_OK;
done:
    itk_buf_dispose(&named);
    itk_buf_dispose(&notes);
    itk_pubkey_free(pub);
    itk_signer_free(signer);
    itk_registry_free(reg);
    return rc;
}

int cmd_key(int argc, char **argv)
{
    static const cli_sub subs[] = {
        {"generate", generate, N_("generate a key pair"), 0},
        {"show", show, N_("show a key"), 0},
        {"add", key_event, N_("add a key for a second person of our party"),
         CLI_NEEDS_REGISTRY | CLI_NEEDS_SIGNER},
        {"rotate", key_event, N_("add a new key and retire the signing key"),
         CLI_NEEDS_REGISTRY | CLI_NEEDS_SIGNER},
        {"retire", key_event, N_("retire a key"), CLI_NEEDS_REGISTRY | CLI_NEEDS_SIGNER},
        {"compromised", key_event, N_("mark a key compromised"),
         CLI_NEEDS_REGISTRY | CLI_NEEDS_SIGNER},
        {"recover", key_event, N_("give a party that lost its keys a new one (the city)"),
         CLI_NEEDS_REGISTRY | CLI_NEEDS_SIGNER},
        {"confirm", key_event, N_("confirm a key the city recovered for us"),
         CLI_NEEDS_REGISTRY | CLI_NEEDS_SIGNER},
        {"rename", key_event, N_("record a new name for a person of our party"),
         CLI_NEEDS_REGISTRY | CLI_NEEDS_SIGNER},
        {"attributes", key_event, N_("record a new name or post for a person of our party"),
         CLI_NEEDS_REGISTRY | CLI_NEEDS_SIGNER},
        {0}};
    return cli_dispatch("key",
                        N_("Generate, show, add, rotate, retire, recover keys; mark one "
                           "compromised."),
                        subs, argc, argv);
}
