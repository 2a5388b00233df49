//! The credential providers against stub STS, container and IMDS servers on 127.0.0.1,
//! temporary profile files and environment variables: each provider, the chain's order,
//! refresh ahead of expiry, strict platform mode, the "nothing found" error, and secrets kept
//! out of every message. Tests change the process environment, so they hold ENV_LOCK and set
//! every variable they rely on (this binary has no other tests).

mod support;

use support::aws_env::Env;
use support::stub_aws;

use std::time::{Duration, SystemTime};

use mpmeter_core::credentials::{ChainOptions, CredentialsSource, Platform};

/// Resolves and returns (akid, secret, token, provider, expiry) or the error.
fn resolve(
    src: &CredentialsSource,
) -> Result<(String, String, Option<String>, String, Option<SystemTime>), String> {
    let c = support::runtime::block_on(src.resolve())?.expect("not anonymous");
    let info = src.info().expect("info after resolve");
    Ok((
        c.access_key_id().to_string(),
        c.secret_access_key().to_string(),
        c.session_token().map(str::to_string),
        info.provider,
        info.expiry,
    ))
}

fn chain() -> CredentialsSource {
    CredentialsSource::default_chain(ChainOptions::default())
}

const ENV_SECRET: &str = "env-secret-DO-NOT-LEAK";
const FILE_SECRET: &str = "file-secret-DO-NOT-LEAK";

#[test]
fn environment_variables() {
    let env = Env::new("env");
    env.set("AWS_ACCESS_KEY_ID", "AKIDENV");
    env.set("AWS_SECRET_ACCESS_KEY", ENV_SECRET);
    env.set("AWS_SESSION_TOKEN", "env-token");
    let (akid, secret, token, provider, expiry) = resolve(&chain()).unwrap();
    assert_eq!((akid.as_str(), secret.as_str()), ("AKIDENV", ENV_SECRET));
    assert_eq!(token.as_deref(), Some("env-token"));
    assert_eq!(provider, "environment");
    assert_eq!(expiry, None);
}

#[test]
fn chain_order_environment_then_profile_then_web_identity() {
    let env = Env::new("order");
    env.file(
        "credentials",
        &format!(
            "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = {FILE_SECRET}\n"
        ),
    );
    let sts = stub_aws::sts("ASIAWEB", Duration::from_secs(3600));
    env.set("AWS_ENDPOINT_URL_STS", &sts.url);
    env.set(
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        env.file("token", "jwt-token"),
    );
    env.set("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/irsa");
    env.set("AWS_ACCESS_KEY_ID", "AKIDENV");
    env.set("AWS_SECRET_ACCESS_KEY", ENV_SECRET);
    assert_eq!(resolve(&chain()).unwrap().3, "environment");
    env.unset("AWS_ACCESS_KEY_ID");
    env.unset("AWS_SECRET_ACCESS_KEY");
    let got = resolve(&chain()).unwrap();
    assert_eq!((got.0.as_str(), got.3.as_str()), ("AKIDFILE", "profile"));
    env.file("credentials", "");
    let got = resolve(&chain()).unwrap();
    assert_eq!(
        (got.0.as_str(), got.3.as_str()),
        ("ASIAWEB0001", "web-identity")
    );
    assert_eq!(sts.issued(), 1);
}

#[test]
fn named_profile_with_assume_role_through_sts() {
    let env = Env::new("assume");
    let sts = stub_aws::sts("ASIAROLE", Duration::from_secs(3600));
    env.set("AWS_ENDPOINT_URL_STS", &sts.url);
    env.file(
        "credentials",
        &format!("[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = {FILE_SECRET}\n"),
    );
    env.file("config", "[profile metering]\nrole_arn = arn:aws:iam::123456789012:role/metering\nsource_profile = base\nregion = us-west-2\n");
    let src = CredentialsSource::profile(Some("metering"), ChainOptions::default());
    let (akid, _, token, provider, expiry) = resolve(&src).unwrap();
    assert_eq!(akid, "ASIAROLE0001");
    assert_eq!(token.as_deref(), Some("stub-token-ASIAROLE-1"));
    assert_eq!(provider, "profile");
    assert!(expiry.is_some());
    let req = &sts.requests()[0];
    assert!(req.body.contains("Action=AssumeRole"), "{}", req.body);
    assert!(
        req.header("authorization").unwrap().contains("AKIDBASE/"),
        "signed with the source profile"
    );
    // AWS_PROFILE selects the profile for the chain too.
    env.set("AWS_PROFILE", "metering");
    assert_eq!(resolve(&chain()).unwrap().0, "ASIAROLE0002");
}

