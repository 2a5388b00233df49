//! Any bytes as a service answer, for every operation and every error form: reading them must
//! never panic, and whatever parses must convert to the C view and read back through the
//! getters.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mpmeter_core::client::parse_output;
use mpmeter_core::error::{Error, Outcome, ResponseMeta};
use mpmeter_core::model::Operation;
use mpmeter_core::service_error::parse_service_error;
use mpmeter::ffi::response::Completed;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else { return };
    let op = Operation::ALL[usize::from(selector % 4)];
    let meta = ResponseMeta { http_status: 200, request_id: Some("r".into()), attempts: 1 };
    match parse_output(op, body) {
        Ok(out) => {
            assert_eq!(out.operation(), op);
            let done = Completed::from_outcome(Outcome { result: Ok(out), meta: meta.clone() });
            assert!(done.output.is_some());
        }
        Err(message) => assert!(!message.is_empty()),
    }
    // The same bytes as an error answer, with the header form when the selector says so.
    let header = if selector & 0x80 != 0 {
        std::str::from_utf8(&body[..body.len().min(40)]).ok()
    } else {
        None
    };
    if let Some(e) = parse_service_error(header, body) {
        assert!(!e.code.is_empty());
        assert!(!e.code.contains('#') && !e.code.contains(':'));
        let done = Completed::from_outcome(Outcome { result: Err(Error::Service(e)), meta });
        assert!(done.error_code.is_some());
    }
});
