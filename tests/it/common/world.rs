//! Reading the emulator's world directly (its object store), for what no client shows at the
//! instant a test needs it: under the manual clock nothing moves while a test looks.

use std::collections::BTreeMap;

use eksauto_sim::store::Res;
use eksauto_sim::world::lock;
use eksauto_sim::SimHandle;
use serde_json::Value;

/// The object `ns/name` of kind `res` as the store holds it now.
pub fn object(sim: &SimHandle, res: Res, ns: &str, name: &str) -> Option<Value> {
    lock(&sim.world)
        .kube
        .get(res, ns, name)
        .map(|v| (*v).clone())
}

/// The names of the objects of kind `res` (in namespace `ns`, or all).
pub fn store_names(sim: &SimHandle, res: Res, ns: Option<&str>) -> Vec<String> {
    lock(&sim.world)
        .kube
        .list(res, ns)
        .iter()
        .map(|o| o["metadata"]["name"].as_str().unwrap().to_string())
        .collect()
}

/// Whether an object's (pod's, node's) conditions say Ready.
pub fn says_ready(object: &Value) -> bool {
    object["status"]["conditions"].as_array().is_some_and(|cs| {
        cs.iter()
            .any(|c| c["type"] == "Ready" && c["status"] == "True")
    })
}

/// name → resourceVersion of the myapp pods and of the nodes in the store: what watchers must
/// have seen once they caught up.
pub fn myapp_and_node_versions(
    sim: &SimHandle,
) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
    let w = lock(&sim.world);
    let entry = |v: &Value| {
        (
            v["metadata"]["name"].as_str().unwrap().to_string(),
            v["metadata"]["resourceVersion"]
                .as_str()
                .unwrap_or("")
                .to_string(),
        )
    };
    let pods = w
        .kube
        .list(Res::Pods, Some("default"))
        .iter()
        .filter(|p| p["metadata"]["labels"]["app"] == "myapp")
        .map(|p| entry(p))
        .collect();
    let nodes = w.kube.iter(Res::Nodes).map(|n| entry(n)).collect();
    (pods, nodes)
}