#[test]
fn credential_process_profile() {
    let env = Env::new("process");
    let script = env.file(
        "creds.sh",
        "#!/bin/sh\necho '{\"Version\":1,\"AccessKeyId\":\"AKIDPROC\",\"SecretAccessKey\":\"proc-secret\"}'\n",
    );
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    env.file(
        "config",
        &format!("[profile proc]\ncredential_process = {script}\n"),
    );
    let src = CredentialsSource::profile(Some("proc"), ChainOptions::default());
    let (akid, secret, _, provider, _) = resolve(&src).unwrap();
    assert_eq!(
        (akid.as_str(), secret.as_str(), provider.as_str()),
        ("AKIDPROC", "proc-secret", "profile")
    );
}

fn executable(env: &Env, name: &str, text: &str) -> String {
    use std::os::unix::fs::PermissionsExt;
    let path = env.file(name, text);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// aws-config copies a failed credential_process's stderr into its error. Secrets there are
/// redacted: labelled ones always, and the keys of the credentials in use by value.
#[test]
fn credential_process_stderr_reaches_no_message_with_a_secret() {
    let env = Env::new("process-stderr");
    let script = executable(
        &env,
        "creds.sh",
        concat!(
            "#!/bin/sh\n",
            "echo '{\"Version\":1,\"AccessKeyId\":\"AKIDPROC\",",
            "\"SecretAccessKey\":\"json-secret-DO-NOT-LEAK\",",
            "\"SessionToken\":\"json-token-DO-NOT-LEAK\"}' >&2\n",
            "echo 'aws_secret_access_key = ini-secret-DO-NOT-LEAK' >&2\n",
            "exit 3\n"
        ),
    );
    env.file(
        "config",
        &format!("[profile proc]\ncredential_process = {script}\n"),
    );
    let src = CredentialsSource::profile(Some("proc"), ChainOptions::default());
    let err = resolve(&src).unwrap_err();
    assert!(err.contains("Stderr") && err.contains("AKIDPROC"), "{err}");
    assert!(!err.contains("DO-NOT-LEAK"), "a secret leaked: {err}");

    // First run: credentials expiring in 5 s; the refresh fails and prints the old secret
    // with no label, so only its known value can find it.
    let expiry = aws_smithy_types::DateTime::from_secs(
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64
            + 5,
    )
    .fmt(aws_smithy_types::date_time::Format::DateTime)
    .unwrap();
    let marker = env.path("ran");
    let script = executable(
        &env,
        "refresh.sh",
        &format!(
            "#!/bin/sh\nif [ -f {marker} ]; then echo 'refresh failed; old key was \
             known-secret-DO-NOT-LEAK' >&2; exit 1; fi\ntouch {marker}\necho '{{\"Version\":1,\
             \"AccessKeyId\":\"AKIDPROC\",\"SecretAccessKey\":\"known-secret-DO-NOT-LEAK\",\
             \"Expiration\":\"{expiry}\"}}'\n"
        ),
    );
    env.file(
        "config",
        &format!("[profile proc]\ncredential_process = {script}\n"),
    );
    let src = CredentialsSource::profile(Some("proc"), ChainOptions::default());
    let rt = support::runtime::rt();
    assert!(rt.block_on(src.resolve()).is_ok());
    let err = rt.block_on(src.resolve()).unwrap_err();
    assert!(err.contains("refresh failed"), "{err}");
    assert!(!err.contains("DO-NOT-LEAK"), "a secret leaked: {err}");
}

/// Keys holding CR, LF or another control character are refused when a provider returns
/// them, naming the provider and the field, never the value.
#[test]
fn keys_with_control_characters_from_the_environment_or_a_profile_are_refused() {
    let env = Env::new("control");
    env.set("AWS_ACCESS_KEY_ID", "AKIDENV");
    env.set(
        "AWS_SECRET_ACCESS_KEY",
        "env-secret\r\nX-Injected: DO-NOT-LEAK",
    );
    let err = resolve(&chain()).unwrap_err();
    assert!(
        err.contains("environment") && err.contains("secret_key"),
        "{err}"
    );
    assert!(!err.contains("DO-NOT-LEAK"), "{err}");
    env.unset("AWS_SECRET_ACCESS_KEY");
    env.unset("AWS_ACCESS_KEY_ID");
    env.file(
        "credentials",
        "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = file-secret\n\
         aws_session_token = tok\u{1}en-DO-NOT-LEAK\n",
    );
    let err = resolve(&chain()).unwrap_err();
    assert!(
        err.contains("profile") && err.contains("session_token"),
        "{err}"
    );
    assert!(!err.contains("DO-NOT-LEAK"), "{err}");
}

#[test]
fn web_identity_for_eks_irsa() {
    let env = Env::new("web");
    let sts = stub_aws::sts("ASIAIRSA", Duration::from_secs(3600));
    env.set("AWS_ENDPOINT_URL_STS", &sts.url);
    env.set(
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        env.file("token", "eyJ.jwt.sig"),
    );
    env.set("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/irsa");
    let src = CredentialsSource::for_platform(Platform::EksIrsa, ChainOptions::default());
    let (akid, _, _, provider, _) = resolve(&src).unwrap();
    assert_eq!(
        (akid.as_str(), provider.as_str()),
        ("ASIAIRSA0001", "web-identity")
    );
    let body = &sts.requests()[0].body;
    assert!(
        body.contains("Action=AssumeRoleWithWebIdentity") && body.contains("eyJ.jwt.sig"),
        "{body}"
    );
}

#[test]
fn container_credentials_reread_the_token_file_on_each_fetch() {
    let env = Env::new("ecs");
    // Expiring within the refresh window: every resolve fetches again.
    let ecs = stub_aws::container("ASIAECS", Duration::from_secs(60));
    env.set(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        format!("{}/v1/credentials", ecs.url),
    );
    let token_file = env.file("ecs-token", "token-one");
    env.set("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", &token_file);
    let src = chain();
    let first = resolve(&src).unwrap();
    assert_eq!(
        (first.0.as_str(), first.3.as_str()),
        ("ASIAECS0001", "container")
    );
    env.file("ecs-token", "token-two");
    let second = resolve(&src).unwrap();
    assert_eq!(second.0, "ASIAECS0002", "refreshed ahead of expiry");
    let auth: Vec<_> = ecs
        .requests()
        .iter()
        .map(|r| r.header("authorization").unwrap_or("").to_string())
        .collect();
    assert_eq!(auth, ["token-one", "token-two"]);
}

#[test]
fn container_full_uri_outside_the_allow_list_is_refused() {
    let env = Env::new("ecs-deny");
    env.set(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "http://192.0.2.1/creds",
    );
    let err = resolve(&chain()).unwrap_err();
    assert!(err.contains("container"), "{err}");
}

#[test]
fn imds_v2_instance_profile() {
    let env = Env::new("imds");
    let imds = stub_aws::imds("ASIAEC2", Duration::from_secs(6 * 3600));
    env.set("AWS_EC2_METADATA_SERVICE_ENDPOINT", &imds.url);
    let src = CredentialsSource::for_platform(Platform::Ec2, ChainOptions::default());
    let (akid, _, token, provider, expiry) = resolve(&src).unwrap();
    assert_eq!((akid.as_str(), provider.as_str()), ("ASIAEC20001", "imds"));
    assert_eq!(token.as_deref(), Some("stub-token-ASIAEC2-1"));
    assert!(expiry.unwrap() > SystemTime::now() + Duration::from_secs(5 * 3600));
    let reqs = imds.requests();
    assert_eq!(reqs[0].method, "PUT", "IMDSv2 starts with a session token");
    // Also reached last in the default chain.
    assert_eq!(resolve(&chain()).unwrap().3, "imds");
}

#[test]
fn cached_until_the_refresh_window_then_fetched_again() {
    let env = Env::new("refresh");
    let ecs = stub_aws::container("ASIAREF", Duration::from_secs(3600));
    env.set(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        format!("{}/creds", ecs.url),
    );
    let src = chain();
    assert_eq!(resolve(&src).unwrap().0, "ASIAREF0001");
    assert_eq!(
        resolve(&src).unwrap().0,
        "ASIAREF0001",
        "cached: an hour left"
    );
    assert_eq!(ecs.issued(), 1);

    // Credentials that expire in 2 s: used once, then refetched after expiry.
    let short = stub_aws::container("ASIASHORT", Duration::from_secs(2));
    env.set(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        format!("{}/creds", short.url),
    );
    let src = chain();
    let first = resolve(&src).unwrap();
    std::thread::sleep(Duration::from_millis(2500));
    let second = resolve(&src).unwrap();
    assert_eq!(
        (first.0.as_str(), second.0.as_str()),
        ("ASIASHORT0001", "ASIASHORT0002")
    );
    assert!(second.4.unwrap() > first.4.unwrap());
}

#[test]
fn strict_platform_mode_refuses_to_fall_back() {
    let env = Env::new("strict");
    env.set("AWS_ACCESS_KEY_ID", "AKIDENV");
    env.set("AWS_SECRET_ACCESS_KEY", ENV_SECRET);
    env.file(
        "credentials",
        &format!(
            "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = {FILE_SECRET}\n"
        ),
    );
    for (platform, name) in [
        (Platform::EksIrsa, "EKS_IRSA"),
        (Platform::Ecs, "ECS"),
        (Platform::Ec2, "EC2"),
    ] {
        let src = CredentialsSource::for_platform(platform, ChainOptions::default());
        let err = resolve(&src).unwrap_err();
        assert!(err.contains(&format!("strict {name} mode")), "{err}");
        assert!(err.contains("no other source"), "{err}");
        assert!(!err.contains(ENV_SECRET) && !err.contains(FILE_SECRET));
    }
    // The default chain, by contrast, takes the environment's keys.
    assert_eq!(resolve(&chain()).unwrap().3, "environment");
}

#[test]
fn nothing_found_names_every_provider_and_why() {
    let _env = Env::new("none");
    let err = resolve(&chain()).unwrap_err();
    assert!(err.starts_with("no credentials found"), "{err}");
    let order: Vec<usize> = [
        "environment:",
        "profile:",
        "web-identity:",
        "container:",
        "imds:",
    ]
    .iter()
    .map(|p| {
        err.find(p)
            .unwrap_or_else(|| panic!("{p} missing from {err}"))
    })
    .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "in chain order: {err}"
    );
}

