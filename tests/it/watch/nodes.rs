//! The article's efficiency experiment watched twice: `kubectl get nodes -w --output-watch-events`
//! and `eksauto watch nodes` (no terminal) run side by side while a pod too big for the existing
//! node brings a new one and, once the pod is deleted, the emptied node goes away after the
//! NodePool's consolidateAfter. Both must tell the same story: the same node joined, the same node
//! removed, and nothing else. Without a terminal, the view starts as `kubectl get -w` does: with a
//! line per node, or per pod, that exists.

use crate::common::{self, kubectl_ok as kubectl, virtual_now, Streaming};

use std::collections::BTreeSet;
use std::time::Duration;

use eksauto_sim::SimHandle;

/// Both watchers' lines so far.
#[derive(Default)]
struct Seen {
    kubectl: Vec<String>,
    eksauto: Vec<String>,
}

impl Seen {
    fn take(&mut self, k: &Streaming, e: &Streaming) {
        self.kubectl.extend(k.drain());
        self.eksauto.extend(e.drain());
    }

    /// Node names of kubectl's `EVENT` lines.
    fn kubectl_names(&self, event: &str) -> BTreeSet<String> {
        self.kubectl
            .iter()
            .filter_map(|l| {
                let mut cells = l.split_whitespace();
                (cells.next() == Some(event)).then(|| cells.next().unwrap().to_string())
            })
            .collect()
    }

    /// Node names of eksauto's `node NAME EVENT` lines.
    fn eksauto_names(&self, event: &str) -> BTreeSet<String> {
        self.eksauto
            .iter()
            .filter_map(|l| {
                let cells: Vec<&str> = l.split_whitespace().collect();
                (cells.get(1) == Some(&"node") && cells.get(3) == Some(&event))
                    .then(|| cells[2].to_string())
            })
            .collect()
    }

    fn dump(&self) -> String {
        format!(
            "kubectl:\n{}\neksauto:\n{}",
            self.kubectl.join("\n"),
            self.eksauto.join("\n")
        )
    }
}

