/*
 * Library unloading: a program that dlopen()s libmpmeter, meters usage through it, frees
 * every handle and dlclose()s it keeps running. The library is built to stay mapped for the
 * life of the process once its runtime has started (its threads run library code), which
 * this checks with RTLD_NOLOAD after dlclose.
 *
 * Usage: test_unload LIBRARY_PATH ENDPOINT_URL
 */
#define _POSIX_C_SOURCE 200809L
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

typedef void *(*creds_new_fn)(const char *, const char *, const char *);
typedef void (*free_fn)(void *);
typedef void *(*client_new_fn)(const char *, const void *);
typedef void *(*req_new_fn)(void);
typedef uint32_t (*set_str_fn)(void *, const char *);
typedef void *(*call_fn)(const void *, const void *);
typedef uint32_t (*wait_fn)(const void *, int64_t);
typedef uint32_t (*result_fn)(const void *);

/* dlsym returns void *; C99 has no defined conversion to function pointers, so copy bytes. */
static void *sym(void *lib, const char *name, void *out, size_t size)
{
    void *p = dlsym(lib, name);
    if (p == NULL) {
        fprintf(stderr, "missing symbol %s\n", name);
        return NULL;
    }
    {
        unsigned char *dst = out;
        const unsigned char *src = (const unsigned char *)&p;
        size_t i;
        for (i = 0; i < size && i < sizeof p; i++) dst[i] = src[i];
    }
    return p;
}

#define SYM(lib, name, var) sym(lib, name, &(var), sizeof(var))

int main(int argc, char **argv)
{
    void *lib, *creds, *client, *req, *resp;
    creds_new_fn creds_new;
    free_fn creds_free, client_free, req_free, resp_free;
    client_new_fn client_new;
    req_new_fn req_new;
    set_str_fn set_token;
    call_fn resolve;
    wait_fn wait;
    result_fn result;
    uint32_t rc;

    if (argc != 3) {
        fprintf(stderr, "usage: test_unload LIBRARY ENDPOINT\n");
        return 2;
    }
    lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        fprintf(stderr, "dlopen: %s\n", dlerror());
        return 1;
    }
    if (!SYM(lib, "mpm_credentials_new_basic", creds_new) ||
        !SYM(lib, "mpm_credentials_free", creds_free) ||
        !SYM(lib, "mpm_client_new_with_endpoint", client_new) ||
        !SYM(lib, "mpm_client_free", client_free) ||
        !SYM(lib, "mpm_resolve_customer_request_new", req_new) ||
        !SYM(lib, "mpm_resolve_customer_request_set_registration_token", set_token) ||
        !SYM(lib, "mpm_resolve_customer_request_free", req_free) ||
        !SYM(lib, "mpm_client_resolve_customer", resolve) ||
        !SYM(lib, "mpm_response_wait", wait) || !SYM(lib, "mpm_response_result", result) ||
        !SYM(lib, "mpm_response_free", resp_free))
        return 1;

    creds = creds_new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", NULL);
    client = client_new(argv[2], creds);
    creds_free(creds);
    req = req_new();
    set_token(req, "demo-registration-token");
    resp = resolve(client, req);
    rc = resp != NULL && wait(resp, 30000) == 0 ? result(resp) : 999;
    resp_free(resp);
    req_free(req);
    client_free(client);
    if (rc != 0) {
        fprintf(stderr, "ResolveCustomer through dlopen failed: %u\n", (unsigned)rc);
        return 1;
    }
    if (dlclose(lib) != 0) {
        fprintf(stderr, "dlclose: %s\n", dlerror());
        return 1;
    }
    /* Still mapped: the runtime's threads live on, so unmapping would crash them. */
    if (dlopen(argv[1], RTLD_NOW | RTLD_NOLOAD) == NULL) {
        fprintf(stderr, "the library was unmapped while its runtime threads exist\n");
        return 1;
    }
    {
        struct timespec pause = {0, 200 * 1000 * 1000};
        nanosleep(&pause, NULL); /* the runtime's threads keep running safely */
    }
    printf("unload: metered through dlopen, dlclose kept the library mapped\n");
    return 0;
}
