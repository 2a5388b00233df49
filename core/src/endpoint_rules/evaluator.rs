//! The evaluator of the endpoint rule set: parameters bound from `EndpointParams`, rules tried
//! in order, conditions, `ref`s, string templates; function calls go to `functions`.

use std::collections::HashMap;

use once_cell::sync::Lazy;
use serde_json::{Map, Value};

use super::functions::{self, get_attr, PartitionTable};
use super::{internal, EndpointError, EndpointParams};

static RULE_SET: Lazy<Value> = Lazy::new(|| {
    serde_json::from_str(include_str!("../../../spec/endpoint-rule-set-1.json"))
        .expect("spec/endpoint-rule-set-1.json is valid JSON")
});

/// Runs the rule set for `params`: the first rule whose conditions hold decides.
pub(super) fn evaluate(
    params: &EndpointParams,
    table: &PartitionTable,
) -> Result<Option<Outcome>, EndpointError> {
    let rule_set = &*RULE_SET;
    let scope = bind_parameters(&rule_set["parameters"], params)?;
    Evaluator { table }.rules(as_array(&rule_set["rules"])?, &scope)
}

/// Maps the rule set's parameters to our inputs by their `builtIn`, then
/// applies the declared defaults.
fn bind_parameters(
    declared: &Value,
    params: &EndpointParams,
) -> Result<HashMap<String, Value>, EndpointError> {
    let declared = declared
        .as_object()
        .ok_or_else(|| internal("rule set has no parameters object"))?;
    let mut scope = HashMap::new();
    for (name, spec) in declared {
        let given = match spec["builtIn"].as_str() {
            Some("AWS::Region") => params.region.clone().map(Value::String),
            Some("AWS::UseFIPS") => Some(Value::Bool(params.use_fips)),
            Some("AWS::UseDualStack") => Some(Value::Bool(params.use_dual_stack)),
            Some("SDK::Endpoint") => params.endpoint.clone().map(Value::String),
            _ => None,
        };
        let value = given.or_else(|| spec.get("default").cloned());
        match value {
            Some(v) => {
                scope.insert(name.clone(), v);
            }
            None if spec["required"] == Value::Bool(true) => {
                return Err(EndpointError(format!("missing required parameter {name}")));
            }
            None => {}
        }
    }
    Ok(scope)
}

fn as_array(v: &Value) -> Result<&[Value], EndpointError> {
    v.as_array()
        .map(Vec::as_slice)
        .ok_or_else(|| internal("expected an array"))
}

pub(super) enum Outcome {
    Endpoint(String),
    Error(String),
}

type Scope = HashMap<String, Value>;

struct Evaluator<'a> {
    table: &'a PartitionTable,
}

