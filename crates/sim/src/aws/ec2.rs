//! EC2 (the `ec2` query protocol, XML answers): DescribeSubnets with `SubnetId.N` and
//! `Filter.N.Name` / `Filter.N.Value.M` (vpc-id, subnet-id, availability-zone, ...), pagination,
//! and `InvalidSubnetID.NotFound` for an unknown id. DescribeInstances, DescribeVolumes and
//! DescribeLaunchTemplates live in `instances`.

use axum::response::Response;
use http::StatusCode;

use super::errors::{ec2_xmlns, xml_response, ApiError};
use super::paging::{self, PageError};
use super::request::{list_param, param, Service};
use super::xml::Xml;
use crate::world::{Subnet, World};

/// The actions served; every other one gets `InvalidAction`.
pub const ACTIONS: &[&str] = &[
    "DescribeSubnets",
    "DescribeInstances",
    "DescribeVolumes",
    "DescribeLaunchTemplates",
];

/// Whether an EC2 action changes anything (by AWS's naming convention).
pub fn mutating(action: &str) -> bool {
    !["Describe", "Get", "List"]
        .iter()
        .any(|p| action.starts_with(p))
}

/// Answers `action` (one of `ACTIONS`, or `InvalidAction`).
pub fn respond(
    world: &mut World,
    action: &str,
    form: &[(String, String)],
    request_id: &str,
) -> Response {
    let result = match action {
        "DescribeSubnets" => describe_subnets(world, form, request_id),
        "DescribeInstances" => super::instances::describe_instances(world, form, request_id),
        "DescribeVolumes" => super::instances::describe_volumes(form, request_id),
        "DescribeLaunchTemplates" => super::instances::describe_launch_templates(form, request_id),
        other => Err(super::errors::unknown_operation(Service::Ec2, Some(other))),
    };
    match result {
        Ok(xml) => xml_response(StatusCode::OK, xml, request_id),
        Err(e) => e.render(Service::Ec2, request_id),
    }
}

/// `Filter.N.Name` / `Filter.N.Value.M` → (name, values) in index order.
pub(super) fn filters(form: &[(String, String)]) -> Vec<(String, Vec<String>)> {
    let mut idx: Vec<u32> = form
        .iter()
        .filter_map(|(k, _)| {
            let rest = k.strip_prefix("Filter.")?;
            let (n, tail) = rest.split_once('.')?;
            (tail == "Name").then(|| n.parse().ok()).flatten()
        })
        .collect();
    idx.sort_unstable();
    idx.dedup();
    idx.into_iter()
        .map(|n| {
            let name = param(form, &format!("Filter.{n}.Name"))
                .unwrap_or_default()
                .to_string();
            (name, list_param(form, &format!("Filter.{n}.Value")))
        })
        .collect()
}

