//! A stub service on 127.0.0.1 that answers each request with whatever the test's closure
//! returns for the request body: for answers the emulator never gives (every modeled
//! exception, odd error forms, broken bodies). Built on `stub_aws`, the tests' one HTTP stub;
//! every answer carries `x-amzn-RequestId: stub-request-id`.

use std::sync::Arc;

use super::stub_aws;

/// One canned answer.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

pub type Handler = Arc<dyn Fn(&str) -> Reply + Send + Sync>;

/// Starts the stub; returns its base URL.
pub fn start(handler: Handler) -> String {
    stub_aws::start(Box::new(move |req, _| {
        let reply = handler(&req.body);
        let mut headers = vec![(
            "x-amzn-RequestId".to_string(),
            "stub-request-id".to_string(),
        )];
        headers.extend(reply.headers);
        stub_aws::Reply {
            status: reply.status,
            content_type: "application/x-amz-json-1.1",
            body: reply.body,
            headers,
        }
    }))
    .url
}
