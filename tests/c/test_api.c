/*
 * C test of the mpmeter API against a running mpm-emulator: every operation, every field of
 * each response, and every bad input the API must refuse with a code and a message.
 *
 *   test_api http://127.0.0.1:PORT
 *
 * Uses the emulator's default credentials and data, and its admin API (POST /__mpm/faults)
 * to provoke throttling, delays and unprocessed records. Exits 0 only if every check passed.
 */
#define _POSIX_C_SOURCE 200809L

#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "mpmeter.h"
#include "monotonic_cond.h"

#define AKID "AKIAIOSFODNN7EXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
#define PRODUCT "demo-product"
#define LICENSE "arn:aws:license-manager::111122223333:license:l-demo0000000000000000001"
#define WAIT_MS 30000

static int checks;
static int failures;
static const char *endpoint;
static char host[64];
static char port[16];

static void check_at(int ok, const char *what, int line)
{
    checks++;
    if (!ok) {
        failures++;
        fprintf(stderr, "FAIL test_api.c:%d: %s\n", line, what);
    }
}
#define CHECK(cond) check_at((cond) ? 1 : 0, #cond, __LINE__)

static int str_eq(const char *a, const char *b)
{
    return a != NULL && b != NULL && strcmp(a, b) == 0;
}

static int non_empty(const char *s)
{
    return s != NULL && s[0] != '\0';
}

/* The call's result and the last error both hold `want`, with a message saying why. */
static void expect_code_at(mpm_result got, mpm_result want, const char *what, int line)
{
    /* Copy the message first: it is valid only until the next call into mpmeter. */
    mpm_result last = mpm_last_error_code();
    char message[512];
    int ok;
    snprintf(message, sizeof message, "%s", mpm_last_error_message());
    ok = got == want && last == want && message[0] != '\0';
    if (!ok) {
        fprintf(stderr, "  %s: got %s (last error %s: '%s'), want %s\n", what,
                mpm_result_name(got), mpm_result_name(last), message, mpm_result_name(want));
    }
    check_at(ok, what, line);
}
#define EXPECT_CODE(call, want) expect_code_at((call), (want), #call, __LINE__)

/* A NULL/false/0 return with `want` as the last error and a message. */
#define EXPECT_FAIL(call, want) \
    expect_code_at((call) ? MPM_OK : mpm_last_error_code(), (want), #call, __LINE__)

/* ---- the emulator's admin API, over a plain socket ---- */

static int admin_request(const char *method, const char *path, const char *body)
{
    struct addrinfo hints;
    struct addrinfo *ai = NULL;
    char req[1024];
    char resp[512];
    int fd;
    int n;
    int status = -1;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, port, &hints, &ai) != 0) {
        return -1;
    }
    fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
        n = snprintf(req, sizeof req,
                     "%s %s HTTP/1.1\r\nHost: %s:%s\r\nContent-Type: application/json\r\n"
                     "Content-Length: %lu\r\nConnection: close\r\n\r\n%s",
                     method, path, host, port, (unsigned long)strlen(body), body);
        if (write(fd, req, (size_t)n) == n) {
            n = (int)read(fd, resp, sizeof resp - 1);
            if (n > 12) {
                resp[n] = '\0';
                status = atoi(resp + 9);
            }
        }
    }
    if (fd >= 0) {
        close(fd);
    }
    freeaddrinfo(ai);
    return status;
}

static void add_fault(const char *json)
{
    int status = admin_request("POST", "/__mpm/faults", json);
    check_at(status >= 200 && status < 300, json, __LINE__);
}

static void parse_endpoint(const char *url)
{
    const char *h = strstr(url, "://");
    const char *colon;
    h = h != NULL ? h + 3 : url;
    colon = strrchr(h, ':');
    if (colon == NULL || (size_t)(colon - h) >= sizeof host) {
        fprintf(stderr, "test_api: endpoint must be http://HOST:PORT, got '%s'\n", url);
        exit(2);
    }
    memcpy(host, h, (size_t)(colon - h));
    host[colon - h] = '\0';
    snprintf(port, sizeof port, "%s", colon + 1);
    port[strcspn(port, "/")] = '\0';
}

/* ---- helpers ---- */

static mpm_client *emulator_client(void)
{
    mpm_credentials *creds = mpm_credentials_new_basic(AKID, SECRET, NULL);
    mpm_client *client = mpm_client_new_with_endpoint(endpoint, creds);
    CHECK(creds != NULL && client != NULL);
    mpm_credentials_free(creds); /* the client keeps its own reference */
    return client;
}

static int finished_ok(const mpm_response *resp)
{
    return resp != NULL && mpm_response_wait(resp, WAIT_MS) == MPM_OK &&
           mpm_response_result(resp) == MPM_OK;
}

/* Every outcome getter of a successful response. */
static void check_success_outcome(const mpm_response *resp, mpm_operation op)
{
    CHECK(mpm_response_is_finished(resp));
    CHECK(mpm_response_result(resp) == MPM_OK);
    CHECK(mpm_response_operation(resp) == op);
    CHECK(mpm_response_service_error(resp) == MPM_SERVICE_ERROR_NONE);
    EXPECT_FAIL(mpm_response_error_code(resp), MPM_ERR_NOT_SET);
    EXPECT_FAIL(mpm_response_error_message(resp), MPM_ERR_NOT_SET);
    CHECK(non_empty(mpm_response_request_id(resp)));
    CHECK(mpm_response_http_status(resp) == 200);
    CHECK(mpm_response_attempts(resp) >= 1);
}

/* ---- tests ---- */

static void test_version_and_names(void)
{
    char want[64];
    snprintf(want, sizeof want, "%d.%d.%d", MPM_VERSION_MAJOR, MPM_VERSION_MINOR,
             MPM_VERSION_PATCH);
    CHECK(str_eq(mpm_version(), want));
    CHECK(str_eq(mpm_result_name(MPM_OK), "MPM_OK"));
    CHECK(str_eq(mpm_result_name(MPM_ERR_NULL_ARGUMENT), "MPM_ERR_NULL_ARGUMENT"));
    CHECK(str_eq(mpm_result_name(MPM_ERR_SERVICE), "MPM_ERR_SERVICE"));
    CHECK(str_eq(mpm_result_name(MPM_ERR_INVALID_RESPONSE), "MPM_ERR_INVALID_RESPONSE"));
    CHECK(str_eq(mpm_result_name(0xDEADBEEFu), "MPM_UNKNOWN_RESULT"));
}

