//! The one connection step every command shares: which cluster (global options, else the kube
//! context's EKS ARN), the AWS clients for its region, and the Kubernetes client from the
//! kubeconfig — built concurrently, since both set-ups load the system's root certificates.
//! `kube_only` is the step for commands that talk to the Kubernetes API alone (`watch`).

use std::future::Future;
use std::time::Duration;

use crate::cli::GlobalArgs;
use crate::clients::{self, Aws, Kube};
use crate::error::Error;
use crate::facts::eks;
use crate::target;

/// The Kubernetes client: `Ok(Err(reason))` when there is no kubeconfig to build it from.
pub type KubeResult = Result<Result<Kube, String>, Error>;

/// A cluster chosen, its AWS clients ready and its Kubernetes client on the way.
pub struct Connection<K: Future<Output = KubeResult>> {
    pub cluster: String,
    pub aws: Aws,
    /// Resolves to the Kubernetes client; await it only when the Kubernetes side is needed.
    pub kube: K,
}

/// Chooses the cluster and builds both clients. An unnamed cluster with no usable kube context is
/// an error that lists the region's clusters.
pub async fn connect(
    global: &GlobalArgs,
) -> Result<Connection<impl Future<Output = KubeResult>>, Error> {
    connect_with(global, clients::KUBE_READ_TIMEOUT).await
}

/// As [`connect`], with the Kubernetes client's read timeout: a run that also watches (upgrade)
/// uses one client for its lists and its watches, with a timeout longer than a watch stays silent.
pub async fn connect_with(
    global: &GlobalArgs,
    read_timeout: Duration,
) -> Result<Connection<impl Future<Output = KubeResult>>, Error> {
    let source = clients::read_kubeconfig(global)?;
    let choice = target::choose(
        global.cluster.as_deref(),
        global.region.as_deref(),
        source.as_ref().map(|s| &s.context),
    )?;
    let kube_client = source.clone().map(|s| {
        tokio::spawn(async move { clients::kube_with_read_timeout(&s, read_timeout).await })
    });
    let aws = clients::aws(global, choice.fallback_region.as_deref()).await?;
    let cluster = match choice.cluster {
        Some(c) => c,
        None => {
            return Err(Error::NoCluster {
                region: aws.region.clone(),
                clusters: eks::list_clusters(&aws).await?,
            })
        }
    };
    let no_kubeconfig = format!(
        "no kubeconfig found; run aws eks update-kubeconfig --name {cluster}, or pass --kubeconfig"
    );
    let kube = async move {
        match kube_client {
            Some(task) => match task.await {
                Ok(client) => client.map(Ok),
                Err(e) => Err(Error::Kubeconfig(format!(
                    "cannot build the Kubernetes client: {e}"
                ))),
            },
            None => Ok(Err(no_kubeconfig)),
        }
    };
    Ok(Connection { cluster, aws, kube })
}

/// The Kubernetes side alone: the client, and the cluster's name and region when the kube
/// context names an EKS cluster ARN (for headers; no AWS call is made).
pub struct KubeConnection {
    pub kube: Kube,
    pub cluster: Option<String>,
    pub region: Option<String>,
}

/// Builds the Kubernetes client from the kubeconfig (`--kubeconfig`, `--context`, KUBECONFIG),
/// with the given read timeout.
pub async fn kube_only(
    global: &GlobalArgs,
    read_timeout: Duration,
) -> Result<KubeConnection, Error> {
    let source = clients::read_kubeconfig(global)?.ok_or_else(|| {
        Error::Kubeconfig(
            "no kubeconfig found; run aws eks update-kubeconfig --name CLUSTER, or pass --kubeconfig"
                .into(),
        )
    })?;
    let arn = source.context.eks_arn();
    let kube = clients::kube_with_read_timeout(&source, read_timeout).await?;
    Ok(KubeConnection {
        kube,
        cluster: global
            .cluster
            .clone()
            .or_else(|| arn.as_ref().map(|a| a.name.clone())),
        region: global.region.clone().or_else(|| arn.map(|a| a.region)),
    })
}
