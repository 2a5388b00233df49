//! Timestamps travel as epoch seconds (awsJson1.1). The service may answer with a fraction of a
//! second, so responses accept any JSON number; requests always send whole seconds.

use serde::{Deserialize, Deserializer};

pub(crate) fn de_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let value = Option::<f64>::deserialize(d)?;
    match value {
        None => Ok(None),
        Some(v) if v.is_finite() && v.abs() < 1.0e15 => Ok(Some(v.floor() as i64)),
        Some(v) => Err(serde::de::Error::custom(format!(
            "timestamp {v} is out of range"
        ))),
    }
}