static void test_free_null(void)
{
    mpm_client_free(NULL);
    mpm_credentials_free(NULL);
    mpm_response_free(NULL);
    mpm_meter_usage_request_free(NULL);
    mpm_batch_meter_usage_request_free(NULL);
    mpm_resolve_customer_request_free(NULL);
    mpm_register_usage_request_free(NULL);
    mpm_usage_record_free(NULL);
    mpm_usage_allocation_free(NULL);
    CHECK(1);
}

static void test_credentials(void)
{
    mpm_credentials *c;
    EXPECT_FAIL(mpm_credentials_new_basic(NULL, SECRET, NULL), MPM_ERR_NULL_ARGUMENT);
    EXPECT_FAIL(mpm_credentials_new_basic(AKID, NULL, NULL), MPM_ERR_NULL_ARGUMENT);
    EXPECT_FAIL(mpm_credentials_new_basic("AKID\xff\xfe", SECRET, NULL), MPM_ERR_INVALID_UTF8);
    EXPECT_FAIL(mpm_credentials_new_basic(AKID, SECRET, "tok\xc3\x28"), MPM_ERR_INVALID_UTF8);
    EXPECT_FAIL(mpm_credentials_new_basic("", SECRET, NULL), MPM_ERR_INVALID_ARGUMENT);
    EXPECT_FAIL(mpm_credentials_new_basic(AKID, "", NULL), MPM_ERR_INVALID_ARGUMENT);
    c = mpm_credentials_new_basic(AKID, SECRET, "session-token");
    CHECK(c != NULL && mpm_last_error_code() == MPM_OK);
    mpm_credentials_free(c);
    c = mpm_credentials_new_anonymous();
    CHECK(c != NULL);
    mpm_credentials_free(c);
}

static void test_client(void)
{
    mpm_credentials *creds = mpm_credentials_new_basic(AKID, SECRET, NULL);
    mpm_client *c;
    char buf[256];
    char small[5];
    size_t n;

    EXPECT_FAIL(mpm_client_new(0xDEADBEEFu, creds), MPM_ERR_UNKNOWN_ENUM);
    EXPECT_FAIL(mpm_client_new(MPM_REGION_US_EAST_1, NULL), MPM_ERR_NULL_ARGUMENT);
    EXPECT_FAIL(mpm_client_new_with_region_name(NULL, creds), MPM_ERR_NULL_ARGUMENT);
    EXPECT_FAIL(mpm_client_new_with_region_name("eu-west-1\xff", creds), MPM_ERR_INVALID_UTF8);
    EXPECT_FAIL(mpm_client_new_with_region_name("not a region!", creds), MPM_ERR_ENDPOINT);
    EXPECT_FAIL(mpm_client_new_with_endpoint(NULL, creds), MPM_ERR_NULL_ARGUMENT);
    EXPECT_FAIL(mpm_client_new_with_endpoint("not a url", creds), MPM_ERR_ENDPOINT);
    EXPECT_FAIL(mpm_client_new_with_endpoint("http://\xc3\x28", creds), MPM_ERR_INVALID_UTF8);

    c = mpm_client_new(MPM_REGION_US_EAST_1, creds);
    CHECK(c != NULL);
    mpm_credentials_free(creds);
    CHECK(str_eq(mpm_client_api_version(c), "2016-01-14"));
    CHECK(str_eq(mpm_client_endpoint_prefix(c), "metering.marketplace"));
    CHECK(str_eq(mpm_client_service_name(c), "aws-marketplace"));
    CHECK(str_eq(mpm_client_service_full_name(c), "AWSMarketplace Metering"));
    EXPECT_FAIL(mpm_client_api_version(NULL), MPM_ERR_NULL_ARGUMENT);
    CHECK(mpm_client_region(c) == MPM_REGION_US_EAST_1);
    n = mpm_client_region_name(c, buf, sizeof buf);
    CHECK(n == strlen("us-east-1") && str_eq(buf, "us-east-1"));
    n = mpm_client_endpoint(c, NULL, 0);
    CHECK(n > 0 && n < sizeof buf);
    CHECK(mpm_client_endpoint(c, buf, sizeof buf) == n && strlen(buf) == n);
    CHECK(strstr(buf, "https://metering.marketplace.us-east-1.") == buf);
    CHECK(mpm_client_endpoint(c, small, sizeof small) == n && strlen(small) == 4);

    EXPECT_CODE(mpm_client_set_region(c, 0xDEADBEEFu), MPM_ERR_UNKNOWN_ENUM);
    EXPECT_CODE(mpm_client_set_region(NULL, MPM_REGION_US_EAST_1), MPM_ERR_NULL_ARGUMENT);
    EXPECT_CODE(mpm_client_set_region_name(c, NULL), MPM_ERR_NULL_ARGUMENT);
    EXPECT_CODE(mpm_client_set_endpoint(c, "not a url"), MPM_ERR_ENDPOINT);
    EXPECT_CODE(mpm_client_set_credentials(c, NULL), MPM_ERR_NULL_ARGUMENT);
    CHECK(mpm_client_set_region_name(c, "eu-west-1") == MPM_OK);
    CHECK(mpm_client_region(c) == MPM_REGION_EU_WEST_1);
    mpm_client_endpoint(c, buf, sizeof buf);
    CHECK(strstr(buf, "eu-west-1") != NULL);
    CHECK(mpm_client_set_endpoint(c, endpoint) == MPM_OK);
    mpm_client_endpoint(c, buf, sizeof buf);
    CHECK(strncmp(buf, endpoint, strlen(endpoint)) == 0);
    mpm_client_region_name(c, buf, sizeof buf);
    CHECK(str_eq(buf, "eu-west-1"));
    mpm_client_free(c);
}

