//! Create-time defaults and checks for the built-in kinds the emulator stores without running a
//! controller for them (Services, Secrets, Jobs, CronJobs, DaemonSets, StatefulSets, HPAs,
//! volumes, Ingresses, RBAC, ...): the fields the API server fills in, the status it resets, and
//! the validations clients meet most often, with the API server's wording.

use serde_json::{json, Value};

use crate::engine::util::fnv64a;
use crate::store::Res;

fn set_default(obj: &mut Value, key: &str, v: Value) {
    if obj.is_object() && obj[key].is_null() {
        obj[key] = v;
    }
}

fn name_of(obj: &Value) -> String {
    format!(
        "{}/{}",
        obj["metadata"]["namespace"].as_str().unwrap_or("default"),
        obj["metadata"]["name"]
            .as_str()
            .or(obj["metadata"]["generateName"].as_str())
            .unwrap_or("")
    )
}

/// An address of the cluster's service CIDR (DescribeCluster's `serviceIpv4Cidr`, 172.20.0.0/16)
/// for a Service, stable for its namespace and name.
fn cluster_ip(obj: &Value) -> String {
    let h = fnv64a(name_of(obj).as_bytes());
    // 172.20.0.0/16 without .0.0-.0.255 (the kubernetes Service and DNS live there) and .255.255
    let host = 256 + (h % (65536 - 512)) as u32;
    format!("172.20.{}.{}", host >> 8, host & 0xff)
}

fn node_port(obj: &Value, i: usize) -> u32 {
    30000 + (fnv64a(format!("{}#{i}", name_of(obj)).as_bytes()) % 2768) as u32
}

