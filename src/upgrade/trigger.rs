//! The one call of the upgrade that changes a cluster: UpdateClusterVersion, with a client request
//! token (so a retry never starts a second update). Everything before it only reads; nothing but
//! this module mutates AWS.

use crate::clients::Aws;
use crate::error::{classify, AwsFailure, Error};
use crate::facts::eks::update_facts;
use crate::facts::model::UpdateFacts;
use crate::version::Minor;

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