static void test_request_validation(void)
{
    char long_str[300];
    mpm_meter_usage_request *mu = mpm_meter_usage_request_new();
    mpm_batch_meter_usage_request *bmu = mpm_batch_meter_usage_request_new();
    mpm_resolve_customer_request *rc = mpm_resolve_customer_request_new();
    mpm_register_usage_request *ru = mpm_register_usage_request_new();
    mpm_usage_record *rec = mpm_usage_record_new();
    mpm_usage_allocation *alloc = mpm_usage_allocation_new();
    mpm_client *client = emulator_client();
    int i;

    memset(long_str, 'a', sizeof long_str - 1);
    long_str[sizeof long_str - 1] = '\0';

    /* MeterUsage */
    EXPECT_CODE(mpm_meter_usage_request_set_product_code(NULL, PRODUCT), MPM_ERR_NULL_ARGUMENT);
    EXPECT_CODE(mpm_meter_usage_request_set_product_code(mu, NULL), MPM_ERR_NULL_ARGUMENT);
    EXPECT_CODE(mpm_meter_usage_request_set_product_code(mu, long_str), MPM_ERR_INVALID_ARGUMENT);
    EXPECT_CODE(mpm_meter_usage_request_set_product_code(mu, "bad product!"), MPM_ERR_INVALID_ARGUMENT);
    EXPECT_CODE(mpm_meter_usage_request_set_usage_dimension(mu, "users\xc3\x28"), MPM_ERR_INVALID_UTF8);
    EXPECT_CODE(mpm_meter_usage_request_set_usage_dimension(mu, ""), MPM_ERR_INVALID_ARGUMENT);
    EXPECT_CODE(mpm_meter_usage_request_set_timestamp(mu, -1), MPM_ERR_INVALID_ARGUMENT);
    EXPECT_CODE(mpm_meter_usage_request_set_timestamp(mu, 253402300800LL), MPM_ERR_INVALID_ARGUMENT);
    EXPECT_CODE(mpm_meter_usage_request_set_usage_quantity(mu, -1), MPM_ERR_INVALID_ARGUMENT);
    EXPECT_CODE(mpm_meter_usage_request_set_usage_quantity_as_decimal(mu, "abc"), MPM_ERR_INVALID_ARGUMENT);
    EXPECT_CODE(mpm_meter_usage_request_set_usage_quantity_as_decimal(mu, "12345678901.5"), MPM_ERR_INVALID_ARGUMENT);
    EXPECT_CODE(mpm_meter_usage_request_set_client_token(mu, long_str), MPM_ERR_INVALID_ARGUMENT);
    EXPECT_CODE(mpm_meter_usage_request_add_usage_allocation(mu, NULL), MPM_ERR_NULL_ARGUMENT);
    EXPECT_FAIL(mpm_meter_usage_request_is_valid(mu), MPM_ERR_INVALID_REQUEST);
    EXPECT_FAIL(mpm_meter_usage_request_is_valid(NULL), MPM_ERR_NULL_ARGUMENT);
    EXPECT_FAIL(mpm_client_meter_usage(client, mu), MPM_ERR_INVALID_REQUEST);
    EXPECT_FAIL(mpm_client_meter_usage(NULL, mu), MPM_ERR_NULL_ARGUMENT);
    EXPECT_FAIL(mpm_client_meter_usage(client, NULL), MPM_ERR_NULL_ARGUMENT);
    /* Allocations must sum to the quantity. */
    CHECK(mpm_meter_usage_request_set_product_code(mu, PRODUCT) == MPM_OK);
    CHECK(mpm_meter_usage_request_set_usage_dimension(mu, "users") == MPM_OK);
    CHECK(mpm_meter_usage_request_set_timestamp(mu, (int64_t)time(NULL)) == MPM_OK);
    CHECK(mpm_meter_usage_request_set_usage_quantity(mu, 5) == MPM_OK);
    CHECK(mpm_meter_usage_request_is_valid(mu));
    CHECK(mpm_usage_allocation_set_allocated_usage_quantity(alloc, 4) == MPM_OK);
    CHECK(mpm_meter_usage_request_add_usage_allocation(mu, alloc) == MPM_OK);
    EXPECT_FAIL(mpm_meter_usage_request_is_valid(mu), MPM_ERR_INVALID_REQUEST);
    CHECK(mpm_meter_usage_request_clear_usage_allocations(mu) == MPM_OK);
    CHECK(mpm_meter_usage_request_is_valid(mu));

    /* UsageAllocation */
    EXPECT_CODE(mpm_usage_allocation_set_allocated_usage_quantity(alloc, -3), MPM_ERR_INVALID_ARGUMENT);
    EXPECT_CODE(mpm_usage_allocation_set_allocated_usage_quantity_as_decimal(alloc, "1.2.3"), MPM_ERR_INVALID_ARGUMENT);
    EXPECT_CODE(mpm_usage_allocation_add_tag(alloc, NULL, "v"), MPM_ERR_NULL_ARGUMENT);
    EXPECT_CODE(mpm_usage_allocation_add_tag(alloc, "k", NULL), MPM_ERR_NULL_ARGUMENT);
    EXPECT_CODE(mpm_usage_allocation_add_tag(alloc, "bad{key", "v"), MPM_ERR_INVALID_ARGUMENT);
    EXPECT_CODE(mpm_usage_allocation_add_tag(alloc, "k\xff", "v"), MPM_ERR_INVALID_UTF8);
    EXPECT_CODE(mpm_usage_allocation_add_tag(alloc, long_str, "v"), MPM_ERR_INVALID_ARGUMENT);
    for (i = 0; i < 5; i++) {
        char key[8];
        snprintf(key, sizeof key, "k%d", i);
        CHECK(mpm_usage_allocation_add_tag(alloc, key, "v") == MPM_OK);
    }
    EXPECT_CODE(mpm_usage_allocation_add_tag(alloc, "k5", "v"), MPM_ERR_INVALID_ARGUMENT);
    CHECK(mpm_usage_allocation_tag_count(alloc) == 5);
    EXPECT_FAIL(mpm_usage_allocation_tag_key_at(alloc, 5), MPM_ERR_INDEX_OUT_OF_RANGE);
    EXPECT_FAIL(mpm_usage_allocation_tag_value_at(alloc, 99), MPM_ERR_INDEX_OUT_OF_RANGE);
    CHECK(str_eq(mpm_usage_allocation_tag_key_at(alloc, 4), "k4"));
    CHECK(mpm_usage_allocation_tag_count(NULL) == 0 && mpm_last_error_code() == MPM_ERR_NULL_ARGUMENT);

    /* UsageRecord and BatchMeterUsage */
    EXPECT_CODE(mpm_usage_record_set_quantity(rec, -1), MPM_ERR_INVALID_ARGUMENT);
    EXPECT_CODE(mpm_usage_record_set_timestamp(rec, 253402300800LL), MPM_ERR_INVALID_ARGUMENT);
    /* NULL clears an optional member. */
    CHECK(mpm_usage_record_set_customer_identifier(rec, "someone") == MPM_OK);
    CHECK(mpm_usage_record_set_customer_identifier(rec, NULL) == MPM_OK);
    EXPECT_FAIL(mpm_usage_record_customer_identifier(rec), MPM_ERR_NOT_SET);
    EXPECT_CODE(mpm_usage_record_set_customer_identifier(rec, "c\xc3\x28"), MPM_ERR_INVALID_UTF8);
    EXPECT_CODE(mpm_usage_record_set_dimension(rec, long_str), MPM_ERR_INVALID_ARGUMENT);
    EXPECT_CODE(mpm_usage_record_set_quantity_as_decimal(rec, "-1.5"), MPM_ERR_INVALID_ARGUMENT);
    EXPECT_CODE(mpm_usage_record_set_license_arn(rec, "not-an-arn"), MPM_ERR_INVALID_ARGUMENT);
    EXPECT_CODE(mpm_usage_record_set_customer_aws_account_id(rec, "12a45"), MPM_ERR_INVALID_ARGUMENT);
    EXPECT_FAIL(mpm_usage_record_dimension(rec), MPM_ERR_NOT_SET);
    EXPECT_FAIL(mpm_usage_record_is_valid(rec), MPM_ERR_INVALID_REQUEST);
    EXPECT_CODE(mpm_batch_meter_usage_request_add_usage_record(bmu, NULL), MPM_ERR_NULL_ARGUMENT);
    EXPECT_CODE(mpm_batch_meter_usage_request_set_product_code(bmu, "bad product!"), MPM_ERR_INVALID_ARGUMENT);
    CHECK(mpm_usage_record_set_customer_identifier(rec, "demo-customer-1") == MPM_OK);
    CHECK(mpm_usage_record_set_dimension(rec, "users") == MPM_OK);
    CHECK(mpm_usage_record_set_timestamp(rec, (int64_t)time(NULL)) == MPM_OK);
    CHECK(mpm_usage_record_set_quantity(rec, 1) == MPM_OK);
    CHECK(mpm_usage_record_is_valid(rec));
    for (i = 0; i < 25; i++) {
        CHECK(mpm_batch_meter_usage_request_add_usage_record(bmu, rec) == MPM_OK);
    }
    EXPECT_CODE(mpm_batch_meter_usage_request_add_usage_record(bmu, rec), MPM_ERR_INVALID_ARGUMENT);
    CHECK(mpm_batch_meter_usage_request_usage_record_count(bmu) == 25);
    /* No ProductCode and no LicenseArn: not sendable. */
    EXPECT_FAIL(mpm_batch_meter_usage_request_is_valid(bmu), MPM_ERR_INVALID_REQUEST);
    EXPECT_FAIL(mpm_client_batch_meter_usage(client, bmu), MPM_ERR_INVALID_REQUEST);
    CHECK(mpm_batch_meter_usage_request_clear_usage_records(bmu) == MPM_OK);
    CHECK(mpm_batch_meter_usage_request_usage_record_count(bmu) == 0);

    /* ResolveCustomer */
    EXPECT_CODE(mpm_resolve_customer_request_set_registration_token(rc, NULL), MPM_ERR_NULL_ARGUMENT);
    EXPECT_CODE(mpm_resolve_customer_request_set_registration_token(rc, ""), MPM_ERR_INVALID_ARGUMENT);
    EXPECT_CODE(mpm_resolve_customer_request_set_registration_token(rc, "tok\xff"), MPM_ERR_INVALID_UTF8);
    EXPECT_FAIL(mpm_resolve_customer_request_is_valid(rc), MPM_ERR_INVALID_REQUEST);
    EXPECT_FAIL(mpm_client_resolve_customer(client, rc), MPM_ERR_INVALID_REQUEST);

    /* RegisterUsage */
    EXPECT_CODE(mpm_register_usage_request_set_public_key_version(ru, 0), MPM_ERR_INVALID_ARGUMENT);
    EXPECT_CODE(mpm_register_usage_request_set_public_key_version(ru, -7), MPM_ERR_INVALID_ARGUMENT);
    EXPECT_CODE(mpm_register_usage_request_set_nonce(ru, long_str), MPM_ERR_INVALID_ARGUMENT);
    EXPECT_CODE(mpm_register_usage_request_set_product_code(ru, NULL), MPM_ERR_NULL_ARGUMENT);
    CHECK(mpm_register_usage_request_set_product_code(ru, PRODUCT) == MPM_OK);
    EXPECT_FAIL(mpm_register_usage_request_is_valid(ru), MPM_ERR_INVALID_REQUEST);
    EXPECT_FAIL(mpm_client_register_usage(client, ru), MPM_ERR_INVALID_REQUEST);

    /* Response getters on NULL */
    EXPECT_CODE(mpm_response_result(NULL), MPM_ERR_NULL_ARGUMENT);
    EXPECT_CODE(mpm_response_wait(NULL, 0), MPM_ERR_NULL_ARGUMENT);
    EXPECT_CODE(mpm_response_cancel(NULL), MPM_ERR_NULL_ARGUMENT);
    EXPECT_FAIL(mpm_response_request_id(NULL), MPM_ERR_NULL_ARGUMENT);
    EXPECT_FAIL(mpm_usage_record_result_status_name(NULL), MPM_ERR_NULL_ARGUMENT);

    mpm_client_free(client);
    mpm_usage_allocation_free(alloc);
    mpm_usage_record_free(rec);
    mpm_register_usage_request_free(ru);
    mpm_resolve_customer_request_free(rc);
    mpm_batch_meter_usage_request_free(bmu);
    mpm_meter_usage_request_free(mu);
}

