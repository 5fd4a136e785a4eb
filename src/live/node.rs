//! One node as the live views show it: its facts, the pods on it and their requests (kept up to
//! date as pods come and go), and what is derived from them and its NodeClaim: status, expiry,
//! and the force-drain deadline once its drain has started (REFERENCE §3, §7).

use jiff::{SignedDuration, Timestamp};

use crate::disruption::drain::{grace_of_node, Grace};
use crate::disruption::node::{being_replaced, stage, Stage};
use crate::duration::parse_go;
use crate::facts::model::{NodeClaimFacts, NodeFacts, NodePoolFacts, PodFacts};
use crate::version::Minor;

/// Auto Mode replaces every node after at most 21 days, whatever expireAfter says.
pub const MAX_LIFETIME_SECS: i64 = 21 * 24 * 3600;

/// The pods bound to one node name, kept apart from the node itself: pods may be listed before
/// their node, and outlive it for a moment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    /// Non-terminal pods bound to the node.
    pub pods: u32,
    pub cpu_requests_millis: u64,
    pub memory_requests_bytes: u64,
    /// When its last pod left (server time), while it has none.
    pub last_pod_left: Option<Timestamp>,
}

impl Tally {
    /// Adds (`sign` 1) or removes (`sign` -1) one pod's share.
    pub fn count(&mut self, pod: &PodFacts, sign: i64, now: Timestamp) {
        let add = |v: u64, d: u64| {
            if sign > 0 {
                v.saturating_add(d)
            } else {
                v.saturating_sub(d)
            }
        };
        self.pods = add(self.pods as u64, 1) as u32;
        self.cpu_requests_millis = add(self.cpu_requests_millis, pod.cpu_request_millis);
        self.memory_requests_bytes = add(self.memory_requests_bytes, pod.memory_request_bytes);
        self.last_pod_left = match (self.pods, sign > 0) {
            (0, false) => Some(now),
            (0, true) => self.last_pod_left,
            _ => None,
        };
    }

    /// CPU and memory requests as percentages of the node's allocatable.
    pub fn requests_percent(&self, node: &NodeFacts) -> (u32, u32) {
        let pct = |used: u64, of: u64| {
            used.saturating_mul(100)
                .checked_div(of)
                .map_or(0, |p| p.min(999) as u32)
        };
        (
            pct(self.cpu_requests_millis, node.cpu_allocatable_millis),
            pct(self.memory_requests_bytes, node.memory_allocatable_bytes),
        )
    }
}

/// `c5a.large on-demand general-purpose ap-northeast-1a v1.31.1`: what a feed line says of a node.
pub fn describe(n: &NodeFacts) -> String {
    format!(
        "{} {} {} {} {}",
        n.instance_type.as_deref().unwrap_or("-"),
        n.capacity_type.as_deref().unwrap_or("-"),
        n.node_pool.as_deref().unwrap_or("-"),
        n.zone.as_deref().unwrap_or("-"),
        n.kubelet_version,
    )
}

/// A node as the live model holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveNode {
    pub facts: NodeFacts,
}

impl LiveNode {
    pub fn new(facts: NodeFacts) -> Self {
        LiveNode { facts }
    }

    pub fn minor(&self) -> Option<Minor> {
        Minor::parse(&self.facts.kubelet_version)
    }

    /// Not on `target` (the rule: `disruption::node::is_old`).
    pub fn is_old(&self, target: Minor) -> bool {
        crate::disruption::node::is_old(&self.facts.kubelet_version, target)
    }

    /// What the STATUS column says: the node's stage (`disruption::node::stage`), with a cordon
    /// shown before a drift.
    pub fn status(&self, claim: Option<&NodeClaimFacts>) -> NodeStatus {
        match stage(&self.facts, claim) {
            Stage::NotReady => NodeStatus::NotReady,
            Stage::Draining => NodeStatus::Disrupting,
            _ if self.facts.unschedulable => NodeStatus::SchedulingDisabled,
            Stage::Drifted => NodeStatus::Drifted,
            Stage::Waiting => NodeStatus::Ready,
        }
    }

    /// Being replaced (the rule: `disruption::node::being_replaced`).
    pub fn being_replaced(&self, claim: Option<&NodeClaimFacts>) -> bool {
        being_replaced(Some(&self.facts), claim)
    }

