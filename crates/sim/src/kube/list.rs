//! Reads: get one object and list a kind (all namespaces or one), with label and field selectors,
//! `limit`/`continue` paging and the list's resourceVersion, as JSON or as a Table. Objects are
//! picked under the world lock (cloning `Arc`s only) and serialized outside it.

use std::sync::Arc;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::paths::Target;
use super::query::{Query, Repr};
use super::selectors::Selectors;
use super::status::{self, ApiError};
use super::table::{self, Include};
use crate::store::{Key, Res, Store};
use crate::world::{lock, Shared};

/// A JSON response with status 200.
pub fn json_response(code: u16, body: Vec<u8>, content_type: &'static str) -> Response {
    let code = axum::http::StatusCode::from_u16(code).unwrap_or(axum::http::StatusCode::OK);
    (code, [(header::CONTENT_TYPE, content_type)], body).into_response()
}

pub fn value_response(code: u16, v: &Value) -> Response {
    json_response(
        code,
        serde_json::to_vec(v).unwrap_or_default(),
        "application/json",
    )
}

/// The store key of an object.
pub fn key_of(obj: &Value) -> Key {
    (
        obj["metadata"]["namespace"]
            .as_str()
            .unwrap_or("")
            .to_string(),
        obj["metadata"]["name"].as_str().unwrap_or("").to_string(),
    )
}

fn hex(s: &str) -> String {
    s.bytes().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<String> {
    if s.len() % 2 != 0 {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect();
    String::from_utf8(bytes?).ok()
}

/// An opaque `continue` token: the list's resourceVersion and the last key returned.
pub fn encode_continue(rv: u64, key: &Key) -> String {
    hex(&format!("{rv}\n{}\n{}", key.0, key.1))
}

pub fn decode_continue(token: &str) -> Option<(u64, Key)> {
    let s = unhex(token)?;
    let mut parts = s.splitn(3, '\n');
    let rv = parts.next()?.parse().ok()?;
    let ns = parts.next()?.to_string();
    let name = parts.next()?.to_string();
    Some((rv, (ns, name)))
}

/// Objects of `res` after `after` (exclusive), restricted to `namespace`, accepted by `keep`; at
/// most `max`. The flag says whether at least one more accepted object follows.
pub fn scan(
    store: &Store,
    res: Res,
    namespace: Option<&str>,
    after: Key,
    keep: impl Fn(&Value) -> bool,
    max: usize,
) -> (Vec<Arc<Value>>, bool) {
    const CHUNK: usize = 1024;
    let mut out = Vec::new();
    let mut after = match namespace {
        Some(ns) if after.0.as_str() < ns => (ns.to_string(), String::new()),
        _ => after,
    };
    loop {
        let chunk = store.list_after(res, &after, CHUNK);
        let n = chunk.len();
        for obj in &chunk {
            if let Some(ns) = namespace {
                if obj["metadata"]["namespace"].as_str() != Some(ns) {
                    return (out, false);
                }
            }
            if keep(obj) {
                if out.len() == max {
                    return (out, true);
                }
                out.push(obj.clone());
            }
        }
        match chunk.last() {
            Some(last) if n == CHUNK => after = key_of(last),
            _ => return (out, false),
        }
    }
}

fn list_kind(res: Res) -> String {
    format!("{}List", res.info().kind)
}

/// An object's `PartialObjectMetadata`.
pub fn partial(obj: &Value) -> Value {
    json!({
        "kind": "PartialObjectMetadata",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": obj["metadata"],
    })
}

/// One object in the requested representation.
pub fn render_one(
    res: Res,
    obj: &Value,
    repr: Repr,
    now: jiff::Timestamp,
    include: Include,
    columns: bool,
) -> Value {
    match repr {
        Repr::Object => obj.clone(),
        Repr::Metadata => partial(obj),
        Repr::Table => {
            let rv = obj["metadata"]["resourceVersion"].as_str().unwrap_or("");
            table::table(
                res,
                vec![table::row(res, obj, now, include)],
                rv,
                None,
                columns,
            )
        }
    }
}

/// Serializes a list (objects, Table or metadata) into a body.
fn render_list(
    res: Res,
    items: &[Arc<Value>],
    rv: u64,
    cont: Option<&str>,
    repr: Repr,
    now: jiff::Timestamp,
    include: Include,
) -> Vec<u8> {
    let rv_s = rv.to_string();
    if repr == Repr::Table {
        let rows = items
            .iter()
            .map(|o| table::row(res, o, now, include))
            .collect();
        return serde_json::to_vec(&table::table(res, rows, &rv_s, cont, true)).unwrap_or_default();
    }
    let mut meta = json!({"resourceVersion": rv_s});
    if let Some(c) = cont {
        meta["continue"] = json!(c);
    }
    let (kind, api_version) = match repr {
        Repr::Metadata => (
            "PartialObjectMetadataList".to_string(),
            "meta.k8s.io/v1".to_string(),
        ),
        _ => (list_kind(res), res.info().api_version()),
    };
    let head = json!({"kind": kind, "apiVersion": api_version, "metadata": meta});
    let head = head.to_string();
    let mut body = Vec::with_capacity(64 + items.len() * 1024);
    body.extend_from_slice(&head.as_bytes()[..head.len() - 1]);
    body.extend_from_slice(b",\"items\":[");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            body.push(b',');
        }
        let _ = match repr {
            Repr::Metadata => serde_json::to_writer(&mut body, &partial(item)),
            _ => serde_json::to_writer(&mut body, item.as_ref()),
        };
    }
    body.extend_from_slice(b"]}");
    body
}