static void test_meter_usage(mpm_client *client)
{
    mpm_meter_usage_request *req = mpm_meter_usage_request_new();
    mpm_usage_allocation *a = mpm_usage_allocation_new();
    mpm_response *resp;
    size_t n = 0;

    CHECK(mpm_meter_usage_request_set_product_code(req, PRODUCT) == MPM_OK);
    CHECK(mpm_meter_usage_request_set_timestamp(req, (int64_t)time(NULL) - 60) == MPM_OK);
    CHECK(mpm_meter_usage_request_set_usage_dimension(req, "hosts") == MPM_OK);
    CHECK(mpm_meter_usage_request_set_usage_quantity(req, 7) == MPM_OK);
    CHECK(mpm_usage_allocation_set_allocated_usage_quantity(a, 7) == MPM_OK);
    CHECK(mpm_usage_allocation_add_tag(a, "team", "metering") == MPM_OK);
    CHECK(mpm_meter_usage_request_add_usage_allocation(req, a) == MPM_OK);
    mpm_usage_allocation_free(a); /* the request holds a copy */
    CHECK(mpm_meter_usage_request_is_valid(req));

    /* One throttle fault: the client retries once. */
    add_fault("{\"mode\":\"throttle\",\"count\":1,\"operation\":\"MeterUsage\"}");
    resp = mpm_client_meter_usage(client, req);
    mpm_meter_usage_request_free(req); /* the call holds a copy */
    CHECK(resp != NULL);
    CHECK(finished_ok(resp));
    check_success_outcome(resp, MPM_OPERATION_METER_USAGE);
    CHECK(mpm_response_attempts(resp) == 2);
    CHECK(non_empty(mpm_meter_usage_response_metering_record_id(resp)));
    /* Typed getters of other operations refuse. */
    EXPECT_FAIL(mpm_resolve_customer_response_product_code(resp), MPM_ERR_WRONG_OPERATION);
    EXPECT_FAIL(mpm_register_usage_response_signature(resp), MPM_ERR_WRONG_OPERATION);
    EXPECT_CODE(mpm_batch_meter_usage_response_result_count(resp, &n), MPM_ERR_WRONG_OPERATION);
    mpm_response_free(resp);
}

