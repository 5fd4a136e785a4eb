//! The emulated Kubernetes API server: plain HTTP on loopback, bearer tokens checked as EKS does
//! (`auth`). This file routes requests (discovery, health, resources) and applies what every
//! request gets: authentication, the request log entry and faults. Reads, watches, writes and
//! printing live in the sibling modules.

mod auth;
mod builtins;
mod defaults;
mod discovery;
mod list;
mod openapi;
mod patch;
mod paths;
mod printers;
mod query;
mod reviews;
mod selectors;
mod status;
mod subres;
mod table;
mod watch;
mod write;

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, Method, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use self::list::value_response;
use self::paths::Target;
use self::query::Query;
use self::status::ApiError;
use super::faults::ErrorKind;
use super::store::Res;
use super::world::{lock, Shared};

pub fn router(shared: Shared) -> Router {
    Router::new()
        .route("/version", get(version))
        .route("/healthz", get(healthy))
        .route("/readyz", get(healthy))
        .route("/livez", get(healthy))
        .fallback(dispatch)
        .with_state(shared)
}

/// `/version` is open to anonymous callers (as `system:public-info-viewer` allows), but a bearer
/// token that is sent must be valid: a real API server authenticates before it authorizes.
async fn version(State(shared): State<Shared>, headers: HeaderMap) -> Response {
    if headers.contains_key(header::AUTHORIZATION) {
        if let Err(e) = admit_credentials(&shared, &headers) {
            return e.into_response();
        }
    }
    let v = discovery::version(&lock(&shared));
    value_response(200, &v)
}

/// Authenticates a request; a refused one is logged too (a client that retries it shows there).
fn admit_credentials(shared: &Shared, headers: &HeaderMap) -> Result<(), ApiError> {
    let refused = auth::authenticate(&lock(shared), headers).err();
    match refused {
        None => Ok(()),
        Some(e) => {
            let mut w = lock(shared);
            let now = w.now;
            w.requests.record("kubernetes", "refused", false, now);
            Err(e)
        }
    }
}

async fn healthy() -> &'static str {
    "ok"
}

/// Discovery documents by path, if the path is one.
fn discovery_doc(path: &str) -> Option<Option<serde_json::Value>> {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    Some(match segs.as_slice() {
        ["api"] => Some(discovery::api_versions()),
        ["api", v] => discovery::resource_list("", v),
        ["apis"] => Some(discovery::api_group_list()),
        ["apis", g] => discovery::api_group(g),
        ["apis", g, v] => discovery::resource_list(g, v),
        ["openapi", "v3"] => Some(openapi::index()),
        ["openapi", "v3", rest @ ..] => openapi::document(&rest.join("/")),
        _ => return None,
    })
}

/// The verb of a resource request, as the request log and faults name it; refused as the API
/// server refuses it when the kind (or its subresource) does not answer that verb.
fn verb(method: &Method, t: &Target, watch: bool) -> Result<&'static str, ApiError> {
    let info = t.res.info();
    let v = method_verb(method, t, watch)?;
    let allowed = match t.sub.as_deref() {
        None => info.allows(v),
        Some(sub) => {
            let verb = if v == "evict" { "create" } else { v };
            info.sub(sub)
                .ok_or_else(status::path_not_found)?
                .verbs
                .contains(&verb)
        }
    };
    if allowed {
        Ok(v)
    } else {
        Err(status::method_not_allowed())
    }
}

fn method_verb(method: &Method, t: &Target, watch: bool) -> Result<&'static str, ApiError> {
    let sub = t.sub.as_deref();
    Ok(match (method.as_str(), sub) {
        ("GET", None) if watch => "watch",
        ("GET", None) if t.name.is_some() => "get",
        ("GET", None) => "list",
        ("GET", Some("status" | "scale")) => "get",
        ("GET", Some("log")) if t.res == Res::Pods => "get",
        ("POST", Some("eviction")) if t.res == Res::Pods => "evict",
        ("POST", None) if t.name.is_none() => "create",
        ("PUT", None | Some("status" | "scale")) if t.name.is_some() => "update",
        ("PATCH", None | Some("status" | "scale")) if t.name.is_some() => "patch",
        ("DELETE", None) if t.name.is_some() => "delete",
        (_, Some(s)) if !matches!(s, "status" | "scale" | "eviction" | "log") => {
            return Err(status::path_not_found())
        }
        _ => return Err(status::method_not_allowed()),
    })
}

/// Records the request and applies planned faults; returns latency to wait before answering.
fn admit(shared: &Shared, op: &str, mutating: bool) -> Result<Duration, ApiError> {
    let mut w = lock(shared);
    let now = w.now;
    w.requests.record("kubernetes", op, mutating, now);
    let latency = w
        .faults
        .operation_latency_ms
        .iter()
        .find(|(k, _)| k.as_str() == op || k.as_str() == "*" || **k == format!("kubernetes:{op}"))
        .map(|(_, ms)| Duration::from_millis(*ms))
        .unwrap_or_default();
    match w.faults.take_error("kubernetes", op) {
        None => Ok(latency),
        Some(ErrorKind::Throttling) => Err(ApiError::new(
            429,
            "TooManyRequests",
            "the server has received too many requests and has asked us to try again later",
        )
        .with_details(serde_json::json!({"retryAfterSeconds": 1}))),
        Some(ErrorKind::Internal) => Err(ApiError::new(
            500,
            "InternalError",
            "an error on the server (\"\") has prevented the request from succeeding",
        )),
        Some(ErrorKind::AccessDenied) => Err(ApiError::new(
            403,
            "Forbidden",
            format!("{op} is forbidden: User \"kubernetes-admin\" cannot {op}"),
        )),
    }
}

