//! The emulator's Kubernetes object store: objects as JSON (`Arc<Value>`, shared with the watch log),
//! one global resourceVersion counter as etcd has, a bounded log of watch events (older ones are
//! compacted away, which is what makes `410 Gone` real), a broadcast channel for live watchers,
//! the snapshots paged lists read from (`pins`: a continue token stays good for 5 minutes, as
//! on a real API server, however fast the log turns over), and an index of the pods' facts and
//! labels that controllers filter pods by (`podindex`).
//!
//! The store knows metadata (names, uids, resourceVersion, generation) and nothing about what the
//! objects mean: behaviour lives in `sim::engine`, HTTP in `sim::kube`.

use std::borrow::Cow;
use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use jiff::Timestamp;
use serde_json::{json, Value};
use tokio::sync::broadcast;

use super::pins::{Before, Pins};
use super::podindex::PodIndex;
use super::world::{rfc3339, Rng};

pub use super::kinds::{Res, ResInfo};

/// ADDED, MODIFIED or DELETED.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum EventType {
    Added,
    Modified,
    Deleted,
}

impl EventType {
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Added => "ADDED",
            EventType::Modified => "MODIFIED",
            EventType::Deleted => "DELETED",
        }
    }
}

/// One change to one object, as watchers see it.
#[derive(Debug)]
pub struct WatchEvent {
    pub rv: u64,
    pub res: Res,
    pub kind: EventType,
    /// The object after the change (for DELETED: as it was, with the deletion's resourceVersion).
    pub object: Arc<Value>,
    /// The object before the change (`None` for ADDED): what a list at an older
    /// resourceVersion shows, and what a filtered watch matches against to tell an object leaving
    /// its selection from one that was never in it, as the watch cache does.
    pub previous: Option<Arc<Value>>,
}

/// Why a write was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    #[error("{kind} \"{name}\" already exists")]
    AlreadyExists { kind: &'static str, name: String },
    #[error("{kind} \"{name}\" not found")]
    NotFound { kind: &'static str, name: String },
    #[error("{0}")]
    Invalid(String),
}

/// A watch asked for events that were compacted away: the oldest resourceVersion still known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Compacted {
    pub oldest: u64,
}

/// Key of an object inside one kind's table: (namespace, name); namespace is "" for cluster-scoped.
pub type Key = (String, String);

pub struct Store {
    rv: u64,
    tables: Vec<BTreeMap<Key, Arc<Value>>>,
    log: VecDeque<Arc<WatchEvent>>,
    log_capacity: usize,
    /// resourceVersion of the newest event dropped from the log: a watch from an older one gets 410.
    compacted_rv: u64,
    tx: broadcast::Sender<Arc<WatchEvent>>,
    rng: Rng,
    pins: Pins,
    pods: PodIndex,
}

impl Store {
    /// A store keeping the last `log_capacity` watch events; `seed` makes generated names and uids
    /// deterministic.
    pub fn new(log_capacity: usize, seed: u64) -> Self {
        let (tx, _) = broadcast::channel(log_capacity.max(1024));
        Store {
            rv: 1,
            tables: (0..Res::all().len()).map(|_| BTreeMap::new()).collect(),
            log: VecDeque::new(),
            log_capacity,
            compacted_rv: 0,
            tx,
            rng: Rng::new(seed),
            pins: Pins::default(),
            pods: PodIndex::default(),
        }
    }

    /// The current (newest) resourceVersion.
    pub fn rv(&self) -> u64 {
        self.rv
    }

    /// Watch events older than this resourceVersion are gone.
    pub fn compacted_rv(&self) -> u64 {
        self.compacted_rv
    }

    /// Forget every logged event (as an etcd compaction would): watches resuming from any
    /// resourceVersion before now get 410 Gone.
    pub fn compact_all(&mut self) {
        self.compacted_rv = self.rv;
        self.log.clear();
        self.pins.clear();
    }

