//! A finished call in the form C reads it: every string already NUL-terminated and owned here,
//! so getters hand out pointers that live as long as the response.

use std::ffi::CString;

use super::record_result::RecordResult;
use super::service_error::mpm_service_error;
use crate::ffi::error::mpm_result;
use crate::ffi::requests::UsageRecordHandle;
use crate::ffi::strings::to_cstring;
use mpmeter_core::client::OperationOutput;
use mpmeter_core::error::{Error, Outcome};

pub struct Completed {
    pub result: mpm_result,
    pub service_error: mpm_service_error,
    pub error_code: Option<CString>,
    pub error_message: Option<CString>,
    pub request_id: Option<CString>,
    pub http_status: u16,
    pub attempts: u32,
    pub output: Option<Output>,
}

pub enum Output {
    MeterUsage {
        metering_record_id: Option<CString>,
    },
    BatchMeterUsage {
        results: Vec<RecordResult>,
        unprocessed: Vec<UsageRecordHandle>,
        /// The last this many of `unprocessed` were missing from the answer.
        missing_from_answer: usize,
    },
    ResolveCustomer {
        customer_identifier: Option<CString>,
        product_code: Option<CString>,
        customer_aws_account_id: Option<CString>,
        license_arn: Option<CString>,
        agreement_id: Option<CString>,
    },
    RegisterUsage {
        signature: Option<CString>,
        public_key_rotation_timestamp: Option<i64>,
    },
}

fn c(s: &Option<String>) -> Option<CString> {
    s.as_deref().map(to_cstring)
}

fn convert_output(out: OperationOutput) -> Output {
    match out {
        OperationOutput::MeterUsage(o) => Output::MeterUsage {
            metering_record_id: c(&o.metering_record_id),
        },
        OperationOutput::BatchMeterUsage(o) => Output::BatchMeterUsage {
            results: o
                .results
                .into_iter()
                .map(|r| RecordResult {
                    status: r.status.as_ref().into(),
                    status_name: r.status.as_ref().map(|s| to_cstring(s.as_str())),
                    metering_record_id: c(&r.metering_record_id),
                    usage_record: r.usage_record.map(UsageRecordHandle::new),
                })
                .collect(),
            unprocessed: o
                .unprocessed_records
                .into_iter()
                .map(UsageRecordHandle::new)
                .collect(),
            missing_from_answer: o.missing_from_answer,
        },
        OperationOutput::ResolveCustomer(o) => Output::ResolveCustomer {
            customer_identifier: c(&o.customer_identifier),
            product_code: c(&o.product_code),
            customer_aws_account_id: c(&o.customer_aws_account_id),
            license_arn: c(&o.license_arn),
            agreement_id: o.metadata.as_ref().and_then(|m| c(&m.agreement_id)),
        },
        OperationOutput::RegisterUsage(o) => Output::RegisterUsage {
            signature: c(&o.signature),
            public_key_rotation_timestamp: o.public_key_rotation_timestamp,
        },
    }
}

impl Completed {
    pub fn from_outcome(outcome: Outcome<OperationOutput>) -> Self {
        let meta = outcome.meta;
        let mut done = Completed {
            result: mpm_result::MPM_OK,
            service_error: mpm_service_error::MPM_SERVICE_ERROR_NONE,
            error_code: None,
            error_message: None,
            request_id: c(&meta.request_id),
            http_status: meta.http_status,
            attempts: meta.attempts,
            output: None,
        };
        match outcome.result {
            Ok(out) => done.output = Some(convert_output(out)),
            Err(e) => {
                done.result = mpm_result::of(&e);
                match &e {
                    Error::Service(se) => {
                        done.service_error = se.kind.into();
                        done.error_code = Some(to_cstring(&se.code));
                        done.error_message = Some(to_cstring(se.message.as_deref().unwrap_or("")));
                    }
                    other => done.error_message = Some(to_cstring(&other.to_string())),
                }
            }
        }
        done
    }

    pub fn cancelled() -> Self {
        Self::from_outcome(Outcome {
            result: Err(Error::Cancelled),
            meta: Default::default(),
        })
    }
}
