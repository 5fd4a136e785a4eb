//! Writes and Auto Mode behaviour the real clients rely on, judged by `kubectl` and raw HTTP on
//! the manual clock: `dryRun=All` on evictions and writes, grace periods of deletes and evictions,
//! PodDisruptionBudget status as the disruption controller computes it, and the article's
//! efficiency experiment (a pod brings a node; its deletion takes the emptied node away).

use crate::common::{self, kubectl, kubectl_ok as ok, object as get, virtual_now, Streaming};

use std::time::Duration;

use eksauto_sim::store::Res;
use eksauto_sim::world::lock;
use eksauto_sim::SimHandle;
use serde_json::Value;

/// The names of the myapp pods that are not being deleted.
fn myapp_pods(sim: &SimHandle) -> Vec<String> {
    lock(&sim.world)
        .kube
        .list(Res::Pods, Some("default"))
        .iter()
        .filter(|p| p["metadata"]["labels"]["app"] == "myapp")
        .filter(|p| p["metadata"]["deletionTimestamp"].is_null())
        .map(|p| p["metadata"]["name"].as_str().unwrap().to_string())
        .collect()
}

fn eviction(name: &str, delete_options: Option<&str>) -> String {
    match delete_options {
        Some(d) => format!(
            r#"{{"apiVersion":"policy/v1","kind":"Eviction","metadata":{{"name":"{name}","namespace":"default"}},"deleteOptions":{d}}}"#
        ),
        None => format!(
            r#"{{"apiVersion":"policy/v1","kind":"Eviction","metadata":{{"name":"{name}","namespace":"default"}}}}"#
        ),
    }
}

async fn evict(sim: &SimHandle, name: &str, query: &str, options: Option<&str>) -> (u16, Value) {
    common::kube_json(
        sim,
        "POST",
        &format!("/api/v1/namespaces/default/pods/{name}/eviction{query}"),
        &eviction(name, options),
    )
    .await
}

fn terminating(sim: &SimHandle, name: &str) -> bool {
    get(sim, Res::Pods, "default", name)
        .is_some_and(|p| !p["metadata"]["deletionTimestamp"].is_null())
}

