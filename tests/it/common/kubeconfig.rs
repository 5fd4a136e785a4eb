//! Variants of the emulator's kubeconfig, written to a test's own directory.

use std::path::{Path, PathBuf};

use eksauto_sim::SimHandle;
use serde_json::json;

/// The emulator's kubeconfig with `from` replaced by `to`, written to `dir/name`; its path.
pub fn kubeconfig_with(sim: &SimHandle, dir: &Path, name: &str, from: &str, to: &str) -> PathBuf {
    let text = std::fs::read_to_string(&sim.kubeconfig).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text.replace(from, to)).unwrap();
    path
}

/// The emulator's kubeconfig with a context named `dev`, which says nothing about the cluster (the
/// name is not its ARN), so `--cluster` or the cluster list decides; its path.
pub fn plain_kubeconfig(sim: &SimHandle, dir: &Path) -> PathBuf {
    kubeconfig_with(sim, dir, "plain-kubeconfig", &sim.cluster_arn, "dev")
}

/// The kubeconfig `from` (whose user runs the `aws eks get-token` exec plugin) with the emulator's
/// AWS settings given to the plugin, the way a user's shell would give them, written to `to`.
pub fn with_exec_env(sim: &SimHandle, from: &Path, to: &Path) {
    let text = std::fs::read_to_string(from).unwrap();
    let mut kc: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    let env: Vec<serde_yaml::Value> = sim
        .env()
        .into_iter()
        .filter(|(k, _)| k.starts_with("AWS_"))
        .map(|(k, v)| serde_yaml::to_value(json!({"name": k, "value": v})).unwrap())
        .collect();
    kc["users"][0]["user"]["exec"]["env"] = serde_yaml::Value::Sequence(env);
    std::fs::write(to, serde_yaml::to_string(&kc).unwrap()).unwrap();
}

/// The emulator's kubeconfig with a bearer token its API server refuses, written to `dir`; its path.
pub fn refused_kubeconfig(sim: &SimHandle, dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(&sim.kubeconfig).unwrap();
    let mut kc: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    kc["users"][0]["user"] =
        serde_yaml::to_value(json!({"token": "not-a-token-it-knows"})).unwrap();
    let path = dir.join("refused-kubeconfig");
    std::fs::write(&path, serde_yaml::to_string(&kc).unwrap()).unwrap();
    path
}
