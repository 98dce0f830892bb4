/* itaku server: a hosted registry served by stock git over sshd — create
 * one, let a party's key log in, and the pre-receive check its hook runs. */
#include "cli.h"
#include "itaku/server.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
    "itaku server init PATH --city-key SHA256:... --genesis ID [--cache-dir DIR]\n"
    "       itaku server add-party PATH PARTY PUBKEY [--authorized-keys FILE]\n"
    "       itaku server check-push     (run by hooks/pre-receive; ref updates on stdin)";

static int init(const char *path, const char *city_key, const char *genesis, const char *cache_dir)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n <= 0) {
        fprintf(stderr, "itaku: server init: cannot tell where the itaku binary is\n");
        return EXIT_ERROR;
    }
    self[n] = '\0';
    if (itk_server_init(path, self, city_key, genesis, cache_dir) < 0)
        return cli_fail("cannot create the hosted registry");
    printf("Hosted registry created in %s (bare; pushes checked by hooks/pre-receive with %s).\n"
           "Let each party's key log in: itaku server add-party %s PARTY KEY.pub "
           "--authorized-keys ~/.ssh/authorized_keys\n",
           path, self, path);
    return EXIT_OK;
}

static int add_party(const char *path, const char *party, const char *pubkey, const char *file)
{
    itk_buf line = ITK_BUF_INIT;
    if (itk_server_add_party(&line, path, party, pubkey, file) < 0)
        return cli_fail("cannot add the party");
    if (file)
        printf("Added %s's key to %s.\n", party, file);
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
    if (itk_buf_read_stream(&in, stdin, "the ref updates", (size_t)ITK_SERVER_MAX_UPDATES * 400) <
            0 ||
        itk_server_check_push(&log, getenv("ITAKU_PARTY"), in.ptr ? in.ptr : "", in.size) < 0) {
        fprintf(stderr, "itaku: push refused: %s\n", itk_error_last());
        rc = EXIT_NO;
    } else if (log.size) {
        fputs(log.ptr, stderr);
    }
    itk_buf_dispose(&in);
    itk_buf_dispose(&log);
    return rc;
}

int cmd_server(int argc, char **argv)
{
    static const struct option opts[] = {{"city-key", required_argument, NULL, 'c'},
                                         {"genesis", required_argument, NULL, 'g'},
                                         {"authorized-keys", required_argument, NULL, 'a'},
                                         {"cache-dir", required_argument, NULL, 'd'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0}};
    const char *city_key = NULL, *genesis = NULL, *file = NULL, *cache_dir = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': city_key = optarg; break;
        case 'g': genesis = optarg; break;
        case 'a': file = optarg; break;
        case 'd': cache_dir = optarg; break;
        case 'h': printf("usage: %s\n", usage); return EXIT_OK;
        default: return cli_usage(usage, "server: unknown option");
        }
    }
    if (optind >= argc)
        return cli_usage(usage, "server needs init, add-party or check-push");
    const char *sub = argv[optind];
    if (strcmp(sub, "init") == 0 && optind == argc - 2) {
        if (!city_key || !genesis)
            return cli_usage(usage, "server init needs --city-key and --genesis (from the "
                                    "contract sheet)");
        return init(argv[optind + 1], city_key, genesis, cache_dir);
    }
    if (strcmp(sub, "add-party") == 0 && optind == argc - 4)
        return add_party(argv[optind + 1], argv[optind + 2], argv[optind + 3], file);
    if (strcmp(sub, "check-push") == 0 && optind == argc - 1)
        return check_push();
    return cli_usage(usage, "server: unknown subcommand or wrong arguments");
}
