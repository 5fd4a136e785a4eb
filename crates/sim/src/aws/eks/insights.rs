//! ListInsights (filters, pagination), DescribeInsight, StartInsightsRefresh and
//! DescribeInsightsRefresh. A refresh completes `timings.insights_refresh_s` after it started; the
//! handlers settle that lazily, stamping every insight's lastRefreshTime with the completion time.

use serde_json::{json, Value};

use super::wire::{normalized, pick, ts};
use super::{body, find, find_mut, invalid_parameter, json_max, listing, page};
use crate::aws::errors::ApiError;
use crate::aws::request::AwsRequest;
use crate::world::{InsightsRefresh, World};

/// The members of `InsightSummary` (ListInsights) taken from a full `Insight`.
const SUMMARY: &[&str] = &[
    "id",
    "name",
    "category",
    "kubernetesVersion",
    "lastRefreshTime",
    "lastTransitionTime",
    "description",
    "insightStatus",
];

const CATEGORIES: &[&str] = &["UPGRADE_READINESS", "MISCONFIGURATION"];
const STATUSES: &[&str] = &["PASSING", "WARNING", "ERROR", "UNKNOWN"];

/// Completes a running refresh whose time has come.
fn settle(world: &mut World, name: &str) -> Result<(), ApiError> {
    let now = world.now;
    let took = jiff::SignedDuration::from_secs(world.timings.insights_refresh_s as i64);
    let cluster = find_mut(world, name)?;
    if let Some(r) = cluster.insights_refresh.as_mut() {
        if r.status == "IN_PROGRESS" {
            let end = r.started_at.checked_add(took).unwrap_or(r.started_at);
            if now >= end {
                r.status = "COMPLETED".into();
                r.ended_at = Some(end);
                for insight in cluster.insights.iter_mut() {
                    if let Some(obj) = insight.as_object_mut() {
                        obj.insert("lastRefreshTime".into(), ts(end));
                    }
                }
            }
        }
    }
    Ok(())
}

/// The string members of `filter.<key>`, checked against `allowed` when given.
fn filter_list(
    filter: &Value,
    key: &str,
    allowed: Option<&[&str]>,
) -> Result<Vec<String>, ApiError> {
    let Some(v) = filter.get(key) else {
        return Ok(vec![]);
    };
    let items = v
        .as_array()
        .ok_or_else(|| invalid_parameter(format!("filter.{key} must be a list.")))?;
    let mut out = Vec::new();
    for item in items {
        let s = item
            .as_str()
            .ok_or_else(|| invalid_parameter(format!("filter.{key} must be a list of strings.")))?;
        if let Some(allowed) = allowed {
            if !allowed.contains(&s) {
                return Err(invalid_parameter(format!(
                    "Invalid value {s} for filter.{key}; valid values: {}.",
                    allowed.join(", ")
                )));
            }
        }
        out.push(s.to_string());
    }
    Ok(out)
}

pub fn list(world: &mut World, name: &str, req: &AwsRequest) -> Result<Value, ApiError> {
    let input = body(req)?;
    settle(world, name)?;
    let cluster = find(world, name)?;
    let filter = input.get("filter").cloned().unwrap_or(Value::Null);
    let categories = filter_list(&filter, "categories", Some(CATEGORIES))?;
    let versions = filter_list(&filter, "kubernetesVersions", None)?;
    let statuses = filter_list(&filter, "statuses", Some(STATUSES))?;
    let keep = |wanted: &[String], v: Option<&str>| {
        wanted.is_empty() || v.is_some_and(|v| wanted.iter().any(|w| w == v))
    };
    let matching: Vec<Value> = cluster
        .insights
        .iter()
        .filter(|i| keep(&categories, i.get("category").and_then(Value::as_str)))
        .filter(|i| {
            keep(
                &versions,
                i.get("kubernetesVersion").and_then(Value::as_str),
            )
        })
        .filter(|i| {
            keep(
                &statuses,
                i.pointer("/insightStatus/status").and_then(Value::as_str),
            )
        })
        .map(|i| normalized(&pick(i, SUMMARY)))
        .collect();
    let (items, next) = page(
        &matching,
        json_max(&input).as_deref(),
        input.get("nextToken").and_then(Value::as_str),
        100,
    )?;
    Ok(listing("insights", items, next))
}

pub fn describe(world: &mut World, name: &str, id: &str) -> Result<Value, ApiError> {
    settle(world, name)?;
    let cluster = find(world, name)?;
    let insight = cluster
        .insights
        .iter()
        .find(|i| i.get("id").and_then(Value::as_str) == Some(id))
        .ok_or_else(|| {
            ApiError::new(
                404,
                "ResourceNotFoundException",
                format!("No insight found for id: {id}."),
            )
            .with("clusterName", name)
        })?;
    Ok(json!({ "insight": normalized(insight) }))
}

pub fn start_refresh(world: &mut World, name: &str) -> Result<Value, ApiError> {
    settle(world, name)?;
    let now = world.now;
    let cluster = find_mut(world, name)?;
    let running = cluster
        .insights_refresh
        .as_ref()
        .is_some_and(|r| r.status == "IN_PROGRESS");
    if !running {
        cluster.insights_refresh = Some(InsightsRefresh {
            status: "IN_PROGRESS".into(),
            started_at: now,
            ended_at: None,
        });
    }
    Ok(json!({
        "message": "Insights refresh is in progress.",
        "status": "IN_PROGRESS",
    }))
}

pub fn describe_refresh(world: &mut World, name: &str) -> Result<Value, ApiError> {
    settle(world, name)?;
    let cluster = find(world, name)?;
    let r = cluster.insights_refresh.as_ref().ok_or_else(|| {
        ApiError::new(
            404,
            "ResourceNotFoundException",
            format!("No insights refresh found for cluster: {name}."),
        )
        .with("clusterName", name)
    })?;
    let message = match r.status.as_str() {
        "IN_PROGRESS" => "Insights refresh is in progress.",
        "COMPLETED" => "Insights refresh completed.",
        _ => "Insights refresh failed.",
    };
    let mut out = json!({
        "message": message,
        "status": r.status,
        "startedAt": ts(r.started_at),
    });
    if let Some(end) = r.ended_at {
        out["endedAt"] = ts(end);
    }
    Ok(out)
}
