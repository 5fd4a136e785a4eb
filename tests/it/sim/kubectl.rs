//! The emulator's Kubernetes API judged by real clients: `kubectl` (get, describe, watch, run,
//! delete, create, scale, cordon, raw evictions) and kube-rs (paged lists, watchers, 410 recovery).

use crate::common::{
    self, header, initial_list, kubectl, kubectl_ok as ok, next_applied, row, row_containing,
};

use std::time::{Duration, Instant};

use eksauto_sim::SimHandle;
use futures::StreamExt;
use k8s_openapi::api::core::v1::{Node, Pod};
use kube::api::{Api, ListParams};
use kube::runtime::watcher;

fn myapp_pods(out: &str) -> Vec<Vec<&str>> {
    out.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .filter(|c| c.first().is_some_and(|n| n.starts_with("myapp-")))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_gets_nodes_pods_pdbs_and_nodepools() {
    let sim = common::start_sim("article", true).await;

    let nodes = ok(&sim, &["get", "nodes"]).await;
    assert_eq!(
        header(&nodes),
        ["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
        "{nodes}"
    );
    let node = nodes
        .lines()
        .nth(1)
        .expect("one node")
        .split_whitespace()
        .collect::<Vec<_>>();
    assert_eq!(node[1], "Ready");
    assert_eq!(node[2], "<none>");
    assert_eq!(node[4], "v1.30.5-eks-baa6d11");

    let wide = ok(&sim, &["get", "nodes", "-o", "wide"]).await;
    for col in [
        "INTERNAL-IP",
        "EXTERNAL-IP",
        "OS-IMAGE",
        "KERNEL-VERSION",
        "CONTAINER-RUNTIME",
    ] {
        assert!(
            wide.lines().next().unwrap().contains(col),
            "{col} missing:\n{wide}"
        );
    }

    let pods = ok(&sim, &["get", "pods"]).await;
    assert_eq!(
        header(&pods),
        ["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
        "{pods}"
    );
    let myapp = myapp_pods(&pods);
    assert_eq!(myapp.len(), 10, "{pods}");
    assert!(
        myapp.iter().all(|c| c[1] == "1/1" && c[2] == "Running"),
        "{pods}"
    );

    let all = ok(&sim, &["get", "pods", "-A", "-l", "app=myapp"]).await;
    assert_eq!(all.lines().count(), 11, "{all}");
    let none = ok(&sim, &["get", "pods", "-l", "app notin (myapp)"]).await;
    assert!(myapp_pods(&none).is_empty(), "{none}");
    let on_node = ok(
        &sim,
        &[
            "get",
            "pods",
            "--field-selector",
            "status.phase=Running",
            "-o",
            "name",
        ],
    )
    .await;
    assert_eq!(
        on_node
            .lines()
            .filter(|l| l.starts_with("pod/myapp-"))
            .count(),
        10
    );

    let pdb = ok(&sim, &["get", "pdb"]).await;
    assert_eq!(
        header(&pdb),
        [
            "NAME",
            "MIN",
            "AVAILABLE",
            "MAX",
            "UNAVAILABLE",
            "ALLOWED",
            "DISRUPTIONS",
            "AGE"
        ]
    );
    assert_eq!(row(&pdb, "myapp")[1..4], ["80%", "N/A", "2"], "{pdb}");

    let pools = ok(&sim, &["get", "nodepools"]).await;
    assert_eq!(
        header(&pools)[..5],
        ["NAME", "NODECLASS", "NODES", "READY", "AGE"],
        "{pools}"
    );
    row(&pools, "general-purpose");
    row(&pools, "system");
    let classes = ok(&sim, &["get", "nodeclasses"]).await;
    row(&classes, "default");

    let deploy = ok(&sim, &["get", "deploy", "myapp"]).await;
    assert_eq!(
        row(&deploy, "myapp")[1..4],
        ["10/10", "10", "10"],
        "{deploy}"
    );

    let json = ok(&sim, &["get", "node", "-o", "json"]).await;
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["items"][0]["status"]["allocatable"]["cpu"], "15890m");

    let first = myapp[0][0].to_string();
    assert_eq!(ok(&sim, &["logs", &first]).await, "");

    let log = common::request_log(&sim).await;
    assert!(log
        .iter()
        .any(|r| r["service"] == "kubernetes" && r["operation"] == "list nodes"));
    assert!(common::mutating_requests(&sim).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_describe_node_shows_labels_allocatable_and_pods() {
    let sim = common::start_sim("article", true).await;
    let name = common::first_node(&sim).await;
    let out = ok(&sim, &["describe", "node", &name]).await;
    for want in [
        "node.kubernetes.io/instance-type=c5a.4xlarge",
        "karpenter.sh/nodepool=general-purpose",
        "eks.amazonaws.com/compute-type=auto",
        "Kubelet Version:            v1.30.5-eks-baa6d11",
        "Non-terminated Pods:          (10 in total)",
    ] {
        assert!(out.contains(want), "{want:?} missing:\n{out}");
    }
    let alloc = out
        .split("Allocatable:")
        .nth(1)
        .expect("Allocatable section");
    assert!(alloc.lines().nth(1).unwrap().contains("15890m"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_watch_pods_shows_a_new_pod_come_up() {
    let sim = common::start_sim("article", true).await;
    let watch = common::Streaming::spawn(kubectl(&sim, ["get", "pods", "--watch"]));
    watch
        .wait_for("the initial list", Duration::from_secs(20), |l| {
            l.starts_with("myapp-")
        })
        .await;
    ok(&sim, &["run", "nginx", "--image=nginx"]).await;
    let first = watch
        .wait_for("nginx Pending", Duration::from_secs(20), |l| {
            l.starts_with("nginx ") && l.contains("Pending")
        })
        .await;
    assert!(first.contains("0/1"), "{first}");
    for _ in 0..6 {
        common::advance(&sim, 10);
    }
    watch
        .wait_for("nginx Running", Duration::from_secs(20), |l| {
            l.starts_with("nginx ") && l.contains("1/1") && l.contains("Running")
        })
        .await;
    let (_, out, _) = common::run(kubectl(&sim, ["delete", "pod", "nginx", "--wait=false"])).await;
    assert!(out.contains("pod \"nginx\" deleted"), "{out}");
    watch
        .wait_for("nginx Terminating", Duration::from_secs(20), |l| {
            l.starts_with("nginx ") && l.contains("Terminating")
        })
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_watch_nodes_shows_a_cordon() {
    let sim = common::start_sim("article", true).await;
    let name = common::first_node(&sim).await;
    let watch = common::Streaming::spawn(kubectl(&sim, ["get", "nodes", "--watch"]));
    watch
        .wait_for("the node", Duration::from_secs(20), |l| {
            l.starts_with(&name)
        })
        .await;
    ok(&sim, &["cordon", &name]).await;
    let line = watch
        .wait_for("SchedulingDisabled", Duration::from_secs(20), |l| {
            l.contains("SchedulingDisabled")
        })
        .await;
    assert!(line.starts_with(&name), "{line}");
    assert!(line.contains("Ready,SchedulingDisabled"), "{line}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_writes_work() {
    let sim = common::start_sim("article", true).await;
    let out = ok(&sim, &["run", "nginx", "--image=nginx"]).await;
    assert_eq!(out.trim(), "pod/nginx created");
    let (code, _, err) = common::run(kubectl(&sim, ["run", "nginx", "--image=nginx"])).await;
    assert_ne!(code, 0);
    assert!(
        err.contains("AlreadyExists") && err.contains("pods \"nginx\" already exists"),
        "{err}"
    );

    let out = ok(
        &sim,
        &[
            "create",
            "deployment",
            "web",
            "--image=nginx:1.27",
            "--replicas=2",
        ],
    )
    .await;
    assert_eq!(out.trim(), "deployment.apps/web created");
    let out = ok(&sim, &["scale", "deploy", "web", "--replicas=3"]).await;
    assert_eq!(out.trim(), "deployment.apps/web scaled");
    let replicas = ok(
        &sim,
        &["get", "deploy", "web", "-o", "jsonpath={.spec.replicas}"],
    )
    .await;
    assert_eq!(replicas, "3");
    let out = ok(
        &sim,
        &[
            "create",
            "pdb",
            "web",
            "--selector=app=web",
            "--min-available=1",
        ],
    )
    .await;
    assert_eq!(out.trim(), "poddisruptionbudget.policy/web created");
    let out = ok(&sim, &["label", "deploy", "web", "tier=frontend"]).await;
    assert!(out.contains("labeled"), "{out}");
    let labelled = ok(
        &sim,
        &["get", "deploy", "-l", "tier=frontend", "-o", "name"],
    )
    .await;
    assert_eq!(labelled.trim(), "deployment.apps/web");

    let manifest = sim.kubeconfig.with_file_name("ns.yaml");
    std::fs::write(
        &manifest,
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-a\n",
    )
    .unwrap();
    let out = ok(&sim, &["create", "-f", manifest.to_str().unwrap()]).await;
    assert_eq!(out.trim(), "namespace/team-a created");
    let out = ok(&sim, &["apply", "-f", manifest.to_str().unwrap()]).await;
    assert!(out.contains("namespace/team-a"), "{out}");

    let out = ok(&sim, &["delete", "pdb", "web"]).await;
    assert_eq!(out.trim(), "poddisruptionbudget.policy \"web\" deleted");
    let out = ok(&sim, &["delete", "deploy", "web"]).await;
    assert_eq!(out.trim(), "deployment.apps \"web\" deleted");
    let out = ok(
        &sim,
        &["delete", "pod", "nginx", "--grace-period=0", "--force"],
    )
    .await;
    assert!(out.contains("pod \"nginx\" force deleted"), "{out}");
    let (code, _, err) = common::run(kubectl(&sim, ["get", "pod", "nginx"])).await;
    assert_ne!(code, 0);
    assert!(err.contains("pods \"nginx\" not found"), "{err}");
    let (code, _, err) =
        common::run(kubectl(&sim, ["run", "x", "--image=nginx", "-n", "nope"])).await;
    assert_ne!(code, 0);
    assert!(err.contains("namespaces \"nope\" not found"), "{err}");

    let mutating: Vec<String> = common::mutating_requests(&sim)
        .await
        .iter()
        .map(|r| r["operation"].as_str().unwrap().to_string())
        .collect();
    for op in [
        "create pods",
        "create deployments",
        "patch deployments/scale",
        "delete pods",
    ] {
        assert!(
            mutating.iter().any(|m| m == op),
            "{op} not logged: {mutating:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn evictions_answer_as_the_pdb_says() {
    let sim = common::start_sim("article", true).await;
    let names = ok(
        &sim,
        &[
            "get",
            "pods",
            "-l",
            "app=myapp",
            "-o",
            "jsonpath={.items[*].metadata.name}",
        ],
    )
    .await;
    let names: Vec<&str> = names.split_whitespace().collect();
    assert_eq!(names.len(), 10);
    let eviction = sim.kubeconfig.with_file_name("eviction.json");
    let mut answers = Vec::new();
    for name in &names[..3] {
        std::fs::write(
            &eviction,
            format!(r#"{{"apiVersion":"policy/v1","kind":"Eviction","metadata":{{"name":"{name}","namespace":"default"}}}}"#),
        )
        .unwrap();
        let path = format!("/api/v1/namespaces/default/pods/{name}/eviction");
        answers.push(
            common::run(kubectl(
                &sim,
                ["create", "--raw", &path, "-f", eviction.to_str().unwrap()],
            ))
            .await,
        );
    }
    assert_eq!(answers[0].0, 0, "{answers:?}");
    assert_eq!(answers[1].0, 0, "{answers:?}");
    assert_ne!(
        answers[2].0, 0,
        "third eviction must be refused: {answers:?}"
    );
    assert!(
        answers[2]
            .2
            .contains("Cannot evict pod as it would violate the pod's disruption budget"),
        "{answers:?}"
    );

    // the same refusal, raw: 429 TooManyRequests with a DisruptionBudget cause
    let path = format!("/api/v1/namespaces/default/pods/{}/eviction", names[3]);
    let request = format!(
        r#"{{"apiVersion":"policy/v1","kind":"Eviction","metadata":{{"name":"{}"}}}}"#,
        names[3]
    );
    let (code, body) = common::kube_api(&sim, "POST", &path, &request).await;
    assert_eq!(code, 429, "{body}");
    let status: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(status["reason"], "TooManyRequests");
    assert_eq!(status["details"]["causes"][0]["reason"], "DisruptionBudget");

    // two budgets over the same pods: 500
    ok(
        &sim,
        &[
            "create",
            "pdb",
            "second",
            "--selector=app=myapp",
            "--max-unavailable=5",
        ],
    )
    .await;
    let (code, body) = common::kube_api(&sim, "POST", &path, &request).await;
    assert_eq!(code, 500, "{body}");
    assert!(body.contains("more than one PodDisruptionBudget"), "{body}");
    let evictions = common::mutating_requests(&sim)
        .await
        .iter()
        .filter(|r| r["operation"] == "evict pods")
        .count();
    assert_eq!(evictions, 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kube_rs_lists_in_pages_and_watches_nodes() {
    let sim = common::start_sim("article", true).await;
    let client = common::kube_client(&sim).await;
    let pods: Api<Pod> = Api::all(client.clone());
    let page = pods.list(&ListParams::default().limit(3)).await.unwrap();
    assert_eq!(page.items.len(), 3);
    let mut token = page.metadata.continue_.clone();
    let mut total = page.items.len();
    while let Some(t) = token.filter(|t| !t.is_empty()) {
        let next = pods
            .list(&ListParams::default().limit(3).continue_token(&t))
            .await
            .unwrap();
        total += next.items.len();
        token = next.metadata.continue_;
    }
    assert_eq!(total, 10);
    let selected = pods
        .list(
            &ListParams::default()
                .labels("app=myapp")
                .fields("status.phase=Running"),
        )
        .await
        .unwrap();
    assert_eq!(selected.items.len(), 10);
    let metas = pods
        .list_metadata(&ListParams::default().labels("app=myapp"))
        .await
        .unwrap();
    assert_eq!(metas.items.len(), 10);
    assert!(metas.items[0]
        .metadata
        .name
        .as_deref()
        .unwrap()
        .starts_with("myapp-"));

    // streaming lists: ADDED events, then a bookmark marking the end of the initial state
    let config = watcher::Config::default().streaming_lists();
    let mut streamed = watcher(pods.clone(), config).boxed();
    let applied = initial_list(&mut streamed, Duration::from_secs(10)).await;
    assert_eq!(applied.len(), 10);

    // metadata-only watchers get PartialObjectMetadata
    let mut metas = watcher(
        Api::<kube::core::PartialObjectMeta<Pod>>::all(client.clone()),
        watcher::Config::default(),
    )
    .boxed();
    let names: Vec<String> = initial_list(&mut metas, Duration::from_secs(10))
        .await
        .into_iter()
        .map(|m| m.metadata.name.unwrap())
        .collect();
    assert_eq!(names.len(), 10);

    let nodes: Api<Node> = Api::all(client);
    let mut stream = watcher(nodes, watcher::Config::default()).boxed();
    let initial = initial_list(&mut stream, Duration::from_secs(10)).await;
    assert_eq!(initial.len(), 1);
    let name = initial[0].metadata.name.clone().unwrap();
    ok(&sim, &["label", "node", &name, "team=a"]).await;
    let labelled = next_applied(&mut stream, Duration::from_secs(10)).await;
    assert_eq!(labelled.metadata.labels.unwrap()["team"], "a");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_resource_versions_get_410_and_watchers_relist() {
    let sim = common::start_sim("article", true).await;
    let (_, list) = common::kube_json(&sim, "GET", "/api/v1/pods", "").await;
    let rv = list["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_string();
    ok(&sim, &["label", "pods", "--all", "touched=yes"]).await;
    let code = common::control(&sim, "/_sim/watches/compact", "").await;
    assert_eq!(code, 204);
    let (code, body) = common::kube_api(
        &sim,
        "GET",
        &format!("/api/v1/pods?watch=1&resourceVersion={rv}&timeoutSeconds=2"),
        "",
    )
    .await;
    assert_eq!(code, 200);
    let lines = common::events(&body);
    assert_eq!(lines.len(), 1, "{body}");
    assert_eq!(lines[0]["type"], "ERROR");
    assert_eq!(lines[0]["object"]["code"], 410);
    assert_eq!(lines[0]["object"]["reason"], "Expired");

    // a kube-rs watcher whose resume point is compacted away lists again
    let client = common::kube_client(&sim).await;
    let pods: Api<Pod> = Api::default_namespaced(client);
    let mut stream = watcher(pods, watcher::Config::default()).boxed();
    let mut inits = 0;
    let mut compacted = false;
    let deadline = Instant::now() + Duration::from_secs(30);
    while inits < 2 {
        assert!(Instant::now() < deadline, "watcher did not re-list");
        match tokio::time::timeout(Duration::from_secs(10), stream.next())
            .await
            .unwrap()
        {
            Some(Ok(watcher::Event::InitDone)) => {
                inits += 1;
                if !compacted {
                    compacted = true;
                    ok(
                        &sim,
                        &["label", "pods", "--all", "touched=again", "--overwrite"],
                    )
                    .await;
                    common::control(&sim, "/_sim/watches/compact", "").await;
                    common::control(&sim, "/_sim/watches/cut", "").await;
                }
            }
            Some(_) => {}
            None => panic!("watcher ended"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn raw_watches_replay_send_bookmarks_and_time_out() {
    let sim = common::start_sim("article", true).await;
    let (_, list) = common::kube_json(&sim, "GET", "/api/v1/nodes", "").await;
    let rv: u64 = list["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let name = list["items"][0]["metadata"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    ok(&sim, &["label", "node", &name, "team=a"]).await;
    ok(&sim, &["label", "pods", "--all", "team=b"]).await;

    // from the list's version: only what changed since, then bookmarks until the timeout
    let started = Instant::now();
    let (code, body) = common::kube_api(&sim, "GET", &format!("/api/v1/nodes?watch=true&resourceVersion={rv}&allowWatchBookmarks=true&timeoutSeconds=3"), "")
.await;
    let took = started.elapsed();
    assert_eq!(code, 200);
    assert!(
        took >= Duration::from_secs(2) && took < Duration::from_secs(8),
        "{took:?}"
    );
    let events = common::events(&body);
    assert_eq!(events[0]["type"], "MODIFIED", "{body}");
    assert_eq!(events[0]["object"]["metadata"]["labels"]["team"], "a");
    assert!(
        events.iter().filter(|e| e["type"] == "MODIFIED").count() == 1,
        "{body}"
    );
    let bookmark = events
        .iter()
        .find(|e| e["type"] == "BOOKMARK")
        .expect("a bookmark");
    assert_eq!(bookmark["object"]["kind"], "Node");
    let bookmark_rv: u64 = bookmark["object"]["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(bookmark_rv > rv);

    // no version: the current state as ADDED events; the legacy /watch/ path; a field selector
    let (_, body) = common::kube_api(
        &sim,
        "GET",
        "/api/v1/watch/namespaces/default/pods?fieldSelector=metadata.name%3Dnope&timeoutSeconds=1",
        "",
    )
    .await;
    assert_eq!(body, "");
    let (_, body) = common::kube_api(
        &sim,
        "GET",
        "/api/v1/watch/namespaces/default/pods?labelSelector=app%3Dmyapp&timeoutSeconds=1",
        "",
    )
    .await;
    let events = common::events(&body);
    assert_eq!(events.len(), 10, "{body}");
    assert!(events
        .iter()
        .all(|e| e["type"] == "ADDED" && e["object"]["kind"] == "Pod"));

    // errors are Status objects
    let (code, status) =
        common::kube_json(&sim, "GET", "/api/v1/namespaces/default/pods/nope", "").await;
    assert_eq!(code, 404);
    assert_eq!(status["kind"], "Status");
    assert_eq!(status["message"], "pods \"nope\" not found");
    let (code, _) = common::kube_api(&sim, "GET", "/api/v1/pods?labelSelector=a%20in", "").await;
    assert_eq!(code, 400);
    let (code, body) = common::kube_api(&sim, "GET", "/version", "").await;
    assert_eq!(code, 200);
    assert!(body.contains("v1.30.5-eks-baa6d11"), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_drain_is_held_back_by_the_pdb() {
    let sim = common::start_sim("article", true).await;
    let name = common::first_node(&sim).await;
    let (code, out, err) = common::run(kubectl(
        &sim,
        ["drain", &name, "--ignore-daemonsets", "--timeout=3s"],
    ))
    .await;
    assert_ne!(code, 0, "drain cannot finish: {out}");
    assert!(out.contains(&format!("node/{name} cordoned")), "{out}");
    // two evictions are granted (those pods terminate), the other eight are refused with 429
    let refused: std::collections::BTreeSet<&str> = err
        .lines()
        .filter(|l| {
            l.ends_with("Cannot evict pod as it would violate the pod's disruption budget.")
        })
        .filter_map(|l| l.split('"').nth(1))
        .collect();
    assert_eq!(refused.len(), 8, "{err}");
    let terminating: std::collections::BTreeSet<&str> = err
        .lines()
        .filter(|l| l.starts_with("error when waiting for pod") && l.contains("to terminate"))
        .filter_map(|l| l.split('"').nth(1))
        .collect();
    assert_eq!(terminating.len(), 2, "{err}");
    let nodes = ok(&sim, &["get", "nodes"]).await;
    assert!(
        row(&nodes, &name)[1] == "Ready,SchedulingDisabled",
        "{nodes}"
    );
}

/// `kubectl get all -A` lists what a fresh Auto Mode cluster with the article's app has: its
/// pods, the `kubernetes` Service, the Deployment and ReplicaSet; the other kinds of the `all`
/// category are asked for and are empty.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_get_all_lists_every_kind_of_the_all_category() {
    let sim = common::start_sim("article", true).await;
    let out = ok(&sim, &["get", "all", "-A"]).await;
    let svc = row_containing(&out, "service/kubernetes");
    assert_eq!(
        svc,
        [
            "default",
            "service/kubernetes",
            "ClusterIP",
            "172.20.0.1",
            "<none>",
            "443/TCP",
            svc[6]
        ]
    );
    assert!(out.contains("deployment.apps/myapp"), "{out}");
    assert!(out.contains("replicaset.apps/myapp-"), "{out}");
    assert_eq!(out.matches("pod/myapp-").count(), 10, "{out}");
    assert!(
        out.lines().any(|l| l.split_whitespace().eq([
            "NAMESPACE",
            "NAME",
            "TYPE",
            "CLUSTER-IP",
            "EXTERNAL-IP",
            "PORT(S)",
            "AGE"
        ])),
        "{out}"
    );

    // the kinds kubectl expanded `all` into, as the request log shows
    let log = common::request_log(&sim).await;
    for kind in [
        "pods",
        "services",
        "deployments",
        "replicasets",
        "statefulsets",
        "daemonsets",
        "jobs",
        "cronjobs",
        "horizontalpodautoscalers",
        "replicationcontrollers",
    ] {
        assert!(
            log.iter().any(|r| r["operation"] == format!("list {kind}")),
            "kubectl get all lists {kind}"
        );
    }

    // and one of each, created, shows up there too
    ok(
        &sim,
        &[
            "create",
            "job",
            "pi",
            "--image=public.ecr.aws/docker/library/perl:5.34",
        ],
    )
    .await;
    ok(
        &sim,
        &[
            "create",
            "cronjob",
            "tick",
            "--image=busybox",
            "--schedule=*/5 * * * *",
        ],
    )
    .await;
    // the article's HPA (autoscaling/v2, as `kubectl get hpa` reads it)
    let hpa = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        hpa.path(),
        r#"{"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "myapp", "namespace": "default"},
            "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "myapp"},
                     "minReplicas": 2, "maxReplicas": 10,
                     "metrics": [{"type": "Resource", "resource": {"name": "cpu",
                                  "target": {"type": "Utilization", "averageUtilization": 50}}}]}}"#,
    )
    .unwrap();
    ok(&sim, &["create", "-f", hpa.path().to_str().unwrap()]).await;
    ok(
        &sim,
        &[
            "expose",
            "deployment",
            "myapp",
            "--port=80",
            "--target-port=8080",
        ],
    )
    .await;
    let out = ok(&sim, &["get", "all", "-n", "default"]).await;
    let job = row_containing(&out, "job.batch/pi");
    assert_eq!(&job[1..3], ["Running", "0/1"], "{out}");
    let cj = row_containing(&out, "cronjob.batch/tick");
    assert_eq!(&cj[1..7], ["*/5", "*", "*", "*", "*", "<none>"], "{out}");
    let hpa = row_containing(&out, "horizontalpodautoscaler.autoscaling/myapp");
    assert_eq!(
        &hpa[1..5],
        ["Deployment/myapp", "cpu:", "<unknown>/50%", "2"],
        "{out}"
    );
    let svc = row_containing(&out, "service/myapp");
    assert!(svc[2].starts_with("172.20."), "{out}");
    assert_eq!(svc[4], "80/TCP");
    let described = ok(
        &sim,
        &[
            "get",
            "service",
            "myapp",
            "-o",
            "jsonpath={.spec.selector.app}",
        ],
    )
    .await;
    assert_eq!(described, "myapp");
}

/// `kubectl api-resources` prints every kind with the short names, verbs and categories of a
/// 1.30 API server; the kinds answer with their printers and the objects every cluster has.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_api_resources_and_the_built_in_kinds() {
    let sim = common::start_sim("article", true).await;
    let out = ok(&sim, &["api-resources", "-o", "wide"]).await;
    for (name, short, api, namespaced, kind) in [
        ("services", "svc", "v1", "true", "Service"),
        ("configmaps", "cm", "v1", "true", "ConfigMap"),
        ("persistentvolumes", "pv", "v1", "false", "PersistentVolume"),
        ("daemonsets", "ds", "apps/v1", "true", "DaemonSet"),
        ("statefulsets", "sts", "apps/v1", "true", "StatefulSet"),
        ("cronjobs", "cj", "batch/v1", "true", "CronJob"),
        (
            "horizontalpodautoscalers",
            "hpa",
            "autoscaling/v2",
            "true",
            "HorizontalPodAutoscaler",
        ),
        (
            "ingresses",
            "ing",
            "networking.k8s.io/v1",
            "true",
            "Ingress",
        ),
        (
            "networkpolicies",
            "netpol",
            "networking.k8s.io/v1",
            "true",
            "NetworkPolicy",
        ),
        (
            "priorityclasses",
            "pc",
            "scheduling.k8s.io/v1",
            "false",
            "PriorityClass",
        ),
        (
            "storageclasses",
            "sc",
            "storage.k8s.io/v1",
            "false",
            "StorageClass",
        ),
    ] {
        let r = row(&out, name);
        assert_eq!(&r[..5], [name, short, api, namespaced, kind], "{out}");
    }
    let jobs = row(&out, "jobs");
    assert_eq!(&jobs[..4], ["jobs", "batch/v1", "true", "Job"]);
    assert_eq!(
        jobs[4],
        "create,delete,deletecollection,get,list,patch,update,watch"
    );
    assert_eq!(jobs[5], "all");
    let ssar = row(&out, "selfsubjectaccessreviews");
    assert_eq!(ssar[4], "create");
    let all = ok(&sim, &["api-resources", "--categories=all", "-o", "name"]).await;
    let mut all: Vec<&str> = all.lines().collect();
    all.sort();
    assert_eq!(
        all,
        [
            "cronjobs.batch",
            "daemonsets.apps",
            "deployments.apps",
            "horizontalpodautoscalers.autoscaling",
            "jobs.batch",
            "pods",
            "replicasets.apps",
            "replicationcontrollers",
            "services",
            "statefulsets.apps"
        ]
    );
    let listable = ok(&sim, &["api-resources", "--verbs=list", "-o", "name"]).await;
    assert!(listable.lines().count() >= 45, "{listable}");
    assert!(!listable.contains("selfsubjectaccessreviews"));

    // every listable kind lists (kubectl prints a table for each, or "No resources found")
    for kind in listable.lines() {
        let (code, _, err) = common::run(kubectl(&sim, ["get", kind, "-A"])).await;
        assert_eq!(code, 0, "kubectl get {kind} -A: {err}");
    }

    // what every cluster has
    let sa = ok(&sim, &["get", "serviceaccounts", "-A"]).await;
    for ns in ["default", "kube-system", "kube-public", "kube-node-lease"] {
        assert!(
            sa.lines()
                .any(|l| l.split_whitespace().take(2).eq([ns, "default"])),
            "{sa}"
        );
    }
    let cm = ok(
        &sim,
        &["get", "configmap", "kube-root-ca.crt", "-n", "kube-public"],
    )
    .await;
    assert_eq!(
        &row(&cm, "kube-root-ca.crt")[..2],
        ["kube-root-ca.crt", "1"]
    );
    let pc = ok(&sim, &["get", "priorityclasses"]).await;
    assert_eq!(
        &row(&pc, "system-node-critical")[..3],
        ["system-node-critical", "2000001000", "false"]
    );
    let ep = ok(&sim, &["get", "endpoints", "kubernetes"]).await;
    let addrs = row(&ep, "kubernetes")[1];
    assert_eq!(addrs.split(',').count(), 2, "{ep}");
    assert!(addrs
        .split(',')
        .all(|a| a.starts_with("10.0.") && a.ends_with(":443")));
    let crb = ok(
        &sim,
        &["get", "clusterrolebinding", "cluster-admin", "-o", "wide"],
    )
    .await;
    assert_eq!(
        row(&crb, "cluster-admin")[1..],
        [
            "ClusterRole/cluster-admin",
            row(&crb, "cluster-admin")[2],
            "system:masters"
        ]
    );
    let roles = ok(&sim, &["get", "clusterroles"]).await;
    assert!(roles.contains("system:discovery"), "{roles}");
    assert_eq!(header(&roles), ["NAME", "CREATED", "AT"]);
    let crds = ok(&sim, &["get", "crd"]).await;
    assert!(crds.contains("nodepools.karpenter.sh"), "{crds}");
    assert!(ok(&sim, &["get", "csidrivers"])
        .await
        .contains("ebs.csi.eks.amazonaws.com"));
    // none by default on Auto Mode: no StorageClass, no IngressClass, no DaemonSet
    for kind in [
        "storageclasses",
        "ingressclasses",
        "daemonsets",
        "statefulsets",
    ] {
        let (code, out, err) = common::run(kubectl(&sim, ["get", kind, "-A"])).await;
        assert_eq!(code, 0, "{err}");
        assert!(
            out.is_empty() && err.contains("No resources found"),
            "{kind}: {out}{err}"
        );
    }

    // writes on the new kinds, and their printers
    ok(&sim, &["create", "namespace", "team-a"]).await;
    common::advance(&sim, 1); // the service account controller's turn
    let sa = ok(&sim, &["get", "serviceaccount", "default", "-n", "team-a"]).await;
    assert_eq!(&row(&sa, "default")[..2], ["default", "0"]);
    ok(
        &sim,
        &[
            "create",
            "secret",
            "generic",
            "creds",
            "-n",
            "team-a",
            "--from-literal=user=admin",
            "--from-literal=pass=x",
        ],
    )
    .await;
    let secret = ok(&sim, &["get", "secret", "creds", "-n", "team-a"]).await;
    assert_eq!(&row(&secret, "creds")[..3], ["creds", "Opaque", "2"]);
    let data = ok(
        &sim,
        &[
            "get",
            "secret",
            "creds",
            "-n",
            "team-a",
            "-o",
            "jsonpath={.data.user}",
        ],
    )
    .await;
    assert_eq!(data, "YWRtaW4=");
    ok(
        &sim,
        &[
            "create",
            "configmap",
            "app",
            "-n",
            "team-a",
            "--from-literal=a=1",
        ],
    )
    .await;
    ok(
        &sim,
        &[
            "create",
            "role",
            "reader",
            "-n",
            "team-a",
            "--verb=get",
            "--resource=pods",
        ],
    )
    .await;
    ok(
        &sim,
        &[
            "create",
            "rolebinding",
            "reader",
            "-n",
            "team-a",
            "--role=reader",
            "--serviceaccount=team-a:default",
        ],
    )
    .await;
    let rb = ok(
        &sim,
        &["get", "rolebinding", "reader", "-n", "team-a", "-o", "wide"],
    )
    .await;
    assert_eq!(row(&rb, "reader")[1], "Role/reader");
    assert_eq!(*row(&rb, "reader").last().unwrap(), "team-a/default");
    ok(&sim, &["delete", "configmap", "app", "-n", "team-a"]).await;
    let (code, _, err) =
        common::run(kubectl(&sim, ["get", "configmap", "app", "-n", "team-a"])).await;
    assert_ne!(code, 0);
    assert!(err.contains("configmaps \"app\" not found"), "{err}");

    // who am I, and what may I do
    let who = ok(&sim, &["auth", "whoami"]).await;
    assert!(
        who.contains("arn:aws:iam::123456789012:user/eksauto"),
        "{who}"
    );
    assert_eq!(
        ok(&sim, &["auth", "can-i", "delete", "pods", "-n", "team-a"])
            .await
            .trim(),
        "yes"
    );
    let (code, _, err) = common::run(kubectl(&sim, ["get", "selfsubjectaccessreviews"])).await;
    assert_ne!(code, 0, "a create-only kind cannot be listed");
    assert!(
        err.contains("MethodNotAllowed") || err.contains("does not allow this method"),
        "{err}"
    );
}

/// GET of `path` on the emulated API server: (status, JSON body).
async fn kube_get(sim: &SimHandle, path: &str) -> (u16, serde_json::Value) {
    common::kube_json(sim, "GET", path, "").await
}

fn names(list: &serde_json::Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["metadata"]["name"].as_str().unwrap().to_string())
        .collect()
}

/// resourceVersion="0" is "any version": served from the watch cache, which does not page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_at_resource_version_0_come_whole_from_the_cache() {
    let sim = common::start_sim("article", true).await;
    let (code, paged) = kube_get(&sim, "/api/v1/namespaces/default/pods?limit=3").await;
    assert_eq!(code, 200);
    assert_eq!(names(&paged).len(), 3);
    assert!(paged["metadata"]["continue"].is_string());
    let (code, cached) = kube_get(
        &sim,
        "/api/v1/namespaces/default/pods?limit=3&resourceVersion=0",
    )
    .await;
    assert_eq!(code, 200);
    assert_eq!(names(&cached).len(), 10, "the limit is not honoured");
    assert!(cached["metadata"]["continue"].is_null());
    let (_, not_older) = kube_get(
        &sim,
        "/api/v1/namespaces/default/pods?limit=3&resourceVersion=0&resourceVersionMatch=NotOlderThan",
    )
    .await;
    assert_eq!(names(&not_older).len(), 10);
}

/// resourceVersionMatch=NotOlderThan: any state at least that new; a version the server has not
/// reached is a 504 with the ResourceVersionTooLarge cause.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn not_older_than_lists_refuse_versions_from_the_future() {
    let sim = common::start_sim("article", true).await;
    let (_, now) = kube_get(&sim, "/api/v1/pods").await;
    let rv: u64 = now["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let (code, v) = kube_get(
        &sim,
        &format!(
            "/api/v1/pods?resourceVersion={}&resourceVersionMatch=NotOlderThan",
            rv - 5
        ),
    )
    .await;
    assert_eq!(code, 200);
    let served: u64 = v["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(served >= rv, "{served} is not older than {rv}");
    let (code, v) = kube_get(
        &sim,
        &format!(
            "/api/v1/pods?resourceVersion={}&resourceVersionMatch=NotOlderThan",
            rv + 1000
        ),
    )
    .await;
    assert_eq!(code, 504, "{v}");
    assert_eq!(v["reason"], "Timeout");
    assert_eq!(
        v["message"],
        format!("Too large resource version: {}, current: {rv}", rv + 1000)
    );
    assert_eq!(
        v["details"]["causes"][0]["reason"],
        "ResourceVersionTooLarge"
    );
}

/// resourceVersionMatch=Exact: the list as it was at that version (here, before a pod existed),
/// paged consistently; once the version is compacted away, 410 Expired.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exact_lists_show_the_past_until_it_is_compacted() {
    let sim = common::start_sim("article", true).await;
    let (_, before) = kube_get(&sim, "/api/v1/namespaces/default/pods").await;
    let rv = before["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_string();
    ok(&sim, &["run", "nginx", "--image=nginx"]).await;
    ok(&sim, &["label", "pods", "--all", "touched=yes"]).await;

    let (code, now) = kube_get(&sim, "/api/v1/namespaces/default/pods").await;
    assert_eq!(code, 200);
    assert_eq!(names(&now).len(), 11);
    let (code, past) = kube_get(
        &sim,
        &format!("/api/v1/namespaces/default/pods?resourceVersion={rv}&resourceVersionMatch=Exact"),
    )
    .await;
    assert_eq!(code, 200, "{past}");
    assert_eq!(past["metadata"]["resourceVersion"], rv.as_str());
    assert_eq!(names(&past), names(&before));
    assert!(past["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["metadata"]["labels"]["touched"].is_null()));
    // paged, every page from the same snapshot
    let (_, first) = kube_get(
        &sim,
        &format!("/api/v1/namespaces/default/pods?resourceVersion={rv}&resourceVersionMatch=Exact&limit=4"),
    )
    .await;
    let mut seen = names(&first);
    let mut token = first["metadata"]["continue"].as_str().map(str::to_string);
    while let Some(t) = token {
        let (code, page) = kube_get(
            &sim,
            &format!("/api/v1/namespaces/default/pods?limit=4&continue={t}"),
        )
        .await;
        assert_eq!(code, 200, "{page}");
        assert_eq!(page["metadata"]["resourceVersion"], rv.as_str());
        seen.extend(names(&page));
        token = page["metadata"]["continue"].as_str().map(str::to_string);
    }
    assert_eq!(seen, names(&before));

    let code = common::control(&sim, "/_sim/watches/compact", "").await;
    assert_eq!(code, 204);
    let (code, v) = kube_get(
        &sim,
        &format!("/api/v1/namespaces/default/pods?resourceVersion={rv}&resourceVersionMatch=Exact"),
    )
    .await;
    assert_eq!(code, 410, "{v}");
    assert_eq!(v["reason"], "Expired");
    assert_eq!(
        v["message"],
        "The resourceVersion for the provided list is too old."
    );
}

/// resourceVersionMatch without resourceVersion, or Exact at "0", or sendInitialEvents on a
/// list: the API server's 422 Invalid on ListOptions.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_options_are_validated_as_the_api_server_does() {
    let sim = common::start_sim("article", true).await;
    for (query, message) in [
        (
            "resourceVersionMatch=NotOlderThan",
            "ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided",
        ),
        (
            "resourceVersion=0&resourceVersionMatch=Exact",
            "ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"",
        ),
        (
            "resourceVersion=1&resourceVersionMatch=Latest",
            "ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Unsupported value: \"Latest\": supported values: \"Exact\", \"NotOlderThan\", \"\"",
        ),
        (
            "sendInitialEvents=true",
            "ListOptions.meta.k8s.io \"\" is invalid: sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list",
        ),
    ] {
        let (code, v) = kube_get(&sim, &format!("/api/v1/pods?{query}")).await;
        assert_eq!(code, 422, "{query}: {v}");
        assert_eq!(v["kind"], "Status");
        assert_eq!(v["reason"], "Invalid");
        assert_eq!(v["message"], message, "{query}");
        assert_eq!(v["details"]["kind"], "ListOptions");
        assert_eq!(v["details"]["group"], "meta.k8s.io");
        assert_eq!(v["details"]["causes"][0]["field"], query.split(['=', '&']).nth(if query.starts_with("resourceVersion=") { 2 } else { 0 }).unwrap());
    }
    // kubectl shows the server's message
    let (code, _, err) = common::run(kubectl(
        &sim,
        ["get", "--raw", "/api/v1/pods?resourceVersionMatch=Exact"],
    ))
    .await;
    assert_ne!(code, 0);
    assert!(
        err.contains("resourceVersionMatch is forbidden unless resourceVersion is provided"),
        "{err}"
    );
}

/// sendInitialEvents=true on a watch needs resourceVersionMatch=NotOlderThan (422 otherwise);
/// with it, the initial state comes and then the bookmark that ends it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watches_with_initial_events_need_not_older_than() {
    let sim = common::start_sim("article", true).await;
    let (code, v) = kube_get(&sim, "/api/v1/nodes?watch=1&sendInitialEvents=true").await;
    assert_eq!(code, 422, "{v}");
    assert_eq!(v["reason"], "Invalid");
    assert_eq!(
        v["message"],
        "ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"
    );
    let (code, v) = kube_get(
        &sim,
        "/api/v1/nodes?watch=1&sendInitialEvents=true&resourceVersionMatch=Exact",
    )
    .await;
    assert_eq!(code, 422);
    assert_eq!(
        v["message"],
        "ListOptions.meta.k8s.io \"\" is invalid: [resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan, resourceVersionMatch: Unsupported value: \"Exact\": supported values: \"NotOlderThan\"]"
    );
    let (code, v) = kube_get(
        &sim,
        "/api/v1/nodes?watch=1&resourceVersionMatch=NotOlderThan",
    )
    .await;
    assert_eq!(code, 422);
    assert!(v["message"].as_str().unwrap().ends_with(
        "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided"
    ));

    let (code, body) = common::kube_api(&sim, "GET", "/api/v1/nodes?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=1", "")
.await;
    assert_eq!(code, 200);
    let events = common::events(&body);
    assert_eq!(events[0]["type"], "ADDED", "{body}");
    let end = events
        .iter()
        .find(|e| e["type"] == "BOOKMARK")
        .unwrap_or_else(|| panic!("no bookmark: {body}"));
    assert_eq!(
        end["object"]["metadata"]["annotations"]["k8s.io/initial-events-end"],
        "true"
    );
}
