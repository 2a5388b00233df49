/*
 * ResolveCustomer: turns the registration token a SaaS buyer's browser posted to the product's
 * registration page into the customer to meter, and prints every field of the answer.
 *
 *   resolve_customer --endpoint http://127.0.0.1:PORT --registration-token demo-registration-token
 */
#include <stdio.h>

#include "example_common.h"

int main(int argc, char **argv)
{
    const char *token = "demo-registration-token";
    example_connection conn;
    mpm_client *client;
    mpm_resolve_customer_request *req;
    mpm_response *resp;
    int status;
    example_option options[] = {
        {"registration-token", EXAMPLE_OPT_STRING, NULL, NULL,
         "x-amzn-marketplace-token value (demo-registration-token)"},
    };
    options[0].value = &token;

    status = example_parse_args(argc, argv, "Resolves a SaaS registration token with ResolveCustomer.",
                                options, sizeof options / sizeof options[0], &conn);
    if (status >= 0) {
        return status;
    }
    req = mpm_resolve_customer_request_new();
    if (!example_check(mpm_resolve_customer_request_set_registration_token(req, token),
                       "--registration-token")) {
        mpm_resolve_customer_request_free(req);
        return EXAMPLE_EXIT_USAGE;
    }
    client = example_client_new(&conn);
    if (client == NULL) {
        mpm_resolve_customer_request_free(req);
        return EXAMPLE_EXIT_USAGE;
    }

    resp = mpm_client_resolve_customer(client, req);
    status = EXAMPLE_EXIT_FAILED;
    if (example_finish("ResolveCustomer", resp)) {
        printf("  customer_identifier: %s\n",
               example_or_none(mpm_resolve_customer_response_customer_identifier(resp)));
        printf("  customer_aws_account_id: %s\n",
               example_or_none(mpm_resolve_customer_response_customer_aws_account_id(resp)));
        printf("  product_code: %s\n",
               example_or_none(mpm_resolve_customer_response_product_code(resp)));
        printf("  license_arn: %s\n", example_or_none(mpm_resolve_customer_response_license_arn(resp)));
        printf("  agreement_id: %s\n",
               example_or_none(mpm_resolve_customer_response_agreement_id(resp)));
        status = EXAMPLE_EXIT_OK;
    }

    mpm_response_free(resp);
    mpm_resolve_customer_request_free(req);
    mpm_client_free(client);
    return status;
}
