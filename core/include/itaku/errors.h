/* Error codes and the last error message, in libgit2's style: every
 * function returns 0 or a negative ITK_E* code, and itk_error_last()
 * tells the caller what happened, to which file, commit or field. */
#ifndef ITAKU_ERRORS_H
#define ITAKU_ERRORS_H

#include <stddef.h>

enum {
    ITK_OK = 0,
    ITK_ERROR = -1,         /* generic failure */
    ITK_ENOTFOUND = -3,     /* a file, ref, record or key does not exist */
    ITK_EEXISTS = -4,       /* refusing to overwrite */
    ITK_EINVALID = -5,      /* malformed input (JSON, key, armor, id, path) */
    ITK_EVERIFY = -6,       /* a signature or a rule does not hold */
    ITK_ECONFLICT = -7,     /* a ref moved under us, or an ambiguous choice */
    ITK_ETOOBIG = -8,       /* input over a named limit */
    ITK_EENCRYPTED = -9,    /* a passphrase-protected key with no agent to use */
    ITK_EUNSUPPORTED = -10, /* a key type or format we do not handle */
    ITK_EGIT = -11,         /* libgit2 failed; its message is copied */
    ITK_EIO = -12,          /* reading or writing a file failed */
    ITK_ENOMEM = -13,
    ITK_EAUTH = -14, /* the signing key belongs to no party, or may not act */
};

/* The longest message kept, its NUL included; longer ones are cut. A
 * form's problems said at once fit (itaku/form_input.h). */
#define ITK_ERROR_MAX 8192

/* The message set by the last failing call on this thread, or "" when none.
 * The pointer stays valid, its text changes with the next itk_error_* call. */
const char *itk_error_last(void);

/* Sets the message and returns code, so that callers can write
 * `return itk_error_set(ITK_EINVALID, "...", ...);`. An argument may be
 * itk_error_last() itself (to put context before the reason): the message is
 * formatted apart and then copied, never into the buffer it reads. fmt is
 * an English message, translated with dgettext("itaku", fmt) in the locale
 * the program chose (po/extract.sh extracts it; English without a catalogue).
 * A message is a whole sentence: never glue translated fragments. */
int itk_error_set(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Copies libgit2's last error behind a prefix of ours (fmt translated as
 * itk_error_set's; libgit2's own text stays English) and returns ITK_EGIT. */
int itk_error_git(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void itk_error_clear(void);

/* A copy of this thread's last message, for cleanup after an error. */
typedef struct {
    char message[ITK_ERROR_MAX];
} itk_error_state;

/* The cleanup that follows an error (dropping a quarantine, removing a
 * half-made folder, freeing libgit2 objects) may call functions that set or
 * clear the message; the reason the caller must see is the first one. Save it
 * before the cleanup and restore it after:
 *
 *     itk_error_state saved;
 *     itk_error_save(&saved);
 *     cleanup();
 *     itk_error_restore(&saved);
 *
 * save copies the message into st (owned by the caller, on its stack);
 * restore makes st's message the last message again. Neither fails. */
void itk_error_save(itk_error_state *st);
void itk_error_restore(const itk_error_state *st);

/* A note for the user about something a successful call left undone (a
 * request branch a take refused while it took the rest). itk_notice_set
 * adds its note, on a line of its own, to those set before (a note given
 * already is not repeated; one that no longer fits in ITK_ERROR_MAX bytes
 * is dropped, the earlier ones kept), until itk_notice_take, which returns
 * them ("" when none) and clears them; the text lives until the next call
 * on this thread. fmt is translated as itk_error_set's. */
void itk_notice_set(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *itk_notice_take(void);

/* Where the notes stand (itk_notice_mark), and the notes set since then
 * dropped (itk_notice_drop): a call that refuses after a check set a note
 * about the write that was to go ahead ("correct it with --supersedes")
 * drops it, for no note speaks of a record that was not written. */
size_t itk_notice_mark(void);
void itk_notice_drop(size_t mark);

#endif
