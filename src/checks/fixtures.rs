//! Literal facts for the check tests: the article's cluster (`article()`), a cluster with every
//! upgrade blocker (`blocked()`), and small constructors to tweak them. Test-only.

use std::collections::BTreeMap;

use jiff::Timestamp;

use crate::facts::model::*;
use crate::k8s::{IntOrPercent, LabelSelector};

pub fn ts(s: &str) -> Timestamp {
    s.parse().expect("fixture timestamp")
}

pub fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

pub fn node(name: &str, kubelet: &str, pool: Option<&str>) -> NodeFacts {
    NodeFacts {
        name: name.into(),
        kubelet_version: kubelet.into(),
        node_pool: pool.map(str::to_string),
        ready: true,
        deleting: false,
        do_not_disrupt: false,
        instance_type: Some("c5a.4xlarge".into()),
        zone: Some("ap-northeast-1a".into()),
        cpu_allocatable_millis: 15_890,
        memory_allocatable_bytes: 30_853_148 * 1024,
        cpu_capacity_millis: 16_000,
        memory_capacity_bytes: 32_455_708 * 1024,
        pods_allocatable: 110,
        capacity_type: Some("on-demand".into()),
        ..Default::default()
    }
}

/// A running, ready pod owned by ReplicaSet `owner` (None = bare pod).
pub fn pod(ns: &str, name: &str, l: &[(&str, &str)], owner: Option<&str>, node: &str) -> PodFacts {
    PodFacts {
        namespace: ns.into(),
        name: name.into(),
        labels: labels(l).into(),
        owner: owner.map(|o| OwnerRef {
            kind: "ReplicaSet".into(),
            name: o.into(),
        }),
        node: Some(node.into()),
        ready: true,
        terminating: false,
        do_not_disrupt: false,
        phase: "Running".into(),
        ..Default::default()
    }
}

pub fn pdb(
    ns: &str,
    name: &str,
    selector: LabelSelector,
    min: Option<&str>,
    max: Option<&str>,
) -> PdbFacts {
    PdbFacts {
        namespace: ns.into(),
        name: name.into(),
        selector: Some(selector),
        min_available: min.map(|s| IntOrPercent::parse(s).unwrap()),
        max_unavailable: max.map(|s| IntOrPercent::parse(s).unwrap()),
        unhealthy_pod_eviction_policy: None,
        status: None,
    }
}

/// A Deployment whose one container (named after it) has a readinessProbe, with no spread.
pub fn deployment(ns: &str, name: &str, replicas: i32, l: &[(&str, &str)]) -> WorkloadFacts {
    WorkloadFacts {
        kind: "Deployment".into(),
        namespace: ns.into(),
        name: name.into(),
        replicas: Some(replicas),
        selector: LabelSelector::labels(l.iter().copied()),
        pod_template_labels: labels(l),
        containers: vec![ContainerFacts {
            name: name.into(),
            readiness_probe: true,
        }],
        topology_spread: Vec::new(),
        pod_anti_affinity: Vec::new(),
    }
}

/// Like [`deployment`], a StatefulSet.
pub fn statefulset(ns: &str, name: &str, replicas: i32, l: &[(&str, &str)]) -> WorkloadFacts {
    WorkloadFacts {
        kind: "StatefulSet".into(),
        ..deployment(ns, name, replicas, l)
    }
}

/// A spread constraint or anti-affinity term on `key` selecting `l`.
pub fn term(key: &str, l: &[(&str, &str)]) -> TopologyTerm {
    TopologyTerm {
        topology_key: key.into(),
        selector: Some(LabelSelector::labels(l.iter().copied())),
    }
}

pub const HOSTNAME: &str = "kubernetes.io/hostname";
pub const ZONE: &str = "topology.kubernetes.io/zone";

/// An UPGRADE_READINESS insight as ListInsights summarises it (no recommendation, no details).
pub fn insight(name: &str, version: &str, status: &str, reason: &str) -> InsightFacts {
    InsightFacts {
        id: format!("insight-{}", name.to_lowercase().replace(' ', "-")),
        name: name.into(),
        category: "UPGRADE_READINESS".into(),
        kubernetes_version: version.into(),
        status: status.into(),
        reason: reason.into(),
        last_refresh: Some(ts("2024-12-11T07:54:58Z")),
        recommendation: String::new(),
        deprecations: Vec::new(),
    }
}

