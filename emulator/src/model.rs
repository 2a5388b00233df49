//! Request checking driven by the service model itself (spec/service-2.json,
//! embedded at build time), so types, required members, lengths, ranges,
//! patterns and enums are exactly the model's. It behaves like AWS's
//! front end: a body that cannot be read into the input shape (wrong JSON
//! type, unknown member) is a SerializationException; a readable body that
//! breaks constraints gets one ValidationException listing every broken
//! constraint with AWS's member paths ('usageRecords.1.member.dimension').

use crate::errors::ApiError;
use regex::Regex;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::LazyLock;

const SERVICE_JSON: &str = include_str!("../../spec/service-2.json");

/// The operations the emulator serves: every operation of the model.
pub const OPERATIONS: [&str; 4] = [
    "BatchMeterUsage",
    "MeterUsage",
    "RegisterUsage",
    "ResolveCustomer",
];

#[derive(Debug)]
enum Kind {
    Structure {
        members: Vec<(String, String)>,
        required: Vec<String>,
    },
    List {
        member: String,
    },
    String,
    Integer,
    Boolean,
    Timestamp,
}

#[derive(Debug)]
struct Shape {
    kind: Kind,
    min: Option<i64>,
    max: Option<i64>,
    pattern: Option<(String, Regex)>,
    enum_values: Option<Vec<String>>,
}

pub struct Model {
    shapes: HashMap<String, Shape>,
    /// Operation name -> input shape name.
    pub inputs: HashMap<String, String>,
    pub target_prefix: String,
}

pub static MODEL: LazyLock<Model> = LazyLock::new(|| Model::parse(SERVICE_JSON));

impl Model {
    fn parse(text: &str) -> Model {
        let doc: Value = serde_json::from_str(text).expect("embedded service model is JSON");
        let mut shapes = HashMap::new();
        for (name, s) in doc["shapes"].as_object().expect("shapes") {
            let num = |k: &str| s.get(k).and_then(Value::as_i64);
            let kind = match s["type"].as_str().unwrap_or("") {
                "structure" => Kind::Structure {
                    members: s["members"]
                        .as_object()
                        .map(|m| {
                            m.iter()
                                .map(|(k, v)| (k.clone(), v["shape"].as_str().unwrap().to_string()))
                                .collect()
                        })
                        .unwrap_or_default(),
                    required: s["required"]
                        .as_array()
                        .map(|r| {
                            r.iter()
                                .filter_map(|x| x.as_str().map(String::from))
                                .collect()
                        })
                        .unwrap_or_default(),
                },
                "list" => Kind::List {
                    member: s["member"]["shape"].as_str().unwrap().to_string(),
                },
                "integer" | "long" => Kind::Integer,
                "boolean" => Kind::Boolean,
                "timestamp" => Kind::Timestamp,
                _ => Kind::String,
            };
            // AWS (Java) applies patterns with full-match semantics.
            let pattern = s["pattern"].as_str().map(|p| {
                let re = Regex::new(&format!("^(?:{p})$")).expect("model pattern compiles");
                (p.to_string(), re)
            });
            let enum_values = s["enum"].as_array().map(|e| {
                e.iter()
                    .filter_map(|x| x.as_str().map(String::from))
                    .collect()
            });
            shapes.insert(
                name.clone(),
                Shape {
                    kind,
                    min: num("min"),
                    max: num("max"),
                    pattern,
                    enum_values,
                },
            );
        }
        let inputs = doc["operations"]
            .as_object()
            .expect("operations")
            .iter()
            .map(|(k, v)| (k.clone(), v["input"]["shape"].as_str().unwrap().to_string()))
            .collect();
        Model {
            shapes,
            inputs,
            target_prefix: doc["metadata"]["targetPrefix"]
                .as_str()
                .unwrap_or("AWSMPMeteringService")
                .to_string(),
        }
    }

