//! Small helpers the controllers share: reading fields out of JSON objects, Kubernetes resource
//! quantities, status conditions, label selectors and Go-style durations. No behaviour lives here.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde_json::{json, Value};

use crate::world::rfc3339;

/// `v[a][b]...` as a string.
pub fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut cur = v;
    for p in path {
        cur = cur.get(p)?;
    }
    cur.as_str()
}

pub fn name(v: &Value) -> &str {
    str_at(v, &["metadata", "name"]).unwrap_or("")
}

pub fn namespace(v: &Value) -> &str {
    str_at(v, &["metadata", "namespace"]).unwrap_or("")
}

pub fn uid(v: &Value) -> &str {
    str_at(v, &["metadata", "uid"]).unwrap_or("")
}

/// Parses a Kubernetes timestamp.
pub fn ts(s: &str) -> Option<Timestamp> {
    s.parse().ok()
}

pub fn created(v: &Value) -> Timestamp {
    str_at(v, &["metadata", "creationTimestamp"])
        .and_then(ts)
        .unwrap_or(Timestamp::UNIX_EPOCH)
}

pub fn deletion(v: &Value) -> Option<Timestamp> {
    str_at(v, &["metadata", "deletionTimestamp"]).and_then(ts)
}

/// `t + secs` (saturating).
pub fn plus(t: Timestamp, secs: i64) -> Timestamp {
    t.checked_add(jiff::SignedDuration::from_secs(secs))
        .unwrap_or(t)
}

/// Whole seconds from `a` to `b` (negative when `b` is earlier).
pub fn secs_between(a: Timestamp, b: Timestamp) -> i64 {
    b.as_second() - a.as_second()
}

pub fn labels(v: &Value) -> BTreeMap<String, String> {
    string_map(&v["metadata"]["labels"])
}

pub fn string_map(v: &Value) -> BTreeMap<String, String> {
    v.as_object()
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

pub fn annotation<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v["metadata"]["annotations"]
        .get(key)
        .and_then(Value::as_str)
}

/// The uid of the owner reference marked `controller: true`.
pub fn controller_ref(v: &Value) -> Option<&Value> {
    v["metadata"]["ownerReferences"]
        .as_array()?
        .iter()
        .find(|r| r["controller"] == true)
}

pub fn controller_uid(v: &Value) -> Option<&str> {
    controller_ref(v).and_then(|r| r["uid"].as_str())
}

pub fn controller_kind(v: &Value) -> Option<&str> {
    controller_ref(v).and_then(|r| r["kind"].as_str())
}

pub fn owner_ref(owner: &Value) -> Value {
    json!({
        "apiVersion": owner["apiVersion"],
        "kind": owner["kind"],
        "name": owner["metadata"]["name"],
        "uid": owner["metadata"]["uid"],
        "controller": true,
        "blockOwnerDeletion": true,
    })
}

// ---------------------------------------------------------------------------------------------
// Conditions
// ---------------------------------------------------------------------------------------------

/// The condition of `type_` in `conditions` (an array), if any.
pub fn condition<'a>(conditions: &'a Value, type_: &str) -> Option<&'a Value> {
    conditions.as_array()?.iter().find(|c| c["type"] == type_)
}

pub fn condition_true(conditions: &Value, type_: &str) -> bool {
    condition(conditions, type_).is_some_and(|c| c["status"] == "True")
}

/// When the condition last changed status.
pub fn condition_since(conditions: &Value, type_: &str) -> Option<Timestamp> {
    condition(conditions, type_)
        .and_then(|c| c["lastTransitionTime"].as_str())
        .and_then(ts)
}

