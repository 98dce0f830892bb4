/* Helpers shared by the subcommands. */
#include "cli.h"
#include "i18n.h"
#include "itaku/precheck.h"
#include "itaku/form_input.h"
#include "itaku/forms.h"
#include "itaku/chain.h"
#include "itaku/contract_settings.h"
#include "itaku/dates.h"
#include "itaku/json.h"
#include "itaku/party.h"
#include "itaku/signer_select.h"
#include "itaku/commit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_fail(const char *what)
{
    cli_progress_end();
    fprintf(stderr, _("itaku: %s: %s\n"), what, cli_error_text());
    return EXIT_ERROR;
}

/* Another itaku is writing: say so once, then wait (the registry's bound). */
static void lock_waiting(const itk_lock_holder *h, const char *what, unsigned wait_ms,
                         void *payload)
{
    (void)payload;
    if (h->pid)
        fprintf(
            stderr,
            _("itaku: waiting for another itaku (pid %ld on %s) writing to %s (at most %u s)\n"),
            h->pid, h->host, what, wait_ms / 1000);
    else
        fprintf(stderr, _("itaku: waiting for another itaku writing to %s (at most %u s)\n"), what,
                wait_ms / 1000);
}

/* ITAKU_LOCK_WAIT=SECONDS changes how long a write waits for another. */
void cli_lock_wait(itk_registry *reg)
{
    const char *v = getenv("ITAKU_LOCK_WAIT");
    unsigned ms = ITK_LOCK_WAIT_MS;
    if (v && *v) {
        char *end;
        unsigned long s = strtoul(v, &end, 10);
        if (!*end && s <= 3600)
            ms = (unsigned)s * 1000;
    }
    itk_registry_set_lock_wait(reg, ms, lock_waiting, NULL);
}

unsigned cli_needs;
static itk_registry *setup_reg;
static itk_signer *setup_signer;

int cli_setup(itk_registry *opened, const char *key_path)
{
    if (!(cli_needs & CLI_NEEDS_REGISTRY) || (!opened && itk_registry_open(&opened, ".") < 0)) {
        itk_registry_free(opened);
        opened = NULL;
        if (cli_needs & CLI_NEEDS_REGISTRY)
            return cli_fail(_("cannot open the registry"));
    }
    if (opened)
        cli_lock_wait(opened);
    if (opened)
        itk_registry_set_fetch_progress(opened, cli_fetch_progress(), NULL);
    setup_reg = opened;
    if ((cli_needs & CLI_NEEDS_SIGNER) &&
        itk_signer_open(&setup_signer, setup_reg, key_path, getenv("SSH_AUTH_SOCK")) < 0) {
        cli_teardown();
        return cli_fail(_("cannot sign"));
    }
    return 0;
}

void cli_teardown(void)
{
    itk_signer_free(setup_signer);
    itk_registry_free(setup_reg);
    setup_signer = NULL;
    setup_reg = NULL;
}

int cli_open_registry(itk_registry **reg)
{
    if (setup_reg) {
        *reg = setup_reg;
        setup_reg = NULL;
        return 0;
    }
    if (itk_registry_open(reg, ".") < 0)
        return cli_fail(_("cannot open the registry"));
    cli_lock_wait(*reg);
    itk_registry_set_fetch_progress(*reg, cli_fetch_progress(), NULL);
    return 0;
}

int cli_at_after_start(itk_registry *reg, const char *at)
{
    long long began, t;
    int offset = 540;
    if (!at || itk_registry_began(&began, reg) < 0 || itk_registry_offset(&offset, reg) < 0 ||
        itk_time_parse(&t, at, offset, ITK_TIME_DAY_END) < 0 || t >= began) {
        itk_error_clear();
        return 0;
    }
    /* the first record's day, or its minute on the contract's clock when
     * --at is a time of that same day; --at as typed, with its reading */
    char iso[32], first[ITK_TIME_SHOWN], shown[ITK_TIME_SHOWN], typed[160];
    itk_format_time(iso, began, offset);
    itk_time_shown(shown, at, offset);
    if (strncmp(shown, iso, 10) == 0)
        itk_time_shown(first, iso, offset);
    else
        snprintf(first, sizeof(first), "%.10s", iso);
    const char *as_typed = cli_date_typed(at);
    if (strcmp(as_typed, shown) != 0)
        snprintf(typed, sizeof(typed), _("%s (%s)"), cli_safe(as_typed), shown);
    else
        snprintf(typed, sizeof(typed), "%s", shown);
    fprintf(stderr,
            _("itaku: --at %1$s is before this registry began: its first record was made at "
              "%2$s, so there is nothing to show as of that time; give a time from %2$s on\n"),
            typed, first);
    return EXIT_ERROR;
}

