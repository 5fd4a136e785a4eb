//! EC2 DescribeInstances for the emulated nodes: every NodeClaim Auto Mode launched is an EC2
//! instance (the Node's name is the instance id), described from the claim and its Node: type,
//! zone, state (`pending` until the Node registers, `running`, `shutting-down` once the claim or
//! Node is being deleted), launch time (the claim's creation), private address and DNS name (the
//! Node's), subnet and VPC (the cluster's subnet in that zone), image (the claim's imageID),
//! security groups (the NodeClass's) and the tags Auto Mode puts on its instances. Also
//! DescribeVolumes and DescribeLaunchTemplates, which list nothing.
//!
//! Request parameters: `InstanceId.N`, `Filter.N.Name` / `Filter.N.Value.M` (instance-id,
//! instance-state-name, instance-state-code, instance-type, availability-zone, vpc-id, subnet-id,
//! private-ip-address, private-dns-name, image-id, tag:KEY, tag-key, tag-value, ...),
//! `MaxResults` (5–1000, not together with instance ids) and `NextToken`, with EC2's errors.

use jiff::Timestamp;
use serde_json::Value;

use super::ec2::{filters, glob};
use super::errors::{ec2_xmlns, ApiError};
use super::paging::{self, PageError};
use super::request::{list_param, param};
use super::xml::Xml;
use crate::engine::util::fnv64a;
use crate::store::Res;
use crate::world::World;

/// An instance's lifecycle state as EC2 reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Pending,
    Running,
    ShuttingDown,
}

impl State {
    pub fn name(self) -> &'static str {
        match self {
            State::Pending => "pending",
            State::Running => "running",
            State::ShuttingDown => "shutting-down",
        }
    }

    pub fn code(self) -> u32 {
        match self {
            State::Pending => 0,
            State::Running => 16,
            State::ShuttingDown => 32,
        }
    }
}

/// One emulated instance.
#[derive(Debug, Clone)]
pub struct Instance {
    pub id: String,
    pub instance_type: String,
    pub az: String,
    pub az_id: String,
    pub state: State,
    pub launch_time: Timestamp,
    /// When the instance began shutting down.
    pub shutdown_at: Option<Timestamp>,
    pub private_ip: Option<String>,
    pub private_dns: Option<String>,
    pub subnet_id: Option<String>,
    pub vpc_id: String,
    pub image_id: String,
    /// (group id, group name if known).
    pub security_groups: Vec<(String, Option<String>)>,
    /// Sorted by key.
    pub tags: Vec<(String, String)>,
    pub spot: bool,
    pub vcpu: u32,
}

fn str_of<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut cur = v;
    for p in path {
        cur = cur.get(p)?;
    }
    cur.as_str().filter(|s| !s.is_empty())
}

fn label<'a>(obj: &'a Value, key: &str) -> Option<&'a str> {
    obj["metadata"]["labels"][key]
        .as_str()
        .filter(|s| !s.is_empty())
}

fn timestamp(obj: &Value, field: &str) -> Option<Timestamp> {
    obj["metadata"][field].as_str()?.parse().ok()
}

/// The instance id at the end of a providerID (`aws:///ap-northeast-1a/i-0123...`).
fn instance_of(provider_id: &str) -> Option<&str> {
    provider_id
        .rsplit('/')
        .next()
        .filter(|id| id.starts_with("i-"))
}

