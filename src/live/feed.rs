//! The live model's only I/O: one `kube::runtime::watcher` per kind (one list, then one watch,
//! resumed from the last resourceVersion, re-listed after a `410 Gone`, retried with backoff),
//! each object converted into the project's compact facts as it arrives and sent over one
//! channel, in order, to the task that owns the state. Nothing is polled and nothing is written.
//!
//! A 401 or 403 may mean the credentials expired (EKS tokens live 15 minutes): the watcher is
//! restarted once with a client built anew from the kubeconfig, which runs its `exec` plugin
//! again. Refused again before anything was read, the credentials are refused: the feed says so
//! ([`Change::Refused`]) and that kind's watcher stops. Every retry waits first.

use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use futures::StreamExt;
use k8s_openapi::api::core::v1::{Event as CoreEvent, Node};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use kube::api::{Api, ApiResource, DynamicObject, GroupVersionKind};
use kube::runtime::watcher::{self, Event};
use kube::runtime::WatchStreamExt;
use kube::Client;
use serde::de::DeserializeOwned;
use tokio::sync::mpsc;

use super::change::{Change, Kind, Object};
use crate::clients::Kube;
use crate::error::{one_line, root_cause};
use crate::facts::kube::{
    event_facts, forbidden_watch, node_claim_facts, node_facts, node_pool_facts, pdb_facts,
    pod_facts, refused_credentials,
};
use crate::facts::slim::SlimPod;

/// How long a watch may stay open: the server closes it then (a real server also sends a
/// bookmark about once a minute), and the watcher opens the next one from where it was.
const WATCH_TIMEOUT_SECS: u32 = 240;

/// The client's read timeout: longer than a watch may stay silent, so that only a dead
/// connection trips it.
pub const READ_TIMEOUT: std::time::Duration =
    std::time::Duration::from_secs(WATCH_TIMEOUT_SECS as u64 + 30);

/// Builds a fresh client (new credentials) when the API answers 401.
pub type Reconnect =
    Arc<dyn Fn() -> Pin<Box<dyn Future<Output = Option<Client>> + Send>> + Send + Sync>;

/// The wait before a watcher starts again with fresh credentials.
const REFRESH_WAIT: std::time::Duration = std::time::Duration::from_secs(1);

/// What to watch.
#[derive(Clone)]
pub struct FeedConfig {
    pub kinds: Vec<Kind>,
    /// Pods only in this namespace (`None`: all).
    pub namespace: Option<String>,
    /// Pods only with these labels (a label selector).
    pub selector: Option<String>,
}

impl FeedConfig {
    /// Every object of `kinds`.
    pub fn all(kinds: Vec<Kind>) -> FeedConfig {
        FeedConfig {
            kinds,
            namespace: None,
            selector: None,
        }
    }
}

/// Starts one watcher task per kind; they stop when the receiver is dropped.
pub fn spawn(kube: &Kube, config: &FeedConfig, reconnect: Reconnect, tx: mpsc::Sender<Change>) {
    for &kind in &config.kinds {
        let (client, tx, reconnect, cfg) = (
            kube.client.clone(),
            tx.clone(),
            reconnect.clone(),
            config.clone(),
        );
        let refused = Refusal {
            unauthorized: refused_credentials(&kube.url, &kube.context),
            forbidden: forbidden_watch(&kube.url, &kube.context, kind.name()),
        };
        tokio::spawn(async move { run_kind(kind, client, cfg, reconnect, refused, tx).await });
    }
}

/// What the user is told when the API server refuses a watcher, fresh credentials too.
struct Refusal {
    /// 401.
    unauthorized: String,
    /// 403.
    forbidden: String,
}

/// Watches one kind until the receiver goes away, with fresh credentials once after a 401/403.
async fn run_kind(
    kind: Kind,
    mut client: Client,
    cfg: FeedConfig,
    reconnect: Reconnect,
    refused: Refusal,
    tx: mpsc::Sender<Change>,
) {
    // Whether the credentials were refreshed since the watcher last read something.
    let mut refreshed = false;
    loop {
        let ended = watch_kind(kind, client.clone(), &cfg, &tx).await;
        match ended {
            Ended::ReceiverGone => return,
            Ended::NotServed => {
                // No such resource on this server (no Karpenter CRDs): an empty kind, not an error.
                let _ = tx.send(Change::Relist(kind)).await;
                let _ = tx.send(Change::Synced(kind)).await;
                return;
            }
            Ended::Refused { code, read_some } => {
                if refreshed && !read_some {
                    let why = match code {
                        403 => refused.forbidden,
                        _ => refused.unauthorized,
                    };
                    let _ = tx.send(Change::Refused(kind, why)).await;
                    return;
                }
                refreshed = true;
                tokio::time::sleep(REFRESH_WAIT).await;
                if let Some(fresh) = reconnect().await {
                    client = fresh;
                }
            }
        }
    }
}

