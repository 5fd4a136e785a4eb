//! Server-side printing: `meta.k8s.io/v1` Tables for kubectl, with the columns the API server's
//! printers (and the CRDs' additionalPrinterColumns) define, and cells computed as the API server
//! computes them. Ages are measured against the emulator's virtual clock.

use jiff::Timestamp;
use serde_json::{json, Value};

use crate::store::Res;

/// One column definition.
pub(super) struct Col {
    pub name: &'static str,
    pub ty: &'static str,
    pub format: &'static str,
    pub priority: u8,
    pub description: &'static str,
}

pub(super) const fn col(
    name: &'static str,
    ty: &'static str,
    priority: u8,
    description: &'static str,
) -> Col {
    Col {
        name,
        ty,
        format: "",
        priority,
        description,
    }
}

pub(super) const NAME: Col = Col {
    name: "Name",
    ty: "string",
    format: "name",
    priority: 0,
    description: "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names",
};

pub(super) const AGE: Col = col(
    "Age",
    "string",
    0,
    "CreationTimestamp is a timestamp representing the server time when this object was created.",
);

/// CRD printer columns: `date` columns are typed "date" as the CRD says.
const CRD_AGE: Col = col(
    "Age",
    "date",
    0,
    "CreationTimestamp is a timestamp representing the server time when this object was created.",
);