/// Standard base64 (what `data` of a Secret holds).
pub fn base64(bytes: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = ((b[0] as u32) << 16) | ((b[1] as u32) << 8) | b[2] as u32;
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(A[((n >> shift) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `spec.selector` must be given and match the template's labels.
fn selector_matches_template(spec: &Value) -> Result<(), String> {
    if !spec["selector"].is_object() {
        return Err("spec.selector: Required value".into());
    }
    let labels = &spec["template"]["metadata"]["labels"];
    if let Some(m) = spec["selector"]["matchLabels"].as_object() {
        if m.iter().any(|(k, v)| labels[k] != *v) {
            return Err(
                "spec.template.metadata.labels: Invalid value: `selector` does not match template `labels`"
                    .into(),
            );
        }
    }
    containers_required(&spec["template"]["spec"], "spec.template.spec")
}

fn containers_required(pod_spec: &Value, path: &str) -> Result<(), String> {
    if pod_spec["containers"].as_array().is_none_or(Vec::is_empty) {
        return Err(format!("{path}.containers: Required value"));
    }
    Ok(())
}

fn reset_status(obj: &mut Value, status: Value) {
    obj["status"] = status;
}

/// Checks and defaults an object of a built-in kind about to be created.
pub fn prepare_create(res: Res, obj: &mut Value) -> Result<(), String> {
    match res {
        Res::Services => service(obj)?,
        Res::Secrets => {
            set_default(obj, "type", json!("Opaque"));
            if let Some(string_data) = obj
                .as_object_mut()
                .and_then(|m| m.remove("stringData"))
                .and_then(|v| v.as_object().cloned())
            {
                if !obj["data"].is_object() {
                    obj["data"] = json!({});
                }
                for (k, v) in string_data {
                    obj["data"][k] = json!(base64(v.as_str().unwrap_or("").as_bytes()));
                }
            }
        }
        Res::DaemonSets => {
            selector_matches_template(&obj["spec"])?;
            let spec = &mut obj["spec"];
            set_default(spec, "revisionHistoryLimit", json!(10));
            set_default(
                spec,
                "updateStrategy",
                json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}}),
            );
            reset_status(
                obj,
                json!({"currentNumberScheduled": 0, "desiredNumberScheduled": 0, "numberMisscheduled": 0, "numberReady": 0}),
            );
        }
        Res::StatefulSets => {
            selector_matches_template(&obj["spec"])?;
            let spec = &mut obj["spec"];
            set_default(spec, "replicas", json!(1));
            set_default(spec, "podManagementPolicy", json!("OrderedReady"));
            set_default(spec, "revisionHistoryLimit", json!(10));
            set_default(
                spec,
                "updateStrategy",
                json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}),
            );
            set_default(
                spec,
                "persistentVolumeClaimRetentionPolicy",
                json!({"whenDeleted": "Retain", "whenScaled": "Retain"}),
            );
            reset_status(obj, json!({"replicas": 0, "availableReplicas": 0}));
        }
        Res::ReplicationControllers => {
            containers_required(&obj["spec"]["template"]["spec"], "spec.template.spec")?;
            set_default(&mut obj["spec"], "replicas", json!(1));
            reset_status(obj, json!({"replicas": 0}));
        }
        Res::Jobs => {
            let template = &obj["spec"]["template"]["spec"];
            containers_required(template, "spec.template.spec")?;
            match template["restartPolicy"].as_str() {
                Some("OnFailure" | "Never") => {}
                other => {
                    return Err(format!(
                        "spec.template.spec.restartPolicy: Unsupported value: \"{}\": supported values: \"OnFailure\", \"Never\"",
                        other.unwrap_or("Always")
                    ))
                }
            }
            let spec = &mut obj["spec"];
            set_default(spec, "parallelism", json!(1));
            set_default(spec, "completions", json!(1));
            set_default(spec, "backoffLimit", json!(6));
            set_default(spec, "completionMode", json!("NonIndexed"));
            set_default(spec, "suspend", json!(false));
            set_default(spec, "podReplacementPolicy", json!("TerminatingOrFailed"));
            reset_status(obj, json!({}));
        }
        Res::CronJobs => {
            if obj["spec"]["schedule"].as_str().is_none_or(str::is_empty) {
                return Err("spec.schedule: Required value".into());
            }
            containers_required(
                &obj["spec"]["jobTemplate"]["spec"]["template"]["spec"],
                "spec.jobTemplate.spec.template.spec",
            )?;
            let spec = &mut obj["spec"];
            set_default(spec, "concurrencyPolicy", json!("Allow"));
            set_default(spec, "suspend", json!(false));
            set_default(spec, "successfulJobsHistoryLimit", json!(3));
            set_default(spec, "failedJobsHistoryLimit", json!(1));
            reset_status(obj, json!({}));
        }
        Res::HorizontalPodAutoscalers => {
            if obj["spec"]["scaleTargetRef"]["name"]
                .as_str()
                .is_none_or(str::is_empty)
            {
                return Err("spec.scaleTargetRef.name: Required value".into());
            }
            if obj["spec"]["maxReplicas"].as_i64().unwrap_or(0) < 1 {
                return Err(
                    "spec.maxReplicas: Invalid value: 0: must be greater than or equal to 1".into(),
                );
            }
            set_default(&mut obj["spec"], "minReplicas", json!(1));
            reset_status(obj, json!({"currentReplicas": 0, "desiredReplicas": 0}));
        }
        Res::PersistentVolumeClaims => {
            set_default(&mut obj["spec"], "volumeMode", json!("Filesystem"));
            reset_status(obj, json!({"phase": "Pending"}));
        }
        Res::PersistentVolumes => {
            set_default(
                &mut obj["spec"],
                "persistentVolumeReclaimPolicy",
                json!("Retain"),
            );
            set_default(&mut obj["spec"], "volumeMode", json!("Filesystem"));
            reset_status(obj, json!({"phase": "Available"}));
        }
        Res::StorageClasses => {
            if obj["provisioner"].as_str().is_none_or(str::is_empty) {
                return Err("provisioner: Required value".into());
            }
            set_default(obj, "reclaimPolicy", json!("Delete"));
            set_default(obj, "volumeBindingMode", json!("Immediate"));
        }
        Res::Ingresses => reset_status(obj, json!({"loadBalancer": {}})),
        Res::PriorityClasses => {
            if obj["value"].as_i64().is_none() {
                return Err("value: Required value".into());
            }
            set_default(obj, "preemptionPolicy", json!("PreemptLowerPriority"));
        }
        other if other.info().has_status() => reset_status(obj, json!({})),
        _ => {}
    }
    Ok(())
}

