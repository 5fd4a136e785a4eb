//! What the API server does to an object on create before storing it: defaulted fields, status
//! reset for kinds whose status belongs to a controller, and the few validations clients rely on.

use serde_json::{json, Value};

use crate::store::Res;

fn set_default(obj: &mut Value, key: &str, v: Value) {
    if obj.is_object() && obj[key].is_null() {
        obj[key] = v;
    }
}

/// Checks and defaults an object about to be created; `Err` carries the Invalid message.
pub fn prepare_create(res: Res, obj: &mut Value) -> Result<(), String> {
    match res {
        Res::Pods => {
            let spec = &mut obj["spec"];
            if spec["containers"].as_array().is_none_or(Vec::is_empty) {
                return Err("spec.containers: Required value".into());
            }
            pod_spec_defaults(spec);
            obj["status"] = json!({"phase": "Pending", "qosClass": qos_class(&obj["spec"])});
        }
        Res::Deployments | Res::ReplicaSets => {
            let labels = obj["spec"]["template"]["metadata"]["labels"].clone();
            let spec = &mut obj["spec"];
            if !spec["selector"].is_object() {
                return Err("spec.selector: Required value".into());
            }
            if let Some(m) = spec["selector"]["matchLabels"].as_object() {
                if m.iter().any(|(k, v)| labels[k] != *v) {
                    return Err(
                        "spec.template.metadata.labels: Invalid value: `selector` does not match template `labels`"
                            .into(),
                    );
                }
            }
            if spec["template"]["spec"]["containers"]
                .as_array()
                .is_none_or(Vec::is_empty)
            {
                return Err("spec.template.spec.containers: Required value".into());
            }
            set_default(spec, "replicas", json!(1));
            set_default(spec, "revisionHistoryLimit", json!(10));
            if res == Res::Deployments {
                set_default(spec, "progressDeadlineSeconds", json!(600));
                set_default(
                    spec,
                    "strategy",
                    json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}}),
                );
            }
            pod_spec_defaults(&mut spec["template"]["spec"]);
            obj["status"] = json!({});
        }
        Res::PodDisruptionBudgets => {
            let spec = &obj["spec"];
            if !spec["minAvailable"].is_null() && !spec["maxUnavailable"].is_null() {
                return Err(
                    "spec: Invalid value: minAvailable and maxUnavailable cannot be both set"
                        .into(),
                );
            }
            obj["status"] = json!({"disruptionsAllowed": 0, "currentHealthy": 0, "desiredHealthy": 0, "expectedPods": 0});
        }
        Res::Namespaces => {
            let name = obj["metadata"]["name"].clone();
            if !obj["metadata"]["labels"].is_object() {
                obj["metadata"]["labels"] = json!({});
            }
            obj["metadata"]["labels"]["kubernetes.io/metadata.name"] = name;
            obj["spec"] = json!({"finalizers": ["kubernetes"]});
            obj["status"] = json!({"phase": "Active"});
        }
        Res::NodePools | Res::NodeClaims | Res::NodeClasses => {
            if let Some(m) = obj.as_object_mut() {
                m.remove("status");
            }
        }
        Res::Nodes | Res::Events | Res::Leases => {}
        other => super::builtins::prepare_create(other, obj)?,
    }
    Ok(())
}

fn pod_spec_defaults(spec: &mut Value) {
    set_default(spec, "restartPolicy", json!("Always"));
    set_default(spec, "terminationGracePeriodSeconds", json!(30));
    set_default(spec, "dnsPolicy", json!("ClusterFirst"));
    set_default(spec, "schedulerName", json!("default-scheduler"));
    set_default(spec, "securityContext", json!({}));
    if let Some(containers) = spec["containers"].as_array_mut() {
        for c in containers {
            let image = c["image"].as_str().unwrap_or("");
            let tagged = image
                .rsplit('/')
                .next()
                .is_some_and(|last| last.contains(':') || last.contains('@'));
            let latest = !tagged || image.ends_with(":latest");
            set_default(
                c,
                "imagePullPolicy",
                json!(if latest { "Always" } else { "IfNotPresent" }),
            );
            set_default(c, "resources", json!({}));
            set_default(c, "terminationMessagePath", json!("/dev/termination-log"));
            set_default(c, "terminationMessagePolicy", json!("File"));
        }
    }
}

/// BestEffort, Burstable or Guaranteed, from the containers' requests and limits.
fn qos_class(spec: &Value) -> &'static str {
    let containers = spec["containers"].as_array().cloned().unwrap_or_default();
    let mut any = false;
    let mut guaranteed = true;
    for c in &containers {
        let req = &c["resources"]["requests"];
        let lim = &c["resources"]["limits"];
        for r in ["cpu", "memory"] {
            if !req[r].is_null() || !lim[r].is_null() {
                any = true;
            }
            let request = if req[r].is_null() { &lim[r] } else { &req[r] };
            if lim[r].is_null() || request != &lim[r] {
                guaranteed = false;
            }
        }
    }
    if !any {
        "BestEffort"
    } else if guaranteed {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

/// Kinds whose `status` is written only through the `/status` subresource.
pub fn has_status_subresource(res: Res) -> bool {
    res.info().has_status()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pods_are_defaulted_and_pending() {
        let mut pod = json!({"metadata": {"name": "nginx"}, "spec": {"containers": [{"name": "nginx", "image": "nginx"}]}, "status": {"phase": "Running"}});
        prepare_create(Res::Pods, &mut pod).unwrap();
        assert_eq!(pod["status"]["phase"], "Pending");
        assert_eq!(pod["status"]["qosClass"], "BestEffort");
        assert_eq!(pod["spec"]["containers"][0]["imagePullPolicy"], "Always");
        let mut bad = json!({"metadata": {"name": "x"}, "spec": {}});
        assert!(prepare_create(Res::Pods, &mut bad).is_err());
    }

    #[test]
    fn deployments_need_a_matching_selector() {
        let mut d = json!({"spec": {"selector": {"matchLabels": {"app": "a"}},
            "template": {"metadata": {"labels": {"app": "b"}}, "spec": {"containers": [{"name": "c", "image": "i:1"}]}}}});
        assert!(prepare_create(Res::Deployments, &mut d).is_err());
        d["spec"]["template"]["metadata"]["labels"]["app"] = json!("a");
        prepare_create(Res::Deployments, &mut d).unwrap();
        assert_eq!(d["spec"]["replicas"], 1);
    }
}
