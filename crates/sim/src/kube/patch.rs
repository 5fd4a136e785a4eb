//! Patches: JSON merge patch (RFC 7386), strategic merge patch (treated as a merge patch whose
//! lists of named objects merge by `name`, `$` directives dropped) and JSON patch (RFC 6902).

use serde_json::{Map, Value};

/// The patch formats the server accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchKind {
    Merge,
    Strategic,
    Json,
    Apply,
}

impl PatchKind {
    /// From a request's Content-Type.
    pub fn from_content_type(ct: &str) -> Option<PatchKind> {
        let base = ct.split(';').next().unwrap_or("").trim();
        match base {
            "application/merge-patch+json" => Some(PatchKind::Merge),
            "application/strategic-merge-patch+json" => Some(PatchKind::Strategic),
            "application/json-patch+json" => Some(PatchKind::Json),
            "application/apply-patch+yaml" | "application/apply-patch+cbor" => {
                Some(PatchKind::Apply)
            }
            _ => None,
        }
    }
}

/// Applies `patch` to `target`.
pub fn apply(kind: PatchKind, target: &Value, patch: &Value) -> Result<Value, String> {
    match kind {
        PatchKind::Merge => Ok(merge(target, patch, false)),
        PatchKind::Strategic => Ok(merge(target, patch, true)),
        PatchKind::Json => json_patch(target, patch),
        PatchKind::Apply => Err("server-side apply is not supported".into()),
    }
}

fn merge(target: &Value, patch: &Value, strategic: bool) -> Value {
    match patch {
        Value::Object(p) => {
            let mut out: Map<String, Value> = target.as_object().cloned().unwrap_or_default();
            for (k, v) in p {
                if strategic && k.starts_with('$') {
                    continue;
                }
                if v.is_null() {
                    out.remove(k);
                } else {
                    let merged = match out.get(k) {
                        Some(cur) => merge(cur, v, strategic),
                        None => merge(&Value::Null, v, strategic),
                    };
                    out.insert(k.clone(), merged);
                }
            }
            Value::Object(out)
        }
        Value::Array(items) if strategic => merge_list(target, items),
        other => other.clone(),
    }
}

/// Strategic merge of a list: objects with a `name` merge into the element of the same name
/// (`$patch: delete` removes it); any other list replaces the old one.
fn merge_list(target: &Value, items: &[Value]) -> Value {
    let named = |v: &Value| v.get("name").and_then(Value::as_str).map(str::to_string);
    let all_named = !items.is_empty() && items.iter().all(|i| named(i).is_some());
    let Some(current) = target
        .as_array()
        .filter(|c| all_named && c.iter().all(|i| named(i).is_some()))
    else {
        return Value::Array(items.iter().map(|i| merge(&Value::Null, i, true)).collect());
    };
    let mut out = current.clone();
    for item in items {
        let name = named(item);
        let pos = out.iter().position(|c| named(c) == name);
        let delete = item.get("$patch").and_then(Value::as_str) == Some("delete");
        match (pos, delete) {
            (Some(i), true) => {
                out.remove(i);
            }
            (None, true) => {}
            (Some(i), false) => out[i] = merge(&out[i], item, true),
            (None, false) => out.push(merge(&Value::Null, item, true)),
        }
    }
    Value::Array(out)
}

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Splits a JSON pointer into (parent pointer tokens, last token).
fn split_pointer(path: &str) -> Result<(Vec<String>, String), String> {
    if path.is_empty() {
        return Err("the root cannot be patched".into());
    }
    let rest = path
        .strip_prefix('/')
        .ok_or_else(|| format!("invalid JSON pointer {path:?}"))?;
    let mut tokens: Vec<String> = rest.split('/').map(unescape).collect();
    let last = tokens.pop().unwrap_or_default();
    Ok((tokens, last))
}

fn walk<'a>(doc: &'a mut Value, tokens: &[String], path: &str) -> Result<&'a mut Value, String> {
    let mut cur = doc;
    for t in tokens {
        cur = match cur {
            Value::Object(m) => m.get_mut(t),
            Value::Array(a) => t.parse::<usize>().ok().and_then(move |i| a.get_mut(i)),
            _ => None,
        }
        .ok_or_else(|| format!("doc is missing path: \"{path}\""))?;
    }
    Ok(cur)
}

fn get(doc: &Value, path: &str) -> Result<Value, String> {
    doc.pointer(path)
        .cloned()
        .ok_or_else(|| format!("doc is missing path: \"{path}\""))
}

fn remove(doc: &mut Value, path: &str) -> Result<Value, String> {
    let (parent, last) = split_pointer(path)?;
    match walk(doc, &parent, path)? {
        Value::Object(m) => m
            .remove(&last)
            .ok_or_else(|| format!("unable to remove nonexistent key: {last}: missing value")),
        Value::Array(a) => {
            let i: usize = last
                .parse()
                .map_err(|_| format!("invalid index {last:?}"))?;
            if i < a.len() {
                Ok(a.remove(i))
            } else {
                Err(format!("Unable to remove index {i}: out of bounds"))
            }
        }
        _ => Err(format!("doc is missing path: \"{path}\"")),
    }
}

