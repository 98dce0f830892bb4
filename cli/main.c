/* The itaku command: dispatches to one file per subcommand (git's builtin/). */
#include "cli.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const struct {
    const char *name;
    int (*fn)(int, char **);
    const char *summary;
} commands[] = {
    {"init", cmd_init, "create a contract registry (the city) and print the contract sheet"},
    {"clone", cmd_clone, "join a contract: clone and verify against the contract sheet"},
    {"acknowledge", cmd_acknowledge, "accept every obligation in force (each party, first)"},
    {"key", cmd_key, "generate, show, add, rotate, retire, recover keys; mark one compromised"},
    {"party", cmd_party, "register a contractor and its first key (the city)"},
    {"record", cmd_record, "add, show and list records"},
    {"form", cmd_form, "fill in, submit and print the city's forms 1-6 and incident reports"},
    {"register", cmd_register, "add entries to the management register (form 3); export CSV"},
    {"incident", cmd_incident, "report an incident (first report, follow-up, final)"},
    {"obligations", cmd_obligations, "list the city's requirements and the rules that check them"},
    {"validate", cmd_validate, "check form bodies against their schemas without writing"},
    {"receive", cmd_receive, "merge a descendant's verified line with a signed receipt"},
    {"pull", cmd_pull, "merge the parent's main (decisions and instructions flow down)"},
    {"request", cmd_request, "ask the city's prior approval (form 6, copy, take-out, ...)"},
    {"requests", cmd_requests, "list requests: pending, who must act next; --mine"},
    {"endorse", cmd_endorse, "vouch for a descendant's request on its way to the city"},
    {"decline", cmd_endorse, "decline to forward a descendant's request, with a reason"},
    {"approve", cmd_decide, "approve a request by merging it (the city)"},
    {"reject", cmd_decide, "reject a request by merging it, with a reason (the city)"},
    {"return", cmd_decide, "return a request for correction (差戻し) (the city)"},
    {"withdraw", cmd_withdraw, "withdraw one of our pending requests"},
    {"instruct", cmd_instruct, "instruct a descendant: report, inspection, return, dispose, ..."},
    {"instructions", cmd_instruct, "list open instructions for us and our descendants"},
    {"status", cmd_status, "obligations down the chain: ok, pending, overdue, violated"},
    {"verify", cmd_verify, "check every commit against the trust rules"},
    {"log", cmd_log, "print the accountability history"},
    {"history", cmd_history, "tell one record's or request's story, step by step"},
    {"who", cmd_who, "who may touch the city's information now, per party"},
    {"report", cmd_report, "write a static HTML report: chain, status, timeline, forms"},
    {"export", cmd_export, "export the allowed-signers file for stock git"},
    {"remote", cmd_remote, "add and list remotes (ssh:// or a path), tagged with their party"},
    {"fetch", cmd_fetch, "take a remote's lines through the quarantine (verified first)"},
    {"push", cmd_push, "send our main and request branches to a hosted registry"},
    {"bundle", cmd_bundle, "create or import a bundle file for a party with no network"},
    {"server", cmd_server, "host a registry: init, add-party, the pre-receive check"},
};

static int help(FILE *out)
{
    fputs("usage: itaku [-C DIR] COMMAND [ARGS]\n\n"
          "itaku keeps the compliance records of outsourced public work in a signed git "
          "registry.\n\nCommands:\n",
          out);
    for (size_t i = 0; i < sizeof(commands) / sizeof(*commands); i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fputs("\nRun `itaku COMMAND --help` for a command's options.\n", out);
    return out == stdout ? EXIT_OK : EXIT_ERROR;
}

int main(int argc, char **argv)
{
    int i = 1;
    while (i < argc && strcmp(argv[i], "-C") == 0) {
        if (i + 1 >= argc)
            return help(stderr);
        if (chdir(argv[i + 1]) != 0) {
            fprintf(stderr, "itaku: cannot change to %s\n", argv[i + 1]);
            return EXIT_ERROR;
        }
        i += 2;
    }
    if (i >= argc)
        return help(stderr);
    const char *name = argv[i];
    if (strcmp(name, "help") == 0 || strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0)
        return help(stdout);
    if (strcmp(name, "--version") == 0) {
        puts("itaku 0.1.0");
        return EXIT_OK;
    }
    for (size_t c = 0; c < sizeof(commands) / sizeof(*commands); c++)
        if (strcmp(commands[c].name, name) == 0) {
            int code = commands[c].fn(argc - i, argv + i);
            const char *note = itk_notice_take();
            if (*note)
                fprintf(stderr, "itaku: note: %s\n", note);
            return code;
        }
    fprintf(stderr, "itaku: '%s' is not an itaku command; see `itaku help`\n", name);
    return EXIT_ERROR;
}
