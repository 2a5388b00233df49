//! Every modeled exception reaches the C caller as its own enum value, with its code, message
//! and request id; and every error form awsJson1.1 allows is read, while broken answers are
//! reported as such rather than crashing.

mod support;

use std::sync::Arc;

use mpmeter::ffi::*;
use support::capi::*;
use support::stub_server::{start, Reply};

fn json_error(status: u16, body: &str) -> Reply {
    Reply {
        status,
        headers: vec![],
        body: body.to_string(),
    }
}

/// The stub answers by the dimension of the MeterUsage request, which names the scenario.
fn scenario(body: &str) -> Reply {
    let v: serde_json::Value = serde_json::from_str(body).unwrap();
    let dim = v["UsageDimension"].as_str().unwrap_or("").to_string();
    if let Some(code) = dim.strip_prefix("modeled:") {
        let status = if code == "InternalServiceErrorException" {
            500
        } else {
            400
        };
        return json_error(
            status,
            &format!(
                r#"{{"__type":"com.amazonaws.marketplacemetering#{code}","message":"msg for {code}"}}"#
            ),
        );
    }
    match dim.as_str() {
        "header-type" => Reply {
            status: 400,
            headers: vec![(
                "x-amzn-ErrorType".into(),
                "InvalidTagException:http://internal.amazon.com/".into(),
            )],
            body: r#"{"message":"from header"}"#.into(),
        },
        "code-field" => json_error(
            400,
            r#"{"code":"InvalidTokenException","Message":"capital M"}"#,
        ),
        "error-message-field" => json_error(
            400,
            r#"{"__type":"DisabledApiException","errorMessage":"lower e"}"#,
        ),
        "unknown-code" => json_error(400, r#"{"__type":"BrandNewException","message":"new"}"#),
        "html-500" => json_error(500, "<html><body>Internal Server Error</body></html>"),
        "not-json-200" => json_error(200, "this is not json"),
        "wrong-shape-200" => json_error(200, r#"{"MeteringRecordId": 42}"#),
        "extra-members" => json_error(200, r#"{"MeteringRecordId":"id-1","SomethingNew":{"x":1}}"#),
        _ => json_error(
            400,
            r#"{"__type":"InvalidUsageDimensionException","message":"?"}"#,
        ),
    }
}

fn call(client: *mut mpm_client, dimension: &str) -> *mut mpm_response {
    let req = mpm_meter_usage_request_new();
    mpm_meter_usage_request_set_product_code(req, cs("p").as_ptr());
    mpm_meter_usage_request_set_timestamp(req, now());
    mpm_meter_usage_request_set_usage_dimension(req, cs(dimension).as_ptr());
    mpm_meter_usage_request_set_usage_quantity(req, 1);
    let resp = mpm_client_meter_usage(client, req);
    mpm_meter_usage_request_free(req);
    wait(resp);
    resp
}

#[test]
fn every_modeled_exception_has_its_own_enum_value() {
    let url = start(Arc::new(scenario));
    let client = client_for(&url, "AKID", "SECRET");
    use mpm_service_error::*;
    let table = [
        (
            "CustomerNotEntitledException",
            MPM_SERVICE_ERROR_CUSTOMER_NOT_ENTITLED,
        ),
        ("DisabledApiException", MPM_SERVICE_ERROR_DISABLED_API),
        (
            "DuplicateRequestException",
            MPM_SERVICE_ERROR_DUPLICATE_REQUEST,
        ),
        ("ExpiredTokenException", MPM_SERVICE_ERROR_EXPIRED_TOKEN),
        (
            "IdempotencyConflictException",
            MPM_SERVICE_ERROR_IDEMPOTENCY_CONFLICT,
        ),
        (
            "InternalServiceErrorException",
            MPM_SERVICE_ERROR_INTERNAL_SERVICE_ERROR,
        ),
        (
            "InvalidCustomerIdentifierException",
            MPM_SERVICE_ERROR_INVALID_CUSTOMER_IDENTIFIER,
        ),
        (
            "InvalidEndpointRegionException",
            MPM_SERVICE_ERROR_INVALID_ENDPOINT_REGION,
        ),
        ("InvalidLicenseException", MPM_SERVICE_ERROR_INVALID_LICENSE),
        (
            "InvalidProductCodeException",
            MPM_SERVICE_ERROR_INVALID_PRODUCT_CODE,
        ),
        (
            "InvalidPublicKeyVersionException",
            MPM_SERVICE_ERROR_INVALID_PUBLIC_KEY_VERSION,
        ),
        ("InvalidRegionException", MPM_SERVICE_ERROR_INVALID_REGION),
        ("InvalidTagException", MPM_SERVICE_ERROR_INVALID_TAG),
        ("InvalidTokenException", MPM_SERVICE_ERROR_INVALID_TOKEN),
        (
            "InvalidUsageAllocationsException",
            MPM_SERVICE_ERROR_INVALID_USAGE_ALLOCATIONS,
        ),
        (
            "InvalidUsageDimensionException",
            MPM_SERVICE_ERROR_INVALID_USAGE_DIMENSION,
        ),
        (
            "PlatformNotSupportedException",
            MPM_SERVICE_ERROR_PLATFORM_NOT_SUPPORTED,
        ),
        ("ThrottlingException", MPM_SERVICE_ERROR_THROTTLING),
        (
            "TimestampOutOfBoundsException",
            MPM_SERVICE_ERROR_TIMESTAMP_OUT_OF_BOUNDS,
        ),
    ];
    let mut seen = std::collections::HashSet::new();
    for (code, want) in table {
        let resp = call(client, &format!("modeled:{code}"));
        assert_eq!(
            mpm_response_result(resp),
            mpm_result::MPM_ERR_SERVICE,
            "{code}"
        );
        assert_eq!(mpm_response_service_error(resp), want, "{code}");
        assert_eq!(rs(mpm_response_error_code(resp)).as_deref(), Some(code));
        assert_eq!(
            rs(mpm_response_error_message(resp)),
            Some(format!("msg for {code}"))
        );
        assert_eq!(
            rs(mpm_response_request_id(resp)).as_deref(),
            Some("stub-request-id")
        );
        let retried = matches!(
            code,
            "ThrottlingException" | "InternalServiceErrorException"
        );
        assert_eq!(
            mpm_response_attempts(resp),
            if retried { 3 } else { 1 },
            "{code}"
        );
        assert!(seen.insert(want as u32));
        mpm_response_free(resp);
    }
    assert_eq!(seen.len(), 19);
    mpm_client_free(client);
}

#[test]
fn error_forms_and_broken_answers() {
    let url = start(Arc::new(scenario));
    let client = client_for(&url, "AKID", "SECRET");
    let cases: &[(
        &str,
        mpm_result,
        mpm_service_error,
        Option<&str>,
        Option<&str>,
    )] = &[
        (
            "header-type",
            mpm_result::MPM_ERR_SERVICE,
            mpm_service_error::MPM_SERVICE_ERROR_INVALID_TAG,
            Some("InvalidTagException"),
            Some("from header"),
        ),
        (
            "code-field",
            mpm_result::MPM_ERR_SERVICE,
            mpm_service_error::MPM_SERVICE_ERROR_INVALID_TOKEN,
            Some("InvalidTokenException"),
            Some("capital M"),
        ),
        (
            "error-message-field",
            mpm_result::MPM_ERR_SERVICE,
            mpm_service_error::MPM_SERVICE_ERROR_DISABLED_API,
            Some("DisabledApiException"),
            Some("lower e"),
        ),
        (
            "unknown-code",
            mpm_result::MPM_ERR_SERVICE,
            mpm_service_error::MPM_SERVICE_ERROR_UNKNOWN,
            Some("BrandNewException"),
            Some("new"),
        ),
        (
            "html-500",
            mpm_result::MPM_ERR_INVALID_RESPONSE,
            mpm_service_error::MPM_SERVICE_ERROR_NONE,
            None,
            None,
        ),
        (
            "not-json-200",
            mpm_result::MPM_ERR_INVALID_RESPONSE,
            mpm_service_error::MPM_SERVICE_ERROR_NONE,
            None,
            None,
        ),
        (
            "wrong-shape-200",
            mpm_result::MPM_ERR_INVALID_RESPONSE,
            mpm_service_error::MPM_SERVICE_ERROR_NONE,
            None,
            None,
        ),
    ];
    for (dim, result, kind, code, message) in cases {
        let resp = call(client, dim);
        assert_eq!(
            mpm_response_result(resp),
            *result,
            "{dim}: {}",
            describe(resp)
        );
        assert_eq!(mpm_response_service_error(resp), *kind, "{dim}");
        assert_eq!(rs(mpm_response_error_code(resp)).as_deref(), *code, "{dim}");
        let got = rs(mpm_response_error_message(resp)).expect("a message for every failure");
        if let Some(m) = message {
            assert_eq!(&got, m, "{dim}");
        }
        mpm_response_free(resp);
    }
    let ok = call(client, "extra-members");
    assert_eq!(
        mpm_response_result(ok),
        mpm_result::MPM_OK,
        "unknown members are ignored"
    );
    assert_eq!(
        rs(mpm_meter_usage_response_metering_record_id(ok)).as_deref(),
        Some("id-1")
    );
    mpm_response_free(ok);
    mpm_client_free(client);
}

#[test]
fn an_unknown_record_status_is_kept_with_its_text() {
    let url = start(Arc::new(|_body: &str| {
        Reply {
        status: 200,
        headers: vec![],
        body: r#"{"Results":[{"UsageRecord":{"Timestamp":1.7e9,"CustomerAWSAccountId":"1","Dimension":"d","Quantity":1},"Status":"PendingReview"}],"UnprocessedRecords":[]}"#.into(),
    }
    }));
    let client = client_for(&url, "AKID", "SECRET");
    let req = mpm_batch_meter_usage_request_new();
    mpm_batch_meter_usage_request_set_product_code(req, cs("p").as_ptr());
    let rec = mpm_usage_record_new();
    // The record the stub echoes: an answer must account for what was sent.
    mpm_usage_record_set_timestamp(rec, 1_700_000_000);
    mpm_usage_record_set_customer_aws_account_id(rec, cs("1").as_ptr());
    mpm_usage_record_set_dimension(rec, cs("d").as_ptr());
    mpm_batch_meter_usage_request_add_usage_record(req, rec);
    let resp = mpm_client_batch_meter_usage(client, req);
    assert_eq!(wait(resp), mpm_result::MPM_OK, "{}", describe(resp));
    let r = mpm_batch_meter_usage_response_result_at(resp, 0);
    assert_eq!(
        mpm_usage_record_result_status(r),
        mpm_record_status::MPM_RECORD_STATUS_UNKNOWN
    );
    assert_eq!(
        rs(mpm_usage_record_result_status_name(r)).as_deref(),
        Some("PendingReview")
    );
    let mut t = 0i64;
    mpm_usage_record_timestamp(mpm_usage_record_result_usage_record(r), &mut t);
    assert_eq!(t, 1_700_000_000);
    mpm_response_free(resp);
    mpm_usage_record_free(rec);
    mpm_batch_meter_usage_request_free(req);
    mpm_client_free(client);
}
