//! Writes on whole objects: create (POST), replace (PUT), patch (PATCH) and delete (DELETE), with
//! the API server's preconditions (namespace exists, names agree, resourceVersion conflicts) and
//! status-subresource rules. Pods are deleted through the engine (graceful termination). With
//! `dryRun=All` every write answers what it would have stored and stores nothing.

use serde_json::{json, Value};

use super::defaults::{has_status_subresource, prepare_create};
use super::list::value_response;
use super::patch::{self, PatchKind};
use super::paths::Target;
use super::query::{self, Query};
use super::status::{self, ApiError};
use crate::engine;
use crate::store::Res;
use crate::world::{lock, Shared, World};
use axum::response::Response;

/// Parses a JSON request body.
pub fn parse_body(body: &[u8]) -> Result<Value, ApiError> {
    serde_json::from_slice(body).map_err(|e| {
        status::bad_request(format!("the body of the request could not be decoded: {e}"))
    })
}

/// Rejects an object whose apiVersion/kind do not belong at this URL.
fn check_type(res: Res, obj: &Value) -> Result<(), ApiError> {
    let info = res.info();
    if let Some(av) = obj["apiVersion"].as_str() {
        if av != info.api_version() {
            return Err(status::bad_request(format!(
                "the API version in the data ({av}) does not match the expected API version ({})",
                info.api_version()
            )));
        }
    }
    if let Some(kind) = obj["kind"].as_str() {
        if kind != info.kind {
            return Err(status::bad_request(format!(
                "the kind in the data ({kind}) does not match the expected kind ({})",
                info.kind
            )));
        }
    }
    Ok(())
}

fn check_namespace(t: &Target, obj: &mut Value) -> Result<String, ApiError> {
    if !t.res.info().namespaced {
        return Ok(String::new());
    }
    let ns = t.namespace.clone().unwrap_or_else(|| "default".into());
    if let Some(body_ns) = obj["metadata"]["namespace"].as_str() {
        if !body_ns.is_empty() && body_ns != ns {
            return Err(status::bad_request(
                "the namespace of the provided object does not match the namespace sent on the request",
            ));
        }
    }
    if !obj["metadata"].is_object() {
        obj["metadata"] = json!({});
    }
    obj["metadata"]["namespace"] = json!(ns);
    Ok(ns)
}

fn namespace_exists(w: &World, ns: &str) -> Result<(), ApiError> {
    if ns.is_empty() || w.kube.get(Res::Namespaces, "", ns).is_some() {
        Ok(())
    } else {
        Err(status::not_found(Res::Namespaces, ns))
    }
}

/// POST on a collection.
pub fn create(shared: &Shared, t: &Target, q: &Query, body: &[u8]) -> Result<Response, ApiError> {
    if t.res.info().namespaced && t.namespace.is_none() {
        return Err(status::method_not_allowed());
    }
    let mut obj = parse_body(body)?;
    if !obj.is_object() {
        return Err(status::bad_request(
            "the body of the request must be a JSON object",
        ));
    }
    check_type(t.res, &obj)?;
    let ns = check_namespace(t, &mut obj)?;
    let name = obj["metadata"]["name"].as_str().unwrap_or("").to_string();
    prepare_create(t.res, &mut obj).map_err(|m| status::invalid(t.res, &name, &m))?;
    let mut w = lock(shared);
    namespace_exists(&w, &ns)?;
    if q.dry_run {
        let preview = preview_create(&w, t.res, obj)?;
        return Ok(value_response(201, &preview));
    }
    let now = w.now;
    let created = w
        .kube
        .create(t.res, obj, now)
        .map_err(|e| status::from_store(t.res, &name, e))?;
    Ok(value_response(201, &created))
}