/// One watcher stream of `kind`, each object converted into its facts.
async fn watch_kind(
    kind: Kind,
    client: Client,
    cfg: &FeedConfig,
    tx: &mpsc::Sender<Change>,
) -> Ended {
    let karpenter_api =
        |kind, plural| Api::<DynamicObject>::all_with(client.clone(), &karpenter(kind, plural));
    match kind {
        Kind::Nodes => {
            let api = Api::<Node>::all(client.clone());
            watch(kind, api, config(), |n| Object::Node(node_facts(n)), tx).await
        }
        Kind::Pods => {
            let api = match &cfg.namespace {
                Some(ns) => Api::<SlimPod>::namespaced(client.clone(), ns),
                None => Api::<SlimPod>::all(client.clone()),
            };
            let wc = match &cfg.selector {
                Some(sel) => config().labels(sel),
                None => config(),
            };
            watch(kind, api, wc, |p| Object::Pod(pod_facts(p)), tx).await
        }
        Kind::Pdbs => {
            let api = Api::<PodDisruptionBudget>::all(client.clone());
            watch(kind, api, config(), |p| Object::Pdb(pdb_facts(p)), tx).await
        }
        Kind::NodePools => {
            let api = karpenter_api("NodePool", "nodepools");
            let convert = |o: &DynamicObject| Object::NodePool(node_pool_facts(o));
            watch(kind, api, config(), convert, tx).await
        }
        Kind::NodeClaims => {
            let api = karpenter_api("NodeClaim", "nodeclaims");
            let convert = |o: &DynamicObject| Object::NodeClaim(node_claim_facts(o));
            watch(kind, api, config(), convert, tx).await
        }
        Kind::Events => {
            let api = Api::<CoreEvent>::all(client.clone());
            watch(kind, api, config(), |e| Object::Event(event_facts(e)), tx).await
        }
    }
}

fn config() -> watcher::Config {
    watcher::Config::default().timeout(WATCH_TIMEOUT_SECS)
}

fn karpenter(kind: &str, plural: &str) -> ApiResource {
    ApiResource::from_gvk_with_plural(&GroupVersionKind::gvk("karpenter.sh", "v1", kind), plural)
}

/// Why a watcher stream was left.
enum Ended {
    ReceiverGone,
    /// 404 on the first list.
    NotServed,
    /// 401 or 403: the credentials need refreshing, or are refused; `read_some` when the
    /// stream delivered anything before.
    Refused {
        code: u16,
        read_some: bool,
    },
}

/// Runs one watcher stream, sending each step as a [`Change`]. Transient errors are reported
/// and the watcher's own backoff retries them.
async fn watch<K>(
    kind: Kind,
    api: Api<K>,
    config: watcher::Config,
    convert: impl Fn(&K) -> Object,
    tx: &mpsc::Sender<Change>,
) -> Ended
where
    K: kube::Resource + Clone + DeserializeOwned + Debug + Send + 'static,
{
    let mut stream = watcher::watcher(api, config).default_backoff().boxed();
    let mut listed_once = false;
    let mut read_some = false;
    while let Some(step) = stream.next().await {
        // The start of a list is not an answer; an object or a completed list is.
        read_some |= matches!(
            step,
            Ok(Event::InitApply(_) | Event::InitDone | Event::Apply(_) | Event::Delete(_))
        );
        let change = match step {
            Ok(Event::Init) => Change::Relist(kind),
            Ok(Event::InitApply(o)) => Change::Listed(convert(&o)),
            Ok(Event::InitDone) => {
                listed_once = true;
                Change::Synced(kind)
            }
            Ok(Event::Apply(o)) => Change::Applied(convert(&o)),
            Ok(Event::Delete(o)) => Change::Deleted(convert(&o)),
            Err(e) => {
                match status_code(&e) {
                    Some(404) if !listed_once => return Ended::NotServed,
                    Some(code @ (401 | 403)) => {
                        let _ = tx
                            .send(Change::Trouble(
                                kind,
                                format!("credentials refused ({code}); refreshing"),
                            ))
                            .await;
                        return Ended::Refused { code, read_some };
                    }
                    _ => {}
                }
                Change::Trouble(kind, one_line(&root_cause(&e)))
            }
        };
        if tx.send(change).await.is_err() {
            return Ended::ReceiverGone;
        }
    }
    Ended::ReceiverGone
}

/// The HTTP status of a watcher error, when the API server answered one.
fn status_code(e: &watcher::Error) -> Option<u16> {
    let api = |k: &kube::Error| match k {
        kube::Error::Api(s) => Some(s.code),
        kube::Error::Auth(_) => Some(401),
        _ => None,
    };
    match e {
        watcher::Error::InitialListFailed(k)
        | watcher::Error::WatchStartFailed(k)
        | watcher::Error::WatchFailed(k) => api(k),
        watcher::Error::WatchError(s) => Some(s.code),
        watcher::Error::NoResourceVersion => None,
    }
}