static void test_meter_usage_stale(mpm_client *client)
{
    mpm_meter_usage_request *req = mpm_meter_usage_request_new();
    mpm_response *resp;

    CHECK(mpm_meter_usage_request_set_product_code(req, PRODUCT) == MPM_OK);
    CHECK(mpm_meter_usage_request_set_timestamp(req, (int64_t)time(NULL) - 86400) == MPM_OK);
    CHECK(mpm_meter_usage_request_set_usage_dimension(req, "users") == MPM_OK);
    CHECK(mpm_meter_usage_request_set_usage_quantity_as_decimal(req, "2.5") == MPM_OK);
    resp = mpm_client_meter_usage(client, req);
    CHECK(resp != NULL && mpm_response_wait(resp, WAIT_MS) == MPM_OK);
    CHECK(mpm_response_result(resp) == MPM_ERR_SERVICE);
    CHECK(mpm_response_service_error(resp) == MPM_SERVICE_ERROR_TIMESTAMP_OUT_OF_BOUNDS);
    CHECK(str_eq(mpm_response_error_code(resp), "TimestampOutOfBoundsException"));
    CHECK(non_empty(mpm_response_error_message(resp)));
    CHECK(non_empty(mpm_response_request_id(resp)));
    CHECK(mpm_response_http_status(resp) == 400);
    CHECK(mpm_response_attempts(resp) == 1);
    EXPECT_FAIL(mpm_meter_usage_response_metering_record_id(resp), MPM_ERR_NO_OUTPUT);
    mpm_response_free(resp);
    mpm_meter_usage_request_free(req);
}

static void check_record(const mpm_usage_record *r, const char *customer, const char *account,
                         const char *dimension, int32_t quantity, const char *decimal,
                         int64_t timestamp)
{
    int64_t ts = 0;
    int32_t q = -1;
    CHECK(r != NULL);
    CHECK(mpm_usage_record_timestamp(r, &ts) == MPM_OK && ts == timestamp);
    CHECK(customer == NULL ? mpm_usage_record_customer_identifier(r) == NULL
                           : str_eq(mpm_usage_record_customer_identifier(r), customer));
    CHECK(account == NULL ? mpm_usage_record_customer_aws_account_id(r) == NULL
                          : str_eq(mpm_usage_record_customer_aws_account_id(r), account));
    CHECK(str_eq(mpm_usage_record_dimension(r), dimension));
    if (decimal != NULL) {
        CHECK(str_eq(mpm_usage_record_quantity_as_decimal(r), decimal));
        EXPECT_CODE(mpm_usage_record_quantity(r, &q), MPM_ERR_NOT_SET);
    } else {
        CHECK(mpm_usage_record_quantity(r, &q) == MPM_OK && q == quantity);
        EXPECT_FAIL(mpm_usage_record_quantity_as_decimal(r), MPM_ERR_NOT_SET);
    }
    EXPECT_FAIL(mpm_usage_record_license_arn(r), MPM_ERR_NOT_SET);
}

static mpm_usage_record *make_record(const char *customer, const char *account,
                                     const char *dimension, int32_t quantity, const char *decimal,
                                     int64_t timestamp)
{
    mpm_usage_record *r = mpm_usage_record_new();
    if (customer != NULL) {
        CHECK(mpm_usage_record_set_customer_identifier(r, customer) == MPM_OK);
    }
    if (account != NULL) {
        CHECK(mpm_usage_record_set_customer_aws_account_id(r, account) == MPM_OK);
    }
    CHECK(mpm_usage_record_set_dimension(r, dimension) == MPM_OK);
    if (decimal != NULL) {
        CHECK(mpm_usage_record_set_quantity_as_decimal(r, decimal) == MPM_OK);
    } else {
        CHECK(mpm_usage_record_set_quantity(r, quantity) == MPM_OK);
    }
    CHECK(mpm_usage_record_set_timestamp(r, timestamp) == MPM_OK);
    return r;
}