/// Every emulated instance, oldest first.
pub fn instances(world: &World) -> Vec<Instance> {
    let cluster = world.kube_cluster();
    let cluster_name = world.aws.kube_cluster.clone();
    let vpc_id = cluster.map(|c| c.vpc_id.clone()).unwrap_or_default();
    let cluster_sg = cluster.map(super::eks::cluster_security_group_id);
    let subnets: Vec<&crate::world::Subnet> = cluster
        .map(|c| {
            c.subnet_ids
                .iter()
                .filter_map(|id| world.aws.subnets.get(id))
                .collect()
        })
        .unwrap_or_default();
    let mut out = Vec::new();
    let mut seen: std::collections::BTreeSet<String> = Default::default();
    let claims = world.kube.iter(Res::NodeClaims);
    let bare_nodes = world.kube.iter(Res::Nodes).filter(|n| {
        str_of(n, &["spec", "providerID"])
            .and_then(instance_of)
            .is_some()
    });
    for (obj, is_claim) in claims
        .map(|c| (c, true))
        .chain(bare_nodes.map(|n| (n, false)))
    {
        let Some(id) = str_of(obj, &["status", "providerID"])
            .or_else(|| str_of(obj, &["spec", "providerID"]))
            .and_then(instance_of)
        else {
            continue;
        };
        if !seen.insert(id.to_string()) {
            continue;
        }
        let node = if is_claim {
            world.kube.get(Res::Nodes, "", id)
        } else {
            Some(obj.clone())
        };
        let claim_name = is_claim.then(|| str_of(obj, &["metadata", "name"]).unwrap_or(""));
        let az = label(obj, "topology.kubernetes.io/zone")
            .unwrap_or_default()
            .to_string();
        let subnet = subnets.iter().find(|s| s.az == az).or(subnets.first());
        let az_id = label(obj, "topology.k8s.aws/zone-id")
            .map(str::to_string)
            .or_else(|| subnet.filter(|s| s.az == az).map(|s| s.az_id.clone()))
            .unwrap_or_default();
        let deleting = timestamp(obj, "deletionTimestamp").or_else(|| {
            node.as_ref()
                .and_then(|n| timestamp(n, "deletionTimestamp"))
        });
        let state = match (&deleting, &node) {
            (Some(_), _) => State::ShuttingDown,
            (None, Some(_)) => State::Running,
            (None, None) => State::Pending,
        };
        let address = |ty: &str| {
            node.as_ref().and_then(|n| {
                n["status"]["addresses"]
                    .as_array()?
                    .iter()
                    .find(|a| a["type"] == ty)
                    .and_then(|a| a["address"].as_str())
                    .map(str::to_string)
            })
        };
        let pool = label(obj, "karpenter.sh/nodepool").unwrap_or_default();
        let class_name = obj["spec"]["nodeClassRef"]["name"]
            .as_str()
            .or_else(|| label(obj, "eks.amazonaws.com/nodeclass"))
            .unwrap_or("default")
            .to_string();
        let class = world.kube.get(Res::NodeClasses, "", &class_name);
        let mut tags: std::collections::BTreeMap<String, String> = Default::default();
        if let Some(user) = class.as_ref().and_then(|c| c["spec"]["tags"].as_object()) {
            for (k, v) in user {
                tags.insert(k.clone(), v.as_str().unwrap_or_default().to_string());
            }
        }
        for (k, v) in [
            ("aws:eks:cluster-name", cluster_name.as_str()),
            ("eks:eks-cluster-name", cluster_name.as_str()),
            ("eks:kubernetes-node-pool-name", pool),
            ("eks:kubernetes-node-class-name", class_name.as_str()),
            ("karpenter.sh/nodepool", pool),
        ] {
            tags.insert(k.to_string(), v.to_string());
        }
        tags.insert(
            format!("kubernetes.io/cluster/{cluster_name}"),
            "owned".into(),
        );
        if let Some(c) = claim_name {
            tags.insert("karpenter.sh/nodeclaim".into(), c.to_string());
        }
        if let Some(n) = &node {
            // Karpenter names the instance after its Node once the Node has registered.
            if let Some(name) = str_of(n, &["metadata", "name"]) {
                tags.insert("Name".into(), name.to_string());
            }
        }
        let mut security_groups: Vec<(String, Option<String>)> = class
            .as_ref()
            .and_then(|c| c["spec"]["securityGroupSelectorTerms"].as_array())
            .map(|terms| {
                terms
                    .iter()
                    .filter_map(|t| t["id"].as_str())
                    .map(|id| (id.to_string(), None))
                    .collect()
            })
            .unwrap_or_default();
        if security_groups.is_empty() {
            if let Some(sg) = &cluster_sg {
                security_groups.push((
                    sg.clone(),
                    Some(format!(
                        "eks-cluster-sg-{cluster_name}-{}",
                        fnv64a(cluster_name.as_bytes()) % 1_000_000_000
                    )),
                ));
            }
        }
        let image_id = str_of(obj, &["status", "imageID"])
            .unwrap_or_default()
            .to_string();
        out.push(Instance {
            id: id.to_string(),
            instance_type: label(obj, "node.kubernetes.io/instance-type")
                .unwrap_or_default()
                .to_string(),
            az,
            az_id,
            state,
            launch_time: timestamp(obj, "creationTimestamp").unwrap_or(world.now),
            shutdown_at: deleting,
            private_ip: address("InternalIP"),
            private_dns: address("InternalDNS").or_else(|| address("Hostname")),
            subnet_id: subnet.map(|s| s.id.clone()),
            vpc_id: vpc_id.clone(),
            image_id,
            security_groups,
            tags: tags.into_iter().collect(),
            spot: label(obj, "karpenter.sh/capacity-type") == Some("spot"),
            vcpu: label(obj, "eks.amazonaws.com/instance-cpu")
                .and_then(|c| c.parse().ok())
                .unwrap_or(2),
        });
    }
    out.sort_by(|a, b| {
        a.launch_time
            .cmp(&b.launch_time)
            .then_with(|| a.id.cmp(&b.id))
    });
    out
}

