//! The emulator's whole state: virtual time, the AWS side (clusters, subnets, roles), the Kubernetes
//! object store, the request log, faults and timings. One `World` sits behind a mutex; HTTP handlers
//! and the clock lock it briefly and never across an `.await`.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use jiff::Timestamp;
use serde::Serialize;
use serde_json::Value;

use super::faults::Faults;
use super::store::Store;

/// The world, shared between the AWS server, the Kubernetes server and the clock.
pub type Shared = Arc<Mutex<World>>;

/// How many threads are waiting for a world's lock right now, in a slot picked by the world's
/// address (two worlds of one process rarely share one; when they do, an engine gives way once too
/// often): a long engine phase lets them in between two of its steps (see `engine::hold`).
static WAITING: [AtomicUsize; 64] = [const { AtomicUsize::new(0) }; 64];

fn waiting(shared: &Shared) -> &'static AtomicUsize {
    let at = Arc::as_ptr(shared) as usize;
    &WAITING[(at >> 6) % WAITING.len()]
}

/// Lock the shared world, recovering from a poisoned lock (a panicking handler must not take the
/// whole emulator down with it). The wait is counted, so a long engine phase knows to let it in.
pub fn lock(shared: &Shared) -> std::sync::MutexGuard<'_, World> {
    let count = waiting(shared);
    count.fetch_add(1, Ordering::SeqCst);
    let guard = lock_uncounted(shared);
    count.fetch_sub(1, Ordering::SeqCst);
    guard
}

/// `lock` without being counted as waiting: for the engine, which gives way rather than asks for it.
pub fn lock_uncounted(shared: &Shared) -> std::sync::MutexGuard<'_, World> {
    shared
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Whether some thread waits for this world's lock.
pub fn someone_waits(shared: &Shared) -> bool {
    waiting(shared).load(Ordering::SeqCst) > 0
}

pub struct World {
    /// Virtual time. Only `sim::clock` moves it.
    pub now: Timestamp,
    /// When the scenario started (virtual): ages are measured from here by some renderers.
    pub started: Timestamp,
    pub aws: AwsState,
    pub kube: Store,
    pub requests: RequestLog,
    pub faults: Faults,
    pub timings: Timings,
    /// How the Kubernetes API server treats watches and credentials.
    pub api: ApiServer,
    pub rng: Rng,
    /// The engine's idle-tick memory.
    pub engine: super::engine::Cache,
    /// How well the clock keeps up with `--speed` (what `GET /_sim/clock` reports).
    pub pace: super::clock::Pace,
}

impl World {
    /// The cluster the Kubernetes API belongs to (the scenario's first cluster).
    pub fn kube_cluster(&self) -> Option<&Cluster> {
        self.aws.clusters.get(&self.aws.kube_cluster)
    }

    pub fn kube_cluster_mut(&mut self) -> Option<&mut Cluster> {
        let name = self.aws.kube_cluster.clone();
        self.aws.clusters.get_mut(&name)
    }

    /// RFC 3339 rendering of the virtual now, second precision, `Z` suffix (as Kubernetes does).
    pub fn now_rfc3339(&self) -> String {
        rfc3339(self.now)
    }
}

/// `2024-12-12T06:51:22Z`: Kubernetes' timestamp format.
pub fn rfc3339(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Seconds since the Unix epoch with fraction, the format of timestamps in EKS JSON responses.
pub fn epoch_seconds(t: Timestamp) -> f64 {
    t.as_millisecond() as f64 / 1000.0
}

// ---------------------------------------------------------------------------------------------
// AWS side
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Default)]
pub struct AwsState {
    pub account: String,
    pub region: String,
    /// Name of the cluster whose Kubernetes API the emulator serves.
    pub kube_cluster: String,
    pub clusters: BTreeMap<String, Cluster>,
    pub subnets: BTreeMap<String, Subnet>,
    /// IAM roles by role name.
    pub roles: BTreeMap<String, Role>,
    /// DescribeAddonVersions catalogue: each item in the EKS wire shape of `AddonInfo`
    /// (`addonName`, `type`, `addonVersions[{addonVersion, compatibilities[{clusterVersion,
    /// defaultVersion, platformVersions}]}]`, ...).
    pub addon_catalog: Vec<Value>,
    /// DescribeClusterVersions catalogue: each item in the EKS wire shape of `ClusterVersionInformation`.
    pub cluster_versions: Vec<Value>,
}

