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
#include <string.h>

#include "example_common.h"

static const char USAGE[] = "usage: %s PROFILE [ENDPOINT_URL]\n"
                            "Meters 1 users of demo-product with MeterUsage, signed with the "
                            "credentials of PROFILE.\n";

int main(int argc, char **argv)
{
    char text[512];
    int status = EXAMPLE_EXIT_USAGE;
    mpm_config *config = NULL;
    mpm_credentials *creds = NULL;
    mpm_client *client = NULL;

    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf(USAGE, argv[0]);
        return EXAMPLE_EXIT_OK;
    }
    if (argc < 2 || argc > 3) {
        fprintf(stderr, USAGE, argv[0]);
        return EXAMPLE_EXIT_USAGE;
    }
    config = mpm_config_new_from_environment();
    if (config == NULL) {
        example_print_last_error("mpm_config_new_from_environment");
        goto done;
    }
    creds = mpm_credentials_new_profile(argv[1]);
    if (creds == NULL) {
        example_print_last_error("mpm_credentials_new_profile");
        goto done;
    }
    client = mpm_client_new_with_config(NULL, argc > 2 ? argv[2] : NULL, creds, config);
    if (client == NULL) {
        example_print_last_error("mpm_client_new_with_config");
        goto done;
    }
    status = example_meter_usage_now(client, "demo-product", "users", 1);
    if (status == EXAMPLE_EXIT_OK) {
        mpm_credentials_provider_name(creds, text, sizeof text);
        printf("credentials_provider: %s\n", text);
    }

done:
    mpm_client_free(client);
    mpm_credentials_free(creds);
    mpm_config_free(config);
    return status;
}