/// What a create would store, without storing it (nor drawing on the store's deterministic
/// names and uids): kind and apiVersion, the name from `generateName`, a uid, the creation time,
/// generation 1 and no resourceVersion, as the API server answers a dry-run create.
fn preview_create(w: &World, res: Res, mut obj: Value) -> Result<Value, ApiError> {
    let info = res.info();
    let ns = obj["metadata"]["namespace"]
        .as_str()
        .unwrap_or("")
        .to_string();
    let mut name = obj["metadata"]["name"].as_str().unwrap_or("").to_string();
    if name.is_empty() {
        let prefix = obj["metadata"]["generateName"].as_str().unwrap_or("");
        if prefix.is_empty() {
            return Err(status::invalid(
                res,
                "",
                "metadata.name: Required value: name or generateName is required",
            ));
        }
        name = format!("{prefix}{}", &scratch_hex(10)[..5]);
    }
    if w.kube.get(res, &ns, &name).is_some() {
        return Err(status::already_exists(res, &name));
    }
    if !crate::store::is_dns_name(&name) {
        return Err(status::invalid(
            res,
            &name,
            &format!("metadata.name: Invalid value: \"{name}\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"),
        ));
    }
    let h = scratch_hex(32);
    obj["apiVersion"] = json!(info.api_version());
    obj["kind"] = json!(info.kind);
    let meta = &mut obj["metadata"];
    meta["name"] = json!(name);
    meta["uid"] = json!(format!(
        "{}-{}-4{}-a{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    ));
    meta["generation"] = json!(1);
    meta["creationTimestamp"] = json!(w.now_rfc3339());
    if let Some(m) = meta.as_object_mut() {
        m.remove("resourceVersion");
    }
    Ok(obj)
}

/// `n` hex digits from the process's hash randomness (not the world's seeded generator).
fn scratch_hex(n: usize) -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut out = String::new();
    while out.len() < n {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_usize(out.len());
        out.push_str(&format!("{:016x}", h.finish()));
    }
    out.truncate(n);
    out
}

/// Builds the stored form of an update: identity and server-owned fields kept from `current`,
/// status kept (main resource) or alone taken (status subresource).
fn merge_update(
    res: Res,
    current: &Value,
    mut new: Value,
    status_only: bool,
) -> Result<Value, ApiError> {
    let name = current["metadata"]["name"].as_str().unwrap_or("");
    if !new.is_object() {
        return Err(status::bad_request(
            "the body of the request must be a JSON object",
        ));
    }
    if let Some(n) = new["metadata"]["name"].as_str() {
        if n != name {
            return Err(status::bad_request(format!(
                "the name of the object ({n}) does not match the name on the URL ({name})"
            )));
        }
    }
    match new["metadata"]["resourceVersion"].as_str() {
        Some(rv)
            if !rv.is_empty() && current["metadata"]["resourceVersion"].as_str() != Some(rv) =>
        {
            return Err(status::conflict(res, name));
        }
        _ => {}
    }
    if status_only {
        let mut out = current.clone();
        out["status"] = new["status"].take();
        return Ok(out);
    }
    if !new["metadata"].is_object() {
        new["metadata"] = json!({});
    }
    for k in [
        "resourceVersion",
        "generation",
        "uid",
        "creationTimestamp",
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
    ] {
        match current["metadata"].get(k) {
            Some(v) => new["metadata"][k] = v.clone(),
            None => {
                if let Some(m) = new["metadata"].as_object_mut() {
                    m.remove(k);
                }
            }
        }
    }
    let info = res.info();
    new["apiVersion"] = json!(info.api_version());
    new["kind"] = json!(info.kind);
    if has_status_subresource(res) {
        match current.get("status") {
            Some(s) => new["status"] = s.clone(),
            None => {
                if let Some(m) = new.as_object_mut() {
                    m.remove("status");
                }
            }
        }
    }
    Ok(new)
}

/// Stores an update computed from the current object; answers with the stored object.
pub fn store_update(
    shared: &Shared,
    t: &Target,
    dry_run: bool,
    compute: impl FnOnce(&Value) -> Result<Value, ApiError>,
) -> Result<Value, ApiError> {
    let name = t.name.as_deref().unwrap_or("");
    let ns = t.namespace.as_deref().unwrap_or("");
    let mut w = lock(shared);
    let current = w
        .kube
        .get(t.res, ns, name)
        .ok_or_else(|| status::not_found(t.res, name))?;
    let mut next = compute(&current)?;
    if dry_run {
        // what the store would make of it, minus the new resourceVersion
        if next == *current {
            return Ok(next);
        }
        if next["spec"] != current["spec"] {
            let generation = current["metadata"]["generation"].as_i64().unwrap_or(1);
            next["metadata"]["generation"] = json!(generation + 1);
        }
        for k in [
            "name",
            "uid",
            "creationTimestamp",
            "namespace",
            "resourceVersion",
        ] {
            match current["metadata"].get(k) {
                Some(v) => next["metadata"][k] = v.clone(),
                None => {
                    if let Some(m) = next["metadata"].as_object_mut() {
                        m.remove(k);
                    }
                }
            }
        }
        return Ok(next);
    }
    let stored = w
        .kube
        .update(t.res, ns, name, move |v| *v = next)
        .ok_or_else(|| status::not_found(t.res, name))?;
    Ok((*stored).clone())
}

/// PUT on an object (or its `status`).
pub fn replace(shared: &Shared, t: &Target, q: &Query, body: &[u8]) -> Result<Response, ApiError> {
    let obj = parse_body(body)?;
    check_type(t.res, &obj)?;
    let status_only = t.sub.as_deref() == Some("status");
    let stored = store_update(shared, t, q.dry_run, |cur| {
        merge_update(t.res, cur, obj, status_only)
    })?;
    Ok(value_response(200, &stored))
}

/// Applies a patch document of the request's Content-Type to `current`.
pub fn patched(content_type: &str, current: &Value, body: &[u8]) -> Result<Value, ApiError> {
    let kind = PatchKind::from_content_type(content_type)
        .ok_or_else(|| status::unsupported_media_type(content_type))?;
    if kind == PatchKind::Apply {
        return Err(status::unsupported_media_type(content_type));
    }
    let doc = parse_body(body)?;
    patch::apply(kind, current, &doc).map_err(|m| ApiError::new(422, "Invalid", m))
}

/// PATCH on an object (or its `status`).
pub fn patch(
    shared: &Shared,
    t: &Target,
    q: &Query,
    content_type: &str,
    body: &[u8],
) -> Result<Response, ApiError> {
    let status_only = t.sub.as_deref() == Some("status");
    let stored = store_update(shared, t, q.dry_run, |cur| {
        let next = patched(content_type, cur, body)?;
        merge_update(t.res, cur, next, status_only)
    })?;
    Ok(value_response(200, &stored))
}

/// DELETE of one object. Pods terminate gracefully (the answer is the pod, Terminating); other
/// kinds go at once (the answer is a Success status). A namespace takes its objects with it.
pub fn delete(shared: &Shared, t: &Target, q: &Query, body: &[u8]) -> Result<Response, ApiError> {
    let name = t.name.as_deref().unwrap_or("");
    let ns = t.namespace.clone().unwrap_or_default();
    let opts: Value = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(body).unwrap_or(Value::Null)
    };
    let grace = q
        .grace_period_seconds
        .or(opts["gracePeriodSeconds"].as_i64());
    let dry_run =
        q.dry_run || query::dry_run_values(&opts["dryRun"]).map_err(status::bad_request)?;
    let mut w = lock(shared);
    let current = w
        .kube
        .get(t.res, &ns, name)
        .ok_or_else(|| status::not_found(t.res, name))?;
    if let Some(uid) = opts["preconditions"]["uid"].as_str() {
        if current["metadata"]["uid"].as_str() != Some(uid) {
            return Err(ApiError::new(
                409,
                "Conflict",
                format!(
                    "Operation cannot be fulfilled on {} \"{name}\": Precondition failed: UID in precondition: {uid}, UID in object meta: {}",
                    status::qualified(t.res),
                    current["metadata"]["uid"].as_str().unwrap_or("")
                ),
            ));
        }
    }
    let success = || {
        Ok(value_response(
            200,
            &status::success(t.res, name, &current["metadata"]["uid"]),
        ))
    };
    match t.res {
        Res::Pods => {
            let opts = engine::DeleteOptions {
                grace_seconds: grace,
                dry_run,
            };
            let pod = engine::delete(&mut w, &ns, name, opts)
                .ok_or_else(|| status::not_found(t.res, name))?;
            Ok(value_response(200, &pod))
        }
        _ if dry_run => success(),
        Res::Namespaces => {
            for &res in Res::all() {
                if !res.info().namespaced {
                    continue;
                }
                for obj in w.kube.list(res, Some(name)) {
                    let n = obj["metadata"]["name"].as_str().unwrap_or("").to_string();
                    if res == Res::Pods {
                        engine::delete_pod(&mut w, name, &n, Some(0));
                    } else {
                        w.kube.delete(res, name, &n);
                    }
                }
            }
            w.kube.delete(t.res, "", name);
            Ok(value_response(
                200,
                &status::success(t.res, name, &current["metadata"]["uid"]),
            ))
        }
        _ => {
            w.kube.delete(t.res, &ns, name);
            Ok(value_response(
                200,
                &status::success(t.res, name, &current["metadata"]["uid"]),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn updates_keep_identity_and_status() {
        let cur = json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "d", "uid": "u", "resourceVersion": "5", "generation": 2, "creationTimestamp": "t"},
            "spec": {"replicas": 1}, "status": {"replicas": 1}});
        let new =
            json!({"metadata": {"name": "d"}, "spec": {"replicas": 3}, "status": {"replicas": 9}});
        let out = merge_update(Res::Deployments, &cur, new, false).unwrap();
        assert_eq!(out["spec"]["replicas"], 3);
        assert_eq!(out["status"]["replicas"], 1);
        assert_eq!(out["metadata"]["uid"], "u");
        let stale = json!({"metadata": {"name": "d", "resourceVersion": "4"}, "spec": {}});
        assert_eq!(
            merge_update(Res::Deployments, &cur, stale, false)
                .unwrap_err()
                .code,
            409
        );
        let renamed = json!({"metadata": {"name": "e"}});
        assert_eq!(
            merge_update(Res::Deployments, &cur, renamed, false)
                .unwrap_err()
                .code,
            400
        );
        let st = json!({"status": {"replicas": 2}, "spec": {"replicas": 7}});
        let out = merge_update(Res::Deployments, &cur, st, true).unwrap();
        assert_eq!(
            (
                out["spec"]["replicas"].as_i64(),
                out["status"]["replicas"].as_i64()
            ),
            (Some(1), Some(2))
        );
    }
}