    /// When Auto Mode replaces it because it expired: the NodeClaim's (else its pool's)
    /// expireAfter from the claim's creation, and never later than 21 days.
    pub fn expires(
        &self,
        claim: Option<&NodeClaimFacts>,
        pool: Option<&NodePoolFacts>,
    ) -> Option<Timestamp> {
        let born = claim.and_then(|c| c.created).or(self.facts.created)?;
        let after = claim
            .and_then(|c| c.expire_after.as_deref())
            .or(pool.and_then(|p| p.expire_after.as_deref()));
        let secs = match after {
            Some(a) => parse_go(a).map_or(MAX_LIFETIME_SECS, |s| (s as i64).min(MAX_LIFETIME_SECS)),
            None => MAX_LIFETIME_SECS,
        };
        born.checked_add(SignedDuration::from_secs(secs)).ok()
    }

    /// When its drain started: the NodeClaim's deletion, else the node's, else the disrupted
    /// taint's `timeAdded`.
    pub fn drain_started(&self, claim: Option<&NodeClaimFacts>) -> Option<Timestamp> {
        claim
            .and_then(|c| c.deletion)
            .or(self.facts.deletion)
            .or(self.facts.disrupted_since)
    }

    /// The grace that bounds its drain.
    pub fn grace<'a>(
        &self,
        claim: Option<&NodeClaimFacts>,
        pool_named: impl Fn(&str) -> Option<&'a NodePoolFacts>,
    ) -> Grace {
        grace_of_node(&self.facts.name, claim, Some(&self.facts), pool_named)
    }

    /// When the drain deletes whatever pods are left (PDBs and do-not-disrupt no longer count):
    /// drain start + terminationGracePeriod. `None` before the drain starts or when unbounded.
    pub fn force_drain_at(
        &self,
        claim: Option<&NodeClaimFacts>,
        grace: &Grace,
    ) -> Option<Timestamp> {
        let start = self.drain_started(claim)?;
        let secs = grace.secs?;
        start
            .checked_add(SignedDuration::from_secs(secs as i64))
            .ok()
    }
}

/// What the STATUS column says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NodeStatus {
    NotReady,
    Disrupting,
    SchedulingDisabled,
    Drifted,
    Ready,
}

impl NodeStatus {
    pub fn name(self) -> &'static str {
        match self {
            NodeStatus::NotReady => "NotReady",
            NodeStatus::Disrupting => "Disrupting",
            NodeStatus::SchedulingDisabled => "SchedulingDisabled",
            NodeStatus::Drifted => "Drifted",
            NodeStatus::Ready => "Ready",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{claim, node, pod};

    fn t(s: i64) -> Timestamp {
        Timestamp::from_second(1_700_000_000 + s).unwrap()
    }

    #[test]
    fn counts_pods_and_remembers_when_the_last_left() {
        let node = node("i-1", "v1.30.5-eks-baa6d11", Some("general-purpose"));
        let mut n = Tally::default();
        let mut p = pod("default", "a", &[], Some("rs"), "i-1");
        p.cpu_request_millis = 1589;
        n.count(&p, 1, t(0));
        n.count(&p, 1, t(1));
        assert_eq!((n.pods, n.requests_percent(&node).0), (2, 20));
        n.count(&p, -1, t(2));
        assert_eq!(n.last_pod_left, None);
        n.count(&p, -1, t(3));
        assert_eq!((n.pods, n.last_pod_left), (0, Some(t(3))));
        n.count(&p, 1, t(4));
        assert_eq!(n.last_pod_left, None);
    }

    #[test]
    fn status_expiry_and_force_drain() {
        let mut n = LiveNode::new(node("i-1", "v1.30.5-eks-baa6d11", Some("general-purpose")));
        let mut c = claim("general-purpose-x", "i-1", "general-purpose");
        c.created = Some(t(0));
        assert_eq!(n.status(Some(&c)), NodeStatus::Ready);
        c.drifted = true;
        assert_eq!(n.status(Some(&c)), NodeStatus::Drifted);
        n.facts.disrupted = true;
        assert_eq!(n.status(Some(&c)), NodeStatus::Disrupting);
        n.facts.ready = false;
        assert_eq!(n.status(Some(&c)), NodeStatus::NotReady);
        assert!(n.is_old(Minor::new(1, 31)) && !n.is_old(Minor::new(1, 30)));
        // 336h from the claim's creation; 21 days at most
        assert_eq!(n.expires(Some(&c), None), Some(t(336 * 3600)));
        c.expire_after = Some("Never".into());
        assert_eq!(n.expires(Some(&c), None), Some(t(MAX_LIFETIME_SECS)));
        // the force drain: claim deletion + the claim's terminationGracePeriod (24h)
        let grace = n.grace(Some(&c), |_| None);
        assert_eq!(n.force_drain_at(Some(&c), &grace), None);
        c.deletion = Some(t(100));
        assert_eq!(n.force_drain_at(Some(&c), &grace), Some(t(100 + 86_400)));
    }
}
