//! Long-running clients against the emulated API server, as a real kube-apiserver treats them:
//! bookmarks about once a minute, server-side timeouts (the client's or the randomised default),
//! filtered watches resumed from a resourceVersion, lagging watchers terminated, compaction, and
//! EKS tokens that expire. Judged by raw HTTP, kube-rs's own watcher and the real `kubectl get -w`.

use crate::common::{
    self, events, initial_list, kubectl, kubectl_ok as ok, next_applied,
    start_article_manual as manual_sim_with, Streaming,
};

use std::time::{Duration, Instant};

use eksauto_sim::store::Res;
use eksauto_sim::world::lock;
use eksauto_sim::{SimHandle, SimOptions};
use futures::StreamExt;
use k8s_openapi::api::core::v1::Pod;
use kube::api::Api;
use kube::runtime::watcher;
use serde_json::json;

/// A GET answered as far as it arrived (status, body, whether the server ended it) and how long
/// it took.
async fn get(url: String, timeout: Duration) -> (u16, String, bool, Duration) {
    let started = Instant::now();
    let a = common::http("GET", &url, &[], "", timeout).await;
    (a.code, a.body, a.complete, started.elapsed())
}

/// A 5-second watch of the nodes that asks for bookmarks.
async fn five_second_node_watch(sim: &SimHandle) -> (u16, String, bool, Duration) {
    let url = format!(
        "{}/api/v1/nodes?watch=1&allowWatchBookmarks=true&timeoutSeconds=5",
        sim.kube_url
    );
    get(url, Duration::from_secs(20)).await
}

/// How many bookmarks a watch body holds.
fn bookmarks(body: &str) -> usize {
    events(body)
        .iter()
        .filter(|e| e["type"] == "BOOKMARK")
        .count()
}

fn pod_names(sim: &SimHandle) -> Vec<String> {
    common::store_names(sim, Res::Pods, Some("default"))
}

/// Changes a pod's label `key` directly in the store (a write the API would make), `n` times
/// over the pods in turn.
fn churn(sim: &SimHandle, key: &str, n: usize) {
    let names = pod_names(sim);
    let mut w = lock(&sim.world);
    for i in 0..n {
        let name = &names[i % names.len()];
        w.kube.update(Res::Pods, "default", name, |v| {
            v["metadata"]["labels"][key] = json!(i.to_string())
        });
    }
}

