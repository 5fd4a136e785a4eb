//! Bad input, tried on the real binary: each gets a clear one-line message, the documented exit code
//! (2 for usage, configuration and access problems), no panic, and no mutating call reaches the
//! emulator.

use crate::common;

use std::process::Command;
use std::time::{Duration, Instant};

use eksauto_sim::SimHandle;

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
    let mut cmd = common::eksauto(sim, &c.args);
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
    let plain = common::plain_kubeconfig(&sim, dir.path());
    // The emulator's kubeconfig pointing at a closed port.
    let dead = common::kubeconfig_with(
        &sim,
        dir.path(),
        "dead-kubeconfig",
        &sim.kube_url,
        "http://127.0.0.1:1",
    );
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
        case(
            "upgrade without a terminal or --yes",
            &["upgrade"],
            2,
            &["refusing to upgrade without a confirmation"],
        ),
        case(
            "watch rotation bad version",
            &["watch", "rotation", "--to", "1.x"],
            2,
            &["not a Kubernetes version"],
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
    // No credentials, and an instance metadata service that refuses (as on a machine where IMDS is
    // switched off): still "no credentials", not a network problem.
    let imds = refusing_imds();
    let mut imds_refuses = case(
        "no credentials, IMDS refuses",
        &["preflight"],
        2,
        &["no AWS credentials found", "aws configure", "aws sso login"],
    );
    imds_refuses.env = vec![
        ("AWS_ACCESS_KEY_ID", None),
        ("AWS_SECRET_ACCESS_KEY", None),
        ("AWS_CONFIG_FILE", Some("/dev/null".into())),
        ("AWS_EC2_METADATA_DISABLED", Some("false".into())),
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT", Some(imds)),
    ];
    cases.push(imds_refuses);
    // A profile nobody defined, by flag and by variable.
    for (name, args, env) in [
        (
            "unknown --profile",
            &["preflight", "--profile", "nope"][..],
            None,
        ),
        ("unknown AWS_PROFILE", &["preflight"][..], Some("nope")),
    ] {
        let mut c = case(
            name,
            args,
            2,
            &["AWS profile \"nope\" is not defined", "aws configure"],
        );
        // No keys in the environment: the profile is what the SDK would use.
        c.env = vec![
            ("AWS_PROFILE", env.map(str::to_string)),
            ("AWS_ACCESS_KEY_ID", None),
            ("AWS_SECRET_ACCESS_KEY", None),
        ];
        cases.push(c);
    }
    // An SSO profile whose cached session has expired.
    let home = dir.path().join("home");
    let cache = home.join(".aws/sso/cache");
    std::fs::create_dir_all(&cache).unwrap();
    let sso_config = dir.path().join("sso-config");
    std::fs::write(
        &sso_config,
        "[profile dev]\nsso_session = my-sso\nsso_account_id = 111122223333\nsso_role_name = ReadOnly\nregion = ap-northeast-1\n[sso-session my-sso]\nsso_start_url = https://example.awsapps.com/start\nsso_region = ap-northeast-1\n",
    )
    .unwrap();
    // The SDK's cache file name for session "my-sso" is the SHA-1 of the session name.
    std::fs::write(
        cache.join("0ad374308c5a4e22f723adf10145eafad7c4031c.json"),
        r#"{"accessToken":"expired","expiresAt":"2020-01-01T00:00:00Z","region":"ap-northeast-1","startUrl":"https://example.awsapps.com/start"}"#,
    )
    .unwrap();
    let mut sso = case(
        "expired SSO session",
        &["preflight", "--profile", "dev"],
        2,
        &[
            "SSO session of profile \"dev\" has expired",
            "aws sso login --profile dev",
        ],
    );
    sso.env = vec![
        ("AWS_ACCESS_KEY_ID", None),
        ("AWS_SECRET_ACCESS_KEY", None),
        ("AWS_CONFIG_FILE", Some(path(&sso_config))),
        ("HOME", Some(path(&home))),
    ];
    cases.push(sso);
    // A per-service endpoint that does not answer is named, with its variable.
    for (service, var) in [
        ("EKS", "AWS_ENDPOINT_URL_EKS"),
        ("EC2", "AWS_ENDPOINT_URL_EC2"),
        ("IAM", "AWS_ENDPOINT_URL_IAM"),
    ] {
        let mut c = case(
            var,
            &["preflight"],
            2,
            &[
                &format!("cannot reach the {service} endpoint http://127.0.0.1:1"),
                var,
            ],
        );
        c.env = vec![(var, Some("http://127.0.0.1:1".into()))];
        cases.push(c);
    }
    cases.push(case(
        "endpoint without a scheme",
        &["preflight", "--endpoint-url", "127.0.0.1:4566"],
        2,
        &[
            "not a URL for --endpoint-url",
            "EKS, EC2 and IAM",
            "AWS_ENDPOINT_URL_EKS",
        ],
    ));
    cases.push(case(
        "kubeconfig is a directory",
        &["preflight", "--kubeconfig", &path(dir.path())],
        2,
        &["cannot read kubeconfig"],
    ));
    cases.push(case(
        "refresh for an unknown cluster",
        &[
            "preflight",
            "--refresh-insights",
            "--cluster",
            "nope",
            "--kubeconfig",
            &path(&plain),
        ],
        2,
        &["\"nope\" not found"],
    ));
    cases.push(case(
        "one-number --to",
        &["preflight", "--to", "1"],
        2,
        &["not a Kubernetes version"],
    ));
    cases.push(case(
        "unknown shell",
        &["completions", "tcsh"],
        2,
        &["tcsh"],
    ));
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

    assert!(cases.len() >= 30, "{} cases", cases.len());
    check(&sim, cases).await;
}

/// A stand-in instance metadata service that refuses every request (HTTP 403), as IMDS does where
/// it is switched off; its URL.
fn refusing_imds() -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let _ = s.write_all(
                b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
        }
    });
    url
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn version_jumps_fail_the_version_check() {
    let sim = common::start_sim("article", true).await;
    for (to, says) in [
        ("1.32", "1.30 → 1.32"),
        ("1.29", "downgrade"),
        ("1.30", "already"),
    ] {
        let (code, out, err) = common::run(common::eksauto(
            &sim,
            ["preflight", "-o", "json", "--to", to],
        ))
        .await;
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
    let dir = tempfile::tempdir().unwrap();
    let file = common::article_edited(
        dir.path(),
        "no-auto-mode",
        "autoMode: {compute: true, storage: true, elb: true}",
        "autoMode: {compute: false, storage: false, elb: false}",
    );
    let sim = common::start_sim(&file, true).await;
    let (code, out, err) = common::run(common::eksauto(&sim, ["preflight", "-o", "json"])).await;
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
