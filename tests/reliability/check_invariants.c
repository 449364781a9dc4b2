/* Checks invariants.h's invariants of one database from outside the
 * program, for the scripts: test_pg_crash.sh after the server was killed
 * under a writer, and the negative controls of test_concurrency.sh (a copy
 * damaged one way at a time must be reported).
 *
 *   check_invariants sqlite FILE SCRATCH_DIR [NAME]
 *   check_invariants postgres URL SCRATCH_DIR [NAME]
 *
 * Prints one TAP line named NAME ("invariants" by default) and exits 1 when
 * an invariant does not hold. */
#include "tests/reliability/invariants.h"

int main(int argc, char **argv)
{
    if (argc < 4 || (strcmp(argv[1], "sqlite") != 0 && strcmp(argv[1], "postgres") != 0)) {
        fprintf(stderr, "usage: check_invariants sqlite|postgres FILE|URL SCRATCH_DIR [NAME]\n");
        return 2;
    }
    struct rel_db db = { .postgres = strcmp(argv[1], "postgres") == 0, .target = argv[2],
                         .scratch = argv[3] };
    char why[512];
    int problems = rel_invariants(&db, why, sizeof why);
    rel_check(problems == 0, argc > 4 ? argv[4] : "invariants", "%d problems, first: %s",
              problems, why);
    return problems == 0 ? 0 : 1;
}