#[test]
fn secrets_never_reach_debug_or_errors() {
    let env = Env::new("secrets");
    env.set("AWS_ACCESS_KEY_ID", "AKIDENV");
    env.set("AWS_SECRET_ACCESS_KEY", ENV_SECRET);
    env.set("AWS_SESSION_TOKEN", "env-token-SECRET");
    let cb: mpmeter_core::credentials::CallbackFn = std::sync::Arc::new(|| {
        Ok(aws_credential_types::Credentials::new(
            "AKIDCB",
            "cb-secret-DO-NOT-LEAK",
            None,
            None,
            "t",
        ))
    });
    let sources = [
        CredentialsSource::basic(
            "AKIDBASIC",
            "basic-secret-DO-NOT-LEAK",
            Some("basic-token-SECRET"),
        ),
        chain(),
        CredentialsSource::profile(None, ChainOptions::default()),
        CredentialsSource::for_platform(Platform::Ec2, ChainOptions::default()),
        CredentialsSource::callback(cb),
        CredentialsSource::Anonymous,
    ];
    let mut text = String::new();
    for s in &sources {
        let r = support::runtime::block_on(s.resolve());
        text.push_str(&format!("{s:?} {:?} {:?}\n", s.info(), r.as_ref().err()));
        if let CredentialsSource::Provider(p) = s {
            text.push_str(&format!("{p:?}\n"));
        }
        if let Ok(Some(c)) = &r {
            text.push_str(&format!("{c:?}\n"));
        }
    }
    for secret in ["DO-NOT-LEAK", "SECRET"] {
        assert!(!text.contains(secret), "a secret leaked: {text}");
    }
    assert!(
        text.contains("environment") && text.contains("callback"),
        "{text}"
    );
}

