//! Pods decoded lean. A pod object is several kilobytes of JSON (containers, volumes, managed
//! fields); preflight and the live views read a dozen fields of it. [`SlimPod`] is a
//! `kube::Resource` for `/api/v1/pods` that keeps only those, so `Api::<SlimPod>` lists and
//! watches with kube's own machinery while 100,000 pods decode fast and stay small in memory.
//! The serde derive skips every other field without building it.

use std::borrow::Cow;
use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference, Time};
use k8s_openapi::NamespaceResourceScope;
use serde::Deserialize;

use crate::k8s::{parse_cpu_millis, parse_memory_bytes};

/// The one annotation the checks and views read.
pub const DO_NOT_DISRUPT: &str = "karpenter.sh/do-not-disrupt";

/// A pod with only what preflight and the live views need.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(from = "wire::Pod")]
pub struct SlimPod {
    /// Name, namespace, uid, resourceVersion, creation and deletion timestamps, labels, owner
    /// references, and of the annotations only `karpenter.sh/do-not-disrupt`.
    pub metadata: ObjectMeta,
    /// `spec.nodeName`.
    pub node_name: Option<String>,
    /// `status.phase`.
    pub phase: Option<String>,
    /// Condition `Ready` is `True`.
    pub ready: bool,
    /// Sum of `status.containerStatuses[].restartCount`.
    pub restarts: i32,
    /// Sum of `spec.containers[].resources.requests.cpu`, in millicores.
    pub cpu_request_millis: u64,
    /// Sum of `spec.containers[].resources.requests.memory`, in bytes.
    pub memory_request_bytes: u64,
}

impl kube::Resource for SlimPod {
    type DynamicType = ();
    type Scope = NamespaceResourceScope;

    fn kind(_: &()) -> Cow<'_, str> {
        "Pod".into()
    }
    fn group(_: &()) -> Cow<'_, str> {
        "".into()
    }
    fn version(_: &()) -> Cow<'_, str> {
        "v1".into()
    }
    fn plural(_: &()) -> Cow<'_, str> {
        "pods".into()
    }
    fn meta(&self) -> &ObjectMeta {
        &self.metadata
    }
    fn meta_mut(&mut self) -> &mut ObjectMeta {
        &mut self.metadata
    }
}

/// The wire shapes, each with only the fields kept.
mod wire {
    use super::*;

    #[derive(Deserialize, Default)]
    #[serde(default)]
    pub struct Pod {
        pub metadata: Meta,
        pub spec: Spec,
        pub status: Status,
    }

    #[derive(Deserialize, Default)]
    #[serde(default, rename_all = "camelCase")]
    pub struct Meta {
        pub name: Option<String>,
        pub namespace: Option<String>,
        pub uid: Option<String>,
        pub resource_version: Option<String>,
        pub creation_timestamp: Option<Time>,
        pub deletion_timestamp: Option<Time>,
        pub labels: Option<BTreeMap<String, String>>,
        pub annotations: Option<Annotations>,
        pub owner_references: Option<Vec<OwnerReference>>,
    }

    #[derive(Deserialize, Default)]
    pub struct Annotations {
        #[serde(rename = "karpenter.sh/do-not-disrupt")]
        pub do_not_disrupt: Option<String>,
    }

    #[derive(Deserialize, Default)]
    #[serde(default, rename_all = "camelCase")]
    pub struct Spec {
        pub node_name: Option<String>,
        pub containers: Option<Vec<Container>>,
    }

    #[derive(Deserialize, Default)]
    #[serde(default)]
    pub struct Container {
        pub resources: Resources,
    }

    #[derive(Deserialize, Default)]
    #[serde(default)]
    pub struct Resources {
        pub requests: Requests,
    }

    #[derive(Deserialize, Default)]
    #[serde(default)]
    pub struct Requests {
        pub cpu: Option<Quantity>,
        pub memory: Option<Quantity>,
    }

    #[derive(Deserialize, Default)]
    #[serde(default, rename_all = "camelCase")]
    pub struct Status {
        pub phase: Option<String>,
        pub conditions: Option<Vec<Condition>>,
        pub container_statuses: Option<Vec<ContainerStatus>>,
    }

