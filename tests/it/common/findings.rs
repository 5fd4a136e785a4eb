//! The findings of `eksauto preflight -o json`.

use serde_json::Value;

/// The findings of a preflight's JSON output.
pub fn findings(out: &str) -> Vec<Value> {
    let v: Value = serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out}"));
    v["findings"].as_array().unwrap().clone()
}

/// The findings of check `id`.
pub fn with_id<'a>(findings: &'a [Value], id: &str) -> Vec<&'a Value> {
    findings.iter().filter(|f| f["id"] == id).collect()
}
