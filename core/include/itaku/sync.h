/* Taking another party's history in: fetch (or unpack a bundle) into a
 * quarantine (refs/itaku/incoming/<name>/…), verify every commit, and only
 * then move refs/itaku/lines/<party> and the request branches (DESIGN §7). A
 * refused take leaves every other ref as it was. Remotes are remote.h's,
 * bundles bundle.h's; both end in itk_sync_publish. */
#ifndef ITAKU_SYNC_H
#define ITAKU_SYNC_H

#include "itaku/record.h"
#include "itaku/registry.h"

typedef struct {
    unsigned version;
    int take_requests; /* also take requests/<R>/<rec> for R = party or its descendants */
} itk_take_options;

#define ITK_TAKE_OPTIONS_VERSION 1
#define ITK_TAKE_OPTIONS_INIT                                                                      \
    {                                                                                              \
        ITK_TAKE_OPTIONS_VERSION, 1                                                                \
    }

/* The most lines one take may publish (one per party of the contract). */
#define ITK_SYNC_MAX_LINES 256

/* One line a take moved (or found unchanged). party is whose the line is
 * by the signature on its tip (DESIGN §7), whatever the source called it. */
typedef struct {
    char party[ITK_PARTY_ID_MAX + 1];
    git_oid old_tip;                  /* zero when the line is new */
    git_oid new_tip;                  /* the tip offered */
    char named[ITK_PARTY_ID_MAX + 1]; /* whose the source said it was, when not party; else "" */
    int nothing_new;                  /* new_tip is older than old_tip, which the line keeps */
} itk_line_update;

/* The most unpublished drafts and seals one take reports as set aside. */
#define ITK_SYNC_MAX_OVERTAKEN 16

/* A draft or seal of this clone that a take found overtaken (決裁, DESIGN
 * V12): the source's decision branch had moved on meanwhile (another
 * officer's seal, pushed first), so the take moved the branch to the
 * source's and kept this clone's old tip at refs/itaku/overtaken/<branch>
 * (nothing is lost). The seal is made again on the branch taken with
 * `itaku kessai` (a new id, signed anew). */
typedef struct {
    char request[ITK_PARTY_ID_MAX + 24]; /* "<requester>/<rec>" */
    char type[8];                        /* "seal" or "draft" */
    char id[ITK_RECORD_ID_MAX + 1];      /* the record's id (s-000001) */
    char principal[65];                  /* who made it */
    char verdict[16];                    /* a seal's verdict, a draft's outcome */
    char reason[256];                    /* its reason ("" none; cut at 255 bytes) */
    char acting_for[64];                 /* a 代決's post ("" none) */
    git_oid kept;                        /* the old tip, kept */
} itk_overtaken;

/* main beside the registry's own line as a source holds it
 * (refs/itaku/lines/<own party>, e.g. the city's main at its hosted
 * registry, pushed there by another officer's clone). */
typedef enum {
    ITK_MAIN_UNKNOWN = 0, /* no own line taken, or itaku.party unset: main left */
    ITK_MAIN_SAME,        /* main holds the own line (equal, or ahead of it) */
    ITK_MAIN_FORWARD,     /* main was strictly behind: moved forward to the line */
    ITK_MAIN_DIVERGED,    /* each holds commits the other lacks: main left */
} itk_main_state;

typedef struct {
    itk_main_state state;
    git_oid from;    /* main before */
    git_oid to;      /* the own line's tip */
    size_t own;      /* DIVERGED: commits on main the line lacks */
    int not_checked; /* FORWARD with HEAD not on main: the work tree left as it was */
} itk_main_update;

/* What a take published. */
typedef struct {
    itk_line_update lines[ITK_SYNC_MAX_LINES];
    size_t nlines;
    size_t nrequests;  /* request branches created or moved */
    size_t ncommits;   /* commits that came: the taken refs reach them, no ref held before did */
    size_t nrefused;   /* request branches that may move nowhere, left as they were */
    char refused[512]; /* why the first of them was refused; "" when none */
    itk_overtaken overtaken[ITK_SYNC_MAX_OVERTAKEN]; /* set aside, oldest first */
    size_t novertaken;
    itk_main_update main; /* what the take did to main (itk_sync_main_forward) */
} itk_sync_report;

/* Fetches party's main (and request branches) from url, a path or a URL
 * git understands, verifies, and publishes refs/itaku/lines/<party>; tip gets
 * the line's newest commit. ITK_EVERIFY, naming the commit and the rule, when
 * anything fetched breaks a rule. */
int itk_sync_take(git_oid *tip, itk_registry *reg, const char *party, const char *url,
                  const itk_take_options *opts);

/* The second half of every take. What a fetch or a bundle left under
 * refs/itaku/incoming/<name>/ — main, parties/<P>/main, requests/<R>/<rec> —
 * is verified in one run. Then each tip is attributed by its signature
 * (senders are proven, DESIGN §7): main (main_party NULL: main is not taken)
 * and parties/<P>/main move refs/itaku/lines/<main_party> or <P> when signed
 * by that party or one above it, else the line of the party that signed them
 * (the source's name is a hint); a request branch requests/<R>/<rec> only to
 * a commit of R or of a party between R and the city (else that branch alone
 * is refused and left as it was, counted and explained in report). A
 * line moves only forward: a tip older than the line held is nothing new, a
 * tip off it is refused (V8). Only when every commit passes and every line
 * tip may move are the lines and, with opts->take_requests, the request branches of
 * main's party and its descendants (fast-forward only) published. source
 * names where it came from in messages. Decision branches decisions/<R>/<rec>
 * (決裁, V12) move only to the city's commits, forward; one that diverged from
 * this clone's (another officer's draft or seal reached the source first)
 * is taken as the source holds it unless main here contains it, this
 * clone's tip kept at refs/itaku/overtaken/… and told in report->overtaken.
 * The quarantine is emptied in every case. report may be NULL. */
int itk_sync_publish(itk_sync_report *report, itk_registry *reg, const char *name,
                     const char *main_party, const char *source, const itk_take_options *opts);

/* After a take (fetch, bundle import): when the registry's own party
 * (git config itaku.party) has a verified line here
 * (refs/itaku/lines/<party>) and main is strictly behind it (main has no
 * commits of its own), main moves forward to it and the work tree follows
 * when HEAD is main (DESIGN §7: the city's officers share main through its
 * hosted registry). out says what was found and done; nothing moves in any
 * other case. Errors of reading refs and commits; ITK_ECONFLICT when main
 * moved meanwhile. */
int itk_sync_main_forward(itk_main_update *out, itk_registry *reg);

/* Verifies what rev holds: 0 when every commit passes; ITK_EVERIFY naming
 * the first problem (commit, rule) otherwise. */
int itk_sync_check_rev(itk_registry *reg, const char *rev);

/* Removes every ref under refs/itaku/incoming/<name>/. A cleanup: the last
 * error message (the reason for a refusal) is left as it was. */
void itk_sync_drop_incoming(itk_registry *reg, const char *name);

#endif
