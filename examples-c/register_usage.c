/*
 * RegisterUsage: the entitlement check a paid container product makes when it starts. Prints
 * the signed answer (a JWT to verify with the product's public key) and when that key rotates.
 *
 *   register_usage --endpoint http://127.0.0.1:PORT --public-key-version 1 --nonce abc
 */
#include <stdio.h>

#include "example_common.h"

int main(int argc, char **argv)
{
    const char *product_code = "demo-product";
    const char *key_version = "1";
    const char *nonce = NULL;
    int64_t version = 0;
    int64_t rotation = 0;
    example_connection conn;
    mpm_client *client;
    mpm_register_usage_request *req;
    mpm_response *resp;
    int status;
    int ok;
    example_option options[] = {
        {"product-code", EXAMPLE_OPT_STRING, NULL, NULL, "product code (demo-product)"},
        {"public-key-version", EXAMPLE_OPT_STRING, NULL, NULL, "public key version (1)"},
        {"nonce", EXAMPLE_OPT_STRING, NULL, NULL, "echoed in the signature (none)"},
    };
    options[0].value = &product_code;
    options[1].value = &key_version;
    options[2].value = &nonce;

    status = example_parse_args(argc, argv, "Checks a container product's entitlement with RegisterUsage.",
                                options, sizeof options / sizeof options[0], &conn);
    if (status >= 0) {
        return status;
    }
    req = mpm_register_usage_request_new();
    ok = example_check(mpm_register_usage_request_set_product_code(req, product_code), "--product-code");
    ok = ok && example_parse_int64(key_version, INT32_MIN, INT32_MAX, "--public-key-version", &version);
    ok = ok && example_check(mpm_register_usage_request_set_public_key_version(req, (int32_t)version),
                             "--public-key-version");
    if (nonce != NULL) {
        ok = ok && example_check(mpm_register_usage_request_set_nonce(req, nonce), "--nonce");
    }
    client = ok ? example_client_new(&conn) : NULL;
    if (client == NULL) {
        mpm_register_usage_request_free(req);
        return EXAMPLE_EXIT_USAGE;
    }

    resp = mpm_client_register_usage(client, req);
    status = EXAMPLE_EXIT_FAILED;
    if (example_finish("RegisterUsage", resp)) {
        printf("  signature: %s\n", example_or_none(mpm_register_usage_response_signature(resp)));
        if (mpm_register_usage_response_public_key_rotation_timestamp(resp, &rotation) == MPM_OK) {
            printf("  public_key_rotation_timestamp: %lld\n", (long long)rotation);
        } else {
            printf("  public_key_rotation_timestamp: (none)\n");
        }
        status = EXAMPLE_EXIT_OK;
    }

    mpm_response_free(resp);
    mpm_register_usage_request_free(req);
    mpm_client_free(client);
    return status;
}
