/*
 * BatchMeterUsage: reports usage of several SaaS customers at once, then prints every result
 * (status, metering record id and the record as the service echoed it) and every unprocessed
 * record.
 *
 *   batch_meter_usage --endpoint http://127.0.0.1:PORT \
 *       --record demo-customer-1:users:3 --record 444455556666:hosts:1.5
 *
 * A record is WHO:DIMENSION:QUANTITY. WHO is a customer identifier, or a 12-digit AWS account
 * id (sent as CustomerAWSAccountId); a QUANTITY with a '.' is sent as QuantityAsDecimal.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "example_common.h"

static const char *const default_records[] = {
    "demo-customer-1:users:3",
    "demo-customer-2:hosts:1.5",
    "111122223333:data_gb:10",
    "unsubscribed-customer:users:1",
};

typedef struct {
    const char *product_code;
    const char *timestamp;
    const char *license_arn;
    example_multi records;
} batch_args;

static int is_account_id(const char *s, size_t len)
{
    size_t i;
    if (len != 12) {
        return 0;
    }
    for (i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return 0;
        }
    }
    return 1;
}

/* Splits "WHO:DIMENSION:QUANTITY" into the record; returns 0 after printing what is wrong. */
static int fill_record(mpm_usage_record *rec, const char *spec)
{
    char buf[512];
    char *who = buf;
    char *dimension;
    char *quantity;
    int64_t q = 0;

    if (strlen(spec) >= sizeof buf) {
        fprintf(stderr, "--record: '%s' is too long\n", spec);
        return 0;
    }
    strcpy(buf, spec);
    dimension = strchr(who, ':');
    quantity = dimension != NULL ? strchr(dimension + 1, ':') : NULL;
    if (quantity == NULL) {
        fprintf(stderr, "--record: '%s' is not WHO:DIMENSION:QUANTITY\n", spec);
        return 0;
    }
    *dimension++ = '\0';
    *quantity++ = '\0';
    if (is_account_id(who, strlen(who))) {
        if (!example_check(mpm_usage_record_set_customer_aws_account_id(rec, who), "--record account id")) {
            return 0;
        }
    } else if (!example_check(mpm_usage_record_set_customer_identifier(rec, who), "--record customer")) {
        return 0;
    }
    if (!example_check(mpm_usage_record_set_dimension(rec, dimension), "--record dimension")) {
        return 0;
    }
    if (strchr(quantity, '.') != NULL) {
        return example_check(mpm_usage_record_set_quantity_as_decimal(rec, quantity),
                             "--record quantity");
    }
    return example_parse_int64(quantity, INT32_MIN, INT32_MAX, "--record quantity", &q) &&
           example_check(mpm_usage_record_set_quantity(rec, (int32_t)q), "--record quantity");
}

static mpm_batch_meter_usage_request *build_request(const batch_args *a)
{
    mpm_batch_meter_usage_request *req = mpm_batch_meter_usage_request_new();
    int64_t timestamp = (int64_t)time(NULL);
    size_t i;
    int ok = req != NULL;

    if (a->timestamp != NULL) {
        ok = ok && example_parse_int64(a->timestamp, 0, INT64_MAX, "--timestamp", &timestamp);
    }
    if (a->product_code[0] != '\0') {
        ok = ok && example_check(mpm_batch_meter_usage_request_set_product_code(req, a->product_code),
                                 "--product-code");
    }
    for (i = 0; ok && i < a->records.count; i++) {
        mpm_usage_record *rec = mpm_usage_record_new();
        ok = rec != NULL && fill_record(rec, a->records.values[i]);
        ok = ok && example_check(mpm_usage_record_set_timestamp(rec, timestamp), "--timestamp");
        if (ok && a->license_arn != NULL) {
            ok = example_check(mpm_usage_record_set_license_arn(rec, a->license_arn), "--license-arn");
        }
        /* The request keeps a copy of the record. */
        ok = ok && example_check(mpm_batch_meter_usage_request_add_usage_record(req, rec),
                                 "mpm_batch_meter_usage_request_add_usage_record");
        mpm_usage_record_free(rec);
    }
    if (ok && !mpm_batch_meter_usage_request_is_valid(req)) {
        example_print_last_error("the request");
        ok = 0;
    }
    if (!ok) {
        mpm_batch_meter_usage_request_free(req);
        return NULL;
    }
    return req;
}