const char *cli_screen_lang(void)
{
    /* TRANSLATORS: the language code of the labels catalog the screens use
     * with this translation: "ja" in po/ja.po (the registry's catalog) */
    return cli_json_run ? "en" : _("en");
}

const char *cli_party_shown(char *out, size_t cap, itk_registry *reg, const char *party)
{
    git_tree *tree = NULL;
    snprintf(out, cap, "%s", party ? party : "");
    if (!party || !*party || strcmp(cli_screen_lang(), "ja") != 0)
        return out;
    if (itk_registry_head_tree(&tree, reg) == 0) {
        char name[256] = "";
        itk_party_name_in(name, sizeof(name), reg, tree, party);
        if (name[0])
            snprintf(out, cap, "%s", name);
    }
    itk_error_clear();
    git_tree_free(tree);
    return out;
}

void cli_party_heading(itk_registry *reg, const char *party, int ind, const char *role)
{
    char name[256];
    cli_party_shown(name, sizeof(name), reg, party);
    if (strcmp(name, party) != 0) {
        printf("\n%*s%s", ind, "", cli_safe(name));
        printf("（%s、%s）\n", cli_safe(party), cli_safe(role));
    } else
        printf("\n%*s%s (%s)\n", ind, "", cli_safe(party), cli_safe(role));
}

const char *cli_party_named(char *out, size_t cap, itk_registry *reg, const char *party)
{
    char name[256];
    cli_party_shown(name, sizeof(name), reg, party);
    if (strcmp(name, party ? party : "") != 0)
        snprintf(out, cap, "%s（%s）", name, party);
    else
        snprintf(out, cap, "%s", party ? party : "");
    return out;
}

itk_labels *cli_labels(itk_registry *reg)
{
    const char *lang = cli_screen_lang();
    itk_labels *l = NULL;
    if (strcmp(lang, "ja") == 0)
        return cli_paper_labels(reg);
    /* the registry's catalog is the paper forms' Japanese: an English
     * screen takes the words this itaku carries, a code where it has none */
    if (itk_labels_builtin(&l, lang) < 0)
        l = NULL;
    itk_error_clear();
    return l;
}

itk_labels *cli_paper_labels(itk_registry *reg)
{
    itk_labels *l = NULL;
    if (itk_labels_open(&l, reg, NULL, "ja") < 0)
        fprintf(stderr, _("itaku: warning: %s; codes are shown instead of labels\n"),
                cli_error_text());
    else if (!l)
        fputs(_("itaku: note: this registry has no labels catalog (labels/): codes are "
                "shown instead of Japanese labels; the city adds it with itaku contract "
                "upgrade\n"),
              stderr);
    itk_error_clear();
    return l;
}

int cli_open_signer(itk_signer **signer, itk_registry *reg, const char *key_path)
{
    if (setup_signer) {
        *signer = setup_signer;
        setup_signer = NULL;
        return 0;
    }
    if (itk_signer_open(signer, reg, key_path, getenv("SSH_AUTH_SOCK")) < 0)
        return cli_fail(_("cannot sign"));
    return 0;
}

int cli_color(int fd)
{
    const char *nc = getenv("NO_COLOR");
    return isatty(fd) && !(nc && *nc);
}

static void progress_line(const char *what, size_t done, size_t total, void *payload)
{
    (void)payload;
    if (total && done >= total)
        fputs("\r\033[K", stderr); /* the stage is over: leave the line clean */
    else if (total)
        fprintf(stderr, "\r\033[K%s %zu/%zu", what, done, total);
    else
        fprintf(stderr, "\r\033[K%s…", what);
    fflush(stderr);
}

itk_progress_cb cli_progress(void)
{
    return isatty(2) ? progress_line : NULL;
}