static void test_batch_meter_usage(mpm_client *client)
{
    int64_t ts = (int64_t)time(NULL) - 120;
    mpm_batch_meter_usage_request *req = mpm_batch_meter_usage_request_new();
    mpm_batch_meter_usage_request *retry = mpm_batch_meter_usage_request_new();
    mpm_usage_record *recs[3];
    mpm_response *resp;
    mpm_response *resp2;
    const mpm_usage_record_result *res;
    size_t n = 99;
    size_t i;

    recs[0] = make_record("demo-customer-1", NULL, "users", 4, NULL, ts);
    recs[1] = make_record(NULL, "444455556666", "data_gb", 0, "12.25", ts);
    recs[2] = make_record("unsubscribed-customer", NULL, "hosts", 1, NULL, ts);
    CHECK(mpm_batch_meter_usage_request_set_product_code(req, PRODUCT) == MPM_OK);
    for (i = 0; i < 3; i++) {
        CHECK(mpm_batch_meter_usage_request_add_usage_record(req, recs[i]) == MPM_OK);
        mpm_usage_record_free(recs[i]);
    }
    CHECK(mpm_batch_meter_usage_request_is_valid(req));

    resp = mpm_client_batch_meter_usage(client, req);
    CHECK(finished_ok(resp));
    check_success_outcome(resp, MPM_OPERATION_BATCH_METER_USAGE);
    CHECK(mpm_batch_meter_usage_response_result_count(resp, &n) == MPM_OK && n == 3);
    EXPECT_CODE(mpm_batch_meter_usage_response_result_count(resp, NULL), MPM_ERR_NULL_ARGUMENT);
    EXPECT_FAIL(mpm_batch_meter_usage_response_result_at(resp, 3), MPM_ERR_INDEX_OUT_OF_RANGE);

    res = mpm_batch_meter_usage_response_result_at(resp, 0);
    CHECK(mpm_usage_record_result_status(res) == MPM_RECORD_STATUS_SUCCESS);
    CHECK(str_eq(mpm_usage_record_result_status_name(res), "Success"));
    CHECK(non_empty(mpm_usage_record_result_metering_record_id(res)));
    check_record(mpm_usage_record_result_usage_record(res), "demo-customer-1", NULL, "users", 4,
                 NULL, ts);
    res = mpm_batch_meter_usage_response_result_at(resp, 1);
    CHECK(mpm_usage_record_result_status(res) == MPM_RECORD_STATUS_SUCCESS);
    CHECK(non_empty(mpm_usage_record_result_metering_record_id(res)));
    check_record(mpm_usage_record_result_usage_record(res), NULL, "444455556666", "data_gb", 0,
                 "12.25", ts);
    res = mpm_batch_meter_usage_response_result_at(resp, 2);
    CHECK(mpm_usage_record_result_status(res) == MPM_RECORD_STATUS_CUSTOMER_NOT_SUBSCRIBED);
    CHECK(str_eq(mpm_usage_record_result_status_name(res), "CustomerNotSubscribed"));
    EXPECT_FAIL(mpm_usage_record_result_metering_record_id(res), MPM_ERR_NOT_SET);
    check_record(mpm_usage_record_result_usage_record(res), "unsubscribed-customer", NULL, "hosts",
                 1, NULL, ts);
    CHECK(mpm_batch_meter_usage_response_unprocessed_count(resp, &n) == MPM_OK && n == 0);
    EXPECT_FAIL(mpm_batch_meter_usage_response_unprocessed_at(resp, 0), MPM_ERR_INDEX_OUT_OF_RANGE);
    EXPECT_FAIL(mpm_meter_usage_response_metering_record_id(resp), MPM_ERR_WRONG_OPERATION);

    /* The same records again: de-duplicated, the same metering record id comes back. */
    resp2 = mpm_client_batch_meter_usage(client, req);
    CHECK(finished_ok(resp2));
    res = mpm_batch_meter_usage_response_result_at(resp2, 0);
    CHECK(mpm_usage_record_result_status(res) == MPM_RECORD_STATUS_SUCCESS);
    CHECK(str_eq(mpm_usage_record_result_metering_record_id(res),
                 mpm_usage_record_result_metering_record_id(
                     mpm_batch_meter_usage_response_result_at(resp, 0))));
    mpm_response_free(resp2);
    mpm_response_free(resp);

    /* Same customer, dimension and hour with another quantity: DuplicateRecord. */
    CHECK(mpm_batch_meter_usage_request_clear_usage_records(req) == MPM_OK);
    recs[0] = make_record("demo-customer-1", NULL, "users", 5, NULL, ts);
    CHECK(mpm_batch_meter_usage_request_add_usage_record(req, recs[0]) == MPM_OK);
    mpm_usage_record_free(recs[0]);
    resp = mpm_client_batch_meter_usage(client, req);
    CHECK(finished_ok(resp));
    res = mpm_batch_meter_usage_response_result_at(resp, 0);
    CHECK(mpm_usage_record_result_status(res) == MPM_RECORD_STATUS_DUPLICATE_RECORD);
    CHECK(str_eq(mpm_usage_record_result_status_name(res), "DuplicateRecord"));
    EXPECT_FAIL(mpm_usage_record_result_metering_record_id(res), MPM_ERR_NOT_SET);
    mpm_response_free(resp);

    /* Unprocessed records can be sent again as they are. */
    CHECK(mpm_batch_meter_usage_request_clear_usage_records(req) == MPM_OK);
    recs[0] = make_record("demo-customer-2", NULL, "users", 2, NULL, ts - 60);
    recs[1] = make_record("demo-customer-2", NULL, "hosts", 3, NULL, ts - 60);
    for (i = 0; i < 2; i++) {
        CHECK(mpm_batch_meter_usage_request_add_usage_record(req, recs[i]) == MPM_OK);
        mpm_usage_record_free(recs[i]);
    }
    add_fault("{\"mode\":\"unprocessed\",\"count\":1,\"unprocessed_count\":1}");
    resp = mpm_client_batch_meter_usage(client, req);
    CHECK(finished_ok(resp));
    CHECK(mpm_batch_meter_usage_response_result_count(resp, &n) == MPM_OK && n == 1);
    CHECK(mpm_batch_meter_usage_response_unprocessed_count(resp, &n) == MPM_OK && n == 1);
    check_record(mpm_batch_meter_usage_response_unprocessed_at(resp, 0), "demo-customer-2", NULL,
                 "hosts", 3, NULL, ts - 60);
    CHECK(mpm_batch_meter_usage_request_set_product_code(retry, PRODUCT) == MPM_OK);
    CHECK(mpm_batch_meter_usage_request_add_usage_record(
              retry, mpm_batch_meter_usage_response_unprocessed_at(resp, 0)) == MPM_OK);
    mpm_response_free(resp);
    resp = mpm_client_batch_meter_usage(client, retry);
    CHECK(finished_ok(resp));
    res = mpm_batch_meter_usage_response_result_at(resp, 0);
    CHECK(mpm_usage_record_result_status(res) == MPM_RECORD_STATUS_SUCCESS);
    mpm_response_free(resp);

    mpm_batch_meter_usage_request_free(retry);
    mpm_batch_meter_usage_request_free(req);
}

