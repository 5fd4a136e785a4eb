//! Scenarios: YAML files describing the world the emulator starts with (the AWS side, the cluster's
//! Kubernetes objects, existing nodes, timings and faults). Built-in ones live in `scenarios/` and are
//! compiled into the binary; a path to any other file works too. Errors name the line at fault.

use std::collections::BTreeMap;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use serde_json::{json, Value};

use super::clock;
use super::engine;
use super::faults::Faults;
use super::store::{Res, Store};
use super::world::{
    epoch_seconds, ApiServer, ApiServerSettings, AutoMode, AwsState, Cluster, EndpointAccess,
    RequestLog, Rng, Role, Subnet, Timings, UpdateBehaviour, World,
};

/// The scenario used when none is named.
pub const DEFAULT: &str = "article";

/// Scenarios compiled into the binary: (name, YAML).
pub const BUILT_IN: &[(&str, &str)] = &[
    ("article", include_str!("../scenarios/article.yaml")),
    ("blocked", include_str!("../scenarios/blocked.yaml")),
    ("large", include_str!("../scenarios/large.yaml")),
];

const DEFAULTS: &str = include_str!("../scenarios/_defaults.yaml");

/// Why a scenario could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error(
        "unknown scenario {0:?}: use one of article, blocked, large, or a path to a YAML file"
    )]
    Unknown(String),
    #[error("cannot read scenario file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("scenario {path}, line {line}: {message}")]
    Invalid {
        path: String,
        line: usize,
        message: String,
    },
    #[error("scenario {path}: {message}")]
    Inconsistent { path: String, message: String },
}

