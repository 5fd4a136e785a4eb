//! `-vv` logs what eksauto does, but never a credential: not the secret access key, not the
//! kubeconfig's bearer token, not an Authorization header.

use crate::common;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn very_verbose_logs_leak_no_secrets() {
    let sim = common::start_sim("article", true).await;
    let kubeconfig = std::fs::read_to_string(&sim.kubeconfig).unwrap();
    let token = kubeconfig
        .lines()
        .find_map(|l| l.trim().strip_prefix("token:"))
        .expect("the emulator's kubeconfig has a token")
        .trim()
        .to_string();
    assert!(token.len() >= 16);
    let mut cmd = common::eksauto(&sim, ["-vv", "preflight"]);
    cmd.env("AWS_SESSION_TOKEN", "SessionTokenThatMustNotLeak0123");
    let (code, out, err) = common::run(cmd).await;
    assert_eq!(code, 0, "stderr:\n{err}");
    assert!(
        err.contains("DescribeCluster"),
        "-vv logs the calls:\n{err}"
    );
    for secret in [
        eksauto_sim::SECRET_ACCESS_KEY,
        token.as_str(),
        "SessionTokenThatMustNotLeak0123",
    ] {
        assert!(!err.contains(secret), "stderr leaks a secret");
        assert!(!out.contains(secret), "stdout leaks a secret");
    }
    assert!(!err.to_ascii_lowercase().contains("authorization"), "{err}");
    assert!(!err.contains("Bearer"), "{err}");
}
