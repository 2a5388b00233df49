/*
 * Leaks handles on purpose: scripts/test-c.sh checks that valgrind and LeakSanitizer report
 * them, proving that the leak checks run on the other C programs can fail.
 *
 * Both checkers call a block leaked only when no pointer to it is left anywhere they look:
 * registers, live stack, globals, reachable heap. A stale copy of a leaked pointer -- a dead
 * local the compiler kept in a register, a spilled temporary, a slot below main's frame that a
 * later call (printf, exit, the checker itself) reserves without writing -- makes the block look
 * reachable and the canary silent, depending on the compiler, the optimisation level and what
 * ran before the check. So, at any optimisation level:
 * - the handles are made in a separate function that is never inlined and returns nothing, so
 *   no copy of them reaches main and its frame is gone before the check;
 * - the library is called through volatile function pointers, so the compiler can neither
 *   keep nor fold anything across those calls;
 * - after that a stack area much larger than those calls used is overwritten through a
 *   volatile pointer (stores that cannot be dropped), wiping every stale slot below main;
 * - several handles leak, each owning a copied string (an indirect leak), so the report
 *   never hinges on a single pointer.
 */
#include <stddef.h>
#include <stdio.h>

#include "mpmeter.h"

#if defined(__GNUC__) || defined(__clang__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE
#endif

#define LEAKED_HANDLES 8
#define SCRUB_BYTES (256 * 1024)

static mpm_meter_usage_request *(*volatile new_request)(void) = mpm_meter_usage_request_new;
static mpm_result (*volatile set_dimension)(mpm_meter_usage_request *, const char *) =
    mpm_meter_usage_request_set_usage_dimension;

/* Makes the handles and drops every pointer to them; returns how many were made. */
static NOINLINE int leak_handles(void)
{
    int made = 0;
    int i;
    for (i = 0; i < LEAKED_HANDLES; i++) {
        mpm_meter_usage_request *leaked = new_request();
        if (leaked == NULL || set_dimension(leaked, "users") != MPM_OK) {
            break;
        }
        made++;
    }
    return made;
}

/* Overwrites the stack below the caller's frame, where leak_handles and the library ran. */
static NOINLINE void scrub_stack(void)
{
    volatile unsigned char area[SCRUB_BYTES];
    size_t i;
    for (i = 0; i < sizeof area; i++) {
        area[i] = 0;
    }
}

int main(void)
{
    int made = leak_handles();
    scrub_stack();
    if (made != LEAKED_HANDLES) {
        fprintf(stderr, "could only make %d of %d handles\n", made, LEAKED_HANDLES);
        return 2;
    }
    /* Flushed now: LeakSanitizer ends the process at exit before stdio would be flushed. */
    printf("leaked %d mpm_meter_usage_request handles\n", made);
    fflush(stdout);
    return 0;
}
