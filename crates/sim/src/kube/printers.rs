//! Table columns and cells for the built-in kinds beyond the ones the engine drives: the API
//! server's printers (Kubernetes' `printers.go`) for Services, ConfigMaps, Secrets, volumes,
//! workloads, RBAC bindings, storage and networking kinds, and its default table (Name,
//! Created At) for the kinds that have no printer (Roles, ClusterRoles, CRDs, LimitRanges).

use jiff::Timestamp;
use serde_json::{json, Value};

use super::table::{
    col, condition_status, containers_and_images, int, or_none, s, selector_string, since, Col,
    AGE, NAME,
};
use crate::store::Res;

const CREATED_AT: Col = col(
    "Created At",
    "date",
    0,
    "CreationTimestamp is a timestamp representing the server time when this object was created.",
);
const CONTAINERS: Col = col(
    "Containers",
    "string",
    1,
    "Names of each container in the template.",
);
const IMAGES: Col = col(
    "Images",
    "string",
    1,
    "Images referenced by each container in the template.",
);
const SELECTOR: Col = col("Selector", "string", 1, "A label query over the pods.");

pub(super) fn columns(res: Res) -> Vec<Col> {
    use Res::*;
    match res {
        ComponentStatuses => vec![
            NAME,
            col("Status", "string", 0, "Status of the component conditions"),
            col("Message", "string", 0, "Message of the component conditions"),
            col("Error", "string", 0, "Error of the component conditions"),
        ],
        ConfigMaps => vec![NAME, col("Data", "string", 0, "Data contains the configuration data."), AGE],
        Endpoints => vec![NAME, col("Endpoints", "string", 0, "The set of all endpoints is the union of all subsets."), AGE],
        PersistentVolumeClaims => vec![
            NAME,
            col("Status", "string", 0, "phase represents the current phase of PersistentVolumeClaim."),
            col("Volume", "string", 0, "volumeName is the binding reference to the PersistentVolume backing this claim."),
            col("Capacity", "string", 0, "capacity represents the actual resources of the underlying volume."),
            col("Access Modes", "string", 0, "accessModes contains the actual access modes the volume backing the PVC has."),
            col("StorageClass", "string", 0, "StorageClass of the pvc"),
            col("VolumeAttributesClass", "string", 0, "VolumeAttributesClass of the pvc"),
            AGE,
            col("VolumeMode", "string", 1, "volumeMode defines what type of volume is required by the claim."),
        ],
        PersistentVolumes => vec![
            NAME,
            col("Capacity", "string", 0, "capacity is the description of the persistent volume's resources and capacity."),
            col("Access Modes", "string", 0, "accessModes contains all ways the volume can be mounted."),
            col("Reclaim Policy", "string", 0, "persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim."),
            col("Status", "string", 0, "phase indicates if a volume is available, bound to a claim, or released by a claim."),
            col("Claim", "string", 0, "claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim."),
            col("StorageClass", "string", 0, "StorageClass of the pv"),
            col("VolumeAttributesClass", "string", 0, "VolumeAttributesClass of the pv"),
            col("Reason", "string", 0, "reason is a brief CamelCase string that describes any failure."),
            AGE,
            col("VolumeMode", "string", 1, "volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state."),
        ],
        PodTemplates => vec![
            NAME,
            col("Containers", "string", 0, "Names of each container in the template."),
            col("Images", "string", 0, "Images referenced by each container in the template."),
            col("Pod Labels", "string", 0, "The labels for the pod template."),
        ],
        ReplicationControllers => vec![
            NAME,
            col("Desired", "integer", 0, "Replicas is the number of desired replicas."),
            col("Current", "integer", 0, "Replicas is the most recently observed number of replicas."),
            col("Ready", "integer", 0, "The number of ready replicas for this replication controller."),
            AGE,
            CONTAINERS,
            IMAGES,
            SELECTOR,
        ],
        ResourceQuotas => vec![
            NAME,
            AGE,
            col("Request", "string", 0, "Request represents a minimum amount of cpu/memory that a container may consume."),
            col("Limit", "string", 0, "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node."),
        ],
        Secrets => vec![
            NAME,
            col("Type", "string", 0, "Used to facilitate programmatic handling of secret data."),
            col("Data", "string", 0, "Data contains the secret data."),
            AGE,
        ],
        ServiceAccounts => vec![
            NAME,
            col("Secrets", "string", 0, "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use."),
            AGE,
        ],
        Services => vec![
            NAME,
            col("Type", "string", 0, "type determines how the Service is exposed."),
            col("Cluster-IP", "string", 0, "clusterIP is the IP address of the service and is usually assigned randomly."),
            col("External-IP", "string", 0, "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service."),
            col("Port(s)", "string", 0, "The list of ports that are exposed by this service."),
            AGE,
            col("Selector", "string", 1, "Route service traffic to pods with label keys and values matching this selector."),
        ],
        MutatingWebhookConfigurations | ValidatingWebhookConfigurations => vec![
            NAME,
            col("Webhooks", "integer", 0, "Webhooks indicates the number of webhooks registered in this configuration"),
            AGE,
        ],
        ValidatingAdmissionPolicies => vec![
            NAME,
            col("Validations", "integer", 0, "Validations indicates the number of validation rules defined in this configuration"),
            col("ParamKind", "string", 0, "ParamKind specifies the kind of resources used to parameterize this policy"),
            AGE,
        ],
        ValidatingAdmissionPolicyBindings => vec![
            NAME,
            col("PolicyName", "string", 0, "PolicyName indicates the policy definition which the policy binding binded to"),
            col("ParamRef", "string", 0, "ParamRef indicates the param resource which sets the configration param"),
            AGE,
        ],
        ApiServices => vec![
            NAME,
            col("Service", "string", 0, "The reference to the service that hosts this API endpoint."),
            col("Available", "string", 0, "Whether this service is available."),
            AGE,
        ],
        ControllerRevisions => vec![
            NAME,
            col("Controller", "string", 0, "Controller of the object"),
            col("Revision", "string", 0, "Revision indicates the revision of the state represented by Data."),
            AGE,
        ],
        DaemonSets => vec![
            NAME,
            col("Desired", "integer", 0, "The total number of nodes that should be running the daemon pod."),
            col("Current", "integer", 0, "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod."),
            col("Ready", "integer", 0, "numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition."),
            col("Up-to-date", "integer", 0, "The total number of nodes that are running updated daemon pod"),
            col("Available", "integer", 0, "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available."),
            col("Node Selector", "string", 0, "NodeSelector is a selector which must be true for the pod to fit on a node."),
            AGE,
            CONTAINERS,
            IMAGES,
            SELECTOR,
        ],
        StatefulSets => vec![
            NAME,
            col("Ready", "string", 0, "Number of the pod with ready state"),
            AGE,
            CONTAINERS,
            IMAGES,
        ],
        HorizontalPodAutoscalers => vec![
            NAME,
            col("Reference", "string", 0, "scaleTargetRef points to the target resource to scale."),
            col("Targets", "string", 0, "metrics contains the specifications for which to use to calculate the desired replica count."),
            col("MinPods", "string", 0, "minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down."),
            col("MaxPods", "string", 0, "maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up."),
            col("Replicas", "string", 0, "currentReplicas is current number of replicas of pods managed by this autoscaler."),
            AGE,
        ],
        CronJobs => vec![
            NAME,
            col("Schedule", "string", 0, "The schedule in Cron format."),
            col("Timezone", "string", 0, "The time zone name for the given schedule."),
            col("Suspend", "boolean", 0, "This flag tells the controller to suspend subsequent executions."),
            col("Active", "integer", 0, "A list of pointers to currently running jobs."),
            col("Last Schedule", "string", 0, "Information when was the last time the job was successfully scheduled."),
            AGE,
            CONTAINERS,
            IMAGES,
            SELECTOR,
        ],
        Jobs => vec![
            NAME,
            col("Status", "string", 0, "Status of the job."),
            col("Completions", "string", 0, "The number of pods which reached phase Succeeded."),
            col("Duration", "string", 0, "Time required to complete the job."),
            AGE,
            CONTAINERS,
            IMAGES,
            SELECTOR,
        ],
        CertificateSigningRequests => vec![
            NAME,
            AGE,
            col("SignerName", "string", 0, "signerName indicates the requested signer."),
            col("Requestor", "string", 0, "username contains the name of the user that created the CertificateSigningRequest."),
            col("RequestedDuration", "string", 0, "expirationSeconds is the requested duration of validity of the issued certificate."),
            col("Condition", "string", 0, "conditions applied to the request."),
        ],
        EndpointSlices => vec![
            NAME,
            col("AddressType", "string", 0, "addressType specifies the type of address carried by this EndpointSlice."),
            col("Ports", "string", 0, "ports specifies the list of network ports exposed by each endpoint in this slice."),
            col("Endpoints", "string", 0, "endpoints is a list of unique endpoints in this slice."),
            AGE,
        ],
        FlowSchemas => vec![
            NAME,
            col("PriorityLevel", "string", 0, "name is the name of the priority level configuration being referenced"),
            col("MatchingPrecedence", "string", 0, "matchingPrecedence is used to choose among the FlowSchemas that match a given request."),
            col("DistinguisherMethod", "string", 0, "distinguisherMethod defines how to compute the flow distinguisher for requests that match this schema."),
            AGE,
            col("MissingPL", "string", 0, "references a broken or non-existent PriorityLevelConfiguration"),
        ],
        PriorityLevelConfigurations => vec![
            NAME,
            col("Type", "string", 0, "type indicates whether this priority level is subject to limitation on request execution."),
            col("NominalConcurrencyShares", "string", 0, "nominalConcurrencyShares (NCS) contributes to the computation of the NominalConcurrencyLimit (NominalCL) of this level."),
            col("Queues", "string", 0, "queues is the number of queues for this priority level."),
            col("HandSize", "string", 0, "handSize is a small positive number that configures the shuffle sharding of requests into queues."),
            col("QueueLengthLimit", "string", 0, "queueLengthLimit is the maximum number of requests allowed to be waiting in a given queue of this priority level at a time."),
            AGE,
        ],
        IngressClasses => vec![
            NAME,
            col("Controller", "string", 0, "Controller that is responsible for handling this class"),
            col("Parameters", "string", 0, "A reference to a resource with additional parameters"),
            AGE,
        ],
        Ingresses => vec![
            NAME,
            col("Class", "string", 0, "The name of the IngressClass resource that should be used for additional configuration"),
            col("Hosts", "string", 0, "Hosts that incoming requests are matched against before the ingress rule"),
            col("Address", "string", 0, "Address is a list containing ingress points for the load-balancer"),
            col("Ports", "string", 0, "Ports of TLS configurations that open"),
            AGE,
        ],
        NetworkPolicies => vec![
            NAME,
            col("Pod-Selector", "string", 0, "podSelector selects the pods to which this NetworkPolicy object applies."),
            AGE,
        ],
        RuntimeClasses => vec![
            NAME,
            col("Handler", "string", 0, "handler specifies the underlying runtime and configuration that the CRI implementation will use to handle pods of this class."),
            AGE,
        ],
        RoleBindings | ClusterRoleBindings => vec![
            NAME,
            col("Role", "string", 0, "RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace."),
            AGE,
            col("Users", "string", 1, "Users in the roleBinding"),
            col("Groups", "string", 1, "Groups in the roleBinding"),
            col("ServiceAccounts", "string", 1, "ServiceAccounts in the roleBinding"),
        ],
        PriorityClasses => vec![
            NAME,
            col("Value", "integer", 0, "value represents the integer value of this priority class."),
            col("Global-Default", "boolean", 0, "globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class."),
            AGE,
            col("PreemptionPolicy", "string", 0, "preemptionPolicy is the Policy for preempting pods with lower priority."),
        ],
        CsiDrivers => vec![
            NAME,
            col("AttachRequired", "boolean", 0, "attachRequired indicates this CSI volume driver requires an attach operation."),
            col("PodInfoOnMount", "boolean", 0, "podInfoOnMount indicates this CSI volume driver requires additional pod information during mount operations."),
            col("StorageCapacity", "boolean", 0, "storageCapacity indicates that the CSI volume driver wants pod scheduling to consider the storage capacity that the driver deployment will report."),
            col("TokenRequests", "string", 0, "tokenRequests indicates the CSI driver needs pods' service account tokens it is mounting volume for to do necessary authentication."),
            col("RequiresRepublish", "boolean", 0, "requiresRepublish indicates the CSI driver wants `NodePublishVolume` being periodically called to reflect any possible change in the mounted volume."),
            col("Modes", "string", 0, "volumeLifecycleModes defines what kind of volumes this CSI volume driver supports."),
            AGE,
        ],
        CsiNodes => vec![
            NAME,
            col("Drivers", "integer", 0, "Drivers indicates the number of CSI drivers registered on the node"),
            AGE,
        ],
        CsiStorageCapacities => vec![
            NAME,
            col("StorageClassName", "string", 0, "storageClassName represents the name of the StorageClass that the reported capacity applies to."),
            col("Capacity", "string", 0, "capacity is the value reported by the CSI driver in its GetCapacityResponse for a GetCapacityRequest with topology and parameters that match the previous fields."),
        ],
        StorageClasses => vec![
            NAME,
            col("Provisioner", "string", 0, "provisioner indicates the type of the provisioner."),
            col("ReclaimPolicy", "string", 0, "reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class."),
            col("VolumeBindingMode", "string", 0, "volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound."),
            col("AllowVolumeExpansion", "string", 0, "allowVolumeExpansion shows whether the storage class allow volume expand."),
            AGE,
        ],
        VolumeAttachments => vec![
            NAME,
            col("Attacher", "string", 0, "attacher indicates the name of the volume driver that MUST handle this request."),
            col("PV", "string", 0, "persistentVolumeName represents the name of the persistent volume to attach."),
            col("Node", "string", 0, "nodeName represents the node that the volume should be attached to."),
            col("Attached", "boolean", 0, "attached indicates the volume is successfully attached."),
            AGE,
        ],
        // no printer: the API server's default table
        _ => vec![NAME, CREATED_AT],
    }
}

