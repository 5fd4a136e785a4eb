//! What tests ask the real `aws` CLI: JSON answers, the errors it prints, and the control-plane
//! update a user would start by hand.

use eksauto_sim::SimHandle;
use serde_json::Value;

use super::commands::{aws, run};

/// `aws ARGS...` that must succeed, its stdout parsed as JSON.
pub async fn aws_json(sim: &SimHandle, args: &[&str]) -> Value {
    let (rc, out, err) = run(aws(sim, args)).await;
    assert_eq!(rc, 0, "aws {args:?} failed: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("aws {args:?}: not JSON ({e}): {out}"))
}

/// `aws ARGS...` that must fail with the AWS error `code` (exit code 254 or 255, as the CLI
/// versions differ); its stderr.
pub async fn aws_error(sim: &SimHandle, args: &[&str], code: &str) -> String {
    let (rc, out, err) = run(aws(sim, args)).await;
    assert!(
        rc == 254 || rc == 255,
        "aws {args:?}: exit {rc}, stdout {out}, stderr {err}"
    );
    assert!(
        err.contains(&format!("({code})")),
        "aws {args:?}: expected {code}: {err}"
    );
    err
}

/// Starts the control-plane update to `version` with the real aws CLI, as a user would by hand;
/// the CLI's answer.
pub async fn cli_update_cluster_version(sim: &SimHandle, version: &str, force: bool) -> Value {
    let mut args = vec![
        "eks",
        "update-cluster-version",
        "--name",
        &sim.cluster_name,
        "--kubernetes-version",
        version,
    ];
    if force {
        args.push("--force");
    }
    aws_json(sim, &args).await
}