fn service(obj: &mut Value) -> Result<(), String> {
    if !obj["spec"].is_object() {
        obj["spec"] = json!({});
    }
    let ty = obj["spec"]["type"]
        .as_str()
        .unwrap_or("ClusterIP")
        .to_string();
    if !matches!(
        ty.as_str(),
        "ClusterIP" | "NodePort" | "LoadBalancer" | "ExternalName"
    ) {
        return Err(format!(
            "spec.type: Unsupported value: \"{ty}\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\""
        ));
    }
    let headless = obj["spec"]["clusterIP"] == "None";
    let ports_empty = obj["spec"]["ports"].as_array().is_none_or(Vec::is_empty);
    if ports_empty && !headless && ty != "ExternalName" {
        return Err("spec.ports: Required value".into());
    }
    let ip = if ty == "ExternalName" {
        None
    } else if let Some(given) = obj["spec"]["clusterIP"].as_str().filter(|s| !s.is_empty()) {
        Some(given.to_string())
    } else {
        Some(cluster_ip(obj))
    };
    let node_ports = matches!(ty.as_str(), "NodePort" | "LoadBalancer");
    let ports: Vec<Value> = obj["spec"]["ports"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(i, mut p)| {
            set_default(&mut p, "protocol", json!("TCP"));
            if p["targetPort"].is_null() {
                p["targetPort"] = p["port"].clone();
            }
            if node_ports && p["nodePort"].is_null() {
                p["nodePort"] = json!(node_port(obj, i));
            }
            p
        })
        .collect();
    let spec = &mut obj["spec"];
    spec["type"] = json!(ty);
    if !ports.is_empty() {
        spec["ports"] = json!(ports);
    }
    if let Some(ip) = ip {
        spec["clusterIP"] = json!(ip);
        spec["clusterIPs"] = json!([ip]);
        set_default(spec, "ipFamilies", json!(["IPv4"]));
        set_default(spec, "ipFamilyPolicy", json!("SingleStack"));
        set_default(spec, "internalTrafficPolicy", json!("Cluster"));
    }
    set_default(spec, "sessionAffinity", json!("None"));
    if node_ports {
        set_default(spec, "externalTrafficPolicy", json!("Cluster"));
    }
    if ty == "LoadBalancer" {
        set_default(spec, "allocateLoadBalancerNodePorts", json!(true));
    }
    obj["status"] = json!({"loadBalancer": {}});
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_as_the_standard_says() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"hello world"), "aGVsbG8gd29ybGQ=");
    }

    #[test]
    fn services_get_an_address_and_defaults() {
        let mut svc = json!({"metadata": {"name": "web", "namespace": "default"},
            "spec": {"type": "NodePort", "selector": {"app": "web"}, "ports": [{"port": 80}]}});
        prepare_create(Res::Services, &mut svc).unwrap();
        let ip = svc["spec"]["clusterIP"].as_str().unwrap();
        assert!(
            ip.starts_with("172.20.") && !ip.starts_with("172.20.0."),
            "{ip}"
        );
        assert_eq!(svc["spec"]["ports"][0]["targetPort"], 80);
        assert_eq!(svc["spec"]["ports"][0]["protocol"], "TCP");
        let np = svc["spec"]["ports"][0]["nodePort"].as_u64().unwrap();
        assert!((30000..=32767).contains(&np));
        let mut bad = json!({"metadata": {"name": "x"}, "spec": {}});
        assert_eq!(
            prepare_create(Res::Services, &mut bad).unwrap_err(),
            "spec.ports: Required value"
        );
    }

    #[test]
    fn secrets_jobs_and_cronjobs() {
        let mut s = json!({"metadata": {"name": "s"}, "stringData": {"k": "v"}});
        prepare_create(Res::Secrets, &mut s).unwrap();
        assert_eq!(s["type"], "Opaque");
        assert_eq!(s["data"]["k"], "dg==");
        assert!(s.get("stringData").is_none());
        let mut j = json!({"metadata": {"name": "j"}, "spec": {"template": {"spec": {
            "containers": [{"name": "c", "image": "busybox"}]}}}});
        assert!(prepare_create(Res::Jobs, &mut j)
            .unwrap_err()
            .contains("restartPolicy: Unsupported value: \"Always\""));
        j["spec"]["template"]["spec"]["restartPolicy"] = json!("Never");
        prepare_create(Res::Jobs, &mut j).unwrap();
        assert_eq!(j["spec"]["backoffLimit"], 6);
        let mut cj = json!({"metadata": {"name": "c"}, "spec": {}});
        assert_eq!(
            prepare_create(Res::CronJobs, &mut cj).unwrap_err(),
            "spec.schedule: Required value"
        );
    }
}