/// The four upgrade insights EKS generates for `version` besides the deprecated-API one, passing.
pub fn passing_insights(version: &str) -> Vec<InsightFacts> {
    vec![
        insight(
            "Kubelet version skew",
            version,
            "PASSING",
            "Node kubelet versions match the cluster control plane version.",
        ),
        insight(
            "kube-proxy version skew",
            version,
            "PASSING",
            "kube-proxy versions match the cluster control plane version.",
        ),
        insight(
            "Cluster health issues",
            version,
            "PASSING",
            "No cluster health issues detected.",
        ),
        insight(
            "EKS add-on version compatibility",
            version,
            "PASSING",
            "All installed EKS add-on versions are compatible with next Kubernetes version.",
        ),
    ]
}

pub fn pool(name: &str, budgets: &[&str]) -> NodePoolFacts {
    NodePoolFacts {
        name: name.into(),
        budgets: budgets
            .iter()
            .map(|n| Budget {
                nodes: n.to_string(),
                ..Default::default()
            })
            .collect(),
        limits: Resources::default(),
        usage: Resources::default(),
        expire_after: Some("336h".into()),
        termination_grace_period: Some("24h0m0s".into()),
    }
}

/// The NodeClaim behind Auto Mode node `node` of `pool`, as Auto Mode writes it.
pub fn claim(name: &str, node: &str, pool: &str) -> NodeClaimFacts {
    NodeClaimFacts {
        name: name.into(),
        node_name: Some(node.into()),
        node_pool: Some(pool.into()),
        termination_grace_period: Some("24h0m0s".into()),
        expire_after: Some("336h".into()),
        drifted: false,
        ..Default::default()
    }
}

/// The Kubernetes facts of `facts` (which must have been gathered).
pub fn kube(facts: &mut Facts) -> &mut KubeFacts {
    match &mut facts.kube {
        Gathered::Ok(k) => k,
        Gathered::Unavailable(_) => panic!("fixture without kube facts"),
    }
}

fn role(name: &str, service: &str, actions: &[&str], policies: &[&str]) -> RoleFacts {
    RoleFacts {
        name: name.into(),
        arn: format!("arn:aws:iam::123456789012:role/{name}"),
        trust: vec![TrustStatement {
            effect: "Allow".into(),
            services: vec![service.into()],
            actions: actions.iter().map(|a| a.to_string()).collect(),
        }],
        attached_policies: policies.iter().map(|p| p.to_string()).collect(),
    }
}

fn version(v: &str, status: &str, std_end: &str, ext_end: &str) -> ClusterVersionFacts {
    ClusterVersionFacts {
        version: v.into(),
        status: status.into(),
        default: v == "1.31",
        end_of_standard_support: Some(ts(std_end)),
        end_of_extended_support: Some(ts(ext_end)),
    }
}