/// Sets a condition in `status.conditions` of `obj`; `lastTransitionTime` moves only when the status
/// does. `extra` fields (e.g. lastHeartbeatTime, lastProbeTime) are added as given.
pub fn set_condition(
    obj: &mut Value,
    type_: &str,
    status: &str,
    reason: &str,
    message: &str,
    now: Timestamp,
) {
    if !obj["status"].is_object() {
        obj["status"] = json!({});
    }
    if !obj["status"]["conditions"].is_array() {
        obj["status"]["conditions"] = json!([]);
    }
    let conds = obj["status"]["conditions"].as_array_mut().expect("array");
    let now_s = rfc3339(now);
    match conds.iter_mut().find(|c| c["type"] == type_) {
        Some(c) => {
            if c["status"] != status {
                c["lastTransitionTime"] = json!(now_s);
            }
            c["status"] = json!(status);
            c["reason"] = json!(reason);
            c["message"] = json!(message);
        }
        None => conds.push(json!({
            "type": type_,
            "status": status,
            "reason": reason,
            "message": message,
            "lastTransitionTime": now_s,
        })),
    }
}

pub fn remove_condition(obj: &mut Value, type_: &str) {
    if let Some(conds) = obj["status"]["conditions"].as_array_mut() {
        conds.retain(|c| c["type"] != type_);
    }
}

// ---------------------------------------------------------------------------------------------
// Quantities
// ---------------------------------------------------------------------------------------------

/// CPU quantity in millicores ("1" → 1000, "500m" → 500, "0.5" → 500).
pub fn cpu_milli(v: &Value) -> i64 {
    match v {
        Value::Number(n) => (n.as_f64().unwrap_or(0.0) * 1000.0).round() as i64,
        Value::String(s) => parse_quantity(s)
            .map(|q| (q * 1000.0).round() as i64)
            .unwrap_or(0),
        _ => 0,
    }
}

/// Memory (or any byte) quantity in bytes ("256M", "1Gi", "30853148Ki").
pub fn bytes(v: &Value) -> i64 {
    match v {
        Value::Number(n) => n.as_f64().unwrap_or(0.0) as i64,
        Value::String(s) => parse_quantity(s).map(|q| q.round() as i64).unwrap_or(0),
        _ => 0,
    }
}

/// A Kubernetes quantity as a plain number of base units.
pub fn parse_quantity(s: &str) -> Option<f64> {
    let s = s.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+'))
        .unwrap_or(s.len());
    let (num, suffix) = s.split_at(split);
    let n: f64 = num.parse().ok()?;
    let mult = match suffix {
        "" => 1.0,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => 1024.0,
        "Mi" => 1024.0 * 1024.0,
        "Gi" => 1024.0 * 1024.0 * 1024.0,
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        _ => {
            let (mant, exp) = suffix.split_once(['e', 'E'])?;
            if !mant.is_empty() {
                return None;
            }
            10f64.powi(exp.parse().ok()?)
        }
    };
    Some(n * mult)
}

/// "15890m" or "16" for millicores.
pub fn fmt_cpu(milli: i64) -> String {
    if milli % 1000 == 0 {
        (milli / 1000).to_string()
    } else {
        format!("{milli}m")
    }
}

/// "30853148Ki" for bytes (Ki when whole).
pub fn fmt_ki(bytes: i64) -> String {
    if bytes % 1024 == 0 {
        format!("{}Ki", bytes / 1024)
    } else {
        bytes.to_string()
    }
}

// ---------------------------------------------------------------------------------------------
// Selectors and durations
// ---------------------------------------------------------------------------------------------

/// A `LabelSelector` (matchLabels + matchExpressions) against labels. An empty selector matches all.
pub fn selector_matches(sel: &Value, labels: &BTreeMap<String, String>) -> bool {
    if let Some(ml) = sel["matchLabels"].as_object() {
        for (k, v) in ml {
            if labels.get(k).map(String::as_str) != v.as_str() {
                return false;
            }
        }
    }
    if let Some(exprs) = sel["matchExpressions"].as_array() {
        for e in exprs {
            if !expression_matches(e, labels) {
                return false;
            }
        }
    }
    true
}