fn add(doc: &mut Value, path: &str, value: Value, replace: bool) -> Result<(), String> {
    let (parent, last) = split_pointer(path)?;
    match walk(doc, &parent, path)? {
        Value::Object(m) => {
            if replace && !m.contains_key(&last) {
                return Err(format!(
                    "replace operation does not apply: doc is missing key: {path}"
                ));
            }
            m.insert(last, value);
            Ok(())
        }
        Value::Array(a) => {
            if last == "-" && !replace {
                a.push(value);
                return Ok(());
            }
            let i: usize = last
                .parse()
                .map_err(|_| format!("invalid index {last:?}"))?;
            if replace {
                let slot = a
                    .get_mut(i)
                    .ok_or_else(|| format!("index {i} out of bounds"))?;
                *slot = value;
            } else if i <= a.len() {
                a.insert(i, value);
            } else {
                return Err(format!("index {i} out of bounds"));
            }
            Ok(())
        }
        _ => Err(format!("doc is missing path: \"{path}\"")),
    }
}

fn json_patch(target: &Value, patch: &Value) -> Result<Value, String> {
    let ops = patch
        .as_array()
        .ok_or("a JSON patch must be an array of operations")?;
    let mut doc = target.clone();
    for op in ops {
        let path = op["path"].as_str().ok_or("operation has no path")?;
        match op["op"].as_str().unwrap_or("") {
            "add" => add(&mut doc, path, op["value"].clone(), false)?,
            "replace" => add(&mut doc, path, op["value"].clone(), true)?,
            "remove" => {
                remove(&mut doc, path)?;
            }
            "test" => {
                if get(&doc, path)? != op["value"] {
                    return Err(format!("testing value {path} failed"));
                }
            }
            "move" => {
                let from = op["from"].as_str().ok_or("move has no from")?;
                let v = remove(&mut doc, from)?;
                add(&mut doc, path, v, false)?;
            }
            "copy" => {
                let from = op["from"].as_str().ok_or("copy has no from")?;
                let v = get(&doc, from)?;
                add(&mut doc, path, v, false)?;
            }
            other => return Err(format!("Unexpected kind: {other}")),
        }
    }
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_patch() {
        let t =
            json!({"spec": {"replicas": 3, "paused": true}, "metadata": {"labels": {"a": "1"}}});
        let p =
            json!({"spec": {"replicas": 5, "paused": null}, "metadata": {"labels": {"b": "2"}}});
        let r = apply(PatchKind::Merge, &t, &p).unwrap();
        assert_eq!(
            r,
            json!({"spec": {"replicas": 5}, "metadata": {"labels": {"a": "1", "b": "2"}}})
        );
    }

    #[test]
    fn strategic_merges_named_lists() {
        let t = json!({"spec": {"containers": [{"name": "a", "image": "x", "resources": {}}, {"name": "b", "image": "y"}]}});
        let p = json!({"$setElementOrder/containers": [{"name": "a"}], "spec": {"containers": [{"name": "a", "image": "z"}, {"name": "b", "$patch": "delete"}]}});
        let r = apply(PatchKind::Strategic, &t, &p).unwrap();
        assert_eq!(
            r,
            json!({"spec": {"containers": [{"name": "a", "image": "z", "resources": {}}]}})
        );
        let r = apply(
            PatchKind::Strategic,
            &json!({"spec": {}}),
            &json!({"spec": {"unschedulable": true}}),
        )
        .unwrap();
        assert_eq!(r["spec"]["unschedulable"], true);
    }

    #[test]
    fn json_patch_ops() {
        let t = json!({"spec": {"replicas": 3, "list": [1, 2]}});
        let p = json!([
            {"op": "replace", "path": "/spec/replicas", "value": 4},
            {"op": "add", "path": "/spec/list/-", "value": 3},
            {"op": "remove", "path": "/spec/list/0"},
            {"op": "add", "path": "/metadata", "value": {"labels": {"a~b/c": "v"}}},
            {"op": "test", "path": "/metadata/labels/a~0b~1c", "value": "v"},
            {"op": "copy", "from": "/spec/replicas", "path": "/spec/copy"},
        ]);
        let r = apply(PatchKind::Json, &t, &p).unwrap();
        assert_eq!(r["spec"], json!({"replicas": 4, "list": [2, 3], "copy": 4}));
        assert!(apply(
            PatchKind::Json,
            &t,
            &json!([{"op": "replace", "path": "/nope", "value": 1}])
        )
        .is_err());
        assert!(apply(
            PatchKind::Json,
            &t,
            &json!([{"op": "test", "path": "/spec/replicas", "value": 1}])
        )
        .is_err());
    }
}
