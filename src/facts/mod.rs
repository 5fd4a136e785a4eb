//! Facts: everything preflight needs to know about a cluster, gathered by I/O in one place and
//! converted into plain structs (`model`) that the checks judge without any I/O.
//!
//! [`gather`] runs the calls that do not depend on each other at the same time, so the chain is two
//! round trips deep: DescribeCluster → DescribeSubnets / GetRole / add-on details, and ListInsights
//! → DescribeInsight (and ListUpdates → DescribeUpdate), with the Kubernetes lists alongside. A fact
//! that cannot be gathered becomes `Gathered::Unavailable`; only an unknown cluster or an endpoint
//! that does not answer stops the run.

pub mod ec2;
pub mod eks;
pub mod iam;
pub mod kube;
pub mod model;
pub mod slim;
pub mod trust_policy;

use std::future::Future;
use std::time::Instant;

use aws_sdk_eks::primitives::DateTime;
use jiff::Timestamp;

use crate::clients::{Aws, Kube};
use crate::error::{AwsFailure, Error};
use crate::version::Minor;
use model::{Facts, Gathered};

/// What to gather.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub cluster: &'a str,
    /// Target version; default: the cluster's version + 1 minor.
    pub to: Option<Minor>,
    /// StartInsightsRefresh and wait for it before listing insights.
    pub refresh_insights: bool,
}

/// Gathers every fact about `req.cluster`. `kube` yields the kube client (it may still be being
/// built when the AWS calls start), or `Err(reason)` when there is no kubeconfig (the Kubernetes
/// facts are then unavailable, with that reason).
pub async fn gather(
    aws: &Aws,
    kube: impl Future<Output = Result<Result<Kube, String>, Error>>,
    req: &Request<'_>,
) -> Result<Facts, Error> {
    let started = Instant::now();
    let cluster = req.cluster;
    // Independent of DescribeCluster: start at once.
    let kube_side = async {
        let client = kube.await?;
        Ok::<_, Error>(kube::gather(client.as_ref().map_err(String::as_str)).await)
    };
    let versions = eks::cluster_versions(aws);
    let updates = eks::updates(aws, cluster);
    let insights_now = async {
        if req.refresh_insights {
            None
        } else {
            Some(eks::insights(aws, cluster, false).await)
        }
    };
    let aws_side = async {
        let (described, addon_names) = tokio::join!(
            eks::describe_cluster(aws, cluster),
            eks::addon_names(aws, cluster)
        );
        let facts = match described {
            Ok(c) => c,
            Err(f) if f.is_not_found() => {
                return Err(Error::UnknownCluster {
                    name: cluster.to_string(),
                    region: aws.region.clone(),
                    clusters: eks::list_clusters(aws).await?,
                })
            }
            Err(f) => return Err(f.into_error()),
        };
        let target = target_version(&facts.version, req.to)?;
        let target_text = target.to_string();
        let node_role = async {
            match &facts.auto_mode.node_role_arn {
                Some(arn) => iam::role(aws, arn).await.map(Some),
                None => Ok(None),
            }
        };
        // A refresh is a write: only once the cluster is known to exist.
        let refreshed = async {
            if req.refresh_insights {
                eks::insights(aws, cluster, true).await.map(Some)
            } else {
                Ok(None)
            }
        };
        let (subnets, cluster_role, node_role, addons, refreshed) = tokio::try_join!(
            ec2::subnets(aws, &facts.subnet_ids),
            iam::role(aws, &facts.role_arn),
            node_role,
            eks::addons(aws, cluster, addon_names?, &target_text),
            refreshed,
        )?;
        Ok((
            facts,
            target,
            subnets,
            cluster_role,
            node_role,
            addons,
            refreshed,
        ))
    };
    let insights_now = async { insights_now.await.transpose() };
    let (
        (cluster_facts, target_version, subnets, cluster_role, node_role, addons, refreshed),
        versions,
        updates,
        insights_now,
        kube,
    ) = tokio::try_join!(aws_side, versions, updates, insights_now, kube_side)?;
    let insights = match (refreshed, insights_now) {
        (Some(i), _) | (None, Some(i)) => i,
        (None, None) => Gathered::Unavailable("insights were not listed".into()),
    };
    tracing::debug!(
        ms = started.elapsed().as_millis() as u64,
        "all facts gathered"
    );
    Ok(Facts {
        now: Timestamp::now(),
        target_version,
        cluster: cluster_facts,
        versions,
        updates,
        insights,
        subnets,
        cluster_role,
        node_role,
        addons,
        kube,
    })
}

/// `--to`, or the cluster's version + 1 minor.
fn target_version(current: &str, to: Option<Minor>) -> Result<Minor, Error> {
    if let Some(t) = to {
        return Ok(t);
    }
    current
        .parse::<Minor>()
        .map(Minor::next)
        .map_err(|_| Error::Api {
            operation: "DescribeCluster".into(),
            detail: format!(
                "the cluster reports version {current:?}, which is not MAJOR.MINOR — pass --to X.Y"
            ),
        })
}

/// Logs how long one call (or group of calls) took, at debug level.
pub(crate) async fn timed<F: Future>(what: &'static str, fut: F) -> F::Output {
    let t = Instant::now();
    let out = fut.await;
    tracing::debug!(call = what, ms = t.elapsed().as_millis() as u64, "done");
    out
}

/// A failed AWS call that only costs one fact: unreachable endpoints still stop the run.
pub(crate) fn soft<T>(f: AwsFailure) -> Result<Gathered<T>, Error> {
    match f {
        AwsFailure::Fatal(e) => Err(e),
        other => {
            tracing::debug!(reason = %other.reason(), "fact unavailable");
            Ok(Gathered::Unavailable(other.reason()))
        }
    }
}

/// An SDK timestamp as a jiff one.
pub(crate) fn timestamp(dt: Option<&DateTime>) -> Option<Timestamp> {
    let dt = dt?;
    Timestamp::new(dt.secs(), dt.subsec_nanos() as i32).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_defaults_to_next_minor() {
        assert_eq!(target_version("1.30", None).unwrap().to_string(), "1.31");
        let to = "1.33".parse().ok();
        assert_eq!(target_version("1.30", to).unwrap().to_string(), "1.33");
        assert!(target_version("weird", None).is_err());
    }

    #[test]
    fn sdk_timestamps_convert() {
        let dt = DateTime::from_secs(1_700_000_000);
        assert_eq!(timestamp(Some(&dt)).unwrap().as_second(), 1_700_000_000);
        assert_eq!(timestamp(None), None);
    }
}
