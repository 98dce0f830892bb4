/* Plain driver for the libFuzzer entry points, used by `make test`: replays
 * every file of a corpus folder, then every truncation of it and a fixed,
 * seeded stream of byte mutations, so a parser regression fails the test
 * run without clang. `make fuzz` builds the same targets with libFuzzer. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MUTATIONS_PER_FILE 2000

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t next_random(void)
{
    /* xorshift64*: deterministic, so a failure reproduces */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ull;
}

static void run(const uint8_t *data, size_t size)
{
    /* a fresh copy, so reads past the end are caught by ASan */
    uint8_t *copy = malloc(size ? size : 1);
    if (!copy)
        abort();
    memcpy(copy, data, size);
    LLVMFuzzerTestOneInput(copy, size);
    free(copy);
}

static void fuzz_one(const uint8_t *data, size_t size)
{
    run(data, size);
    for (size_t cut = 0; cut < size; cut++)
        run(data, cut);
    uint8_t *m = malloc(size + 16);
    if (!m)
        abort();
    for (int i = 0; i < MUTATIONS_PER_FILE; i++) {
        size_t n = size;
        memcpy(m, data, size);
        int edits = 1 + (int)(next_random() % 4);
        for (int e = 0; e < edits && n > 0; e++) {
            size_t at = next_random() % n;
            switch (next_random() % 4) {
            case 0: m[at] ^= (uint8_t)(1u << (next_random() % 8)); break;
            case 1: m[at] = (uint8_t)next_random(); break;
            case 2:
                m[at] = (uint8_t[]){0, 0xff, 0x7f, 0x80, '"', '{', '\n'}[next_random() % 7];
                break;
            case 3:
                memmove(m + at, m + at + 1, n - at - 1);
                n--;
                break;
            }
        }
        run(m, n);
    }
    free(m);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s CORPUS-DIR\n", argv[0]);
        return 2;
    }
    DIR *d = opendir(argv[1]);
    if (!d) {
        fprintf(stderr, "cannot open corpus %s\n", argv[1]);
        return 2;
    }
    int files = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", argv[1], de->d_name);
        FILE *f = fopen(path, "rb");
        if (!f)
            continue;
        static uint8_t buf[1 << 20];
        size_t n = fread(buf, 1, sizeof(buf), f);
        fclose(f);
        fuzz_one(buf, n);
        files++;
    }
    closedir(d);
    if (files == 0) {
        fprintf(stderr, "corpus %s is empty: nothing was tested\n", argv[1]);
        return 1;
    }
    printf("%d corpus files replayed with truncations and %d mutations each\n", files,
           MUTATIONS_PER_FILE);
    return 0;
}
