//! The live model stays true to the server through everything a long watch meets on a real
//! cluster: streams cut, a compaction (the resumed watch gets `410 Gone` and re-lists), the
//! server closing watches on their timeout, and the EKS token expiring mid-rotation (401, the
//! exec plugin runs again). The article's upgrade runs meanwhile; at the end the live state must
//! hold exactly what the emulator holds.

use crate::common::{self, node_ready, pod_ready};

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Node, Pod};
use kube::api::{Api, ListParams};
use tokio::sync::mpsc;

use eksauto::cli::GlobalArgs;
use eksauto::connect;
use eksauto::live::feed::{self, FeedConfig, Reconnect};
use eksauto::live::{Change, Kind, State};
use eksauto::version::Minor;
use eksauto_sim::SimOptions;

/// (kubelet version, ready) per node, and (node, ready, terminating) per pod.
type Picture = (
    BTreeMap<String, (String, bool)>,
    BTreeMap<String, (Option<String>, bool, bool)>,
);

fn live_picture(s: &State) -> Picture {
    let nodes = s
        .nodes()
        .iter()
        .map(|(k, n)| (k.clone(), (n.facts.kubelet_version.clone(), n.facts.ready)))
        .collect();
    let pods = s
        .pods()
        .iter()
        .map(|(k, p)| (k.clone(), (p.node.clone(), p.ready, p.terminating)))
        .collect();
    (nodes, pods)
}

async fn server_picture(client: &kube::Client) -> Picture {
    let nodes = Api::<Node>::all(client.clone())
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|n| {
            let ready = node_ready(&n);
            let status = n.status.unwrap_or_default();
            (
                n.metadata.name.unwrap_or_default(),
                (
                    status
                        .node_info
                        .map(|i| i.kubelet_version)
                        .unwrap_or_default(),
                    ready,
                ),
            )
        })
        .collect();
    let pods = Api::<Pod>::all(client.clone())
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|p| {
            let ready = pod_ready(&p);
            (
                format!(
                    "{}/{}",
                    p.metadata.namespace.unwrap_or_default(),
                    p.metadata.name.unwrap_or_default()
                ),
                (
                    p.spec.and_then(|s| s.node_name),
                    ready,
                    p.metadata.deletion_timestamp.is_some(),
                ),
            )
        })
        .collect();
    (nodes, pods)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_live_state_survives_cuts_compaction_timeouts_and_an_expired_token() {
    let sim = common::start_article_manual(SimOptions {
        require_aws_tokens: true,
        token_lifetime_s: Some(120),
        ..Default::default()
    })
    .await;
    // A kubeconfig whose exec plugin (`aws eks get-token`) gets the emulator's AWS settings.
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    common::with_exec_env(&sim, &sim.kubeconfig, &kubeconfig);
    let global = GlobalArgs {
        kubeconfig: Some(kubeconfig),
        ..Default::default()
    };
    let conn = connect::kube_only(&global, feed::READ_TIMEOUT)
        .await
        .expect("client");
    let refreshed = Arc::new(Mutex::new(0u32));
    let (g, count) = (global.clone(), refreshed.clone());
    let reconnect: Reconnect = Arc::new(move || {
        let (g, count) = (g.clone(), count.clone());
        Box::pin(async move {
            *count.lock().unwrap() += 1;
            connect::kube_only(&g, feed::READ_TIMEOUT)
                .await
                .ok()
                .map(|k| k.kube.client)
        })
    });
    let (tx, mut rx) = mpsc::channel(4096);
    feed::spawn(
        &conn.kube,
        &FeedConfig {
            kinds: Kind::ALL.to_vec(),
            namespace: None,
            selector: None,
        },
        reconnect,
        tx,
    );
    let state = Arc::new(Mutex::new(State::new(
        Some(Minor::new(1, 31)),
        Timestamp::now(),
    )));
    let (owner, seen) = (state.clone(), Arc::new(Mutex::new(Vec::<String>::new())));
    let log = seen.clone();
    tokio::spawn(async move {
        while let Some(c) = rx.recv().await {
            if let Change::Trouble(k, why) = &c {
                log.lock().unwrap().push(format!("{}: {why}", k.name()));
            }
            if let Change::Relist(k) = &c {
                log.lock().unwrap().push(format!("{}: relist", k.name()));
            }
            owner.lock().unwrap().apply(c, Timestamp::now());
        }
    });
    let wait_synced = Instant::now();
    while !state.lock().unwrap().all_synced(&Kind::ALL) {
        assert!(
            wait_synced.elapsed() < Duration::from_secs(30),
            "never synced"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    common::cli_update_cluster_version(&sim, "1.31", false).await;

    // Run the rotation in 5-second steps of virtual time, with a fault now and then.
    let started = Instant::now();
    for step in 0..600u32 {
        sim.advance(Duration::from_secs(5));
        match step {
            20 | 90 => assert!(common::control(&sim, "/_sim/watches/cut", "").await < 300),
            50 | 130 => assert!(common::control(&sim, "/_sim/watches/compact", "").await < 300),
            _ => {}
        }
        tokio::time::sleep(Duration::from_millis(40)).await;
        let done = {
            let s = state.lock().unwrap();
            step > 150
                && !s.nodes().is_empty()
                && s.nodes()
                    .values()
                    .all(|n| !n.is_old(Minor::new(1, 31)) && n.facts.ready)
                && s.pods().values().all(|p| p.ready && !p.terminating)
        };
        if done {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(240),
            "rotation did not finish"
        );
    }

    // The state converges on what the server holds.
    let fresh = connect::kube_only(&global, feed::READ_TIMEOUT)
        .await
        .unwrap()
        .kube
        .client;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let server = server_picture(&fresh).await;
        let live = live_picture(&state.lock().unwrap());
        if live == server {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "live state differs from the server:\nlive   {live:?}\nserver {server:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let s = state.lock().unwrap();
    let myapp = &s.pdbs()["default/myapp"];
    assert_eq!(myapp.required(), 8);
    assert!(myapp.lowest.unwrap() >= 8, "lowest {:?}", myapp.lowest);
    assert!(myapp.violations.is_empty(), "{:?}", myapp.violations);
    assert_eq!(s.progress().replaced.values().sum::<u32>(), 1);
    let seen = seen.lock().unwrap().clone();
    let relists = seen.iter().filter(|l| l.ends_with("relist")).count();
    assert!(
        relists > Kind::ALL.len(),
        "a compaction forces re-lists: {seen:?}"
    );
    assert!(
        *refreshed.lock().unwrap() >= 1,
        "the token expired and was refreshed: {seen:?}"
    );
}
