//! Machine mode without an identity from the application: `mpm_outbox_open` asks the metadata
//! services (ECS task metadata v4, then IMDSv2), here stubs on 127.0.0.1, and slots are bound
//! to what they answer; with none answering, a clear MPM_ERR_MACHINE_IDENTITY. One test: the
//! environment is the process's.

mod support;

use std::ptr::null;

use mpmeter::ffi::*;
use support::capi::*;
use support::stub_aws::{start, Reply};

fn reply(status: u16, body: &str) -> Reply {
    Reply {
        status,
        content_type: "text/plain",
        body: body.into(),
        headers: vec![],
    }
}

fn identity_of(client: *mut mpm_client, name: &str) -> Result<String, (mpm_result, String)> {
    let dir =
        std::env::temp_dir().join(format!("mpm-outbox-identity-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = cs(dir.join("outbox.db").to_str().unwrap());
    let opts = mpm_outbox_options_new();
    mpm_outbox_options_set_product_code(opts, c"demo-product".as_ptr());
    mpm_outbox_options_set_mode(opts, MPM_OUTBOX_MODE_MACHINE);
    let o = mpm_outbox_open(client, path.as_ptr(), opts);
    let error = (mpm_last_error_code(), last_message());
    mpm_outbox_options_free(opts);
    if o.is_null() {
        return Err(error);
    }
    let t = now();
    assert_eq!(
        mpm_outbox_record(o, null(), c"hosts".as_ptr(), t, c"1".as_ptr(), null()),
        mpm_result::MPM_OK
    );
    let it = mpm_outbox_slots_of_hour(o, t);
    let id = rs(mpm_outbox_slot_customer(mpm_outbox_slot_iter_next(it))).unwrap();
    mpm_outbox_slot_iter_free(it);
    mpm_outbox_free(o);
    Ok(id)
}

#[test]
fn the_machine_identity_comes_from_the_metadata_services() {
    let client = client_for("http://127.0.0.1:9", "AKIDTEST", "secret");
    std::env::remove_var("ECS_CONTAINER_METADATA_URI_V4");
    std::env::remove_var("KUBERNETES_SERVICE_HOST");

    // Nothing answers: a clear error, quickly.
    std::env::set_var("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9");
    let t0 = std::time::Instant::now();
    let (code, msg) = identity_of(client, "none").unwrap_err();
    assert_eq!(code, mpm_result::MPM_ERR_MACHINE_IDENTITY, "{msg}");
    assert!(
        msg.contains("mpm_outbox_options_set_machine_identity"),
        "{msg}"
    );
    assert!(t0.elapsed() < std::time::Duration::from_secs(5));

    // IMDSv2: token first, then the instance id.
    let imds = start(Box::new(|req, _| {
        if req.method == "PUT" && req.path == "/latest/api/token" {
            let mut r = reply(200, "tok");
            r.headers.push((
                "x-aws-ec2-metadata-token-ttl-seconds".into(),
                "21600".into(),
            ));
            return r;
        }
        match (req.header("x-aws-ec2-metadata-token"), req.path.as_str()) {
            (Some("tok"), "/latest/meta-data/instance-id") => reply(200, "i-0stub1234"),
            _ => reply(404, ""),
        }
    }));
    std::env::set_var("AWS_EC2_METADATA_SERVICE_ENDPOINT", &imds.url);
    assert_eq!(
        identity_of(client, "imds").unwrap(),
        "ec2-instance:i-0stub1234"
    );

    // ECS: the task ARN from the task metadata endpoint wins.
    let ecs = start(Box::new(|req, _| match req.path.as_str() {
        "/v4/abc/task" => Reply {
            status: 200,
            content_type: "application/json",
            body: r#"{"TaskARN":"arn:aws:ecs:us-east-1:111122223333:task/c/0123"}"#.into(),
            headers: vec![],
        },
        _ => reply(404, ""),
    }));
    std::env::set_var(
        "ECS_CONTAINER_METADATA_URI_V4",
        format!("{}/v4/abc", ecs.url),
    );
    assert_eq!(
        identity_of(client, "ecs").unwrap(),
        "ecs-task:arn:aws:ecs:us-east-1:111122223333:task/c/0123"
    );
    std::env::remove_var("ECS_CONTAINER_METADATA_URI_V4");
    mpm_client_free(client);
}
