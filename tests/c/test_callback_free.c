/*
 * A completion callback may free its own response as its last act (mpmeter.h,
 * mpm_response_on_finished). The library must not touch the response, or anything it owns,
 * after such a callback returns. Run under valgrind or with the library built with
 * AddressSanitizer: an access after the free is reported there as an invalid read/write.
 *
 *   test_callback_free http://127.0.0.1:PORT
 *
 * Cases, each checking that the callback ran exactly once, with its response, on the
 * expected thread and with the expected result:
 *   - registered before completion: runs on a library thread, which frees the response while
 *     this thread waits on a condition variable of its own;
 *   - registered after completion: runs at once inside mpm_response_on_finished, on this
 *     thread, and frees the response before mpm_response_on_finished returns;
 *   - registered, then cancelled: the cancel completes the call and the callback frees it;
 *   - registered right after the call starts: whichever of the two paths wins, repeatedly.
 *
 * Uses the emulator's default credentials and its admin API (POST /__mpm/faults) to delay a
 * call. Exits 0 only if every check passed.
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
#define WAIT_MS 30000
#define AFTER_ROUNDS 5
#define RACE_ROUNDS 20

static int checks;
static int failures;
static char host[64];
static char port[16];

static void check_at(int ok, const char *what, int line)
{
    checks++;
    if (!ok) {
        failures++;
        fprintf(stderr, "FAIL test_callback_free.c:%d: %s\n", line, what);
    }
}
#define CHECK(cond) check_at((cond) ? 1 : 0, #cond, __LINE__)

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

static void delay_next_call(int ms)
{
    char json[160];
    int status;
    snprintf(json, sizeof json,
             "{\"mode\":\"delay\",\"count\":1,\"delay_ms\":%d,\"operation\":\"ResolveCustomer\"}",
             ms);
    status = admin_request("POST", "/__mpm/faults", json);
    check_at(status >= 200 && status < 300, "POST /__mpm/faults (delay)", __LINE__);
}

static void parse_endpoint(const char *url)
{
    const char *h = strstr(url, "://");
    const char *colon;
    h = h != NULL ? h + 3 : url;
    colon = strrchr(h, ':');
    if (colon == NULL || (size_t)(colon - h) >= sizeof host) {
        fprintf(stderr, "test_callback_free: endpoint must be http://HOST:PORT, got '%s'\n", url);
        exit(2);
    }
    memcpy(host, h, (size_t)(colon - h));
    host[colon - h] = '\0';
    snprintf(port, sizeof port, "%s", colon + 1);
    port[strcspn(port, "/")] = '\0';
}

/* ---- the callback that frees its response ---- */

/* Owned by the test, never by the response, so it can be read after the response is gone. */
typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    mpm_response *resp; /* the response to free; set before registering */
    pthread_t registering_thread;
    int calls;
    int seen_own_response;
    int on_registering_thread;
    mpm_result result;
} free_state;

static void free_state_init(free_state *st)
{
    memset(st, 0, sizeof *st);
    pthread_mutex_init(&st->lock, NULL);
    init_monotonic_cond(&st->cond);
    st->registering_thread = pthread_self();
}

static void free_state_destroy(free_state *st)
{
    pthread_cond_destroy(&st->cond);
    pthread_mutex_destroy(&st->lock);
}

static void free_on_finished(const mpm_response *resp, void *userdata)
{
    free_state *st = (free_state *)userdata;
    mpm_result result = mpm_response_result(resp);
    int own = resp == st->resp;
    int same_thread = pthread_equal(pthread_self(), st->registering_thread) != 0;

    /* The last thing done with the response; the library must not touch it afterwards. */
    mpm_response_free(st->resp);

    pthread_mutex_lock(&st->lock);
    st->calls++;
    st->seen_own_response = own;
    st->on_registering_thread = same_thread;
    st->result = result;
    pthread_cond_signal(&st->cond);
    pthread_mutex_unlock(&st->lock);
}

/* Waits (on the test's own condition, not the freed response) for the callback to run. */
static int wait_for_callback(free_state *st)
{
    struct timespec deadline;
    int calls;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += WAIT_MS / 1000;
    pthread_mutex_lock(&st->lock);
    while (st->calls == 0 && pthread_cond_timedwait(&st->cond, &st->lock, &deadline) == 0) {
    }
    calls = st->calls;
    pthread_mutex_unlock(&st->lock);
    return calls;
}

/* ---- tests ---- */

static mpm_client *emulator_client(const char *endpoint)
{
    mpm_credentials *creds = mpm_credentials_new_basic(AKID, SECRET, NULL);
    mpm_client *client = mpm_client_new_with_endpoint(endpoint, creds);
    CHECK(creds != NULL && client != NULL);
    mpm_credentials_free(creds);
    return client;
}

