/* What the benchmark programs share: a monotonic clock in microseconds (and
 * in milliseconds, for those that time a TUI), the median of a set of
 * timings (which reorders it) and the nearest-rank quantile of a sorted set.
 * Header-only, because each benchmark source is its own program. */
#ifndef BENCH_MEASURE_H
#define BENCH_MEASURE_H

#include <stdlib.h>
#include <time.h>

static inline double measure_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static inline double measure_now_ms(void)
{
    return measure_now_us() / 1e3;
}

static inline int measure_compare(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* -1 when there are none. */
static inline double measure_median(double *values, int count)
{
    if (count == 0)
        return -1;
    qsort(values, (size_t)count, sizeof *values, measure_compare);
    return count % 2 ? values[count / 2] : (values[count / 2 - 1] + values[count / 2]) / 2;
}

/* The q-quantile (0 to 1) of values sorted ascending, by nearest rank; -1
 * when there are none. */
static inline double measure_quantile(const double *sorted, int count, double q)
{
    return count == 0 ? -1 : sorted[(int)(q * (count - 1) + 0.5)];
}

#endif