fn count_ops(log: &[serde_json::Value], op: &str) -> usize {
    log.iter().filter(|r| r["operation"] == op).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bookmarks_come_about_once_a_minute_and_just_before_the_timeout() {
    let sim = common::start_sim("article", true).await;
    // a 5 s watch: no bookmark in the first minute but the one 2 s before the timeout
    let (code, body, complete, took) = five_second_node_watch(&sim).await;
    assert_eq!(code, 200);
    assert!(complete, "the stream ends cleanly at its timeout");
    assert!(took >= Duration::from_secs(4), "{took:?}");
    assert_eq!(bookmarks(&body), 1, "{body}");

    // the interval is a setting: every second
    let fast = manual_sim_with(SimOptions {
        bookmark_interval_s: Some(1),
        ..Default::default()
    })
    .await;
    let (_, body, _, _) = five_second_node_watch(&fast).await;
    assert!(bookmarks(&body) >= 3, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watches_without_a_timeout_end_after_the_servers_default() {
    let sim = manual_sim_with(SimOptions {
        min_request_timeout_s: Some(1),
        ..Default::default()
    })
    .await;
    // no timeoutSeconds, or 0: the server picks between 1 and 2 s here (1800–3600 s by default)
    for q in ["watch=1", "watch=1&timeoutSeconds=0"] {
        let (code, body, complete, took) = get(
            format!("{}/api/v1/namespaces/default/pods?{q}", sim.kube_url),
            Duration::from_secs(10),
        )
        .await;
        assert_eq!(code, 200);
        assert!(complete, "{q}: the stream must end cleanly, not time out");
        assert!(
            took >= Duration::from_secs(1) && took < Duration::from_secs(4),
            "{q}: {took:?}"
        );
        let evs = events(&body);
        assert_eq!(evs.len(), 10, "{body}");
        assert!(evs.iter().all(|e| e["type"] == "ADDED"), "{body}");
    }

    // kube-rs asking for the server's default (timeout 0) re-watches from where it was, without
    // listing again, and misses nothing
    common::clear_request_log(&sim).await;
    let client = common::kube_client(&sim).await;
    let pods: Api<Pod> = Api::default_namespaced(client);
    let mut stream = watcher(pods, watcher::Config::default().timeout(0)).boxed();
    initial_list(&mut stream, Duration::from_secs(10)).await;
    let name = pod_names(&sim)[0].clone();
    let started = Instant::now();
    let mut seen = Vec::new();
    for round in 0..5 {
        tokio::time::sleep(Duration::from_millis(1200)).await;
        {
            let mut w = lock(&sim.world);
            w.kube.update(Res::Pods, "default", &name, |v| {
                v["metadata"]["labels"]["round"] = json!(round.to_string())
            });
        }
        loop {
            let p = next_applied(&mut stream, Duration::from_secs(10)).await;
            let r = p.metadata.labels.unwrap_or_default().get("round").cloned();
            if r == Some(round.to_string()) {
                seen.push(round);
                break;
            }
        }
    }
    assert_eq!(seen, [0, 1, 2, 3, 4]);
    assert!(started.elapsed() >= Duration::from_secs(6));
    let log = common::request_log(&sim).await;
    assert!(count_ops(&log, "watch pods") >= 3, "re-watched: {log:?}");
    assert_eq!(count_ops(&log, "list pods"), 1, "no re-list: {log:?}");

    // kubectl get -w sends no timeoutSeconds: it ends when the server ends the watch, exit 0,
    // as it does against a real API server after 30–60 minutes
    let mut watch = Streaming::spawn(kubectl(&sim, ["get", "pods", "--watch"]));
    watch
        .wait_for("the initial list", Duration::from_secs(20), |l| {
            l.starts_with("myapp-")
        })
        .await;
    assert_eq!(watch.exit_within(Duration::from_secs(10)).await, Some(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filtered_watches_resumed_from_a_version_see_objects_leave_and_enter() {
    let sim = common::start_sim("article", true).await;
    let (_, list) = common::kube_json(
        &sim,
        "GET",
        "/api/v1/namespaces/default/pods?labelSelector=app%3Dmyapp",
        "",
    )
    .await;
    let rv = list["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_string();
    let leaving = list["items"][0]["metadata"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    ok(&sim, &["label", "pod", &leaving, "app=gone", "--overwrite"]).await;
    ok(
        &sim,
        &["run", "extra", "--image=nginx", "--labels=app=other"],
    )
    .await;
    ok(&sim, &["label", "pod", "extra", "app=myapp", "--overwrite"]).await;

    let (_, body, _, _) = get(
        format!(
            "{}/api/v1/namespaces/default/pods?watch=1&labelSelector=app%3Dmyapp&resourceVersion={rv}&timeoutSeconds=1",
            sim.kube_url
        ),
        Duration::from_secs(10),
    )
    .await;
    let evs: Vec<(String, String, String)> = events(&body)
        .iter()
        .map(|e| {
            (
                e["type"].as_str().unwrap().to_string(),
                e["object"]["metadata"]["name"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                e["object"]["metadata"]["labels"]["app"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
            )
        })
        .collect();
    assert_eq!(
        evs,
        [
            ("DELETED".to_string(), leaving.clone(), "myapp".to_string()),
            (
                "ADDED".to_string(),
                "extra".to_string(),
                "myapp".to_string()
            ),
        ],
        "{body}"
    );

    // the same through kubectl: a label-selected watch from the list's version
    let watch = Streaming::spawn(kubectl(
        &sim,
        [
            "get",
            "pods",
            "-l",
            "app=myapp",
            "--watch-only",
            "-o",
            "name",
        ],
    ));
    tokio::time::sleep(Duration::from_secs(2)).await;
    ok(&sim, &["label", "pod", "extra", "app=other", "--overwrite"]).await;
    watch
        .wait_for(
            "extra leaving the selection",
            Duration::from_secs(20),
            |l| l == "pod/extra",
        )
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lagging_watcher_is_terminated_and_kube_rs_carries_on() {
    let sim = common::start_sim("article", true).await;
    // a client that stops reading falls behind the event stream
    let s = common::send(
        "GET",
        &format!(
            "{}/api/v1/namespaces/default/pods?watch=1&timeoutSeconds=120",
            sim.kube_url
        ),
        &[],
        "",
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    churn(&sim, "lag", 50_000);
    let answer =
        tokio::task::spawn_blocking(move || common::read_answer(s, Duration::from_secs(30)))
            .await
            .unwrap();
    assert!(
        answer.chunked && answer.complete,
        "the server ends the stream (not the 120 s timeout)"
    );
    assert!(
        !answer.body.contains("\"type\":\"ERROR\""),
        "a lagging watcher is closed, not sent an error"
    );

    // kube-rs's watcher falls behind too, and recovers on its own
    let client = common::kube_client(&sim).await;
    let pods: Api<Pod> = Api::default_namespaced(client);
    let mut stream = watcher(pods, watcher::Config::default()).boxed();
    initial_list(&mut stream, Duration::from_secs(10)).await;
    churn(&sim, "lag2", 50_000);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let name = pod_names(&sim)[0].clone();
    {
        let mut w = lock(&sim.world);
        w.kube.update(Res::Pods, "default", &name, |v| {
            v["metadata"]["labels"]["final"] = json!("yes")
        });
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        assert!(Instant::now() < deadline, "the watcher did not catch up");
        match tokio::time::timeout(Duration::from_secs(30), stream.next())
            .await
            .unwrap()
        {
            Some(Ok(watcher::Event::Apply(p) | watcher::Event::InitApply(p)))
                if p.metadata.labels.as_ref().and_then(|l| l.get("final"))
                    == Some(&"yes".to_string()) =>
            {
                break
            }
            Some(_) => {}
            None => panic!("watcher ended"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_watch_carries_on_across_a_compaction() {
    let sim = common::start_sim("article", true).await;
    let watch = Streaming::spawn(kubectl(&sim, ["get", "pods", "--watch"]));
    watch
        .wait_for("the initial list", Duration::from_secs(20), |l| {
            l.starts_with("myapp-")
        })
        .await;
    assert_eq!(
        common::control(&sim, "/_sim/watches/compact", "").await,
        204
    );
    ok(&sim, &["run", "after-compaction", "--image=nginx"]).await;
    watch
        .wait_for("the new pod", Duration::from_secs(20), |l| {
            l.starts_with("after-compaction ")
        })
        .await;
}

/// `aws eks get-token` against the emulator: the token it prints (signed locally).
async fn get_token(sim: &SimHandle) -> String {
    let (code, out, err) = common::run(common::aws(
        sim,
        ["eks", "get-token", "--cluster-name", &sim.cluster_name],
    ))
    .await;
    assert_eq!(code, 0, "{err}");
    let cred: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(cred["kind"], "ExecCredential");
    cred["status"]["token"].as_str().unwrap().to_string()
}

async fn with_token(sim: &SimHandle, token: Option<&str>) -> u16 {
    let bearer = token.map(|t| format!("Bearer {t}"));
    let headers: Vec<(&str, &str)> = bearer
        .iter()
        .map(|b| ("Authorization", b.as_str()))
        .collect();
    let url = format!("{}/api/v1/namespaces/default/pods", sim.kube_url);
    common::http("GET", &url, &headers, "", Duration::from_secs(10))
        .await
        .code
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watchers_carry_on_across_an_expired_token() {
    let sim = manual_sim_with(SimOptions {
        require_aws_tokens: true,
        ..Default::default()
    })
    .await;
    // the emulator's own kubeconfig runs the exec plugin; so does the one update-kubeconfig writes
    let own = std::fs::read_to_string(&sim.kubeconfig).unwrap();
    assert!(
        own.contains("get-token") && !own.contains("token:"),
        "{own}"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kubeconfig");
    let (code, _, err) = common::run(common::aws(
        &sim,
        [
            "eks",
            "update-kubeconfig",
            "--name",
            &sim.cluster_name,
            "--kubeconfig",
            path.to_str().unwrap(),
        ],
    ))
    .await;
    assert_eq!(code, 0, "{err}");
    let written = std::fs::read_to_string(&path).unwrap();
    for want in [
        "command: aws",
        "get-token",
        "--cluster-name",
        &sim.cluster_name,
    ] {
        assert!(written.contains(want), "{want} missing:\n{written}");
    }

    // tokens: an EKS one is accepted, nothing else
    let token = get_token(&sim).await;
    assert!(token.starts_with("k8s-aws-v1."), "{token}");
    assert_eq!(with_token(&sim, Some(&token)).await, 200);
    assert_eq!(with_token(&sim, None).await, 401);
    assert_eq!(with_token(&sim, Some("a-static-token")).await, 401);

    // kube-rs (exec plugin from the update-kubeconfig file; the plugin gets the emulator's AWS
    // settings the way a shell would give them) and kubectl get -w, both watching
    let rs_path = dir.path().join("kubeconfig-kube-rs");
    common::with_exec_env(&sim, &path, &rs_path);
    let client = common::kube_client_from(&rs_path).await;
    let pods: Api<Pod> = Api::default_namespaced(client);
    let mut stream = watcher(pods, watcher::Config::default()).boxed();
    initial_list(&mut stream, Duration::from_secs(20)).await;
    // polling on lets the watcher start its watch (it lists first, then watches)
    assert!(
        tokio::time::timeout(Duration::from_millis(1500), stream.next())
            .await
            .is_err(),
        "nothing happens yet"
    );
    let kubeconfig_arg = format!("--kubeconfig={}", path.display());
    let watch = Streaming::spawn(kubectl(&sim, [&kubeconfig_arg, "get", "pods", "--watch"]));
    watch
        .wait_for("the initial list", Duration::from_secs(30), |l| {
            l.starts_with("myapp-")
        })
        .await;

    // 16 virtual minutes later every token signed so far has expired
    tokio::time::sleep(Duration::from_millis(1100)).await;
    common::advance(&sim, 16 * 60);
    assert_eq!(with_token(&sim, Some(&token)).await, 401);
    // a new client runs the plugin again and gets a fresh token
    ok(
        &sim,
        &[&kubeconfig_arg, "run", "after-expiry", "--image=nginx"],
    )
    .await;
    // the open watches carry on: a request is authenticated when it starts
    watch
        .wait_for("the new pod", Duration::from_secs(20), |l| {
            l.starts_with("after-expiry ")
        })
        .await;
    // the kube-rs watcher keeps delivering, up to the new pod
    loop {
        let p = next_applied(&mut stream, Duration::from_secs(20)).await;
        if p.metadata.name.as_deref() == Some("after-expiry") {
            break;
        }
    }
}