async fn dispatch(
    State(shared): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match handle(&shared, &method, &uri, &headers, &body).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn handle(
    shared: &Shared,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Response, ApiError> {
    admit_credentials(shared, headers)?;
    let path = uri.path();
    if let Some(doc) = discovery_doc(path) {
        if method != Method::GET {
            return Err(status::method_not_allowed());
        }
        return doc
            .map(|d| value_response(200, &d))
            .ok_or_else(status::path_not_found);
    }
    let mut t = paths::parse(path).ok_or_else(status::path_not_found)?;
    let mut q = Query::parse(uri.query()).map_err(status::bad_request)?;
    let watching = q.watch || t.legacy_watch;
    let verb = verb(method, &t, watching)?;
    if matches!(verb, "list" | "watch") {
        let errs = q.validate(verb == "watch");
        if !errs.is_empty() {
            return Err(status::invalid_list_options(&errs));
        }
    }
    let op = match (verb, t.sub.as_deref()) {
        ("evict", _) => "evict pods".to_string(),
        (_, Some(sub)) => format!("{verb} {}/{sub}", t.res.info().plural),
        _ => format!("{verb} {}", t.res.info().plural),
    };
    let mutating = matches!(verb, "create" | "update" | "patch" | "delete" | "evict");
    let latency = admit(shared, &op, mutating)?;
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let repr = query::representation(headers);
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/json")
        .to_string();
    match verb {
        "watch" => {
            if let Some(name) = t.name.take() {
                let by_name = format!("metadata.name={name}");
                q.field_selector = Some(match q.field_selector.take() {
                    Some(f) => format!("{f},{by_name}"),
                    None => by_name,
                });
            }
            watch::watch(shared, &t, &q, repr)
        }
        "list" => list::list(shared, &t, &q, repr).await,
        "get" => match t.sub.as_deref() {
            Some("scale") => subres::get_scale(shared, &t),
            Some("log") => subres::log(shared, &t),
            _ if t.sub.is_some() => list::get(shared, &t, &q, query::Repr::Object),
            _ => list::get(shared, &t, &q, repr),
        },
        "create" if t.res.info().is_virtual() => reviews::create(shared, &t, body),
        "create" => write::create(shared, &t, &q, body),
        "evict" => subres::evict(shared, &t, &q, body),
        "update" if t.sub.as_deref() == Some("scale") => {
            subres::update_scale(shared, &t, &q, None, body)
        }
        "patch" if t.sub.as_deref() == Some("scale") => {
            subres::update_scale(shared, &t, &q, Some(&content_type), body)
        }
        "update" => write::replace(shared, &t, &q, body),
        "patch" => write::patch(shared, &t, &q, &content_type, body),
        "delete" => write::delete(shared, &t, &q, body),
        _ => Err(status::method_not_allowed()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(path: &str) -> Target {
        paths::parse(path).unwrap()
    }

    #[test]
    fn verbs_follow_method_and_path() {
        let pods = target("/api/v1/namespaces/default/pods");
        let pod = target("/api/v1/namespaces/default/pods/web");
        assert_eq!(verb(&Method::GET, &pods, false).unwrap(), "list");
        assert_eq!(verb(&Method::GET, &pods, true).unwrap(), "watch");
        assert_eq!(verb(&Method::GET, &pod, false).unwrap(), "get");
        assert_eq!(verb(&Method::POST, &pods, false).unwrap(), "create");
        assert_eq!(verb(&Method::DELETE, &pod, false).unwrap(), "delete");
        assert_eq!(verb(&Method::PATCH, &pod, false).unwrap(), "patch");
        let eviction = target("/api/v1/namespaces/default/pods/web/eviction");
        assert_eq!(verb(&Method::POST, &eviction, false).unwrap(), "evict");
        let scale = target("/apis/apps/v1/namespaces/default/deployments/web/scale");
        assert_eq!(verb(&Method::PATCH, &scale, false).unwrap(), "patch");
        assert_eq!(verb(&Method::POST, &pod, false).unwrap_err().code, 405);
        assert_eq!(verb(&Method::DELETE, &pods, false).unwrap_err().code, 405);
        let exec = target("/api/v1/namespaces/default/pods/web/exec");
        assert_eq!(verb(&Method::GET, &exec, false).unwrap_err().code, 404);
    }

    #[test]
    fn discovery_paths() {
        assert!(discovery_doc("/api").unwrap().is_some());
        assert!(discovery_doc("/apis/policy/v1").unwrap().is_some());
        assert!(discovery_doc("/apis/policy/v9").unwrap().is_none());
        assert!(discovery_doc("/openapi/v3/apis/karpenter.sh/v1")
            .unwrap()
            .is_some());
        assert!(discovery_doc("/api/v1/pods").is_none());
    }
}
