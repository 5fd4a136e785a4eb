//! DescribeClusterVersions with its filters: clusterType, clusterVersions, defaultOnly,
//! includeAll (unsupported versions are left out otherwise), status / versionStatus, pagination.

use serde_json::Value;

use super::wire::normalized;
use super::{invalid_parameter, query_listing};
use crate::aws::errors::ApiError;
use crate::aws::request::AwsRequest;
use crate::world::World;

fn flag(req: &AwsRequest, name: &str) -> Result<bool, ApiError> {
    match req.query_param(name) {
        None => Ok(false),
        Some(v) if v.eq_ignore_ascii_case("true") => Ok(true),
        Some(v) if v.eq_ignore_ascii_case("false") => Ok(false),
        Some(v) => Err(invalid_parameter(format!(
            "Invalid value {v} for {name}: expected true or false."
        ))),
    }
}

fn text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// A version is unsupported when either status member says so.
fn unsupported(v: &Value) -> bool {
    text(v, "versionStatus") == Some("UNSUPPORTED") || text(v, "status") == Some("unsupported")
}

/// The deprecated `status` member uses its own spelling (`standard-support`); a catalogue entry
/// written with `versionStatus`'s spelling (`STANDARD_SUPPORT`) is answered in the right one.
fn wire_status(mut v: Value) -> Value {
    if let Some(s) = text(&v, "status") {
        let fixed = s.to_ascii_lowercase().replace('_', "-");
        v["status"] = Value::String(fixed);
    }
    v
}

pub fn describe(world: &mut World, req: &AwsRequest) -> Result<Value, ApiError> {
    let cluster_type = req.query_param("clusterType").unwrap_or("eks");
    let default_only = flag(req, "defaultOnly")?;
    let include_all = flag(req, "includeAll")?;
    let wanted = req.query_all("clusterVersions");
    let status = req.query_param("status");
    let version_status = req.query_param("versionStatus");
    let matching: Vec<Value> = world
        .aws
        .cluster_versions
        .iter()
        .cloned()
        .map(wire_status)
        .filter(|v| text(v, "clusterType").is_none_or(|t| t == cluster_type))
        .filter(|v| !default_only || v.get("defaultVersion") == Some(&Value::Bool(true)))
        .filter(|v| include_all || !wanted.is_empty() || !unsupported(v))
        .filter(|v| {
            wanted.is_empty()
                || text(v, "clusterVersion").is_some_and(|c| wanted.iter().any(|w| w == c))
        })
        .filter(|v| status.is_none_or(|s| text(v, "status") == Some(s)))
        .filter(|v| version_status.is_none_or(|s| text(v, "versionStatus") == Some(s)))
        .map(|v| normalized(&v))
        .collect();
    query_listing(req, "clusterVersions", &matching, 100)
}
