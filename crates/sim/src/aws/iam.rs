//! IAM (the query protocol, XML answers): GetRole (its AssumeRolePolicyDocument URL-encoded, as
//! AWS sends it), ListAttachedRolePolicies (AWS managed policies, Marker/MaxItems paging) and
//! ListRolePolicies (no inline policies).

use axum::response::Response;
use http::StatusCode;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::Value;

use super::errors::{iam_xmlns, unknown_operation, xml_response, ApiError};
use super::paging::{self, PageError};
use super::request::{param, Service};
use super::xml::Xml;
use crate::world::{rfc3339, Role, World};

/// The actions served; every other one gets `InvalidAction`.
pub const ACTIONS: &[&str] = &["GetRole", "ListAttachedRolePolicies", "ListRolePolicies"];

/// Whether `action` is an IAM action (for requests that carry no credential scope).
pub fn is_iam_action(action: &str) -> bool {
    ACTIONS.contains(&action)
        || action.ends_with("Role")
        || action.ends_with("RolePolicies")
        || action.contains("Policy")
        || action.contains("User")
}

/// Whether an IAM action changes anything (by AWS's naming convention).
pub fn mutating(action: &str) -> bool {
    !["Get", "List"].iter().any(|p| action.starts_with(p))
}

/// RFC 3986 unreserved characters stay; everything else is percent-encoded.
const POLICY_ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Answers `action` (one of `ACTIONS`, or `InvalidAction`).
pub fn respond(
    world: &mut World,
    action: &str,
    form: &[(String, String)],
    request_id: &str,
) -> Response {
    let result = match action {
        "GetRole" => role(world, form).map(|r| get_role(r, request_id)),
        "ListAttachedRolePolicies" => {
            role(world, form).and_then(|r| list_attached(r, form, request_id))
        }
        "ListRolePolicies" => role(world, form).and_then(|_| list_inline(form, request_id)),
        other => Err(unknown_operation(Service::Iam, Some(other))),
    };
    match result {
        Ok(xml) => xml_response(StatusCode::OK, xml, request_id),
        Err(e) => e.render(Service::Iam, request_id),
    }
}

fn role<'a>(world: &'a World, form: &[(String, String)]) -> Result<&'a Role, ApiError> {
    let name = param(form, "RoleName").unwrap_or_default();
    if name.is_empty() {
        return Err(ApiError::new(
            400,
            "ValidationError",
            "1 validation error detected: Value null at 'roleName' failed to satisfy constraint: Member must not be null",
        ));
    }
    world.aws.roles.get(name).ok_or_else(|| {
        ApiError::new(
            404,
            "NoSuchEntity",
            format!("The role with name {name} cannot be found."),
        )
    })
}

/// `<Action>Response><Action>Result>` ... `<ResponseMetadata>`.
fn envelope(action: &str, request_id: &str, body: impl FnOnce(&mut Xml)) -> String {
    let mut x = Xml::document(&format!("{action}Response"), &iam_xmlns());
    x.open(&format!("{action}Result"));
    body(&mut x);
    x.close()
        .open("ResponseMetadata")
        .leaf("RequestId", request_id)
        .close();
    x.finish()
}

fn get_role(r: &Role, request_id: &str) -> String {
    let policy = utf8_percent_encode(&policy_text(&r.trust_policy), POLICY_ENCODE).to_string();
    envelope("GetRole", request_id, |x| {
        x.open("Role")
            .leaf("Path", &r.path)
            .leaf("AssumeRolePolicyDocument", policy)
            .leaf("MaxSessionDuration", 3600)
            .leaf("RoleId", &r.role_id)
            .empty("RoleLastUsed")
            .leaf("RoleName", &r.name)
            .leaf("Arn", &r.arn)
            .leaf("CreateDate", rfc3339(r.created_at))
            .opt_leaf("Description", r.description.as_deref())
            .close();
    })
}