fn columns(res: Res) -> Vec<Col> {
    match res {
        Res::Pods => vec![
            NAME,
            col("Ready", "string", 0, "The aggregate readiness state of this pod for accepting traffic."),
            col("Status", "string", 0, "The aggregate status of the containers in this pod."),
            col("Restarts", "string", 0, "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
            AGE,
            col("IP", "string", 1, "IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated."),
            col("Node", "string", 1, "NodeName is a request to schedule this pod onto a specific node."),
            col("Nominated Node", "string", 1, "nominatedNodeName is set only when this pod preempts other pods on the node."),
            col("Readiness Gates", "string", 1, "If specified, all readiness gates will be evaluated for pod readiness."),
        ],
        Res::Nodes => vec![
            NAME,
            col("Status", "string", 0, "The status of the node"),
            col("Roles", "string", 0, "The roles of the node"),
            AGE,
            col("Version", "string", 0, "Kubelet Version reported by the node."),
            col("Internal-IP", "string", 1, "List of addresses reachable to the node. Queried from cloud provider, if available."),
            col("External-IP", "string", 1, "List of addresses reachable to the node. Queried from cloud provider, if available."),
            col("OS-Image", "string", 1, "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy))."),
            col("Kernel-Version", "string", 1, "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64)."),
            col("Container-Runtime", "string", 1, "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2)."),
        ],
        Res::Namespaces => vec![
            NAME,
            col("Status", "string", 0, "The status of the namespace"),
            AGE,
        ],
        Res::Events => vec![
            col("Last Seen", "string", 0, "The time at which the most recent occurrence of this event was recorded."),
            col("Type", "string", 0, "Type of this event (Normal, Warning), new types could be added in the future"),
            col("Reason", "string", 0, "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
            col("Object", "string", 0, "The object that this event is about."),
            col("Subobject", "string", 1, "If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement."),
            col("Source", "string", 1, "The component reporting this event. Should be a short machine understandable string."),
            col("Message", "string", 0, "A human-readable description of the status of this operation."),
            col("First Seen", "string", 1, "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)"),
            col("Count", "string", 1, "The number of times this event has occurred."),
            Col { priority: 1, ..NAME },
        ],
        Res::Leases => vec![
            NAME,
            col("Holder", "string", 0, "holderIdentity contains the identity of the holder of a current lease."),
            AGE,
        ],
        Res::Deployments => vec![
            NAME,
            col("Ready", "string", 0, "Number of the pod with ready state"),
            col("Up-to-date", "string", 0, "Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
            col("Available", "string", 0, "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."),
            AGE,
            col("Containers", "string", 1, "Names of each container in the template."),
            col("Images", "string", 1, "Images referenced by each container in the template."),
            col("Selector", "string", 1, "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment."),
        ],
        Res::ReplicaSets => vec![
            NAME,
            col("Desired", "integer", 0, "Replicas is the number of desired replicas."),
            col("Current", "integer", 0, "Replicas is the most recently observed number of replicas."),
            col("Ready", "integer", 0, "The number of ready replicas for this replica set."),
            AGE,
            col("Containers", "string", 1, "Names of each container in the template."),
            col("Images", "string", 1, "Images referenced by each container in the template."),
            col("Selector", "string", 1, "Selector is a label query over pods that should match the replica count."),
        ],
        Res::PodDisruptionBudgets => vec![
            NAME,
            col("Min Available", "string", 0, "The minimum number of pods that must be available simultaneously.  This can be either an integer or a string specifying a percentage, e.g. \"28%\"."),
            col("Max Unavailable", "string", 0, "The maximum number of pods that may be unavailable simultaneously.  This can be either an integer or a string specifying a percentage, e.g. \"28%\"."),
            col("Allowed Disruptions", "integer", 0, "Number of pod disruptions that are currently allowed."),
            AGE,
        ],
        Res::NodePools => vec![
            NAME,
            col("NodeClass", "string", 0, ""),
            col("Nodes", "string", 0, ""),
            col("Ready", "string", 0, ""),
            CRD_AGE,
            col("Weight", "integer", 1, ""),
            col("CPU", "string", 1, ""),
            col("Memory", "string", 1, ""),
        ],
        Res::NodeClaims => vec![
            NAME,
            col("Type", "string", 0, ""),
            col("Capacity", "string", 0, ""),
            col("Zone", "string", 0, ""),
            col("Node", "string", 0, ""),
            col("Ready", "string", 0, ""),
            CRD_AGE,
            col("ImageID", "string", 1, ""),
            col("ID", "string", 1, ""),
            col("NodePool", "string", 1, ""),
            col("NodeClass", "string", 1, ""),
            col("Drifted", "string", 1, ""),
        ],
        Res::NodeClasses => vec![
            NAME,
            col("Role", "string", 0, ""),
            col("Ready", "string", 0, ""),
            CRD_AGE,
        ],
        other => super::printers::columns(other),
    }
}

/// The `columnDefinitions` array of a Table for `res`.
pub fn column_definitions(res: Res) -> Value {
    Value::Array(
        columns(res)
            .iter()
            .map(|c| {
                json!({
                    "name": c.name,
                    "type": c.ty,
                    "format": c.format,
                    "description": c.description,
                    "priority": c.priority,
                })
            })
            .collect(),
    )
}

/// kubectl's / the API server's human-readable duration (`5s`, `8m4s`, `96m`, `3h5m`, `2d3h`...).
pub fn human_duration(seconds: i64) -> String {
    if seconds < -1 {
        return "<invalid>".into();
    }
    if seconds < 0 {
        return "0s".into();
    }
    if seconds < 60 * 2 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 10 {
        let s = seconds % 60;
        return if s == 0 {
            format!("{minutes}m")
        } else {
            format!("{minutes}m{s}s")
        };
    }
    if minutes < 60 * 3 {
        return format!("{minutes}m");
    }
    let hours = minutes / 60;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 {
            format!("{hours}h")
        } else {
            format!("{hours}h{m}m")
        };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let h = hours % 24;
        return if h == 0 {
            format!("{}d", hours / 24)
        } else {
            format!("{}d{h}h", hours / 24)
        };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let dy = (hours / 24) % 365;
        return if dy == 0 {
            format!("{}y", hours / 24 / 365)
        } else {
            format!("{}y{dy}d", hours / 24 / 365)
        };
    }
    format!("{}y", hours / 24 / 365)
}

/// Age of a timestamp field (RFC 3339) at `now`; `<unknown>` when absent.
pub(super) fn since(ts: &Value, now: Timestamp) -> String {
    match ts.as_str().and_then(|s| s.parse::<Timestamp>().ok()) {
        Some(t) => human_duration(now.as_second() - t.as_second()),
        None => "<unknown>".into(),
    }
}

pub(super) fn s(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

pub(super) fn or_none(v: &str) -> String {
    if v.is_empty() {
        "<none>".into()
    } else {
        v.to_string()
    }
}

/// A label/field or int-or-string value rendered as text.
pub(super) fn int_or_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

pub(super) fn int(v: &Value) -> i64 {
    v.as_i64().unwrap_or(0)
}

pub(super) fn condition_status<'a>(obj: &'a Value, ty: &str) -> Option<&'a str> {
    obj["status"]["conditions"]
        .as_array()?
        .iter()
        .find(|c| c["type"] == ty)
        .and_then(|c| c["status"].as_str())
}

/// A CRD column: the value, or null when the path is absent (kubectl prints `<none>`).
fn crd(v: &Value) -> Value {
    match v {
        Value::Null => Value::Null,
        Value::String(_) | Value::Number(_) | Value::Bool(_) => v.clone(),
        other => Value::String(other.to_string()),
    }
}

fn crd_cond(obj: &Value, ty: &str) -> Value {
    condition_status(obj, ty).map_or(Value::Null, |s| json!(s))
}

pub(super) fn selector_string(sel: &Value) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(m) = sel["matchLabels"].as_object() {
        for (k, v) in m {
            parts.push(format!("{k}={}", s(v)));
        }
    }
    if let Some(exprs) = sel["matchExpressions"].as_array() {
        for e in exprs {
            let key = s(&e["key"]);
            let values: Vec<&str> = e["values"]
                .as_array()
                .map(|a| a.iter().map(s).collect())
                .unwrap_or_default();
            match s(&e["operator"]) {
                "In" => parts.push(format!("{key} in ({})", values.join(","))),
                "NotIn" => parts.push(format!("{key} notin ({})", values.join(","))),
                "Exists" => parts.push(key.to_string()),
                "DoesNotExist" => parts.push(format!("!{key}")),
                _ => {}
            }
        }
    }
    if parts.is_empty() {
        "<none>".into()
    } else {
        parts.join(",")
    }
}