/// The article's cluster just before the 1.30 → 1.31 upgrade: Auto Mode, one c5a.4xlarge node
/// running 10 myapp pods (no readinessProbe, a spread whose selector matches none of them), PDB
/// minAvailable 80 %, the default budget of 10 %, the deprecated-API insight for 1.32 and the
/// other upgrade insights for 1.31 passing, two subnets with 4090 free IPs each, no add-ons.
pub fn article() -> Facts {
    let now = ts("2024-12-12T07:30:00Z");
    let node_name = "i-44444444444444444";
    let pods = [
        "7rsqm", "9d6k6", "9g2js", "bdsvj", "h9rj9", "hp9g5", "r8dzc", "rp7kx", "sjwrm", "x2sdq",
    ]
    .iter()
    .map(|s| {
        pod(
            "default",
            &format!("myapp-5865fb57f-{s}"),
            &[("app", "myapp"), ("pod-template-hash", "5865fb57f")],
            Some("myapp-5865fb57f"),
            node_name,
        )
    })
    .collect();
    let mut myapp_pdb = pdb(
        "default",
        "myapp",
        LabelSelector::labels([("app", "myapp")]),
        Some("80%"),
        None,
    );
    myapp_pdb.status = Some(PdbStatus {
        expected_pods: 10,
        current_healthy: 10,
        desired_healthy: 8,
        disruptions_allowed: 2,
    });
    let mut myapp = deployment("default", "myapp", 10, &[("app", "myapp")]);
    myapp.containers[0].readiness_probe = false;
    myapp.topology_spread = vec![
        term(HOSTNAME, &[("app", "host-zone-spread")]),
        term(ZONE, &[("app", "host-zone-spread")]),
    ];
    Facts {
        now,
        target_version: crate::version::Minor::new(1, 31),
        cluster: ClusterFacts {
            name: "interesting-funk-otter".into(),
            arn: "arn:aws:eks:ap-northeast-1:123456789012:cluster/interesting-funk-otter".into(),
            region: "ap-northeast-1".into(),
            version: "1.30".into(),
            platform_version: "eks.23".into(),
            status: "ACTIVE".into(),
            role_arn: "arn:aws:iam::123456789012:role/AmazonEKSAutoClusterRole".into(),
            subnet_ids: vec!["subnet-xxxxxxxxxxxxxxxxx".into(), "subnet-yyyyyyyyyyyyyyyyy".into()],
            endpoint_access: Default::default(),
            auto_mode: AutoModeFacts {
                compute: true,
                storage: true,
                elb: true,
                node_pools: vec!["general-purpose".into(), "system".into()],
                node_role_arn: Some("arn:aws:iam::123456789012:role/AmazonEKSAutoNodeRole".into()),
            },
        },
        versions: Gathered::Ok(vec![
            version("1.29", "EXTENDED_SUPPORT", "2025-03-23T00:00:00Z", "2026-03-23T00:00:00Z"),
            version("1.30", "STANDARD_SUPPORT", "2025-07-23T00:00:00Z", "2026-07-23T00:00:00Z"),
            version("1.31", "STANDARD_SUPPORT", "2025-11-26T00:00:00Z", "2026-11-26T00:00:00Z"),
        ]),
        updates: Gathered::Ok(Vec::new()),
        insights: Gathered::Ok(
            [InsightFacts {
            id: "e93f18ce-bb38-43c5-8128-1fb4d9eff704".into(),
            name: "Deprecated APIs removed in Kubernetes v1.32".into(),
            category: "UPGRADE_READINESS".into(),
            kubernetes_version: "1.32".into(),
            status: "PASSING".into(),
            reason: "No deprecated API usage detected within the last 30 days.".into(),
            last_refresh: Some(ts("2024-12-11T07:54:58Z")),
            recommendation: "Update manifests and API clients to use newer Kubernetes APIs if applicable before upgrading to Kubernetes v1.32.".into(),
            deprecations: vec![Deprecation {
                usage: "/apis/flowcontrol.apiserver.k8s.io/v1beta3/flowschemas".into(),
                replaced_with: "/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas".into(),
                stop_serving_version: "1.32".into(),
                start_serving_replacement_version: "1.29".into(),
                clients: Vec::new(),
            }],
        }]
            .into_iter()
            .chain(passing_insights("1.31"))
            .collect(),
        ),
        subnets: Gathered::Ok(vec![
            SubnetFacts {
                id: "subnet-xxxxxxxxxxxxxxxxx".into(),
                az: "ap-northeast-1c".into(),
                az_id: "apne1-az1".into(),
                free_ips: 4090,
            },
            SubnetFacts {
                id: "subnet-yyyyyyyyyyyyyyyyy".into(),
                az: "ap-northeast-1a".into(),
                az_id: "apne1-az4".into(),
                free_ips: 4090,
            },
        ]),
        cluster_role: Gathered::Ok(role(
            "AmazonEKSAutoClusterRole",
            "eks.amazonaws.com",
            &["sts:AssumeRole", "sts:TagSession"],
            &[
                "AmazonEKSClusterPolicy",
                "AmazonEKSComputePolicy",
                "AmazonEKSBlockStoragePolicy",
                "AmazonEKSLoadBalancingPolicy",
                "AmazonEKSNetworkingPolicy",
            ],
        )),
        node_role: Some(Gathered::Ok(role(
            "AmazonEKSAutoNodeRole",
            "ec2.amazonaws.com",
            &["sts:AssumeRole"],
            &[
                "AmazonEKSWorkerNodeMinimalPolicy",
                "AmazonEC2ContainerRegistryPullOnly",
            ],
        ))),
        addons: Gathered::Ok(Vec::new()),
        kube: Gathered::Ok(KubeFacts {
            nodes: vec![node(node_name, "v1.30.5-eks-baa6d11", Some("general-purpose"))],
            pods,
            pdbs: vec![myapp_pdb],
            workloads: vec![myapp],
            node_pools: vec![
                pool("general-purpose", &["10%"]),
                pool("system", &["10%"]),
            ],
            node_claims: vec![claim("general-purpose-8wq4z", node_name, "general-purpose")],
            unreadable: Default::default(),
        }),
    }
}

