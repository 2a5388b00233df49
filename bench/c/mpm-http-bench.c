/*
 * mpmeter through its public C API, for the HTTP bench (scripts/bench-http.sh): the calls a
 * C program makes, against the keep-alive mock.
 *
 *   mpm-http-bench --endpoint http://127.0.0.1:P [--op meter|batch] [--mode seq|cb|cq]
 *                  [--calls N] [--concurrency K] [--warmup W] [--timestamp UNIX]
 *                  [--workers T]
 *
 * seq: one call at a time (make the request, start it, mpm_response_wait, check, free).
 * cb:  K calls in flight; each finishes in its mpm_response_on_finished callback, which checks
 *      it, starts the next call and frees the finished one as its last act.
 * cq:  K calls in flight, attached to one mpm_completion_queue; this thread waits on its fd
 *      (poll) and pops finished responses (when the library has it: -DMPM_HAVE_CQ).
 *
 * Prints the same RESULT line as the Rust clients. CPU = getrusage(RUSAGE_SELF) of the whole
 * process; allocations = malloc/calloc/posix_memalign/aligned_alloc/memalign calls of the
 * whole process (this program interposes them), realloc not counted.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "mpmeter.h"

/* ---- allocation counting: the library's Rust allocator is malloc ---- */
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_memalign(size_t, size_t);
static atomic_ulong n_allocs;

void *malloc(size_t n)
{
    atomic_fetch_add_explicit(&n_allocs, 1, memory_order_relaxed);
    return __libc_malloc(n);
}
void *calloc(size_t a, size_t b)
{
    atomic_fetch_add_explicit(&n_allocs, 1, memory_order_relaxed);
    return __libc_calloc(a, b);
}
int posix_memalign(void **p, size_t align, size_t n)
{
    atomic_fetch_add_explicit(&n_allocs, 1, memory_order_relaxed);
    *p = __libc_memalign(align, n);
    return *p ? 0 : ENOMEM;
}
void *aligned_alloc(size_t align, size_t n)
{
    atomic_fetch_add_explicit(&n_allocs, 1, memory_order_relaxed);
    return __libc_memalign(align, n);
}
void *memalign(size_t align, size_t n)
{
    atomic_fetch_add_explicit(&n_allocs, 1, memory_order_relaxed);
    return __libc_memalign(align, n);
}

#define PRODUCT "bench-product"
#define DIMENSION "users"
#define BATCH 25

static const char *op = "meter";
static const char *mode = "seq";
static const char *endpoint;
static long calls = 5000, concurrency = 1, warmup = 200, workers = 0;
static int64_t timestamp;
static mpm_client *client;
static char customers[BATCH][32];

static void die(const char *what)
{
    const char *m = mpm_last_error_message();
    fprintf(stderr, "mpm-http-bench: %s: %s\n", what, m ? m : "(no message)");
    exit(1);
}

static void check(mpm_result r, const char *what)
{
    if (r != MPM_OK) {
        die(what);
    }
}

static double now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static mpm_response *start_call(void)
{
    mpm_response *resp;
    if (op[0] == 'm') {
        mpm_meter_usage_request *req = mpm_meter_usage_request_new();
        check(mpm_meter_usage_request_set_product_code(req, PRODUCT), "product");
        check(mpm_meter_usage_request_set_timestamp(req, timestamp), "timestamp");
        check(mpm_meter_usage_request_set_usage_dimension(req, DIMENSION), "dimension");
        check(mpm_meter_usage_request_set_usage_quantity(req, 1), "quantity");
        resp = mpm_client_meter_usage(client, req);
        mpm_meter_usage_request_free(req);
    } else {
        int i;
        mpm_batch_meter_usage_request *req = mpm_batch_meter_usage_request_new();
        check(mpm_batch_meter_usage_request_set_product_code(req, PRODUCT), "product");
        for (i = 0; i < BATCH; i++) {
            mpm_usage_record *rec = mpm_usage_record_new();
            check(mpm_usage_record_set_timestamp(rec, timestamp), "record timestamp");
            check(mpm_usage_record_set_customer_identifier(rec, customers[i]), "customer");
            check(mpm_usage_record_set_dimension(rec, DIMENSION), "record dimension");
            check(mpm_usage_record_set_quantity(rec, 1), "record quantity");
            check(mpm_batch_meter_usage_request_add_usage_record(req, rec), "add record");
            mpm_usage_record_free(rec);
        }
        resp = mpm_client_batch_meter_usage(client, req);
        mpm_batch_meter_usage_request_free(req);
    }
    if (resp == NULL) {
        die("the call could not be started");
    }
    return resp;
}

