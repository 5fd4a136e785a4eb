//! Kubernetes `Status` answers: the error bodies (NotFound, AlreadyExists, Conflict, Invalid,
//! BadRequest, MethodNotAllowed, Expired, TooManyRequests, ...) with the API server's messages, and
//! the `Success` status some writes return. Nothing here decides *when* an error happens.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use crate::store::{Res, StoreError};

/// An error answer: HTTP code, Status reason, message and optional details.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub code: u16,
    pub reason: String,
    pub message: String,
    pub details: Option<Box<Value>>,
}

impl ApiError {
    pub fn new(code: u16, reason: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError {
            code,
            reason: reason.into(),
            message: message.into(),
            details: None,
        }
    }

    pub fn with_details(mut self, details: Value) -> Self {
        self.details = Some(Box::new(details));
        self
    }

    /// The `kind: Status` object.
    pub fn to_status(&self) -> Value {
        let mut v = json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        });
        if let Some(d) = &self.details {
            v["details"] = (**d).clone();
        }
        v
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let code = StatusCode::from_u16(self.code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut resp = (
            code,
            [(header::CONTENT_TYPE, "application/json")],
            self.to_status().to_string(),
        )
            .into_response();
        // the API server turns details.retryAfterSeconds into the Retry-After header
        let retry = self
            .details
            .as_ref()
            .and_then(|d| d["retryAfterSeconds"].as_u64())
            .filter(|&s| s > 0);
        if let Some(secs) = retry {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from(secs));
        }
        resp
    }
}

/// `pods` or `deployments.apps`: how the API server names a resource in messages.
pub fn qualified(res: Res) -> String {
    let i = res.info();
    if i.group.is_empty() {
        i.plural.to_string()
    } else {
        format!("{}.{}", i.plural, i.group)
    }
}

fn details(res: Res, name: &str) -> Value {
    let i = res.info();
    let mut d = json!({"name": name, "kind": i.plural});
    if !i.group.is_empty() {
        d["group"] = json!(i.group);
    }
    d
}

pub fn not_found(res: Res, name: &str) -> ApiError {
    ApiError::new(
        404,
        "NotFound",
        format!("{} \"{name}\" not found", qualified(res)),
    )
    .with_details(details(res, name))
}

pub fn already_exists(res: Res, name: &str) -> ApiError {
    ApiError::new(
        409,
        "AlreadyExists",
        format!("{} \"{name}\" already exists", qualified(res)),
    )
    .with_details(details(res, name))
}

pub fn conflict(res: Res, name: &str) -> ApiError {
    ApiError::new(
        409,
        "Conflict",
        format!(
            "Operation cannot be fulfilled on {} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
            qualified(res)
        ),
    )
    .with_details(details(res, name))
}

pub fn invalid(res: Res, name: &str, message: &str) -> ApiError {
    ApiError::new(
        422,
        "Invalid",
        format!("{} \"{name}\" is invalid: {message}", res.info().kind),
    )
    .with_details(details(res, name))
}

pub fn bad_request(message: impl Into<String>) -> ApiError {
    ApiError::new(400, "BadRequest", message)
}

pub fn method_not_allowed() -> ApiError {
    ApiError::new(
        405,
        "MethodNotAllowed",
        "the server does not allow this method on the requested resource",
    )
}

/// The answer for a path the server does not serve.
pub fn path_not_found() -> ApiError {
    ApiError::new(
        404,
        "NotFound",
        "the server could not find the requested resource",
    )
    .with_details(json!({}))
}

pub fn unsupported_media_type(content_type: &str) -> ApiError {
    ApiError::new(
        415,
        "UnsupportedMediaType",
        format!(
            "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (got {content_type}; server-side apply is not supported by this server, use client-side apply)"
        ),
    )
}

/// `410 Expired` as a watch stream carries it.
pub fn expired(requested: u64, current: u64) -> ApiError {
    ApiError::new(
        410,
        "Expired",
        format!("too old resource version: {requested} ({current})"),
    )
}

/// `422 Invalid` for list or watch options the API server refuses (`ListOptions.meta.k8s.io ""
/// is invalid: ...`), one cause per violated rule.
pub fn invalid_list_options(errs: &[super::query::OptionError]) -> ApiError {
    let texts: Vec<String> = errs
        .iter()
        .map(|e| format!("{}: {}", e.field, e.detail))
        .collect();
    let joined = match texts.as_slice() {
        [one] => one.clone(),
        many => format!("[{}]", many.join(", ")),
    };
    let causes: Vec<Value> = errs
        .iter()
        .map(|e| json!({"reason": e.cause, "message": e.detail, "field": e.field}))
        .collect();
    ApiError::new(
        422,
        "Invalid",
        format!("ListOptions.meta.k8s.io \"\" is invalid: {joined}"),
    )
    .with_details(json!({"group": "meta.k8s.io", "kind": "ListOptions", "causes": causes}))
}

/// `410 Expired` for a list at a resourceVersion that was compacted away.
pub fn list_expired() -> ApiError {
    ApiError::new(
        410,
        "Expired",
        "The resourceVersion for the provided list is too old.",
    )
}

/// `504 Timeout` for a read at a resourceVersion newer than the server has.
pub fn too_large_resource_version(requested: u64, current: u64) -> ApiError {
    ApiError::new(
        504,
        "Timeout",
        format!("Too large resource version: {requested}, current: {current}"),
    )
    .with_details(json!({
        "causes": [{"reason": "ResourceVersionTooLarge", "message": "Too large resource version"}],
        "retryAfterSeconds": 1,
    }))
}

/// Maps a store refusal to the API server's answer.
pub fn from_store(res: Res, name: &str, e: StoreError) -> ApiError {
    match e {
        StoreError::AlreadyExists { name, .. } => already_exists(res, &name),
        StoreError::NotFound { name, .. } => not_found(res, &name),
        StoreError::Invalid(m) => invalid(res, name, &m),
    }
}

/// `{"kind":"Status","status":"Success",...}` as answered by deletes of most kinds.
pub fn success(res: Res, name: &str, uid: &Value) -> Value {
    let mut d = details(res, name);
    d["uid"] = uid.clone();
    json!({
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Success",
        "details": d,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_match_the_api_server() {
        assert_eq!(not_found(Res::Pods, "x").message, "pods \"x\" not found");
        assert_eq!(
            not_found(Res::Deployments, "web").message,
            "deployments.apps \"web\" not found"
        );
        let s = expired(5, 10).to_status();
        assert_eq!(s["code"], 410);
        assert_eq!(s["reason"], "Expired");
        assert_eq!(s["message"], "too old resource version: 5 (10)");
    }
}