/// Moves the manual clock a second at a time, gathering both watchers' lines, until `done` holds
/// (panics after `max` virtual seconds).
async fn drive_both_until(
    sim: &SimHandle,
    k: &Streaming,
    e: &Streaming,
    seen: &mut Seen,
    max: u64,
    what: &str,
    done: impl Fn(&Seen) -> bool,
) {
    for _ in 0..max {
        common::advance(sim, 1);
        tokio::time::sleep(Duration::from_millis(10)).await;
        seen.take(k, e);
        if done(seen) {
            return;
        }
    }
    // the last events may still be on their way
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        seen.take(k, e);
        if done(seen) {
            return;
        }
    }
    panic!(
        "{what} not seen within {max} virtual seconds\n{}",
        seen.dump()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_and_eksauto_see_the_same_node_come_and_go() {
    let sim = common::start_sim("article", true).await;
    let first = kubectl(&sim, &["get", "nodes", "-o", "name"]).await;
    let first = first.trim().trim_start_matches("node/").to_string();

    let k = Streaming::spawn(common::kubectl(
        &sim,
        ["get", "nodes", "--watch", "--output-watch-events"],
    ));
    let line = k
        .wait_for("the existing node", Duration::from_secs(30), |l| {
            l.starts_with("ADDED")
        })
        .await;
    assert!(line.contains(&first), "{line}");
    let e = Streaming::spawn(common::eksauto(&sim, ["watch", "nodes"]));
    // eksauto prints nothing for the initial list: wait until it watches the nodes too
    assert!(
        common::wait_for_requests(&sim, "watch nodes", 2, Duration::from_secs(30)).await,
        "eksauto never watched the nodes"
    );
    let mut seen = Seen {
        kubectl: vec![line],
        ..Seen::default()
    };

    // myapp takes 10 of the node's 16 CPUs: a pod asking for 8 needs a new node
    kubectl(&sim, &["create", "namespace", "efficiency"]).await;
    let big = r#"{"apiVersion":"v1","spec":{"containers":[{"name":"big","image":"nginx","resources":{"requests":{"cpu":"8"}}}]}}"#;
    kubectl(
        &sim,
        &[
            "run",
            "big",
            "-n",
            "efficiency",
            "--image=nginx",
            "--overrides",
            big,
        ],
    )
    .await;
    drive_both_until(&sim, &k, &e, &mut seen, 300, "the new node", |s| {
        !s.eksauto_names("joined").is_empty() && s.kubectl_names("ADDED").len() == 2
    })
    .await;
    let mut running = String::new();
    for _ in 0..120 {
        running = kubectl(
            &sim,
            &[
                "get",
                "pod",
                "big",
                "-n",
                "efficiency",
                "-o",
                "jsonpath={.status.phase} {.spec.nodeName}",
            ],
        )
        .await;
        if running.starts_with("Running") {
            break;
        }
        common::advance(&sim, 1);
    }
    let new = running
        .strip_prefix("Running ")
        .unwrap_or_else(|| panic!("big never ran: {running}"))
        .to_string();
    assert_ne!(new, first);

    kubectl(
        &sim,
        &["delete", "pod", "big", "-n", "efficiency", "--wait=false"],
    )
    .await;
    let deleted_at = virtual_now(&sim);
    let deleted_wall = std::time::Instant::now();
    drive_both_until(&sim, &k, &e, &mut seen, 600, "the node's removal", |s| {
        !s.eksauto_names("removed").is_empty() && !s.kubectl_names("DELETED").is_empty()
    })
    .await;
    let gone_after = virtual_now(&sim).duration_since(deleted_at).as_secs();
    let wall_gone = deleted_wall.elapsed();
    // a little more time: anything else either of them would report
    for _ in 0..60 {
        common::advance(&sim, 1);
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    seen.take(&k, &e);
    let dump = seen.dump();

    let kubectl_joined: BTreeSet<String> =
        &seen.kubectl_names("ADDED") - &BTreeSet::from([first.clone()]);
    assert_eq!(kubectl_joined, BTreeSet::from([new.clone()]), "{dump}");
    assert_eq!(seen.eksauto_names("joined"), kubectl_joined, "{dump}");
    assert_eq!(
        seen.kubectl_names("DELETED"),
        BTreeSet::from([new.clone()]),
        "{dump}"
    );
    assert_eq!(
        seen.eksauto_names("removed"),
        seen.kubectl_names("DELETED"),
        "{dump}"
    );

    let joined = seen
        .eksauto
        .iter()
        .find(|l| l.contains(&format!(" node {new} joined ")))
        .unwrap();
    assert!(joined.contains(" on-demand general-purpose "), "{joined}");
    assert!(
        seen.eksauto
            .iter()
            .any(|l| l.contains(&format!(" node {new} Ready (in "))),
        "{dump}"
    );
    // the node stayed empty for consolidateAfter (30s) of virtual time before it went
    assert!(
        (30..=180).contains(&gone_after),
        "gone {gone_after}s after the delete"
    );
    // eksauto times its lines on the server's clock, like the timestamps the server writes: the
    // wait it reports is the virtual time the node stayed empty (consolidateAfter and more), not
    // the fraction of a second that passed here
    let removed = seen
        .eksauto
        .iter()
        .find(|l| l.contains(&format!(" node {new} removed")))
        .unwrap();
    let secs: u64 = removed
        .split(" removed ")
        .nth(1)
        .and_then(|s| s.strip_suffix("s after its last pod left"))
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no seconds in {removed}"));
    assert!(
        secs >= 30 && secs as i64 <= gone_after + 2,
        "{removed}, but the node went {gone_after}s (virtual) after the delete ({wall_gone:?} here)\n{dump}"
    );
    let nodes = kubectl(&sim, &["get", "nodes", "-o", "name"]).await;
    assert_eq!(nodes.trim(), format!("node/{first}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_nodes_without_a_terminal_starts_with_every_node() {
    let sim = common::start_sim("article", true).await;
    let node = common::first_node(&sim).await;
    let mut cmd = common::eksauto(&sim, ["watch", "nodes"]);
    cmd.stdin(std::process::Stdio::null());
    let started = std::time::Instant::now();
    let watch = Streaming::spawn(cmd);
    let line = watch
        .wait_for(
            "a line for the existing node",
            Duration::from_secs(5),
            |l| l.contains(" node i-"),
        )
        .await;
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(
        line.contains(&format!(" node {node} Ready ")) && line.contains("v1.30"),
        "{line}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_pods_without_a_terminal_starts_with_every_pod() {
    let sim = common::start_sim("article", true).await;
    let listed = kubectl(
        &sim,
        &[
            "get",
            "pods",
            "-A",
            "-o",
            "jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name}{\"\\n\"}{end}",
        ],
    )
    .await;
    let want: BTreeSet<String> = listed.lines().map(str::to_string).collect();
    assert!(want.len() >= 10, "{listed}");
    let mut cmd = common::eksauto(&sim, ["watch", "pods", "-A"]);
    cmd.stdin(std::process::Stdio::null());
    let watch = Streaming::spawn(cmd);
    let mut seen = BTreeSet::new();
    while seen.len() < want.len() {
        let line = watch
            .wait_for("a line per existing pod", Duration::from_secs(5), |l| {
                l.contains(" pod ")
            })
            .await;
        let name = line.split(" pod ").nth(1).and_then(|r| r.split(' ').next());
        seen.insert(name.unwrap_or_default().to_string());
        assert!(line.contains(" Running on i-"), "{line}");
    }
    assert_eq!(seen, want);
}