static void test_resolve_customer(mpm_client *client)
{
    mpm_resolve_customer_request *req = mpm_resolve_customer_request_new();
    mpm_response *resp;

    CHECK(mpm_resolve_customer_request_set_registration_token(req, "demo-registration-token") == MPM_OK);
    CHECK(mpm_resolve_customer_request_is_valid(req));
    resp = mpm_client_resolve_customer(client, req);
    CHECK(finished_ok(resp));
    check_success_outcome(resp, MPM_OPERATION_RESOLVE_CUSTOMER);
    CHECK(str_eq(mpm_resolve_customer_response_customer_identifier(resp), "demo-customer-1"));
    CHECK(str_eq(mpm_resolve_customer_response_customer_aws_account_id(resp), "111122223333"));
    CHECK(str_eq(mpm_resolve_customer_response_product_code(resp), PRODUCT));
    CHECK(str_eq(mpm_resolve_customer_response_license_arn(resp), LICENSE));
    CHECK(str_eq(mpm_resolve_customer_response_agreement_id(resp), "agmt-demo-0001"));
    mpm_response_free(resp);

    CHECK(mpm_resolve_customer_request_set_registration_token(req, "expired-registration-token") == MPM_OK);
    resp = mpm_client_resolve_customer(client, req);
    CHECK(resp != NULL && mpm_response_wait(resp, WAIT_MS) == MPM_OK);
    CHECK(mpm_response_result(resp) == MPM_ERR_SERVICE);
    CHECK(mpm_response_service_error(resp) == MPM_SERVICE_ERROR_EXPIRED_TOKEN);
    CHECK(str_eq(mpm_response_error_code(resp), "ExpiredTokenException"));
    CHECK(non_empty(mpm_response_error_message(resp)));
    CHECK(mpm_response_http_status(resp) == 400);
    EXPECT_FAIL(mpm_resolve_customer_response_customer_identifier(resp), MPM_ERR_NO_OUTPUT);
    mpm_response_free(resp);

    CHECK(mpm_resolve_customer_request_set_registration_token(req, "no-such-token") == MPM_OK);
    resp = mpm_client_resolve_customer(client, req);
    CHECK(resp != NULL && mpm_response_wait(resp, WAIT_MS) == MPM_OK);
    CHECK(mpm_response_service_error(resp) == MPM_SERVICE_ERROR_INVALID_TOKEN);
    mpm_response_free(resp);
    mpm_resolve_customer_request_free(req);
}

static void test_register_usage(mpm_client *client)
{
    mpm_register_usage_request *req = mpm_register_usage_request_new();
    mpm_response *resp;
    const char *sig;
    int64_t rotation = 0;

    CHECK(mpm_register_usage_request_set_product_code(req, PRODUCT) == MPM_OK);
    CHECK(mpm_register_usage_request_set_public_key_version(req, 1) == MPM_OK);
    CHECK(mpm_register_usage_request_set_nonce(req, "test-nonce-42") == MPM_OK);
    CHECK(mpm_register_usage_request_is_valid(req));
    resp = mpm_client_register_usage(client, req);
    CHECK(finished_ok(resp));
    check_success_outcome(resp, MPM_OPERATION_REGISTER_USAGE);
    sig = mpm_register_usage_response_signature(resp);
    /* A JWT: three dot-separated parts. */
    CHECK(non_empty(sig) && strchr(sig, '.') != NULL && strchr(strchr(sig, '.') + 1, '.') != NULL);
    CHECK(mpm_register_usage_response_public_key_rotation_timestamp(resp, &rotation) == MPM_OK);
    CHECK(rotation > 1500000000);
    EXPECT_CODE(mpm_register_usage_response_public_key_rotation_timestamp(resp, NULL),
                MPM_ERR_NULL_ARGUMENT);
    mpm_response_free(resp);

    CHECK(mpm_register_usage_request_set_public_key_version(req, 99) == MPM_OK);
    resp = mpm_client_register_usage(client, req);
    CHECK(resp != NULL && mpm_response_wait(resp, WAIT_MS) == MPM_OK);
    CHECK(mpm_response_service_error(resp) == MPM_SERVICE_ERROR_INVALID_PUBLIC_KEY_VERSION);
    mpm_response_free(resp);
    mpm_register_usage_request_free(req);
}

/* ---- completion: callbacks, waits, cancel, free while running ---- */

typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int calls;
    const mpm_response *seen;
    mpm_result result;
} callback_state;

static void on_finished(const mpm_response *resp, void *userdata)
{
    callback_state *st = (callback_state *)userdata;
    mpm_result r = mpm_response_result(resp);
    pthread_mutex_lock(&st->lock);
    st->calls++;
    st->seen = resp;
    st->result = r;
    pthread_cond_signal(&st->cond);
    pthread_mutex_unlock(&st->lock);
}

static mpm_resolve_customer_request *resolve_request(void)
{
    mpm_resolve_customer_request *req = mpm_resolve_customer_request_new();
    CHECK(mpm_resolve_customer_request_set_registration_token(req, "demo-registration-token") == MPM_OK);
    return req;
}

