//! In-process clients of the emulator: the AWS SDK (what eksauto itself uses) and kube-rs, pointed
//! at it by endpoint, region, credentials and kubeconfig.

use std::path::Path;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use eksauto_sim::SimHandle;

/// An AWS SDK configuration for the emulator's endpoint, region and credentials.
pub async fn sdk_config(sim: &SimHandle) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(&sim.aws_url)
        .region(Region::new(sim.region.clone()))
        .credentials_provider(aws_sdk_eks::config::Credentials::new(
            eksauto_sim::ACCESS_KEY_ID,
            eksauto_sim::SECRET_ACCESS_KEY,
            None,
            None,
            "emulator",
        ))
        .load()
        .await
}

/// An EKS client of the emulator.
pub async fn eks_client(sim: &SimHandle) -> aws_sdk_eks::Client {
    aws_sdk_eks::Client::new(&sdk_config(sim).await)
}

/// A kube-rs client from the emulator's own kubeconfig.
pub async fn kube_client(sim: &SimHandle) -> kube::Client {
    kube_client_from(&sim.kubeconfig).await
}

/// A kube-rs client from a kubeconfig file.
pub async fn kube_client_from(path: &Path) -> kube::Client {
    let kc = kube::config::Kubeconfig::read_from(path).expect("kubeconfig");
    let config = kube::Config::from_custom_kubeconfig(kc, &Default::default())
        .await
        .expect("kube config");
    kube::Client::try_from(config).expect("kube client")
}

/// Starts the control-plane update to `version` through the AWS SDK (`force`: despite ERROR
/// upgrade insights); the update's id.
pub async fn sdk_update_cluster_version(sim: &SimHandle, version: &str, force: bool) -> String {
    let answer = eks_client(sim)
        .await
        .update_cluster_version()
        .name(&sim.cluster_name)
        .version(version)
        .force(force)
        .send()
        .await
        .expect("UpdateClusterVersion");
    answer
        .update()
        .and_then(|u| u.id())
        .expect("update id")
        .to_string()
}