static mpm_resolve_customer_request *resolve_request(void)
{
    mpm_resolve_customer_request *req = mpm_resolve_customer_request_new();
    CHECK(mpm_resolve_customer_request_set_registration_token(req, "demo-registration-token") ==
          MPM_OK);
    return req;
}

/* Registered while the call runs: the callback frees the response on a library thread. */
static void test_free_in_callback_before_completion(mpm_client *client,
                                                    const mpm_resolve_customer_request *req)
{
    free_state st;
    free_state_init(&st);
    delay_next_call(300);
    st.resp = mpm_client_resolve_customer(client, req);
    CHECK(st.resp != NULL);
    CHECK(!mpm_response_is_finished(st.resp));
    CHECK(mpm_response_on_finished(st.resp, free_on_finished, &st) == MPM_OK);
    /* st.resp may be freed from here on: only st is read. */
    CHECK(wait_for_callback(&st) == 1);
    CHECK(st.seen_own_response);
    CHECK(!st.on_registering_thread);
    CHECK(st.result == MPM_OK);
    free_state_destroy(&st);
}

/* Registered once finished: the callback runs and frees it inside mpm_response_on_finished. */
static void test_free_in_callback_after_completion(mpm_client *client,
                                                   const mpm_resolve_customer_request *req)
{
    /* The runtime's task lets go of its share of the call just after the wait returns; the
     * pause lets it, so that the callback's free drops the last one. */
    const struct timespec pause = {0, 20 * 1000 * 1000};
    int i;
    for (i = 0; i < AFTER_ROUNDS; i++) {
        free_state st;
        free_state_init(&st);
        st.resp = mpm_client_resolve_customer(client, req);
        CHECK(st.resp != NULL);
        CHECK(mpm_response_wait(st.resp, WAIT_MS) == MPM_OK);
        nanosleep(&pause, NULL);
        CHECK(mpm_response_on_finished(st.resp, free_on_finished, &st) == MPM_OK);
        CHECK(mpm_last_error_code() == MPM_OK);
        CHECK(st.calls == 1);
        CHECK(st.seen_own_response);
        CHECK(st.on_registering_thread);
        CHECK(st.result == MPM_OK);
        free_state_destroy(&st);
    }
}

/* Cancelling completes the call; the callback it starts frees the response. */
static void test_free_in_callback_after_cancel(mpm_client *client,
                                               const mpm_resolve_customer_request *req)
{
    free_state st;
    free_state_init(&st);
    delay_next_call(3000);
    st.resp = mpm_client_resolve_customer(client, req);
    CHECK(st.resp != NULL);
    CHECK(mpm_response_on_finished(st.resp, free_on_finished, &st) == MPM_OK);
    CHECK(mpm_response_cancel(st.resp) == MPM_OK);
    CHECK(wait_for_callback(&st) == 1);
    CHECK(st.seen_own_response);
    CHECK(st.result == MPM_ERR_CANCELLED);
    free_state_destroy(&st);
}

/* Registered right after the start, so completion and registration race. */
static void test_free_in_callback_racing_completion(mpm_client *client,
                                                    const mpm_resolve_customer_request *req)
{
    int i;
    for (i = 0; i < RACE_ROUNDS; i++) {
        free_state st;
        free_state_init(&st);
        st.resp = mpm_client_resolve_customer(client, req);
        CHECK(st.resp != NULL);
        CHECK(mpm_response_on_finished(st.resp, free_on_finished, &st) == MPM_OK);
        CHECK(wait_for_callback(&st) == 1);
        CHECK(st.seen_own_response);
        CHECK(st.result == MPM_OK);
        free_state_destroy(&st);
    }
}

int main(int argc, char **argv)
{
    const char *endpoint = argc > 1 ? argv[1] : getenv("MPM_TEST_ENDPOINT");
    mpm_resolve_customer_request *req;
    mpm_client *client;

    if (endpoint == NULL) {
        fprintf(stderr, "usage: test_callback_free http://127.0.0.1:PORT (the emulator)\n");
        return 2;
    }
    parse_endpoint(endpoint);
    client = emulator_client(endpoint);
    req = resolve_request();

    test_free_in_callback_before_completion(client, req);
    test_free_in_callback_after_completion(client, req);
    test_free_in_callback_after_cancel(client, req);
    test_free_in_callback_racing_completion(client, req);

    mpm_resolve_customer_request_free(req);
    mpm_client_free(client);
    printf("test_callback_free: %d checks, %d failed\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
