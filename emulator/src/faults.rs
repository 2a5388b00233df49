//! Fault injection: make the next N requests (or a fraction of them),
//! optionally of one operation, fail the ways the real service and the
//! network in front of it do, so clients' retry logic can be tested.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum FaultMode {
    /// ThrottlingException, HTTP 400.
    Throttle,
    /// InternalServiceErrorException, HTTP 500.
    Internal,
    /// HTTP 503 with an HTML body (a load balancer's answer).
    Http503,
    /// HTTP 500 with an HTML page instead of JSON.
    Html500,
    /// Close the connection without answering.
    Drop,
    /// Process the request normally (a BatchMeterUsage/MeterUsage record is committed to the
    /// ledger), then close the connection without answering: metered, but the client never
    /// heard. Its retry must get the same answer (AWS's hourly idempotency).
    DropAfterCommit,
    /// Sleep `delay_ms`, then answer normally.
    Delay,
    /// BatchMeterUsage: return the last half (or `unprocessed_count`) of the
    /// records in UnprocessedRecords, recording nothing for them.
    Unprocessed,
    /// Shift the emulator clock by `offset_seconds` (applied at once, not per request).
    Skew,
    /// ThrottlingException with an `x-amz-retry-after` header (milliseconds).
    RetryAfter,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    pub mode: FaultMode,
    /// Requests left to fail. Without `fraction`, defaults to 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    /// Probability (0..=1) that a matching request fails; with `count`, at
    /// most `count` of them do.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fraction: Option<f64>,
    /// Only requests of this operation (e.g. "MeterUsage").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unprocessed_count: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset_seconds: Option<i64>,
}

impl Fault {
    pub fn new(mode: FaultMode) -> Fault {
        Fault {
            mode,
            count: None,
            fraction: None,
            operation: None,
            delay_ms: None,
            retry_after_ms: None,
            unprocessed_count: None,
            offset_seconds: None,
        }
    }

    /// Checks ranges and fills defaults so the listing shows what will happen.
    pub fn normalize(mut self) -> Result<Fault, String> {
        if let Some(f) = self.fraction {
            if !(0.0..=1.0).contains(&f) {
                return Err(format!("fraction must be within 0..=1, got {f}"));
            }
        } else if self.count.is_none() {
            self.count = Some(1);
        }
        if let Some(op) = &self.operation {
            if !crate::model::OPERATIONS.contains(&op.as_str()) {
                return Err(format!("unknown operation '{op}'"));
            }
        }
        if self.mode == FaultMode::Unprocessed {
            self.operation = Some("BatchMeterUsage".into());
        }
        if self.mode == FaultMode::Delay && self.delay_ms.is_none() {
            self.delay_ms = Some(1000);
        }
        if self.mode == FaultMode::RetryAfter && self.retry_after_ms.is_none() {
            self.retry_after_ms = Some(1000);
        }
        if self.mode == FaultMode::Skew && self.offset_seconds.is_none() {
            return Err("skew needs offset_seconds".into());
        }
        Ok(self)
    }

