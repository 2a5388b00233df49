//! What every HTTP client of the library does alike (the metering client and the one the
//! credential providers use): the User-Agent it sends, and redirects refused, never followed.
//!
//! AWS endpoints (the service, STS, IMDS, the container credential endpoints) do not
//! redirect; a 3xx means a proxy, a captive portal or a hostile server. Following it would
//! turn a POST into a body-less GET on 301/302/303 (and a success from the other server would
//! read as usage metered), re-send the signed body on 307/308, and hand
//! `X-Amz-Security-Token` to another origin in every case.

use crate::quote::quote;

/// The product name and version sent in `User-Agent`, with the application's id if any.
pub fn user_agent(app_id: Option<&str>) -> String {
    let base = format!(
        "mpmeter/{} os/{} lang/rust",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS
    );
    match app_id {
        Some(id) => format!("{base} app/{id}"),
        None => base,
    }
}

/// The error message for an answer with a 3xx `status` and the `Location` it named.
pub fn redirect_refused(status: u16, location: Option<&str>) -> String {
    let to = match location {
        Some(l) => format!(" to {}", quote(l)),
        None => " (no Location)".to_string(),
    };
    format!(
        "HTTP {status} redirect{to} refused: AWS endpoints do not redirect, so nothing was \
         followed or sent again"
    )
}

#[cfg(test)]
mod tests {
    use super::redirect_refused;

    #[test]
    fn names_status_and_location_without_userinfo() {
        let m = redirect_refused(307, Some("https://user:pw@evil.example/x?a@b"));
        assert!(m.starts_with("HTTP 307 redirect to \"https://***@"), "{m}");
        assert!(!m.contains("pw"), "{m}");
        assert!(redirect_refused(302, None).contains("HTTP 302 redirect (no Location)"));
        let long = format!("http://h/{}", "a".repeat(10_000));
        assert!(redirect_refused(301, Some(&long)).len() < 300);
    }
}
