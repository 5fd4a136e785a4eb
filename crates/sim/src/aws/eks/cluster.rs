//! DescribeCluster and ListClusters: the cluster in EKS's `Cluster` wire shape, including the Auto
//! Mode blocks (computeConfig, storageConfig.blockStorage, kubernetesNetworkConfig.elasticLoadBalancing).

use serde_json::{json, Map, Value};

use super::wire::ts;
use super::{find, query_listing};
use crate::aws::errors::ApiError;
use crate::aws::request::AwsRequest;
use crate::world::{Cluster, World};

/// The emulated API server's CA (PEM, base64): the kubeconfig written from DescribeCluster trusts
/// its HTTPS endpoint.
const CA_DATA: &str = crate::tls::CA_DATA;

pub fn describe(world: &mut World, name: &str) -> Result<Value, ApiError> {
    let c = find(world, name)?;
    Ok(json!({ "cluster": cluster_json(c, &world.aws.region) }))
}

pub fn list(world: &mut World, req: &AwsRequest) -> Result<Value, ApiError> {
    let names: Vec<Value> = world
        .aws
        .clusters
        .keys()
        .map(|n| Value::String(n.clone()))
        .collect();
    query_listing(req, "clusters", &names, 100)
}

/// FNV-1a: stable identifiers derived from a cluster's ARN (no randomness consumed).
fn stable_hex(seed: &str, len: usize) -> String {
    let mut out = String::new();
    let mut round = 0u64;
    while out.len() < len {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ round;
        for b in seed.bytes() {
            h ^= b as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        out.push_str(&format!("{h:016x}"));
        round += 1;
    }
    out.truncate(len);
    out
}

/// The security group EKS creates for the cluster (`eks-cluster-sg-NAME-...`).
pub fn cluster_security_group_id(c: &Cluster) -> String {
    format!("sg-{}", stable_hex(&format!("{}/sg", c.arn), 17))
}

/// The `Cluster` wire shape.
pub fn cluster_json(c: &Cluster, region: &str) -> Value {
    let am = &c.auto_mode;
    let mut compute = Map::new();
    compute.insert("enabled".into(), json!(am.compute));
    if am.compute || !am.node_pools.is_empty() {
        compute.insert("nodePools".into(), json!(am.node_pools));
    }
    if let Some(arn) = &am.node_role_arn {
        compute.insert("nodeRoleArn".into(), json!(arn));
    }
    let oidc_id = stable_hex(&c.arn, 32).to_ascii_uppercase();
    json!({
        "name": c.name,
        "arn": c.arn,
        "createdAt": ts(c.created_at),
        "version": c.version,
        "endpoint": c.endpoint,
        "roleArn": c.role_arn,
        "resourcesVpcConfig": {
            "subnetIds": c.subnet_ids,
            "securityGroupIds": c.security_group_ids,
            "clusterSecurityGroupId": cluster_security_group_id(c),
            "vpcId": c.vpc_id,
            "endpointPublicAccess": c.endpoint_access.public_access,
            "endpointPrivateAccess": c.endpoint_access.private_access,
            "publicAccessCidrs": if c.endpoint_access.public_access {
                c.endpoint_access.public_access_cidrs.clone()
            } else {
                Vec::new()
            },
        },
        "kubernetesNetworkConfig": {
            "serviceIpv4Cidr": "172.20.0.0/16",
            "ipFamily": "ipv4",
            "elasticLoadBalancing": {"enabled": am.elb},
        },
        "logging": {"clusterLogging": [{
            "types": ["api", "audit", "authenticator", "controllerManager", "scheduler"],
            "enabled": false,
        }]},
        "identity": {"oidc": {"issuer": format!("https://oidc.eks.{region}.amazonaws.com/id/{oidc_id}")}},
        "status": c.status,
        "certificateAuthority": {"data": CA_DATA},
        "platformVersion": c.platform_version,
        "tags": c.tags,
        "health": {"issues": []},
        "accessConfig": {"authenticationMode": "API"},
        "upgradePolicy": {"supportType": "EXTENDED"},
        "computeConfig": Value::Object(compute),
        "storageConfig": {"blockStorage": {"enabled": am.storage}},
        "deletionProtection": false,
    })
}
