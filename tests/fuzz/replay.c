/* Replays a fuzz target's corpus (every file in a directory) through its
 * LLVMFuzzerTestOneInput under the ordinary sanitizer build, so that
 * `make test` re-checks every input the fuzzers ever kept. Prints one TAP
 * line; a crash or sanitizer report fails the run. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s NAME CORPUS_DIR\n", argv[0]);
        return 2;
    }
    DIR *dir = opendir(argv[2]);
    if (dir == NULL) {
        printf("not ok - %s: cannot open corpus %s\n", argv[1], argv[2]);
        return 1;
    }
    size_t inputs = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        if (entry->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", argv[2], entry->d_name);
        FILE *f = fopen(path, "rb");
        if (f == NULL)
            continue;
        uint8_t *data = NULL;
        size_t size = 0, cap = 0, got;
        do {
            if (size == cap) {
                cap = cap ? cap * 2 : 4096;
                data = realloc(data, cap);
                if (data == NULL)
                    abort();
            }
            got = fread(data + size, 1, cap - size, f);
            size += got;
        } while (got > 0);
        fclose(f);
        LLVMFuzzerTestOneInput(data, size);
        free(data);
        inputs++;
    }
    closedir(dir);
    printf("%s - %s: %zu corpus inputs replayed\n", inputs > 0 ? "ok" : "not ok", argv[1],
           inputs);
    return inputs > 0 ? 0 : 1;
}
