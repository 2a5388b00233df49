/*
 * Leaks one handle on purpose: scripts/test-c.sh checks that valgrind and LeakSanitizer
 * report it, proving that the leak checks run on the other C programs can fail.
 */
#include <stdio.h>

#include "mpmeter.h"

int main(void)
{
    mpm_meter_usage_request *leaked = mpm_meter_usage_request_new();
    if (leaked == NULL || mpm_meter_usage_request_set_usage_dimension(leaked, "users") != MPM_OK) {
        return 2;
    }
    leaked = NULL; /* the only pointer is gone: a definite leak */
    printf("leaked one mpm_meter_usage_request\n");
    return 0;
}