pub(super) fn containers_and_images(template_spec: &Value) -> (String, String) {
    let containers = template_spec["containers"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let names: Vec<&str> = containers.iter().map(|c| s(&c["name"])).collect();
    let images: Vec<&str> = containers.iter().map(|c| s(&c["image"])).collect();
    (names.join(","), images.join(","))
}

fn pod_cells(pod: &Value, now: Timestamp) -> Vec<Value> {
    let total = pod["spec"]["containers"].as_array().map_or(0, Vec::len);
    let mut ready = 0;
    let mut restarts = 0;
    let mut reason = s(&pod["status"]["phase"]).to_string();
    if let Some(r) = pod["status"]["reason"].as_str().filter(|r| !r.is_empty()) {
        reason = r.to_string();
    }
    let mut has_running = false;
    let statuses = pod["status"]["containerStatuses"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for c in statuses.iter().rev() {
        restarts += int(&c["restartCount"]);
        let state = &c["state"];
        if let Some(r) = state["waiting"]["reason"]
            .as_str()
            .filter(|r| !r.is_empty())
        {
            reason = r.to_string();
        } else if let Some(r) = state["terminated"]["reason"]
            .as_str()
            .filter(|r| !r.is_empty())
        {
            reason = r.to_string();
        } else if state["terminated"].is_object() {
            let signal = int(&state["terminated"]["signal"]);
            reason = if signal != 0 {
                format!("Signal:{signal}")
            } else {
                format!("ExitCode:{}", int(&state["terminated"]["exitCode"]))
            };
        } else if c["ready"] == true && state["running"].is_object() {
            has_running = true;
            ready += 1;
        }
    }
    if reason == "Completed" && has_running {
        reason = if condition_status(pod, "Ready") == Some("True") {
            "Running".into()
        } else {
            "NotReady".into()
        };
    }
    let phase = s(&pod["status"]["phase"]);
    if !pod["metadata"]["deletionTimestamp"].is_null() {
        if pod["status"]["reason"] == "NodeLost" {
            reason = "Unknown".into();
        } else if phase != "Succeeded" && phase != "Failed" {
            reason = "Terminating".into();
        }
    }
    let ip = pod["status"]["podIPs"][0]["ip"]
        .as_str()
        .or(pod["status"]["podIP"].as_str())
        .unwrap_or("");
    let gates = pod["spec"]["readinessGates"].as_array().map_or(0, Vec::len);
    let gates = if gates == 0 {
        "<none>".to_string()
    } else {
        let true_gates = pod["spec"]["readinessGates"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|g| condition_status(pod, s(&g["conditionType"])) == Some("True"))
            .count();
        format!("{true_gates}/{gates}")
    };
    vec![
        json!(s(&pod["metadata"]["name"])),
        json!(format!("{ready}/{total}")),
        json!(reason),
        json!(restarts.to_string()),
        json!(since(&pod["metadata"]["creationTimestamp"], now)),
        json!(or_none(ip)),
        json!(or_none(s(&pod["spec"]["nodeName"]))),
        json!(or_none(s(&pod["status"]["nominatedNodeName"]))),
        json!(gates),
    ]
}

fn node_cells(node: &Value, now: Timestamp) -> Vec<Value> {
    let mut status = vec![match condition_status(node, "Ready") {
        Some("True") => "Ready".to_string(),
        Some(_) => "NotReady".to_string(),
        None => "Unknown".to_string(),
    }];
    if node["spec"]["unschedulable"] == true {
        status.push("SchedulingDisabled".into());
    }
    let mut roles: Vec<String> = Vec::new();
    if let Some(labels) = node["metadata"]["labels"].as_object() {
        for (k, v) in labels {
            if let Some(role) = k.strip_prefix("node-role.kubernetes.io/") {
                if !role.is_empty() {
                    roles.push(role.into());
                }
            } else if k == "kubernetes.io/role" && !s(v).is_empty() {
                roles.push(s(v).into());
            }
        }
    }
    roles.sort();
    roles.dedup();
    let address = |ty: &str| {
        node["status"]["addresses"]
            .as_array()
            .and_then(|a| a.iter().find(|x| x["type"] == ty))
            .map(|x| s(&x["address"]).to_string())
            .unwrap_or_else(|| "<none>".into())
    };
    let info = &node["status"]["nodeInfo"];
    let unknown = |v: &Value| {
        let v = s(v);
        if v.is_empty() {
            "<unknown>".to_string()
        } else {
            v.to_string()
        }
    };
    vec![
        json!(s(&node["metadata"]["name"])),
        json!(status.join(",")),
        json!(if roles.is_empty() {
            "<none>".to_string()
        } else {
            roles.join(",")
        }),
        json!(since(&node["metadata"]["creationTimestamp"], now)),
        json!(s(&info["kubeletVersion"])),
        json!(address("InternalIP")),
        json!(address("ExternalIP")),
        json!(unknown(&info["osImage"])),
        json!(unknown(&info["kernelVersion"])),
        json!(unknown(&info["containerRuntimeVersion"])),
    ]
}

fn event_cells(ev: &Value, now: Timestamp) -> Vec<Value> {
    let last = [
        &ev["lastTimestamp"],
        &ev["eventTime"],
        &ev["metadata"]["creationTimestamp"],
    ]
    .into_iter()
    .find(|v| v.is_string())
    .cloned()
    .unwrap_or(Value::Null);
    let first = [
        &ev["firstTimestamp"],
        &ev["eventTime"],
        &ev["metadata"]["creationTimestamp"],
    ]
    .into_iter()
    .find(|v| v.is_string())
    .cloned()
    .unwrap_or(Value::Null);
    let count = ev["count"].as_i64().unwrap_or(1);
    let last_seen = if count > 1 {
        format!(
            "{} (x{count} over {})",
            since(&last, now),
            since(&first, now)
        )
    } else {
        since(&last, now)
    };
    let obj = &ev["involvedObject"];
    let source = {
        let c = s(&ev["source"]["component"]);
        let c = if c.is_empty() {
            s(&ev["reportingComponent"])
        } else {
            c
        };
        let h = s(&ev["source"]["host"]);
        if h.is_empty() {
            c.to_string()
        } else {
            format!("{c}, {h}")
        }
    };
    vec![
        json!(last_seen),
        json!(s(&ev["type"])),
        json!(s(&ev["reason"])),
        json!(format!(
            "{}/{}",
            s(&obj["kind"]).to_lowercase(),
            s(&obj["name"])
        )),
        json!(s(&obj["fieldPath"])),
        json!(source),
        json!(s(&ev["message"]).trim()),
        json!(since(&first, now)),
        json!(count.to_string()),
        json!(s(&ev["metadata"]["name"])),
    ]
}

fn cells(res: Res, obj: &Value, now: Timestamp) -> Vec<Value> {
    let name = json!(s(&obj["metadata"]["name"]));
    let age = json!(since(&obj["metadata"]["creationTimestamp"], now));
    match res {
        Res::Pods => pod_cells(obj, now),
        Res::Nodes => node_cells(obj, now),
        Res::Events => event_cells(obj, now),
        Res::Namespaces => vec![name, json!(s(&obj["status"]["phase"])), age],
        Res::Leases => vec![name, json!(s(&obj["spec"]["holderIdentity"])), age],
        Res::Deployments => {
            let (c, i) = containers_and_images(&obj["spec"]["template"]["spec"]);
            let st = &obj["status"];
            vec![
                name,
                json!(format!(
                    "{}/{}",
                    int(&st["readyReplicas"]),
                    obj["spec"]["replicas"].as_i64().unwrap_or(1)
                )),
                json!(int(&st["updatedReplicas"])),
                json!(int(&st["availableReplicas"])),
                age,
                json!(c),
                json!(i),
                json!(selector_string(&obj["spec"]["selector"])),
            ]
        }
        Res::ReplicaSets => {
            let (c, i) = containers_and_images(&obj["spec"]["template"]["spec"]);
            let st = &obj["status"];
            vec![
                name,
                json!(obj["spec"]["replicas"].as_i64().unwrap_or(1)),
                json!(int(&st["replicas"])),
                json!(int(&st["readyReplicas"])),
                age,
                json!(c),
                json!(i),
                json!(selector_string(&obj["spec"]["selector"])),
            ]
        }
        Res::PodDisruptionBudgets => vec![
            name,
            json!(int_or_string(&obj["spec"]["minAvailable"]).unwrap_or_else(|| "N/A".into())),
            json!(int_or_string(&obj["spec"]["maxUnavailable"]).unwrap_or_else(|| "N/A".into())),
            json!(int(&obj["status"]["disruptionsAllowed"])),
            age,
        ],
        Res::NodePools => vec![
            name,
            crd(&obj["spec"]["template"]["spec"]["nodeClassRef"]["name"]),
            crd(&obj["status"]["nodes"]),
            crd_cond(obj, "Ready"),
            age,
            crd(&obj["spec"]["weight"]),
            crd(&obj["status"]["resources"]["cpu"]),
            crd(&obj["status"]["resources"]["memory"]),
        ],
        Res::NodeClaims => {
            let labels = &obj["metadata"]["labels"];
            vec![
                name,
                crd(&labels["node.kubernetes.io/instance-type"]),
                crd(&labels["karpenter.sh/capacity-type"]),
                crd(&labels["topology.kubernetes.io/zone"]),
                crd(&obj["status"]["nodeName"]),
                crd_cond(obj, "Ready"),
                age,
                crd(&obj["status"]["imageID"]),
                crd(&obj["status"]["providerID"]),
                crd(&labels["karpenter.sh/nodepool"]),
                crd(&obj["spec"]["nodeClassRef"]["name"]),
                crd_cond(obj, "Drifted"),
            ]
        }
        Res::NodeClasses => vec![name, crd(&obj["spec"]["role"]), crd_cond(obj, "Ready"), age],
        other => super::printers::cells(other, obj, now),
    }
}

/// What each Table row carries besides its cells (`includeObject`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Include {
    None,
    Metadata,
    Object,
}

impl Include {
    pub fn parse(v: Option<&str>) -> Include {
        match v {
            Some("None") => Include::None,
            Some("Object") => Include::Object,
            _ => Include::Metadata,
        }
    }
}

/// One Table row for an object.
pub fn row(res: Res, obj: &Value, now: Timestamp, include: Include) -> Value {
    let mut row = json!({"cells": cells(res, obj, now)});
    match include {
        Include::None => {}
        Include::Metadata => {
            row["object"] = json!({
                "kind": "PartialObjectMetadata",
                "apiVersion": "meta.k8s.io/v1",
                "metadata": obj["metadata"],
            })
        }
        Include::Object => row["object"] = obj.clone(),
    }
    row
}

/// A Table; `columns` false leaves out the column definitions (later events of a watch).
pub fn table(
    res: Res,
    rows: Vec<Value>,
    resource_version: &str,
    cont: Option<&str>,
    columns: bool,
) -> Value {
    let mut meta = json!({"resourceVersion": resource_version});
    if let Some(c) = cont {
        meta["continue"] = json!(c);
    }
    json!({
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": meta,
        "columnDefinitions": if columns { column_definitions(res) } else { json!([]) },
        "rows": rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        "2024-12-12T07:00:00Z".parse().unwrap()
    }

    #[test]
    fn durations_like_kubectl() {
        assert_eq!(human_duration(5), "5s");
        assert_eq!(human_duration(119), "119s");
        assert_eq!(human_duration(484), "8m4s");
        assert_eq!(human_duration(480), "8m");
        assert_eq!(human_duration(97 * 60 + 3), "97m");
        assert_eq!(human_duration(3 * 3600 + 5 * 60), "3h5m");
        assert_eq!(human_duration(10 * 3600), "10h");
        assert_eq!(human_duration(2 * 86400 + 3 * 3600), "2d3h");
        assert_eq!(human_duration(20 * 86400), "20d");
        assert_eq!(human_duration(-1), "0s");
        assert_eq!(human_duration(-5), "<invalid>");
    }

    #[test]
    fn pod_status_as_kubectl_computes_it() {
        let mut pod = json!({
            "metadata": {"name": "web", "creationTimestamp": "2024-12-12T06:59:10Z"},
            "spec": {"containers": [{"name": "c"}], "nodeName": "i-1"},
            "status": {"phase": "Pending", "containerStatuses": [
                {"name": "c", "ready": false, "restartCount": 0, "state": {"waiting": {"reason": "ContainerCreating"}}}
            ]}
        });
        let c = cells(Res::Pods, &pod, now());
        assert_eq!(c[1], "0/1");
        assert_eq!(c[2], "ContainerCreating");
        assert_eq!(c[4], "50s");
        assert_eq!(c[6], "i-1");
        pod["status"] = json!({"phase": "Running", "podIP": "10.0.0.5", "containerStatuses": [
            {"name": "c", "ready": true, "restartCount": 0, "state": {"running": {}}}
        ]});
        let c = cells(Res::Pods, &pod, now());
        assert_eq!(
            (c[1].as_str(), c[2].as_str(), c[5].as_str()),
            (Some("1/1"), Some("Running"), Some("10.0.0.5"))
        );
        pod["metadata"]["deletionTimestamp"] = json!("2024-12-12T07:00:00Z");
        assert_eq!(cells(Res::Pods, &pod, now())[2], "Terminating");
        pod["status"] = json!({"phase": "Succeeded", "containerStatuses": [
            {"name": "c", "ready": false, "restartCount": 0, "state": {"terminated": {"reason": "Completed", "exitCode": 0}}}
        ]});
        assert_eq!(cells(Res::Pods, &pod, now())[2], "Completed");
        let pending = json!({"metadata": {"name": "p"}, "spec": {"containers": [{}]}, "status": {"phase": "Pending"}});
        assert_eq!(cells(Res::Pods, &pending, now())[2], "Pending");
        assert_eq!(cells(Res::Pods, &pending, now())[6], "<none>");
    }

    #[test]
    fn node_and_pdb_rows() {
        let node = json!({
            "metadata": {"name": "i-1", "creationTimestamp": "2024-12-12T06:59:55Z", "labels": {}},
            "spec": {"unschedulable": true},
            "status": {"conditions": [{"type": "Ready", "status": "True"}],
                       "nodeInfo": {"kubeletVersion": "v1.30.5-eks-baa6d11"},
                       "addresses": [{"type": "InternalIP", "address": "10.0.142.77"}]}
        });
        let c = cells(Res::Nodes, &node, now());
        assert_eq!(c[1], "Ready,SchedulingDisabled");
        assert_eq!(c[2], "<none>");
        assert_eq!(c[3], "5s");
        assert_eq!(c[4], "v1.30.5-eks-baa6d11");
        assert_eq!(c[5], "10.0.142.77");
        assert_eq!(c[6], "<none>");
        let pdb = json!({"metadata": {"name": "myapp"}, "spec": {"minAvailable": "80%"}, "status": {"disruptionsAllowed": 2}});
        let c = cells(Res::PodDisruptionBudgets, &pdb, now());
        assert_eq!(c[1], "80%");
        assert_eq!(c[2], "N/A");
        assert_eq!(c[3], 2);
    }

    #[test]
    fn every_kind_has_as_many_cells_as_columns() {
        let obj = json!({"metadata": {"name": "x"}});
        for &res in Res::all() {
            assert_eq!(cells(res, &obj, now()).len(), columns(res).len(), "{res:?}");
        }
    }
}
