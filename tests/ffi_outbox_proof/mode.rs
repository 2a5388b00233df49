//! What differs between the two modes the proof runs in, and nothing else: who records, which
//! operation carries the usage, how the ledger names a key, how a conflict is injected.
//!
//! - SaaS: one outbox (one store); each event names its customer; BatchMeterUsage; the ledger
//!   keys a record by CustomerIdentifier.
//! - Machine: one outbox per machine of the stream (its `customer` names the machine), each
//!   with its own store, its identity given by the application, and its own access key, which
//!   is what the emulator (as AWS) keys MeterUsage by: (instance, dimension, hour).

use crate::emulator_support::ACCESS_KEY;
use crate::sim::{EmuAdmin, CONFLICT_CUSTOMER, CUSTOMERS};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProofMode {
    Saas,
    Machine,
}

/// Machine mode: the machine that boots with a copy of [`COPIED_FROM`]'s store (an image baked
/// with its store): it must deliver its own usage and never the other machine's slots.
pub const COPY_MACHINE: &str = "copy";
pub const COPIED_FROM: &str = "cust-a";
/// The one event the copy machine records of its own (in the last run).
pub const COPY_OWN_DIMENSION: &str = "users";
pub const COPY_OWN_QUANTITY: &str = "1.5";

/// The name of SaaS mode's one outbox.
pub const SAAS_OUTBOX: &str = "outbox";
const MACHINE_KEY_PREFIX: &str = "AKIDPROOF-";

impl ProofMode {
    pub fn as_str(self) -> &'static str {
        match self {
            ProofMode::Saas => "saas",
            ProofMode::Machine => "machine",
        }
    }

    pub fn parse(s: &str) -> ProofMode {
        match s {
            "saas" => ProofMode::Saas,
            "machine" => ProofMode::Machine,
            other => panic!("unknown proof mode {other:?}"),
        }
    }

    /// The outboxes a child opens, by name ([`SAAS_OUTBOX`] for SaaS's one), the copy
    /// machine's last once the parent has made its store.
    pub fn recorders(self, with_copy: bool) -> Vec<&'static str> {
        match self {
            ProofMode::Saas => vec![SAAS_OUTBOX],
            ProofMode::Machine => CUSTOMERS
                .iter()
                .copied()
                .chain([CONFLICT_CUSTOMER])
                .chain(with_copy.then_some(COPY_MACHINE))
                .collect(),
        }
    }

    /// The recorder an event of the stream goes to.
    pub fn recorder_of(self, customer: &str) -> &str {
        match self {
            ProofMode::Saas => SAAS_OUTBOX,
            ProofMode::Machine => customer,
        }
    }

    pub fn store_file(self, recorder: &str) -> String {
        match self {
            ProofMode::Saas => "outbox.db".into(),
            ProofMode::Machine => format!("outbox-{recorder}.db"),
        }
    }

    /// The machine identity the application gives (machine mode).
    pub fn identity(recorder: &str) -> String {
        format!("ec2-instance:i-proof-{recorder}")
    }

    pub fn access_key(self, recorder: &str) -> String {
        match self {
            ProofMode::Saas => ACCESS_KEY.into(),
            ProofMode::Machine => format!("{MACHINE_KEY_PREFIX}{recorder}"),
        }
    }

    /// The operation that carries the usage in this mode, and the one that must never be used.
    pub fn operations(self) -> (&'static str, &'static str) {
        match self {
            ProofMode::Saas => ("BatchMeterUsage", "MeterUsage"),
            ProofMode::Machine => ("MeterUsage", "BatchMeterUsage"),
        }
    }

    /// The stream name (customer or machine) a ledger entry is billed to.
    pub fn ledger_name(self, entry: &serde_json::Value) -> String {
        let s = |k: &str| entry[k].as_str().unwrap_or("").to_string();
        match self {
            ProofMode::Saas => s("customer_identifier"),
            ProofMode::Machine => {
                let key = s("instance");
                key.strip_prefix(MACHINE_KEY_PREFIX)
                    .map(str::to_string)
                    .unwrap_or(key)
            }
        }
    }

    /// AWS already holds `quantity` for `recorder`'s (dimension, hour of `ts`).
    pub fn inject_conflict(
        self,
        admin: &EmuAdmin,
        recorder: &str,
        dimension: &str,
        ts: i64,
        quantity: &str,
    ) {
        match self {
            ProofMode::Saas => {
                admin.batch_meter(recorder, dimension, ts, quantity);
            }
            ProofMode::Machine => {
                admin.meter_usage(&self.access_key(recorder), dimension, ts, quantity);
            }
        }
    }

    /// How many answers told the outbox that AWS holds another quantity (a conflict): the
    /// injected ones, each perhaps more than once (an answer lost on the way is asked again).
    pub fn conflict_answers(self, requests: &serde_json::Value) -> u64 {
        let n = |v: &serde_json::Value| v.as_u64().unwrap_or(0);
        match self {
            ProofMode::Saas => n(&requests["record_statuses"]["DuplicateRecord"]),
            ProofMode::Machine => {
                n(&requests["operations"]["MeterUsage"]["outcomes"]["DuplicateRequestException"])
            }
        }
    }
}