    /// The pods' facts and labels, kept with every write.
    pub fn pods(&self) -> &PodIndex {
        &self.pods
    }

    /// Whether the state of `res` at `rv` can still be read (a pin holds it, or the log reaches
    /// back to it).
    pub fn readable_at(&self, res: Res, rv: u64) -> bool {
        rv >= self.compacted_rv || self.pins.get(res, rv).is_some()
    }

    /// Keeps the state of `res` at `rv` readable for the pages of a list that follow (see `pins`).
    pub fn pin(&mut self, res: Res, rv: u64) -> Result<(), Compacted> {
        if self.pins.get(res, rv).is_some() {
            return Ok(());
        }
        let before = self.changes_since(res, rv)?.into_owned();
        self.pins.add(res, rv, before);
        Ok(())
    }

    /// A list at `rv` was read to the end.
    pub fn unpin(&mut self, res: Res, rv: u64) {
        self.pins.finished(res, rv);
    }

    pub fn len(&self, res: Res) -> usize {
        self.tables[res.index()].len()
    }

    pub fn is_empty(&self, res: Res) -> bool {
        self.tables[res.index()].is_empty()
    }

    pub fn get(&self, res: Res, namespace: &str, name: &str) -> Option<Arc<Value>> {
        self.tables[res.index()]
            .get(&(namespace.to_string(), name.to_string()))
            .cloned()
    }

    /// Every object of a kind, ordered by (namespace, name).
    pub fn iter(&self, res: Res) -> impl Iterator<Item = &Arc<Value>> {
        self.tables[res.index()].values()
    }

    /// Objects of a kind in one namespace (or all, with `None`), ordered by (namespace, name).
    pub fn list(&self, res: Res, namespace: Option<&str>) -> Vec<Arc<Value>> {
        let table = &self.tables[res.index()];
        match namespace {
            None => table.values().cloned().collect(),
            Some(ns) => table
                .range((ns.to_string(), String::new())..)
                .take_while(|((n, _), _)| n == ns)
                .map(|(_, v)| v.clone())
                .collect(),
        }
    }

    /// Objects after `after` (exclusive) in key order: the page behind a `continue` token.
    pub fn list_after(&self, res: Res, after: &Key, limit: usize) -> Vec<Arc<Value>> {
        use std::ops::Bound::{Excluded, Unbounded};
        self.tables[res.index()]
            .range((Excluded(after.clone()), Unbounded))
            .take(limit)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// A receiver of every event from now on. Subscribe *before* reading `events_since` (under the
    /// same lock) so nothing falls between the replay and the live stream.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<WatchEvent>> {
        self.tx.subscribe()
    }

    /// Logged events of `res` newer than `rv`, or `Err(Compacted)` when some of them were compacted
    /// away (the caller answers 410 Gone).
    pub fn events_since(&self, res: Res, rv: u64) -> Result<Vec<Arc<WatchEvent>>, Compacted> {
        if rv < self.compacted_rv {
            return Err(Compacted {
                oldest: self.compacted_rv,
            });
        }
        Ok(self
            .log
            .iter()
            .filter(|e| e.rv > rv && e.res == res)
            .cloned()
            .collect())
    }

