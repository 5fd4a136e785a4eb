//! Subresources with their own shapes: `pods/eviction` (policy/v1 Eviction, answered through the
//! engine's PDB logic with the API server's 201/429/500 statuses) and `deployments/scale`,
//! `replicasets/scale` (autoscaling/v1 Scale), and `pods/log` (the emulated containers print
//! nothing).

use serde_json::{json, Value};

use super::list::value_response;
use super::paths::Target;
use super::query::{self, Query};
use super::status::{self, ApiError};
use super::write::{parse_body, patched, store_update};
use crate::engine::{self, evict::DeleteOptions};
use crate::store::Res;
use crate::world::{lock, Shared};
use axum::response::Response;

/// POST pods/{name}/eviction. The Eviction's `deleteOptions` (grace period, dry run) apply, as do
/// the request's `gracePeriodSeconds` and `dryRun` parameters.
pub fn evict(shared: &Shared, t: &Target, q: &Query, body: &[u8]) -> Result<Response, ApiError> {
    let name = t.name.as_deref().unwrap_or("");
    let ns = t.namespace.as_deref().unwrap_or("default");
    let mut opts = DeleteOptions {
        grace_seconds: q.grace_period_seconds,
        dry_run: q.dry_run,
    };
    if !body.is_empty() {
        let ev = parse_body(body)?;
        if let Some(kind) = ev["kind"].as_str() {
            if kind != "Eviction" {
                return Err(status::bad_request(format!(
                    "the kind in the data ({kind}) does not match Eviction"
                )));
            }
        }
        if let Some(n) = ev["metadata"]["name"].as_str() {
            if n != name {
                return Err(status::bad_request(
                    "name in URL does not match name in Eviction object",
                ));
            }
        }
        let del = &ev["deleteOptions"];
        opts.grace_seconds = opts.grace_seconds.or(del["gracePeriodSeconds"].as_i64());
        opts.dry_run |= query::dry_run_values(&del["dryRun"]).map_err(status::bad_request)?;
    }
    let mut w = lock(shared);
    match engine::evict(&mut w, ns, name, opts) {
        Ok(_) => Ok(value_response(
            201,
            &json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}),
        )),
        Err(r) if r.code == 429 => {
            let causes: Vec<Value> = r
                .cause
                .iter()
                .map(|m| json!({"reason": "DisruptionBudget", "message": m}))
                .collect();
            let mut details = json!({"causes": causes});
            if let Some(s) = r.retry_after {
                details["retryAfterSeconds"] = json!(s);
            }
            Err(ApiError::new(429, r.reason, r.message).with_details(details))
        }
        Err(r) if r.code == 500 => Err(ApiError::new(
            500,
            r.reason,
            format!("Internal error occurred: {}", r.message),
        )
        .with_details(json!({"causes": [{"message": r.message}]}))),
        Err(r) if r.code == 404 => Err(status::not_found(Res::Pods, name)),
        Err(r) => Err(ApiError::new(r.code, r.reason, r.message)),
    }
}

/// GET pods/{name}/log: empty for a started container, the kubelet's refusal otherwise.
pub fn log(shared: &Shared, t: &Target) -> Result<Response, ApiError> {
    let name = t.name.as_deref().unwrap_or("");
    let w = lock(shared);
    let pod = w
        .kube
        .get(Res::Pods, t.namespace.as_deref().unwrap_or("default"), name)
        .ok_or_else(|| status::not_found(Res::Pods, name))?;
    let container = pod["spec"]["containers"][0]["name"].as_str().unwrap_or("");
    let started = pod["status"]["containerStatuses"]
        .as_array()
        .is_some_and(|cs| {
            cs.iter()
                .any(|c| c["state"]["running"].is_object() || c["state"]["terminated"].is_object())
        });
    if !started {
        let reason = pod["status"]["containerStatuses"][0]["state"]["waiting"]["reason"]
            .as_str()
            .unwrap_or("ContainerCreating");
        return Err(status::bad_request(format!(
            "container \"{container}\" in pod \"{name}\" is waiting to start: {reason}"
        )));
    }
    Ok(axum::response::IntoResponse::into_response((
        [(axum::http::header::CONTENT_TYPE, "text/plain")],
        "",
    )))
}

