/* Fuzz target: configuration parsing (inih plus our key handlers). Any
 * input either loads or fails with a message; nothing crashes or leaks. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    struct config config;
    struct mb_error err = {{0}};
    config_defaults(&config);
    enum mb_status status = config_load_string(&config, text, "fuzz.conf", &err);
    if (status != MB_OK && err.message[0] == '\0')
        abort();
    config_free(&config);
    char *path = NULL;
    if (config_parse_database_url(text, &path, &err) == MB_OK)
        free(path);
    free(text);
    return 0;
}