/// One `{key, operator, values}` requirement (label selectors and node selector terms).
pub fn expression_matches(e: &Value, labels: &BTreeMap<String, String>) -> bool {
    let key = e["key"].as_str().unwrap_or("");
    let values: Vec<&str> = e["values"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let have = labels.get(key);
    match e["operator"].as_str().unwrap_or("") {
        "In" => have.is_some_and(|h| values.contains(&h.as_str())),
        "NotIn" => have.is_none_or(|h| !values.contains(&h.as_str())),
        "Exists" => have.is_some(),
        "DoesNotExist" => have.is_none(),
        "Gt" => have
            .and_then(|h| h.parse::<i64>().ok())
            .zip(values.first().and_then(|v| v.parse::<i64>().ok()))
            .is_some_and(|(h, v)| h > v),
        "Lt" => have
            .and_then(|h| h.parse::<i64>().ok())
            .zip(values.first().and_then(|v| v.parse::<i64>().ok()))
            .is_some_and(|(h, v)| h < v),
        _ => false,
    }
}

/// A Go duration ("336h", "1h30m", "90s", "720h0m0s") in seconds; `None` for "Never" or garbage.
pub fn go_duration(s: &str) -> Option<i64> {
    let s = s.trim();
    if s.is_empty() || s.eq_ignore_ascii_case("never") {
        return None;
    }
    let mut total = 0f64;
    let mut num = String::new();
    let mut chars = s.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            num.push(c);
            continue;
        }
        let mut unit = c.to_string();
        if c == 'm' && chars.peek() == Some(&'s') {
            unit.push(chars.next().unwrap());
        }
        let n: f64 = num.parse().ok()?;
        num.clear();
        total += n * match unit.as_str() {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 0.001,
            _ => return None,
        };
        any = true;
    }
    if !num.is_empty() || !any {
        return None;
    }
    Some(total as i64)
}

/// FNV-1a 32-bit, as Kubernetes uses for pod-template-hash.
pub fn fnv32a(data: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in data {
        h ^= *b as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// FNV-1a 64-bit (stable names for aggregated events, hashes in annotations).
pub fn fnv64a(data: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in data {
        h ^= *b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Kubernetes' `rand.SafeEncodeString`: maps every byte onto an alphabet without vowels.
pub fn safe_encode(s: &str) -> String {
    const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    s.bytes()
        .map(|b| ALPHANUMS[b as usize % ALPHANUMS.len()] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities() {
        assert_eq!(cpu_milli(&json!("1")), 1000);
        assert_eq!(cpu_milli(&json!("500m")), 500);
        assert_eq!(cpu_milli(&json!(2)), 2000);
        assert_eq!(bytes(&json!("256M")), 256_000_000);
        assert_eq!(bytes(&json!("1Gi")), 1 << 30);
        assert_eq!(bytes(&json!("30853148Ki")), 30853148 * 1024);
        assert_eq!(fmt_cpu(15890), "15890m");
        assert_eq!(fmt_cpu(16000), "16");
    }

    #[test]
    fn durations() {
        assert_eq!(go_duration("336h"), Some(336 * 3600));
        assert_eq!(go_duration("1h30m"), Some(5400));
        assert_eq!(go_duration("720h0m0s"), Some(720 * 3600));
        assert_eq!(go_duration("Never"), None);
        assert_eq!(go_duration("10"), None);
    }

    #[test]
    fn selectors() {
        let l: BTreeMap<String, String> = [("app".to_string(), "myapp".to_string())].into();
        assert!(selector_matches(
            &json!({"matchLabels": {"app": "myapp"}}),
            &l
        ));
        assert!(!selector_matches(&json!({"matchLabels": {"app": "x"}}), &l));
        assert!(selector_matches(
            &json!({"matchExpressions": [{"key": "app", "operator": "In", "values": ["myapp"]}]}),
            &l
        ));
        assert!(selector_matches(&json!({}), &l));
    }
}