/// Which state of the store a list is served from, as the API server picks it from
/// `resourceVersion`, `resourceVersionMatch`, `limit` and `continue`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ListFrom {
    /// The newest state, paged by `limit` (unset resourceVersion: a consistent read, or a
    /// paged `NotOlderThan` read served from storage).
    Latest,
    /// The watch cache: any state at least as new as the resourceVersion, every item at once
    /// (`limit` is not honoured there).
    Cache,
    /// The state at exactly this resourceVersion, paged (`resourceVersionMatch=Exact`, a paged
    /// legacy list at a resourceVersion, or a `continue` token's snapshot).
    Exact(u64),
}

fn list_from(q: &Query, token_rv: Option<u64>, current: u64) -> Result<ListFrom, ApiError> {
    if let Some(rv) = token_rv {
        if q.resource_version.is_some() {
            return Err(status::bad_request(
                "specifying resource version is not allowed when using continue",
            ));
        }
        return Ok(ListFrom::Exact(rv));
    }
    let Some(raw) = q.resource_version.as_deref() else {
        return Ok(ListFrom::Latest);
    };
    let rv: u64 = raw.parse().map_err(|_| {
        status::bad_request(format!(
            "invalid resource version: strconv.ParseUint: parsing {raw:?}: invalid syntax"
        ))
    })?;
    // not older than (or exactly at) a version the server has not reached yet
    if rv > current {
        return Err(status::too_large_resource_version(rv, current));
    }
    let paged = q.limit.is_some();
    let from = match (q.resource_version_match.as_deref(), rv, paged) {
        (Some("Exact"), rv, _) => ListFrom::Exact(rv),
        (_, 0, _) => ListFrom::Cache,
        (None, rv, true) => ListFrom::Exact(rv),
        (_, _, true) => ListFrom::Latest,
        (_, _, false) => ListFrom::Cache,
    };
    Ok(from)
}

/// The page of `res` as it was at `rv`: the objects written since come from the log.
fn snapshot_page(
    store: &Store,
    res: Res,
    namespace: Option<&str>,
    rv: u64,
    start: Key,
    sel: &Selectors,
    limit: usize,
) -> Result<(Vec<Arc<Value>>, bool), ApiError> {
    let overlay = store
        .changes_since(res, rv)
        .map_err(|_| status::list_expired())?;
    let (current, more_current) = scan(
        store,
        res,
        namespace,
        start.clone(),
        |o| !overlay.contains_key(&key_of(o)) && sel.matches(o),
        limit,
    );
    if overlay.is_empty() {
        return Ok((current, more_current));
    }
    use std::ops::Bound::{Excluded, Unbounded};
    // in key order, so the first `limit + 1` are all the merge can use
    let earlier = overlay
        .range((Excluded(start), Unbounded))
        .filter(|((ns, _), _)| namespace.is_none_or(|n| n == ns))
        .filter_map(|(_, v)| v.clone())
        .filter(|o| sel.matches(o))
        .take(limit.saturating_add(1));
    let mut merged: Vec<Arc<Value>> = current.into_iter().chain(earlier).collect();
    merged.sort_by_key(|o| key_of(o));
    let more = more_current || merged.len() > limit;
    merged.truncate(limit);
    Ok((merged, more))
}

