//! ListNodegroups, DescribeNodegroup, ListFargateProfiles and DescribeFargateProfile. An Auto Mode
//! cluster's compute is EKS-managed instances: it has neither managed node groups nor Fargate
//! profiles, so the lists are empty (with the real paging checks) and every name is not found,
//! worded as EKS words it.

use serde_json::Value;

use super::{find, query_listing};
use crate::aws::errors::ApiError;
use crate::aws::request::AwsRequest;
use crate::world::World;

pub fn list_nodegroups(world: &mut World, name: &str, req: &AwsRequest) -> Result<Value, ApiError> {
    find(world, name)?;
    query_listing(req, "nodegroups", &[], 100)
}

pub fn describe_nodegroup(
    world: &mut World,
    name: &str,
    nodegroup: &str,
) -> Result<Value, ApiError> {
    find(world, name)?;
    Err(ApiError::new(
        404,
        "ResourceNotFoundException",
        format!("No node group found for name: {nodegroup}."),
    )
    .with("clusterName", name)
    .with("nodegroupName", nodegroup))
}

pub fn list_fargate_profiles(
    world: &mut World,
    name: &str,
    req: &AwsRequest,
) -> Result<Value, ApiError> {
    find(world, name)?;
    query_listing(req, "fargateProfileNames", &[], 100)
}

pub fn describe_fargate_profile(
    world: &mut World,
    name: &str,
    profile: &str,
) -> Result<Value, ApiError> {
    find(world, name)?;
    Err(ApiError::new(
        404,
        "ResourceNotFoundException",
        format!("No Fargate Profile found with name: {profile}."),
    )
    .with("clusterName", name)
    .with("fargateProfileName", profile))
}
