//! EKS rest-json wire details: timestamps are epoch seconds (JSON numbers), and objects the
//! scenario supplies in wire shape get their timestamps normalised to that form (a scenario may
//! write them as RFC 3339 strings).

use jiff::Timestamp;
use serde_json::{Map, Value};

/// Members of EKS shapes that are timestamps.
const TIMESTAMP_KEYS: &[&str] = &[
    "createdAt",
    "modifiedAt",
    "lastRefreshTime",
    "lastTransitionTime",
    "lastRequestTime",
    "releaseDate",
    "endOfStandardSupportDate",
    "endOfExtendedSupportDate",
    "startedAt",
    "endedAt",
    "activationExpiry",
];

/// A timestamp as EKS sends it: seconds since the epoch, with a fraction only when there is one.
pub fn ts(t: Timestamp) -> Value {
    let ms = t.as_millisecond();
    if ms % 1000 == 0 {
        Value::from(ms / 1000)
    } else {
        Value::from(ms as f64 / 1000.0)
    }
}

/// Reads a timestamp member written either as epoch seconds or as an RFC 3339 string.
pub fn parse_ts(v: &Value) -> Option<Timestamp> {
    match v {
        Value::Number(n) => {
            let secs = n.as_f64()?;
            Timestamp::from_millisecond((secs * 1000.0).round() as i64).ok()
        }
        Value::String(s) => s.parse::<Timestamp>().ok().or_else(|| {
            // a date alone ("2025-12-21") means its midnight, UTC
            s.parse::<jiff::civil::Date>()
                .ok()
                .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok())
                .map(|z| z.timestamp())
        }),
        _ => None,
    }
}

/// A copy of `v` with every timestamp member in epoch-seconds form.
pub fn normalized(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut out = Map::with_capacity(m.len());
            for (k, val) in m {
                let val = if TIMESTAMP_KEYS.contains(&k.as_str()) {
                    parse_ts(val).map(ts).unwrap_or_else(|| val.clone())
                } else {
                    normalized(val)
                };
                out.insert(k.clone(), val);
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(normalized).collect()),
        other => other.clone(),
    }
}

/// Only the named members of an object (a summary of a fuller shape).
pub fn pick(v: &Value, keys: &[&str]) -> Value {
    let mut out = Map::new();
    for k in keys {
        if let Some(x) = v.get(*k) {
            out.insert((*k).to_string(), x.clone());
        }
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn timestamps_become_epoch_seconds() {
        let v = json!({"insight": {"lastRefreshTime": "2024-12-11T07:54:58Z",
                        "createdAt": 1733903697, "name": "2024-12-11T07:54:58Z"},
                       "list": [{"releaseDate": "2024-08-14"}]});
        let n = normalized(&v);
        assert_eq!(n["insight"]["lastRefreshTime"], json!(1733903698));
        assert_eq!(n["insight"]["createdAt"], json!(1733903697));
        assert_eq!(n["insight"]["name"], json!("2024-12-11T07:54:58Z"));
        assert_eq!(n["list"][0]["releaseDate"], json!(1723593600));
    }

    #[test]
    fn fractions_are_kept() {
        let t = Timestamp::from_millisecond(1_500).unwrap();
        assert_eq!(ts(t), json!(1.5));
    }
}