static void check_response(const mpm_response *resp)
{
    mpm_result r = mpm_response_result(resp);
    if (r != MPM_OK) {
        const char *m = mpm_response_error_message(resp);
        fprintf(stderr, "mpm-http-bench: call failed: %s: %s\n", mpm_result_name(r), m ? m : "-");
        exit(1);
    }
    if (op[0] == 'm') {
        const char *id = mpm_meter_usage_response_metering_record_id(resp);
        if (id == NULL || id[0] == '\0') {
            fprintf(stderr, "mpm-http-bench: no MeteringRecordId\n");
            exit(1);
        }
    } else {
        size_t n = 0, u = 1;
        check(mpm_batch_meter_usage_response_result_count(resp, &n), "result count");
        check(mpm_batch_meter_usage_response_unprocessed_count(resp, &u), "unprocessed count");
        if (n != BATCH || u != 0) {
            fprintf(stderr, "mpm-http-bench: %zu results, %zu unprocessed\n", n, u);
            exit(1);
        }
    }
}

/* ---- latency record ---- */
static double *lat;
static atomic_long n_lat;
static int measuring;

static void record_latency(double us)
{
    if (measuring) {
        long i = atomic_fetch_add(&n_lat, 1);
        if (i < calls) {
            lat[i] = us;
        }
    }
}

/* ---- seq ---- */
static void run_seq(long n)
{
    long i;
    for (i = 0; i < n; i++) {
        double t0 = now_us();
        mpm_response *resp = start_call();
        check(mpm_response_wait(resp, -1), "wait");
        check_response(resp);
        mpm_response_free(resp);
        record_latency(now_us() - t0);
    }
}

/* ---- cb ---- */
typedef struct {
    double t0;
} slot;

static atomic_long started, finished;
static long target;
static pthread_mutex_t done_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done_cv = PTHREAD_COND_INITIALIZER;

static void on_done(const mpm_response *resp, void *userdata);

static void start_in_slot(slot *s)
{
    mpm_response *r;
    s->t0 = now_us();
    r = start_call();
    check(mpm_response_on_finished(r, on_done, s), "on_finished");
}

static void on_done(const mpm_response *resp, void *userdata)
{
    slot *s = userdata;
    check_response(resp);
    record_latency(now_us() - s->t0);
    if (atomic_fetch_add(&started, 1) < target) {
        start_in_slot(s);
    }
    if (atomic_fetch_add(&finished, 1) + 1 == target) {
        pthread_mutex_lock(&done_mu);
        pthread_cond_signal(&done_cv);
        pthread_mutex_unlock(&done_mu);
    }
    /* The last thing the callback does. */
    mpm_response_free((mpm_response *)resp);
}

static void run_cb(long n)
{
    long i, k = concurrency < n ? concurrency : n;
    slot *slots = calloc((size_t)k, sizeof *slots);
    target = n;
    atomic_store(&finished, 0);
    atomic_store(&started, k);
    for (i = 0; i < k; i++) {
        start_in_slot(&slots[i]);
    }
    pthread_mutex_lock(&done_mu);
    while (atomic_load(&finished) < n) {
        pthread_cond_wait(&done_cv, &done_mu);
    }
    pthread_mutex_unlock(&done_mu);
    /* Callbacks may still be returning from mpm_response_free; the slots stay (leaked). */
}

/* ---- cq ---- */
#ifdef MPM_HAVE_CQ
static void run_cq(long n)
{
    long i, k = concurrency < n ? concurrency : n, begun = 0, done = 0;
    double *t0 = calloc((size_t)k, sizeof *t0);
    mpm_completion_queue *q = mpm_completion_queue_new();
    struct pollfd pfd;
    if (q == NULL) {
        die("mpm_completion_queue_new");
    }
    pfd.fd = mpm_completion_queue_fd(q);
    pfd.events = POLLIN;
    for (i = 0; i < k; i++) {
        mpm_response *r;
        t0[i] = now_us();
        r = start_call();
        check(mpm_completion_queue_attach(q, r, (void *)(uintptr_t)i), "attach");
        begun++;
    }
    while (done < n) {
        mpm_response *r;
        void *ud;
        if (poll(&pfd, 1, -1) < 0 && errno != EINTR) {
            perror("poll");
            exit(1);
        }
        while ((r = mpm_completion_queue_pop(q, &ud)) != NULL) {
            uintptr_t tag = (uintptr_t)ud;
            check_response(r);
            record_latency(now_us() - t0[tag]);
            mpm_response_free(r);
            done++;
            if (begun < n) {
                t0[tag] = now_us();
                check(mpm_completion_queue_attach(q, start_call(), ud), "attach");
                begun++;
            }
        }
    }
    mpm_completion_queue_free(q);
    free(t0);
}
#endif