/// GET of a collection.
pub async fn list(
    shared: &Shared,
    t: &Target,
    q: &Query,
    repr: Repr,
) -> Result<Response, ApiError> {
    let sel = Selectors::parse(q.label_selector.as_deref(), q.field_selector.as_deref())
        .map_err(status::bad_request)?;
    let (token_rv, start) = match &q.continue_token {
        Some(tok) => {
            let (rv, key) = decode_continue(tok).ok_or_else(|| {
                status::bad_request("continue key is not valid: illegal base64 data")
            })?;
            (Some(rv), key)
        }
        None => (None, (String::new(), String::new())),
    };
    let (items, more, rv, now) = {
        let mut w = lock(shared);
        if let Some(rv) = token_rv {
            if !w.kube.readable_at(t.res, rv) {
                return Err(ApiError::new(
                    410,
                    "Expired",
                    "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.",
                ));
            }
        }
        let current = w.kube.rv();
        let from = list_from(q, token_rv, current)?;
        let limit = match from {
            ListFrom::Cache => usize::MAX,
            _ => q.limit.unwrap_or(usize::MAX),
        };
        let (items, more, rv) = match from {
            ListFrom::Exact(rv) if rv < current => {
                let (items, more) = snapshot_page(
                    &w.kube,
                    t.res,
                    t.namespace.as_deref(),
                    rv,
                    start,
                    &sel,
                    limit,
                )?;
                (items, more, rv)
            }
            _ if sel.is_empty() && limit == usize::MAX && token_rv.is_none() => {
                (w.kube.list(t.res, t.namespace.as_deref()), false, current)
            }
            _ => {
                let (items, more) = scan(
                    &w.kube,
                    t.res,
                    t.namespace.as_deref(),
                    start,
                    |o| sel.matches(o),
                    limit,
                );
                (items, more, current)
            }
        };
        // the next pages read this state, however much is written before they are asked for
        if more {
            let _ = w.kube.pin(t.res, rv);
        } else if token_rv.is_some() {
            w.kube.unpin(t.res, rv);
        }
        (items, more, rv, w.now)
    };
    let cont = if more {
        items.last().map(|o| encode_continue(rv, &key_of(o)))
    } else {
        None
    };
    let res = t.res;
    let include = Include::parse(q.include_object.as_deref());
    let body = if items.len() > 2000 {
        tokio::task::spawn_blocking(move || {
            render_list(res, &items, rv, cont.as_deref(), repr, now, include)
        })
        .await
        .map_err(|e| ApiError::new(500, "InternalError", e.to_string()))?
    } else {
        render_list(res, &items, rv, cont.as_deref(), repr, now, include)
    };
    Ok(json_response(200, body, repr.content_type(true)))
}

/// Fetches one object or answers 404.
pub fn fetch(
    shared: &Shared,
    res: Res,
    namespace: &str,
    name: &str,
) -> Result<(Arc<Value>, jiff::Timestamp), ApiError> {
    let w = lock(shared);
    w.kube
        .get(res, namespace, name)
        .map(|o| (o, w.now))
        .ok_or_else(|| status::not_found(res, name))
}

