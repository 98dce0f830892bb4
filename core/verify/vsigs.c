/* Signatures of a batch of commits verified on a pool of threads (vsigs.h). */
#include "vsigs.h"
#include "alloc.h"
#include "itaku/buf.h"
#include "itaku/errors.h"
#include "itaku/sshkey.h"
#include "itaku/sshsig.h"
#include "objsize.h"
#include "vobject.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    git_oid id;
    git_buf sig, data;
    char *fpr; /* set by a worker when the signature verifies */
} item;

struct itk_vsigs {
    unsigned threads;
    item *items;
    size_t n;
    size_t done; /* items verified by an earlier itk_vsigs_run of this batch */
    atomic_size_t next;
    size_t verified;
    size_t cursor; /* where the last answer was */
    pthread_t th[ITK_VSIGS_MAX_THREADS];
    size_t started; /* threads of itk_vsigs_start still to join */
};

unsigned itk_vsigs_threads(unsigned threads)
{
    if (threads)
        return threads > ITK_VSIGS_MAX_THREADS ? ITK_VSIGS_MAX_THREADS : threads;
    const char *env = getenv("ITAKU_THREADS");
    if (env && *env) {
        char *end = NULL;
        unsigned long v = strtoul(env, &end, 10);
        if (end && !*end && v >= 1)
            return v > ITK_VSIGS_MAX_THREADS ? ITK_VSIGS_MAX_THREADS : (unsigned)v;
    }
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    if (cpus < 1)
        return 1;
    return cpus > ITK_VSIGS_MAX_THREADS ? ITK_VSIGS_MAX_THREADS : (unsigned)cpus;
}

int itk_vsigs_new(itk_vsigs **out, unsigned threads)
{
    itk_vsigs *s = itk_calloc(1, sizeof(*s));
    *out = NULL;
    if (!s || !(s->items = itk_calloc(ITK_VSIGS_BATCH, sizeof(*s->items)))) {
        free(s);
        return ITK_ENOMEM;
    }
    s->threads = threads ? threads : 1;
    atomic_init(&s->next, 0);
    *out = s;
    return 0;
}

int itk_vsigs_add(itk_vsigs *s, git_repository *repo, const git_oid *id)
{
    if (s->n >= ITK_VSIGS_BATCH)
        return 0;
    /* what V10 would refuse for its size is not read here */
    int rc = itk_object_size(NULL, repo, id, GIT_OBJECT_COMMIT, ITK_VOBJECT_MAX_COMMIT_BYTES);
    if (rc == ITK_ENOMEM)
        return rc;
    if (rc) {
        itk_error_clear();
        return 0;
    }
    item *it = &s->items[s->n];
    memset(it, 0, sizeof(*it));
    it->id = *id;
    git_oid copy = *id;
    if (git_commit_extract_signature(&it->sig, &it->data, repo, &copy, NULL) < 0) {
        git_error_clear();
        git_buf_dispose(&it->sig);
        git_buf_dispose(&it->data);
        return 0;
    }
    s->n++;
    return 0;
}

/* One signature: its fingerprint when it verifies, NULL otherwise (policy.c
 * then verifies it again and says why). */
static void check_one(item *it)
{
    itk_pubkey *key = NULL;
    itk_buf fpr = ITK_BUF_INIT;
    if (itk_sshsig_verify(&key, it->sig.ptr, it->sig.size, "git", it->data.ptr, it->data.size) ==
            0 &&
        itk_pubkey_fingerprint(&fpr, key) == 0 && fpr.ptr)
        it->fpr = strdup(fpr.ptr);
    itk_pubkey_free(key);
    itk_buf_dispose(&fpr);
    itk_error_clear();
}

static void *worker(void *arg)
{
    itk_vsigs *s = arg;
    for (;;) {
        size_t i = atomic_fetch_add(&s->next, 1);
        if (i >= s->n)
            break;
        check_one(&s->items[i]);
    }
    return NULL;
}

/* Starts up to want threads on the signatures added since the last run
 * (from s->done on); how many started. */
static size_t workers_start(itk_vsigs *s, size_t want)
{
    size_t started = 0;
    atomic_store(&s->next, s->done);
    while (started < want && pthread_create(&s->th[started], NULL, worker, s) == 0)
        started++;
    return started;
}

/* Joins the started threads and counts what they verified. */
static void workers_join(itk_vsigs *s)
{
    for (size_t i = 0; i < s->started; i++)
        pthread_join(s->th[i], NULL);
    s->started = 0;
    for (size_t i = s->done; i < s->n; i++)
        s->verified += s->items[i].fpr != NULL;
    s->done = s->n;
}

int itk_vsigs_run(itk_vsigs *s)
{
    size_t want = s->threads - 1, todo = s->n - s->done;
    if (!todo)
        return 0;
    if (want > todo - 1)
        want = todo - 1;
    /* a thread that cannot be started leaves its share to this one */
    s->started = workers_start(s, want);
    worker(s);
    workers_join(s);
    return 0;
}

void itk_vsigs_start(itk_vsigs *s)
{
    size_t want = s->threads - 1, todo = s->n - s->done;
    if (!todo)
        return;
    if (want > todo)
        want = todo;
    /* one thread in all: the caller verifies them now (from the first
     * one added since the last run) */
    s->started = want ? workers_start(s, want) : 0;
    if (!s->started) {
        atomic_store(&s->next, s->done);
        worker(s);
    }
}

void itk_vsigs_wait(itk_vsigs *s)
{
    /* a worker that could not be started left its share: taken here */
    if (s->started)
        worker(s);
    workers_join(s);
}

const char *itk_vsigs_fingerprint(itk_vsigs *s, const git_oid *id)
{
    /* the walk asks in the order it added: look from the last answer on */
    for (size_t k = 0; s && k < s->done; k++) {
        size_t i = (s->cursor + k) % s->done;
        if (git_oid_equal(&s->items[i].id, id)) {
            s->cursor = i + 1;
            return s->items[i].fpr;
        }
    }
    return NULL;
}

void itk_vsigs_clear(itk_vsigs *s)
{
    workers_join(s);
    for (size_t i = 0; i < s->n; i++) {
        git_buf_dispose(&s->items[i].sig);
        git_buf_dispose(&s->items[i].data);
        free(s->items[i].fpr);
    }
    s->n = s->done = s->cursor = 0;
}

size_t itk_vsigs_verified(const itk_vsigs *s)
{
    return s ? s->verified : 0;
}

void itk_vsigs_free(itk_vsigs *s)
{
    if (!s)
        return;
    itk_vsigs_clear(s);
    free(s->items);
    free(s);
}