int cli_read_body(json_t **body, const char *file, int comments)
{
    itk_buf in = ITK_BUF_INIT, clean = ITK_BUF_INIT;
    const char *name = strcmp(file, "-") == 0 ? _("standard input") : file;
    *body = NULL;
    int r = strcmp(file, "-") == 0 ? itk_buf_read_stream(&in, stdin, name, ITK_MAX_RECORD_BYTES)
                                   : itk_buf_read_file(&in, file, ITK_MAX_RECORD_BYTES);
    if (r == 0 && comments)
        r = itk_json_strip_comments(&clean, in.ptr, in.size);
    if (r == 0)
        r = comments ? itk_json_parse(body, clean.ptr, clean.size, name)
                     : itk_json_parse(body, in.ptr, in.size, name);
    if (r == 0 && !json_is_object(*body)) {
        json_decref(*body);
        *body = NULL;
        r = itk_error_set(ITK_EINVALID, _("%s: the record body must be a JSON object"), name);
    }
    itk_buf_dispose(&in);
    itk_buf_dispose(&clean);
    return r;
}

void cli_whoami(itk_registry *reg, char party[ITK_PARTY_ID_MAX + 1],
                char above[ITK_PARTY_ID_MAX + 1])
{
    itk_signer *signer = NULL;
    itk_identity who;
    git_tree *tree = NULL;
    char path[ITK_MAX_CHAIN][ITK_PARTY_ID_MAX + 1];
    size_t n = 0;
    party[0] = above[0] = '\0';
    if (!reg)
        return;
    if (setup_signer ? itk_signer_identity(&who, reg, setup_signer) == 0
                     : itk_signer_open(&signer, reg, NULL, getenv("SSH_AUTH_SOCK")) == 0 &&
                           itk_signer_identity(&who, reg, signer) == 0) {
        snprintf(party, ITK_PARTY_ID_MAX + 1, "%s", who.party);
        if (itk_registry_head_tree(&tree, reg) == 0 &&
            itk_chain_path(path, &n, itk_registry_repo(reg), tree, who.party) == 0 && n > 1)
            snprintf(above, ITK_PARTY_ID_MAX + 1, "%s", path[1]);
    }
    itk_error_clear();
    git_tree_free(tree);
    itk_signer_free(signer);
}

/* The schema and zone a form of type is read with: the registry's newest
 * schema and the contract's timezone inside one, else what itaku carries;
 * above, whose instructions a short instruction_ref names, and party, the
 * signing key's (cli_whoami). *keep (NULL: closed) gets the registry, NULL
 * outside one, the caller's to free. */
static int form_context(json_t **schema, int *offset, char party[ITK_PARTY_ID_MAX + 1],
                        char above[ITK_PARTY_ID_MAX + 1], itk_registry **keep, const char *type)
{
    itk_registry *reg = NULL;
    char name[64];
    *offset = 9 * 60;
    party[0] = above[0] = '\0';
    if (itk_registry_open(&reg, ".") < 0 || itk_registry_offset(offset, reg) < 0) {
        /* not inside a registry (or a git folder that is not one) */
        *offset = 9 * 60;
        itk_error_clear();
        itk_registry_free(reg);
        reg = NULL;
    }
    int rc = itk_form_input_schema(schema, name, reg, type);
    if (!rc)
        cli_whoami(reg, party, above);
    if (keep && !rc)
        *keep = reg;
    else
        itk_registry_free(reg);
    return rc;
}

void cli_cited_problems(itk_buf *problems, const json_t *body, void *arg)
{
    const cli_cited *c = arg;
    git_tree *tree = NULL;
    /* form 6 becomes a request only when submitted: it cites nothing */
    if (c->reg && c->party && c->party[0] && strcmp(c->type, "form6") != 0 &&
        itk_registry_head_tree(&tree, c->reg) == 0)
        itk_record_ref_problems(problems, c->reg, tree, c->party, c->type, body, NULL, c->refs);
    itk_error_clear();
    git_tree_free(tree);
}

void cli_print_notes(const itk_buf *notes)
{
    const char *p = notes->ptr ? notes->ptr : "";
    while (*p) {
        const char *nl = strchr(p, '\n');
        int n = nl ? (int)(nl - p) : (int)strlen(p);
        fprintf(stderr, _("itaku: note: %.*s\n"), n, p);
        p += n + (nl ? 1 : 0);
    }
}

