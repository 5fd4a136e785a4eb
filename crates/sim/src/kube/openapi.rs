//! A minimal OpenAPI v3 publication: the `/openapi/v3` index and, per group version, a document
//! with the PATCH operations of each served kind and their `fieldValidation` parameter. That is
//! what kubectl consults to hand validation to the server (`--validate`, on by default); schemas
//! are not published.

use serde_json::{json, Value};

use crate::store::Res;

/// `api/v1`, `apis/apps/v1`, ...: the group versions served.
fn group_versions() -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in Res::all() {
        let i = r.info();
        let gv = if i.group.is_empty() {
            format!("api/{}", i.version)
        } else {
            format!("apis/{}/{}", i.group, i.version)
        };
        if !out.contains(&gv) {
            out.push(gv);
        }
    }
    out
}

/// `GET /openapi/v3`.
pub fn index() -> Value {
    let paths: serde_json::Map<String, Value> = group_versions()
        .into_iter()
        .map(|gv| {
            let url = format!("/openapi/v3/{gv}?hash=0000000000000000");
            (gv, json!({"serverRelativeURL": url}))
        })
        .collect();
    json!({"paths": paths})
}

/// `GET /openapi/v3/{api/v1 | apis/g/v}`, or `None` for a group version not served.
pub fn document(gv: &str) -> Option<Value> {
    if !group_versions().iter().any(|g| g == gv) {
        return None;
    }
    let params = json!([
        {"name": "dryRun", "in": "query", "schema": {"type": "string", "uniqueItems": true}},
        {"name": "fieldManager", "in": "query", "schema": {"type": "string", "uniqueItems": true}},
        {"name": "fieldValidation", "in": "query", "schema": {"type": "string", "uniqueItems": true}},
    ]);
    let mut paths = serde_json::Map::new();
    for r in Res::all() {
        let i = r.info();
        let this = if i.group.is_empty() {
            format!("api/{}", i.version)
        } else {
            format!("apis/{}/{}", i.group, i.version)
        };
        if this != gv {
            continue;
        }
        let path = if i.namespaced {
            format!("/{gv}/namespaces/{{namespace}}/{}/{{name}}", i.plural)
        } else {
            format!("/{gv}/{}/{{name}}", i.plural)
        };
        let gvk = json!({"group": i.group, "version": i.version, "kind": i.kind});
        paths.insert(
            path,
            json!({
                "patch": {
                    "operationId": format!("patch{}", i.kind),
                    "parameters": params,
                    "responses": {"200": {"description": "OK"}},
                    "x-kubernetes-action": "patch",
                    "x-kubernetes-group-version-kind": gvk,
                }
            }),
        );
    }
    Some(json!({
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": "unversioned"},
        "paths": paths,
        "components": {"schemas": {}},
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_group_version_has_patch_operations_with_field_validation() {
        let idx = index();
        assert!(idx["paths"]["apis/apps/v1"]["serverRelativeURL"].is_string());
        let doc = document("apis/apps/v1").unwrap();
        let op = &doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"];
        assert_eq!(op["x-kubernetes-group-version-kind"]["kind"], "Deployment");
        assert!(op["parameters"].to_string().contains("fieldValidation"));
        assert!(document("apis/nope/v1").is_none());
    }
}