fn labels_string(m: &Value) -> String {
    match m.as_object() {
        Some(m) if !m.is_empty() => m
            .iter()
            .map(|(k, v)| format!("{k}={}", s(v)))
            .collect::<Vec<_>>()
            .join(","),
        _ => "<none>".into(),
    }
}

fn len_of(v: &Value) -> i64 {
    v.as_array()
        .map(Vec::len)
        .or(v.as_object().map(serde_json::Map::len))
        .unwrap_or(0) as i64
}

/// `RWO,ROX,RWX,RWOP`, as kubectl abbreviates access modes.
fn access_modes(v: &Value) -> String {
    let modes: Vec<&str> = v
        .as_array()
        .map(|a| a.iter().map(s).collect())
        .unwrap_or_default();
    let mut out = Vec::new();
    for (full, short) in [
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ] {
        if modes.contains(&full) {
            out.push(short);
        }
    }
    out.join(",")
}

fn with_more(list: Vec<String>, total: usize, max: usize, empty: &str) -> String {
    if list.is_empty() {
        return empty.into();
    }
    let joined = list.join(",");
    if total > max {
        format!("{joined} + {} more...", total - max)
    } else {
        joined
    }
}

fn endpoints_string(obj: &Value) -> String {
    let subsets = obj["subsets"].as_array().cloned().unwrap_or_default();
    if subsets.is_empty() {
        return "<none>".into();
    }
    let mut list = Vec::new();
    let mut count = 0;
    for ss in &subsets {
        let addrs: Vec<&str> = ss["addresses"]
            .as_array()
            .map(|a| a.iter().map(|x| s(&x["ip"])).collect())
            .unwrap_or_default();
        let ports = ss["ports"].as_array().cloned().unwrap_or_default();
        if ports.is_empty() {
            count += addrs.len();
            for a in &addrs {
                if list.len() < 3 {
                    list.push(a.to_string());
                }
            }
            continue;
        }
        for p in &ports {
            count += addrs.len();
            for a in &addrs {
                if list.len() < 3 {
                    list.push(format!("{a}:{}", int(&p["port"])));
                }
            }
        }
    }
    with_more(list, count, 3, "<none>")
}