/// The instance's values for a filter name; `None` for a filter EC2 does not know.
fn values(i: &Instance, name: &str, account: &str) -> Option<Vec<String>> {
    let one = |s: &str| Some(vec![s.to_string()]);
    let opt = |s: &Option<String>| Some(s.iter().cloned().collect());
    if let Some(key) = name.strip_prefix("tag:") {
        return Some(
            i.tags
                .iter()
                .filter(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
                .collect(),
        );
    }
    match name {
        "instance-id" => one(&i.id),
        "instance-state-name" => one(i.state.name()),
        "instance-state-code" => one(&i.state.code().to_string()),
        "instance-type" => one(&i.instance_type),
        "availability-zone" => one(&i.az),
        "availability-zone-id" => one(&i.az_id),
        "vpc-id" => one(&i.vpc_id),
        "subnet-id" => opt(&i.subnet_id),
        "private-ip-address" | "network-interface.addresses.private-ip-address" => {
            opt(&i.private_ip)
        }
        "private-dns-name" | "network-interface.private-dns-name" => opt(&i.private_dns),
        "image-id" => one(&i.image_id),
        "architecture" => one("x86_64"),
        "instance-lifecycle" => Some(if i.spot { vec!["spot".into()] } else { vec![] }),
        "launch-time" => one(&ec2_time(i.launch_time)),
        "owner-id" => one(account),
        "reservation-id" => one(&reservation_id(&i.id)),
        "tenancy" | "placement.tenancy" => one("default"),
        "hypervisor" => one("xen"),
        "virtualization-type" => one("hvm"),
        "root-device-type" => one("ebs"),
        "instance.group-id" | "group-id" => {
            Some(i.security_groups.iter().map(|(g, _)| g.clone()).collect())
        }
        "tag-key" => Some(i.tags.iter().map(|(k, _)| k.clone()).collect()),
        "tag-value" => Some(i.tags.iter().map(|(_, v)| v.clone()).collect()),
        _ => None,
    }
}

/// EC2's timestamp format: `2024-12-12T06:51:22.000Z`.
fn ec2_time(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S.000Z").to_string()
}

/// A reservation per instance (Auto Mode launches one instance per fleet request), with an id
/// derived from the instance's.
fn reservation_id(instance: &str) -> String {
    let h = fnv64a(instance.as_bytes());
    format!("r-0{:016x}", h.rotate_left(17) ^ 0x5eed)
}

/// `i-` and 8 or 17 hex digits.
fn well_formed(id: &str) -> bool {
    id.strip_prefix("i-").is_some_and(|h| {
        (h.len() == 8 || h.len() == 17) && h.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

fn max_results(form: &[(String, String)]) -> Result<Option<i64>, ApiError> {
    match param(form, "MaxResults") {
        None => Ok(None),
        Some(m) => match m.parse::<i64>() {
            Ok(n) if (5..=1000).contains(&n) => Ok(Some(n)),
            _ => Err(ApiError::new(
                400,
                "InvalidParameterValue",
                format!(
                    "Value ( {m} ) for parameter maxResults is invalid. Parameter may only be between 5 and 1000."
                ),
            )),
        },
    }
}

fn page_error(e: PageError) -> ApiError {
    match e {
        PageError::BadToken => {
            ApiError::new(400, "InvalidPaginationToken", "Invalid pagination token")
        }
        PageError::BadMax { .. } => {
            ApiError::new(400, "InvalidParameterValue", "Invalid MaxResults")
        }
    }
}

pub fn describe_instances(
    world: &World,
    form: &[(String, String)],
    request_id: &str,
) -> Result<String, ApiError> {
    let account = &world.aws.account;
    let ids = list_param(form, "InstanceId");
    if let Some(bad) = ids.iter().find(|id| !well_formed(id)) {
        return Err(ApiError::new(
            400,
            "InvalidInstanceID.Malformed",
            format!("Invalid id: \"{bad}\""),
        ));
    }
    let max = max_results(form)?;
    if max.is_some() && !ids.is_empty() {
        return Err(ApiError::new(
            400,
            "InvalidParameterCombination",
            "The parameter instancesSet cannot be used with the parameter maxResults",
        ));
    }
    let all = instances(world);
    let missing: Vec<&str> = ids
        .iter()
        .filter(|id| !all.iter().any(|i| &i.id == *id))
        .map(String::as_str)
        .collect();
    match missing.as_slice() {
        [] => {}
        [one] => {
            return Err(ApiError::new(
                400,
                "InvalidInstanceID.NotFound",
                format!("The instance ID '{one}' does not exist"),
            ))
        }
        many => {
            return Err(ApiError::new(
                400,
                "InvalidInstanceID.NotFound",
                format!("The instance IDs '{}' do not exist", many.join(", ")),
            ))
        }
    }
    let filters = filters(form);
    let probe = Instance {
        id: String::new(),
        instance_type: String::new(),
        az: String::new(),
        az_id: String::new(),
        state: State::Running,
        launch_time: world.now,
        shutdown_at: None,
        private_ip: None,
        private_dns: None,
        subnet_id: None,
        vpc_id: String::new(),
        image_id: String::new(),
        security_groups: vec![],
        tags: vec![],
        spot: false,
        vcpu: 2,
    };
    for (name, _) in &filters {
        if values(&probe, name, account).is_none() {
            return Err(ApiError::new(
                400,
                "InvalidParameterValue",
                format!("The filter '{name}' is invalid"),
            ));
        }
    }
    let selected: Vec<&Instance> = all
        .iter()
        .filter(|i| ids.is_empty() || ids.contains(&i.id))
        .filter(|i| {
            filters.iter().all(|(name, wanted)| {
                let have = values(i, name, account).unwrap_or_default();
                wanted.iter().any(|p| have.iter().any(|v| glob(p, v)))
            })
        })
        .collect();
    let (page, next) = paging::page(&selected, max, param(form, "NextToken"), usize::MAX, 1000)
        .map_err(page_error)?;

    let mut x = Xml::document("DescribeInstancesResponse", &ec2_xmlns());
    x.leaf("requestId", request_id).open("reservationSet");
    for i in page {
        x.open("item")
            .leaf("reservationId", reservation_id(&i.id))
            .leaf("ownerId", account)
            .empty("groupSet")
            .open("instancesSet");
        instance_xml(&mut x, i);
        x.close().close();
    }
    x.close();
    if let Some(t) = next {
        x.leaf("nextToken", t);
    }
    Ok(x.finish())
}

fn instance_xml(x: &mut Xml, i: &Instance) {
    x.open("item")
        .leaf("instanceId", &i.id)
        .leaf("imageId", &i.image_id)
        .open("instanceState")
        .leaf("code", i.state.code())
        .leaf("name", i.state.name())
        .close();
    x.opt_leaf("privateDnsName", i.private_dns.as_deref())
        .empty("dnsName");
    match i.shutdown_at {
        Some(t) => x.leaf(
            "reason",
            format!("User initiated ({})", t.strftime("%Y-%m-%d %H:%M:%S GMT")),
        ),
        None => x.empty("reason"),
    };
    x.leaf("amiLaunchIndex", 0)
        .empty("productCodes")
        .leaf("instanceType", &i.instance_type)
        .leaf("launchTime", ec2_time(i.launch_time))
        .open("placement");
    if !i.az_id.is_empty() {
        x.leaf("availabilityZoneId", &i.az_id);
    }
    x.leaf("availabilityZone", &i.az)
        .empty("groupName")
        .leaf("tenancy", "default")
        .close()
        .open("monitoring")
        .leaf("state", "disabled")
        .close();
    x.opt_leaf("subnetId", i.subnet_id.as_deref())
        .leaf("vpcId", &i.vpc_id)
        .opt_leaf("privateIpAddress", i.private_ip.as_deref())
        .leaf("sourceDestCheck", true)
        .open("groupSet");
    for (id, name) in &i.security_groups {
        x.open("item").leaf("groupId", id);
        x.opt_leaf("groupName", name.as_deref()).close();
    }
    x.close();
    if i.state == State::ShuttingDown {
        x.open("stateReason")
            .leaf("code", "Client.UserInitiatedShutdown")
            .leaf(
                "message",
                "Client.UserInitiatedShutdown: User initiated shutdown",
            )
            .close();
    }
    x.leaf("architecture", "x86_64")
        .leaf("rootDeviceType", "ebs")
        .leaf("rootDeviceName", "/dev/xvda")
        .empty("blockDeviceMapping");
    if i.spot {
        x.leaf("instanceLifecycle", "spot");
    }
    x.leaf("virtualizationType", "hvm")
        .empty("clientToken")
        .open("tagSet");
    for (k, v) in &i.tags {
        x.open("item").leaf("key", k).leaf("value", v).close();
    }
    x.close()
        .leaf("hypervisor", "xen")
        .empty("networkInterfaceSet")
        .leaf("ebsOptimized", true)
        .leaf("enaSupport", true)
        .open("cpuOptions")
        .leaf("coreCount", (i.vcpu / 2).max(1))
        .leaf("threadsPerCore", if i.vcpu >= 2 { 2 } else { 1 })
        .close()
        .open("capacityReservationSpecification")
        .leaf("capacityReservationPreference", "open")
        .close()
        .open("hibernationOptions")
        .leaf("configured", false)
        .close()
        .open("metadataOptions")
        .leaf("state", "applied")
        .leaf("httpTokens", "required")
        .leaf("httpPutResponseHopLimit", 1)
        .leaf("httpEndpoint", "enabled")
        .leaf("httpProtocolIpv6", "disabled")
        .leaf("instanceMetadataTags", "disabled")
        .close()
        .open("enclaveOptions")
        .leaf("enabled", false)
        .close()
        .leaf("bootMode", "uefi")
        .leaf("platformDetails", "Linux/UNIX")
        .leaf("usageOperation", "RunInstances")
        .open("privateDnsNameOptions")
        .leaf("hostnameType", "ip-name")
        .leaf("enableResourceNameDnsARecord", false)
        .leaf("enableResourceNameDnsAAAARecord", false)
        .close()
        .open("maintenanceOptions")
        .leaf("autoRecovery", "default")
        .close()
        .leaf("currentInstanceBootMode", "uefi")
        .open("operator")
        .leaf("managed", true)
        .leaf("principal", "eks.amazonaws.com")
        .close()
        .close();
}

/// DescribeVolumes: no volume is listed; a named one does not exist.
pub fn describe_volumes(form: &[(String, String)], request_id: &str) -> Result<String, ApiError> {
    let ids = list_param(form, "VolumeId");
    match ids.as_slice() {
        [] => {}
        [one] => {
            return Err(ApiError::new(
                400,
                "InvalidVolume.NotFound",
                format!("The volume '{one}' does not exist."),
            ))
        }
        many => {
            return Err(ApiError::new(
                400,
                "InvalidVolume.NotFound",
                format!("The volumes '{}' do not exist.", many.join(", ")),
            ))
        }
    }
    max_results(form)?;
    paging::page::<String>(&[], None, param(form, "NextToken"), 1000, 1000).map_err(page_error)?;
    let mut x = Xml::document("DescribeVolumesResponse", &ec2_xmlns());
    x.leaf("requestId", request_id).empty("volumeSet");
    Ok(x.finish())
}

/// DescribeLaunchTemplates: no launch template is listed; a named one does not exist.
pub fn describe_launch_templates(
    form: &[(String, String)],
    request_id: &str,
) -> Result<String, ApiError> {
    if let Some(id) = list_param(form, "LaunchTemplateId").first() {
        return Err(ApiError::new(
            400,
            "InvalidLaunchTemplateId.NotFound",
            format!("The specified launch template, with template ID {id}, does not exist."),
        ));
    }
    if !list_param(form, "LaunchTemplateName").is_empty() {
        return Err(ApiError::new(
            400,
            "InvalidLaunchTemplateName.NotFoundException",
            "At least one of the launch templates specified in the request does not exist.",
        ));
    }
    if let Some(m) = param(form, "MaxResults") {
        if !m.parse::<i64>().is_ok_and(|n| (1..=200).contains(&n)) {
            return Err(ApiError::new(
                400,
                "InvalidParameterValue",
                format!("Value ( {m} ) for parameter maxResults is invalid. Parameter may only be between 1 and 200."),
            ));
        }
    }
    paging::page::<String>(&[], None, param(form, "NextToken"), 1000, 1000).map_err(page_error)?;
    let mut x = Xml::document("DescribeLaunchTemplatesResponse", &ec2_xmlns());
    x.leaf("requestId", request_id).empty("launchTemplates");
    Ok(x.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_reservations() {
        assert!(well_formed("i-0123456789abcdef0"));
        assert!(well_formed("i-12345678"));
        assert!(!well_formed("i-xyz"));
        assert!(!well_formed("node-1"));
        let r = reservation_id("i-0123456789abcdef0");
        assert!(r.starts_with("r-0") && r.len() == 19, "{r}");
        assert_eq!(r, reservation_id("i-0123456789abcdef0"));
        assert_eq!(instance_of("aws:///ap-northeast-1a/i-0abc"), Some("i-0abc"));
        assert_eq!(
            ec2_time("2024-12-12T06:51:22Z".parse().unwrap()),
            "2024-12-12T06:51:22.000Z"
        );
    }
}
