//! Label selectors (`=`, `==`, `!=`, `in`, `notin`, `key`, `!key`, `>`/`<`) and field selectors
//! (`path=value`, `path==value`, `path!=value`) as the API server parses and applies them to
//! objects held as JSON.

use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Op {
    Eq,
    NotEq,
    In,
    NotIn,
    Exists,
    NotExists,
    Gt,
    Lt,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Requirement {
    key: String,
    op: Op,
    values: Vec<String>,
}

impl Requirement {
    fn matches(&self, labels: &serde_json::Map<String, Value>) -> bool {
        let v = labels.get(&self.key).and_then(Value::as_str);
        match self.op {
            Op::Eq => v == Some(self.values[0].as_str()),
            Op::NotEq => v != Some(self.values[0].as_str()),
            Op::In => v.is_some_and(|v| self.values.iter().any(|x| x == v)),
            Op::NotIn => !v.is_some_and(|v| self.values.iter().any(|x| x == v)),
            Op::Exists => v.is_some(),
            Op::NotExists => v.is_none(),
            Op::Gt | Op::Lt => {
                let (Some(v), Ok(bound)) = (
                    v.and_then(|v| v.parse::<i64>().ok()),
                    self.values[0].parse::<i64>(),
                ) else {
                    return false;
                };
                if self.op == Op::Gt {
                    v > bound
                } else {
                    v < bound
                }
            }
        }
    }
}

/// A parsed label selector; the empty selector matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabelSelector(Vec<Requirement>);

/// Splits on commas that are not inside parentheses.
fn split_top(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

fn valid_key(k: &str) -> bool {
    !k.is_empty()
        && k.len() <= 317
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
}

fn valid_value(v: &str) -> bool {
    v.len() <= 63
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

impl LabelSelector {
    pub fn parse(s: &str) -> Result<LabelSelector, String> {
        let mut reqs = Vec::new();
        for part in split_top(s) {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            reqs.push(parse_requirement(part)?);
        }
        Ok(LabelSelector(reqs))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether an object's `metadata.labels` satisfy every requirement.
    pub fn matches(&self, obj: &Value) -> bool {
        if self.0.is_empty() {
            return true;
        }
        static EMPTY: std::sync::OnceLock<serde_json::Map<String, Value>> =
            std::sync::OnceLock::new();
        let labels = obj["metadata"]["labels"]
            .as_object()
            .unwrap_or_else(|| EMPTY.get_or_init(serde_json::Map::new));
        self.0.iter().all(|r| r.matches(labels))
    }
}

fn parse_requirement(part: &str) -> Result<Requirement, String> {
    let err = || format!("unable to parse requirement: {part:?}");
    if let Some(key) = part.strip_prefix('!') {
        let key = key.trim();
        if !valid_key(key) {
            return Err(err());
        }
        return Ok(Requirement {
            key: key.into(),
            op: Op::NotExists,
            values: vec![],
        });
    }
    // set-based: "key in (a,b)" / "key notin (a,b)"
    for (word, op) in [(" notin ", Op::NotIn), (" in ", Op::In)] {
        if let Some((key, rest)) = part.split_once(word) {
            let key = key.trim();
            let rest = rest.trim();
            let inner = rest
                .strip_prefix('(')
                .and_then(|r| r.strip_suffix(')'))
                .ok_or_else(err)?;
            let values: Vec<String> = inner
                .split(',')
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .collect();
            if !valid_key(key) || values.is_empty() || !values.iter().all(|v| valid_value(v)) {
                return Err(err());
            }
            return Ok(Requirement {
                key: key.into(),
                op,
                values,
            });
        }
    }
    for (sym, op) in [
        ("!=", Op::NotEq),
        ("==", Op::Eq),
        ("=", Op::Eq),
        (">", Op::Gt),
        ("<", Op::Lt),
    ] {
        if let Some((key, value)) = part.split_once(sym) {
            let key = key.trim();
            let value = value.trim();
            if !valid_key(key) || !valid_value(value) {
                return Err(err());
            }
            return Ok(Requirement {
                key: key.into(),
                op,
                values: vec![value.into()],
            });
        }
    }
    if valid_key(part) {
        return Ok(Requirement {
            key: part.into(),
            op: Op::Exists,
            values: vec![],
        });
    }
    Err(err())
}

/// A parsed field selector: `path op value` terms, all of which must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldSelector(Vec<(String, bool, String)>);

impl FieldSelector {
    pub fn parse(s: &str) -> Result<FieldSelector, String> {
        let mut terms = Vec::new();
        for part in s.split(',') {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            let (path, eq, value) = if let Some((p, v)) = part.split_once("!=") {
                (p, false, v)
            } else if let Some((p, v)) = part.split_once("==") {
                (p, true, v)
            } else if let Some((p, v)) = part.split_once('=') {
                (p, true, v)
            } else {
                return Err(format!(
                    "invalid selector: '{s}'; can't understand '{part}'"
                ));
            };
            terms.push((path.trim().to_string(), eq, value.trim().to_string()));
        }
        Ok(FieldSelector(terms))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn matches(&self, obj: &Value) -> bool {
        self.0
            .iter()
            .all(|(path, eq, value)| (field_value(obj, path) == *value) == *eq)
    }
}

/// The string value of a field as field selectors see it: missing fields are "", booleans and
/// numbers are rendered as text.
fn field_value(obj: &Value, path: &str) -> String {
    let mut cur = obj;
    for seg in path.split('.') {
        cur = &cur[seg];
    }
    match cur {
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Null => {
            // spec.unschedulable is false when absent
            if path == "spec.unschedulable" {
                "false".into()
            } else {
                String::new()
            }
        }
        _ => String::new(),
    }
}

/// Label and field selectors of one request, applied together.
#[derive(Debug, Clone, Default)]
pub struct Selectors {
    pub labels: LabelSelector,
    pub fields: FieldSelector,
}

impl Selectors {
    pub fn parse(labels: Option<&str>, fields: Option<&str>) -> Result<Selectors, String> {
        Ok(Selectors {
            labels: labels
                .map(LabelSelector::parse)
                .transpose()?
                .unwrap_or_default(),
            fields: fields
                .map(FieldSelector::parse)
                .transpose()?
                .unwrap_or_default(),
        })
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty() && self.fields.is_empty()
    }

    pub fn matches(&self, obj: &Value) -> bool {
        self.labels.matches(obj) && self.fields.matches(obj)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod(labels: Value) -> Value {
        json!({"metadata": {"name": "p", "namespace": "default", "labels": labels},
               "spec": {"nodeName": "i-1"}, "status": {"phase": "Running"}})
    }

    fn m(sel: &str, obj: &Value) -> bool {
        LabelSelector::parse(sel).unwrap().matches(obj)
    }

    #[test]
    fn label_equality_and_sets() {
        let p = pod(json!({"app": "myapp", "tier": "web"}));
        assert!(m("app=myapp", &p));
        assert!(m("app==myapp", &p));
        assert!(!m("app!=myapp", &p));
        assert!(m("app!=other", &p));
        assert!(m("app in (x, myapp)", &p));
        assert!(!m("app notin (x,myapp)", &p));
        assert!(m("app notin (x,y),tier=web", &p));
        assert!(m("tier", &p));
        assert!(!m("!tier", &p));
        assert!(m("!missing", &p));
        assert!(m("missing notin (a)", &p));
        assert!(!m("missing in (a)", &p));
        assert!(m("", &p));
        assert!(m("app=myapp,tier in (web)", &p));
        assert!(!m("app=myapp,tier in (db)", &pod(json!({"app": "myapp"}))));
        assert!(m("!tier", &json!({"metadata": {}})));
    }

    #[test]
    fn label_numeric_and_errors() {
        let p = pod(json!({"n": "5"}));
        assert!(m("n>3", &p));
        assert!(!m("n<3", &p));
        assert!(LabelSelector::parse("app in x").is_err());
        assert!(LabelSelector::parse("a=b c").is_err());
        assert!(LabelSelector::parse("=x").is_err());
    }

    #[test]
    fn field_selectors() {
        let p = pod(json!({}));
        let f = |s: &str| FieldSelector::parse(s).unwrap().matches(&p);
        assert!(f("spec.nodeName=i-1"));
        assert!(f(
            "spec.nodeName==i-1,status.phase!=Failed,status.phase!=Succeeded"
        ));
        assert!(!f("status.phase=Pending"));
        assert!(f("metadata.name=p,metadata.namespace=default"));
        assert!(f("spec.unschedulable=false"));
        let ev = json!({"involvedObject": {"kind": "Node", "name": "i-1"}});
        let fe = FieldSelector::parse(
            "involvedObject.kind=Node,involvedObject.name=i-1,involvedObject.namespace=",
        )
        .unwrap();
        assert!(fe.matches(&ev));
        assert!(FieldSelector::parse("nonsense").is_err());
    }
}