/// Policy elements in the order IAM's grammar (and every policy author) writes them.
const POLICY_ORDER: &[&str] = &[
    "Version",
    "Id",
    "Statement",
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

/// A policy document as compact JSON, its elements in `POLICY_ORDER` (others after, by name).
fn policy_text(v: &Value) -> String {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            let rank = |k: &str| {
                POLICY_ORDER
                    .iter()
                    .position(|o| *o == k)
                    .unwrap_or(usize::MAX)
            };
            keys.sort_by(|a, b| rank(a).cmp(&rank(b)).then(a.cmp(b)));
            let members: Vec<String> = keys
                .into_iter()
                .map(|k| format!("{}:{}", Value::String(k.clone()), policy_text(&m[k])))
                .collect();
            format!("{{{}}}", members.join(","))
        }
        Value::Array(a) => {
            let items: Vec<String> = a.iter().map(policy_text).collect();
            format!("[{}]", items.join(","))
        }
        other => other.to_string(),
    }
}

/// Marker / MaxItems paging as IAM does it (`IsTruncated`, `Marker`).
fn iam_page<T: Clone>(
    items: &[T],
    form: &[(String, String)],
) -> Result<(Vec<T>, Option<String>), ApiError> {
    let max = match param(form, "MaxItems") {
        None => None,
        Some(m) => Some(m.parse::<i64>().map_err(|_| invalid_max(m))?),
    };
    paging::page(items, max, param(form, "Marker"), 100, 1000).map_err(|e| match e {
        PageError::BadToken => ApiError::new(400, "InvalidInput", "Invalid Marker."),
        PageError::BadMax { .. } => invalid_max(param(form, "MaxItems").unwrap_or_default()),
    })
}

fn invalid_max(m: &str) -> ApiError {
    ApiError::new(
        400,
        "ValidationError",
        format!("1 validation error detected: Value '{m}' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000"),
    )
}

fn truncation(x: &mut Xml, next: Option<String>) {
    match next {
        Some(m) => {
            x.leaf("IsTruncated", true).leaf("Marker", m);
        }
        None => {
            x.leaf("IsTruncated", false);
        }
    }
}

fn list_attached(
    r: &Role,
    form: &[(String, String)],
    request_id: &str,
) -> Result<String, ApiError> {
    let prefix = param(form, "PathPrefix").unwrap_or("/");
    // AWS managed policies live at path "/".
    let names: Vec<String> = if "/".starts_with(prefix) {
        r.attached_policies.clone()
    } else {
        vec![]
    };
    let (page, next) = iam_page(&names, form)?;
    Ok(envelope("ListAttachedRolePolicies", request_id, |x| {
        x.open("AttachedPolicies");
        for name in &page {
            x.open("member")
                .leaf("PolicyArn", format!("arn:aws:iam::aws:policy/{name}"))
                .leaf("PolicyName", name)
                .close();
        }
        x.close();
        truncation(x, next);
    }))
}

fn list_inline(form: &[(String, String)], request_id: &str) -> Result<String, ApiError> {
    let (_, next) = iam_page::<String>(&[], form)?;
    Ok(envelope("ListRolePolicies", request_id, |x| {
        x.empty("PolicyNames");
        truncation(x, next);
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_documents_are_url_encoded_like_aws() {
        let doc = r#"{"Action":["sts:AssumeRole"]}"#;
        let enc = utf8_percent_encode(doc, POLICY_ENCODE).to_string();
        assert_eq!(enc, "%7B%22Action%22%3A%5B%22sts%3AAssumeRole%22%5D%7D");
        let trust = serde_json::json!({"Statement": [{"Action": ["sts:AssumeRole"],
            "Principal": {"Service": "eks.amazonaws.com"}, "Effect": "Allow"}],
            "Version": "2012-10-17"});
        assert_eq!(
            policy_text(&trust),
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"eks.amazonaws.com"},"Action":["sts:AssumeRole"]}]}"#
        );
        assert!(is_iam_action("GetRole"));
        assert!(!is_iam_action("DescribeSubnets"));
        assert!(!mutating("ListAttachedRolePolicies"));
        assert!(mutating("AttachRolePolicy"));
    }
}
