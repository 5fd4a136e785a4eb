//! Which cluster a command is about: `--cluster`, else the kube context when it is named by an EKS
//! cluster ARN (as `aws eks update-kubeconfig` names it), which also gives the region. Pure
//! functions; the I/O (reading the kubeconfig, ListClusters) happens in the callers.

use crate::error::Error;

/// The parts of `arn:PARTITION:eks:REGION:ACCOUNT:cluster/NAME`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EksArn {
    pub partition: String,
    pub region: String,
    pub account: String,
    pub name: String,
}

/// Parses an EKS cluster ARN; anything else is `None`.
pub fn parse_eks_arn(s: &str) -> Option<EksArn> {
    let mut parts = s.splitn(6, ':');
    let (arn, partition, service, region, account, resource) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    let name = resource.strip_prefix("cluster/")?;
    let ok = arn == "arn"
        && partition.starts_with("aws")
        && service == "eks"
        && !region.is_empty()
        && account.len() == 12
        && account.bytes().all(|b| b.is_ascii_digit())
        && valid_cluster_name(name);
    ok.then(|| EksArn {
        partition: partition.into(),
        region: region.into(),
        account: account.into(),
        name: name.into(),
    })
}

/// EKS cluster names: 1–100 characters, alphanumerics, hyphens and underscores, starting with an
/// alphanumeric.
pub fn valid_cluster_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 100
        && name.as_bytes()[0].is_ascii_alphanumeric()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The kube context a command would use: its name and the name of its cluster entry.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KubeContext {
    pub name: String,
    pub cluster: Option<String>,
}

impl KubeContext {
    /// The EKS cluster this context is for, when its name (or its cluster's name) is an ARN.
    pub fn eks_arn(&self) -> Option<EksArn> {
        parse_eks_arn(&self.name).or_else(|| self.cluster.as_deref().and_then(parse_eks_arn))
    }
}

/// What the flags and the kube context say about the cluster, before any AWS call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// `None`: nothing named a cluster (the caller lists the clusters in the error).
    pub cluster: Option<String>,
    /// A region to use when neither `--region` nor the AWS configuration gives one.
    pub fallback_region: Option<String>,
}

/// Picks the cluster from `--cluster` and the kube context. An ARN context that names another
/// cluster than `--cluster` (or another region than `--region`) is an error: the Kubernetes facts
/// would be about the wrong cluster.
pub fn choose(
    cluster_flag: Option<&str>,
    region_flag: Option<&str>,
    context: Option<&KubeContext>,
) -> Result<Choice, Error> {
    if let Some(name) = cluster_flag {
        if !valid_cluster_name(name) {
            return Err(Error::Usage(format!(
                "{name:?} is not an EKS cluster name: use letters, digits, '-' and '_' (at most 100)"
            )));
        }
    }
    let arn = context.and_then(KubeContext::eks_arn);
    if let (Some(arn), Some(ctx)) = (&arn, context) {
        let other_name = cluster_flag.is_some_and(|n| n != arn.name);
        let other_region = region_flag.is_some_and(|r| r != arn.region);
        if other_name || other_region {
            return Err(Error::Kubeconfig(format!(
                "kube context {} is for cluster {} in {}, not {} in {}: pass --context for that cluster (or run aws eks update-kubeconfig --name {})",
                ctx.name,
                arn.name,
                arn.region,
                cluster_flag.unwrap_or(&arn.name),
                region_flag.unwrap_or(&arn.region),
                cluster_flag.unwrap_or(&arn.name),
            )));
        }
    }
    Ok(Choice {
        cluster: cluster_flag
            .map(str::to_string)
            .or_else(|| arn.as_ref().map(|a| a.name.clone())),
        fallback_region: arn.map(|a| a.region),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARN: &str = "arn:aws:eks:ap-northeast-1:123456789012:cluster/interesting-funk-otter";

    fn ctx(name: &str, cluster: Option<&str>) -> KubeContext {
        KubeContext {
            name: name.into(),
            cluster: cluster.map(str::to_string),
        }
    }

    #[test]
    fn parses_cluster_arns() {
        let a = parse_eks_arn(ARN).unwrap();
        assert_eq!(a.region, "ap-northeast-1");
        assert_eq!(a.account, "123456789012");
        assert_eq!(a.name, "interesting-funk-otter");
        assert_eq!(
            parse_eks_arn("arn:aws-cn:eks:cn-north-1:123456789012:cluster/c1")
                .unwrap()
                .partition,
            "aws-cn"
        );
    }

    #[test]
    fn rejects_other_strings() {
        for s in [
            "",
            "minikube",
            "kind-kind",
            "arn:aws:eks:ap-northeast-1:123456789012:nodegroup/x/y",
            "arn:aws:ecs:ap-northeast-1:123456789012:cluster/x",
            "arn:aws:eks::123456789012:cluster/x",
            "arn:aws:eks:ap-northeast-1:1234:cluster/x",
            "arn:aws:eks:ap-northeast-1:123456789012:cluster/",
            "arn:aws:eks:ap-northeast-1:123456789012:cluster/a/b",
            "user@cluster.eu-west-1.eksctl.io",
        ] {
            assert_eq!(parse_eks_arn(s), None, "{s}");
        }
    }

    #[test]
    fn context_cluster_entry_counts_too() {
        let c = ctx("prod", Some(ARN));
        assert_eq!(c.eks_arn().unwrap().name, "interesting-funk-otter");
        assert_eq!(ctx("prod", Some("prod")).eks_arn(), None);
    }

    #[test]
    fn flag_wins_and_context_gives_region() {
        let c = ctx(ARN, None);
        let got = choose(None, None, Some(&c)).unwrap();
        assert_eq!(got.cluster.as_deref(), Some("interesting-funk-otter"));
        assert_eq!(got.fallback_region.as_deref(), Some("ap-northeast-1"));

        let plain = ctx("minikube", None);
        let got = choose(Some("c1"), None, Some(&plain)).unwrap();
        assert_eq!(got.cluster.as_deref(), Some("c1"));
        assert_eq!(got.fallback_region, None);

        let got = choose(None, None, None).unwrap();
        assert_eq!(got.cluster, None);
    }

    #[test]
    fn mismatching_context_is_an_error() {
        let c = ctx(ARN, None);
        let err = choose(Some("other"), None, Some(&c)).unwrap_err();
        assert!(err.to_string().contains("pass --context"), "{err}");
        assert!(choose(None, Some("eu-west-1"), Some(&c)).is_err());
        assert!(choose(
            Some("interesting-funk-otter"),
            Some("ap-northeast-1"),
            Some(&c)
        )
        .is_ok());
    }

    #[test]
    fn bad_cluster_names_are_usage_errors() {
        for n in ["", "-x", "a b", "a/b", &"x".repeat(101)] {
            assert!(
                matches!(choose(Some(n), None, None), Err(Error::Usage(_))),
                "{n}"
            );
        }
    }
}