/// A scenario file.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Seeds every generated name and id, so runs under the manual clock replay identically.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Virtual time at which the scenario starts; default: now minus the warm-up, so that after the
    /// warm-up virtual time matches the wall clock.
    #[serde(default)]
    pub start: Option<Timestamp>,
    /// Virtual seconds run before serving, so pods are already Running when clients arrive.
    #[serde(default = "default_warmup")]
    pub warmup_seconds: u64,
    #[serde(default = "default_account")]
    pub account: String,
    pub region: String,
    #[serde(default)]
    pub timings: Timings,
    /// The Kubernetes API server's watch timings and authentication.
    #[serde(default)]
    pub api_server: ApiServerSettings,
    pub cluster: ClusterSpec,
    /// More clusters in the account (ListClusters shows them; they have no Kubernetes API here).
    #[serde(default)]
    pub other_clusters: Vec<ClusterSpec>,
    #[serde(default)]
    pub subnets: Vec<SubnetSpec>,
    #[serde(default)]
    pub roles: Vec<RoleSpec>,
    /// Replaces the built-in DescribeAddonVersions catalogue (EKS wire shape `AddonInfo`).
    #[serde(default)]
    pub addon_catalog: Option<Vec<Value>>,
    /// Replaces the built-in DescribeClusterVersions catalogue.
    #[serde(default)]
    pub cluster_versions: Option<Vec<Value>>,
    #[serde(default)]
    pub kubernetes: KubeSpec,
    #[serde(default)]
    pub faults: Faults,
    /// Where the scenario came from (for messages).
    #[serde(skip)]
    pub source: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClusterSpec {
    pub name: String,
    /// Kubernetes minor version, "1.30".
    pub version: String,
    #[serde(default = "default_platform")]
    pub platform_version: String,
    #[serde(default = "default_status")]
    pub status: String,
    pub role_name: String,
    #[serde(default)]
    pub node_role_name: Option<String>,
    #[serde(default)]
    pub auto_mode: AutoModeSpec,
    #[serde(default = "default_vpc")]
    pub vpc_id: String,
    #[serde(default)]
    pub subnets: Vec<String>,
    #[serde(default = "default_security_groups")]
    pub security_groups: Vec<String>,
    #[serde(default)]
    pub update: UpdateSpec,
    /// Who may reach the API endpoint. Clients of the emulator stand outside the cluster's VPC:
    /// with `publicAccess: false` its Kubernetes API does not answer them.
    #[serde(default)]
    pub endpoint_access: EndpointAccess,
    /// EKS wire shape `Insight`; time fields may be relative to the start ("-2h", "-3d", "-30m").
    #[serde(default)]
    pub insights: Vec<Value>,
    /// EKS wire shape `Addon` (clusterName, addonArn and timestamps are filled in when missing).
    #[serde(default)]
    pub addons: Vec<Value>,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AutoModeSpec {
    #[serde(default = "yes")]
    pub compute: bool,
    #[serde(default = "yes")]
    pub storage: bool,
    #[serde(default = "yes")]
    pub elb: bool,
    #[serde(default = "default_pools")]
    pub node_pools: Vec<String>,
}

impl Default for AutoModeSpec {
    fn default() -> Self {
        AutoModeSpec {
            compute: true,
            storage: true,
            elb: true,
            node_pools: default_pools(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateSpec {
    #[serde(default = "default_update_duration")]
    pub duration_seconds: u64,
    /// Makes every control-plane update end Failed with this error code.
    #[serde(default)]
    pub fail_with: Option<String>,
    /// ERROR upgrade-readiness insights block an unforced update (InvalidStateException).
    #[serde(default = "yes")]
    pub enforce_insights: bool,
}

impl Default for UpdateSpec {
    fn default() -> Self {
        UpdateSpec {
            duration_seconds: default_update_duration(),
            fail_with: None,
            enforce_insights: true,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SubnetSpec {
    pub id: String,
    pub az: String,
    #[serde(default)]
    pub az_id: Option<String>,
    pub cidr: String,
    #[serde(default)]
    pub vpc_id: Option<String>,
    /// AvailableIpAddressCount.
    pub free: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RoleSpec {
    pub name: String,
    /// The trust (assume-role) policy document.
    pub trust: Value,
    /// Attached AWS managed policy names.
    #[serde(default)]
    pub policies: Vec<String>,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KubeSpec {
    /// Nodes that exist at the start.
    #[serde(default)]
    pub nodes: Vec<NodeSeed>,
    /// Kubernetes objects created at the start (Namespace, Deployment, Pod, PodDisruptionBudget,
    /// NodePool, NodeClass, ...). A NodePool or NodeClass named like a built-in one replaces it.
    #[serde(default)]
    pub manifests: Vec<Value>,
    /// Many generated Deployments at once (scale scenarios).
    #[serde(default)]
    pub fleet: Option<FleetSpec>,
    /// Create Auto Mode's built-in NodePools (general-purpose, system) and NodeClass (default) when
    /// compute is enabled.
    #[serde(default = "yes")]
    pub built_in_node_pools: bool,
}

impl Default for KubeSpec {
    /// No `kubernetes:` section: no nodes or objects, but Auto Mode's built-in pools all the same.
    fn default() -> Self {
        KubeSpec {
            nodes: Vec::new(),
            manifests: Vec::new(),
            fleet: None,
            built_in_node_pools: true,
        }
    }
}

/// Generated workload: `deployments` Deployments of `replicas` pods spread over `namespaces`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FleetSpec {
    pub namespaces: u32,
    pub deployments: u32,
    pub replicas: u32,
    pub cpu: String,
    pub memory: String,
    /// A PDB (minAvailable 90%) on every Nth Deployment; 0 for none.
    #[serde(default)]
    pub pdb_every: u32,
}

/// Nodes that exist when the scenario starts (launched and Ready before it begins).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NodeSeed {
    #[serde(default = "one")]
    pub count: u32,
    pub instance_type: String,
    #[serde(default = "general_purpose")]
    pub node_pool: String,
    /// Default: the cluster subnets' zones, round-robin.
    #[serde(default)]
    pub zone: Option<String>,
    /// Kubernetes minor version of the node; default: the cluster's.
    #[serde(default)]
    pub version: Option<String>,
    /// How long ago the node was launched.
    #[serde(default)]
    pub age_seconds: u64,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    /// Taints in the Kubernetes shape ({key, value, effect}).
    #[serde(default)]
    pub taints: Vec<Value>,
}

/// Built-in objects and catalogues (scenarios/_defaults.yaml).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Defaults {
    node_pools: Vec<Value>,
    node_classes: Vec<Value>,
    cluster_versions: Vec<Value>,
    addon_catalog: Vec<Value>,
}

fn one() -> u32 {
    1
}
fn yes() -> bool {
    true
}
fn general_purpose() -> String {
    "general-purpose".into()
}
fn default_seed() -> u64 {
    1
}
fn default_warmup() -> u64 {
    120
}
fn default_account() -> String {
    "123456789012".into()
}
fn default_platform() -> String {
    "eks.1".into()
}
fn default_status() -> String {
    "ACTIVE".into()
}
fn default_vpc() -> String {
    "vpc-0123456789abcdef0".into()
}
fn default_security_groups() -> Vec<String> {
    vec!["sg-0123456789abcdef0".into()]
}
fn default_pools() -> Vec<String> {
    vec!["general-purpose".into(), "system".into()]
}
fn default_update_duration() -> u64 {
    480
}

/// Reads a built-in scenario by name, or a YAML file by path.
pub fn load(name_or_path: &str) -> Result<Scenario, ScenarioError> {
    if let Some((_, text)) = BUILT_IN.iter().find(|(n, _)| *n == name_or_path) {
        return parse(text, &format!("{name_or_path} (built-in)"));
    }
    let path = std::path::Path::new(name_or_path);
    let looks_like_path = name_or_path.contains('/')
        || name_or_path.ends_with(".yaml")
        || name_or_path.ends_with(".yml");
    if !path.exists() && !looks_like_path {
        return Err(ScenarioError::Unknown(name_or_path.to_string()));
    }
    let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Read {
        path: name_or_path.to_string(),
        source,
    })?;
    parse(&text, name_or_path)
}

/// Parses scenario YAML; errors carry the line at fault.
pub fn parse(text: &str, source: &str) -> Result<Scenario, ScenarioError> {
    let mut scenario: Scenario =
        serde_yaml::from_str(text).map_err(|e| ScenarioError::Invalid {
            path: source.to_string(),
            line: e.location().map(|l| l.line()).unwrap_or(1),
            message: strip_location(&e.to_string()),
        })?;
    scenario.source = source.to_string();
    Ok(scenario)
}

/// serde_yaml appends " at line L column C" to its messages; the line is reported separately.
fn strip_location(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

fn inconsistent(s: &Scenario, message: String) -> ScenarioError {
    ScenarioError::Inconsistent {
        path: s.source.clone(),
        message,
    }
}

fn defaults() -> Defaults {
    serde_yaml::from_str(DEFAULTS).expect("built-in defaults are valid")
}

/// Builds the world a scenario describes and runs its warm-up.
pub fn build_world(s: &Scenario) -> Result<World, ScenarioError> {
    let defaults = defaults();
    let start = match s.start {
        Some(t) => t,
        None => {
            let now = Timestamp::now();
            let secs = now.as_second() - s.warmup_seconds as i64;
            Timestamp::from_second(secs).unwrap_or(now)
        }
    };
    let mut rng = Rng::new(s.seed);

    let subnets: BTreeMap<String, Subnet> = s
        .subnets
        .iter()
        .map(|sn| {
            let subnet = Subnet {
                id: sn.id.clone(),
                vpc_id: sn
                    .vpc_id
                    .clone()
                    .unwrap_or_else(|| s.cluster.vpc_id.clone()),
                cidr: sn.cidr.clone(),
                az: sn.az.clone(),
                az_id: sn.az_id.clone().unwrap_or_else(|| sn.az.clone()),
                available_ips: sn.free,
            };
            (sn.id.clone(), subnet)
        })
        .collect();

    let roles: BTreeMap<String, Role> = s
        .roles
        .iter()
        .map(|r| {
            let role = Role {
                name: r.name.clone(),
                arn: format!("arn:aws:iam::{}:role/{}", s.account, r.name),
                role_id: format!("AROA{}", rng.hex(17).to_uppercase()),
                path: "/".into(),
                created_at: start,
                trust_policy: r.trust.clone(),
                attached_policies: r.policies.clone(),
                description: r.description.clone(),
            };
            (r.name.clone(), role)
        })
        .collect();

    let mut clusters = BTreeMap::new();
    for spec in std::iter::once(&s.cluster).chain(s.other_clusters.iter()) {
        for id in &spec.subnets {
            if !subnets.contains_key(id) {
                return Err(inconsistent(
                    s,
                    format!(
                        "cluster {} names subnet {id}, which is not under `subnets`",
                        spec.name
                    ),
                ));
            }
        }
        if clusters.contains_key(&spec.name) {
            return Err(inconsistent(
                s,
                format!("cluster {} is defined twice", spec.name),
            ));
        }
        if parse_minor(&spec.version).is_none() {
            return Err(inconsistent(
                s,
                format!(
                    "cluster {}: version {:?} is not of the form 1.30",
                    spec.name, spec.version
                ),
            ));
        }
        let cluster = build_cluster(s, spec, start, &mut rng)?;
        clusters.insert(spec.name.clone(), cluster);
    }

    let aws = AwsState {
        account: s.account.clone(),
        region: s.region.clone(),
        kube_cluster: s.cluster.name.clone(),
        clusters,
        subnets,
        roles,
        addon_catalog: s
            .addon_catalog
            .clone()
            .unwrap_or(defaults.addon_catalog.clone()),
        cluster_versions: s
            .cluster_versions
            .clone()
            .unwrap_or(defaults.cluster_versions.clone())
            .into_iter()
            .map(|mut v| {
                epochify(&mut v, start);
                v
            })
            .collect(),
    };

    let mut world = World {
        now: start,
        started: start,
        aws,
        kube: Store::new(10_000, s.seed ^ 0x5eed),
        requests: RequestLog::default(),
        faults: Faults {
            // The clients stand outside the VPC: a private-only endpoint does not answer them.
            kube_unreachable: s.faults.kube_unreachable || !s.cluster.endpoint_access.public_access,
            ..s.faults.clone()
        },
        timings: s.timings.clone(),
        api: ApiServer {
            settings: s.api_server.clone(),
            ..Default::default()
        },
        rng,
        engine: Default::default(),
        pace: Default::default(),
    };

    create_kube_objects(s, &defaults, &mut world)?;
    engine::seed_nodes(&mut world, &s.kubernetes.nodes).map_err(|m| inconsistent(s, m))?;
    engine::bootstrap::seed(&mut world);
    clock::advance(&mut world, Duration::from_secs(s.warmup_seconds));
    world.requests.entries.clear();
    Ok(world)
}

fn build_cluster(
    s: &Scenario,
    spec: &ClusterSpec,
    start: Timestamp,
    rng: &mut Rng,
) -> Result<Cluster, ScenarioError> {
    let arn = format!(
        "arn:aws:eks:{}:{}:cluster/{}",
        s.region, s.account, spec.name
    );
    let node_role_arn = spec
        .node_role_name
        .as_ref()
        .map(|n| format!("arn:aws:iam::{}:role/{n}", s.account));
    let insights = spec
        .insights
        .iter()
        .cloned()
        .map(|mut v| {
            epochify(&mut v, start);
            v
        })
        .collect();
    let addons = spec
        .addons
        .iter()
        .cloned()
        .map(|mut v| {
            let name = v["addonName"].as_str().unwrap_or("addon").to_string();
            let fill = |v: &mut Value, key: &str, value: Value| {
                if v.get(key).is_none() {
                    v[key] = value;
                }
            };
            fill(&mut v, "clusterName", json!(spec.name));
            fill(
                &mut v,
                "addonArn",
                json!(format!(
                    "arn:aws:eks:{}:{}:addon/{}/{}/{}",
                    s.region,
                    s.account,
                    spec.name,
                    name,
                    rng.uuid()
                )),
            );
            fill(&mut v, "createdAt", json!("-30d"));
            fill(&mut v, "modifiedAt", json!("-1d"));
            fill(&mut v, "health", json!({"issues": []}));
            fill(&mut v, "tags", json!({}));
            epochify(&mut v, start);
            v
        })
        .collect();
    Ok(Cluster {
        name: spec.name.clone(),
        arn,
        version: spec.version.clone(),
        platform_version: spec.platform_version.clone(),
        status: spec.status.clone(),
        created_at: start
            .checked_sub(SignedDuration::from_hours(24 * 30))
            .unwrap_or(start),
        role_arn: format!("arn:aws:iam::{}:role/{}", s.account, spec.role_name),
        vpc_id: spec.vpc_id.clone(),
        subnet_ids: spec.subnets.clone(),
        security_group_ids: spec.security_groups.clone(),
        endpoint: format!(
            "https://{}.gr7.{}.eks.amazonaws.com",
            rng.hex(32).to_uppercase(),
            s.region
        ),
        endpoint_access: spec.endpoint_access.clone(),
        auto_mode: AutoMode {
            compute: spec.auto_mode.compute,
            storage: spec.auto_mode.storage,
            elb: spec.auto_mode.elb,
            node_pools: if spec.auto_mode.compute {
                spec.auto_mode.node_pools.clone()
            } else {
                vec![]
            },
            node_role_arn: if spec.auto_mode.compute {
                node_role_arn
            } else {
                None
            },
        },
        insights,
        addons,
        updates: vec![],
        update_behaviour: UpdateBehaviour {
            duration_s: spec.update.duration_seconds,
            fail_with: spec.update.fail_with.clone(),
            enforce_insights: spec.update.enforce_insights,
        },
        insights_refresh: None,
        tags: spec.tags.clone(),
    })
}

/// `"1.30"` → 30.
pub fn parse_minor(version: &str) -> Option<u32> {
    let (major, minor) = version.split_once('.')?;
    if major != "1" {
        return None;
    }
    minor.parse().ok()
}

/// Timestamp fields of EKS wire objects are epoch seconds; scenarios may write them as RFC 3339 or
/// relative to the start ("-2h", "-3d", "-30m", "-10s").
fn epochify(v: &mut Value, start: Timestamp) {
    const TIME_KEYS: &[&str] = &[
        "releaseDate",
        "endOfStandardSupportDate",
        "endOfExtendedSupportDate",
        "lastRefreshTime",
        "lastTransitionTime",
        "lastRequestTime",
        "createdAt",
        "modifiedAt",
    ];
    match v {
        Value::Object(map) => {
            for (k, item) in map.iter_mut() {
                if TIME_KEYS.contains(&k.as_str()) {
                    if let Some(t) = item.as_str().and_then(|s| parse_time(s, start)) {
                        *item = json!(epoch_seconds(t));
                        continue;
                    }
                }
                epochify(item, start);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| epochify(i, start)),
        _ => {}
    }
}

fn parse_time(s: &str, start: Timestamp) -> Option<Timestamp> {
    if let Ok(t) = s.parse::<Timestamp>() {
        return Some(t);
    }
    let rest = s.strip_prefix('-')?;
    let (num, unit) = rest.split_at(rest.len().checked_sub(1)?);
    let n: i64 = num.parse().ok()?;
    let secs = match unit {
        "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        "d" => n * 86400,
        _ => return None,
    };
    start.checked_sub(SignedDuration::from_secs(secs)).ok()
}

/// The store kind a manifest belongs to.
fn manifest_res(obj: &Value) -> Option<Res> {
    let api_version = obj["apiVersion"].as_str()?;
    let kind = obj["kind"].as_str()?;
    Res::all()
        .iter()
        .copied()
        .find(|r| r.info().kind == kind && r.info().api_version() == api_version)
}

fn create_kube_objects(
    s: &Scenario,
    defaults: &Defaults,
    world: &mut World,
) -> Result<(), ScenarioError> {
    let now = world.now;
    for ns in ["default", "kube-system", "kube-public", "kube-node-lease"] {
        world
            .kube
            .create(Res::Namespaces, namespace(ns), now)
            .map_err(|e| inconsistent(s, e.to_string()))?;
    }

    let mut manifests: Vec<(Res, Value)> = Vec::new();
    for (i, m) in s.kubernetes.manifests.iter().enumerate() {
        let res = manifest_res(m).ok_or_else(|| {
            inconsistent(
                s,
                format!(
                    "kubernetes.manifests[{i}]: unsupported kind {} {} (supported: {})",
                    m["apiVersion"].as_str().unwrap_or("?"),
                    m["kind"].as_str().unwrap_or("?"),
                    Res::all()
                        .iter()
                        .map(|r| format!("{} {}", r.info().api_version(), r.info().kind))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })?;
        manifests.push((res, m.clone()));
    }

    let cluster = &s.cluster;
    if cluster.auto_mode.compute && s.kubernetes.built_in_node_pools {
        let given: Vec<(Res, String)> = manifests
            .iter()
            .map(|(r, m)| {
                (
                    *r,
                    m["metadata"]["name"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                )
            })
            .collect();
        let overridden = |res: Res, name: &str| given.iter().any(|(r, n)| *r == res && n == name);
        let pools = defaults.node_pools.iter().filter(|p| {
            cluster
                .auto_mode
                .node_pools
                .iter()
                .any(|n| p["metadata"]["name"] == n.as_str())
        });
        for pool in pools {
            let name = pool["metadata"]["name"].as_str().unwrap_or_default();
            if !overridden(Res::NodePools, name) {
                manifests.push((Res::NodePools, pool.clone()));
            }
        }
        for class in &defaults.node_classes {
            let name = class["metadata"]["name"].as_str().unwrap_or_default();
            if !overridden(Res::NodeClasses, name) {
                let mut class = class.clone();
                class["spec"]["role"] = json!(cluster.node_role_name.clone().unwrap_or_default());
                class["spec"]["subnetSelectorTerms"] = json!(cluster
                    .subnets
                    .iter()
                    .map(|id| json!({"id": id}))
                    .collect::<Vec<_>>());
                class["spec"]["securityGroupSelectorTerms"] = json!(cluster
                    .security_groups
                    .iter()
                    .map(|id| json!({"id": id}))
                    .collect::<Vec<_>>());
                manifests.push((Res::NodeClasses, class));
            }
        }
    }

    if let Some(fleet) = &s.kubernetes.fleet {
        manifests.extend(fleet_manifests(fleet));
    }

    // Namespaces first, then everything else in file order.
    manifests.sort_by_key(|(r, _)| *r != Res::Namespaces);
    for (res, m) in manifests {
        let ns = m["metadata"]["namespace"]
            .as_str()
            .unwrap_or("default")
            .to_string();
        if res.info().namespaced && world.kube.get(Res::Namespaces, "", &ns).is_none() {
            world
                .kube
                .create(Res::Namespaces, namespace(&ns), now)
                .map_err(|e| inconsistent(s, e.to_string()))?;
        }
        let name = m["metadata"]["name"].as_str().unwrap_or("?").to_string();
        world
            .kube
            .create(res, m, now)
            .map_err(|e| inconsistent(s, format!("{} {name}: {e}", res.info().kind)))?;
    }
    Ok(())
}

fn namespace(name: &str) -> Value {
    json!({
        "metadata": {"name": name, "labels": {"kubernetes.io/metadata.name": name}},
        "spec": {"finalizers": ["kubernetes"]},
        "status": {"phase": "Active"}
    })
}

fn fleet_manifests(f: &FleetSpec) -> Vec<(Res, Value)> {
    let mut out = Vec::new();
    let namespaces = f.namespaces.max(1);
    for n in 0..namespaces {
        out.push((Res::Namespaces, namespace(&format!("team-{n:02}"))));
    }
    for d in 0..f.deployments {
        let ns = format!("team-{:02}", d % namespaces);
        let name = format!("svc-{d:04}");
        out.push((
            Res::Deployments,
            json!({
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": {"name": name, "namespace": ns},
                "spec": {
                    "replicas": f.replicas,
                    "selector": {"matchLabels": {"app": name}},
                    "template": {
                        "metadata": {"labels": {"app": name}},
                        "spec": {"containers": [{
                            "name": "app",
                            "image": "public.ecr.aws/eks-distro/kubernetes/pause:3.2",
                            "resources": {"requests": {"cpu": f.cpu, "memory": f.memory}}
                        }]}
                    }
                }
            }),
        ));
        if f.pdb_every > 0 && d % f.pdb_every == 0 {
            out.push((
                Res::PodDisruptionBudgets,
                json!({
                    "apiVersion": "policy/v1",
                    "kind": "PodDisruptionBudget",
                    "metadata": {"name": name, "namespace": ns},
                    "spec": {"minAvailable": "90%", "selector": {"matchLabels": {"app": name}}}
                }),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_scenarios_parse() {
        for (name, _) in BUILT_IN {
            let s = load(name).unwrap();
            assert_eq!(&s.name, name);
        }
        defaults();
    }

    #[test]
    fn small_worlds_build() {
        for name in ["article", "blocked"] {
            let world = build_world(&load(name).unwrap()).unwrap();
            assert!(world.kube_cluster().is_some());
            assert!(world
                .kube
                .get(Res::NodePools, "", "general-purpose")
                .is_some());
            assert!(world.kube.get(Res::Namespaces, "", "default").is_some());
        }
    }

    #[test]
    fn bad_yaml_names_the_line() {
        let text = "name: x\nregion: r\ncluster:\n  name: c\n  version: \"1.30\"\n  roleName: r\n  bogus: 1\n";
        let err = parse(text, "t.yaml").unwrap_err();
        match err {
            ScenarioError::Invalid { line, message, .. } => {
                assert_eq!(line, 7, "{message}");
                assert!(message.contains("bogus"), "{message}");
            }
            other => panic!("unexpected {other}"),
        }
    }

    #[test]
    fn unknown_name_is_not_a_path() {
        assert!(matches!(load("nosuch"), Err(ScenarioError::Unknown(_))));
        assert!(matches!(
            load("/nonexistent/x.yaml"),
            Err(ScenarioError::Read { .. })
        ));
    }

    #[test]
    fn relative_times_become_epoch_seconds() {
        let start: Timestamp = "2024-12-11T10:00:00Z".parse().unwrap();
        let mut v = json!({"lastRefreshTime": "-2h", "nested": [{"createdAt": "2024-12-11T07:00:00Z"}], "name": "-2h"});
        epochify(&mut v, start);
        assert_eq!(
            v["lastRefreshTime"],
            json!(epoch_seconds("2024-12-11T08:00:00Z".parse().unwrap()))
        );
        assert!(v["nested"][0]["createdAt"].is_number());
        assert_eq!(v["name"], "-2h");
    }
}