#[derive(Debug, Clone)]
pub struct Cluster {
    pub name: String,
    pub arn: String,
    /// Kubernetes minor version, e.g. "1.30".
    pub version: String,
    pub platform_version: String,
    /// ACTIVE, CREATING, UPDATING, DELETING, FAILED, PENDING.
    pub status: String,
    pub created_at: Timestamp,
    pub role_arn: String,
    pub vpc_id: String,
    pub subnet_ids: Vec<String>,
    pub security_group_ids: Vec<String>,
    pub endpoint: String,
    /// Who may reach the cluster's API endpoint (DescribeCluster `resourcesVpcConfig`).
    pub endpoint_access: EndpointAccess,
    pub auto_mode: AutoMode,
    /// Insights in the EKS wire shape of `Insight` (DescribeInsight's `insight`); ListInsights
    /// answers with the summary fields of the same objects.
    pub insights: Vec<Value>,
    /// Addons in the EKS wire shape of `Addon` (DescribeAddon's `addon`).
    pub addons: Vec<Value>,
    pub updates: Vec<Update>,
    pub update_behaviour: UpdateBehaviour,
    pub insights_refresh: Option<InsightsRefresh>,
    pub tags: BTreeMap<String, String>,
}

/// `endpointPublicAccess`, `endpointPrivateAccess` and `publicAccessCidrs`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct EndpointAccess {
    pub public_access: bool,
    pub private_access: bool,
    pub public_access_cidrs: Vec<String>,
}