static void print_output(const mpm_response *resp)
{
    size_t count = 0;
    size_t i;

    if (mpm_batch_meter_usage_response_result_count(resp, &count) != MPM_OK) {
        example_print_last_error("mpm_batch_meter_usage_response_result_count");
        return;
    }
    printf("  results: %lu\n", (unsigned long)count);
    for (i = 0; i < count; i++) {
        const mpm_usage_record_result *r = mpm_batch_meter_usage_response_result_at(resp, i);
        const mpm_usage_record *echoed = mpm_usage_record_result_usage_record(r);
        printf("  result[%lu]:\n", (unsigned long)i);
        printf("    status: %s (%s)\n", example_or_none(mpm_usage_record_result_status_name(r)),
               example_record_status_name(mpm_usage_record_result_status(r)));
        printf("    metering_record_id: %s\n",
               example_or_none(mpm_usage_record_result_metering_record_id(r)));
        if (echoed != NULL) {
            example_print_usage_record("    ", echoed);
        }
    }
    if (mpm_batch_meter_usage_response_unprocessed_count(resp, &count) != MPM_OK) {
        example_print_last_error("mpm_batch_meter_usage_response_unprocessed_count");
        return;
    }
    printf("  unprocessed: %lu\n", (unsigned long)count);
    for (i = 0; i < count; i++) {
        printf("  unprocessed[%lu]:\n", (unsigned long)i);
        example_print_usage_record("    ", mpm_batch_meter_usage_response_unprocessed_at(resp, i));
    }
}

int main(int argc, char **argv)
{
    batch_args a;
    example_connection conn;
    mpm_client *client;
    mpm_batch_meter_usage_request *req;
    mpm_response *resp;
    size_t i;
    int status;
    example_option options[] = {
        {"product-code", EXAMPLE_OPT_STRING, NULL, NULL,
         "product code (demo-product; \"\" to send none, then every record needs --license-arn)"},
        {"record", EXAMPLE_OPT_MULTI, NULL, NULL,
         "WHO:DIMENSION:QUANTITY (repeatable; default: 4 records of the emulator's customers)"},
        {"timestamp", EXAMPLE_OPT_STRING, NULL, NULL, "Unix seconds UTC of every record (now)"},
        {"license-arn", EXAMPLE_OPT_STRING, NULL, NULL, "LicenseArn of every record (none)"},
    };

    memset(&a, 0, sizeof a);
    a.product_code = "demo-product";
    options[0].value = &a.product_code;
    options[1].multi = &a.records;
    options[2].value = &a.timestamp;
    options[3].value = &a.license_arn;

    status = example_parse_args(argc, argv, "Meters usage of several customers with BatchMeterUsage.",
                                options, sizeof options / sizeof options[0], &conn);
    if (status >= 0) {
        return status;
    }
    if (a.records.count == 0) {
        for (i = 0; i < sizeof default_records / sizeof default_records[0]; i++) {
            a.records.values[a.records.count++] = default_records[i];
        }
    }
    req = build_request(&a);
    if (req == NULL) {
        return EXAMPLE_EXIT_USAGE;
    }
    client = example_client_new(&conn);
    if (client == NULL) {
        mpm_batch_meter_usage_request_free(req);
        return EXAMPLE_EXIT_USAGE;
    }

    resp = mpm_client_batch_meter_usage(client, req);
    status = EXAMPLE_EXIT_FAILED;
    if (example_finish("BatchMeterUsage", resp)) {
        print_output(resp);
        status = EXAMPLE_EXIT_OK;
    }

    mpm_response_free(resp);
    mpm_batch_meter_usage_request_free(req);
    mpm_client_free(client);
    return status;
}
