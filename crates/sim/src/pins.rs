//! The snapshots behind `continue` tokens. A paged list reads the store as it was at its first
//! page's resourceVersion however many writes come between two pages, as a real API server reads
//! etcd at that revision: etcd keeps every revision until the API server compacts it, every 5
//! minutes, so a token stays good for about 5 minutes whatever the write rate (the watch log, like
//! the watch cache, is bounded by count and does not decide it).
//!
//! Instead of all history, a pin keeps, for each object written after its resourceVersion, the
//! object as it was then (`None`: it did not exist): one old version per changed object at most.
//! A pin lasts [`TTL`] of wall time from the first page, and [`AFTER_LAST_PAGE`] once a list has
//! read it to the end. Memory is bounded: beyond [`MAX_KEPT`] old objects over all pins, or
//! [`MAX_PINS`] pins, the oldest pin goes, and its tokens get 410 Gone as after a compaction.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::kinds::Res;

/// Key of an object: (namespace, name).
type Key = (String, String);

/// How long a continue token stays good: etcd's compaction interval on a real API server.
pub const TTL: Duration = Duration::from_secs(5 * 60);
/// How long a pin stays once a list read it to the end (another list may share it).
pub const AFTER_LAST_PAGE: Duration = Duration::from_secs(10);
/// Old objects kept over all pins, at most (a few times the `large` scenario's 100,000 pods).
pub const MAX_KEPT: usize = 300_000;
/// Pins at most.
pub const MAX_PINS: usize = 64;

/// The objects of one kind that changed since a resourceVersion, as they were at it.
pub type Before = BTreeMap<Key, Option<Arc<Value>>>;

struct Pin {
    res: Res,
    rv: u64,
    until: Instant,
    before: Before,
}

#[derive(Default)]
pub struct Pins {
    pins: Vec<Pin>,
    kept: usize,
}

impl Pins {
    /// What changed in `res` since `rv`, while a pin at `rv` lasts.
    pub fn get(&self, res: Res, rv: u64) -> Option<&Before> {
        let now = Instant::now();
        self.pins
            .iter()
            .find(|p| p.res == res && p.rv == rv && p.until > now)
            .map(|p| &p.before)
    }

    /// Pins `res` at `rv`, `before` being what changed since (from the watch log).
    pub fn add(&mut self, res: Res, rv: u64, before: Before) {
        self.expire();
        if self.get(res, rv).is_some() {
            return;
        }
        self.kept += before.len();
        self.pins.push(Pin {
            res,
            rv,
            until: Instant::now() + TTL,
            before,
        });
        self.bound();
    }

    /// A list at `rv` was read to the end: its pin goes soon.
    pub fn finished(&mut self, res: Res, rv: u64) {
        let soon = Instant::now() + AFTER_LAST_PAGE;
        for p in self.pins.iter_mut().filter(|p| p.res == res && p.rv == rv) {
            p.until = p.until.min(soon);
        }
    }

    /// Records a write of `key` whose object was `previous` before it.
    pub fn note(&mut self, res: Res, key: &Key, previous: &Option<Arc<Value>>) {
        if self.pins.is_empty() {
            return;
        }
        self.expire();
        let mut added = 0;
        for p in self.pins.iter_mut().filter(|p| p.res == res) {
            if !p.before.contains_key(key) {
                p.before.insert(key.clone(), previous.clone());
                added += 1;
            }
        }
        self.kept += added;
        self.bound();
    }

    /// Forgets every pin (an etcd compaction to now).
    pub fn clear(&mut self) {
        self.pins.clear();
        self.kept = 0;
    }

    fn expire(&mut self) {
        let now = Instant::now();
        if self.pins.iter().any(|p| p.until <= now) {
            self.pins.retain(|p| p.until > now);
            self.kept = self.pins.iter().map(|p| p.before.len()).sum();
        }
    }

    fn bound(&mut self) {
        while !self.pins.is_empty() && (self.kept > MAX_KEPT || self.pins.len() > MAX_PINS) {
            let oldest = self.pins.remove(0);
            self.kept -= oldest.before.len();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn key(n: &str) -> Key {
        (String::new(), n.to_string())
    }

    #[test]
    fn a_pin_keeps_the_first_old_version_of_each_changed_object() {
        let mut pins = Pins::default();
        pins.note(Res::Nodes, &key("a"), &None);
        assert!(pins.get(Res::Nodes, 5).is_none());
        pins.add(Res::Nodes, 5, Before::new());
        let v1 = Some(Arc::new(json!({"v": 1})));
        let v2 = Some(Arc::new(json!({"v": 2})));
        pins.note(Res::Nodes, &key("a"), &v1);
        pins.note(Res::Nodes, &key("a"), &v2);
        pins.note(Res::Nodes, &key("b"), &None);
        pins.note(Res::Pods, &key("c"), &v1);
        let before = pins.get(Res::Nodes, 5).unwrap();
        assert_eq!(before.len(), 2);
        assert_eq!(before[&key("a")], v1);
        assert_eq!(before[&key("b")], None);
        assert!(pins.get(Res::Pods, 5).is_none());
        pins.clear();
        assert!(pins.get(Res::Nodes, 5).is_none());
    }

    #[test]
    fn pins_are_bounded() {
        let mut pins = Pins::default();
        for rv in 0..(MAX_PINS as u64 + 3) {
            pins.add(Res::Nodes, rv, Before::new());
        }
        assert!(pins.get(Res::Nodes, 0).is_none(), "the oldest went first");
        assert!(pins.get(Res::Nodes, MAX_PINS as u64 + 2).is_some());
        assert_eq!(pins.pins.len(), MAX_PINS);
    }
}
