/* itaku server: a hosted registry served by stock git over sshd — create
 * one, let a party's key log in, and the pre-receive check its hook runs. */
#include "cli.h"
#include "i18n.h"
#include "itaku/server.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int init(const char *path, const char *city_key, const char *genesis, const char *cache_dir)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n <= 0) {
        fprintf(stderr, _("itaku: server init: cannot tell where the itaku binary is\n"));
        return EXIT_ERROR;
    }
    self[n] = '\0';
    if (itk_server_init(path, self, city_key, genesis, cache_dir) < 0)
        return cli_fail(_("cannot create the hosted registry"));
    printf(_("Hosted registry created in %s (bare; pushes checked by hooks/pre-receive with %s).\n"
             "Let each party's key log in: itaku server add-party %s PARTY KEY.pub "
             "--authorized-keys ~/.ssh/authorized_keys\n"),
           path, self, path);
    return EXIT_OK;
}

static int add_party(const char *path, const char *party, const char *pubkey, const char *file)
{
    itk_buf line = ITK_BUF_INIT;
    if (itk_server_add_party(&line, path, party, pubkey, file) < 0)
        return cli_fail(_("cannot add the party"));
    if (file)
        printf(_("Added %s's key to %s.\n"), party, file);
    else
        fputs(line.ptr, stdout);
    itk_buf_dispose(&line);
    return EXIT_OK;
}

static int check_push(void)
{
    itk_buf in = ITK_BUF_INIT, log = ITK_BUF_INIT;
    int rc = EXIT_OK;
    /* stdin bound: one line per ref update */
    if (itk_buf_read_stream(&in, stdin, _("the ref updates"),
                            (size_t)ITK_SERVER_MAX_UPDATES * 400) < 0 ||
        itk_server_check_push(&log, getenv("ITAKU_PARTY"), in.ptr ? in.ptr : "", in.size) < 0) {
        fprintf(stderr, _("itaku: push refused: %s\n"), cli_error_text());
        rc = EXIT_NO;
    } else if (log.size) {
        fputs(cli_safe_block(log.ptr, ""), stderr);
    }
    itk_buf_dispose(&in);
    itk_buf_dispose(&log);
    return rc;
}

static int init_cmd(int argc, char **argv)
{
    const char *city_key = NULL, *genesis = NULL, *cache_dir = NULL;
    const cli_opt opts[] = {
        {NULL, 0, CLI_PATH, NULL, "PATH", N_("where to create the hosted (bare) registry"), 0},
        {"city-key", 0, CLI_STRING, &city_key, "SHA256:...",
         N_("the city's key, from the contract sheet"), CLI_REQUIRED},
        {"genesis", 0, CLI_STRING, &genesis, "ID", N_("the first commit, from the contract sheet"),
         CLI_REQUIRED},
        {"cache-dir", 0, CLI_PATH, &cache_dir, "DIR",
         N_("where the pre-receive check keeps its cache"), 0},
        {0}};
    const cli_spec spec = {"server init",
                           N_("Create a hosted registry whose pre-receive hook checks "
                              "every push."),
                           opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    if (optind != argc - 1)
        return cli_bad(&spec, _("server init needs one PATH"));
    return init(argv[optind], city_key, genesis, cache_dir);
}

static int add_party_cmd(int argc, char **argv)
{
    const char *file = NULL;
    const cli_opt opts[] = {
        {NULL, 0, CLI_PATH, NULL, "PATH", N_("the hosted registry"), 0},
        {NULL, 0, CLI_STRING, NULL, "PARTY", N_("the party whose key may log in"), 0},
        {NULL, 0, CLI_PATH, NULL, "PUBKEY", N_("its key's .pub file"), 0},
        {"authorized-keys", 0, CLI_PATH, &file, "FILE",
         N_("add the line to this file (else print it)"), 0},
        {0}};
    const cli_spec spec = {"server add-party",
                           N_("Let a party's key log in to the hosted registry."), opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    if (optind != argc - 3)
        return cli_bad(&spec, _("server add-party needs PATH, PARTY and PUBKEY"));
    return add_party(argv[optind], argv[optind + 1], argv[optind + 2], file);
}

static int check_push_cmd(int argc, char **argv)
{
    const cli_opt opts[] = {{0}};
    const cli_spec spec = {"server check-push",
                           N_("The pre-receive check (run by hooks/pre-receive; "
                              "ref updates on standard input)."),
                           opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    if (optind != argc)
        return cli_bad(&spec, _("server check-push takes no arguments"));
    return check_push();
}

int cmd_server(int argc, char **argv)
{
    static const cli_sub subs[] = {{"init", init_cmd, N_("create a hosted registry"), 0},
                                   {"add-party", add_party_cmd, N_("let a party's key log in"), 0},
                                   {"check-push", check_push_cmd, N_("the pre-receive check"), 0},
                                   {0}};
    return cli_dispatch("server", N_("Host a registry: init, add-party, the pre-receive check."),
                        subs, argc, argv);
}