int cli_read_form(json_t **body, itk_buf *notes, const char *file, const char *type)
{
    itk_buf in = ITK_BUF_INIT;
    json_t *schema = NULL;
    int offset;
    char party[ITK_PARTY_ID_MAX + 1], above[ITK_PARTY_ID_MAX + 1];
    itk_registry *reg = NULL;
    const char *name = strcmp(file, "-") == 0 ? _("standard input") : file;
    *body = NULL;
    int r = form_context(&schema, &offset, party, above, &reg, type);
    if (r == 0)
        r = strcmp(file, "-") == 0 ? itk_buf_read_stream(&in, stdin, name, ITK_MAX_RECORD_BYTES)
                                   : itk_buf_read_file(&in, file, ITK_MAX_RECORD_BYTES);
    /* what the form cites is listed with its other problems */
    cli_cited cited = {reg, party, type, &cli_refs};
    if (r == 0)
        r = itk_form_input_read_more(body, notes, in.ptr, in.size, name, schema, offset, above,
                                     cli_cited_problems, &cited);
    itk_registry_free(reg);
    json_decref(schema);
    itk_buf_dispose(&in);
    return r;
}

int cli_normalise_body(json_t *body, const char *type)
{
    json_t *schema = NULL;
    itk_buf notes = ITK_BUF_INIT;
    int offset;
    char party[ITK_PARTY_ID_MAX + 1], above[ITK_PARTY_ID_MAX + 1];
    int r = form_context(&schema, &offset, party, above, NULL, type);
    if (r == 0)
        r = itk_form_body_normalise_as(body, &notes, schema, offset, above);
    if (r == 0)
        cli_print_notes(&notes);
    json_decref(schema);
    itk_buf_dispose(&notes);
    return r;
}

itk_ref_options cli_refs;

void cli_warn_handover(itk_registry *reg, const char *type, const json_t *body)
{
    git_tree *tree = NULL;
    itk_buf w = ITK_BUF_INIT;
    if (strcmp(type, "register") == 0 && itk_registry_head_tree(&tree, reg) == 0 &&
        itk_handover_method_warning(&w, reg, tree, body) == 0 && w.ptr && *w.ptr)
        fprintf(stderr, _("itaku: warning: %s\n"), cli_safe_block(w.ptr, "  "));
    itk_error_clear();
    itk_buf_dispose(&w);
    git_tree_free(tree);
}

int cli_submit_body(const char *type, json_t *body, const char *supersedes, const char *key)
{
    itk_registry *reg = NULL;
    itk_signer *signer = NULL;
    itk_buf path = ITK_BUF_INIT, id = ITK_BUF_INIT;
    git_oid commit;
    int rc = EXIT_ERROR;
    if (cli_open_registry(&reg) || cli_open_signer(&signer, reg, key))
        goto done;
    if (itk_record_submit_refs(&path, &id, &commit, reg, signer, type, body, supersedes, NULL, 0,
                               &cli_refs) < 0) {
        /* schema problems come one per line */
        fprintf(stderr, _("itaku: nothing was written:\n%s\n"),
                cli_safe_block(itk_error_last(), ""));
        goto done;
    }
    printf("%s\n", id.ptr);
    fprintf(stderr, _("Recorded %s in commit %.12s\n"), path.ptr, git_oid_tostr_s(&commit));
    cli_warn_handover(reg, type, body);
    rc = EXIT_OK;
done:
    itk_signer_free(signer);
    itk_registry_free(reg);
    itk_buf_dispose(&path);
    itk_buf_dispose(&id);
    return rc;
}

/* This registry's party: git config itaku.party, else the signing key's. */
int cli_whose(char out[ITK_PARTY_ID_MAX + 1], itk_registry *reg)
{
    git_config *cfg = NULL;
    const char *v = NULL;
    out[0] = '\0';
    if (git_repository_config_snapshot(&cfg, itk_registry_repo(reg)) == 0 &&
        git_config_get_string(&v, cfg, ITK_CONFIG_PARTY) == 0 && v)
        snprintf(out, ITK_PARTY_ID_MAX + 1, "%s", v);
    git_config_free(cfg);
    git_error_clear();
    if (!out[0]) {
        itk_signer *signer = NULL;
        itk_identity who;
        if (itk_signer_open(&signer, reg, NULL, getenv("SSH_AUTH_SOCK")) == 0 &&
            itk_signer_identity(&who, reg, signer) == 0)
            snprintf(out, ITK_PARTY_ID_MAX + 1, "%s", who.party);
        itk_signer_free(signer);
        itk_error_clear();
    }
    return out[0] ? 0 : -1;
}
