//! A hand-built world for the engine's unit tests: the article's cluster (1.30, ap-northeast-1, two
//! subnets), the two Auto Mode NodePools, and helpers to add workloads and run the clock.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{json, Value};

use crate::scenario::NodeSeed;
use crate::store::{Res, Store};
use crate::world::{
    AutoMode, AwsState, Cluster, RequestLog, Rng, Subnet, Timings, UpdateBehaviour, World,
};

pub fn world() -> World {
    let now: jiff::Timestamp = "2024-12-12T06:50:00Z".parse().unwrap();
    let mut subnets = BTreeMap::new();
    for (id, az, az_id, cidr) in [
        ("subnet-0a", "ap-northeast-1a", "apne1-az4", "10.0.128.0/20"),
        ("subnet-0c", "ap-northeast-1c", "apne1-az1", "10.0.144.0/20"),
    ] {
        subnets.insert(
            id.to_string(),
            Subnet {
                id: id.into(),
                vpc_id: "vpc-1".into(),
                cidr: cidr.into(),
                az: az.into(),
                az_id: az_id.into(),
                available_ips: 4090,
            },
        );
    }
    let cluster = Cluster {
        name: "interesting-funk-otter".into(),
        arn: "arn:aws:eks:ap-northeast-1:123456789012:cluster/interesting-funk-otter".into(),
        version: "1.30".into(),
        platform_version: "eks.20".into(),
        status: "ACTIVE".into(),
        created_at: now,
        role_arn: String::new(),
        vpc_id: "vpc-1".into(),
        subnet_ids: vec!["subnet-0a".into(), "subnet-0c".into()],
        security_group_ids: vec![],
        endpoint: String::new(),
        endpoint_access: Default::default(),
        auto_mode: AutoMode::default(),
        insights: vec![],
        addons: vec![],
        updates: vec![],
        update_behaviour: UpdateBehaviour {
            duration_s: 600,
            fail_with: None,
            enforce_insights: true,
        },
        insights_refresh: None,
        tags: BTreeMap::new(),
    };
    let mut clusters = BTreeMap::new();
    clusters.insert(cluster.name.clone(), cluster);
    let mut w = World {
        now,
        started: now,
        aws: AwsState {
            account: "123456789012".into(),
            region: "ap-northeast-1".into(),
            kube_cluster: "interesting-funk-otter".into(),
            clusters,
            subnets,
            ..Default::default()
        },
        kube: Store::new(200_000, 7),
        requests: RequestLog::default(),
        faults: Default::default(),
        timings: Timings::default(),
        api: Default::default(),
        rng: Rng::new(42),
        engine: Default::default(),
        pace: Default::default(),
    };
    w.kube
        .create(
            Res::NodeClasses,
            json!({
                "metadata": {"name": "default"},
                "spec": {
                    "role": "AmazonEKSAutoNodeRole",
                    "subnetSelectorTerms": [{"id": "subnet-0a"}, {"id": "subnet-0c"}],
                    "securityGroupSelectorTerms": [{"id": "sg-0123456789abcdef0"}],
                },
            }),
            now,
        )
        .unwrap();
    let reqs = json!([
        {"key": "karpenter.sh/capacity-type", "operator": "In", "values": ["on-demand"]},
        {"key": "eks.amazonaws.com/instance-category", "operator": "In", "values": ["c", "m", "r"]},
        {"key": "eks.amazonaws.com/instance-generation", "operator": "Gt", "values": ["4"]},
        {"key": "kubernetes.io/arch", "operator": "In", "values": ["amd64"]},
        {"key": "kubernetes.io/os", "operator": "In", "values": ["linux"]},
    ]);
    for (name, taints) in [
        ("general-purpose", json!([])),
        (
            "system",
            json!([{"key": "CriticalAddonsOnly", "effect": "NoSchedule"}]),
        ),
    ] {
        w.kube
            .create(
                Res::NodePools,
                json!({
                    "metadata": {"name": name},
                    "spec": {
                        "disruption": {"budgets": [{"nodes": "10%"}], "consolidateAfter": "30s",
                                       "consolidationPolicy": "WhenEmptyOrUnderutilized"},
                        "template": {"spec": {
                            "expireAfter": "336h",
                            "nodeClassRef": {"group": "eks.amazonaws.com", "kind": "NodeClass", "name": "default"},
                            "requirements": reqs,
                            "taints": taints,
                            "terminationGracePeriod": "24h0m0s",
                        }},
                    },
                }),
                now,
            )
            .unwrap();
    }
    w
}

pub fn seed(w: &mut World, instance_type: &str, count: u32, age_seconds: u64) {
    let s: NodeSeed = serde_json::from_value(json!({
        "count": count, "instanceType": instance_type, "ageSeconds": age_seconds
    }))
    .unwrap();
    super::seed_nodes(w, &[s]).unwrap();
}

/// The article's myapp Deployment (cpu 1, 256M, pause) and its PDB.
pub fn myapp(w: &mut World, replicas: i64, pdb: Option<Value>) {
    let now = w.now;
    w.kube
        .create(
            Res::Deployments,
            json!({
                "metadata": {"name": "myapp", "namespace": "default"},
                "spec": {
                    "replicas": replicas,
                    "selector": {"matchLabels": {"app": "myapp"}},
                    "template": {
                        "metadata": {"labels": {"app": "myapp"}},
                        "spec": {"containers": [{
                            "name": "myapp",
                            "image": "public.ecr.aws/eks-distro/kubernetes/pause:3.2",
                            "resources": {"requests": {"cpu": "1", "memory": "256M"}},
                        }]},
                    },
                },
            }),
            now,
        )
        .unwrap();
    if let Some(spec) = pdb {
        let mut spec = spec;
        spec["selector"] = json!({"matchLabels": {"app": "myapp"}});
        w.kube
            .create(
                Res::PodDisruptionBudgets,
                json!({"metadata": {"name": "myapp", "namespace": "default"}, "spec": spec}),
                now,
            )
            .unwrap();
    }
}

pub fn advance(w: &mut World, secs: u64) {
    crate::clock::advance(w, Duration::from_secs(secs));
}

pub fn pods(w: &World) -> Vec<std::sync::Arc<Value>> {
    w.kube.list(Res::Pods, None)
}

pub fn ready_pods(w: &World) -> usize {
    pods(w)
        .iter()
        .filter(|p| super::pods::is_healthy(p))
        .count()
}
