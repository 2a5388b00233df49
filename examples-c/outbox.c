/* The durable outbox from C: record usage (durable when mpm_outbox_record returns), seal the
 * customer's slots now, flush them to the service, and read back each slot's fate.
 *
 *   outbox --endpoint URL --access-key-id AKID --secret-access-key SECRET --store PATH
 *          [--region R] [--product-code P] [--customer C] [--dimension D] [--quantity Q]
 *          [--events N]
 *
 * Records N events (default 3) of quantity Q (default 2.5) for the current hour with
 * event_ids "outbox-example-<i>", and the first one twice: it counts once. Prints the stats
 * and each slot of the hour: "slot: CUSTOMER DIMENSION quantity=... state=... id=...".
 * Exit status: 0 when every slot was accepted, 1 when a call failed, 2 for bad arguments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mpmeter.h"

static const char *state_name(uint32_t s) {
    static const char *const names[] = {"open",      "sealed",   "sending",  "accepted",
                                        "duplicate", "conflict", "rejected", "expired"};
    return s < sizeof names / sizeof names[0] ? names[s] : "?";
}

static int fail(const char *what) {
    fprintf(stderr, "%s: %s (%s)\n", what, mpm_last_error_message(),
            mpm_result_name((uint32_t)mpm_last_error_code()));
    return 1;
}

static void on_terminal(const mpm_outbox_slot *slot, void *userdata) {
    (void)userdata;
    printf("terminal: %s %s %s\n", mpm_outbox_slot_customer(slot),
           mpm_outbox_slot_dimension(slot), state_name(mpm_outbox_slot_state(slot)));
}

int main(int argc, char **argv) {
    const char *endpoint = NULL, *akid = NULL, *secret = NULL, *store = NULL;
    const char *region = "us-east-1", *product = "demo-product", *customer = "demo-customer-1";
    const char *dimension = "users", *quantity = "2.5";
    long events = 3;
    int i, rc = 0, all_accepted = 1;
    for (i = 1; i + 1 < argc; i += 2) {
        const char *k = argv[i], *v = argv[i + 1];
        if (!strcmp(k, "--endpoint")) endpoint = v;
        else if (!strcmp(k, "--region")) region = v;
        else if (!strcmp(k, "--access-key-id")) akid = v;
        else if (!strcmp(k, "--secret-access-key")) secret = v;
        else if (!strcmp(k, "--store")) store = v;
        else if (!strcmp(k, "--product-code")) product = v;
        else if (!strcmp(k, "--customer")) customer = v;
        else if (!strcmp(k, "--dimension")) dimension = v;
        else if (!strcmp(k, "--quantity")) quantity = v;
        else if (!strcmp(k, "--events")) events = strtol(v, NULL, 10);
        else { fprintf(stderr, "unknown option %s\n", k); return 2; }
    }
    if (i != argc || !endpoint || !akid || !secret || !store || events < 1 || events > 1000) {
        fprintf(stderr, "usage: %s --endpoint URL --access-key-id AKID --secret-access-key "
                        "SECRET --store PATH [--events 1..1000] [...]\n", argv[0]);
        return 2;
    }

    mpm_credentials *creds = mpm_credentials_new_basic(akid, secret, NULL);
    if (!creds) return fail("credentials");
    mpm_client *client = mpm_client_new_with_endpoint(endpoint, creds);
    mpm_credentials_free(creds); /* the client keeps its own reference */
    if (!client) return fail("client");
    if (mpm_client_set_region_name(client, region) != MPM_OK) return fail("region");

    mpm_outbox_options *options = mpm_outbox_options_new();
    if (mpm_outbox_options_set_mode(options, MPM_OUTBOX_MODE_SAAS) != MPM_OK ||
        mpm_outbox_options_set_product_code(options, product) != MPM_OK ||
        mpm_outbox_options_set_on_terminal(options, on_terminal, NULL) != MPM_OK)
        return fail("options");
    mpm_outbox *outbox = mpm_outbox_open(client, store, options);
    /* The error first: the next call into mpmeter (even a _free) replaces it. */
    if (!outbox) rc = fail("mpm_outbox_open");
    mpm_outbox_options_free(options); /* the outbox copied them */
    mpm_client_free(client);          /* and keeps its own client */
    if (!outbox) return rc;

    int64_t now = (int64_t)time(NULL);
    for (i = 0; i <= events; i++) {
        char id[64];
        snprintf(id, sizeof id, "outbox-example-%ld", i == (int)events ? 0L : (long)i);
        /* i == events records event 0 again: MPM_OK, and nothing is counted. */
        if (mpm_outbox_record(outbox, customer, dimension, now, quantity, id) != MPM_OK) {
            rc = fail("mpm_outbox_record");
            goto done;
        }
    }
    printf("recorded: %ld events, event 0 twice\n", events);

    /* The hour is still running: seal it now, as for a customer who leaves, then send. */
    if (mpm_outbox_seal_now(outbox, customer) != MPM_OK) { rc = fail("seal_now"); goto done; }
    if (mpm_outbox_flush(outbox, 30000) != MPM_OK) { rc = fail("mpm_outbox_flush"); goto done; }
    printf("flush: OK\n");

    mpm_outbox_stats stats;
    if (mpm_outbox_get_stats(outbox, &stats) != MPM_OK) { rc = fail("stats"); goto done; }
    printf("stats: open=%llu pending=%llu accepted=%llu rejected=%llu expired=%llu\n",
           (unsigned long long)stats.open, (unsigned long long)stats.pending,
           (unsigned long long)stats.accepted, (unsigned long long)stats.rejected,
           (unsigned long long)stats.expired);

    mpm_outbox_slot_iter *it = mpm_outbox_slots_of_hour(outbox, now);
    if (!it) { rc = fail("slots_of_hour"); goto done; }
    const mpm_outbox_slot *slot;
    while ((slot = mpm_outbox_slot_iter_next(it)) != NULL) {
        const char *id = mpm_outbox_slot_metering_record_id(slot);
        const char *reason = mpm_outbox_slot_reason(slot);
        printf("slot: %s %s quantity=%s state=%s id=%s%s%s\n", mpm_outbox_slot_customer(slot),
               mpm_outbox_slot_dimension(slot), mpm_outbox_slot_quantity(slot),
               state_name(mpm_outbox_slot_state(slot)), id ? id : "-",
               reason ? " reason=" : "", reason ? reason : "");
        if (mpm_outbox_slot_state(slot) != MPM_OUTBOX_STATE_ACCEPTED) all_accepted = 0;
    }
    mpm_outbox_slot_iter_free(it);
    if (!all_accepted) rc = 1;

done:
    /* What was not delivered stays in the store for the next open. */
    mpm_outbox_close(outbox, 5000);
    mpm_outbox_free(outbox);
    return rc;
}
