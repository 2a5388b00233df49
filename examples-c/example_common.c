#include "example_common.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *env_first(const char *a, const char *b)
{
    const char *v = getenv(a);
    if ((v == NULL || v[0] == '\0') && b != NULL) {
        v = getenv(b);
    }
    return (v != NULL && v[0] != '\0') ? v : NULL;
}

static void print_usage(const char *prog, const char *summary, const example_option *options,
                        size_t option_count)
{
    size_t i;
    printf("usage: %s [options]\n%s\n\nConnection (default: the environment):\n", prog, summary);
    printf("  --endpoint URL           AWS_ENDPOINT_URL_MARKETPLACE_METERING, then AWS_ENDPOINT_URL\n");
    printf("  --region NAME            AWS_REGION, then AWS_DEFAULT_REGION (us-east-1 with an endpoint)\n");
    printf("  --access-key-id KEY      AWS_ACCESS_KEY_ID\n");
    printf("  --secret-access-key KEY  AWS_SECRET_ACCESS_KEY\n");
    printf("  --session-token TOKEN    AWS_SESSION_TOKEN\n\nOperation:\n");
    for (i = 0; i < option_count; i++) {
        printf("  --%-22s %s\n", options[i].name, options[i].help);
    }
}

/* Finds `--name` among the connection options; returns the slot for its value or NULL. */
static const char **connection_slot(example_connection *conn, const char *name)
{
    if (strcmp(name, "endpoint") == 0) {
        return &conn->endpoint;
    }
    if (strcmp(name, "region") == 0) {
        return &conn->region;
    }
    if (strcmp(name, "access-key-id") == 0) {
        return &conn->access_key_id;
    }
    if (strcmp(name, "secret-access-key") == 0) {
        return &conn->secret_access_key;
    }
    if (strcmp(name, "session-token") == 0) {
        return &conn->session_token;
    }
    return NULL;
}

static int set_option(const example_option *opt, const char *value)
{
    switch (opt->kind) {
    case EXAMPLE_OPT_FLAG:
        *opt->value = "1";
        return 1;
    case EXAMPLE_OPT_STRING:
        *opt->value = value;
        return 1;
    case EXAMPLE_OPT_MULTI:
        if (opt->multi->count == EXAMPLE_MAX_VALUES) {
            fprintf(stderr, "--%s: at most %d values\n", opt->name, EXAMPLE_MAX_VALUES);
            return 0;
        }
        opt->multi->values[opt->multi->count++] = value;
        return 1;
    }
    return 0;
}

int example_parse_args(int argc, char **argv, const char *summary, const example_option *options,
                       size_t option_count, example_connection *conn)
{
    int i;
    size_t j;

    conn->endpoint = env_first("AWS_ENDPOINT_URL_MARKETPLACE_METERING", "AWS_ENDPOINT_URL");
    conn->region = env_first("AWS_REGION", "AWS_DEFAULT_REGION");
    conn->access_key_id = env_first("AWS_ACCESS_KEY_ID", NULL);
    conn->secret_access_key = env_first("AWS_SECRET_ACCESS_KEY", NULL);
    conn->session_token = env_first("AWS_SESSION_TOKEN", NULL);

    for (i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *name;
        const char **slot;
        const example_option *opt = NULL;

        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            print_usage(argv[0], summary, options, option_count);
            return EXAMPLE_EXIT_OK;
        }
        if (strncmp(arg, "--", 2) != 0) {
            fprintf(stderr, "%s: unexpected argument '%s' (see --help)\n", argv[0], arg);
            return EXAMPLE_EXIT_USAGE;
        }
        name = arg + 2;
        slot = connection_slot(conn, name);
        for (j = 0; slot == NULL && opt == NULL && j < option_count; j++) {
            if (strcmp(name, options[j].name) == 0) {
                opt = &options[j];
            }
        }
        if (slot == NULL && opt == NULL) {
            fprintf(stderr, "%s: unknown option '%s' (see --help)\n", argv[0], arg);
            return EXAMPLE_EXIT_USAGE;
        }
        if (opt != NULL && opt->kind == EXAMPLE_OPT_FLAG) {
            set_option(opt, NULL);
            continue;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "%s: option '%s' needs a value\n", argv[0], arg);
            return EXAMPLE_EXIT_USAGE;
        }
        i++;
        if (slot != NULL) {
            *slot = argv[i];
        } else if (!set_option(opt, argv[i])) {
            return EXAMPLE_EXIT_USAGE;
        }
    }
    return -1;
}