impl Default for EndpointAccess {
    /// What a cluster created from the console gets: public and private, open to the world.
    fn default() -> Self {
        EndpointAccess {
            public_access: true,
            private_access: true,
            public_access_cidrs: vec!["0.0.0.0/0".into()],
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct AutoMode {
    pub compute: bool,
    pub storage: bool,
    pub elb: bool,
    /// computeConfig.nodePools, e.g. ["general-purpose", "system"].
    pub node_pools: Vec<String>,
    pub node_role_arn: Option<String>,
}

#[derive(Debug, Clone)]
pub struct UpdateBehaviour {
    /// How long a control-plane version update stays InProgress (virtual seconds).
    pub duration_s: u64,
    /// When set, the update ends Failed with this error code (e.g. "ClusterUnreachable").
    pub fail_with: Option<String>,
    /// ERROR upgrade-readiness insights refuse an unforced update (InvalidStateException), as
    /// when EKS enforces them; off, the update goes ahead.
    pub enforce_insights: bool,
}

#[derive(Debug, Clone)]
pub struct Update {
    pub id: String,
    /// VersionUpdate, ...
    pub kind: String,
    /// InProgress, Successful, Failed, Cancelled.
    pub status: String,
    /// (type, value) pairs, e.g. ("Version", "1.31"), ("PlatformVersion", "eks.1").
    pub params: Vec<(String, String)>,
    pub created_at: Timestamp,
    pub finish_at: Timestamp,
    /// Wire-shaped `ErrorDetail` objects (`errorCode`, `errorMessage`, `resourceIds`).
    pub errors: Vec<Value>,
    /// For a VersionUpdate: the version the cluster moves to.
    pub target_version: Option<String>,
    pub client_request_token: Option<String>,
}

#[derive(Debug, Clone)]
pub struct InsightsRefresh {
    /// IN_PROGRESS, FAILED, COMPLETED.
    pub status: String,
    pub started_at: Timestamp,
    pub ended_at: Option<Timestamp>,
}

#[derive(Debug, Clone)]
pub struct Subnet {
    pub id: String,
    pub vpc_id: String,
    pub cidr: String,
    pub az: String,
    pub az_id: String,
    pub available_ips: i64,
}

#[derive(Debug, Clone)]
pub struct Role {
    pub name: String,
    pub arn: String,
    pub role_id: String,
    pub path: String,
    pub created_at: Timestamp,
    /// The trust policy as JSON (rendered URL-encoded by GetRole, as AWS does).
    pub trust_policy: Value,
    /// Attached managed policy names, e.g. "AmazonEKSClusterPolicy" (ARN is
    /// `arn:aws:iam::aws:policy/NAME`).
    pub attached_policies: Vec<String>,
    pub description: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Request log
// ---------------------------------------------------------------------------------------------

/// One request as `GET /_sim/requests` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct RequestRecord {
    /// "eks", "ec2", "iam" or "kubernetes".
    pub service: String,
    /// AWS operation name ("UpdateClusterVersion") or, for Kubernetes, verb and resource
    /// ("list pods", "create pods", "evict pods", "watch nodes").
    pub operation: String,
    pub mutating: bool,
    /// Virtual time, RFC 3339.
    pub at: String,
}

/// Bounded log of requests: the oldest entries drop off past `capacity`.
#[derive(Debug, Clone)]
pub struct RequestLog {
    pub entries: std::collections::VecDeque<RequestRecord>,
    pub capacity: usize,
}

impl Default for RequestLog {
    fn default() -> Self {
        RequestLog {
            entries: Default::default(),
            capacity: 200_000,
        }
    }
}

impl RequestLog {
    pub fn record(&mut self, service: &str, operation: &str, mutating: bool, at: Timestamp) {
        if self.entries.len() >= self.capacity {
            self.entries.pop_front();
        }
        self.entries.push_back(RequestRecord {
            service: service.to_string(),
            operation: operation.to_string(),
            mutating,
            at: rfc3339(at),
        });
    }
}

// ---------------------------------------------------------------------------------------------
// Timings (virtual seconds) of Auto Mode behaviour; a scenario may override any of them.
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct Timings {
    /// From NodeClaim creation until the Node object registers (NotReady).
    pub node_register_s: u64,
    /// From registration until the Node is Ready.
    pub node_ready_s: u64,
    /// Image pull on a node that has not pulled the image yet (ContainerCreating time).
    pub image_pull_s: u64,
    /// Container start when the image is already on the node.
    pub container_start_s: u64,
    /// From the start of a node's removal (NotReady) until the Node object is gone.
    pub node_shutdown_s: u64,
    /// How often the disruption controller retries a blocked eviction.
    pub eviction_retry_s: u64,
    /// How long StartInsightsRefresh takes to complete.
    pub insights_refresh_s: u64,
}

impl Default for Timings {
    fn default() -> Self {
        Timings {
            node_register_s: 15,
            node_ready_s: 2,
            image_pull_s: 25,
            container_start_s: 1,
            node_shutdown_s: 15,
            eviction_retry_s: 5,
            insights_refresh_s: 20,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The Kubernetes API server's own settings (a scenario's `apiServer:` section, `eksauto sim` options)
// ---------------------------------------------------------------------------------------------

/// What kube-apiserver's flags and EKS's authenticator decide: watch bookmarks and timeouts (wall
/// clock, like the HTTP connections they govern) and the lifetime of `aws eks get-token` tokens
/// (virtual time, like everything the cluster does).
#[derive(Debug, Clone, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct ApiServerSettings {
    /// Wall-clock seconds between BOOKMARK events on watches that allow them (the watch cache
    /// sends one about every minute, and one 2 s before the watch's timeout).
    pub bookmark_interval_s: u64,
    /// kube-apiserver's `--min-request-timeout`: a watch without `timeoutSeconds` ends after a
    /// random time between this and twice this (wall-clock seconds).
    pub min_request_timeout_s: u64,
    /// Virtual seconds an `aws eks get-token` token is accepted after its `X-Amz-Date` (EKS: 15
    /// minutes).
    pub token_lifetime_s: u64,
    /// Refuse every credential but `aws eks get-token` tokens, as EKS does; the emulator's own
    /// kubeconfig then runs that exec plugin, as `aws eks update-kubeconfig` writes it.
    pub require_aws_tokens: bool,
}

impl Default for ApiServerSettings {
    fn default() -> Self {
        ApiServerSettings {
            bookmark_interval_s: 60,
            min_request_timeout_s: 1800,
            token_lifetime_s: 900,
            require_aws_tokens: false,
        }
    }
}

/// The API server's settings and what it needs at run time to authenticate requests.
#[derive(Debug, Clone, Default)]
pub struct ApiServer {
    pub settings: ApiServerSettings,
    /// The bearer token of the emulator's own kubeconfig (empty: none handed out).
    pub static_token: String,
    /// `host:port` of the emulator's AWS endpoint: `aws eks get-token` presigns its STS URL there
    /// when `AWS_ENDPOINT_URL` points at the emulator.
    pub aws_host: String,
    /// Wall clock → virtual time, to age tokens signed on the wall clock.
    pub wall: super::clock::WallMap,
}

// ---------------------------------------------------------------------------------------------
// Deterministic randomness
// ---------------------------------------------------------------------------------------------

/// SplitMix64: small, fast and deterministic for a given seed, so a scenario under the manual clock
/// replays identically (names, uids, instance ids).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// `n` characters from Kubernetes' name-suffix alphabet (no vowels, no confusables).
    pub fn suffix(&mut self, n: usize) -> String {
        const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
        (0..n)
            .map(|_| ALPHABET[(self.next_u64() % ALPHABET.len() as u64) as usize] as char)
            .collect()
    }

    /// `n` lowercase hex digits.
    pub fn hex(&mut self, n: usize) -> String {
        let mut s = String::with_capacity(n);
        while s.len() < n {
            s.push_str(&format!("{:016x}", self.next_u64()));
        }
        s.truncate(n);
        s
    }

    /// A UUID-shaped identifier (version 4 layout).
    pub fn uuid(&mut self) -> String {
        let h = self.hex(32);
        format!(
            "{}-{}-4{}-a{}-{}",
            &h[0..8],
            &h[8..12],
            &h[13..16],
            &h[17..20],
            &h[20..32]
        )
    }
}