/// GET of one object.
pub fn get(shared: &Shared, t: &Target, q: &Query, repr: Repr) -> Result<Response, ApiError> {
    let name = t.name.as_deref().unwrap_or("");
    let (obj, now) = fetch(shared, t.res, t.namespace.as_deref().unwrap_or(""), name)?;
    let include = Include::parse(q.include_object.as_deref());
    let body = match repr {
        Repr::Object => serde_json::to_vec(obj.as_ref()),
        _ => serde_json::to_vec(&render_one(t.res, &obj, repr, now, include, true)),
    };
    Ok(json_response(
        200,
        body.unwrap_or_default(),
        repr.content_type(false),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> Store {
        let mut s = Store::new(100, 1);
        let t0: jiff::Timestamp = "2024-12-12T06:00:00Z".parse().unwrap();
        for ns in ["a", "b", "c"] {
            for i in 0..5 {
                s.create(
                    Res::Pods,
                    json!({"metadata": {"name": format!("p{i}"), "namespace": ns, "labels": {"even": (i % 2 == 0).to_string()}}}),
                    t0,
                )
                .unwrap();
            }
        }
        s
    }

    #[test]
    fn scan_pages_through_one_namespace() {
        let s = store();
        let sel = Selectors::parse(Some("even=true"), None).unwrap();
        let (page, more) = scan(
            &s,
            Res::Pods,
            Some("b"),
            (String::new(), String::new()),
            |o| sel.matches(o),
            2,
        );
        assert_eq!(page.len(), 2);
        assert!(more);
        let last = key_of(page.last().unwrap());
        assert_eq!(last, ("b".into(), "p2".into()));
        let (page, more) = scan(&s, Res::Pods, Some("b"), last, |o| sel.matches(o), 2);
        assert_eq!(page.len(), 1);
        assert!(!more);
        let (all, more) = scan(
            &s,
            Res::Pods,
            None,
            (String::new(), String::new()),
            |_| true,
            usize::MAX,
        );
        assert_eq!((all.len(), more), (15, false));
    }

    fn q(raw: &str) -> Query {
        Query::parse(Some(raw)).unwrap()
    }

    #[test]
    fn lists_are_served_from_where_the_api_server_serves_them() {
        assert_eq!(list_from(&q(""), None, 9).unwrap(), ListFrom::Latest);
        assert_eq!(list_from(&q("limit=5"), None, 9).unwrap(), ListFrom::Latest);
        assert_eq!(
            list_from(&q("resourceVersion=0&limit=5"), None, 9).unwrap(),
            ListFrom::Cache
        );
        assert_eq!(
            list_from(&q("resourceVersion=4"), None, 9).unwrap(),
            ListFrom::Cache
        );
        assert_eq!(
            list_from(&q("resourceVersion=4&limit=5"), None, 9).unwrap(),
            ListFrom::Exact(4)
        );
        assert_eq!(
            list_from(
                &q("resourceVersion=4&resourceVersionMatch=NotOlderThan&limit=5"),
                None,
                9
            )
            .unwrap(),
            ListFrom::Latest
        );
        assert_eq!(
            list_from(&q("resourceVersion=4&resourceVersionMatch=Exact"), None, 9).unwrap(),
            ListFrom::Exact(4)
        );
        assert_eq!(list_from(&q(""), Some(3), 9).unwrap(), ListFrom::Exact(3));
        assert_eq!(
            list_from(&q("resourceVersion=12"), None, 9)
                .unwrap_err()
                .code,
            504
        );
        assert_eq!(
            list_from(&q("resourceVersion=3"), Some(3), 9)
                .unwrap_err()
                .code,
            400
        );
        assert_eq!(
            list_from(&q("resourceVersion=x"), None, 9)
                .unwrap_err()
                .code,
            400
        );
    }

    #[test]
    fn snapshots_show_the_store_as_it_was() {
        let mut s = store();
        let t0: jiff::Timestamp = "2024-12-12T06:00:00Z".parse().unwrap();
        let rv = s.rv();
        s.delete(Res::Pods, "a", "p1");
        s.create(
            Res::Pods,
            json!({"metadata": {"name": "p9", "namespace": "a"}}),
            t0,
        )
        .unwrap();
        s.update(Res::Pods, "a", "p2", |p| {
            p["metadata"]["labels"]["x"] = json!("y")
        });
        let none = Selectors::parse(None, None).unwrap();
        let start = (String::new(), String::new());
        let (page, more) =
            snapshot_page(&s, Res::Pods, Some("a"), rv, start.clone(), &none, 3).unwrap();
        let names: Vec<&str> = page
            .iter()
            .map(|p| p["metadata"]["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["p0", "p1", "p2"]);
        assert!(more);
        assert!(page[2]["metadata"]["labels"]["x"].is_null());
        let (rest, more) =
            snapshot_page(&s, Res::Pods, Some("a"), rv, key_of(&page[2]), &none, 10).unwrap();
        let names: Vec<&str> = rest
            .iter()
            .map(|p| p["metadata"]["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["p3", "p4"]);
        assert!(!more);
        s.compact_all();
        assert_eq!(
            snapshot_page(&s, Res::Pods, None, rv, start, &none, 10)
                .unwrap_err()
                .code,
            410
        );
    }

    #[test]
    fn continue_tokens_round_trip() {
        let key = ("default".to_string(), "myapp-1".to_string());
        let tok = encode_continue(42, &key);
        assert_eq!(decode_continue(&tok), Some((42, key)));
        assert_eq!(decode_continue("zz"), None);
    }

    #[test]
    fn renders_a_list() {
        let s = store();
        let items = s.list(Res::Pods, Some("a"));
        let body = render_list(
            Res::Pods,
            &items,
            7,
            Some("tok"),
            Repr::Object,
            "2024-12-12T06:00:00Z".parse().unwrap(),
            Include::Metadata,
        );
        let v: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["kind"], "PodList");
        assert_eq!(v["metadata"]["resourceVersion"], "7");
        assert_eq!(v["metadata"]["continue"], "tok");
        assert_eq!(v["items"].as_array().unwrap().len(), 5);
        let meta = render_list(
            Res::Pods,
            &items,
            7,
            None,
            Repr::Metadata,
            "2024-12-12T06:00:00Z".parse().unwrap(),
            Include::Metadata,
        );
        let v: Value = serde_json::from_slice(&meta).unwrap();
        assert_eq!(v["kind"], "PartialObjectMetadataList");
        assert_eq!(v["items"][0]["kind"], "PartialObjectMetadata");
        assert_eq!(v["items"][0]["metadata"]["name"], "p0");
    }
}