/*
 * Formats the thread's last error as "NAME: message". The message is copied first: it is only
 * valid until the next call into mpmeter, and mpm_result_name is such a call.
 */
static const char *last_error_text(char *buf, size_t len)
{
    mpm_result code = mpm_last_error_code();
    size_t used;
    snprintf(buf, len, "%s", mpm_last_error_message());
    used = strlen(buf);
    snprintf(buf + used, len - used, " (%s)", mpm_result_name(code));
    return buf;
}

void example_print_last_error(const char *what)
{
    char text[1024];
    fprintf(stderr, "%s failed: %s\n", what, last_error_text(text, sizeof text));
}

int example_check(mpm_result result, const char *what)
{
    if (result == MPM_OK) {
        return 1;
    }
    example_print_last_error(what);
    return 0;
}

mpm_client *example_client_new(const example_connection *conn)
{
    mpm_credentials *credentials;
    mpm_client *client = NULL;

    if (conn->access_key_id == NULL || conn->secret_access_key == NULL) {
        fprintf(stderr, "no credentials: pass --access-key-id and --secret-access-key or set "
                        "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY\n");
        return NULL;
    }
    if (conn->endpoint == NULL && conn->region == NULL) {
        fprintf(stderr, "no region: pass --region or set AWS_REGION (or give an --endpoint)\n");
        return NULL;
    }
    credentials = mpm_credentials_new_basic(conn->access_key_id, conn->secret_access_key,
                                            conn->session_token);
    if (credentials == NULL) {
        example_print_last_error("mpm_credentials_new_basic");
        return NULL;
    }
    if (conn->endpoint != NULL) {
        client = mpm_client_new_with_endpoint(conn->endpoint, credentials);
        if (client == NULL) {
            example_print_last_error("mpm_client_new_with_endpoint");
        } else if (conn->region != NULL &&
                   !example_check(mpm_client_set_region_name(client, conn->region),
                                  "mpm_client_set_region_name")) {
            mpm_client_free(client);
            client = NULL;
        }
    } else {
        client = mpm_client_new_with_region_name(conn->region, credentials);
        if (client == NULL) {
            example_print_last_error("mpm_client_new_with_region_name");
        }
    }
    /* The client keeps its own reference to the credentials. */
    mpm_credentials_free(credentials);
    return client;
}

static void print_details(const mpm_response *response)
{
    printf("  request_id: %s\n", example_or_none(mpm_response_request_id(response)));
    printf("  http_status: %u\n", (unsigned)mpm_response_http_status(response));
    printf("  attempts: %u\n", (unsigned)mpm_response_attempts(response));
}

int example_finish(const char *operation, const mpm_response *response)
{
    mpm_result wait_result;
    mpm_result result;

    char text[1024];

    if (response == NULL) {
        printf("%s: not sent: %s\n", operation, last_error_text(text, sizeof text));
        return 0;
    }
    wait_result = mpm_response_wait(response, EXAMPLE_WAIT_MS);
    if (wait_result != MPM_OK) {
        printf("%s: no answer: %s\n", operation, last_error_text(text, sizeof text));
        return 0;
    }
    result = mpm_response_result(response);
    if (result == MPM_OK) {
        printf("%s: OK\n", operation);
        print_details(response);
        return 1;
    }
    printf("%s: FAILED\n", operation);
    printf("  result: %s\n", mpm_result_name(result));
    printf("  service_error: %s\n", example_service_error_name(mpm_response_service_error(response)));
    printf("  error_code: %s\n", example_or_none(mpm_response_error_code(response)));
    printf("  error_message: %s\n", example_or_none(mpm_response_error_message(response)));
    print_details(response);
    return 0;
}

int example_parse_int64(const char *text, int64_t min, int64_t max, const char *what,
                        int64_t *out)
{
    char *end = NULL;
    long long v;

    errno = 0;
    v = strtoll(text, &end, 10);
    if (text[0] == '\0' || end == NULL || *end != '\0' || errno != 0 || v < min || v > max) {
        fprintf(stderr, "%s: '%s' is not a whole number from %lld to %lld\n", what, text,
                (long long)min, (long long)max);
        return 0;
    }
    *out = (int64_t)v;
    return 1;
}

const char *example_service_error_name(mpm_service_error error)
{
    return mpm_service_error_name((uint32_t)error);
}

