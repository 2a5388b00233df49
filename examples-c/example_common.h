/*
 * Shared helpers of the mpmeter C examples: command-line and environment handling, making a
 * client, waiting for a response and printing its outcome.
 *
 * Every example prints "key: value" lines on stdout (easy to read and to grep in tests) and
 * exits 0 only when the call succeeded.
 */
#ifndef MPM_EXAMPLE_COMMON_H
#define MPM_EXAMPLE_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "mpmeter.h"

/* Exit codes of the examples. */
#define EXAMPLE_EXIT_OK 0
#define EXAMPLE_EXIT_FAILED 1 /* the call was made and failed */
#define EXAMPLE_EXIT_USAGE 2  /* bad arguments or setup: no call was made */

/* How long an example waits for its call, in milliseconds. */
#define EXAMPLE_WAIT_MS 60000

/* The largest number of values a repeatable option keeps. */
#define EXAMPLE_MAX_VALUES 25

typedef enum {
    EXAMPLE_OPT_STRING, /* --name VALUE, the last one wins */
    EXAMPLE_OPT_FLAG,   /* --name, sets the value to "1" */
    EXAMPLE_OPT_MULTI   /* --name VALUE, repeatable, kept in order */
} example_opt_kind;

/* A list of values of a repeatable option; the strings point into argv. */
typedef struct {
    const char *values[EXAMPLE_MAX_VALUES];
    size_t count;
} example_multi;

/* One operation-specific option. `value` (STRING, FLAG) or `multi` (MULTI) receives it. */
typedef struct {
    const char *name; /* without the leading "--" */
    example_opt_kind kind;
    const char **value;
    example_multi *multi;
    const char *help;
} example_option;

/* Where and as whom to connect. The strings point into argv or the environment. */
typedef struct {
    const char *endpoint;
    const char *region;
    const char *access_key_id;
    const char *secret_access_key;
    const char *session_token;
} example_connection;

/*
 * Parses argv: the connection options (--endpoint, --region, --access-key-id,
 * --secret-access-key, --session-token, falling back to the usual AWS environment variables)
 * and the example's own `options`. Returns -1 to go on, or the exit code to end with (0 after
 * --help, EXAMPLE_EXIT_USAGE after printing what was wrong).
 */
int example_parse_args(int argc, char **argv, const char *summary, const example_option *options,
                       size_t option_count, example_connection *conn);

/* Makes the client for `conn`, or prints why not and returns NULL. Free with mpm_client_free. */
mpm_client *example_client_new(const example_connection *conn);

/*
 * Waits for `response` (NULL: the call could not start, the last error says why) and prints
 * the outcome header: on success "<operation>: OK" and the request details, on failure every
 * error field. Returns 1 when the call succeeded, 0 when it failed.
 */
int example_finish(const char *operation, const mpm_response *response);

/* Prints "<what> failed: <last error name>: <last error message>" to stderr. */
void example_print_last_error(const char *what);

/* Checks a setter's result: 1 if MPM_OK, else prints the last error and returns 0. */
int example_check(mpm_result result, const char *what);

/* Parses a whole decimal integer within [min, max]; prints the problem and returns 0 if bad. */
int example_parse_int64(const char *text, int64_t min, int64_t max, const char *what,
                        int64_t *out);

/* The name of an mpm_service_error value ("MPM_SERVICE_ERROR_THROTTLING"). */
const char *example_service_error_name(mpm_service_error error);

/* The name of an mpm_usage_record_result_status value. */
const char *example_record_status_name(mpm_record_status status);

/*
 * Meters `quantity` of `dimension` of `product_code` at the current time with MeterUsage on
 * `client`, then prints the outcome as example_finish does and, on success,
 * "  metering_record_id: ID". Returns the exit code (EXAMPLE_EXIT_OK, _FAILED or _USAGE).
 */
int example_meter_usage_now(mpm_client *client, const char *product_code, const char *dimension,
                            int32_t quantity);

/* `s`, or "(none)" for NULL: for printing optional strings. */
const char *example_or_none(const char *s);

/* Prints every field of a usage record, each line starting with `indent`. */
void example_print_usage_record(const char *indent, const mpm_usage_record *record);

#endif /* MPM_EXAMPLE_COMMON_H */
