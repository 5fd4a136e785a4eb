//! Discovery: `/version`, `/api`, `/api/v1`, `/apis`, `/apis/{group}`, `/apis/{group}/{version}`
//! (legacy JSON documents; clients asking for aggregated discovery fall back to them), and the
//! health endpoints. Built from `Res::info()`, so every served kind is advertised.

use serde_json::{json, Value};

use crate::kinds::GROUP_ORDER;
use crate::store::Res;
use crate::world::World;

/// `/version` for the cluster's Kubernetes minor version (as EKS reports it).
pub fn version(world: &World) -> Value {
    let minor_version = world
        .kube_cluster()
        .map(|c| c.version.clone())
        .unwrap_or_else(|| "1.30".into());
    let git_version = match minor_version.as_str() {
        "1.30" => "v1.30.5-eks-baa6d11".to_string(),
        "1.31" => "v1.31.1-eks-1b3e656".to_string(),
        v => format!("v{v}.0-eks-0000000"),
    };
    let (major, minor) = minor_version.split_once('.').unwrap_or(("1", "30"));
    json!({
        "major": major,
        "minor": format!("{minor}+"),
        "gitVersion": git_version,
        "gitCommit": "0000000000000000000000000000000000000000",
        "gitTreeState": "clean",
        "buildDate": "2024-10-01T00:00:00Z",
        "goVersion": "go1.22.6",
        "compiler": "gc",
        "platform": "linux/amd64",
    })
}

/// The groups served, in the order a real API server lists them, with their (single) version.
fn groups() -> Vec<(&'static str, &'static str)> {
    let mut out: Vec<(&str, &str)> = Vec::new();
    for r in Res::all() {
        let i = r.info();
        if !i.group.is_empty() && !out.iter().any(|(g, _)| *g == i.group) {
            out.push((i.group, i.version));
        }
    }
    let rank = |g: &str| {
        GROUP_ORDER
            .iter()
            .position(|o| *o == g)
            .unwrap_or(GROUP_ORDER.len())
    };
    out.sort_by_key(|(g, _)| rank(g));
    out
}

pub fn api_versions() -> Value {
    json!({
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1:443"}],
    })
}

fn group_doc(group: &str, version: &str) -> Value {
    let gv = json!({"groupVersion": format!("{group}/{version}"), "version": version});
    json!({"name": group, "versions": [gv], "preferredVersion": gv})
}

pub fn api_group_list() -> Value {
    json!({
        "kind": "APIGroupList",
        "apiVersion": "v1",
        "groups": groups().iter().map(|(g, v)| group_doc(g, v)).collect::<Vec<_>>(),
    })
}

pub fn api_group(group: &str) -> Option<Value> {
    let (g, v) = groups().into_iter().find(|(g, _)| *g == group)?;
    let mut doc = group_doc(g, v);
    doc["kind"] = json!("APIGroup");
    doc["apiVersion"] = json!("v1");
    Some(doc)
}

/// `APIResourceList` of one group version, or `None` when it is not served.
pub fn resource_list(group: &str, version: &str) -> Option<Value> {
    let mut resources = Vec::new();
    for r in Res::all() {
        let i = r.info();
        if i.group != group || i.version != version {
            continue;
        }
        let mut doc = json!({
            "name": i.plural,
            "singularName": i.singular,
            "namespaced": i.namespaced,
            "kind": i.kind,
            "verbs": i.verbs,
        });
        if !i.short_names.is_empty() {
            doc["shortNames"] = json!(i.short_names);
        }
        if !i.categories.is_empty() {
            doc["categories"] = json!(i.categories);
        }
        resources.push(doc);
        for sub in i.subresources {
            let mut doc = json!({
                "name": format!("{}/{}", i.plural, sub.name),
                "singularName": "",
                "namespaced": i.namespaced,
                "kind": i.kind,
                "verbs": sub.verbs,
            });
            if let Some((g, v, k)) = sub.gvk {
                doc["group"] = json!(g);
                doc["version"] = json!(v);
                doc["kind"] = json!(k);
            }
            resources.push(doc);
        }
    }
    if resources.is_empty() {
        return None;
    }
    let group_version = if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    };
    Some(json!({
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": group_version,
        "resources": resources,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advertises_every_kind_and_subresources() {
        let core = resource_list("", "v1").unwrap();
        let names: Vec<&str> = core["resources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["name"].as_str().unwrap())
            .collect();
        assert!(
            names.contains(&"pods")
                && names.contains(&"pods/eviction")
                && names.contains(&"nodes/status")
        );
        let apps = resource_list("apps", "v1").unwrap();
        assert!(apps.to_string().contains("deployments/scale"));
        assert!(resource_list("apps", "v2").is_none());
        let groups = api_group_list();
        for g in [
            "apps",
            "policy",
            "karpenter.sh",
            "eks.amazonaws.com",
            "coordination.k8s.io",
        ] {
            assert!(groups.to_string().contains(&format!("\"{g}\"")), "{g}");
        }
        assert!(api_group("karpenter.sh").is_some());
    }
}