    #[derive(Deserialize, Default)]
    #[serde(default)]
    pub struct Condition {
        #[serde(rename = "type")]
        pub type_: String,
        pub status: String,
    }

    #[derive(Deserialize, Default)]
    #[serde(default, rename_all = "camelCase")]
    pub struct ContainerStatus {
        pub restart_count: i32,
    }
}

impl From<wire::Pod> for SlimPod {
    fn from(p: wire::Pod) -> Self {
        let m = p.metadata;
        let containers = p.spec.containers.unwrap_or_default();
        let sum = |pick: fn(&wire::Requests) -> Option<&Quantity>,
                   parse: fn(&str) -> Option<u64>| {
            containers
                .iter()
                .filter_map(|c| pick(&c.resources.requests).and_then(|q| parse(&q.0)))
                .sum()
        };
        let cpu_request_millis = sum(|r| r.cpu.as_ref(), parse_cpu_millis);
        let memory_request_bytes = sum(|r| r.memory.as_ref(), parse_memory_bytes);
        let annotations = m
            .annotations
            .and_then(|a| a.do_not_disrupt)
            .map(|v| BTreeMap::from([(DO_NOT_DISRUPT.to_string(), v)]));
        SlimPod {
            metadata: ObjectMeta {
                name: m.name,
                namespace: m.namespace,
                uid: m.uid,
                resource_version: m.resource_version,
                creation_timestamp: m.creation_timestamp,
                deletion_timestamp: m.deletion_timestamp,
                labels: m.labels,
                annotations,
                owner_references: m.owner_references,
                ..Default::default()
            },
            node_name: p.spec.node_name,
            phase: p.status.phase,
            ready: p
                .status
                .conditions
                .unwrap_or_default()
                .iter()
                .any(|c| c.type_ == "Ready" && c.status == "True"),
            restarts: p
                .status
                .container_statuses
                .unwrap_or_default()
                .iter()
                .map(|c| c.restart_count)
                .sum(),
            cpu_request_millis,
            memory_request_bytes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_what_is_read_and_drops_the_rest() {
        let p: SlimPod = serde_json::from_value(serde_json::json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {
                "name": "myapp-1", "namespace": "default", "uid": "u1", "resourceVersion": "42",
                "labels": {"app": "myapp"},
                "annotations": {"karpenter.sh/do-not-disrupt": "true",
                                "kubectl.kubernetes.io/last-applied-configuration": "{...}"},
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "rs",
                                     "uid": "u0", "controller": true}],
                "managedFields": [{"manager": "kubectl", "operation": "Apply"}],
                "deletionTimestamp": "2024-12-12T08:27:34Z"
            },
            "spec": {"nodeName": "i-1", "containers": [
                {"name": "c", "image": "pause", "resources": {"requests": {"cpu": "250m", "memory": "1Gi"}}},
                {"name": "d", "image": "pause", "resources": {"requests": {"cpu": "1"}}}]},
            "status": {"phase": "Running",
                       "conditions": [{"type": "Ready", "status": "True"}],
                       "containerStatuses": [{"name": "c", "restartCount": 2, "ready": true},
                                             {"name": "d", "restartCount": 1, "ready": true}]}
        }))
        .unwrap();
        assert_eq!(p.metadata.name.as_deref(), Some("myapp-1"));
        assert_eq!(p.metadata.resource_version.as_deref(), Some("42"));
        assert_eq!(p.metadata.annotations.as_ref().unwrap().len(), 1);
        assert!(p.metadata.managed_fields.is_none());
        assert!(p.metadata.deletion_timestamp.is_some());
        assert_eq!(p.node_name.as_deref(), Some("i-1"));
        assert_eq!((p.ready, p.restarts), (true, 3));
        assert_eq!(
            (p.cpu_request_millis, p.memory_request_bytes),
            (1250, 1 << 30)
        );
        assert_eq!(
            <SlimPod as kube::Resource>::url_path(&(), None),
            "/api/v1/pods"
        );
        let bare: SlimPod = serde_json::from_str(r#"{"metadata":{"name":"x"}}"#).unwrap();
        assert!(!bare.ready && bare.phase.is_none());
    }
}
