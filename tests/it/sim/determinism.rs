//! Under the manual clock the emulator is deterministic: the article's upgrade, driven the same way
//! twice, shows watchers exactly the same sequence of changes (kind, event, name, node, phase,
//! readiness) — same pod and node names, same order.

use crate::common::{self, node_ready, pod_ready};

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use k8s_openapi::api::core::v1::{Node, Pod};
use kube::runtime::watcher::{self, Event};
use kube::{Api, ResourceExt};

use eksauto_sim::SimHandle;

/// One observed change: (kind, event, name, node, phase or kubelet version, ready).
type Change = (String, String, String, String, String, bool);

#[derive(Default)]
struct Recorder {
    synced_kinds: usize,
    changes: Vec<Change>,
    /// name → resourceVersion last seen, per kind.
    seen: BTreeMap<(String, String), String>,
}

fn pod_change(kind: &str, p: &Pod) -> Change {
    let st = p.status.as_ref();
    (
        "Pod".into(),
        kind.into(),
        p.name_any(),
        p.spec
            .as_ref()
            .and_then(|s| s.node_name.clone())
            .unwrap_or_default(),
        format!(
            "{}{}",
            st.and_then(|s| s.phase.clone()).unwrap_or_default(),
            if p.metadata.deletion_timestamp.is_some() {
                "/Terminating"
            } else {
                ""
            }
        ),
        pod_ready(p),
    )
}

fn node_change(kind: &str, n: &Node) -> Change {
    let st = n.status.as_ref();
    (
        "Node".into(),
        kind.into(),
        n.name_any(),
        n.name_any(),
        st.and_then(|s| s.node_info.as_ref())
            .map(|i| i.kubelet_version.clone())
            .unwrap_or_default(),
        node_ready(n),
    )
}

fn record<K, F>(
    api: Api<K>,
    cfg: watcher::Config,
    rec: Arc<Mutex<Recorder>>,
    kind: &'static str,
    f: F,
) -> tokio::task::JoinHandle<()>
where
    K: kube::Resource + Clone + std::fmt::Debug + serde::de::DeserializeOwned + Send + 'static,
    K::DynamicType: Default,
    F: Fn(&str, &K) -> Change + Send + Sync + 'static,
{
    common::spawn_watcher(api, cfg, move |ev| {
        let mut r = rec.lock().unwrap();
        match ev {
            Event::InitDone => r.synced_kinds += 1,
            Event::InitApply(o) => {
                let rv = o.resource_version().unwrap_or_default();
                r.seen.insert((kind.into(), o.name_any()), rv);
            }
            Event::Apply(o) => {
                let rv = o.resource_version().unwrap_or_default();
                r.seen.insert((kind.into(), o.name_any()), rv);
                let c = f("MODIFIED", &o);
                r.changes.push(c);
            }
            Event::Delete(o) => {
                r.seen.remove(&(kind.to_string(), o.name_any()));
                let c = f("DELETED", &o);
                r.changes.push(c);
            }
            Event::Init => {}
        }
    })
}

/// (kind, name) → resourceVersion of the myapp pods and the nodes in the store.
fn store_view(sim: &SimHandle) -> BTreeMap<(String, String), String> {
    let (pods, nodes) = common::myapp_and_node_versions(sim);
    let keyed = |kind: &str, m: BTreeMap<String, String>| {
        m.into_iter()
            .map(|(name, rv)| ((kind.to_string(), name), rv))
            .collect::<Vec<_>>()
    };
    keyed("Pod", pods)
        .into_iter()
        .chain(keyed("Node", nodes))
        .collect()
}

async fn catch_up(sim: &SimHandle, rec: &Arc<Mutex<Recorder>>) {
    let want = store_view(sim);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        {
            let r = rec.lock().unwrap();
            if r.synced_kinds >= 2 && r.seen == want {
                return;
            }
        }
        assert!(Instant::now() < deadline, "watchers did not catch up");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

/// Runs the article upgrade for `seconds` virtual seconds and returns what the watchers saw.
async fn run_upgrade(seconds: u64) -> Vec<Change> {
    let sim = common::start_sim("article", true).await;
    let client = common::kube_client(&sim).await;
    let rec = Arc::new(Mutex::new(Recorder::default()));
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    let nodes: Api<Node> = Api::all(client);
    let _a = record(
        pods,
        watcher::Config::default().labels("app=myapp"),
        rec.clone(),
        "Pod",
        pod_change,
    );
    let _b = record(
        nodes,
        watcher::Config::default(),
        rec.clone(),
        "Node",
        node_change,
    );
    catch_up(&sim, &rec).await;

    common::sdk_update_cluster_version(&sim, "1.31", false).await;
    for _ in 0..seconds / 2 {
        common::advance(&sim, 2);
        catch_up(&sim, &rec).await;
    }
    let r = rec.lock().unwrap();
    // Pod changes and node changes come on separate streams; within each the order is the store's.
    let (mut pods, nodes): (Vec<Change>, Vec<Change>) =
        r.changes.iter().cloned().partition(|c| c.0 == "Pod");
    pods.extend(nodes);
    pods
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn article_upgrade_replays_identically() {
    let first = run_upgrade(700).await;
    let second = run_upgrade(700).await;
    assert!(
        first.iter().any(|c| c.0 == "Node" && c.1 == "DELETED"),
        "the run covers the node rotation"
    );
    assert!(first.iter().filter(|c| c.0 == "Pod").count() > 40);
    assert_eq!(first.len(), second.len(), "same number of changes");
    for (i, (a, b)) in first.iter().zip(&second).enumerate() {
        assert_eq!(a, b, "change #{i} differs");
    }
}