/// The autoscaling/v1 Scale of a Deployment or ReplicaSet.
fn scale_of(obj: &Value) -> Value {
    let sel = &obj["spec"]["selector"];
    let mut parts: Vec<String> = sel["matchLabels"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                .collect()
        })
        .unwrap_or_default();
    if let Some(exprs) = sel["matchExpressions"].as_array() {
        for e in exprs {
            let key = e["key"].as_str().unwrap_or("");
            let values: Vec<&str> = e["values"]
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            match e["operator"].as_str().unwrap_or("") {
                "In" => parts.push(format!("{key} in ({})", values.join(","))),
                "NotIn" => parts.push(format!("{key} notin ({})", values.join(","))),
                "Exists" => parts.push(key.to_string()),
                "DoesNotExist" => parts.push(format!("!{key}")),
                _ => {}
            }
        }
    }
    let m = &obj["metadata"];
    json!({
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            "name": m["name"], "namespace": m["namespace"], "uid": m["uid"],
            "resourceVersion": m["resourceVersion"], "creationTimestamp": m["creationTimestamp"],
        },
        "spec": {"replicas": obj["spec"]["replicas"].as_i64().unwrap_or(1)},
        "status": {"replicas": obj["status"]["replicas"].as_i64().unwrap_or(0), "selector": parts.join(",")},
    })
}

fn scalable(t: &Target) -> Result<(), ApiError> {
    if matches!(t.res, Res::Deployments | Res::ReplicaSets) {
        Ok(())
    } else {
        Err(status::path_not_found())
    }
}

/// GET .../scale.
pub fn get_scale(shared: &Shared, t: &Target) -> Result<Response, ApiError> {
    scalable(t)?;
    let name = t.name.as_deref().unwrap_or("");
    let w = lock(shared);
    let obj = w
        .kube
        .get(t.res, t.namespace.as_deref().unwrap_or(""), name)
        .ok_or_else(|| status::not_found(t.res, name))?;
    Ok(value_response(200, &scale_of(&obj)))
}

/// PUT or PATCH .../scale (`content_type` is `None` for PUT).
pub fn update_scale(
    shared: &Shared,
    t: &Target,
    q: &Query,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<Response, ApiError> {
    scalable(t)?;
    let res = t.res;
    let name = t.name.as_deref().unwrap_or("").to_string();
    let stored = store_update(shared, t, q.dry_run, |cur| {
        let scale = scale_of(cur);
        let next = match content_type {
            Some(ct) => patched(ct, &scale, body)?,
            None => parse_body(body)?,
        };
        if let Some(rv) = next["metadata"]["resourceVersion"].as_str() {
            if !rv.is_empty() && cur["metadata"]["resourceVersion"].as_str() != Some(rv) {
                return Err(status::conflict(res, &name));
            }
        }
        let replicas = next["spec"]["replicas"]
            .as_i64()
            .ok_or_else(|| status::invalid(res, &name, "spec.replicas: Required value"))?;
        if replicas < 0 {
            return Err(ApiError::new(
                422,
                "Invalid",
                format!("Scale.autoscaling \"{name}\" is invalid: spec.replicas: Invalid value: {replicas}: must be greater than or equal to 0"),
            ));
        }
        let mut out = cur.clone();
        out["spec"]["replicas"] = json!(replicas);
        Ok(out)
    })?;
    Ok(value_response(200, &scale_of(&stored)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_shape() {
        let d = json!({"metadata": {"name": "myapp", "namespace": "default", "resourceVersion": "9"},
            "spec": {"replicas": 10, "selector": {"matchLabels": {"app": "myapp"}}}, "status": {"replicas": 10}});
        let s = scale_of(&d);
        assert_eq!(s["spec"]["replicas"], 10);
        assert_eq!(s["status"]["selector"], "app=myapp");
        assert_eq!(s["apiVersion"], "autoscaling/v1");
    }
}
