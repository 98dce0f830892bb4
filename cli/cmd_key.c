/* itaku key generate|show: OpenSSH Ed25519 keys for signing. */
#include "cli.h"
#include "itaku/sshkey.h"
#include "itaku/keyops.h"
#include "itaku/sshsig.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char usage[] =
    "itaku key generate FILE [--comment TEXT]\n"
    "       itaku key show [FILE] [--key FILE]\n"
    "       itaku key add PUBKEY --principal NAME        (a second person of your party)\n"
    "       itaku key rotate NEWKEY [--principal NAME]   (adds NEWKEY, retires the signing key)\n"
    "       itaku key retire FINGERPRINT\n"
    "       itaku key compromised FINGERPRINT --last-good COMMIT [--reason TEXT]\n"
    "       itaku key recover PARTY PUBKEY --document SHA256 [--principal NAME]   (the city)\n"
    "       itaku key confirm [FINGERPRINT]\n"
    "       (writing commands take --key FILE to choose the signing key)";

static int generate(int argc, char **argv)
{
    static const struct option opts[] = {
        {"comment", required_argument, NULL, 'c'}, {"help", no_argument, NULL, 'h'}, {0}};
    const char *comment = "";
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
        if (c == 'c')
            comment = optarg;
        else if (c == 'h') {
            printf("usage: %s\n", usage);
            return EXIT_OK;
        } else
            return cli_usage(usage, "key generate: unknown option");
    }
    if (optind != argc - 1)
        return cli_usage(usage, "key generate needs one FILE");
    const char *file = argv[optind];
    itk_privkey *key = NULL;
    itk_buf fpr = ITK_BUF_INIT;
    if (itk_privkey_generate_ed25519(&key, comment) < 0 || itk_privkey_write_files(key, file) < 0 ||
        itk_pubkey_fingerprint(&fpr, itk_privkey_public(key)) < 0) {
        itk_privkey_free(key);
        return cli_fail("cannot generate the key");
    }
    itk_privkey_free(key);
    printf("Wrote %s (private, mode 0600) and %s.pub\n"
           "Fingerprint: %s\n\n"
           "Keep the private key secret and back it up (an encrypted copy on separate media).\n"
           "To protect it with a passphrase:   ssh-keygen -p -f %s\n"
           "Then load it into ssh-agent:       eval \"$(ssh-agent)\" && ssh-add %s\n"
           "Send %s.pub (not the private file) to whoever registers your party.\n",
           file, file, fpr.ptr, file, file, file);
    itk_buf_dispose(&fpr);
    return EXIT_OK;
}

static int show(int argc, char **argv)
{
    const char *key_path = NULL;
    int parsed = cli_parse_key_option(argc, argv, usage, "key show", "k:h", &key_path);
    if (parsed >= 0)
        return parsed;
    if (optind < argc - 1)
        return cli_usage(usage, "key show takes at most one FILE");
    if (optind == argc - 1)
        key_path = argv[optind];
    itk_pubkey *pub = NULL;
    itk_signer *signer = NULL;
    itk_registry *reg = NULL;
    const itk_pubkey *shown;
    if (key_path) {
        if (itk_pubkey_read_file(&pub, key_path) < 0)
            return cli_fail("cannot read the key");
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
    itk_buf line = ITK_BUF_INIT, desc = ITK_BUF_INIT;
    int rc = EXIT_OK;
    if (itk_pubkey_format(&line, shown) < 0 || itk_pubkey_describe(&desc, shown) < 0)
        rc = cli_fail("cannot format the key");
    else {
        const char *comment = itk_pubkey_comment(shown);
        printf("%s%s%s\n%s\n", line.ptr, *comment ? " " : "", comment, desc.ptr);
    }
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
    static const struct option opts[] = {{"principal", required_argument, NULL, 'p'},
                                         {"last-good", required_argument, NULL, 'l'},
                                         {"reason", required_argument, NULL, 'r'},
                                         {"document", required_argument, NULL, 'd'},
                                         {"key", required_argument, NULL, 'k'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0}};
    const char *sub = argv[0], *principal = NULL, *last_good = NULL, *reason = NULL,
               *document = NULL, *key = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'p': principal = optarg; break;
        case 'l': last_good = optarg; break;
        case 'r': reason = optarg; break;
        case 'd': document = optarg; break;
        case 'k': key = optarg; break;
        case 'h': printf("usage: %s\n", usage); return EXIT_OK;
        default: return cli_usage(usage, "key %s: unknown option", sub);
        }
    }
    int nargs = argc - optind;
    char **args = argv + optind;
    int want = strcmp(sub, "recover") == 0 ? 2 : strcmp(sub, "confirm") == 0 ? -1 : 1;
    if ((want >= 0 && nargs != want) || (want < 0 && nargs > 1))
        return cli_usage(usage, "key %s: wrong number of arguments", sub);
    if (strcmp(sub, "add") == 0 && !principal)
        return cli_usage(usage, "key add needs --principal NAME");
    if (strcmp(sub, "compromised") == 0 && !last_good)
        return cli_usage(usage, "key compromised needs --last-good COMMIT");
    if (strcmp(sub, "recover") == 0 && !document)
        return cli_usage(usage, "key recover needs --document SHA256");
    itk_registry *reg = NULL;
    itk_signer *signer = NULL;
    itk_pubkey *pub = NULL;
    git_oid out;
    int rc = EXIT_ERROR, r = 0;
    const char *pubfile = strcmp(sub, "recover") == 0                             ? args[1]
                          : strcmp(sub, "add") == 0 || strcmp(sub, "rotate") == 0 ? args[0]
                                                                                  : NULL;
    if (pubfile && itk_pubkey_read_file(&pub, pubfile) < 0)
        return cli_fail("cannot read the public key");
    if (cli_open_registry(&reg) || cli_open_signer(&signer, reg, key))
        goto done;
    if (strcmp(sub, "add") == 0)
        r = itk_key_add(&out, reg, signer, pub, principal);
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
        rc = cli_fail("nothing was written");
        goto done;
    }
    printf("Recorded in commit %.12s.\n", git_oid_tostr_s(&out));
    if (strcmp(sub, "rotate") == 0)
        printf("Sign from now on with the new key (--key, git config itaku.signingKey or "
               "ssh-agent); the old one is retired.\n");
    rc = EXIT_OK;
done:
    itk_pubkey_free(pub);
    itk_signer_free(signer);
    itk_registry_free(reg);
    return rc;
}

int cmd_key(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        printf("usage: %s\n", usage);
        return argc < 2 ? EXIT_ERROR : EXIT_OK;
    }
    if (strcmp(argv[1], "generate") == 0)
        return generate(argc - 1, argv + 1);
    if (strcmp(argv[1], "show") == 0)
        return show(argc - 1, argv + 1);
    static const char *const events[] = {"add",     "rotate",  "retire", "compromised",
                                         "recover", "confirm", NULL};
    for (size_t i = 0; events[i]; i++)
        if (strcmp(argv[1], events[i]) == 0)
            return key_event(argc - 1, argv + 1);
    return cli_usage(usage, "unknown key command '%s'", argv[1]);
}
