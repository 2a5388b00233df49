/* The outbox across kill -9, as `make demo` shows it (scripts/demo.sh).
 *
 *   outbox_kill_demo record STORE START   records events START, START+1, ... (forever) through
 *                                         mpm_outbox_record and prints, after each returns
 *                                         MPM_OK, "ACK <index> <customer> <dimension> <qty>"
 *   outbox_kill_demo flush STORE START    records event START once more (the one that was in
 *                                         flight when the recorder was killed: its event_id
 *                                         makes a second recording count nothing), seals every
 *                                         slot now, flushes, and prints the outbox's stats
 *
 * Event i is always the same (customer, dimension, quantity, event_id "demo-<i>"), so a
 * restarted recorder re-creates exactly the event it was killed on. The endpoint and
 * credentials come from the environment (AWS_ENDPOINT_URL_MARKETPLACE_METERING, ...).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mpmeter.h"

static const char *const customers[] = {"demo-customer-1", "demo-customer-2"};
static const char *const dimensions[] = {"users", "hosts", "data_gb"};

static void event(long i, const char **customer, const char **dimension, char *qty, size_t n,
                  char *id, size_t idn) {
    *customer = customers[i % 2];
    *dimension = dimensions[(i / 2) % 3];
    snprintf(qty, n, "%ld.5", 1 + i % 4);
    snprintf(id, idn, "demo-%ld", i);
}

static int fail(const char *what) {
    fprintf(stderr, "%s: %s\n", what, mpm_last_error_message());
    return 1;
}

int main(int argc, char **argv) {
    if (argc != 4 || (strcmp(argv[1], "record") != 0 && strcmp(argv[1], "flush") != 0)) {
        fprintf(stderr, "usage: %s record|flush STORE START\n", argv[0]);
        return 2;
    }
    int flush = strcmp(argv[1], "flush") == 0;
    long start = strtol(argv[3], NULL, 10);
    setvbuf(stdout, NULL, _IOLBF, 0);

    mpm_client *client = mpm_client_new_from_environment();
    if (!client) return fail("client");
    mpm_outbox_options *options = mpm_outbox_options_new();
    mpm_outbox_options_set_product_code(options, "demo-product");
    mpm_outbox *outbox = mpm_outbox_open(client, argv[2], options);
    mpm_outbox_options_free(options);
    if (!outbox) return fail("mpm_outbox_open");

    for (long i = start; flush ? i == start : 1; i++) {
        const char *customer, *dimension;
        char qty[32], id[32];
        event(i, &customer, &dimension, qty, sizeof qty, id, sizeof id);
        if (mpm_outbox_record(outbox, customer, dimension, (int64_t)time(NULL), qty, id) != MPM_OK)
            return fail("mpm_outbox_record");
        printf("ACK %ld %s %s %s\n", i, customer, dimension, qty);
        if (!flush) {
            struct timespec ts = {0, 20 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    }

    /* A customer leaving, a machine shutting down: the current hour is sealed now. */
    if (mpm_outbox_seal_now(outbox, NULL) != MPM_OK) return fail("mpm_outbox_seal_now");
    if (mpm_outbox_flush(outbox, 60000) != MPM_OK) return fail("mpm_outbox_flush");
    mpm_outbox_stats st;
    if (mpm_outbox_get_stats(outbox, &st) != MPM_OK) return fail("mpm_outbox_get_stats");
    printf("STATS accepted=%llu duplicate=%llu conflict=%llu rejected=%llu expired=%llu pending=%llu open=%llu\n",
           (unsigned long long)st.accepted, (unsigned long long)st.duplicate,
           (unsigned long long)st.conflict, (unsigned long long)st.rejected,
           (unsigned long long)st.expired, (unsigned long long)st.pending,
           (unsigned long long)st.open);
    mpm_outbox_close(outbox, 5000);
    mpm_outbox_free(outbox);
    mpm_client_free(client);
    return 0;
}
