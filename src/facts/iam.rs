//! IAM calls of the preflight: GetRole (trust policy) and ListAttachedRolePolicies for the cluster
//! role and the Auto Mode node role.

use super::model::{Gathered, RoleFacts};
use super::{soft, timed};
use crate::clients::Aws;
use crate::error::{classify, Error};
use crate::facts::trust_policy::parse_trust_policy;

/// `arn:aws:iam::123456789012:role/path/NAME` → `NAME` (a bare name is returned as is).
pub fn role_name(arn: &str) -> &str {
    match arn.split_once(":role/") {
        Some((_, path)) => path.rsplit('/').next().unwrap_or(path),
        None => arn,
    }
}

/// GetRole and ListAttachedRolePolicies of one role, concurrently.
pub async fn role(aws: &Aws, arn: &str) -> Result<Gathered<RoleFacts>, Error> {
    let name = role_name(arn);
    if name.is_empty() {
        return Ok(Gathered::Unavailable(format!("no role name in {arn:?}")));
    }
    let get = timed("GetRole", aws.iam.get_role().role_name(name).send());
    let attached = timed(
        "ListAttachedRolePolicies",
        aws.iam
            .list_attached_role_policies()
            .role_name(name)
            .into_paginator()
            .items()
            .send()
            .try_collect(),
    );
    let (got, attached) = tokio::join!(get, attached);
    let got = match got {
        Ok(g) => g,
        Err(e) => return soft(classify("GetRole", &aws.iam_endpoint, e)),
    };
    let attached = match attached {
        Ok(a) => a,
        Err(e) => return soft(classify("ListAttachedRolePolicies", &aws.iam_endpoint, e)),
    };
    let Some(r) = got.role() else {
        return Ok(Gathered::Unavailable(format!(
            "GetRole returned no role for {name}"
        )));
    };
    let trust = match r.assume_role_policy_document() {
        Some(doc) => match parse_trust_policy(doc) {
            Ok(t) => t,
            Err(why) => return Ok(Gathered::Unavailable(format!("role {name}: {why}"))),
        },
        None => Vec::new(),
    };
    Ok(Gathered::Ok(RoleFacts {
        name: r.role_name().to_string(),
        arn: r.arn().to_string(),
        trust,
        attached_policies: attached
            .iter()
            .filter_map(|p| p.policy_name().map(str::to_string))
            .collect(),
    }))
}

#[cfg(test)]
mod tests {
    use super::role_name;

    #[test]
    fn role_names_from_arns() {
        assert_eq!(
            role_name("arn:aws:iam::123456789012:role/eks-role"),
            "eks-role"
        );
        assert_eq!(
            role_name("arn:aws:iam::123456789012:role/service-role/x/AmazonEKSAutoNodeRole"),
            "AmazonEKSAutoNodeRole"
        );
        assert_eq!(role_name("plain"), "plain");
    }
}