    /// Parses the `--fault` syntax: `MODE`, `MODE:COUNT`, or
    /// `MODE:key=value,...` with keys count, fraction, operation, delay_ms,
    /// retry_after_ms, unprocessed_count, offset_seconds. For skew,
    /// `skew:N` means offset_seconds=N.
    pub fn parse_cli(s: &str) -> Result<Fault, String> {
        let (mode, rest) = s.split_once(':').unwrap_or((s, ""));
        let mode: FaultMode = serde_json::from_value(serde_json::Value::String(mode.into()))
            .map_err(|_| format!("unknown fault mode '{mode}'"))?;
        let mut f = Fault::new(mode);
        let num = |k: &str, v: &str| -> Result<u64, String> {
            v.parse()
                .map_err(|_| format!("{k}: '{v}' is not a whole number"))
        };
        if !rest.is_empty() && !rest.contains('=') {
            if mode == FaultMode::Skew {
                f.offset_seconds = Some(rest.parse().map_err(|_| format!("bad offset '{rest}'"))?);
            } else {
                f.count = Some(num("count", rest)?);
            }
        } else if !rest.is_empty() {
            for kv in rest.split(',') {
                let (k, v) = kv
                    .split_once('=')
                    .ok_or_else(|| format!("expected key=value, got '{kv}'"))?;
                match k {
                    "count" => f.count = Some(num(k, v)?),
                    "fraction" => {
                        f.fraction = Some(
                            v.parse()
                                .map_err(|_| format!("fraction: '{v}' is not a number"))?,
                        )
                    }
                    "operation" => f.operation = Some(v.into()),
                    "delay_ms" => f.delay_ms = Some(num(k, v)?),
                    "retry_after_ms" => f.retry_after_ms = Some(num(k, v)?),
                    "unprocessed_count" => f.unprocessed_count = Some(num(k, v)? as usize),
                    "offset_seconds" => {
                        f.offset_seconds = Some(v.parse().map_err(|_| format!("bad offset '{v}'"))?)
                    }
                    _ => return Err(format!("unknown fault option '{k}'")),
                }
            }
        }
        f.normalize()
    }
}

#[derive(Debug, Default)]
pub struct Faults {
    pending: Vec<Fault>,
}

impl Faults {
    pub fn list(&self) -> Vec<Fault> {
        self.pending.clone()
    }

    pub fn clear(&mut self) {
        self.pending.clear();
    }

    /// Adds a per-request fault (skew is handled by the caller).
    pub fn add(&mut self, f: Fault) {
        self.pending.push(f);
    }

    /// The first pending fault that fires for a request of `operation`,
    /// consuming one of its count.
    pub fn take(&mut self, operation: &str) -> Option<Fault> {
        let mut fired = None;
        for (i, f) in self.pending.iter_mut().enumerate() {
            if f.operation.as_deref().is_some_and(|o| o != operation) {
                continue;
            }
            if let Some(p) = f.fraction {
                if fastrand::f64() >= p {
                    continue;
                }
            }
            if let Some(c) = &mut f.count {
                *c = c.saturating_sub(1);
            }
            fired = Some((i, f.clone()));
            break;
        }
        let (i, f) = fired?;
        if self.pending[i].count == Some(0) {
            self.pending.remove(i);
        }
        Some(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_cli_forms() {
        assert_eq!(Fault::parse_cli("throttle:2").unwrap().count, Some(2));
        let f = Fault::parse_cli("internal:fraction=0.2,operation=MeterUsage").unwrap();
        assert_eq!(f.fraction, Some(0.2));
        assert_eq!(f.count, None);
        assert_eq!(
            Fault::parse_cli("skew:-300").unwrap().offset_seconds,
            Some(-300)
        );
        assert_eq!(Fault::parse_cli("delay").unwrap().delay_ms, Some(1000));
        assert!(Fault::parse_cli("nope:1").is_err());
        assert!(Fault::parse_cli("throttle:fraction=2").is_err());
        assert!(Fault::parse_cli("throttle:operation=Nope").is_err());
    }

    #[test]
    fn counts_down_per_operation() {
        let mut fs = Faults::default();
        fs.add(Fault::parse_cli("throttle:count=2,operation=MeterUsage").unwrap());
        assert!(fs.take("ResolveCustomer").is_none());
        assert!(fs.take("MeterUsage").is_some());
        assert!(fs.take("MeterUsage").is_some());
        assert!(fs.take("MeterUsage").is_none());
        assert!(fs.list().is_empty());
    }

    #[test]
    fn drop_after_commit_parses() {
        let f = Fault::parse_cli("drop_after_commit:3").unwrap();
        assert_eq!(f.mode, FaultMode::DropAfterCommit);
        assert_eq!(f.count, Some(3));
    }
}
