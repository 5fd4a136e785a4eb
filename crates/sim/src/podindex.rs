//! A compact index of the store's pods, kept with every write: for each pod the few facts the
//! controllers filter pods by (node, controller, deletion, phase, readiness, requests), and the
//! pods carrying each label. A controller walks these facts instead of 100,000 JSON objects and
//! reads the objects of the pods it picked; the facts are taken from the object at each write, so
//! they always say what the object says.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use jiff::Timestamp;
use serde_json::Value;

use super::engine::catalog::Resources;
use super::engine::pods::{is_daemon, is_ready, is_terminal, is_terminating, node_name, requests};
use super::engine::util::{controller_uid, deletion};

/// Key of a pod: (namespace, name).
type Key = (String, String);

/// What controllers ask of a pod without reading it.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    /// `spec.nodeName` (unset when empty).
    pub node: Option<String>,
    /// The uid of the controlling owner reference.
    pub owner_uid: Option<String>,
    /// `metadata.deletionTimestamp` is set; `deletion` is its time when it parses.
    pub terminating: bool,
    pub deletion: Option<Timestamp>,
    /// Succeeded or Failed.
    pub terminal: bool,
    /// The Ready condition is True.
    pub ready: bool,
    /// Owned by a DaemonSet.
    pub daemon: bool,
    /// Left to the default scheduler (`spec.schedulerName` unset or `default-scheduler`).
    pub default_scheduler: bool,
    /// The sum of its containers' requests, and one pod slot.
    pub requests: Resources,
}

impl Facts {
    pub fn of(pod: &Value) -> Facts {
        Facts {
            node: node_name(pod).map(str::to_string),
            owner_uid: controller_uid(pod).map(str::to_string),
            terminating: is_terminating(pod),
            deletion: deletion(pod),
            terminal: is_terminal(pod),
            ready: is_ready(pod),
            daemon: is_daemon(pod),
            default_scheduler: pod["spec"]["schedulerName"]
                .as_str()
                .is_none_or(|s| s == "default-scheduler"),
            requests: requests(pod),
        }
    }
}

/// (namespace, label key, label value).
type LabelKey = (String, String, String);

#[derive(Default)]
pub struct PodIndex {
    all: BTreeMap<Key, (Arc<Value>, Facts)>,
    by_label: HashMap<LabelKey, BTreeSet<Key>>,
}

fn label_pairs(pod: &Value) -> impl Iterator<Item = (&str, &str)> {
    pod["metadata"]["labels"]
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| v.as_str().map(|v| (k.as_str(), v)))
}

impl PodIndex {
    /// Records that the pod at `key` is now `pod` (`None`: it was deleted).
    pub fn write(&mut self, key: &Key, pod: Option<&Arc<Value>>) {
        let old = match (pod, self.all.get_mut(key)) {
            (Some(p), Some(entry)) => Some(std::mem::replace(entry, (p.clone(), Facts::of(p))).0),
            (Some(p), None) => {
                self.all.insert(key.clone(), (p.clone(), Facts::of(p)));
                None
            }
            (None, _) => self.all.remove(key).map(|(o, _)| o),
        };
        let old_labels = old.as_ref().map(|o| &o["metadata"]["labels"]);
        let new_labels = pod.map(|p| &p["metadata"]["labels"]);
        if old_labels == new_labels {
            return;
        }
        if let Some(o) = &old {
            for (k, v) in label_pairs(o) {
                let lk = (key.0.clone(), k.to_string(), v.to_string());
                if let Some(set) = self.by_label.get_mut(&lk) {
                    set.remove(key);
                    if set.is_empty() {
                        self.by_label.remove(&lk);
                    }
                }
            }
        }
        if let Some(p) = pod {
            for (k, v) in label_pairs(p) {
                self.by_label
                    .entry((key.0.clone(), k.to_string(), v.to_string()))
                    .or_default()
                    .insert(key.clone());
            }
        }
    }

    /// Every pod with its facts, in key order (the order of the store's table).
    pub fn iter(&self) -> impl Iterator<Item = (&Arc<Value>, &Facts)> {
        self.all.values().map(|(p, f)| (p, f))
    }

    /// The facts of one pod.
    pub fn facts(&self, key: &Key) -> Option<&Facts> {
        self.all.get(key).map(|(_, f)| f)
    }

    /// The pods of `namespace` labelled `key=value`, in key order.
    pub fn labelled(&self, namespace: &str, key: &str, value: &str) -> Vec<Arc<Value>> {
        let lk = (namespace.to_string(), key.to_string(), value.to_string());
        self.by_label
            .get(&lk)
            .into_iter()
            .flatten()
            .filter_map(|k| self.all.get(k).map(|(p, _)| p.clone()))
            .collect()
    }

    /// How many pods of `namespace` are labelled `key=value`.
    pub fn count_labelled(&self, namespace: &str, key: &str, value: &str) -> usize {
        let lk = (namespace.to_string(), key.to_string(), value.to_string());
        self.by_label.get(&lk).map_or(0, BTreeSet::len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_index_follows_every_write() {
        let mut ix = PodIndex::default();
        let key = ("ns".to_string(), "web-1".to_string());
        let pod = Arc::new(json!({"metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"resources": {"requests": {"cpu": "250m"}}}]}}));
        ix.write(&key, Some(&pod));
        let f = ix.facts(&key).unwrap();
        assert_eq!(
            (f.node.as_deref(), f.requests.cpu_m, f.ready),
            (None, 250, false)
        );
        assert_eq!(ix.labelled("ns", "app", "web").len(), 1);
        let bound = Arc::new(json!({"metadata": {"labels": {"app": "db"}},
            "spec": {"nodeName": "n1"}, "status": {"phase": "Succeeded"}}));
        ix.write(&key, Some(&bound));
        let f = ix.facts(&key).unwrap();
        assert_eq!((f.node.as_deref(), f.terminal), (Some("n1"), true));
        assert_eq!(ix.count_labelled("ns", "app", "web"), 0);
        assert_eq!(ix.count_labelled("ns", "app", "db"), 1);
        ix.write(&key, None);
        assert!(ix.facts(&key).is_none());
        assert_eq!(ix.count_labelled("ns", "app", "db"), 0);
        assert_eq!(ix.iter().count(), 0);
    }
}
