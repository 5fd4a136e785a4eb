//! ListAddons, DescribeAddon and DescribeAddonVersions (filters kubernetesVersion, addonName,
//! types, publishers, owners; pagination). An Auto Mode cluster often has no addons at all.

use serde_json::{json, Value};

use super::wire::normalized;
use super::{find, query_listing};
use crate::aws::errors::ApiError;
use crate::aws::request::AwsRequest;
use crate::world::World;

fn addon_name(v: &Value) -> Option<&str> {
    v.get("addonName").and_then(Value::as_str)
}

pub fn list(world: &mut World, name: &str, req: &AwsRequest) -> Result<Value, ApiError> {
    let cluster = find(world, name)?;
    let names: Vec<Value> = cluster
        .addons
        .iter()
        .filter_map(addon_name)
        .map(|n| json!(n))
        .collect();
    query_listing(req, "addons", &names, 100)
}

pub fn describe(world: &mut World, name: &str, addon: &str) -> Result<Value, ApiError> {
    let cluster = find(world, name)?;
    let found = cluster
        .addons
        .iter()
        .find(|a| addon_name(a) == Some(addon))
        .ok_or_else(|| {
            ApiError::new(
                404,
                "ResourceNotFoundException",
                format!("No addon: {addon} found in cluster: {name}"),
            )
            .with("clusterName", name)
            .with("addonName", addon)
        })?;
    let mut out = normalized(found);
    if let Some(obj) = out.as_object_mut() {
        obj.entry("clusterName").or_insert_with(|| json!(name));
    }
    Ok(json!({ "addon": out }))
}

/// Whether `v.<key>` is one of `wanted` (no filter when `wanted` is empty).
fn one_of(v: &Value, key: &str, wanted: &[String]) -> bool {
    wanted.is_empty()
        || v.get(key)
            .and_then(Value::as_str)
            .is_some_and(|s| wanted.iter().any(|w| w == s))
}

/// Only the addon versions compatible with Kubernetes `kv`; `None` when none is.
fn for_version(addon: &Value, kv: &str) -> Option<Value> {
    let versions: Vec<Value> = addon
        .get("addonVersions")
        .and_then(Value::as_array)
        .map(|vs| {
            vs.iter()
                .filter(|v| {
                    v.get("compatibilities")
                        .and_then(Value::as_array)
                        .is_some_and(|cs| {
                            cs.iter().any(|c| {
                                c.get("clusterVersion").and_then(Value::as_str) == Some(kv)
                            })
                        })
                })
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    if versions.is_empty() {
        return None;
    }
    let mut out = addon.clone();
    out["addonVersions"] = Value::Array(versions);
    Some(out)
}

pub fn versions(world: &mut World, req: &AwsRequest) -> Result<Value, ApiError> {
    let kv = req.query_param("kubernetesVersion");
    let name = req.query_param("addonName");
    let types = req.query_all("types");
    let publishers = req.query_all("publishers");
    let owners = req.query_all("owners");
    let matching: Vec<Value> = world
        .aws
        .addon_catalog
        .iter()
        .filter(|a| name.is_none() || addon_name(a) == name)
        .filter(|a| one_of(a, "type", &types))
        .filter(|a| one_of(a, "publisher", &publishers))
        .filter(|a| one_of(a, "owner", &owners))
        .filter_map(|a| match kv {
            Some(kv) => for_version(a, kv),
            None => Some(a.clone()),
        })
        .map(|a| normalized(&a))
        .collect();
    query_listing(req, "addons", &matching, 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_only_compatible_versions() {
        let a = json!({"addonName": "vpc-cni", "addonVersions": [
            {"addonVersion": "v1", "compatibilities": [{"clusterVersion": "1.30"}]},
            {"addonVersion": "v2", "compatibilities": [{"clusterVersion": "1.31"}]}]});
        let f = for_version(&a, "1.31").unwrap();
        assert_eq!(f["addonVersions"].as_array().unwrap().len(), 1);
        assert_eq!(f["addonVersions"][0]["addonVersion"], "v2");
        assert!(for_version(&a, "1.29").is_none());
    }
}