fn service_cells(obj: &Value) -> (String, String) {
    let spec = &obj["spec"];
    let ty = s(&spec["type"]);
    let external_ips: Vec<&str> = spec["externalIPs"]
        .as_array()
        .map(|a| a.iter().map(s).collect())
        .unwrap_or_default();
    let external = match ty {
        "ExternalName" => s(&spec["externalName"]).to_string(),
        "LoadBalancer" => {
            let mut ips: Vec<String> = obj["status"]["loadBalancer"]["ingress"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|i| {
                            let ip = s(&i["ip"]);
                            if ip.is_empty() {
                                s(&i["hostname"]).to_string()
                            } else {
                                ip.to_string()
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            ips.extend(external_ips.iter().map(|s| s.to_string()));
            if ips.is_empty() {
                "<pending>".into()
            } else {
                ips.join(",")
            }
        }
        _ if external_ips.is_empty() => "<none>".into(),
        _ => external_ips.join(","),
    };
    let ports: Vec<String> = spec["ports"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|p| {
                    let proto = p["protocol"].as_str().unwrap_or("TCP");
                    match p["nodePort"].as_i64() {
                        Some(np) if np != 0 => format!("{}:{np}/{proto}", int(&p["port"])),
                        _ => format!("{}/{proto}", int(&p["port"])),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let ports = if ports.is_empty() {
        "<none>".to_string()
    } else {
        ports.join(",")
    };
    (external, ports)
}

fn quota_cells(obj: &Value) -> (String, String) {
    let hard = obj["status"]["hard"]
        .as_object()
        .or(obj["spec"]["hard"].as_object())
        .cloned()
        .unwrap_or_default();
    let used = &obj["status"]["used"];
    let mut requests = Vec::new();
    let mut limits = Vec::new();
    for (k, v) in &hard {
        let u = used[k].as_str().unwrap_or("0");
        let entry = format!("{k}: {u}/{}", s(v));
        if k.starts_with("limits.") {
            limits.push(entry);
        } else {
            requests.push(entry);
        }
    }
    (requests.join(", "), limits.join(", "))
}

fn hpa_targets(obj: &Value) -> String {
    let metrics = obj["spec"]["metrics"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if metrics.is_empty() {
        return "<none>".into();
    }
    let current = obj["status"]["currentMetrics"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let parts: Vec<String> = metrics
        .iter()
        .map(|m| match s(&m["type"]) {
            "Resource" => {
                let name = s(&m["resource"]["name"]);
                let target = &m["resource"]["target"];
                let now = current
                    .iter()
                    .find(|c| c["resource"]["name"] == name)
                    .map(|c| &c["resource"]["current"]);
                match target["averageUtilization"].as_i64() {
                    Some(pct) => {
                        let cur = now
                            .and_then(|c| c["averageUtilization"].as_i64())
                            .map(|c| format!("{c}%"))
                            .unwrap_or_else(|| "<unknown>".into());
                        format!("{name}: {cur}/{pct}%")
                    }
                    None => {
                        let want = target["averageValue"]
                            .as_str()
                            .or(target["value"].as_str())
                            .unwrap_or("");
                        let cur = now
                            .and_then(|c| c["averageValue"].as_str())
                            .unwrap_or("<unknown>");
                        format!("{name}: {cur}/{want}")
                    }
                }
            }
            other => format!("<unknown>/{}", other.to_lowercase()),
        })
        .collect();
    parts.join(", ")
}

fn job_status(obj: &Value) -> &'static str {
    if condition_status(obj, "Complete") == Some("True") {
        "Complete"
    } else if condition_status(obj, "Failed") == Some("True") {
        "Failed"
    } else if !obj["metadata"]["deletionTimestamp"].is_null() {
        "Terminating"
    } else if condition_status(obj, "Suspended") == Some("True") {
        "Suspended"
    } else if condition_status(obj, "FailureTarget") == Some("True") {
        "FailureTarget"
    } else {
        "Running"
    }
}

fn secs(v: &Value) -> Option<i64> {
    v.as_str()?.parse::<Timestamp>().ok().map(|t| t.as_second())
}

fn subjects(obj: &Value, kind: &str) -> String {
    let names: Vec<String> = obj["subjects"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|x| x["kind"] == kind)
                .map(|x| {
                    if kind == "ServiceAccount" {
                        format!("{}/{}", s(&x["namespace"]), s(&x["name"]))
                    } else {
                        s(&x["name"]).to_string()
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    names.join(", ")
}

fn phase_or_terminating(obj: &Value) -> String {
    if obj["metadata"]["deletionTimestamp"].is_null() {
        s(&obj["status"]["phase"]).to_string()
    } else {
        "Terminating".into()
    }
}

fn unset(v: &str) -> String {
    if v.is_empty() {
        "<unset>".into()
    } else {
        v.to_string()
    }
}

pub(super) fn cells(res: Res, obj: &Value, now: Timestamp) -> Vec<Value> {
    use Res::*;
    let name = json!(s(&obj["metadata"]["name"]));
    let age = json!(since(&obj["metadata"]["creationTimestamp"], now));
    let template = |path: &Value| containers_and_images(path);
    match res {
        ComponentStatuses => {
            let healthy = obj["conditions"]
                .as_array()
                .and_then(|c| c.iter().find(|c| c["type"] == "Healthy"));
            let status = match healthy {
                Some(c) if c["status"] == "True" => "Healthy",
                _ => "Unhealthy",
            };
            vec![
                name,
                json!(status),
                json!(healthy.map(|c| s(&c["message"])).unwrap_or("")),
                json!(healthy.map(|c| s(&c["error"])).unwrap_or("")),
            ]
        }
        ConfigMaps => vec![
            name,
            json!(len_of(&obj["data"]) + len_of(&obj["binaryData"])),
            age,
        ],
        Endpoints => vec![name, json!(endpoints_string(obj)), age],
        PersistentVolumeClaims => {
            let sc = obj["spec"]["storageClassName"]
                .as_str()
                .unwrap_or("")
                .to_string();
            vec![
                name,
                json!(phase_or_terminating(obj)),
                json!(s(&obj["spec"]["volumeName"])),
                json!(s(&obj["status"]["capacity"]["storage"])),
                json!(access_modes(&obj["status"]["accessModes"])),
                json!(sc),
                json!(unset(s(&obj["spec"]["volumeAttributesClassName"]))),
                age,
                json!(unset(s(&obj["spec"]["volumeMode"]))),
            ]
        }
        PersistentVolumes => {
            let claim = &obj["spec"]["claimRef"];
            let claim = if claim.is_object() {
                format!("{}/{}", s(&claim["namespace"]), s(&claim["name"]))
            } else {
                String::new()
            };
            vec![
                name,
                json!(s(&obj["spec"]["capacity"]["storage"])),
                json!(access_modes(&obj["spec"]["accessModes"])),
                json!(s(&obj["spec"]["persistentVolumeReclaimPolicy"])),
                json!(phase_or_terminating(obj)),
                json!(claim),
                json!(s(&obj["spec"]["storageClassName"])),
                json!(unset(s(&obj["spec"]["volumeAttributesClassName"]))),
                json!(s(&obj["status"]["reason"])),
                age,
                json!(unset(s(&obj["spec"]["volumeMode"]))),
            ]
        }
        PodTemplates => {
            let (c, i) = template(&obj["template"]["spec"]);
            vec![
                name,
                json!(c),
                json!(i),
                json!(labels_string(&obj["template"]["metadata"]["labels"])),
            ]
        }
        ReplicationControllers => {
            let (c, i) = template(&obj["spec"]["template"]["spec"]);
            vec![
                name,
                json!(obj["spec"]["replicas"].as_i64().unwrap_or(1)),
                json!(int(&obj["status"]["replicas"])),
                json!(int(&obj["status"]["readyReplicas"])),
                age,
                json!(c),
                json!(i),
                json!(labels_string(&obj["spec"]["selector"])),
            ]
        }
        ResourceQuotas => {
            let (req, lim) = quota_cells(obj);
            vec![name, age, json!(req), json!(lim)]
        }
        Secrets => vec![
            name,
            json!(s(&obj["type"])),
            json!(len_of(&obj["data"])),
            age,
        ],
        ServiceAccounts => vec![name, json!(len_of(&obj["secrets"])), age],
        Services => {
            let (external, ports) = service_cells(obj);
            let ip = s(&obj["spec"]["clusterIP"]);
            vec![
                name,
                json!(s(&obj["spec"]["type"])),
                json!(or_none(ip)),
                json!(external),
                json!(ports),
                age,
                json!(labels_string(&obj["spec"]["selector"])),
            ]
        }
        MutatingWebhookConfigurations | ValidatingWebhookConfigurations => {
            vec![name, json!(len_of(&obj["webhooks"])), age]
        }
        ValidatingAdmissionPolicies => {
            let pk = &obj["spec"]["paramKind"];
            let pk = if pk.is_object() {
                format!("{}/{}", s(&pk["apiVersion"]), s(&pk["kind"]))
            } else {
                "<unset>".into()
            };
            vec![
                name,
                json!(len_of(&obj["spec"]["validations"])),
                json!(pk),
                age,
            ]
        }
        ValidatingAdmissionPolicyBindings => {
            let pr = &obj["spec"]["paramRef"];
            let pr = if pr.is_object() {
                let ns = s(&pr["namespace"]);
                let n = s(&pr["name"]);
                match (ns.is_empty(), n.is_empty()) {
                    (true, _) => format!("*/{}", if n.is_empty() { "*" } else { n }),
                    (false, _) => format!("{ns}/{}", if n.is_empty() { "*" } else { n }),
                }
            } else {
                "<unset>".into()
            };
            vec![name, json!(s(&obj["spec"]["policyName"])), json!(pr), age]
        }
        ApiServices => {
            let svc = &obj["spec"]["service"];
            let service = if svc.is_object() {
                format!("{}/{}", s(&svc["namespace"]), s(&svc["name"]))
            } else {
                "Local".into()
            };
            let available = obj["status"]["conditions"]
                .as_array()
                .and_then(|c| c.iter().find(|c| c["type"] == "Available"))
                .map(|c| {
                    if c["status"] == "True" {
                        "True".to_string()
                    } else {
                        format!("{} ({})", s(&c["status"]), s(&c["reason"]))
                    }
                })
                .unwrap_or_else(|| "Unknown".into());
            vec![name, json!(service), json!(available), age]
        }
        ControllerRevisions => {
            let owner = obj["metadata"]["ownerReferences"]
                .as_array()
                .and_then(|o| o.iter().find(|r| r["controller"] == true))
                .map(|r| {
                    let group = s(&r["apiVersion"]).split('/').next().unwrap_or("");
                    let group = if s(&r["apiVersion"]).contains('/') {
                        format!(".{group}")
                    } else {
                        String::new()
                    };
                    format!("{}{group}/{}", s(&r["kind"]).to_lowercase(), s(&r["name"]))
                })
                .unwrap_or_else(|| "<none>".into());
            vec![name, json!(owner), json!(int(&obj["revision"])), age]
        }
        DaemonSets => {
            let st = &obj["status"];
            let (c, i) = template(&obj["spec"]["template"]["spec"]);
            vec![
                name,
                json!(int(&st["desiredNumberScheduled"])),
                json!(int(&st["currentNumberScheduled"])),
                json!(int(&st["numberReady"])),
                json!(int(&st["updatedNumberScheduled"])),
                json!(int(&st["numberAvailable"])),
                json!(labels_string(
                    &obj["spec"]["template"]["spec"]["nodeSelector"]
                )),
                age,
                json!(c),
                json!(i),
                json!(selector_string(&obj["spec"]["selector"])),
            ]
        }
        StatefulSets => {
            let (c, i) = template(&obj["spec"]["template"]["spec"]);
            vec![
                name,
                json!(format!(
                    "{}/{}",
                    int(&obj["status"]["readyReplicas"]),
                    obj["spec"]["replicas"].as_i64().unwrap_or(1)
                )),
                age,
                json!(c),
                json!(i),
            ]
        }
        HorizontalPodAutoscalers => {
            let r = &obj["spec"]["scaleTargetRef"];
            let min = obj["spec"]["minReplicas"]
                .as_i64()
                .map(|m| m.to_string())
                .unwrap_or_else(|| "<unset>".into());
            vec![
                name,
                json!(format!("{}/{}", s(&r["kind"]), s(&r["name"]))),
                json!(hpa_targets(obj)),
                json!(min),
                json!(int(&obj["spec"]["maxReplicas"])),
                json!(int(&obj["status"]["currentReplicas"])),
                age,
            ]
        }
        CronJobs => {
            let (c, i) = template(&obj["spec"]["jobTemplate"]["spec"]["template"]["spec"]);
            let last = if obj["status"]["lastScheduleTime"].is_string() {
                since(&obj["status"]["lastScheduleTime"], now)
            } else {
                "<none>".into()
            };
            vec![
                name,
                json!(s(&obj["spec"]["schedule"])),
                json!(or_none(s(&obj["spec"]["timeZone"]))),
                json!(obj["spec"]["suspend"].as_bool().unwrap_or(false)),
                json!(len_of(&obj["status"]["active"])),
                json!(last),
                age,
                json!(c),
                json!(i),
                json!(selector_string(
                    &obj["spec"]["jobTemplate"]["spec"]["selector"]
                )),
            ]
        }
        Jobs => {
            let (c, i) = template(&obj["spec"]["template"]["spec"]);
            let succeeded = int(&obj["status"]["succeeded"]);
            let completions = match obj["spec"]["completions"].as_i64() {
                Some(n) => format!("{succeeded}/{n}"),
                None => match obj["spec"]["parallelism"].as_i64().unwrap_or(0) {
                    p if p > 1 => format!("{succeeded}/1 of {p}"),
                    _ => format!("{succeeded}/1"),
                },
            };
            let duration = match (
                secs(&obj["status"]["startTime"]),
                secs(&obj["status"]["completionTime"]),
            ) {
                (None, _) => String::new(),
                (Some(start), None) => super::table::human_duration(now.as_second() - start),
                (Some(start), Some(end)) => super::table::human_duration(end - start),
            };
            vec![
                name,
                json!(job_status(obj)),
                json!(completions),
                json!(duration),
                age,
                json!(c),
                json!(i),
                json!(selector_string(&obj["spec"]["selector"])),
            ]
        }
        CertificateSigningRequests => {
            let mut conds: Vec<&str> = obj["status"]["conditions"]
                .as_array()
                .map(|a| a.iter().map(|c| s(&c["type"])).collect())
                .unwrap_or_default();
            if obj["status"]["certificate"].is_string() {
                conds.push("Issued");
            }
            let condition = if conds.is_empty() {
                "Pending".to_string()
            } else {
                conds.join(",")
            };
            let requested = obj["spec"]["expirationSeconds"]
                .as_i64()
                .map(super::table::human_duration)
                .unwrap_or_else(|| "<none>".into());
            vec![
                name,
                age,
                json!(s(&obj["spec"]["signerName"])),
                json!(s(&obj["spec"]["username"])),
                json!(requested),
                json!(condition),
            ]
        }
        EndpointSlices => {
            let ports: Vec<Value> = obj["ports"].as_array().cloned().unwrap_or_default();
            let port_list: Vec<String> = ports
                .iter()
                .take(3)
                .map(|p| match p["port"].as_i64() {
                    Some(n) => n.to_string(),
                    None => p["name"].as_str().unwrap_or("*").to_string(),
                })
                .collect();
            let addrs: Vec<String> = obj["endpoints"]
                .as_array()
                .map(|e| {
                    e.iter()
                        .flat_map(|ep| {
                            ep["addresses"]
                                .as_array()
                                .cloned()
                                .unwrap_or_default()
                                .into_iter()
                                .map(|a| s(&a).to_string())
                        })
                        .collect()
                })
                .unwrap_or_default();
            let total = addrs.len();
            vec![
                name,
                json!(s(&obj["addressType"])),
                json!(with_more(port_list, ports.len(), 3, "<unset>")),
                json!(with_more(
                    addrs.into_iter().take(3).collect(),
                    total,
                    3,
                    "<unset>"
                )),
                age,
            ]
        }
        FlowSchemas => {
            let missing = obj["status"]["conditions"]
                .as_array()
                .and_then(|c| c.iter().find(|c| c["type"] == "Dangling"))
                .map(|c| s(&c["status"]).to_string())
                .unwrap_or_else(|| "?".into());
            let method = obj["spec"]["distinguisherMethod"]["type"]
                .as_str()
                .unwrap_or("*");
            vec![
                name,
                json!(s(&obj["spec"]["priorityLevelConfiguration"]["name"])),
                json!(int(&obj["spec"]["matchingPrecedence"]).to_string()),
                json!(method),
                age,
                json!(missing),
            ]
        }
        PriorityLevelConfigurations => {
            let spec = &obj["spec"];
            let limited = &spec["limited"];
            let queuing = &limited["limitResponse"]["queuing"];
            let ncs = if s(&spec["type"]) == "Limited" {
                int(&limited["nominalConcurrencyShares"]).to_string()
            } else {
                "<none>".into()
            };
            let q = |k: &str| {
                if queuing.is_object() {
                    int(&queuing[k]).to_string()
                } else {
                    "<none>".into()
                }
            };
            vec![
                name,
                json!(s(&spec["type"])),
                json!(ncs),
                json!(q("queues")),
                json!(q("handSize")),
                json!(q("queueLengthLimit")),
                age,
            ]
        }
        IngressClasses => {
            let p = &obj["spec"]["parameters"];
            let params = if p.is_object() {
                let g = s(&p["apiGroup"]);
                if g.is_empty() {
                    format!("{}/{}", s(&p["kind"]), s(&p["name"]))
                } else {
                    format!("{g}/{}/{}", s(&p["kind"]), s(&p["name"]))
                }
            } else {
                "<none>".into()
            };
            vec![
                name,
                json!(s(&obj["spec"]["controller"])),
                json!(params),
                age,
            ]
        }
        Ingresses => {
            let rules = obj["spec"]["rules"].as_array().cloned().unwrap_or_default();
            let hosts: Vec<String> = rules
                .iter()
                .map(|r| {
                    let h = s(&r["host"]);
                    if h.is_empty() {
                        "*".to_string()
                    } else {
                        h.to_string()
                    }
                })
                .collect();
            let total = hosts.len();
            let hosts = if hosts.is_empty() {
                "*".to_string()
            } else {
                with_more(hosts.into_iter().take(4).collect(), total, 4, "*")
            };
            let address: Vec<String> = obj["status"]["loadBalancer"]["ingress"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|i| {
                            let ip = s(&i["ip"]);
                            if ip.is_empty() {
                                s(&i["hostname"]).to_string()
                            } else {
                                ip.to_string()
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            let ports = if obj["spec"]["tls"].as_array().is_some_and(|t| !t.is_empty()) {
                "80, 443"
            } else {
                "80"
            };
            vec![
                name,
                json!(or_none(s(&obj["spec"]["ingressClassName"]))),
                json!(hosts),
                json!(address.join(",")),
                json!(ports),
                age,
            ]
        }
        NetworkPolicies => vec![
            name,
            json!(selector_string(&obj["spec"]["podSelector"])),
            age,
        ],
        RuntimeClasses => vec![name, json!(s(&obj["handler"])), age],
        RoleBindings | ClusterRoleBindings => vec![
            name,
            json!(format!(
                "{}/{}",
                s(&obj["roleRef"]["kind"]),
                s(&obj["roleRef"]["name"])
            )),
            age,
            json!(subjects(obj, "User")),
            json!(subjects(obj, "Group")),
            json!(subjects(obj, "ServiceAccount")),
        ],
        PriorityClasses => vec![
            name,
            json!(int(&obj["value"])),
            json!(obj["globalDefault"].as_bool().unwrap_or(false)),
            age,
            json!(obj["preemptionPolicy"]
                .as_str()
                .unwrap_or("PreemptLowerPriority")),
        ],
        CsiDrivers => {
            let spec = &obj["spec"];
            let tokens: Vec<&str> = spec["tokenRequests"]
                .as_array()
                .map(|a| a.iter().map(|t| s(&t["audience"])).collect())
                .unwrap_or_default();
            let modes: Vec<&str> = spec["volumeLifecycleModes"]
                .as_array()
                .map(|a| a.iter().map(s).collect())
                .unwrap_or_else(|| vec!["Persistent"]);
            vec![
                name,
                json!(spec["attachRequired"].as_bool().unwrap_or(true)),
                json!(spec["podInfoOnMount"].as_bool().unwrap_or(false)),
                json!(spec["storageCapacity"].as_bool().unwrap_or(false)),
                json!(if tokens.is_empty() {
                    "<unset>".to_string()
                } else {
                    tokens.join(",")
                }),
                json!(spec["requiresRepublish"].as_bool().unwrap_or(false)),
                json!(modes.join(",")),
                age,
            ]
        }
        CsiNodes => vec![name, json!(len_of(&obj["spec"]["drivers"])), age],
        CsiStorageCapacities => vec![
            name,
            json!(s(&obj["storageClassName"])),
            json!(unset(s(&obj["capacity"]))),
        ],
        StorageClasses => {
            let default = obj["metadata"]["annotations"]
                ["storageclass.kubernetes.io/is-default-class"]
                == "true"
                || obj["metadata"]["annotations"]
                    ["storageclass.beta.kubernetes.io/is-default-class"]
                    == "true";
            let n = s(&obj["metadata"]["name"]);
            vec![
                json!(if default {
                    format!("{n} (default)")
                } else {
                    n.to_string()
                }),
                json!(s(&obj["provisioner"])),
                json!(obj["reclaimPolicy"].as_str().unwrap_or("Delete")),
                json!(obj["volumeBindingMode"].as_str().unwrap_or("Immediate")),
                json!(obj["allowVolumeExpansion"]
                    .as_bool()
                    .unwrap_or(false)
                    .to_string()),
                age,
            ]
        }
        VolumeAttachments => vec![
            name,
            json!(s(&obj["spec"]["attacher"])),
            json!(s(&obj["spec"]["source"]["persistentVolumeName"])),
            json!(s(&obj["spec"]["nodeName"])),
            json!(obj["status"]["attached"].as_bool().unwrap_or(false)),
            age,
        ],
        _ => vec![name, obj["metadata"]["creationTimestamp"].clone()],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        "2024-12-12T07:00:00Z".parse().unwrap()
    }

    #[test]
    fn services_print_as_kubectl_shows_them() {
        let svc = json!({"metadata": {"name": "kubernetes", "creationTimestamp": "2024-12-12T06:00:00Z"},
            "spec": {"type": "ClusterIP", "clusterIP": "172.20.0.1", "ports": [{"port": 443, "protocol": "TCP"}]}});
        let c = cells(Res::Services, &svc, now());
        assert_eq!(c[1], "ClusterIP");
        assert_eq!(c[2], "172.20.0.1");
        assert_eq!(c[3], "<none>");
        assert_eq!(c[4], "443/TCP");
        assert_eq!(c[5], "60m");
        let lb = json!({"metadata": {"name": "web"}, "spec": {"type": "LoadBalancer", "clusterIP": "172.20.9.9",
            "ports": [{"port": 80, "nodePort": 30080, "protocol": "TCP"}]}});
        let c = cells(Res::Services, &lb, now());
        assert_eq!(
            (c[3].as_str(), c[4].as_str()),
            (Some("<pending>"), Some("80:30080/TCP"))
        );
    }

    #[test]
    fn workloads_and_bindings() {
        let job = json!({"metadata": {"name": "pi"}, "spec": {"completions": 1, "template": {"spec": {"containers": [{"name": "pi", "image": "perl"}]}}},
            "status": {"succeeded": 1, "startTime": "2024-12-12T06:59:00Z", "completionTime": "2024-12-12T06:59:30Z",
                       "conditions": [{"type": "Complete", "status": "True"}]}});
        let c = cells(Res::Jobs, &job, now());
        assert_eq!(
            (c[1].as_str(), c[2].as_str(), c[3].as_str()),
            (Some("Complete"), Some("1/1"), Some("30s"))
        );
        let rb = json!({"metadata": {"name": "x"}, "roleRef": {"kind": "ClusterRole", "name": "view"},
            "subjects": [{"kind": "ServiceAccount", "name": "default", "namespace": "team"}, {"kind": "User", "name": "alice"}]});
        let c = cells(Res::RoleBindings, &rb, now());
        assert_eq!(c[1], "ClusterRole/view");
        assert_eq!(c[3], "alice");
        assert_eq!(c[5], "team/default");
        let ep = json!({"metadata": {"name": "kubernetes"}, "subsets": [{"addresses": [{"ip": "10.0.1.1"}, {"ip": "10.0.2.2"}], "ports": [{"port": 443}]}]});
        assert_eq!(
            cells(Res::Endpoints, &ep, now())[1],
            "10.0.1.1:443,10.0.2.2:443"
        );
        let role = json!({"metadata": {"name": "r", "creationTimestamp": "2024-12-12T06:00:00Z"}});
        assert_eq!(cells(Res::Roles, &role, now())[1], "2024-12-12T06:00:00Z");
        let hpa = json!({"metadata": {"name": "php-apache"}, "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "php-apache"},
            "minReplicas": 1, "maxReplicas": 10, "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 50}}}]}});
        let c = cells(Res::HorizontalPodAutoscalers, &hpa, now());
        assert_eq!(c[2], "cpu: <unknown>/50%");
    }
}
