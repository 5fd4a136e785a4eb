//! Bad input, tried on the real binary: each gets a clear one-line message, the documented exit code
//! (2 for usage, configuration and access problems), no panic, and no mutating call reaches the
//! emulator.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use eksauto::sim::SimHandle;

/// One bad invocation and what it must produce.
struct Case {
    name: &'static str,
    args: Vec<String>,
    env: Vec<(&'static str, Option<String>)>,
    code: i32,
    /// Text the first stderr line must contain.
    says: Vec<String>,
}

fn case(name: &'static str, args: &[&str], code: i32, says: &[&str]) -> Case {
    Case {
        name,
        args: args.iter().map(|a| a.to_string()).collect(),
        env: Vec::new(),
        code,
        says: says.iter().map(|s| s.to_string()).collect(),
    }
}

fn command(sim: &SimHandle, c: &Case) -> Command {
    let mut cmd = common::eksauto(sim);
    cmd.args(&c.args);
    for (k, v) in &c.env {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    cmd
}

async fn check(sim: &SimHandle, cases: Vec<Case>) {
    let mut failures = Vec::new();
    for c in cases {
        let started = Instant::now();
        let (code, out, err) = common::run(command(sim, &c)).await;
        let took = started.elapsed();
        let first = err.lines().next().unwrap_or_default();
        let mut problems = Vec::new();
        if code != c.code {
            problems.push(format!("exit {code}, want {}", c.code));
        }
        if !first.starts_with("error:") {
            problems.push("first stderr line is not an error line".to_string());
        }
        for s in &c.says {
            if !first.contains(s.as_str()) {
                problems.push(format!("first stderr line lacks {s:?}"));
            }
        }
        if err.contains("panicked") || err.contains("RUST_BACKTRACE") {
            problems.push("panic".into());
        }
        if took > Duration::from_secs(20) {
            problems.push(format!("took {took:?}"));
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{}: {}\n  stdout: {}\n  stderr: {}",
                c.name,
                problems.join("; "),
                out.trim(),
                err.trim()
            ));
        }
    }
    assert!(
        common::mutating_requests(sim).await.is_empty(),
        "a bad input mutated the cluster"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_inputs_get_clear_errors() {
    let sim = common::start_sim("article", true).await;
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken-kubeconfig");
    std::fs::write(&broken, "apiVersion: v1\nclusters: [\n  - {name: x\n").unwrap();
    let odd_utf16 = dir.path().join("utf16-kubeconfig");
    std::fs::write(&odd_utf16, [0xFF, 0xFE, b'a']).unwrap();
    // The emulator's kubeconfig with a context name that says nothing about the cluster.
    let plain = dir.path().join("plain-kubeconfig");
    let kc = std::fs::read_to_string(&sim.kubeconfig).unwrap();
    std::fs::write(&plain, kc.replace(&sim.cluster_arn, "dev")).unwrap();
    // The emulator's kubeconfig pointing at a closed port.
    let dead = dir.path().join("dead-kubeconfig");
    std::fs::write(&dead, kc.replace(&sim.kube_url, "http://127.0.0.1:1")).unwrap();
    let path = |p: &std::path::Path| p.display().to_string();

    let mut cases = vec![
        case(
            "bad --to",
            &["preflight", "--to", "abc"],
            2,
            &["not a Kubernetes version"],
        ),
        case("bad -o", &["preflight", "-o", "yaml"], 2, &["yaml"]),
        case(
            "unknown cluster",
            &[
                "preflight",
                "--cluster",
                "nope",
                "--kubeconfig",
                &path(&plain),
            ],
            2,
            &[
                "\"nope\" not found",
                "clusters in ap-northeast-1: interesting-funk-otter",
            ],
        ),
        case(
            "invalid cluster name",
            &["preflight", "--cluster", "no such/cluster"],
            2,
            &["not an EKS cluster name"],
        ),
        case(
            "context for another cluster",
            &["preflight", "--cluster", "other"],
            2,
            &["pass --context"],
        ),
        case(
            "unreachable endpoint",
            &["preflight", "--endpoint-url", "http://127.0.0.1:1"],
            2,
            &[
                "cannot reach the EKS endpoint http://127.0.0.1:1",
                "--endpoint-url",
            ],
        ),
        case(
            "not a URL",
            &["preflight", "--endpoint-url", "not a url"],
            2,
            &["not a URL"],
        ),
        case(
            "broken kubeconfig",
            &["preflight", "--kubeconfig", &path(&broken)],
            2,
            &["not a valid kubeconfig"],
        ),
        case(
            "odd UTF-16 kubeconfig",
            &["preflight", "--kubeconfig", &path(&odd_utf16)],
            2,
            &["kubeconfig"],
        ),
        case(
            "missing kubeconfig",
            &["preflight", "--kubeconfig", "/nonexistent/kubeconfig"],
            2,
            &["cannot read kubeconfig /nonexistent/kubeconfig"],
        ),
        case(
            "unknown context",
            &["preflight", "--context", "nope"],
            2,
            &["no context \"nope\"", "arn:aws:eks:"],
        ),
        case(
            "unreachable Kubernetes API",
            &["preflight", "--kubeconfig", &path(&dead)],
            2,
            &[
                "preflight is incomplete",
                "cannot reach the Kubernetes API server at http://127.0.0.1:1",
            ],
        ),
        case(
            "unknown check",
            &["preflight", "--only", "BOGUS"],
            2,
            &["\"BOGUS\"", "PDB001", "WRK002"],
        ),
        case(
            "unknown skip",
            &["preflight", "--skip", "PDB001,nope"],
            2,
            &["\"nope\""],
        ),
        case(
            "sim speed 0",
            &["sim", "--speed", "0"],
            2,
            &["greater than 0"],
        ),
        case(
            "sim speed and manual clock",
            &["sim", "--speed", "2", "--manual-clock"],
            2,
            &["--manual-clock"],
        ),
        case(
            "sim unknown scenario",
            &["sim", "--scenario", "nope"],
            2,
            &["unknown scenario \"nope\""],
        ),
        case("upgrade not yet", &["upgrade"], 2, &["not available yet"]),
        case(
            "watch not yet",
            &["watch", "nodes"],
            2,
            &["not available yet"],
        ),
    ];
    // No region anywhere: not in the environment, not in a profile, not in the context's name.
    let mut no_region = case(
        "no region",
        &[
            "preflight",
            "--cluster",
            "interesting-funk-otter",
            "--kubeconfig",
            &path(&plain),
        ],
        2,
        &["no AWS region", "--region"],
    );
    no_region.env = vec![
        ("AWS_REGION", None),
        ("AWS_DEFAULT_REGION", None),
        ("AWS_CONFIG_FILE", Some("/dev/null".into())),
    ];
    cases.push(no_region);
    // No credentials anywhere.
    let mut no_credentials = case(
        "no credentials",
        &["preflight"],
        2,
        &["no AWS credentials found", "AWS_PROFILE"],
    );
    no_credentials.env = vec![
        ("AWS_ACCESS_KEY_ID", None),
        ("AWS_SECRET_ACCESS_KEY", None),
        ("AWS_CONFIG_FILE", Some("/dev/null".into())),
    ];
    cases.push(no_credentials);
    // No cluster named anywhere: the error lists what ListClusters returns.
    cases.push(case(
        "no cluster chosen",
        &["preflight", "--kubeconfig", &path(&plain)],
        2,
        &[
            "no cluster chosen",
            "clusters in ap-northeast-1: interesting-funk-otter",
        ],
    ));
    // A bad scenario file names the line at fault.
    let bad_scenario = dir.path().join("bad.yaml");
    std::fs::write(&bad_scenario, "name: bad\ncluster:\n  name: [unclosed\n").unwrap();
    cases.push(case(
        "sim bad scenario file",
        &["sim", "--scenario", &path(&bad_scenario)],
        2,
        &["line"],
    ));

    check(&sim, cases).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn version_jumps_fail_the_version_check() {
    let sim = common::start_sim("article", true).await;
    for (to, says) in [
        ("1.32", "1.30 → 1.32"),
        ("1.29", "downgrade"),
        ("1.30", "already"),
    ] {
        let mut cmd = common::eksauto(&sim);
        cmd.args(["preflight", "-o", "json", "--to", to]);
        let (code, out, err) = common::run(cmd).await;
        assert_eq!(code, 1, "--to {to}: {err}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let clu002 = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == "CLU002" && f["severity"] == "fail")
            .unwrap_or_else(|| panic!("--to {to}: no CLU002 FAIL in {out}"));
        let text = format!("{} {}", clu002["subject"], clu002["message"]);
        assert!(text.contains(says), "--to {to}: {text}");
    }
    assert!(common::mutating_requests(&sim).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cluster_without_auto_mode_is_reported() {
    let article = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/article.yaml"
    ))
    .unwrap();
    let off = article.replace(
        "autoMode: {compute: true, storage: true, elb: true}",
        "autoMode: {compute: false, storage: false, elb: false}",
    );
    assert_ne!(off, article, "the article scenario changed shape");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("no-auto-mode.yaml");
    std::fs::write(&file, off).unwrap();
    let sim = common::start_sim(file.to_str().unwrap(), true).await;
    let mut cmd = common::eksauto(&sim);
    cmd.args(["preflight", "-o", "json"]);
    let (code, out, err) = common::run(cmd).await;
    let v: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    let clu003 = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "CLU003")
        .cloned()
        .unwrap();
    assert_eq!(clu003["severity"], "warn", "{clu003}");
    assert!(
        clu003["message"].as_str().unwrap().contains("Auto Mode"),
        "{clu003}"
    );
    let fails = v["summary"]["fail"].as_u64().unwrap();
    assert_eq!(code, if fails > 0 { 1 } else { 0 }, "{out}");
    assert!(common::mutating_requests(&sim).await.is_empty());
}