/// STS, IMDS and the container endpoint never redirect: a 3xx from any of them fails the
/// provider with a message naming the status, and the server it points at (which would hand
/// out credentials) receives nothing: no web identity token, no IMDS session token, no
/// container authorization token.
#[test]
fn credential_endpoints_that_redirect_are_refused() {
    fn redirect_to(status: u16, to: &stub_aws::Stub) -> stub_aws::Stub {
        let location = format!("{}/latest/api/token", to.url);
        stub_aws::start(Box::new(move |_, _| {
            stub_aws::Reply::redirect(status, &location)
        }))
    }
    for status in [302, 307, 308] {
        // Web identity through STS (EKS IRSA).
        let env = Env::new("redirect-sts");
        let sts = stub_aws::sts("ASIASTS", Duration::from_secs(3600));
        let from = redirect_to(status, &sts);
        env.set("AWS_ENDPOINT_URL_STS", &from.url);
        env.set(
            "AWS_WEB_IDENTITY_TOKEN_FILE",
            env.file("token", "eyJ.jwt.sig"),
        );
        env.set("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/irsa");
        let src = CredentialsSource::for_platform(Platform::EksIrsa, ChainOptions::default());
        let err = resolve(&src).unwrap_err();
        assert!(
            err.contains(&format!("HTTP {status} redirect")),
            "sts: {err}"
        );
        assert!(sts.requests().is_empty(), "sts got {:?}", sts.requests());
        drop(env);

        // Container credentials (ECS, EKS pod identity).
        let env = Env::new("redirect-ecs");
        let ecs = stub_aws::container("ASIAECS", Duration::from_secs(3600));
        let from = redirect_to(status, &ecs);
        env.set(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            format!("{}/creds", from.url),
        );
        env.set("AWS_CONTAINER_AUTHORIZATION_TOKEN", "container-auth-token");
        let src = CredentialsSource::for_platform(Platform::Ecs, ChainOptions::default());
        let err = resolve(&src).unwrap_err();
        assert!(
            err.contains(&format!("HTTP {status} redirect")),
            "container: {err}"
        );
        assert!(
            ecs.requests().is_empty(),
            "container got {:?}",
            ecs.requests()
        );
        drop(env);

        // IMDS (EC2 instance profile).
        let env = Env::new("redirect-imds");
        let imds = stub_aws::imds("ASIAEC2", Duration::from_secs(3600));
        let from = redirect_to(status, &imds);
        env.set("AWS_EC2_METADATA_SERVICE_ENDPOINT", &from.url);
        let src = CredentialsSource::for_platform(Platform::Ec2, ChainOptions::default());
        let err = resolve(&src).unwrap_err();
        assert!(err.contains("redirect"), "imds: {err}");
        assert!(imds.requests().is_empty(), "imds got {:?}", imds.requests());
        drop(env);
    }
}

