//! What every EKS cluster has in its API before anyone creates anything: the `kubernetes` Service
//! (with its Endpoints and EndpointSlice on the control plane's addresses in the cluster's
//! subnets), the system PriorityClasses, the bootstrap ClusterRoles and ClusterRoleBindings, the
//! API Priority and Fairness defaults, an APIService per served group version, the CRDs of
//! Karpenter and EKS, the component statuses, the EBS CSI driver of Auto Mode's block storage,
//! the kube-system ConfigMaps; and, in every namespace, the `default` ServiceAccount and the
//! `kube-root-ca.crt` ConfigMap, which the namespace controllers add to new namespaces too (`run`).

use serde_json::{json, Value};

use super::util::{fnv64a, name};
use crate::kinds::GROUP_ORDER;
use crate::store::Res;
use crate::world::World;

/// The cluster CA as PEM (the certificate DescribeCluster's `certificateAuthority.data` encodes).
pub const CA_PEM: &str = "-----BEGIN CERTIFICATE-----
MIIBgjCCASegAwIBAgIUFrUf533hQzA1G9doItqRVAfxkTowCgYIKoZIzj0EAwIw
FTETMBEGA1UEAwwKa3ViZXJuZXRlczAgFw0yNjExMjkxNjE0NDRaGA8yMTI2MTEw
NTE2MTQ0NFowFTETMBEGA1UEAwwKa3ViZXJuZXRlczBZMBMGByqGSM49AgEGCCqG
SM49AwEHA0IABCWjaAgv8XeVjNQtSkat2hZfwiCx2H/J3abklsHYpIKzPENalgMI
0KeULQwDeQif3sa8qfSUKM5YQ+E+7SMaGHKjUzBRMB0GA1UdDgQWBBQTYx/jmozF
EFWMaLYl2A23iFCPhDAfBgNVHSMEGDAWgBQTYx/jmozFEFWMaLYl2A23iFCPhDAP
BgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0kAMEYCIQDvz+3wUB7pkzW5ZjL0
oXkb0AjB+6HYDXB28ebiZlscYwIhAJ3ez/1/GchVOH06ngrnWxQHhVvocAn4yNxZ
gZ0bp2lM
-----END CERTIFICATE-----
";

/// The `kubernetes` Service's address (the first of the 172.20.0.0/16 service CIDR).
pub const KUBERNETES_SERVICE_IP: &str = "172.20.0.1";

fn create(world: &mut World, res: Res, obj: Value) {
    let now = world.now;
    // Already there (a scenario may bring its own): keep the scenario's.
    let ns = obj["metadata"]["namespace"].as_str().unwrap_or("");
    if world.kube.get(res, ns, name(&obj)).is_some() {
        return;
    }
    let created = world.kube.create(res, obj, now);
    debug_assert!(created.is_ok(), "{res:?}: {created:?}");
}

/// An address inside `cidr` chosen from `seed` (the control plane's cross-account ENIs).
fn address_in(cidr: &str, seed: &str) -> String {
    let (base, len) = cidr.split_once('/').unwrap_or((cidr, "24"));
    let len: u32 = len.parse().unwrap_or(24).clamp(8, 28);
    let base: u32 = base
        .split('.')
        .filter_map(|o| o.parse::<u32>().ok())
        .fold(0, |acc, o| (acc << 8) | (o & 0xff));
    let size = 1u64 << (32 - len);
    let offset = 4 + fnv64a(seed.as_bytes()) % (size - 5);
    let ip = (base & u32::MAX.checked_shl(32 - len).unwrap_or(0)) + offset as u32;
    format!(
        "{}.{}.{}.{}",
        ip >> 24,
        (ip >> 16) & 0xff,
        (ip >> 8) & 0xff,
        ip & 0xff
    )
}

fn bootstrap_labels() -> Value {
    json!({"kubernetes.io/bootstrapping": "rbac-defaults"})
}

fn autoupdate() -> Value {
    json!({"rbac.authorization.kubernetes.io/autoupdate": "true"})
}

