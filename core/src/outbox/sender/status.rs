//! From AWS's answers to slot states: per-record statuses, whole-call errors, and which
//! failures are an outage (try again later) rather than a verdict.

use crate::error::Error;
use crate::model::UsageRecordResultStatus;
use crate::outbox::model::SlotState;
use crate::outbox::store::Completion;
use crate::retry::{classify_service, RetryKind};
use crate::service_error::ServiceErrorKind;

/// How a whole call ended, for the slots it carried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallVerdict {
    /// Nothing was decided: try again later. `in_doubt` when the request may have been
    /// recorded (no answer came).
    Outage {
        /// What went wrong, for the attempt log.
        reason: String,
        /// The request may have reached AWS (no answer came).
        in_doubt: bool,
    },
    /// AWS refused the request as a whole: each record by itself (bisect) or the record.
    Refused {
        /// The terminal state a lone record gets (rejected, or conflict).
        state: SlotState,
        /// AWS's code and message, or why the request broke the model.
        reason: String,
    },
}

/// Classifies a failed call.
pub fn verdict(e: &Error, http_status: u16) -> CallVerdict {
    let outage = |reason: String, in_doubt: bool| CallVerdict::Outage { reason, in_doubt };
    match e {
        Error::Service(s) => {
            let reason = match &s.message {
                Some(m) => format!("{}: {m}", s.code),
                None => s.code.clone(),
            };
            match s.kind {
                // AWS holds another quantity for this hour (or another request with our token).
                ServiceErrorKind::DuplicateRequest | ServiceErrorKind::IdempotencyConflict => {
                    CallVerdict::Refused {
                        state: SlotState::Conflict,
                        reason,
                    }
                }
                ServiceErrorKind::Throttling | ServiceErrorKind::InternalServiceError => {
                    outage(reason, false)
                }
                // Credentials that expired or were refused come back when they are renewed.
                ServiceErrorKind::ExpiredToken => outage(reason, false),
                _ => match classify_service(&s.code, http_status) {
                    RetryKind::NotRetryable if !is_auth(&s.code) => CallVerdict::Refused {
                        state: SlotState::Rejected,
                        reason,
                    },
                    _ => outage(reason, false),
                },
            }
        }
        Error::InvalidRequest(v) => CallVerdict::Refused {
            state: SlotState::Rejected,
            reason: format!("invalid request: {v}"),
        },
        Error::Transport(_) | Error::Timeout(_) | Error::InvalidResponse(_) => {
            outage(e.to_string(), true)
        }
        Error::Credentials(_) | Error::Signing(_) | Error::Endpoint(_) | Error::Cancelled => {
            outage(e.to_string(), false)
        }
    }
}

/// Authentication failures are the seller's configuration, not the record's fault: the
/// slots wait (and expire, reported) rather than being rejected.
fn is_auth(code: &str) -> bool {
    matches!(
        code,
        "UnrecognizedClientException"
            | "InvalidSignatureException"
            | "IncompleteSignatureException"
            | "MissingAuthenticationTokenException"
            | "AccessDeniedException"
            | "InvalidClientTokenId"
    )
}

/// The terminal state for one BatchMeterUsage result.
pub fn record_status(
    status: Option<&UsageRecordResultStatus>,
    metering_record_id: Option<String>,
    in_doubt: bool,
) -> Completion {
    match status {
        Some(UsageRecordResultStatus::Success) => accepted(metering_record_id, in_doubt),
        Some(UsageRecordResultStatus::DuplicateRecord) => Completion::Terminal {
            state: SlotState::Conflict,
            metering_record_id,
            reason: Some("DuplicateRecord: AWS holds another quantity for this hour".into()),
        },
        Some(UsageRecordResultStatus::CustomerNotSubscribed) => Completion::Terminal {
            state: SlotState::Rejected,
            metering_record_id,
            reason: Some("CustomerNotSubscribed".into()),
        },
        Some(UsageRecordResultStatus::Unknown(raw)) => Completion::Terminal {
            state: SlotState::Rejected,
            metering_record_id,
            reason: Some(format!("status {raw}")),
        },
        None => Completion::Retry {
            reason: "a result without a status".into(),
            in_doubt: true,
        },
    }
}

/// Accepted; "duplicate" when an earlier send's answer was lost (it may be that one counted).
pub fn accepted(metering_record_id: Option<String>, in_doubt: bool) -> Completion {
    Completion::Terminal {
        state: if in_doubt {
            SlotState::Duplicate
        } else {
            SlotState::Accepted
        },
        metering_record_id,
        reason: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service_error::ServiceError;

    fn service(code: &str) -> Error {
        Error::Service(ServiceError {
            kind: ServiceErrorKind::from_code(code),
            code: code.into(),
            message: Some("m".into()),
        })
    }

    #[test]
    fn statuses_map_to_terminal_states() {
        let t = |s: UsageRecordResultStatus, d| match record_status(Some(&s), Some("id".into()), d)
        {
            Completion::Terminal { state, .. } => state,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            t(UsageRecordResultStatus::Success, false),
            SlotState::Accepted
        );
        assert_eq!(
            t(UsageRecordResultStatus::Success, true),
            SlotState::Duplicate
        );
        assert_eq!(
            t(UsageRecordResultStatus::DuplicateRecord, false),
            SlotState::Conflict
        );
        assert_eq!(
            t(UsageRecordResultStatus::CustomerNotSubscribed, false),
            SlotState::Rejected
        );
        assert_eq!(
            t(UsageRecordResultStatus::Unknown("New".into()), false),
            SlotState::Rejected
        );
        assert!(matches!(
            record_status(None, None, false),
            Completion::Retry { .. }
        ));
    }

    #[test]
    fn call_errors_are_verdicts_or_outages() {
        let refused = |e: &Error, s| matches!(verdict(e, 400), CallVerdict::Refused { state, .. } if state == s);
        assert!(refused(
            &service("DuplicateRequestException"),
            SlotState::Conflict
        ));
        assert!(refused(
            &service("TimestampOutOfBoundsException"),
            SlotState::Rejected
        ));
        assert!(refused(
            &service("InvalidUsageDimensionException"),
            SlotState::Rejected
        ));
        for e in [
            service("ThrottlingException"),
            service("InternalServiceErrorException"),
            service("UnrecognizedClientException"),
            Error::Transport("reset".into()),
            Error::Timeout("t".into()),
            Error::Credentials("none".into()),
        ] {
            assert!(
                matches!(verdict(&e, 400), CallVerdict::Outage { .. }),
                "{e:?}"
            );
        }
        assert!(matches!(
            verdict(&Error::Transport("x".into()), 0),
            CallVerdict::Outage { in_doubt: true, .. }
        ));
        assert!(matches!(
            verdict(&service("ThrottlingException"), 400),
            CallVerdict::Outage {
                in_doubt: false,
                ..
            }
        ));
    }
}