static void run(long n)
{
    if (strcmp(mode, "seq") == 0) {
        run_seq(n);
    } else if (strcmp(mode, "cb") == 0) {
        run_cb(n);
#ifdef MPM_HAVE_CQ
    } else if (strcmp(mode, "cq") == 0) {
        run_cq(n);
#endif
    } else {
        fprintf(stderr, "mpm-http-bench: unknown mode %s\n", mode);
        exit(2);
    }
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double cpu_us(long *maxrss)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    *maxrss = ru.ru_maxrss;
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

int main(int argc, char **argv)
{
    int i;
    long rss;
    double c0, c1, w0, w1;
    unsigned long a0, a1;
    long nl;
    mpm_credentials *creds;

    timestamp = (int64_t)time(NULL);
    timestamp -= timestamp % 3600;
    for (i = 1; i + 1 < argc; i += 2) {
        const char *a = argv[i], *v = argv[i + 1];
        if (strcmp(a, "--endpoint") == 0) endpoint = v;
        else if (strcmp(a, "--op") == 0) op = v;
        else if (strcmp(a, "--mode") == 0) mode = v;
        else if (strcmp(a, "--calls") == 0) calls = atol(v);
        else if (strcmp(a, "--concurrency") == 0) concurrency = atol(v);
        else if (strcmp(a, "--warmup") == 0) warmup = atol(v);
        else if (strcmp(a, "--timestamp") == 0) timestamp = atoll(v);
        else if (strcmp(a, "--workers") == 0) workers = atol(v);
        else {
            fprintf(stderr, "mpm-http-bench: unknown argument %s\n", a);
            return 2;
        }
    }
    if (endpoint == NULL || (strcmp(op, "meter") != 0 && strcmp(op, "batch") != 0)) {
        fprintf(stderr, "usage: mpm-http-bench --endpoint URL [--op meter|batch] [--mode seq|cb|cq] ...\n");
        return 2;
    }
    if (strcmp(mode, "seq") == 0) {
        concurrency = 1;
    }
    for (i = 0; i < BATCH; i++) {
        snprintf(customers[i], sizeof customers[i], "customer-%d", i);
    }
    if (workers > 0) {
        check(mpm_runtime_set_worker_threads((uint32_t)workers), "worker threads");
    }
    creds = mpm_credentials_new_basic("AKIAIOSFODNN7EXAMPLE",
                                      "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", NULL);
    if (creds == NULL) die("credentials");
    client = mpm_client_new_with_endpoint(endpoint, creds);
    if (client == NULL) die("client");
    mpm_credentials_free(creds);
    lat = calloc((size_t)calls, sizeof *lat);

    run(warmup);
    measuring = 1;
    a0 = atomic_load(&n_allocs);
    c0 = cpu_us(&rss);
    w0 = now_us();
    run(calls);
    w1 = now_us();
    c1 = cpu_us(&rss);
    a1 = atomic_load(&n_allocs);
    measuring = 0;

    nl = atomic_load(&n_lat);
    if (nl > calls) nl = calls;
    qsort(lat, (size_t)nl, sizeof *lat, cmp);
#define PCT(p) (nl ? lat[(long)((double)nl * (p) + 0.999999) - 1 < 0 ? 0 : (long)((double)nl * (p) + 0.999999) - 1] : 0.0)
    printf("RESULT impl=mpmeter-%s op=%s mode=%s calls=%ld concurrency=%ld cpu_us_per_call=%.2f "
           "calls_per_s=%.0f p50_us=%.1f p99_us=%.1f allocs_per_call=%.1f max_rss_kb=%ld\n",
           mode, op, strcmp(mode, "seq") == 0 ? "seq" : "inflight", calls, concurrency,
           (c1 - c0) / (double)calls, (double)calls * 1e6 / (w1 - w0), PCT(0.50), PCT(0.99),
           (double)(a1 - a0) / (double)calls, rss);
    fflush(stdout);
    /* The client is not freed: cb callbacks may still be returning; exit ends them. */
    _exit(0);
}