    /// How the objects of `res` changed since `rv`: for every key written after `rv`, the object
    /// as it was at `rv` (`None` when it did not exist then). The rest of the table is as it was
    /// at `rv`. From a pin at `rv` when there is one, else from the log; `Err(Compacted)` when
    /// neither reaches back to `rv`.
    pub fn changes_since(&self, res: Res, rv: u64) -> Result<Cow<'_, Before>, Compacted> {
        if let Some(before) = self.pins.get(res, rv) {
            return Ok(Cow::Borrowed(before));
        }
        if rv < self.compacted_rv {
            return Err(Compacted {
                oldest: self.compacted_rv,
            });
        }
        let mut out: BTreeMap<Key, Option<Arc<Value>>> = BTreeMap::new();
        for e in self.log.iter().filter(|e| e.rv > rv && e.res == res) {
            let meta = &e.object["metadata"];
            let key = (
                meta["namespace"].as_str().unwrap_or("").to_string(),
                meta["name"].as_str().unwrap_or("").to_string(),
            );
            // the first change after `rv` tells what was there at `rv`
            out.entry(key).or_insert_with(|| e.previous.clone());
        }
        Ok(Cow::Owned(out))
    }

    /// A fresh uid (deterministic for a given seed).
    pub fn new_uid(&mut self) -> String {
        self.rng.uuid()
    }

    /// A random suffix for generated names.
    pub fn name_suffix(&mut self, n: usize) -> String {
        self.rng.suffix(n)
    }

    /// Creates an object. Fills `apiVersion`, `kind`, `metadata.namespace` (default "default" for
    /// namespaced kinds), `metadata.name` from `generateName`, `uid`, `resourceVersion`,
    /// `generation` and `creationTimestamp`.
    pub fn create(
        &mut self,
        res: Res,
        mut obj: Value,
        now: Timestamp,
    ) -> Result<Arc<Value>, StoreError> {
        let info = res.info();
        if !obj.is_object() {
            return Err(StoreError::Invalid("object must be a JSON object".into()));
        }
        obj["apiVersion"] = json!(info.api_version());
        obj["kind"] = json!(info.kind);
        if !obj["metadata"].is_object() {
            obj["metadata"] = json!({});
        }
        let meta = &mut obj["metadata"];
        let namespace = if info.namespaced {
            let ns = meta["namespace"].as_str().unwrap_or("default").to_string();
            meta["namespace"] = json!(ns);
            ns
        } else {
            if let Some(m) = meta.as_object_mut() {
                m.remove("namespace");
            }
            String::new()
        };
        let name = match meta["name"].as_str() {
            Some(n) if !n.is_empty() => n.to_string(),
            _ => match meta["generateName"].as_str() {
                Some(prefix) if !prefix.is_empty() => {
                    let prefix = prefix.to_string();
                    loop {
                        let candidate = format!("{prefix}{}", self.rng.suffix(5));
                        if !self.tables[res.index()]
                            .contains_key(&(namespace.clone(), candidate.clone()))
                        {
                            break candidate;
                        }
                    }
                }
                _ => {
                    return Err(StoreError::Invalid(
                        "metadata.name or metadata.generateName is required".into(),
                    ))
                }
            },
        };
        if let Some(why) = info.invalid_name(&name) {
            return Err(StoreError::Invalid(format!(
                "metadata.name: Invalid value: \"{name}\": {why}"
            )));
        }
        let key = (namespace, name.clone());
        if self.tables[res.index()].contains_key(&key) {
            return Err(StoreError::AlreadyExists {
                kind: info.kind,
                name,
            });
        }
        let uid = self.rng.uuid();
        self.rv += 1;
        let meta = &mut obj["metadata"];
        meta["name"] = json!(name);
        meta["uid"] = json!(uid);
        meta["resourceVersion"] = json!(self.rv.to_string());
        meta["generation"] = json!(1);
        meta["creationTimestamp"] = json!(rfc3339(now));
        let obj = Arc::new(obj);
        self.pins.note(res, &key, &None);
        if res == Res::Pods {
            self.pods.write(&key, Some(&obj));
        }
        self.tables[res.index()].insert(key, obj.clone());
        self.emit(res, EventType::Added, obj.clone(), None);
        Ok(obj)
    }

    /// Changes an object in place. Nothing happens (no new resourceVersion, no event) when `change`
    /// leaves the object as it was. `metadata.generation` goes up when `spec` changes.
    pub fn update(
        &mut self,
        res: Res,
        namespace: &str,
        name: &str,
        change: impl FnOnce(&mut Value),
    ) -> Option<Arc<Value>> {
        let key = (namespace.to_string(), name.to_string());
        let current = self.tables[res.index()].get(&key)?.clone();
        let mut next = (*current).clone();
        change(&mut next);
        if next == *current {
            return Some(current);
        }
        if next["spec"] != current["spec"] {
            let generation = current["metadata"]["generation"].as_i64().unwrap_or(1);
            next["metadata"]["generation"] = json!(generation + 1);
        }
        // identity fields are the store's, whatever `change` did
        next["metadata"]["name"] = current["metadata"]["name"].clone();
        next["metadata"]["uid"] = current["metadata"]["uid"].clone();
        next["metadata"]["creationTimestamp"] = current["metadata"]["creationTimestamp"].clone();
        if res.info().namespaced {
            next["metadata"]["namespace"] = current["metadata"]["namespace"].clone();
        }
        self.rv += 1;
        next["metadata"]["resourceVersion"] = json!(self.rv.to_string());
        let next = Arc::new(next);
        let previous = Some(current);
        self.pins.note(res, &key, &previous);
        if res == Res::Pods {
            self.pods.write(&key, Some(&next));
        }
        self.tables[res.index()].insert(key, next.clone());
        self.emit(res, EventType::Modified, next.clone(), previous);
        Some(next)
    }

    /// Removes an object; watchers see DELETED with the deletion's resourceVersion.
    pub fn delete(&mut self, res: Res, namespace: &str, name: &str) -> Option<Arc<Value>> {
        let key = (namespace.to_string(), name.to_string());
        let removed = self.tables[res.index()].remove(&key)?;
        self.pins.note(res, &key, &Some(removed.clone()));
        if res == Res::Pods {
            self.pods.write(&key, None);
        }
        self.rv += 1;
        let mut last = (*removed).clone();
        last["metadata"]["resourceVersion"] = json!(self.rv.to_string());
        let last = Arc::new(last);
        self.emit(res, EventType::Deleted, last.clone(), Some(removed));
        Some(last)
    }

    fn emit(
        &mut self,
        res: Res,
        kind: EventType,
        object: Arc<Value>,
        previous: Option<Arc<Value>>,
    ) {
        let event = Arc::new(WatchEvent {
            rv: self.rv,
            res,
            kind,
            object,
            previous,
        });
        if self.log.len() >= self.log_capacity {
            if let Some(old) = self.log.pop_front() {
                self.compacted_rv = old.rv;
            }
        }
        self.log.push_back(event.clone());
        // No receivers is fine: nobody is watching.
        let _ = self.tx.send(event);
    }
}