fn pdb_status(sim: &SimHandle, name: &str) -> Value {
    get(sim, Res::PodDisruptionBudgets, "default", name).unwrap()["status"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_runs_answer_what_would_happen_and_change_nothing() {
    let sim = common::start_sim("article", true).await;
    let names = myapp_pods(&sim);
    let node = common::first_node(&sim).await;

    // evictions: through the query or the Eviction's deleteOptions
    let (code, body) = evict(&sim, &names[0], "?dryRun=All", None).await;
    assert_eq!(code, 201, "{body}");
    let (code, body) = evict(&sim, &names[1], "", Some(r#"{"dryRun":["All"]}"#)).await;
    assert_eq!(code, 201, "{body}");
    // kubectl drain --dry-run=server cordons and evicts every pod as a dry run
    let out = ok(
        &sim,
        &[
            "drain",
            &node,
            "--ignore-daemonsets",
            "--dry-run=server",
            "--timeout=10s",
        ],
    )
    .await;
    assert!(out.contains("(server dry run)"), "{out}");
    for n in &names {
        assert!(!terminating(&sim, n), "{n} was evicted by a dry run");
    }
    let status = pdb_status(&sim, "myapp");
    assert_eq!(status["disruptionsAllowed"], 2, "{status}");
    assert!(
        status["disruptedPods"]
            .as_object()
            .is_none_or(|d| d.is_empty()),
        "{status}"
    );
    let n = get(&sim, Res::Nodes, "", &node).unwrap();
    assert!(
        n["spec"]["unschedulable"].is_null(),
        "cordoned by a dry run"
    );

    // deletes, scale, create
    let out = ok(&sim, &["delete", "pod", &names[2], "--dry-run=server"]).await;
    assert!(out.contains("deleted (server dry run)"), "{out}");
    assert!(!terminating(&sim, &names[2]));
    ok(
        &sim,
        &[
            "scale",
            "deploy",
            "myapp",
            "--replicas=3",
            "--dry-run=server",
        ],
    )
    .await;
    assert_eq!(
        get(&sim, Res::Deployments, "default", "myapp").unwrap()["spec"]["replicas"],
        10
    );
    let out = ok(
        &sim,
        &[
            "create",
            "deployment",
            "web",
            "--image=nginx",
            "--dry-run=server",
            "-o",
            "json",
        ],
    )
    .await;
    let created: Value = serde_json::from_str(&out).unwrap();
    assert!(created["metadata"]["uid"].is_string(), "{created}");
    assert_eq!(created["metadata"]["generation"], 1);
    assert!(get(&sim, Res::Deployments, "default", "web").is_none());
    let (code, _) = common::kube_json(
        &sim,
        "DELETE",
        "/apis/apps/v1/namespaces/default/deployments/myapp?dryRun=All",
        "",
    )
    .await;
    assert_eq!(code, 200);
    assert!(get(&sim, Res::Deployments, "default", "myapp").is_some());
    let (code, _) = evict(&sim, &names[0], "?dryRun=Maybe", None).await;
    assert_eq!(code, 400);

    // the answer is what would happen: once the budget is spent, a dry run is refused too
    assert_eq!(evict(&sim, &names[3], "", None).await.0, 201);
    assert_eq!(evict(&sim, &names[4], "", None).await.0, 201);
    let (code, body) = evict(&sim, &names[5], "?dryRun=All", None).await;
    assert_eq!(code, 429, "{body}");
    assert!(!terminating(&sim, &names[5]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grace_periods_come_from_the_pod_or_the_request() {
    let sim = common::start_sim("article", true).await;
    let names = myapp_pods(&sim);
    let grace = |name: &str| {
        let p = get(&sim, Res::Pods, "default", name).expect("the pod is still there");
        let at: jiff::Timestamp = p["metadata"]["deletionTimestamp"]
            .as_str()
            .expect("terminating")
            .parse()
            .unwrap();
        (
            p["metadata"]["deletionGracePeriodSeconds"]
                .as_i64()
                .unwrap(),
            at.as_second() - virtual_now(&sim).as_second(),
        )
    };

    // evictions: the Eviction's deleteOptions, or the request's gracePeriodSeconds
    let (code, body) = evict(&sim, &names[0], "", Some(r#"{"gracePeriodSeconds":7}"#)).await;
    assert_eq!(code, 201, "{body}");
    assert_eq!(grace(&names[0]), (7, 7));
    let (code, body) = evict(&sim, &names[1], "?gracePeriodSeconds=3", None).await;
    assert_eq!(code, 201, "{body}");
    assert_eq!(grace(&names[1]), (3, 3));

    // deletes: the pod's terminationGracePeriodSeconds (30 by default), or --grace-period
    ok(&sim, &["delete", "pod", &names[2], "--wait=false"]).await;
    assert_eq!(grace(&names[2]), (30, 30));
    ok(
        &sim,
        &[
            "delete",
            "pod",
            &names[3],
            "--grace-period=5",
            "--wait=false",
        ],
    )
    .await;
    assert_eq!(grace(&names[3]), (5, 5));

    common::advance(&sim, 8);
    assert!(get(&sim, Res::Pods, "default", &names[0]).is_none());
    assert!(get(&sim, Res::Pods, "default", &names[3]).is_none());
    assert_eq!(grace(&names[2]), (30, 22), "still Terminating");
    common::advance(&sim, 22);
    assert!(get(&sim, Res::Pods, "default", &names[2]).is_none());

    // a pod with its own grace period keeps it
    ok(
        &sim,
        &[
            "run",
            "slow",
            "--image=nginx",
            r#"--overrides={"spec":{"terminationGracePeriodSeconds":90}}"#,
        ],
    )
    .await;
    common::advance(&sim, 40);
    ok(&sim, &["delete", "pod", "slow", "--wait=false"]).await;
    assert_eq!(grace("slow"), (90, 90));
    // a second delete may shorten the grace, never lengthen it
    ok(
        &sim,
        &[
            "delete",
            "pod",
            "slow",
            "--grace-period=120",
            "--wait=false",
        ],
    )
    .await;
    assert_eq!(grace("slow"), (90, 90));
    ok(
        &sim,
        &["delete", "pod", "slow", "--grace-period=10", "--wait=false"],
    )
    .await;
    assert_eq!(grace("slow"), (10, 10));
    let out = ok(&sim, &["get", "pod", "slow"]).await;
    assert!(out.contains("Terminating"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pdb_status_follows_the_disruption_controller() {
    let sim = common::start_sim("article", true).await;
    let names = myapp_pods(&sim);
    let status = pdb_status(&sim, "myapp");
    assert_eq!(status["observedGeneration"], 1);
    assert_eq!(status["expectedPods"], 10);

    // a spec change the controller has not seen yet: evictions wait (429), nothing recomputed
    ok(
        &sim,
        &[
            "patch",
            "pdb",
            "myapp",
            "--type=merge",
            "-p",
            r#"{"spec":{"minAvailable":"70%"}}"#,
        ],
    )
    .await;
    let (code, body) = evict(&sim, &names[0], "", None).await;
    assert_eq!(code, 429, "{body}");
    assert_eq!(body["details"]["retryAfterSeconds"], 10, "{body}");
    assert_eq!(
        body["details"]["causes"][0]["message"],
        "The disruption budget myapp is still being processed by the server."
    );
    assert!(!terminating(&sim, &names[0]));
    common::advance(&sim, 1);
    let status = pdb_status(&sim, "myapp");
    assert_eq!(status["observedGeneration"], 2);
    assert_eq!(status["disruptionsAllowed"], 3, "{status}");

    // evictions spend the budget; at 0 the DisruptionAllowed condition turns False at once
    for n in &names[..3] {
        assert_eq!(evict(&sim, n, "", None).await.0, 201);
    }
    let status = pdb_status(&sim, "myapp");
    assert_eq!(status["disruptionsAllowed"], 0);
    let cond = &status["conditions"][0];
    assert_eq!(
        (&cond["type"], &cond["status"], &cond["reason"]),
        (
            &Value::from("DisruptionAllowed"),
            &Value::from("False"),
            &Value::from("InsufficientPods")
        ),
        "{status}"
    );
    let (code, body) = evict(&sim, &names[3], "", None).await;
    assert_eq!(code, 429);
    assert!(
        body["details"]["causes"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("The disruption budget myapp needs 7 healthy pods and has"),
        "{body}"
    );

    // a bare pod under a percentage budget is left out of expectedPods, with a warning
    common::advance(&sim, 60);
    ok(
        &sim,
        &["run", "bare", "--image=nginx", "--labels=app=myapp"],
    )
    .await;
    common::advance(&sim, 1);
    let status = pdb_status(&sim, "myapp");
    assert_eq!(status["expectedPods"], 10, "{status}");
    let events = ok(
        &sim,
        &[
            "get",
            "events",
            "--field-selector",
            "involvedObject.name=myapp",
            "-o",
            "json",
        ],
    )
    .await;
    let events: Value = serde_json::from_str(&events).unwrap();
    let unmanaged = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["reason"] == "UnmanagedPods")
        .unwrap_or_else(|| panic!("no UnmanagedPods event: {events}"));
    assert_eq!(unmanaged["type"], "Warning");
    assert_eq!(unmanaged["involvedObject"]["kind"], "PodDisruptionBudget");

    // an integer minAvailable counts the pods selected (terminating ones too), not the scale
    ok(
        &sim,
        &[
            "create",
            "deployment",
            "web",
            "--image=nginx",
            "--replicas=3",
        ],
    )
    .await;
    ok(
        &sim,
        &[
            "create",
            "pdb",
            "by-count",
            "--selector=app=web",
            "--min-available=2",
        ],
    )
    .await;
    ok(
        &sim,
        &[
            "create",
            "pdb",
            "by-share",
            "--selector=app=web",
            "--min-available=50%",
        ],
    )
    .await;
    common::advance(&sim, 60);
    assert_eq!(pdb_status(&sim, "by-count")["expectedPods"], 3);
    assert_eq!(pdb_status(&sim, "by-share")["expectedPods"], 3);
    let web = ok(
        &sim,
        &[
            "get",
            "pods",
            "-l",
            "app=web",
            "-o",
            "jsonpath={.items[0].metadata.name}",
        ],
    )
    .await;
    ok(&sim, &["delete", "pod", &web, "--wait=false"]).await;
    common::advance(&sim, 2);
    let by_count = pdb_status(&sim, "by-count");
    assert_eq!(by_count["expectedPods"], 4, "{by_count}");
    assert_eq!(pdb_status(&sim, "by-share")["expectedPods"], 3);
}

const QUIET: &str = r#"
name: quiet
description: a fresh Auto Mode cluster with no nodes and no workloads
region: ap-northeast-1
cluster:
  name: quiet-otter
  version: "1.30"
  roleName: AmazonEKSAutoClusterRole
  nodeRoleName: AmazonEKSAutoNodeRole
  subnets: [subnet-0c1a2b3c4d5e6f701, subnet-0a9b8c7d6e5f4a302]
subnets:
  - {id: subnet-0c1a2b3c4d5e6f701, az: ap-northeast-1c, azId: apne1-az1, cidr: 10.0.128.0/20, free: 4090}
  - {id: subnet-0a9b8c7d6e5f4a302, az: ap-northeast-1a, azId: apne1-az4, cidr: 10.0.144.0/20, free: 4090}
roles:
  - name: AmazonEKSAutoClusterRole
    trust: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {Service: eks.amazonaws.com}, Action: [sts:AssumeRole, sts:TagSession]}]}
  - name: AmazonEKSAutoNodeRole
    trust: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: [sts:AssumeRole]}]}
"#;

/// The node's state as the world has it: None when gone, else whether it is Ready.
fn node_state(sim: &SimHandle) -> Option<bool> {
    let w = lock(&sim.world);
    let n = w.kube.iter(Res::Nodes).next()?.clone();
    assert!(n["status"]["conditions"].is_array(), "{n}");
    Some(common::says_ready(&n))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_articles_efficiency_experiment_an_emptied_node_goes_away() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::write_scenario(dir.path(), "quiet", QUIET);
    let sim = common::start_sim(&path, true).await;
    let (_, out, err) = common::run(kubectl(&sim, ["get", "nodes"])).await;
    assert!(
        out.is_empty() && err.contains("No resources found"),
        "{out}{err}"
    );

    // a pod brings a node, and runs on it
    ok(&sim, &["run", "nginx", "--image", "nginx"]).await;
    let running = common::advance_until(&sim, 5, 24, || {
        let phase = get(&sim, Res::Pods, "default", "nginx").unwrap()["status"]["phase"].clone();
        (phase == "Running").then_some(())
    });
    assert!(
        running.is_some(),
        "nginx never ran: {:?} {:?}",
        get(&sim, Res::Pods, "default", "nginx"),
        ok(&sim, &["get", "nodeclaims,nodes,events"]).await
    );
    let nodes = ok(&sim, &["get", "nodes"]).await;
    assert_eq!(nodes.lines().count(), 2, "{nodes}");
    assert!(nodes.lines().nth(1).unwrap().contains(" Ready "), "{nodes}");
    let pod = ok(&sim, &["get", "pod", "nginx"]).await;
    assert!(pod.contains("Running"), "{pod}");

    // delete the pod: the emptied node goes NotReady, then disappears
    let watch = Streaming::spawn(kubectl(
        &sim,
        ["get", "nodes", "--watch", "--output-watch-events"],
    ));
    watch
        .wait_for("the node", Duration::from_secs(20), |l| {
            l.starts_with("ADDED")
        })
        .await;
    ok(&sim, &["delete", "pod", "nginx", "--wait=false"]).await;
    let mut not_ready_at = None;
    let mut gone_at = None;
    for s in 1..=150 {
        common::advance(&sim, 1);
        match node_state(&sim) {
            Some(false) if not_ready_at.is_none() => not_ready_at = Some(s),
            None => {
                gone_at = Some(s);
                break;
            }
            _ => {}
        }
    }
    let not_ready = not_ready_at.expect("the node went NotReady");
    let gone = gone_at.expect("the node disappeared");
    assert!(
        not_ready < gone,
        "NotReady at {not_ready}s, gone at {gone}s"
    );
    assert!(
        (60..=120).contains(&gone),
        "gone {gone} virtual seconds after the pod's deletion"
    );
    watch
        .wait_for("NotReady", Duration::from_secs(20), |l| {
            l.starts_with("MODIFIED") && l.contains("NotReady")
        })
        .await;
    watch
        .wait_for("the node deleted", Duration::from_secs(20), |l| {
            l.starts_with("DELETED")
        })
        .await;
    let (_, out, err) = common::run(kubectl(&sim, ["get", "nodes"])).await;
    assert!(
        out.is_empty() && err.contains("No resources found"),
        "{out}{err}"
    );
}
