/*
 * MeterUsage: reports one hour of usage of one dimension for the product this program runs as
 * (an AMI or container product), then prints the metering record id or the error.
 *
 *   meter_usage --endpoint http://127.0.0.1:PORT --dimension users --quantity 3
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "example_common.h"

typedef struct {
    const char *product_code;
    const char *dimension;
    const char *quantity;
    const char *quantity_decimal;
    const char *timestamp;
    const char *client_token;
    const char *dry_run;
    example_multi tags;
} meter_args;

/* One allocation of the whole quantity, tagged with every --allocation-tag KEY=VALUE. */
static int add_allocation(mpm_meter_usage_request *req, const meter_args *a, int64_t quantity)
{
    mpm_usage_allocation *alloc = mpm_usage_allocation_new();
    size_t i;
    int ok = alloc != NULL;

    if (ok && a->quantity_decimal != NULL) {
        ok = example_check(mpm_usage_allocation_set_allocated_usage_quantity_as_decimal(
                               alloc, a->quantity_decimal),
                           "allocation quantity");
    } else if (ok) {
        ok = example_check(mpm_usage_allocation_set_allocated_usage_quantity(alloc, (int32_t)quantity),
                           "allocation quantity");
    }
    for (i = 0; ok && i < a->tags.count; i++) {
        char key[128];
        const char *eq = strchr(a->tags.values[i], '=');
        size_t key_len = eq != NULL ? (size_t)(eq - a->tags.values[i]) : 0;
        if (eq == NULL || key_len == 0 || key_len >= sizeof key) {
            fprintf(stderr, "--allocation-tag: '%s' is not KEY=VALUE\n", a->tags.values[i]);
            ok = 0;
            break;
        }
        memcpy(key, a->tags.values[i], key_len);
        key[key_len] = '\0';
        ok = example_check(mpm_usage_allocation_add_tag(alloc, key, eq + 1), "--allocation-tag");
    }
    if (ok) {
        /* The request keeps a copy; our handle is freed below either way. */
        ok = example_check(mpm_meter_usage_request_add_usage_allocation(req, alloc),
                           "mpm_meter_usage_request_add_usage_allocation");
    }
    mpm_usage_allocation_free(alloc);
    return ok;
}

static mpm_meter_usage_request *build_request(const meter_args *a)
{
    mpm_meter_usage_request *req = mpm_meter_usage_request_new();
    int64_t timestamp = (int64_t)time(NULL);
    int64_t quantity = 0;
    int ok = req != NULL;

    if (a->timestamp != NULL) {
        ok = ok && example_parse_int64(a->timestamp, 0, INT64_MAX, "--timestamp", &timestamp);
    }
    ok = ok && example_check(mpm_meter_usage_request_set_product_code(req, a->product_code),
                             "--product-code");
    ok = ok && example_check(mpm_meter_usage_request_set_timestamp(req, timestamp), "--timestamp");
    ok = ok && example_check(mpm_meter_usage_request_set_usage_dimension(req, a->dimension),
                             "--dimension");
    if (a->quantity_decimal != NULL) {
        ok = ok && example_check(mpm_meter_usage_request_set_usage_quantity_as_decimal(
                                     req, a->quantity_decimal),
                                 "--quantity-decimal");
    } else {
        ok = ok && example_parse_int64(a->quantity, INT32_MIN, INT32_MAX, "--quantity", &quantity);
        ok = ok && example_check(mpm_meter_usage_request_set_usage_quantity(req, (int32_t)quantity),
                                 "--quantity");
    }
    if (a->dry_run != NULL) {
        ok = ok && example_check(mpm_meter_usage_request_set_dry_run(req, 1), "--dry-run");
    }
    if (a->client_token != NULL) {
        ok = ok && example_check(mpm_meter_usage_request_set_client_token(req, a->client_token),
                                 "--client-token");
    }
    if (a->tags.count > 0) {
        ok = ok && add_allocation(req, a, quantity);
    }
    if (ok && !mpm_meter_usage_request_is_valid(req)) {
        example_print_last_error("the request");
        ok = 0;
    }
    if (!ok) {
        mpm_meter_usage_request_free(req);
        return NULL;
    }
    return req;
}

int main(int argc, char **argv)
{
    meter_args a;
    example_connection conn;
    mpm_client *client;
    mpm_meter_usage_request *req;
    mpm_response *resp;
    int status;
    example_option options[] = {
        {"product-code", EXAMPLE_OPT_STRING, NULL, NULL, "product code (demo-product)"},
        {"dimension", EXAMPLE_OPT_STRING, NULL, NULL, "usage dimension (users)"},
        {"quantity", EXAMPLE_OPT_STRING, NULL, NULL, "whole quantity (3)"},
        {"quantity-decimal", EXAMPLE_OPT_STRING, NULL, NULL, "decimal quantity, e.g. 2.5"},
        {"timestamp", EXAMPLE_OPT_STRING, NULL, NULL, "Unix seconds UTC (now)"},
        {"client-token", EXAMPLE_OPT_STRING, NULL, NULL, "idempotency token (a fresh UUID)"},
        {"dry-run", EXAMPLE_OPT_FLAG, NULL, NULL, "check permissions only"},
        {"allocation-tag", EXAMPLE_OPT_MULTI, NULL, NULL,
         "KEY=VALUE: allocate the whole quantity to these tags (repeatable)"},
    };

    memset(&a, 0, sizeof a);
    a.product_code = "demo-product";
    a.dimension = "users";
    a.quantity = "3";
    options[0].value = &a.product_code;
    options[1].value = &a.dimension;
    options[2].value = &a.quantity;
    options[3].value = &a.quantity_decimal;
    options[4].value = &a.timestamp;
    options[5].value = &a.client_token;
    options[6].value = &a.dry_run;
    options[7].multi = &a.tags;

    status = example_parse_args(argc, argv, "Meters usage with MeterUsage.", options,
                                sizeof options / sizeof options[0], &conn);
    if (status >= 0) {
        return status;
    }
    req = build_request(&a);
    if (req == NULL) {
        return EXAMPLE_EXIT_USAGE;
    }
    client = example_client_new(&conn);
    if (client == NULL) {
        mpm_meter_usage_request_free(req);
        return EXAMPLE_EXIT_USAGE;
    }

    resp = mpm_client_meter_usage(client, req);
    status = EXAMPLE_EXIT_FAILED;
    if (example_finish("MeterUsage", resp)) {
        printf("  metering_record_id: %s\n",
               example_or_none(mpm_meter_usage_response_metering_record_id(resp)));
        status = EXAMPLE_EXIT_OK;
    }

    mpm_response_free(resp);
    mpm_meter_usage_request_free(req);
    mpm_client_free(client);
    return status;
}