/// RFC 1123 subdomain: what Kubernetes accepts as most object names.
pub fn is_dns_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        && name.as_bytes()[0].is_ascii_alphanumeric()
        && name.as_bytes()[name.len() - 1].is_ascii_alphanumeric()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> Timestamp {
        "2024-12-12T06:00:00Z".parse().unwrap()
    }

    #[test]
    fn create_fills_metadata_and_bumps_rv() {
        let mut s = Store::new(100, 1);
        let rv0 = s.rv();
        let pod = s
            .create(
                Res::Pods,
                json!({"metadata": {"generateName": "web-"}}),
                t0(),
            )
            .unwrap();
        assert_eq!(pod["kind"], "Pod");
        assert_eq!(pod["metadata"]["namespace"], "default");
        assert!(pod["metadata"]["name"]
            .as_str()
            .unwrap()
            .starts_with("web-"));
        assert_eq!(pod["metadata"]["resourceVersion"], (rv0 + 1).to_string());
        let err = s
            .create(
                Res::Pods,
                json!({"metadata": {"name": pod["metadata"]["name"]}}),
                t0(),
            )
            .unwrap_err();
        assert!(matches!(err, StoreError::AlreadyExists { .. }));
    }

    #[test]
    fn unchanged_update_emits_nothing_and_log_compacts() {
        let mut s = Store::new(2, 1);
        s.create(Res::Nodes, json!({"metadata": {"name": "a"}}), t0())
            .unwrap();
        let rv = s.rv();
        s.update(Res::Nodes, "", "a", |_| {});
        assert_eq!(s.rv(), rv);
        s.update(Res::Nodes, "", "a", |v| {
            v["spec"] = json!({"unschedulable": true})
        });
        s.update(Res::Nodes, "", "a", |v| v["spec"] = json!({}));
        assert_eq!(
            s.get(Res::Nodes, "", "a").unwrap()["metadata"]["generation"],
            3
        );
        assert!(
            s.events_since(Res::Nodes, rv - 1).is_err(),
            "first event was compacted"
        );
        assert_eq!(s.events_since(Res::Nodes, rv).unwrap().len(), 2);
        s.delete(Res::Nodes, "", "a");
        assert_eq!(s.len(Res::Nodes), 0);
    }

    #[test]
    fn changes_since_tell_the_state_at_an_older_version() {
        let mut s = Store::new(100, 1);
        s.create(
            Res::Nodes,
            json!({"metadata": {"name": "a"}, "spec": {"x": 1}}),
            t0(),
        )
        .unwrap();
        s.create(Res::Nodes, json!({"metadata": {"name": "b"}}), t0())
            .unwrap();
        let rv = s.rv();
        s.update(Res::Nodes, "", "a", |v| v["spec"]["x"] = json!(2));
        s.update(Res::Nodes, "", "a", |v| v["spec"]["x"] = json!(3));
        s.delete(Res::Nodes, "", "b");
        s.create(Res::Nodes, json!({"metadata": {"name": "c"}}), t0())
            .unwrap();
        let at = s.changes_since(Res::Nodes, rv).unwrap();
        assert_eq!(
            at[&(String::new(), "a".to_string())].as_ref().unwrap()["spec"]["x"],
            1
        );
        assert!(at[&(String::new(), "b".to_string())].is_some());
        assert!(at[&(String::new(), "c".to_string())].is_none());
        assert!(s.changes_since(Res::Nodes, s.rv()).unwrap().is_empty());
        s.compact_all();
        assert!(s.changes_since(Res::Nodes, rv).is_err());
    }

    #[test]
    fn a_pinned_version_outlives_the_log() {
        let mut s = Store::new(2, 1);
        s.create(
            Res::Nodes,
            json!({"metadata": {"name": "a"}, "spec": {"x": 0}}),
            t0(),
        )
        .unwrap();
        let rv = s.rv();
        s.pin(Res::Nodes, rv).unwrap();
        for x in 1..10 {
            s.update(Res::Nodes, "", "a", |v| v["spec"]["x"] = json!(x));
        }
        s.create(Res::Nodes, json!({"metadata": {"name": "b"}}), t0())
            .unwrap();
        assert!(s.events_since(Res::Nodes, rv).is_err(), "the log moved on");
        assert!(s.readable_at(Res::Nodes, rv));
        let at = s.changes_since(Res::Nodes, rv).unwrap();
        assert_eq!(
            at[&(String::new(), "a".to_string())].as_ref().unwrap()["spec"]["x"],
            0
        );
        assert!(at[&(String::new(), "b".to_string())].is_none());
        s.compact_all();
        assert!(!s.readable_at(Res::Nodes, rv));
    }

    #[test]
    fn list_by_namespace() {
        let mut s = Store::new(100, 1);
        for (ns, n) in [("a", "x"), ("b", "y"), ("b", "z"), ("c", "w")] {
            s.create(
                Res::Pods,
                json!({"metadata": {"name": n, "namespace": ns}}),
                t0(),
            )
            .unwrap();
        }
        assert_eq!(s.list(Res::Pods, Some("b")).len(), 2);
        assert_eq!(s.list(Res::Pods, None).len(), 4);
        let rest = s.list_after(Res::Pods, &("b".into(), "y".into()), 10);
        assert_eq!(rest.len(), 2);
    }
}