/// The cluster-wide defaults; objects a scenario already created are left as they are.
pub fn seed(world: &mut World) {
    let cluster = world.kube_cluster().cloned();
    let control_plane: Vec<String> = cluster
        .as_ref()
        .map(|c| {
            c.subnet_ids
                .iter()
                .take(2)
                .filter_map(|id| world.aws.subnets.get(id))
                .map(|s| address_in(&s.cidr, &format!("{}/{}", c.arn, s.id)))
                .collect()
        })
        .unwrap_or_default();

    create(
        world,
        Res::Services,
        json!({
            "metadata": {"name": "kubernetes", "namespace": "default",
                         "labels": {"component": "apiserver", "provider": "kubernetes"}},
            "spec": {
                "clusterIP": KUBERNETES_SERVICE_IP, "clusterIPs": [KUBERNETES_SERVICE_IP],
                "internalTrafficPolicy": "Cluster", "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
                "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 443}],
                "sessionAffinity": "None", "type": "ClusterIP",
            },
            "status": {"loadBalancer": {}},
        }),
    );
    if !control_plane.is_empty() {
        create(
            world,
            Res::Endpoints,
            json!({
                "metadata": {"name": "kubernetes", "namespace": "default",
                             "labels": {"endpointslice.kubernetes.io/skip-mirror": "true"}},
                "subsets": [{
                    "addresses": control_plane.iter().map(|ip| json!({"ip": ip})).collect::<Vec<_>>(),
                    "ports": [{"name": "https", "port": 443, "protocol": "TCP"}],
                }],
            }),
        );
        create(
            world,
            Res::EndpointSlices,
            json!({
                "metadata": {"name": "kubernetes", "namespace": "default",
                             "labels": {"kubernetes.io/service-name": "kubernetes"}},
                "addressType": "IPv4",
                "endpoints": control_plane.iter().map(|ip| json!({"addresses": [ip], "conditions": {"ready": true}})).collect::<Vec<_>>(),
                "ports": [{"name": "https", "port": 443, "protocol": "TCP"}],
            }),
        );
    }

    for (n, value, description) in [
        ("system-cluster-critical", 2_000_000_000i64, "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary."),
        ("system-node-critical", 2_000_001_000, "Used for system critical pods that must not be moved from their current node."),
    ] {
        create(
            world,
            Res::PriorityClasses,
            json!({"metadata": {"name": n}, "value": value, "globalDefault": false,
                   "description": description, "preemptionPolicy": "PreemptLowerPriority"}),
        );
    }

    let aggregate = |to: &str| json!({"clusterRoleSelectors": [{"matchLabels": {format!("rbac.authorization.k8s.io/aggregate-to-{to}"): "true"}}]});
    let discovery_urls = json!([
        "/api",
        "/api/*",
        "/apis",
        "/apis/*",
        "/healthz",
        "/livez",
        "/openapi",
        "/openapi/*",
        "/readyz",
        "/version",
        "/version/"
    ]);
    let roles = [
        json!({"metadata": {"name": "cluster-admin", "labels": bootstrap_labels(), "annotations": autoupdate()},
               "rules": [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}, {"nonResourceURLs": ["*"], "verbs": ["*"]}]}),
        json!({"metadata": {"name": "admin", "labels": bootstrap_labels(), "annotations": autoupdate()},
               "aggregationRule": aggregate("admin"), "rules": []}),
        json!({"metadata": {"name": "edit", "labels": {"kubernetes.io/bootstrapping": "rbac-defaults", "rbac.authorization.k8s.io/aggregate-to-admin": "true"}, "annotations": autoupdate()},
               "aggregationRule": aggregate("edit"), "rules": []}),
        json!({"metadata": {"name": "view", "labels": {"kubernetes.io/bootstrapping": "rbac-defaults", "rbac.authorization.k8s.io/aggregate-to-edit": "true"}, "annotations": autoupdate()},
               "aggregationRule": aggregate("view"), "rules": []}),
        json!({"metadata": {"name": "system:discovery", "labels": bootstrap_labels(), "annotations": autoupdate()},
               "rules": [{"nonResourceURLs": discovery_urls, "verbs": ["get"]}]}),
        json!({"metadata": {"name": "system:basic-user", "labels": bootstrap_labels(), "annotations": autoupdate()},
               "rules": [{"apiGroups": ["authorization.k8s.io"], "resources": ["selfsubjectaccessreviews", "selfsubjectrulesreviews"], "verbs": ["create"]},
                         {"apiGroups": ["authentication.k8s.io"], "resources": ["selfsubjectreviews"], "verbs": ["create"]}]}),
        json!({"metadata": {"name": "system:public-info-viewer", "labels": bootstrap_labels(), "annotations": autoupdate()},
               "rules": [{"nonResourceURLs": ["/healthz", "/livez", "/readyz", "/version", "/version/"], "verbs": ["get"]}]}),
    ];
    for r in roles {
        create(world, Res::ClusterRoles, r);
    }
    for (n, subjects) in [
        (
            "cluster-admin",
            json!([{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "system:masters"}]),
        ),
        (
            "system:discovery",
            json!([{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "system:authenticated"}]),
        ),
        (
            "system:basic-user",
            json!([{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "system:authenticated"}]),
        ),
        (
            "system:public-info-viewer",
            json!([
            {"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "system:authenticated"},
            {"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "system:unauthenticated"}]),
        ),
    ] {
        create(
            world,
            Res::ClusterRoleBindings,
            json!({"metadata": {"name": n, "labels": bootstrap_labels(), "annotations": autoupdate()},
                   "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": n},
                   "subjects": subjects}),
        );
    }

    seed_flow_control(world);
    seed_api_services(world);
    seed_crds(world);

    for n in ["scheduler", "controller-manager", "etcd-0"] {
        create(
            world,
            Res::ComponentStatuses,
            json!({"metadata": {"name": n},
                   "conditions": [{"type": "Healthy", "status": "True", "message": "ok"}]}),
        );
    }

    if cluster.as_ref().is_some_and(|c| c.auto_mode.storage) {
        create(
            world,
            Res::CsiDrivers,
            json!({"metadata": {"name": "ebs.csi.eks.amazonaws.com"},
                   "spec": {"attachRequired": true, "fsGroupPolicy": "ReadWriteOnceWithFSType",
                            "podInfoOnMount": false, "requiresRepublish": false, "seLinuxMount": false,
                            "storageCapacity": false, "volumeLifecycleModes": ["Persistent"]}}),
        );
    }

    let since = world.now_rfc3339();
    create(
        world,
        Res::ConfigMaps,
        json!({"metadata": {"name": "extension-apiserver-authentication", "namespace": "kube-system"},
               "data": {"client-ca-file": CA_PEM,
                        "requestheader-allowed-names": "[\"front-proxy-client\"]",
                        "requestheader-client-ca-file": CA_PEM,
                        "requestheader-extra-headers-prefix": "[\"X-Remote-Extra-\"]",
                        "requestheader-group-headers": "[\"X-Remote-Group\"]",
                        "requestheader-username-headers": "[\"X-Remote-User\"]"}}),
    );
    create(
        world,
        Res::ConfigMaps,
        json!({"metadata": {"name": "kube-apiserver-legacy-service-account-token-tracking", "namespace": "kube-system"},
               "data": {"since": since.get(..10).unwrap_or(&since)}}),
    );
    run(world);
}

/// The API Priority and Fairness configuration every API server creates.
fn seed_flow_control(world: &mut World) {
    let limited = |shares: i64, queuing: Option<(i64, i64, i64)>, lendable: i64| {
        let response = match queuing {
            Some((queues, hand, len)) => {
                json!({"type": "Queue", "queuing": {"queues": queues, "handSize": hand, "queueLengthLimit": len}})
            }
            None => json!({"type": "Reject"}),
        };
        json!({"type": "Limited", "limited": {"nominalConcurrencyShares": shares, "lendablePercent": lendable, "limitResponse": response}})
    };
    let levels = [
        ("catch-all", limited(5, None, 0)),
        (
            "exempt",
            json!({"type": "Exempt", "exempt": {"nominalConcurrencyShares": 0, "lendablePercent": 0}}),
        ),
        ("global-default", limited(20, Some((128, 6, 50)), 50)),
        ("leader-election", limited(10, Some((16, 4, 50)), 0)),
        ("node-high", limited(40, Some((64, 6, 50)), 25)),
        ("system", limited(30, Some((64, 6, 50)), 33)),
        ("workload-high", limited(40, Some((128, 6, 50)), 50)),
        ("workload-low", limited(100, Some((128, 6, 50)), 90)),
    ];
    for (n, spec) in levels {
        create(
            world,
            Res::PriorityLevelConfigurations,
            json!({"metadata": {"name": n, "annotations": {"apf.kubernetes.io/autoupdate-spec": "true"}},
                   "spec": spec,
                   "status": {"conditions": [{"type": "Dangling", "status": "False", "reason": "Found",
                       "message": "This PriorityLevelConfiguration is referenced by FlowSchemas"}]}}),
        );
    }
    let schemas = [
        ("exempt", "exempt", 1, None),
        ("probes", "exempt", 2, None),
        (
            "system-leader-election",
            "leader-election",
            100,
            Some("ByUser"),
        ),
        ("endpoint-controller", "workload-high", 150, Some("ByUser")),
        (
            "workload-leader-election",
            "leader-election",
            200,
            Some("ByUser"),
        ),
        ("system-node-high", "node-high", 400, Some("ByUser")),
        ("system-nodes", "system", 500, Some("ByUser")),
        (
            "kube-controller-manager",
            "workload-high",
            800,
            Some("ByNamespace"),
        ),
        ("kube-scheduler", "workload-high", 800, Some("ByNamespace")),
        (
            "kube-system-service-accounts",
            "workload-high",
            900,
            Some("ByNamespace"),
        ),
        ("service-accounts", "workload-low", 9000, Some("ByUser")),
        ("global-default", "global-default", 9900, Some("ByUser")),
        ("catch-all", "catch-all", 10000, Some("ByUser")),
    ];
    for (n, level, precedence, method) in schemas {
        let mut spec = json!({"priorityLevelConfiguration": {"name": level}, "matchingPrecedence": precedence, "rules": []});
        if let Some(m) = method {
            spec["distinguisherMethod"] = json!({"type": m});
        }
        create(
            world,
            Res::FlowSchemas,
            json!({"metadata": {"name": n, "annotations": {"apf.kubernetes.io/autoupdate-spec": "true"}},
                   "spec": spec,
                   "status": {"conditions": [{"type": "Dangling", "status": "False", "reason": "Found",
                       "message": format!("This FlowSchema references the PriorityLevelConfiguration object named \"{level}\" and it exists")}]}}),
        );
    }
}

/// An APIService per served group version, as the aggregator registers the local ones.
fn seed_api_services(world: &mut World) {
    let mut gvs: Vec<(&str, &str)> = Vec::new();
    for r in Res::all() {
        let i = r.info();
        if !gvs.contains(&(i.group, i.version)) {
            gvs.push((i.group, i.version));
        }
    }
    for (group, version) in gvs {
        let rank = GROUP_ORDER
            .iter()
            .position(|g| *g == group)
            .unwrap_or(GROUP_ORDER.len()) as i64;
        let custom = matches!(group, "karpenter.sh" | "eks.amazonaws.com");
        let (priority, automanaged) = if group.is_empty() {
            (18000, "onstart")
        } else if custom {
            (1000, "true")
        } else {
            (17800 - 100 * rank, "onstart")
        };
        create(
            world,
            Res::ApiServices,
            json!({
                "metadata": {"name": format!("{version}.{group}"),
                             "labels": {"kube-aggregator.kubernetes.io/automanaged": automanaged}},
                "spec": {"group": group, "version": version, "groupPriorityMinimum": priority, "versionPriority": 15},
                "status": {"conditions": [{"type": "Available", "status": "True", "reason": "Local",
                    "message": "Local APIServices are always available",
                    "lastTransitionTime": world.now_rfc3339()}]},
            }),
        );
    }
}

/// The CustomResourceDefinitions behind the custom kinds the emulator serves.
fn seed_crds(world: &mut World) {
    for res in [Res::NodePools, Res::NodeClaims, Res::NodeClasses] {
        let i = res.info();
        let names = json!({"kind": i.kind, "listKind": format!("{}List", i.kind), "plural": i.plural,
                           "singular": i.singular, "categories": i.categories});
        create(
            world,
            Res::CustomResourceDefinitions,
            json!({
                "metadata": {"name": format!("{}.{}", i.plural, i.group)},
                "spec": {
                    "group": i.group,
                    "names": names,
                    "scope": if i.namespaced { "Namespaced" } else { "Cluster" },
                    "versions": [{"name": i.version, "served": true, "storage": true,
                                  "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}},
                                  "subresources": {"status": {}}}],
                    "conversion": {"strategy": "None"},
                },
                "status": {
                    "acceptedNames": names,
                    "conditions": [
                        {"type": "NamesAccepted", "status": "True", "reason": "NoConflicts", "message": "no conflicts found"},
                        {"type": "Established", "status": "True", "reason": "InitialNamesAccepted", "message": "the initial names have been accepted"},
                    ],
                    "storedVersions": [i.version],
                },
            }),
        );
    }
}

/// Every namespace gets its `default` ServiceAccount and the `kube-root-ca.crt` ConfigMap (the
/// service account and root-CA publisher controllers). Writes nothing when all is in place.
pub fn run(world: &mut World) {
    let namespaces: Vec<String> = world
        .kube
        .iter(Res::Namespaces)
        .filter(|n| n["metadata"]["deletionTimestamp"].is_null())
        .map(|n| name(n).to_string())
        .collect();
    for ns in namespaces {
        if world
            .kube
            .get(Res::ServiceAccounts, &ns, "default")
            .is_none()
        {
            create(
                world,
                Res::ServiceAccounts,
                json!({"metadata": {"name": "default", "namespace": ns}}),
            );
        }
        if world
            .kube
            .get(Res::ConfigMaps, &ns, "kube-root-ca.crt")
            .is_none()
        {
            create(
                world,
                Res::ConfigMaps,
                json!({"metadata": {"name": "kube-root-ca.crt", "namespace": ns,
                                    "annotations": {"kubernetes.io/description": "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters."}},
                       "data": {"ca.crt": CA_PEM}}),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_what_every_cluster_has() {
        let mut w = super::super::testworld::world();
        for ns in ["default", "kube-system", "team-a"] {
            let now = w.now;
            w.kube
                .create(Res::Namespaces, json!({"metadata": {"name": ns}}), now)
                .unwrap();
        }
        seed(&mut w);
        let svc = w.kube.get(Res::Services, "default", "kubernetes").unwrap();
        assert_eq!(svc["spec"]["clusterIP"], KUBERNETES_SERVICE_IP);
        let ep = w.kube.get(Res::Endpoints, "default", "kubernetes").unwrap();
        let ips = ep["subsets"][0]["addresses"].as_array().unwrap();
        assert_eq!(ips.len(), 2);
        assert!(ips[0]["ip"].as_str().unwrap().starts_with("10.0.1"));
        for ns in ["default", "kube-system", "team-a"] {
            assert!(w.kube.get(Res::ServiceAccounts, ns, "default").is_some());
            assert!(w
                .kube
                .get(Res::ConfigMaps, ns, "kube-root-ca.crt")
                .is_some());
        }
        assert!(w
            .kube
            .get(Res::ApiServices, "", "v1.apps")
            .is_some_and(|a| a["spec"]["group"] == "apps"));
        assert!(w
            .kube
            .get(Res::CustomResourceDefinitions, "", "nodepools.karpenter.sh")
            .is_some());
        let rv = w.kube.rv();
        run(&mut w);
        assert_eq!(w.kube.rv(), rv, "nothing more to do");
    }

    #[test]
    fn addresses_stay_inside_the_subnet() {
        for seed in ["a", "b", "c", "d"] {
            let ip = address_in("10.0.128.0/20", seed);
            let third: u32 = ip.split('.').nth(2).unwrap().parse().unwrap();
            assert!((128..144).contains(&third), "{ip}");
        }
    }
}
