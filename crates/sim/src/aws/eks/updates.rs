//! UpdateClusterVersion, DescribeUpdate and ListUpdates. UpdateClusterVersion validates as EKS
//! does (one minor at a time, one update at a time, upgrade-blocking insights unless `force`,
//! idempotent per clientRequestToken) and starts the update; the engine completes it on the clock.

use serde_json::{json, Value};

use super::wire::ts;
use super::{body, find, find_mut, invalid_parameter, query_listing};
use crate::aws::errors::ApiError;
use crate::aws::request::AwsRequest;
use crate::world::{Update, World};

/// The `Update` wire shape.
pub fn update_json(u: &Update) -> Value {
    json!({
        "id": u.id,
        "status": u.status,
        "type": u.kind,
        "params": u.params.iter().map(|(t, v)| json!({"type": t, "value": v})).collect::<Vec<_>>(),
        "createdAt": ts(u.created_at),
        "errors": u.errors,
    })
}

/// "1.30" → (1, 30).
fn minor(v: &str) -> Option<(u32, u32)> {
    let mut it = v.trim().split('.');
    let major = it.next()?.parse().ok()?;
    let minor = it.next()?.parse().ok()?;
    Some((major, minor))
}

pub fn update_version(world: &mut World, name: &str, req: &AwsRequest) -> Result<Value, ApiError> {
    let input = body(req)?;
    let cluster = find(world, name)?;
    let target = match input.get("version").and_then(Value::as_str) {
        Some(v) if !v.is_empty() => v.to_string(),
        _ => return Err(invalid_parameter("version must be specified.")),
    };
    let token = input
        .get("clientRequestToken")
        .and_then(Value::as_str)
        .map(str::to_string);
    let force = input.get("force").and_then(Value::as_bool).unwrap_or(false);

    // The same request again: the same update back.
    if let Some(t) = &token {
        if let Some(u) = cluster
            .updates
            .iter()
            .find(|u| u.client_request_token.as_deref() == Some(t))
        {
            return Ok(json!({ "update": update_json(u) }));
        }
    }
    if let Some(u) = cluster.updates.iter().find(|u| u.status == "InProgress") {
        return Err(ApiError::new(
            409,
            "ResourceInUseException",
            format!("Cluster {name} has an update in progress: {}.", u.id),
        )
        .with("clusterName", name));
    }
    if cluster.status != "ACTIVE" {
        return Err(ApiError::new(
            409,
            "ResourceInUseException",
            format!(
                "Cluster {name} is in status {}, not ACTIVE.",
                cluster.status
            ),
        )
        .with("clusterName", name));
    }
    let unsupported = || {
        invalid_parameter(format!(
            "Unsupported Kubernetes minor version update from {} to {target}",
            cluster.version
        ))
        .with("clusterName", name)
    };
    let (cur, tgt) = match (minor(&cluster.version), minor(&target)) {
        (Some(c), Some(t)) => (c, t),
        _ => return Err(unsupported()),
    };
    if tgt.0 != cur.0 || tgt.1 != cur.1 + 1 {
        return Err(unsupported());
    }
    let catalog = &world.aws.cluster_versions;
    let offered = catalog
        .iter()
        .find(|v| v.get("clusterVersion").and_then(Value::as_str) == Some(target.as_str()));
    if !catalog.is_empty() && offered.is_none() {
        return Err(unsupported());
    }
    if !force && cluster.update_behaviour.enforce_insights {
        let blocking: Vec<String> = cluster
            .insights
            .iter()
            .filter(|i| blocks(i, tgt))
            .map(|i| {
                format!(
                    "{} ({})",
                    i.get("name").and_then(Value::as_str).unwrap_or("insight"),
                    i.get("id").and_then(Value::as_str).unwrap_or("")
                )
            })
            .collect();
        if !blocking.is_empty() {
            return Err(ApiError::new(
                400,
                "InvalidStateException",
                format!(
                    "Upgrade readiness issues detected for Kubernetes {target}: cluster insights in ERROR status: {}. \
                     Resolve them, or pass the force flag to upgrade anyway.",
                    blocking.join(", ")
                ),
            )
            .with("clusterName", name));
        }
    }
    let platform = offered
        .and_then(|v| v.get("defaultPlatformVersion"))
        .and_then(Value::as_str)
        .unwrap_or("eks.1")
        .to_string();
    let duration = cluster.update_behaviour.duration_s;

    let id = world.rng.uuid();
    let now = world.now;
    let update = Update {
        id,
        kind: "VersionUpdate".into(),
        status: "InProgress".into(),
        params: vec![
            ("Version".into(), target.clone()),
            ("PlatformVersion".into(), platform),
        ],
        created_at: now,
        finish_at: now
            .checked_add(jiff::SignedDuration::from_secs(duration as i64))
            .unwrap_or(now),
        errors: vec![],
        target_version: Some(target),
        client_request_token: token,
    };
    let answer = json!({ "update": update_json(&update) });
    let cluster = find_mut(world, name)?;
    cluster.status = "UPDATING".into();
    cluster.updates.push(update);
    Ok(answer)
}

/// An UPGRADE_READINESS insight in ERROR for a version at or below the target blocks the update.
fn blocks(insight: &Value, target: (u32, u32)) -> bool {
    let category = insight.get("category").and_then(Value::as_str);
    let status = insight
        .pointer("/insightStatus/status")
        .and_then(Value::as_str);
    let applies = match insight.get("kubernetesVersion").and_then(Value::as_str) {
        None => true,
        Some(v) => minor(v).is_none_or(|m| m <= target),
    };
    category == Some("UPGRADE_READINESS") && status == Some("ERROR") && applies
}

pub fn describe(world: &mut World, name: &str, id: &str) -> Result<Value, ApiError> {
    let cluster = find(world, name)?;
    let u = cluster.updates.iter().find(|u| u.id == id).ok_or_else(|| {
        ApiError::new(
            404,
            "ResourceNotFoundException",
            format!("No update found for ID: {id}."),
        )
        .with("clusterName", name)
    })?;
    Ok(json!({ "update": update_json(u) }))
}

pub fn list(world: &mut World, name: &str, req: &AwsRequest) -> Result<Value, ApiError> {
    let cluster = find(world, name)?;
    // Only cluster updates exist here: a nodegroup's or an addon's list is empty.
    let ids: Vec<Value> = if req.query_param("nodegroupName").is_some()
        || req.query_param("addonName").is_some()
        || req.query_param("capabilityName").is_some()
    {
        vec![]
    } else {
        cluster.updates.iter().map(|u| json!(u.id)).collect()
    };
    query_listing(req, "updateIds", &ids, 50)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_insights_for_the_target_block() {
        let i = json!({"category": "UPGRADE_READINESS", "kubernetesVersion": "1.31",
                       "insightStatus": {"status": "ERROR"}});
        assert!(blocks(&i, (1, 31)));
        assert!(!blocks(&i, (1, 30)));
        let later = json!({"category": "UPGRADE_READINESS", "kubernetesVersion": "1.32",
                           "insightStatus": {"status": "ERROR"}});
        assert!(!blocks(&later, (1, 31)));
        let passing = json!({"category": "UPGRADE_READINESS", "kubernetesVersion": "1.31",
                             "insightStatus": {"status": "PASSING"}});
        assert!(!blocks(&passing, (1, 31)));
        assert_eq!(minor("1.30"), Some((1, 30)));
        assert_eq!(minor("x"), None);
    }
}