/// The article's cluster with every seeded problem: PDB maxUnavailable 0, two PDBs over the same
/// pods, a PDB selecting nothing, budget nodes "0", expireAfter Never, a do-not-disrupt pod, a
/// bare pod, a cluster role without sts:TagSession, a node role missing a policy, subnets with 3
/// free IPs, a DEGRADED add-on, an ERROR insight with deprecation details and a WARNING one.
pub fn blocked() -> Facts {
    let mut f = article();
    if let Gathered::Ok(role) = &mut f.cluster_role {
        role.trust[0].actions = vec!["sts:AssumeRole".into()];
    }
    if let Some(Gathered::Ok(role)) = &mut f.node_role {
        role.attached_policies
            .retain(|p| p != "AmazonEC2ContainerRegistryPullOnly");
    }
    if let Gathered::Ok(subnets) = &mut f.subnets {
        for s in subnets.iter_mut() {
            s.free_ips = 3;
        }
    }
    f.addons = Gathered::Ok(vec![AddonFacts {
        name: "vpc-cni".into(),
        version: "v1.19.0-eksbuild.1".into(),
        status: "DEGRADED".into(),
        health_issues: vec!["InsufficientNumberOfReplicas: The add-on is unhealthy".into()],
        versions_for_target: vec!["v1.19.0-eksbuild.1".into()],
        default_for_target: Some("v1.19.0-eksbuild.1".into()),
    }]);
    f.insights = Gathered::Ok(vec![InsightFacts {
        id: "0b7f4f46-1111-2222-3333-444455556666".into(),
        name: "Deprecated APIs removed in Kubernetes v1.31".into(),
        category: "UPGRADE_READINESS".into(),
        kubernetes_version: "1.31".into(),
        status: "ERROR".into(),
        reason: "Deprecated API usage detected within the last 30 days.".into(),
        last_refresh: Some(ts("2024-12-12T06:00:00Z")),
        recommendation: "Update manifests and API clients before upgrading to v1.31.".into(),
        deprecations: vec![Deprecation {
            usage: "/apis/flowcontrol.apiserver.k8s.io/v1beta3/flowschemas".into(),
            replaced_with: "/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas".into(),
            stop_serving_version: "1.32".into(),
            start_serving_replacement_version: "1.29".into(),
            clients: vec![ClientStat {
                user_agent: "kubectl/v1.30.0 (linux/amd64)".into(),
                requests_last_30_days: 12,
                last_request: Some(ts("2024-12-12T05:00:00Z")),
            }],
        }],
    }]);
    if let Gathered::Ok(insights) = &mut f.insights {
        let mut others = passing_insights("1.31");
        let addons = others.last_mut().unwrap();
        addons.status = "WARNING".into();
        addons.reason = "Add-on vpc-cni is DEGRADED: EKS could not confirm its compatibility with Kubernetes v1.31.".into();
        addons.recommendation =
            "Resolve the add-on's health issues, then refresh the insights.".into();
        insights.extend(others);
    }
    let k = kube(&mut f);
    let p = &mut k.pdbs[0];
    p.min_available = None;
    p.max_unavailable = Some(IntOrPercent::Int(0));
    p.status = Some(PdbStatus {
        expected_pods: 10,
        current_healthy: 10,
        desired_healthy: 10,
        disruptions_allowed: 0,
    });
    k.node_pools[0].budgets[0].nodes = "0".into();
    let mut pinned = pod(
        "batch",
        "report-28917",
        &[("job-name", "report")],
        None,
        "i-44444444444444444",
    );
    pinned.owner = Some(OwnerRef {
        kind: "Job".into(),
        name: "report".into(),
    });
    pinned.do_not_disrupt = true;
    k.pods.push(pinned);
    // checkout's pods are covered by two PDBs; legacy selects nothing
    for i in 0..2 {
        k.pods.push(pod(
            "default",
            &format!("checkout-6d4f-{i}"),
            &[("app", "checkout"), ("tier", "web")],
            Some("checkout-6d4f"),
            "i-44444444444444444",
        ));
    }
    k.workloads.push(deployment(
        "default",
        "checkout",
        2,
        &[("app", "checkout"), ("tier", "web")],
    ));
    k.pdbs.push(pdb(
        "default",
        "checkout",
        LabelSelector::labels([("app", "checkout")]),
        Some("1"),
        None,
    ));
    k.pdbs.push(pdb(
        "default",
        "web-tier",
        LabelSelector::labels([("tier", "web")]),
        Some("1"),
        None,
    ));
    k.pdbs.push(pdb(
        "default",
        "legacy",
        LabelSelector::labels([("app", "legacy-reports")]),
        Some("1"),
        None,
    ));
    k.node_pools[0].expire_after = Some("Never".into());
    k.pods.push(pod(
        "default",
        "debug",
        &[("run", "debug")],
        None,
        "i-44444444444444444",
    ));
    f
}
