/*
 * MeterUsage with everything taken from the environment, as an AWS SDK would: region and
 * endpoint (AWS_REGION, AWS_ENDPOINT_URL_MARKETPLACE_METERING, the profile...), settings
 * (AWS_MAX_ATTEMPTS, AWS_SDK_UA_APP_ID, AWS_CA_BUNDLE, proxies) and credentials from the
 * default chain (environment, profile, web identity, ECS/EKS container, IMDS). Prints where
 * the settings and the credentials came from, never a key.
 *
 *   meter_usage_env [PRODUCT_CODE [DIMENSION [QUANTITY]]]   (defaults: demo-product users 1)
 */
#include <stdio.h>
#include <stdlib.h>
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
    const char *product = argc > 1 ? argv[1] : "demo-product";
    const char *dimension = argc > 2 ? argv[2] : "users";
    int32_t quantity = argc > 3 ? (int32_t)atoi(argv[3]) : 1;
    char text[1024];
    int64_t expires = 0;
    int rc = 1;
    mpm_config *config = NULL;
    mpm_credentials *creds = NULL;
    mpm_client *client = NULL;
    mpm_meter_usage_request *req = NULL;
    mpm_response *resp = NULL;

    config = mpm_config_new_from_environment();
    if (config == NULL) {
        return fail("mpm_config_new_from_environment");
    }
    mpm_config_describe(config, text, sizeof text);
    printf("settings:\n%s\n", text);

    creds = mpm_credentials_new_default_chain();
    /* Optional: fail fast at start-up, and learn which provider answered. */
    if (mpm_credentials_resolve(creds, 10000) != MPM_OK) {
        rc = fail("mpm_credentials_resolve");
        goto done;
    }
    mpm_credentials_provider_name(creds, text, sizeof text);
    printf("credentials_provider: %s\n", text);
    if (mpm_credentials_expiration(creds, &expires) == MPM_OK) {
        printf("credentials_expire: %lld\n", (long long)expires);
    }

    /* NULL region and endpoint: those of the config, read from the environment. */
    client = mpm_client_new_with_config(NULL, NULL, creds, config);
    if (client == NULL) {
        rc = fail("mpm_client_new_with_config");
        goto done;
    }
    mpm_client_endpoint(client, text, sizeof text);
    printf("endpoint: %s\n", text);

    req = mpm_meter_usage_request_new();
    if (mpm_meter_usage_request_set_product_code(req, product) != MPM_OK ||
        mpm_meter_usage_request_set_usage_dimension(req, dimension) != MPM_OK ||
        mpm_meter_usage_request_set_usage_quantity(req, quantity) != MPM_OK ||
        mpm_meter_usage_request_set_timestamp(req, (int64_t)time(NULL)) != MPM_OK) {
        rc = fail("request");
        goto done;
    }
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
    mpm_client_credentials_source(client, text, sizeof text);
    printf("credentials_source: %s\n", text);
    rc = 0;

done:
    mpm_response_free(resp);
    mpm_meter_usage_request_free(req);
    mpm_client_free(client);
    mpm_credentials_free(creds);
    mpm_config_free(config);
    return rc;
}
