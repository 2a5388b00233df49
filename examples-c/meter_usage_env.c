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
#include <string.h>

#include "example_common.h"

static const char USAGE[] = "usage: %s [PRODUCT_CODE [DIMENSION [QUANTITY]]]\n"
                            "Meters usage with MeterUsage, with the region, endpoint, settings "
                            "and credentials of the environment\n"
                            "(defaults: demo-product users 1).\n";

int main(int argc, char **argv)
{
    const char *product = argc > 1 ? argv[1] : "demo-product";
    const char *dimension = argc > 2 ? argv[2] : "users";
    int64_t quantity = 1;
    char text[1024];
    int64_t expires = 0;
    int status = EXAMPLE_EXIT_USAGE;
    mpm_config *config = NULL;
    mpm_credentials *creds = NULL;
    mpm_client *client = NULL;

    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf(USAGE, argv[0]);
        return EXAMPLE_EXIT_OK;
    }
    if (argc > 4) {
        fprintf(stderr, USAGE, argv[0]);
        return EXAMPLE_EXIT_USAGE;
    }
    if (argc > 3 && !example_parse_int64(argv[3], 0, INT32_MAX, "QUANTITY", &quantity)) {
        return EXAMPLE_EXIT_USAGE;
    }

    config = mpm_config_new_from_environment();
    if (config == NULL) {
        example_print_last_error("mpm_config_new_from_environment");
        return EXAMPLE_EXIT_USAGE;
    }
    mpm_config_describe(config, text, sizeof text);
    printf("settings:\n%s\n", text);

    creds = mpm_credentials_new_default_chain();
    if (creds == NULL) {
        example_print_last_error("mpm_credentials_new_default_chain");
        goto done;
    }
    /* Optional: fail fast at start-up, and learn which provider answered. */
    if (!example_check(mpm_credentials_resolve(creds, 10000), "mpm_credentials_resolve")) {
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
        example_print_last_error("mpm_client_new_with_config");
        goto done;
    }
    mpm_client_endpoint(client, text, sizeof text);
    printf("endpoint: %s\n", text);

    status = example_meter_usage_now(client, product, dimension, (int32_t)quantity);
    if (status == EXAMPLE_EXIT_OK) {
        mpm_client_credentials_source(client, text, sizeof text);
        printf("credentials_source: %s\n", text);
    }

done:
    mpm_client_free(client);
    mpm_credentials_free(creds);
    mpm_config_free(config);
    return status;
}
