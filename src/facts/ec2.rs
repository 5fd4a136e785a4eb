//! EC2 calls of the preflight: DescribeSubnets for the cluster's subnets (free IPs per AZ).

use super::model::{Gathered, SubnetFacts};
use super::{soft, timed};
use crate::clients::Aws;
use crate::error::{classify, Error};

/// DescribeSubnets for exactly `ids` (never an unfiltered listing).
pub async fn subnets(aws: &Aws, ids: &[String]) -> Result<Gathered<Vec<SubnetFacts>>, Error> {
    if ids.is_empty() {
        return Ok(Gathered::Ok(Vec::new()));
    }
    let res = timed(
        "DescribeSubnets",
        aws.ec2
            .describe_subnets()
            .set_subnet_ids(Some(ids.to_vec()))
            .send(),
    )
    .await;
    let out = match res {
        Ok(o) => o,
        Err(e) => return soft(classify("DescribeSubnets", &aws.ec2_endpoint, e)),
    };
    Ok(Gathered::Ok(
        out.subnets()
            .iter()
            .map(|s| SubnetFacts {
                id: s.subnet_id().unwrap_or_default().into(),
                az: s.availability_zone().unwrap_or_default().into(),
                az_id: s.availability_zone_id().unwrap_or_default().into(),
                free_ips: s.available_ip_address_count().unwrap_or(0).max(0) as u32,
            })
            .collect(),
    ))
}