impl Evaluator<'_> {
    /// First rule whose conditions hold decides; None when none does.
    fn rules(&self, rules: &[Value], scope: &Scope) -> Result<Option<Outcome>, EndpointError> {
        for rule in rules {
            let mut local = scope.clone();
            if !self.conditions_hold(as_array(&rule["conditions"])?, &mut local)? {
                continue;
            }
            return match rule["type"].as_str() {
                Some("endpoint") => {
                    let url = self.string(&rule["endpoint"]["url"], &local)?;
                    Ok(Some(Outcome::Endpoint(url)))
                }
                Some("error") => Ok(Some(Outcome::Error(self.string(&rule["error"], &local)?))),
                // A tree whose conditions held is terminal: falling out of it
                // is a gap in the rule set (the SDKs treat it the same way).
                Some("tree") => match self.rules(as_array(&rule["rules"])?, &local)? {
                    Some(outcome) => Ok(Some(outcome)),
                    None => Err(internal("no rule of a matching tree rule matched")),
                },
                _ => Err(internal("unknown rule type")),
            };
        }
        Ok(None)
    }

    /// A condition holds when its function gives `true` or, for non-boolean
    /// results, any set value; `assign` binds that value for later rules.
    fn conditions_hold(
        &self,
        conditions: &[Value],
        scope: &mut Scope,
    ) -> Result<bool, EndpointError> {
        for condition in conditions {
            let value = self.expr(condition, scope)?;
            let holds = !matches!(value, None | Some(Value::Null) | Some(Value::Bool(false)));
            if !holds {
                return Ok(false);
            }
            if let (Some(name), Some(v)) = (condition["assign"].as_str(), value) {
                scope.insert(name.to_string(), v);
            }
        }
        Ok(true)
    }

    fn string(&self, expr: &Value, scope: &Scope) -> Result<String, EndpointError> {
        match self.expr(expr, scope)? {
            Some(Value::String(s)) => Ok(s),
            _ => Err(internal("expected a string")),
        }
    }

    /// Evaluates an argument: a string template, a literal, a `ref` or a `fn`
    /// call. None means "unset".
    fn expr(&self, expr: &Value, scope: &Scope) -> Result<Option<Value>, EndpointError> {
        match expr {
            Value::String(s) => Ok(Some(Value::String(self.template(s, scope)?))),
            Value::Bool(_) | Value::Number(_) => Ok(Some(expr.clone())),
            Value::Object(o) if o.contains_key("ref") => {
                let name = o["ref"].as_str().ok_or_else(|| internal("bad ref"))?;
                Ok(scope.get(name).cloned())
            }
            Value::Object(o) if o.contains_key("fn") => self.call(o, scope),
            _ => Err(internal("unsupported expression")),
        }
    }

    fn call(
        &self,
        call: &Map<String, Value>,
        scope: &Scope,
    ) -> Result<Option<Value>, EndpointError> {
        let name = call["fn"].as_str().ok_or_else(|| internal("bad fn"))?;
        let args = call
            .get("argv")
            .map(as_array)
            .transpose()?
            .unwrap_or_default()
            .iter()
            .map(|a| self.expr(a, scope))
            .collect::<Result<Vec<_>, _>>()?;
        functions::call(name, &args, self.table)
    }

    /// Expands `{Name}` and `{Name#attr.path}`; `{{` and `}}` are literal braces.
    fn template(&self, s: &str, scope: &Scope) -> Result<String, EndpointError> {
        let mut out = String::with_capacity(s.len());
        let mut rest = s;
        while let Some(i) = rest.find(['{', '}']) {
            out.push_str(&rest[..i]);
            let tail = &rest[i..];
            if tail.starts_with("{{") || tail.starts_with("}}") {
                out.push_str(&tail[..1]);
                rest = &tail[2..];
                continue;
            }
            if tail.starts_with('}') {
                return Err(internal("unbalanced '}' in template"));
            }
            let end = tail
                .find('}')
                .ok_or_else(|| internal("unclosed '{' in template"))?;
            let inner = &tail[1..end];
            let (name, path) = match inner.split_once('#') {
                Some((n, p)) => (n, Some(p)),
                None => (inner, None),
            };
            let value = scope.get(name).cloned();
            let value = match path {
                Some(p) => value.and_then(|v| get_attr(&v, p)),
                None => value,
            };
            match value {
                Some(Value::String(v)) => out.push_str(&v),
                Some(Value::Bool(b)) => out.push_str(if b { "true" } else { "false" }),
                _ => return Err(internal(&format!("template value {inner} is unset"))),
            }
            rest = &tail[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoint_rules::functions::PARTITION_TABLE;

    #[test]
    fn templates() {
        let eval = Evaluator {
            table: &PARTITION_TABLE,
        };
        let mut scope = Scope::new();
        scope.insert("R".into(), Value::String("x".into()));
        scope.insert("P".into(), serde_json::json!({"a": {"b": ["u", "v"]}}));
        assert_eq!(
            eval.template("{{R}}-{R}.{P#a.b[1]}", &scope).unwrap(),
            "{R}-x.v"
        );
        assert!(eval.template("{Nope}", &scope).is_err());
        assert!(eval.template("{R", &scope).is_err());
    }

    #[test]
    fn embedded_rule_set_uses_only_supported_functions() {
        fn walk(v: &Value, found: &mut Vec<String>) {
            match v {
                Value::Object(o) => {
                    if let Some(Value::String(f)) = o.get("fn") {
                        found.push(f.clone());
                    }
                    o.values().for_each(|c| walk(c, found));
                }
                Value::Array(a) => a.iter().for_each(|c| walk(c, found)),
                _ => {}
            }
        }
        let mut found = Vec::new();
        walk(&RULE_SET, &mut found);
        for f in found {
            assert!(
                functions::NAMES.contains(&f.as_str()),
                "unsupported function {f}"
            );
        }
    }
}