static void test_completion(mpm_client *client)
{
    mpm_resolve_customer_request *req = resolve_request();
    callback_state st;
    struct timespec deadline;
    mpm_response *resp;

    memset(&st, 0, sizeof st);
    pthread_mutex_init(&st.lock, NULL);
    init_monotonic_cond(&st.cond);

    /* A delayed call: not finished at once, then the callback runs exactly once. */
    add_fault("{\"mode\":\"delay\",\"count\":1,\"delay_ms\":500,\"operation\":\"ResolveCustomer\"}");
    resp = mpm_client_resolve_customer(client, req);
    CHECK(resp != NULL);
    CHECK(!mpm_response_is_finished(resp));
    EXPECT_CODE(mpm_response_wait(resp, 0), MPM_ERR_WAIT_TIMEOUT);
    EXPECT_CODE(mpm_response_result(resp), MPM_ERR_NOT_FINISHED);
    EXPECT_FAIL(mpm_resolve_customer_response_product_code(resp), MPM_ERR_NOT_FINISHED);
    CHECK(mpm_response_operation(resp) == MPM_OPERATION_RESOLVE_CUSTOMER);
    CHECK(mpm_response_on_finished(resp, on_finished, &st) == MPM_OK);
    EXPECT_CODE(mpm_response_on_finished(resp, on_finished, &st), MPM_ERR_ALREADY_SET);
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += 30;
    pthread_mutex_lock(&st.lock);
    while (st.calls == 0 && pthread_cond_timedwait(&st.cond, &st.lock, &deadline) == 0) {
    }
    pthread_mutex_unlock(&st.lock);
    CHECK(mpm_response_wait(resp, WAIT_MS) == MPM_OK);
    CHECK(st.calls == 1 && st.seen == resp && st.result == MPM_OK);
    mpm_response_free(resp);
    CHECK(st.calls == 1);

    /* On a finished response the callback runs at once, on this thread. */
    resp = mpm_client_resolve_customer(client, req);
    CHECK(mpm_response_wait(resp, WAIT_MS) == MPM_OK);
    st.calls = 0;
    CHECK(mpm_response_on_finished(resp, on_finished, &st) == MPM_OK);
    CHECK(st.calls == 1);
    mpm_response_free(resp);

    /* Cancel a running call. */
    add_fault("{\"mode\":\"delay\",\"count\":1,\"delay_ms\":3000,\"operation\":\"ResolveCustomer\"}");
    resp = mpm_client_resolve_customer(client, req);
    CHECK(mpm_response_cancel(resp) == MPM_OK);
    CHECK(mpm_response_wait(resp, WAIT_MS) == MPM_OK);
    CHECK(mpm_response_result(resp) == MPM_ERR_CANCELLED);
    CHECK(non_empty(mpm_response_error_message(resp)));
    mpm_response_free(resp);

    /* Free a running call: it is cancelled, nothing leaks, no callback runs afterwards. */
    add_fault("{\"mode\":\"delay\",\"count\":1,\"delay_ms\":3000,\"operation\":\"ResolveCustomer\"}");
    resp = mpm_client_resolve_customer(client, req);
    st.calls = 0;
    CHECK(mpm_response_on_finished(resp, on_finished, &st) == MPM_OK);
    mpm_response_free(resp);
    pthread_mutex_lock(&st.lock);
    CHECK(st.calls <= 1);
    pthread_mutex_unlock(&st.lock);

    /* Freeing the client leaves its responses usable. */
    {
        mpm_client *c2 = emulator_client();
        resp = mpm_client_resolve_customer(c2, req);
        mpm_client_free(c2);
        CHECK(finished_ok(resp));
        CHECK(str_eq(mpm_resolve_customer_response_customer_identifier(resp), "demo-customer-1"));
        mpm_response_free(resp);
    }

    pthread_cond_destroy(&st.cond);
    pthread_mutex_destroy(&st.lock);
    mpm_resolve_customer_request_free(req);
}

static void test_failures(void)
{
    mpm_resolve_customer_request *req = resolve_request();
    mpm_credentials *wrong = mpm_credentials_new_basic(AKID, "not-the-secret", NULL);
    mpm_credentials *unknown = mpm_credentials_new_basic("AKIDUNKNOWN000000000", SECRET, NULL);
    mpm_client *client = mpm_client_new_with_endpoint(endpoint, wrong);
    mpm_response *resp;

    resp = mpm_client_resolve_customer(client, req);
    CHECK(resp != NULL && mpm_response_wait(resp, WAIT_MS) == MPM_OK);
    CHECK(mpm_response_result(resp) == MPM_ERR_SERVICE);
    CHECK(str_eq(mpm_response_error_code(resp), "InvalidSignatureException"));
    CHECK(mpm_response_http_status(resp) == 403);
    mpm_response_free(resp);

    CHECK(mpm_client_set_credentials(client, unknown) == MPM_OK);
    resp = mpm_client_resolve_customer(client, req);
    CHECK(resp != NULL && mpm_response_wait(resp, WAIT_MS) == MPM_OK);
    CHECK(str_eq(mpm_response_error_code(resp), "UnrecognizedClientException"));
    mpm_response_free(resp);
    mpm_client_free(client);

    /* Nothing listens on port 1 of loopback: a transport error, no HTTP status. */
    client = mpm_client_new_with_endpoint("http://127.0.0.1:1", wrong);
    resp = mpm_client_resolve_customer(client, req);
    CHECK(resp != NULL && mpm_response_wait(resp, WAIT_MS) == MPM_OK);
    CHECK(mpm_response_result(resp) == MPM_ERR_TRANSPORT);
    CHECK(mpm_response_service_error(resp) == MPM_SERVICE_ERROR_NONE);
    CHECK(mpm_response_http_status(resp) == 0);
    CHECK(non_empty(mpm_response_error_message(resp)));
    EXPECT_FAIL(mpm_response_error_code(resp), MPM_ERR_NOT_SET);
    mpm_response_free(resp);
    mpm_client_free(client);

    mpm_credentials_free(unknown);
    mpm_credentials_free(wrong);
    mpm_resolve_customer_request_free(req);
}

int main(int argc, char **argv)
{
    mpm_client *client;

    endpoint = argc > 1 ? argv[1] : getenv("MPM_TEST_ENDPOINT");
    if (endpoint == NULL) {
        fprintf(stderr, "usage: test_api http://127.0.0.1:PORT (the emulator)\n");
        return 2;
    }
    parse_endpoint(endpoint);
    /* Start from an empty ledger: MeterUsage takes one record per dimension and hour. */
    check_at(admin_request("POST", "/__mpm/reset", "{}") == 200, "POST /__mpm/reset", __LINE__);

    /* Before first use the runtime can be sized; out-of-range sizes are refused. */
    EXPECT_CODE(mpm_runtime_set_worker_threads(0), MPM_ERR_INVALID_ARGUMENT);
    CHECK(mpm_runtime_set_worker_threads(2) == MPM_OK);

    test_version_and_names();
    test_free_null();
    test_credentials();
    test_client();
    test_request_validation();

    client = emulator_client();
    test_meter_usage(client);
    test_meter_usage_stale(client);
    test_batch_meter_usage(client);
    test_resolve_customer(client);
    test_register_usage(client);
    test_completion(client);
    test_failures();
    mpm_client_free(client);

    /* The runtime is running now: too late to size it. */
    EXPECT_CODE(mpm_runtime_set_worker_threads(3), MPM_ERR_RUNTIME);

    printf("test_api: %d checks, %d failed\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
