/* mpm_fakeclock: an LD_PRELOAD library that moves the wall clock of every process it is loaded
 * into by MPM_FAKE_OFFSET seconds (signed), and changes nothing else. scripts/test-dates.sh runs
 * `make test` under it to see the suite on another date, as if the system clock were set there.
 *
 * Why not libfaketime: besides the wall clock it wraps sleeps and waits (epoll_wait, poll,
 * pthread_cond_timedwait, clock_nanosleep), and those wrappers are wrong in ways that fail the
 * suite for reasons of their own. Its epoll_wait wrapper turns faking off while it waits, so a
 * signal handler that runs meanwhile reads the real clock: PostgreSQL's timeout handler is one,
 * and under a positive offset its statement and idle-in-transaction timeouts never fire (see
 * scripts/clock/epoll_signal_probe.c). Its waits also fail Python's time.sleep (EINVAL) and
 * short condition-variable waits. Here the monotonic clock, every sleep and every wait are the
 * kernel's own.
 *
 * What moves: clock_gettime for CLOCK_REALTIME, CLOCK_REALTIME_COARSE, CLOCK_TAI and
 * CLOCK_REALTIME_ALARM; gettimeofday; time; timespec_get; and absolute clock_nanosleep on those
 * clocks (the caller's deadline comes from the moved clock). What does not: file times, which
 * the kernel stamps; absolute timed waits on a condition variable or semaphore that uses the
 * wall clock (the project's tests wait on CLOCK_MONOTONIC, as robust code does anyway).
 *
 * MPM_FAKE_SKIP: program names (comma or space separated) that keep the real clock, for the
 * build tools: the kernel stamps files with the real time, and a build tool comparing them
 * with a moved "now" would rebuild everything, or nothing. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

typedef int (*clock_gettime_fn)(clockid_t, struct timespec *);
typedef int (*clock_nanosleep_fn)(clockid_t, int, const struct timespec *, struct timespec *);

static long long offset_seconds;
static clock_gettime_fn next_clock_gettime;
static clock_nanosleep_fn next_clock_nanosleep;

static int listed(const char *list, const char *name)
{
    size_t n = strlen(name);
    const char *p = list;
    while (*p) {
        size_t len = strcspn(p, ", ");
        if (len == n && n > 0 && strncmp(p, name, n) == 0) {
            return 1;
        }
        p += len;
        p += strspn(p, ", ");
    }
    return 0;
}

__attribute__((constructor)) static void fakeclock_init(void)
{
    const char *v = getenv("MPM_FAKE_OFFSET");
    const char *skip = getenv("MPM_FAKE_SKIP");
    char *end = NULL;
    long long off;
    /* The POSIX way to take a function from dlsym (ISO C has no object-to-function cast). */
    *(void **)&next_clock_gettime = dlsym(RTLD_NEXT, "clock_gettime");
    *(void **)&next_clock_nanosleep = dlsym(RTLD_NEXT, "clock_nanosleep");
    if (v == NULL || (skip != NULL && listed(skip, program_invocation_short_name))) {
        return;
    }
    errno = 0;
    off = strtoll(v, &end, 10);
    if (errno == 0 && end != v && *end == '\0') {
        offset_seconds = off;
    }
}

/* The real clock: the next definition (glibc's, through the vDSO) once resolved; the system
 * call before that (another library's constructor may ask for the time before ours has run). */
static int real_clock_gettime(clockid_t id, struct timespec *ts)
{
    if (next_clock_gettime != NULL) {
        return next_clock_gettime(id, ts);
    }
    return (int)syscall(SYS_clock_gettime, id, ts);
}

static int is_wall_clock(clockid_t id)
{
    return id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE || id == CLOCK_TAI ||
           id == CLOCK_REALTIME_ALARM;
}

int clock_gettime(clockid_t id, struct timespec *ts)
{
    int rc = real_clock_gettime(id, ts);
    if (rc == 0 && is_wall_clock(id)) {
        ts->tv_sec += (time_t)offset_seconds;
    }
    return rc;
}

int gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
    struct timespec ts;
    if (tz != NULL) {
        /* The obsolete timezone argument: glibc fills it with zeros. */
        memset(tz, 0, sizeof(struct timezone));
    }
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0) {
        return -1;
    }
    tv->tv_sec = ts.tv_sec;
    tv->tv_usec = (suseconds_t)(ts.tv_nsec / 1000);
    return 0;
}

time_t time(time_t *out)
{
    struct timespec ts;
    time_t t = (time_t)-1;
    if (clock_gettime(CLOCK_REALTIME, &ts) == 0) {
        t = ts.tv_sec;
    }
    if (out != NULL) {
        *out = t;
    }
    return t;
}

int timespec_get(struct timespec *ts, int base)
{
    if (base != TIME_UTC || clock_gettime(CLOCK_REALTIME, ts) != 0) {
        return 0;
    }
    return base;
}

int clock_nanosleep(clockid_t id, int flags, const struct timespec *req, struct timespec *rem)
{
    struct timespec real_req;
    if (next_clock_nanosleep == NULL) {
        *(void **)&next_clock_nanosleep = dlsym(RTLD_NEXT, "clock_nanosleep");
        if (next_clock_nanosleep == NULL) {
            return ENOSYS;
        }
    }
    if ((flags & TIMER_ABSTIME) && req != NULL && is_wall_clock(id)) {
        real_req = *req;
        real_req.tv_sec -= (time_t)offset_seconds;
        req = &real_req;
    }
    return next_clock_nanosleep(id, flags, req, rem);
}
