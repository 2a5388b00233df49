/* Shows why scripts/test-dates.sh does not use libfaketime: a signal handler that runs while
 * the program waits in epoll_wait reads the real clock, not the faked one (libfaketime 0.9.10,
 * Debian 12). PostgreSQL's timeout handler is such a handler: under a positive offset it finds
 * its deadline an offset away and re-arms, so statement_timeout and
 * idle_in_transaction_session_timeout never fire.
 *
 *   cc scripts/clock/epoll_signal_probe.c -o /tmp/probe
 *   FAKETIME=+3600 LD_PRELOAD=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1 /tmp/probe
 *   -> "main: ...; handler during epoll_wait: 3600 s behind": libfaketime's artifact
 *   LD_PRELOAD=target/fakeclock/libmpm_fakeclock.so MPM_FAKE_OFFSET=3600 /tmp/probe
 *   -> "... 0 s behind" (test-dates.sh builds that library)
 */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/time.h>

static volatile long handler_seconds;

static void on_alarm(int sig)
{
    struct timeval tv;
    (void)sig;
    gettimeofday(&tv, NULL);
    handler_seconds = (long)tv.tv_sec;
}

int main(void)
{
    struct timeval before;
    struct sigaction sa;
    struct itimerval in_200ms = {{0, 0}, {0, 200000}};
    struct epoll_event ev;
    int ep = epoll_create1(0);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    gettimeofday(&before, NULL);
    setitimer(ITIMER_REAL, &in_200ms, NULL);
    epoll_wait(ep, &ev, 1, 1000);
    printf("main: %ld; handler during epoll_wait: %ld s behind\n", (long)before.tv_sec,
           (long)before.tv_sec - handler_seconds);
    return before.tv_sec - handler_seconds > 1 ? 1 : 0;
}
