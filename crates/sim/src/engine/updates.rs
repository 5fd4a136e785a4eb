//! Completion of control-plane updates on the AWS side: an InProgress version update ends at its
//! `finish_at`, Successful (the cluster moves to the target version, the platform version moves on,
//! status back to ACTIVE) or Failed with an ErrorDetail when the scenario says so (version kept).

use serde_json::json;

use crate::world::World;

/// Returns whether any update finished (the rest of the engine then runs even on an idle tick).
pub fn run(world: &mut World) -> bool {
    let now = world.now;
    let mut changed = false;
    for cluster in world.aws.clusters.values_mut() {
        let mut finished = Vec::new();
        for (i, u) in cluster.updates.iter().enumerate() {
            if u.status == "InProgress" && now >= u.finish_at {
                finished.push(i);
            }
        }
        for i in finished {
            changed = true;
            let fail = cluster.update_behaviour.fail_with.clone();
            let u = &mut cluster.updates[i];
            match fail {
                Some(code) => {
                    u.status = "Failed".into();
                    u.errors = vec![json!({
                        "errorCode": code,
                        "errorMessage": format!(
                            "The cluster update to {} could not be completed ({code}). The cluster keeps running version {}.",
                            u.target_version.clone().unwrap_or_default(),
                            cluster.version
                        ),
                        "resourceIds": [cluster.name],
                    })];
                }
                None => {
                    u.status = "Successful".into();
                    if let Some(v) = u.target_version.clone() {
                        if u.kind == "VersionUpdate" && v != cluster.version {
                            cluster.version = v;
                            cluster.platform_version = next_platform(&cluster.platform_version);
                        }
                    }
                }
            }
            if !cluster.updates.iter().any(|u| u.status == "InProgress") {
                cluster.status = "ACTIVE".into();
            }
        }
    }
    changed
}

/// "eks.12" → "eks.13".
fn next_platform(p: &str) -> String {
    match p.strip_prefix("eks.").and_then(|n| n.parse::<u32>().ok()) {
        Some(n) => format!("eks.{}", n + 1),
        None => "eks.1".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_versions_move_on() {
        assert_eq!(next_platform("eks.12"), "eks.13");
        assert_eq!(next_platform("weird"), "eks.1");
    }
}
