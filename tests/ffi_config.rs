//! `mpm_config` against the environment: the IMDS region, asked for only when the caller says
//! so and only when no region is set. (The checks its setters share with the environment are
//! in ffi_credentials.rs and the core's tests.)

mod support;

use std::time::Duration;

use mpmeter::ffi::*;
use support::aws_env::Env;
use support::stub_aws;

#[test]
fn region_from_imds_only_when_asked_and_only_when_unset() {
    let env = Env::new("imds-region");
    env.unset("AWS_REGION");
    let imds = stub_aws::imds("ASIAREG", Duration::from_secs(3600));
    env.set("AWS_EC2_METADATA_SERVICE_ENDPOINT", &imds.url);
    let cfg = mpm_config_new_from_environment();
    assert!(!cfg.is_null());
    assert!(
        imds.requests().is_empty(),
        "loading the environment makes no network call"
    );
    assert_eq!(
        mpm_config_load_region_from_imds(cfg, 0),
        mpm_result::MPM_ERR_INVALID_ARGUMENT
    );
    assert_eq!(
        mpm_config_load_region_from_imds(cfg, 2000),
        mpm_result::MPM_OK
    );
    let client =
        mpm_client_new_with_config(std::ptr::null(), std::ptr::null(), std::ptr::null(), cfg);
    assert!(!client.is_null());
    let mut buf = [0 as std::ffi::c_char; 32];
    mpm_client_region_name(client, buf.as_mut_ptr(), buf.len());
    let region = unsafe { std::ffi::CStr::from_ptr(buf.as_ptr()) }
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(region, "eu-west-3", "the stub IMDS's placement/region");
    mpm_client_free(client);
    mpm_config_free(cfg);

    // A region from the environment wins and IMDS is not asked.
    env.set("AWS_REGION", "ap-south-1");
    let before = imds.requests().len();
    let cfg = mpm_config_new_from_environment();
    assert_eq!(
        mpm_config_load_region_from_imds(cfg, 2000),
        mpm_result::MPM_OK
    );
    assert_eq!(imds.requests().len(), before);
    mpm_config_free(cfg);

    // Off EC2 (nothing listening): a clear error within the timeout.
    env.unset("AWS_REGION");
    env.set("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9");
    let cfg = mpm_config_new_from_environment();
    let start = std::time::Instant::now();
    assert_eq!(
        mpm_config_load_region_from_imds(cfg, 300),
        mpm_result::MPM_ERR_ENDPOINT
    );
    assert!(start.elapsed() < Duration::from_secs(3));
    mpm_config_free(cfg);
}