const char *example_record_status_name(mpm_record_status status)
{
    switch (status) {
    case MPM_RECORD_STATUS_NONE:
        return "MPM_RECORD_STATUS_NONE";
    case MPM_RECORD_STATUS_UNKNOWN:
        return "MPM_RECORD_STATUS_UNKNOWN";
    case MPM_RECORD_STATUS_SUCCESS:
        return "MPM_RECORD_STATUS_SUCCESS";
    case MPM_RECORD_STATUS_CUSTOMER_NOT_SUBSCRIBED:
        return "MPM_RECORD_STATUS_CUSTOMER_NOT_SUBSCRIBED";
    case MPM_RECORD_STATUS_DUPLICATE_RECORD:
        return "MPM_RECORD_STATUS_DUPLICATE_RECORD";
    default:
        return "MPM_RECORD_STATUS_(newer than this example)";
    }
}

int example_meter_usage_now(mpm_client *client, const char *product_code, const char *dimension,
                            int32_t quantity)
{
    mpm_meter_usage_request *req = mpm_meter_usage_request_new();
    mpm_response *resp;
    int status = EXAMPLE_EXIT_FAILED;

    if (req == NULL) {
        example_print_last_error("mpm_meter_usage_request_new");
        return EXAMPLE_EXIT_USAGE;
    }
    if (!example_check(mpm_meter_usage_request_set_product_code(req, product_code),
                       "product code") ||
        !example_check(mpm_meter_usage_request_set_usage_dimension(req, dimension), "dimension") ||
        !example_check(mpm_meter_usage_request_set_usage_quantity(req, quantity), "quantity") ||
        !example_check(mpm_meter_usage_request_set_timestamp(req, (int64_t)time(NULL)),
                       "timestamp")) {
        mpm_meter_usage_request_free(req);
        return EXAMPLE_EXIT_USAGE;
    }
    resp = mpm_client_meter_usage(client, req);
    if (example_finish("MeterUsage", resp)) {
        printf("  metering_record_id: %s\n",
               example_or_none(mpm_meter_usage_response_metering_record_id(resp)));
        status = EXAMPLE_EXIT_OK;
    }
    mpm_response_free(resp);
    mpm_meter_usage_request_free(req);
    return status;
}

const char *example_or_none(const char *s)
{
    return s != NULL ? s : "(none)";
}

void example_print_usage_record(const char *indent, const mpm_usage_record *record)
{
    int64_t timestamp = 0;
    int32_t quantity = 0;
    size_t i;
    size_t allocations = mpm_usage_record_usage_allocation_count(record);

    if (mpm_usage_record_timestamp(record, &timestamp) == MPM_OK) {
        printf("%stimestamp: %lld\n", indent, (long long)timestamp);
    } else {
        printf("%stimestamp: (none)\n", indent);
    }
    printf("%scustomer_identifier: %s\n", indent,
           example_or_none(mpm_usage_record_customer_identifier(record)));
    printf("%scustomer_aws_account_id: %s\n", indent,
           example_or_none(mpm_usage_record_customer_aws_account_id(record)));
    printf("%slicense_arn: %s\n", indent, example_or_none(mpm_usage_record_license_arn(record)));
    printf("%sdimension: %s\n", indent, example_or_none(mpm_usage_record_dimension(record)));
    if (mpm_usage_record_quantity(record, &quantity) == MPM_OK) {
        printf("%squantity: %ld\n", indent, (long)quantity);
    } else {
        printf("%squantity: (none)\n", indent);
    }
    printf("%squantity_as_decimal: %s\n", indent,
           example_or_none(mpm_usage_record_quantity_as_decimal(record)));
    printf("%susage_allocations: %lu\n", indent, (unsigned long)allocations);
    for (i = 0; i < allocations; i++) {
        const mpm_usage_allocation *a = mpm_usage_record_usage_allocation_at(record, i);
        size_t tags = mpm_usage_allocation_tag_count(a);
        size_t t;
        int32_t allocated = 0;
        if (mpm_usage_allocation_allocated_usage_quantity(a, &allocated) == MPM_OK) {
            printf("%s  allocation[%lu].quantity: %ld\n", indent, (unsigned long)i,
                   (long)allocated);
        } else {
            printf("%s  allocation[%lu].quantity_as_decimal: %s\n", indent, (unsigned long)i,
                   example_or_none(mpm_usage_allocation_allocated_usage_quantity_as_decimal(a)));
        }
        for (t = 0; t < tags; t++) {
            printf("%s  allocation[%lu].tag: %s=%s\n", indent, (unsigned long)i,
                   example_or_none(mpm_usage_allocation_tag_key_at(a, t)),
                   example_or_none(mpm_usage_allocation_tag_value_at(a, t)));
        }
    }
}