    /// Checks `body` against the input shape of `operation`.
    pub fn check_input(&self, operation: &str, body: &Value) -> Result<(), ApiError> {
        let shape = self
            .inputs
            .get(operation)
            .ok_or_else(|| ApiError::unknown_operation(""))?;
        let mut errors = Vec::new();
        self.walk(shape, body, "", &mut errors)
            .map_err(ApiError::serialization)?;
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::validation(&errors))
        }
    }

    fn walk(
        &self,
        shape_name: &str,
        v: &Value,
        path: &str,
        errors: &mut Vec<String>,
    ) -> Result<(), String> {
        let shape = &self.shapes[shape_name];
        let at = if path.is_empty() {
            "the request body".to_string()
        } else {
            format!("'{path}'")
        };
        match &shape.kind {
            Kind::Structure { members, required } => {
                let obj = v.as_object().ok_or_else(|| {
                    format!(
                        "Expected a JSON object for {at} ({shape_name}), found {}",
                        type_name(v)
                    )
                })?;
                for key in obj.keys() {
                    if !members.iter().any(|(m, _)| m == key) {
                        return Err(format!(
                            "Unrecognized field '{key}' in {shape_name} at {at}"
                        ));
                    }
                }
                for (m, target) in members {
                    let child = join(path, &lower_first(m));
                    match obj.get(m) {
                        // awsJson treats an explicit null like an absent member.
                        None | Some(Value::Null) => {
                            if required.contains(m) {
                                errors.push(format!(
                                    "Value null at '{child}' failed to satisfy constraint: Member must not be null"
                                ));
                            }
                        }
                        Some(cv) => self.walk(target, cv, &child, errors)?,
                    }
                }
            }
            Kind::List { member } => {
                let arr = v.as_array().ok_or_else(|| {
                    format!("Expected a JSON array for {at}, found {}", type_name(v))
                })?;
                self.check_len(shape, v, arr.len() as i64, path, errors);
                for (i, item) in arr.iter().enumerate() {
                    let child = format!("{path}.{}.member", i + 1);
                    if item.is_null() {
                        errors.push(format!(
                            "Value null at '{child}' failed to satisfy constraint: Member must not be null"
                        ));
                        continue;
                    }
                    self.walk(member, item, &child, errors)?;
                }
            }
            Kind::String => {
                let s = v
                    .as_str()
                    .ok_or_else(|| format!("Expected a string for {at}, found {}", type_name(v)))?;
                // Java counts UTF-16 code units; that is what AWS's lengths mean.
                self.check_len(shape, v, s.encode_utf16().count() as i64, path, errors);
                if let Some((p, re)) = &shape.pattern {
                    if !re.is_match(s) {
                        errors.push(format!(
                            "Value {} at '{path}' failed to satisfy constraint: Member must satisfy regular expression pattern: {p}",
                            show(v)
                        ));
                    }
                }
                if let Some(values) = &shape.enum_values {
                    if !values.iter().any(|e| e == s) {
                        errors.push(format!(
                            "Value {} at '{path}' failed to satisfy constraint: Member must satisfy enum value set: [{}]",
                            show(v),
                            values.join(", ")
                        ));
                    }
                }
            }
            Kind::Integer => {
                let n: i128 = match (v.as_i64(), v.as_u64()) {
                    (Some(n), _) => n as i128,
                    (None, Some(n)) => n as i128,
                    _ => {
                        return Err(format!(
                            "Expected an integer for {at}, found {}",
                            if v.is_number() {
                                v.to_string()
                            } else {
                                type_name(v).to_string()
                            }
                        ))
                    }
                };
                if let Some(min) = shape.min {
                    if n < min as i128 {
                        errors.push(format!(
                            "Value {} at '{path}' failed to satisfy constraint: Member must have value greater than or equal to {min}",
                            show(v)
                        ));
                    }
                }
                if let Some(max) = shape.max {
                    if n > max as i128 {
                        errors.push(format!(
                            "Value {} at '{path}' failed to satisfy constraint: Member must have value less than or equal to {max}",
                            show(v)
                        ));
                    }
                }
            }
            Kind::Boolean => {
                if !v.is_boolean() {
                    return Err(format!(
                        "Expected a boolean for {at}, found {}",
                        type_name(v)
                    ));
                }
            }
            Kind::Timestamp => {
                // awsJson timestamps are epoch seconds, integer or fractional.
                match v.as_f64() {
                    Some(f) if v.is_number() && f.is_finite() => {}
                    _ => {
                        return Err(format!(
                            "Expected epoch seconds (a JSON number) for {at}, found {}",
                            type_name(v)
                        ))
                    }
                }
            }
        }
        Ok(())
    }

    fn check_len(&self, shape: &Shape, v: &Value, len: i64, path: &str, errors: &mut Vec<String>) {
        if let Some(min) = shape.min {
            if len < min {
                errors.push(format!(
                    "Value {} at '{path}' failed to satisfy constraint: Member must have length greater than or equal to {min}",
                    show(v)
                ));
            }
        }
        if let Some(max) = shape.max {
            if len > max {
                errors.push(format!(
                    "Value {} at '{path}' failed to satisfy constraint: Member must have length less than or equal to {max}",
                    show(v)
                ));
            }
        }
    }
}

/// AWS member paths use the member name with a lower-case first letter.
pub fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

fn join(path: &str, member: &str) -> String {
    if path.is_empty() {
        member.to_string()
    } else {
        format!("{path}.{member}")
    }
}

/// How AWS quotes the offending value: 'text' for scalars.
fn show(v: &Value) -> String {
    match v {
        Value::String(s) => format!("'{s}'"),
        other => format!("'{other}'"),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn all_patterns_compile_and_operations_are_known() {
        assert_eq!(MODEL.inputs.len(), OPERATIONS.len());
        for op in OPERATIONS {
            assert!(MODEL.inputs.contains_key(op), "{op} is not in the model");
        }
        assert_eq!(MODEL.target_prefix, "AWSMPMeteringService");
    }

    #[test]
    fn reports_aws_style_paths() {
        let err = MODEL
            .check_input(
                "BatchMeterUsage",
                &json!({"ProductCode": "p", "UsageRecords": [{"Timestamp": 1, "Dimension": ""}]}),
            )
            .unwrap_err();
        assert_eq!(err.code, "ValidationException");
        assert_eq!(
            err.message,
            "2 validation errors detected: Value '' at 'usageRecords.1.member.dimension' failed to satisfy constraint: Member must have length greater than or equal to 1; Value '' at 'usageRecords.1.member.dimension' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\s\\S]+"
        );
    }

    #[test]
    fn tag_pattern_is_full_match() {
        let body = json!({"ProductCode": "p", "Timestamp": 1, "UsageDimension": "d",
            "UsageAllocations": [{"AllocatedUsageQuantity": 1, "Tags": [{"Key": "a~b", "Value": "v"}]}]});
        let err = MODEL.check_input("MeterUsage", &body).unwrap_err();
        assert!(
            err.message
                .contains("'usageAllocations.1.member.tags.1.member.key'"),
            "{}",
            err.message
        );
    }
}