/// The stubs stamp Expiration with `stub_aws::iso8601(now + ttl)`, so its calendar runs on
/// whatever date the suite does: it must be right on the dates where calendars go wrong.
#[test]
fn stub_expiration_dates_are_right_on_any_date() {
    let iso =
        |secs: i64| stub_aws::iso8601(SystemTime::UNIX_EPOCH + Duration::from_secs(secs as u64));
    for (secs, want) in [
        (1_835_481_599, "2028-02-29T23:59:59Z"),
        (1_835_481_600, "2028-03-01T00:00:00Z"),
        (1_798_761_599, "2026-12-31T23:59:59Z"),
        (1_798_761_600, "2027-01-01T00:00:00Z"),
        (951_825_600, "2000-02-29T12:00:00Z"),
        (4_107_542_400, "2100-03-01T00:00:00Z"),
    ] {
        assert_eq!(iso(secs), want);
    }
    // Every day's last and first second from 2026 to 2029, against the SDK's formatter.
    let smithy = |secs: i64| {
        aws_smithy_types::DateTime::from_secs(secs)
            .fmt(aws_smithy_types::date_time::Format::DateTime)
            .unwrap()
    };
    for midnight in (1_767_225_600..=1_893_456_000).step_by(86_400) {
        for secs in [midnight - 1, midnight] {
            assert_eq!(iso(secs), smithy(secs), "{secs}");
        }
    }
}
