//! The control-plane update on the AWS side: UpdateClusterVersion with a client request token
//! (so a retry never starts a second update), then DescribeUpdate followed with a spinner until it
//! ends, then DescribeCluster until it reports the new version (it can lag right after
//! `Successful`). EKS has no watch for updates: these are the only polls, every few seconds.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use tokio::time::Instant;

use crate::clients::Aws;
use crate::error::{classify, AwsFailure, Error};
use crate::facts::eks::{describe_cluster, update_facts};
use crate::facts::model::UpdateFacts;
use crate::version::Minor;

/// Between two DescribeUpdate calls.
const POLL: Duration = Duration::from_secs(5);
/// How long DescribeCluster may keep reporting the old version after `Successful`.
const VERSION_LAG: Duration = Duration::from_secs(300);

/// What UpdateClusterVersion answered.
pub enum Started {
    Update(UpdateFacts),
    /// 400 InvalidStateException: blocking upgrade-readiness insights; the message as EKS gave
    /// it.
    Blocked(String),
    /// ResourceInUseException: an update is already running.
    InUse(String),
}

/// A token that is the same for the same cluster, current version and target, so a re-run after
/// a lost answer returns the same update instead of starting another.
pub fn request_token(cluster_arn: &str, current: &str, target: Minor) -> String {
    // FNV-1a, 64 bit: stable across runs and platforms.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in format!("{cluster_arn}|{current}|{target}").bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("eksauto-{target}-{h:016x}")
}

/// UpdateClusterVersion.
pub async fn start(
    aws: &Aws,
    cluster: &str,
    target: Minor,
    force: bool,
    token: &str,
) -> Result<Started, Error> {
    let out = aws
        .eks
        .update_cluster_version()
        .name(cluster)
        .version(target.to_string())
        .client_request_token(token)
        .set_force(force.then_some(true))
        .send()
        .await;
    match out {
        Ok(o) => match o.update() {
            Some(u) => Ok(Started::Update(update_facts(u))),
            None => Err(Error::Api {
                operation: "UpdateClusterVersion".into(),
                detail: "EKS answered without an update".into(),
            }),
        },
        Err(e) => match classify("UpdateClusterVersion", &aws.eks_endpoint, e) {
            AwsFailure::Service { code, message, .. } if code == "InvalidStateException" => {
                Ok(Started::Blocked(message))
            }
            AwsFailure::Service { code, message, .. } if code == "ResourceInUseException" => {
                Ok(Started::InUse(message))
            }
            AwsFailure::Service {
                code,
                message,
                operation,
            } => Err(Error::Api {
                operation,
                detail: format!("{code}: {message}"),
            }),
            AwsFailure::Fatal(e) => Err(e),
        },
    }
}

/// DescribeUpdate.
pub async fn describe(aws: &Aws, cluster: &str, id: &str) -> Result<UpdateFacts, Error> {
    let out = aws
        .eks
        .describe_update()
        .name(cluster)
        .update_id(id)
        .send()
        .await
        .map_err(|e| classify("DescribeUpdate", &aws.eks_endpoint, e).into_error())?;
    out.update().map(update_facts).ok_or_else(|| Error::Api {
        operation: "DescribeUpdate".into(),
        detail: format!("no update {id}"),
    })
}

/// Follows the update with a spinner until it is no longer InProgress; returns its last state.
/// DescribeUpdate errors are retried (the SDK retries throttling itself) up to a few in a row.
pub async fn follow(
    aws: &Aws,
    cluster: &str,
    first: UpdateFacts,
    show: bool,
) -> Result<UpdateFacts, Error> {
    let spinner = if show {
        let s = ProgressBar::new_spinner();
        s.set_style(
            ProgressStyle::with_template("{spinner} control plane {msg} · {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        s.enable_steady_tick(Duration::from_millis(120));
        Some(s)
    } else {
        None
    };
    let version = first.version.clone().unwrap_or_default();
    let mut last = first;
    let mut failures = 0;
    while last.status == "InProgress" {
        if let Some(s) = &spinner {
            s.set_message(format!(
                "update {} to {version}: {}",
                short(&last.id),
                last.status
            ));
        }
        tokio::time::sleep(POLL).await;
        match describe(aws, cluster, &last.id).await {
            Ok(u) => {
                failures = 0;
                last = u;
            }
            Err(e) if failures < 5 => {
                failures += 1;
                tracing::warn!("DescribeUpdate failed ({failures}): {e}");
            }
            Err(e) => {
                if let Some(s) = spinner {
                    s.finish_and_clear();
                }
                return Err(e);
            }
        }
    }
    if let Some(s) = spinner {
        s.finish_with_message(format!(
            "update {} to {version}: {}",
            short(&last.id),
            last.status
        ));
    }
    Ok(last)
}

/// Waits (bounded) until DescribeCluster reports `target`: right after `Successful` it can still
/// report the old version for a short while.
pub async fn wait_for_version(aws: &Aws, cluster: &str, target: Minor) -> Result<(), Error> {
    let until = Instant::now() + VERSION_LAG;
    loop {
        match describe_cluster(aws, cluster).await {
            Ok(c) if Minor::parse(&c.version) == Some(target) => return Ok(()),
            Ok(_) | Err(_) if Instant::now() < until => tokio::time::sleep(POLL).await,
            Ok(c) => {
                return Err(Error::Timeout(format!(
                    "the update succeeded but DescribeCluster still reports {} after {} s",
                    c.version,
                    VERSION_LAG.as_secs()
                )))
            }
            Err(f) => return Err(f.into_error()),
        }
    }
}

/// The first 8 characters of an update id.
fn short(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_stable_and_depends_on_what_is_upgraded() {
        let arn = "arn:aws:eks:ap-northeast-1:123456789012:cluster/interesting-funk-otter";
        let a = request_token(arn, "1.30", Minor::new(1, 31));
        assert_eq!(a, request_token(arn, "1.30", Minor::new(1, 31)));
        assert_ne!(a, request_token(arn, "1.31", Minor::new(1, 32)));
        assert!(a.starts_with("eksauto-1.31-") && a.len() <= 64, "{a}");
    }
}