/// EC2 filter values allow `*` and `?` wildcards.
pub(super) fn glob(pattern: &str, s: &str) -> bool {
    fn go(p: &[char], s: &[char]) -> bool {
        match (p.first(), s.first()) {
            (None, None) => true,
            (Some('*'), _) => go(&p[1..], s) || (!s.is_empty() && go(p, &s[1..])),
            (Some('?'), Some(_)) => go(&p[1..], &s[1..]),
            (Some(a), Some(b)) if a == b => go(&p[1..], &s[1..]),
            _ => false,
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let s: Vec<char> = s.chars().collect();
    go(&p, &s)
}

/// The subnet's value for a filter name; `None` for a filter EC2 does not know.
fn field(s: &Subnet, name: &str, account: &str) -> Option<String> {
    Some(match name {
        "vpc-id" => s.vpc_id.clone(),
        "subnet-id" => s.id.clone(),
        "availability-zone" | "availabilityZone" => s.az.clone(),
        "availability-zone-id" | "availabilityZoneId" => s.az_id.clone(),
        "cidr-block" | "cidr" | "cidrBlock" | "cidr-block-association.cidr-block" => s.cidr.clone(),
        "available-ip-address-count" => s.available_ips.to_string(),
        "state" => "available".into(),
        "owner-id" => account.to_string(),
        "default-for-az" | "defaultForAz" => "false".into(),
        _ => return None,
    })
}

fn describe_subnets(
    world: &World,
    form: &[(String, String)],
    request_id: &str,
) -> Result<String, ApiError> {
    let account = &world.aws.account;
    let ids = list_param(form, "SubnetId");
    let missing: Vec<&String> = ids
        .iter()
        .filter(|id| !world.aws.subnets.contains_key(*id))
        .collect();
    match missing.as_slice() {
        [] => {}
        [one] => {
            return Err(ApiError::new(
                400,
                "InvalidSubnetID.NotFound",
                format!("The subnet ID '{one}' does not exist"),
            ))
        }
        many => {
            let list: Vec<&str> = many.iter().map(|s| s.as_str()).collect();
            return Err(ApiError::new(
                400,
                "InvalidSubnetID.NotFound",
                format!("The subnet IDs '{}' do not exist", list.join(", ")),
            ));
        }
    }
    let filters = filters(form);
    for (name, _) in &filters {
        if name.starts_with("tag:") || name == "tag-key" {
            continue;
        }
        if field(&dummy(), name, account).is_none() {
            return Err(ApiError::new(
                400,
                "InvalidParameterValue",
                format!("The filter '{name}' is invalid"),
            ));
        }
    }
    // Named subnets come back in the order they were asked for.
    let mut named: Vec<&Subnet> = Vec::new();
    for s in ids.iter().filter_map(|id| world.aws.subnets.get(id)) {
        if !named.iter().any(|n| n.id == s.id) {
            named.push(s);
        }
    }
    let candidates: Vec<&Subnet> = if ids.is_empty() {
        world.aws.subnets.values().collect()
    } else {
        named
    };
    let selected: Vec<&Subnet> = candidates
        .into_iter()
        .filter(|s| {
            filters.iter().all(|(name, values)| {
                match field(s, name, account) {
                    Some(v) => values.iter().any(|p| glob(p, &v)),
                    None => false, // tag filters: subnets carry no tags here
                }
            })
        })
        .collect();
    let max = match param(form, "MaxResults") {
        None => None,
        Some(m) => match m.parse::<i64>() {
            Ok(n) if (5..=1000).contains(&n) => Some(n),
            _ => {
                return Err(ApiError::new(
                    400,
                    "InvalidParameterValue",
                    format!("Value ( {m} ) for parameter maxResults is invalid. Expecting a value between 5 and 1000."),
                ))
            }
        },
    };
    let (page, next) = paging::page(&selected, max, param(form, "NextToken"), usize::MAX, 1000)
        .map_err(|e| match e {
            PageError::BadToken => {
                ApiError::new(400, "InvalidPaginationToken", "Invalid pagination token")
            }
            PageError::BadMax { .. } => {
                ApiError::new(400, "InvalidParameterValue", "Invalid MaxResults")
            }
        })?;

    let mut x = Xml::document("DescribeSubnetsResponse", &ec2_xmlns());
    x.leaf("requestId", request_id).open("subnetSet");
    for s in page {
        x.open("item")
            .leaf("availabilityZoneId", &s.az_id)
            .leaf("mapCustomerOwnedIpOnLaunch", false)
            .leaf("ownerId", account)
            .leaf("assignIpv6AddressOnCreation", false)
            .empty("ipv6CidrBlockAssociationSet")
            .empty("tagSet")
            .leaf(
                "subnetArn",
                format!("arn:aws:ec2:{}:{account}:subnet/{}", world.aws.region, s.id),
            )
            .leaf("enableDns64", false)
            .leaf("ipv6Native", false)
            .open("privateDnsNameOptionsOnLaunch")
            .leaf("hostnameType", "ip-name")
            .leaf("enableResourceNameDnsARecord", false)
            .leaf("enableResourceNameDnsAAAARecord", false)
            .close()
            .leaf("subnetId", &s.id)
            .leaf("state", "available")
            .leaf("vpcId", &s.vpc_id)
            .leaf("cidrBlock", &s.cidr)
            .leaf("availableIpAddressCount", s.available_ips)
            .leaf("availabilityZone", &s.az)
            .leaf("defaultForAz", false)
            .leaf("mapPublicIpOnLaunch", false)
            .close();
    }
    x.close();
    if let Some(t) = next {
        x.leaf("nextToken", t);
    }
    Ok(x.finish())
}

/// A subnet used only to ask whether a filter name is known.
fn dummy() -> Subnet {
    Subnet {
        id: String::new(),
        vpc_id: String::new(),
        cidr: String::new(),
        az: String::new(),
        az_id: String::new(),
        available_ips: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_and_filters() {
        assert!(glob("ap-northeast-1*", "ap-northeast-1a"));
        assert!(glob("subnet-?", "subnet-a"));
        assert!(!glob("vpc-1", "vpc-12"));
        let form: Vec<(String, String)> = [
            ("Filter.2.Name", "availability-zone"),
            ("Filter.2.Value.1", "ap-northeast-1a"),
            ("Filter.1.Name", "vpc-id"),
            ("Filter.1.Value.2", "vpc-b"),
            ("Filter.1.Value.1", "vpc-a"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        let f = filters(&form);
        assert_eq!(
            f[0],
            ("vpc-id".to_string(), vec!["vpc-a".into(), "vpc-b".into()])
        );
        assert_eq!(f[1].0, "availability-zone");
        assert!(mutating("CreateSubnet"));
        assert!(!mutating("DescribeSubnets"));
    }
}
