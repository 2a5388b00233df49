/*
 * MeterUsage signed with the credentials of one profile of the shared config and credentials
 * files (static keys, assume-role, credential_process or web identity), with the client
 * settings of that environment.
 *
 *   meter_usage_profile PROFILE [ENDPOINT_URL]
 *
 * Without ENDPOINT_URL the endpoint comes from the environment or the region's.
 */
#include <stdio.h>
#include <time.h>

#include "mpmeter.h"

static int fail(const char *what)
{
    fprintf(stderr, "%s: %s: %s\n", what, mpm_result_name(mpm_last_error_code()),
            mpm_last_error_message());
    return 1;
}

int main(int argc, char **argv)
{
    char text[512];
    int rc = 1;
    mpm_config *config = NULL;
    mpm_credentials *creds = NULL;
    mpm_client *client = NULL;
    mpm_meter_usage_request *req = NULL;
    mpm_response *resp = NULL;

    if (argc < 2) {
        fprintf(stderr, "usage: %s PROFILE [ENDPOINT_URL]\n", argv[0]);
        return 2;
    }
    config = mpm_config_new_from_environment();
    creds = mpm_credentials_new_profile(argv[1]);
    if (config == NULL || creds == NULL) {
        rc = fail("setup");
        goto done;
    }
    client = mpm_client_new_with_config(NULL, argc > 2 ? argv[2] : NULL, creds, config);
    if (client == NULL) {
        rc = fail("mpm_client_new_with_config");
        goto done;
    }
    req = mpm_meter_usage_request_new();
    mpm_meter_usage_request_set_product_code(req, "demo-product");
    mpm_meter_usage_request_set_usage_dimension(req, "users");
    mpm_meter_usage_request_set_usage_quantity(req, 1);
    mpm_meter_usage_request_set_timestamp(req, (int64_t)time(NULL));
    resp = mpm_client_meter_usage(client, req);
    if (resp == NULL || mpm_response_wait(resp, 60000) != MPM_OK) {
        rc = fail("mpm_client_meter_usage");
        goto done;
    }
    if (mpm_response_result(resp) != MPM_OK) {
        const char *msg = mpm_response_error_message(resp);
        fprintf(stderr, "MeterUsage failed: %s: %s\n", mpm_result_name(mpm_response_result(resp)),
                msg != NULL ? msg : "");
        goto done;
    }
    printf("metering_record_id: %s\n", mpm_meter_usage_response_metering_record_id(resp));
    mpm_credentials_provider_name(creds, text, sizeof text);
    printf("credentials_provider: %s\n", text);
    rc = 0;

done:
    mpm_response_free(resp);
    mpm_meter_usage_request_free(req);
    mpm_client_free(client);
    mpm_credentials_free(creds);
    mpm_config_free(config);
    return rc;
}
