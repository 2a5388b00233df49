/*
 * An event loop with no thread of its own and no callback: N MeterUsage calls in flight,
 * attached to one mpm_completion_queue whose file descriptor sits in an epoll set beside the
 * program's other descriptors. Each
 * finished response is popped on this thread, printed and freed.
 *
 *   completion_queue_epoll --endpoint http://127.0.0.1:PORT --calls 8 --dimension users
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>

#include "example_common.h"

typedef struct {
    const char *product_code;
    const char *dimension;
    const char *calls;
} loop_args;

static mpm_response *start_call(const mpm_client *client, const loop_args *a, int64_t hour)
{
    mpm_response *resp = NULL;
    mpm_meter_usage_request *req = mpm_meter_usage_request_new();
    if (req != NULL && example_check(mpm_meter_usage_request_set_product_code(req, a->product_code), "product code") &&
        example_check(mpm_meter_usage_request_set_timestamp(req, hour), "timestamp") &&
        example_check(mpm_meter_usage_request_set_usage_dimension(req, a->dimension), "dimension") &&
        example_check(mpm_meter_usage_request_set_usage_quantity(req, 1), "quantity")) {
        resp = mpm_client_meter_usage(client, req);
    }
    mpm_meter_usage_request_free(req);
    return resp;
}

int main(int argc, char **argv)
{
    loop_args a = {"demo-product", "users", "8"};
    const example_option options[] = {
        {"product-code", EXAMPLE_OPT_STRING, &a.product_code, NULL, "product code (demo-product)"},
        {"dimension", EXAMPLE_OPT_STRING, &a.dimension, NULL, "usage dimension (users)"},
        {"calls", EXAMPLE_OPT_STRING, &a.calls, NULL, "calls in flight at once (8)"},
    };
    example_connection conn;
    mpm_client *client;
    mpm_completion_queue *queue;
    struct epoll_event ev;
    int ep, rc, n, started = 0, done = 0, failed = 0;
    int64_t hour = (int64_t)time(NULL);

    rc = example_parse_args(argc, argv, "MeterUsage calls completed through an epoll loop", options,
                            sizeof options / sizeof options[0], &conn);
    if (rc >= 0) {
        return rc;
    }
    n = atoi(a.calls);
    if (n < 1 || n > 1000) {
        fprintf(stderr, "--calls must be between 1 and 1000\n");
        return EXAMPLE_EXIT_USAGE;
    }
    hour -= hour % 3600;
    client = example_client_new(&conn);
    if (client == NULL) {
        return EXAMPLE_EXIT_USAGE;
    }
    queue = mpm_completion_queue_new();
    ep = epoll_create1(0);
    if (queue == NULL || ep < 0) {
        example_print_last_error("mpm_completion_queue_new / epoll_create1");
        return EXAMPLE_EXIT_USAGE;
    }
    memset(&ev, 0, sizeof ev);
    ev.events = EPOLLIN;
    ev.data.ptr = queue;
    if (epoll_ctl(ep, EPOLL_CTL_ADD, mpm_completion_queue_fd(queue), &ev) != 0) {
        perror("epoll_ctl");
        return EXAMPLE_EXIT_USAGE;
    }

    for (started = 0; started < n; started++) {
        mpm_response *resp = start_call(client, &a, hour);
        /* The userdata is the call's number, to show it comes back with the response. */
        if (resp == NULL ||
            !example_check(mpm_completion_queue_attach(queue, resp, (void *)(size_t)(started + 1)),
                           "mpm_completion_queue_attach")) {
            mpm_response_free(resp);
            return EXAMPLE_EXIT_FAILED;
        }
    }

    while (done < n) {
        struct epoll_event events[4];
        int i, k = epoll_wait(ep, events, 4, EXAMPLE_WAIT_MS);
        if (k <= 0) {
            fprintf(stderr, "no call finished within %d ms\n", EXAMPLE_WAIT_MS);
            return EXAMPLE_EXIT_FAILED;
        }
        for (i = 0; i < k; i++) {
            mpm_response *resp;
            void *userdata;
            if (events[i].data.ptr != queue) {
                continue; /* the program's other descriptors would be served here */
            }
            while ((resp = mpm_completion_queue_pop(queue, &userdata)) != NULL) {
                const char *id = mpm_meter_usage_response_metering_record_id(resp);
                mpm_result r = mpm_response_result(resp);
                printf("call %zu: %s %s\n", (size_t)userdata, mpm_result_name(r),
                       id != NULL ? id : "-");
                failed += r != MPM_OK;
                mpm_response_free(resp);
                done++;
            }
        }
    }
    printf("completed: %d, failed: %d\n", done, failed);
    mpm_completion_queue_free(queue);
    mpm_client_free(client);
    return failed == 0 ? EXAMPLE_EXIT_OK : EXAMPLE_EXIT_FAILED;
}
