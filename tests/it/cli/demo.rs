//! `eksauto demo` on a machine with no AWS or kube set-up: starts the built-in emulator and runs the
//! ordinary preflight against it.

use crate::common;

use std::process::Command;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_runs_the_preflight_on_the_emulator() {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_eksauto"));
    for var in [
        "AWS_PROFILE",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_ENDPOINT_URL",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "KUBECONFIG",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("HOME", tempfile::tempdir().unwrap().path())
        .arg("demo");
    let (code, out, err) = common::run(cmd).await;
    assert_eq!(code, 0, "stdout:\n{out}\nstderr:\n{err}");
    assert!(out.contains("interesting-funk-otter"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.contains("WRK002") && l.contains("WARN")),
        "{out}"
    );
    assert!(err.contains("emulator"), "{err}");
}
