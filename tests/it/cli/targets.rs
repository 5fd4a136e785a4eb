//! Choosing the cluster and the endpoints: flags, the kube context's ARN, and the variables the AWS
//! SDK and kube read themselves (KUBECONFIG with several files, AWS_ENDPOINT_URL, AWS_REGION).

use crate::common;

use serde_json::Value;

fn cluster_and_region(out: &str) -> (String, String) {
    let v: Value = serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out}"));
    (
        v["cluster"].as_str().unwrap().to_string(),
        v["region"].as_str().unwrap().to_string(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn context_flag_picks_from_a_merged_kubeconfig() {
    let sim = common::start_sim("article", true).await;
    let dir = tempfile::tempdir().unwrap();
    // A first file whose current context points at nothing useful.
    let first = dir.path().join("first");
    std::fs::write(
        &first,
        "apiVersion: v1\nkind: Config\nclusters:\n- name: dead\n  cluster:\n    server: http://127.0.0.1:1\ncontexts:\n- name: dead\n  context:\n    cluster: dead\n    user: dead\ncurrent-context: dead\nusers:\n- name: dead\n  user:\n    token: x\n",
    )
    .unwrap();
    let merged = format!("{}:{}", first.display(), sim.kubeconfig.display());
    let mut cmd = common::eksauto(
        &sim,
        ["preflight", "-o", "json", "--context", &sim.cluster_arn],
    );
    cmd.env("KUBECONFIG", &merged);
    let (code, out, err) = common::run(cmd).await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        cluster_and_region(&out),
        ("interesting-funk-otter".into(), "ap-northeast-1".into())
    );
    // Without --context the first file's current context wins, and its API server is down: the
    // AWS findings are reported, the Kubernetes side is one WARN, and the run is incomplete.
    let mut cmd = common::eksauto(&sim, ["preflight", "--cluster", "interesting-funk-otter"]);
    cmd.env("KUBECONFIG", &merged);
    let (code, out, err) = common::run(cmd).await;
    assert_eq!(code, 2, "{out}\n{err}");
    assert!(out.contains("K8S002"), "{out}");
    assert!(
        out.contains("cannot reach the Kubernetes API server"),
        "{out}"
    );
    assert!(out.contains("IAM001"), "{out}");
    assert!(err.starts_with("error: preflight is incomplete"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flags_replace_the_environment() {
    let sim = common::start_sim("article", true).await;
    let mut cmd = common::eksauto(
        &sim,
        ["preflight", "-o", "json", "--endpoint-url", &sim.aws_url],
    );
    cmd.env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_REGION")
        .env_remove("AWS_DEFAULT_REGION")
        .env_remove("KUBECONFIG")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("HOME", "/nonexistent")
        .arg("--kubeconfig")
        .arg(&sim.kubeconfig);
    let (code, out, err) = common::run(cmd).await;
    assert_eq!(code, 0, "{err}");
    // Region from the context's ARN, cluster from the context.
    assert_eq!(
        cluster_and_region(&out),
        ("interesting-funk-otter".into(), "ap-northeast-1".into())
    );
    // An explicit region that contradicts the context is refused rather than mixing clusters.
    let cmd = common::eksauto(&sim, ["preflight", "--region", "eu-west-1"]);
    let (code, _, err) = common::run(cmd).await;
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("pass --context"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn per_service_endpoint_variables_reach_the_sdk() {
    // A private cluster's VPC interface endpoints are set one service at a time.
    let sim = common::start_sim("article", true).await;
    let mut cmd = common::eksauto(&sim, ["preflight", "-o", "json"]);
    cmd.env_remove("AWS_ENDPOINT_URL")
        .env("AWS_ENDPOINT_URL_EKS", &sim.aws_url)
        .env("AWS_ENDPOINT_URL_EC2", &sim.aws_url)
        .env("AWS_ENDPOINT_URL_IAM", &sim.aws_url);
    let (code, out, err) = common::run(cmd).await;
    assert_eq!(code, 0, "{out}\n{err}");
    let services: std::collections::BTreeSet<String> = common::request_log(&sim)
        .await
        .iter()
        .map(|r| r["service"].as_str().unwrap().to_string())
        .collect();
    for s in ["eks", "ec2", "iam"] {
        assert!(services.contains(s), "{s} not called: {services:?}");
    }
    // --endpoint-url wins over the per-service variables, for all three services.
    let mut cmd = common::eksauto(
        &sim,
        ["preflight", "-o", "json", "--endpoint-url", &sim.aws_url],
    );
    cmd.env_remove("AWS_ENDPOINT_URL")
        .env("AWS_ENDPOINT_URL_EC2", "http://127.0.0.1:1");
    let (code, _, err) = common::run(cmd).await;
    assert_eq!(code, 0, "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_in_the_environment_win_over_an_unknown_aws_profile() {
    // The SDK reads AWS_ACCESS_KEY_ID before AWS_PROFILE: a stale AWS_PROFILE does not matter
    // then, while --profile always names the profile to use.
    let sim = common::start_sim("article", true).await;
    let mut cmd = common::eksauto(&sim, ["preflight", "-o", "json"]);
    cmd.env("AWS_PROFILE", "gone");
    let (code, out, err) = common::run(cmd).await;
    assert_eq!(code, 0, "{out}\n{err}");
    let cmd = common::eksauto(&sim, ["preflight", "--profile", "gone"]);
    let (code, _, err) = common::run(cmd).await;
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("AWS profile \"gone\" is not defined"), "{err}");
}
