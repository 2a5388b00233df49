/* A condition variable whose timed waits run on CLOCK_MONOTONIC, for the C tests' waits for a
 * callback. A deadline on the wall clock would be wrong whenever that clock moves: stepped by
 * NTP, or faked for a run at another date (scripts/test-dates.sh), where a deadline computed
 * from the faked time means nothing to the kernel's real one. */
#ifndef MPM_TESTS_MONOTONIC_COND_H
#define MPM_TESTS_MONOTONIC_COND_H

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static void init_monotonic_cond(pthread_cond_t *cond)
{
    pthread_condattr_t attr;
    if (pthread_condattr_init(&attr) != 0 || pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) != 0 ||
        pthread_cond_init(cond, &attr) != 0) {
        fprintf(stderr, "FATAL: no condition variable on CLOCK_MONOTONIC\n");
        exit(2);
    }
    pthread_condattr_destroy(&attr);
}

#endif
