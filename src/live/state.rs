//! The live state: every watched object in compact form, owned by one task and changed only by
//! [`State::apply`], which returns the feed lines the change produced. A (re-)list after a
//! dropped watch or a `410 Gone` is merged in place: objects it still contains are updated, those
//! it no longer contains are deleted when it completes, so nothing is lost or counted twice.
//! Lines are produced only for kinds whose first list is complete (the initial sync is silent).
//! Changes, ages and deadlines are all timed on the server's clock (see `clock`).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};

use jiff::Timestamp;

use super::change::{Change, Kind, Object};
use super::clock::ServerClock;
use super::line::{Line, Subject};
use super::node::{describe, LiveNode, Tally};
use super::pdb::LivePdb;
use crate::disruption::node::being_replaced;
use crate::disruption::pdb::is_healthy;
use crate::facts::model::{
    EventFacts, NodeClaimFacts, NodeFacts, NodePoolFacts, PdbFacts, PodFacts,
};
use crate::k8s::Keyed;
use crate::version::Minor;

/// Karpenter events kept for the views (the newest last).
const EVENTS_KEPT: usize = 64;

/// The event reasons that say why a rotation waits or what it does.
pub const ROTATION_REASONS: &[&str] = &[
    "DisruptionBlocked",
    "FailedDraining",
    "DisruptionTerminating",
    "DisruptionLaunching",
    "DisruptionWaitingReadiness",
    "FailedConsistencyCheck",
    "NodePoolLimitsExceeded",
];

/// What a rotation has done so far (the upgrade report is built from this).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Progress {
    pub nodes_joined: u32,
    pub nodes_removed: u32,
    /// Old nodes (not on the target) removed, per NodePool (`-` for unmanaged nodes).
    pub replaced: BTreeMap<String, u32>,
    pub first_replaced: Option<Timestamp>,
    pub last_replaced: Option<Timestamp>,
    /// When the rotation started, from the cluster's own timestamps (never an estimate): the
    /// earliest Drifted transition of a NodeClaim, or replacement node launch, seen.
    pub rotation_started: Option<Timestamp>,
    /// Controlled pods that left a node being replaced (they are recreated elsewhere).
    pub pods_rescheduled: u32,
    /// Pods that left a node being replaced while their PDB allowed no disruption (a force
    /// drain past terminationGracePeriod, or a deletion behind the PDB's back); the first 1,000.
    pub past_budget: Vec<PastBudget>,
    /// When something last moved (server time): a node joined, was disrupted or removed, a pod
    /// rescheduled.
    pub last_progress: Option<Timestamp>,
}

/// A pod that left past its PDB.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PastBudget {
    pub time: Timestamp,
    pub pdb: String,
    pub pod: String,
    pub node: String,
}

/// Everything the live views know.
#[derive(Debug, Clone)]
pub struct State {
    clock: ServerClock,
    /// The version a rotation goes to (`--to`, else the API server's own).
    target: Option<Minor>,
    nodes: BTreeMap<String, LiveNode>,
    /// Nodes that joined while watching (after the first list).
    joined: BTreeSet<String>,
    /// Pods by node name.
    tallies: HashMap<String, Tally>,
    pods: HashMap<String, PodFacts>,
    pdbs: BTreeMap<String, LivePdb>,
    pdbs_by_namespace: HashMap<String, Vec<String>>,
    pools: BTreeMap<String, NodePoolFacts>,
    claims: BTreeMap<String, NodeClaimFacts>,
    claim_by_node: HashMap<String, String>,
    /// Karpenter's recent events, the newest last.
    events: VecDeque<EventFacts>,
    synced: BTreeSet<Kind>,
    relisting: HashMap<Kind, HashSet<String>>,
    /// Kinds whose watch is failing and being retried: the error and since when (server time).
    trouble: BTreeMap<Kind, (String, Timestamp)>,
    progress: Progress,
    /// Why the API server refused the credentials (a watcher stopped for it).
    refused: Option<String>,
    /// When the state was created (local time).
    started: Timestamp,
}

impl State {
    pub fn new(target: Option<Minor>, local: Timestamp) -> Self {
        State {
            clock: ServerClock::new(local),
            target,
            nodes: BTreeMap::new(),
            joined: BTreeSet::new(),
            tallies: HashMap::new(),
            pods: HashMap::new(),
            pdbs: BTreeMap::new(),
            pdbs_by_namespace: HashMap::new(),
            pools: BTreeMap::new(),
            claims: BTreeMap::new(),
            claim_by_node: HashMap::new(),
            events: VecDeque::new(),
            synced: BTreeSet::new(),
            relisting: HashMap::new(),
            trouble: BTreeMap::new(),
            progress: Progress::default(),
            refused: None,
            started: local,
        }
    }

    // Read access: the task that owns the state changes it only through `apply`.

    /// The version a rotation goes to (`--to`, else the API server's own).
    pub fn target(&self) -> Option<Minor> {
        self.target
    }

    /// Every node, by name.
    pub fn nodes(&self) -> &BTreeMap<String, LiveNode> {
        &self.nodes
    }

    /// Nodes that joined while watching (after the first list).
    pub fn joined(&self) -> &BTreeSet<String> {
        &self.joined
    }

    /// Every pod, by `namespace/name`.
    pub fn pods(&self) -> &HashMap<String, PodFacts> {
        &self.pods
    }

    /// Every PDB, by `namespace/name`.
    pub fn pdbs(&self) -> &BTreeMap<String, LivePdb> {
        &self.pdbs
    }

    /// Every NodePool, by name.
    pub fn pools(&self) -> &BTreeMap<String, NodePoolFacts> {
        &self.pools
    }

    /// Every NodeClaim, by name.
    pub fn claims(&self) -> &BTreeMap<String, NodeClaimFacts> {
        &self.claims
    }

    /// Karpenter's recent events, the newest last.
    pub fn events(&self) -> &VecDeque<EventFacts> {
        &self.events
    }

    /// Kinds whose watch is failing and being retried: the error and since when.
    pub fn trouble(&self) -> &BTreeMap<Kind, (String, Timestamp)> {
        &self.trouble
    }

    /// What a rotation has done so far.
    pub fn progress(&self) -> &Progress {
        &self.progress
    }

    /// Why the API server refused the credentials, if it did (a watcher stopped for it).
    pub fn refused(&self) -> Option<&str> {
        self.refused.as_deref()
    }

    /// When the state was created (local time).
    pub fn started(&self) -> Timestamp {
        self.started
    }

    /// Whether the first list of `kind` is complete.
    pub fn is_synced(&self, kind: Kind) -> bool {
        self.synced.contains(&kind)
    }

    /// Whether every kind in `kinds` has been listed once.
    pub fn all_synced(&self, kinds: &[Kind]) -> bool {
        kinds.iter().all(|k| self.synced.contains(k))
    }

    /// The NodeClaim behind a node.
    pub fn claim_of(&self, node: &str) -> Option<&NodeClaimFacts> {
        self.claim_by_node
            .get(node)
            .and_then(|c| self.claims.get(c))
    }

    pub fn tally(&self, node: &str) -> Tally {
        self.tallies.get(node).cloned().unwrap_or_default()
    }

    /// The NodePool of a node (by its label, else its claim's).
    pub fn pool_of(&self, node: &NodeFacts) -> Option<&NodePoolFacts> {
        node.node_pool
            .as_deref()
            .or_else(|| {
                self.claim_of(&node.name)
                    .and_then(|c| c.node_pool.as_deref())
            })
            .and_then(|p| self.pools.get(p))
    }

    /// The server's time now (for ages and deadlines).
    pub fn now(&mut self, local: Timestamp) -> Timestamp {
        self.clock.now(local)
    }

    /// Applies one change; returns the lines it produced.
    pub fn apply(&mut self, change: Change, local: Timestamp) -> Vec<Line> {
        let mut out = Vec::new();
        let kind = match &change {
            Change::Relist(k)
            | Change::Synced(k)
            | Change::Trouble(k, _)
            | Change::Refused(k, _) => *k,
            Change::Listed(o) | Change::Applied(o) | Change::Deleted(o) => o.kind(),
        };
        if let Change::Applied(o) | Change::Listed(o) | Change::Deleted(o) = &change {
            self.saw_times(o, local);
        }
        // Lines, progress, durations and violations are timed on the server's clock, like the
        // timestamps the server writes and the header shows: one clock for everything shown.
        let now = self.clock.now(local);
        if !matches!(change, Change::Trouble(..) | Change::Refused(..))
            && self.trouble.remove(&kind).is_some()
        {
            out.push(Line::new(
                now,
                Subject::Watch,
                "resumed",
                kind.name(),
                "watch resumed",
            ));
        }
        match change {
            Change::Relist(k) => {
                self.relisting.insert(k, HashSet::new());
            }
            Change::Listed(o) => {
                if let Some(seen) = self.relisting.get_mut(&kind) {
                    seen.insert(o.key());
                }
                self.upsert(o, now, &mut out);
            }
            Change::Synced(k) => self.synced_kind(k, now, &mut out),
            Change::Applied(o) => self.upsert(o, now, &mut out),
            Change::Deleted(o) => self.delete(o, now, &mut out),
            Change::Refused(_, why) => {
                self.refused.get_or_insert(why);
            }
            Change::Trouble(k, why) => {
                if !self.trouble.contains_key(&k) {
                    out.push(Line::new(
                        now,
                        Subject::Watch,
                        "reconnecting",
                        k.name(),
                        format!("reconnecting: {why}"),
                    ));
                }
                self.trouble.insert(k, (why, now));
            }
        }
        if !self.is_synced(kind) {
            out.clear(); // the first list is silent
        }
        out
    }

    /// Forgets watch trouble not repeated for `quiet`: the watcher retries at least every 30 s
    /// while it fails, so silence means the watch is back. Returns the `resumed` lines.
    pub fn settle_trouble(&mut self, now: Timestamp, quiet: jiff::SignedDuration) -> Vec<Line> {
        let settled: Vec<Kind> = self
            .trouble
            .iter()
            .filter(|(_, (_, at))| now.duration_since(*at) >= quiet)
            .map(|(k, _)| *k)
            .collect();
        settled
            .into_iter()
            .map(|k| {
                self.trouble.remove(&k);
                Line::new(now, Subject::Watch, "resumed", k.name(), "watch resumed")
            })
            .collect()
    }

    /// Feeds the server clock with timestamps of things that just happened.
    fn saw_times(&mut self, o: &Object, local: Timestamp) {
        let times: [Option<Timestamp>; 3] = match o {
            Object::Node(n) => [n.created, n.ready_since, None],
            Object::Pod(p) => [p.created, None, None],
            Object::NodeClaim(c) => [c.created, c.deletion, c.drifted_since],
            Object::Event(e) => [e.last_seen, None, None],
            Object::Pdb(_) | Object::NodePool(_) => [None, None, None],
        };
        for t in times.into_iter().flatten() {
            self.clock.saw(t, local);
        }
    }

    fn synced_kind(&mut self, k: Kind, now: Timestamp, out: &mut Vec<Line>) {
        if let Some(seen) = self.relisting.remove(&k) {
            let gone: Vec<String> = self
                .keys(k)
                .into_iter()
                .filter(|key| !seen.contains(key))
                .collect();
            for key in gone {
                if let Some(o) = self.object(k, &key) {
                    self.delete(o, now, out);
                }
            }
        }
        let first = self.synced.insert(k);
        if first && matches!(k, Kind::Pods | Kind::Pdbs) {
            self.judge_all_pdbs(now, out);
        }
    }

    fn keys(&self, k: Kind) -> Vec<String> {
        match k {
            Kind::Nodes => self.nodes.keys().cloned().collect(),
            Kind::Pods => self.pods.keys().cloned().collect(),
            Kind::Pdbs => self.pdbs.keys().cloned().collect(),
            Kind::NodePools => self.pools.keys().cloned().collect(),
            Kind::NodeClaims => self.claims.keys().cloned().collect(),
            Kind::Events => self.events.iter().map(|e| e.key()).collect(),
        }
    }

    fn object(&self, k: Kind, key: &str) -> Option<Object> {
        Some(match k {
            Kind::Nodes => Object::Node(self.nodes.get(key)?.facts.clone()),
            Kind::Pods => Object::Pod(self.pods.get(key)?.clone()),
            Kind::Pdbs => Object::Pdb(self.pdbs.get(key)?.facts.clone()),
            Kind::NodePools => Object::NodePool(self.pools.get(key)?.clone()),
            Kind::NodeClaims => Object::NodeClaim(self.claims.get(key)?.clone()),
            Kind::Events => Object::Event(self.events.iter().find(|e| e.key() == key)?.clone()),
        })
    }

    fn upsert(&mut self, o: Object, now: Timestamp, out: &mut Vec<Line>) {
        match o {
            Object::Node(n) => self.upsert_node(n, now, out),
            Object::Pod(p) => self.upsert_pod(p, now, out),
            Object::Pdb(p) => self.upsert_pdb(p, now, out),
            Object::NodePool(p) => {
                self.pools.insert(p.name.clone(), p);
            }
            Object::NodeClaim(c) => self.upsert_claim(c, now, out),
            Object::Event(e) => self.upsert_event(e, now, out),
        }
    }

    fn delete(&mut self, o: Object, now: Timestamp, out: &mut Vec<Line>) {
        match o {
            Object::Node(n) => self.delete_node(&n.name, now, out),
            Object::Pod(p) => self.delete_pod(&p.key(), now, out),
            Object::Pdb(p) => {
                let key = p.key();
                if self.pdbs.remove(&key).is_some() {
                    if let Some(keys) = self.pdbs_by_namespace.get_mut(&p.namespace) {
                        keys.retain(|k| *k != key);
                    }
                    out.push(Line::new(now, Subject::Pdb, "deleted", key, "deleted"));
                }
            }
            Object::NodePool(p) => {
                self.pools.remove(&p.name);
            }
            Object::NodeClaim(c) => {
                if let Some(old) = self.claims.remove(&c.name) {
                    if let Some(node) = &old.node_name {
                        if self.claim_by_node.get(node) == Some(&old.name) {
                            self.claim_by_node.remove(node);
                        }
                    }
                }
            }
            Object::Event(e) => self
                .events
                .retain(|x| !(x.namespace == e.namespace && x.name == e.name)),
        }
    }

    // -----------------------------------------------------------------------------------------
    // Nodes and NodeClaims
    // -----------------------------------------------------------------------------------------

    fn upsert_node(&mut self, n: NodeFacts, now: Timestamp, out: &mut Vec<Line>) {
        match self.nodes.get(&n.name).map(|l| l.facts.clone()) {
            None => self.node_joined(&n, now, out),
            Some(old) => self.node_changed(&old, &n, now, out),
        }
        self.nodes.insert(n.name.clone(), LiveNode::new(n));
    }

    fn node_joined(&mut self, n: &NodeFacts, now: Timestamp, out: &mut Vec<Line>) {
        if self.is_synced(Kind::Nodes) {
            self.joined.insert(n.name.clone());
            // A replacement launched on the target: the rotation has begun by then.
            if self
                .target
                .is_some_and(|t| !crate::disruption::node::is_old(&n.kubelet_version, t))
            {
                self.rotation_began(n.created.unwrap_or(now));
            }
        }
        self.progress.nodes_joined += 1;
        self.moved(now);
        let text = format!(
            "joined {}{}",
            describe(n),
            if n.ready { ", Ready" } else { "" }
        );
        out.push(Line::new(
            now,
            Subject::Node,
            "joined",
            n.name.clone(),
            text,
        ));
    }

    /// The feed lines for what changed on a known node, and the moves it makes.
    fn node_changed(
        &mut self,
        old: &NodeFacts,
        n: &NodeFacts,
        now: Timestamp,
        out: &mut Vec<Line>,
    ) {
        let line = |event, text: String| Line::new(now, Subject::Node, event, n.name.clone(), text);
        if !old.ready && n.ready {
            let took = match (n.ready_since.or(Some(now)), n.created) {
                (Some(r), Some(c)) => Some(r.duration_since(c).as_secs().max(0)),
                _ => None,
            };
            out.push(match took {
                Some(s) => line("ready", format!("Ready (in {s}s)")).seconds(s),
                None => line("ready", "Ready".into()),
            });
        }
        if old.ready && !n.ready {
            out.push(line("notready", "NotReady".into()));
        }
        if !old.disrupted && n.disrupted {
            self.moved(now);
            let why = match self.claim_of(&n.name) {
                Some(c) if c.drifted => " (Drifted)",
                _ => "",
            };
            out.push(line(
                "disrupted",
                format!("tainted karpenter.sh/disrupted{why}"),
            ));
        }
        if !old.unschedulable && n.unschedulable {
            out.push(line("cordoned", "cordoned (SchedulingDisabled)".into()));
        }
        if old.unschedulable && !n.unschedulable {
            out.push(line("uncordoned", "uncordoned".into()));
        }
        if old.deletion.is_none() && n.deletion.is_some() {
            self.moved(now);
            out.push(line("deleting", "deleting".into()));
        }
        if old.kubelet_version != n.kubelet_version {
            out.push(line(
                "version",
                format!("kubelet {} → {}", old.kubelet_version, n.kubelet_version),
            ));
        }
    }

    fn delete_node(&mut self, name: &str, now: Timestamp, out: &mut Vec<Line>) {
        let Some(node) = self.nodes.remove(name) else {
            return;
        };
        self.joined.remove(name);
        self.progress.nodes_removed += 1;
        self.moved(now);
        let tally = self.tally(name);
        if tally.pods == 0 {
            self.tallies.remove(name);
        }
        if self.target.is_some_and(|t| node.is_old(t)) {
            let pool = node.facts.node_pool.clone().unwrap_or_else(|| "-".into());
            *self.progress.replaced.entry(pool).or_default() += 1;
            self.progress.first_replaced.get_or_insert(now);
            self.progress.last_replaced = Some(now);
        }
        let mut l = Line::new(now, Subject::Node, "removed", name, "removed");
        if let Some(left) = tally.last_pod_left {
            let secs = now.duration_since(left).as_secs().max(0);
            l.text = format!("removed {secs}s after its last pod left");
            l = l.seconds(secs);
        }
        out.push(l);
    }

    fn upsert_claim(&mut self, c: NodeClaimFacts, now: Timestamp, out: &mut Vec<Line>) {
        let was_drifted = self.claims.get(&c.name).is_some_and(|o| o.drifted);
        if let Some(since) = c.drifted_since.filter(|_| c.drifted) {
            self.rotation_began(since);
        }
        if let Some(node) = &c.node_name {
            self.claim_by_node.insert(node.clone(), c.name.clone());
            if c.drifted && !was_drifted {
                self.progress.last_progress = Some(now);
                out.push(Line::new(
                    now,
                    Subject::Node,
                    "drifted",
                    node.clone(),
                    format!("drifted (NodeClaim {})", c.name),
                ));
            }
        }
        self.claims.insert(c.name.clone(), c);
    }

    // -----------------------------------------------------------------------------------------
    // Pods and PDBs
    // -----------------------------------------------------------------------------------------

    fn upsert_pod(&mut self, p: PodFacts, now: Timestamp, out: &mut Vec<Line>) {
        let key = p.key();
        if p.terminating {
            if let Some(o) = self.pods.get(&key).filter(|o| !o.terminating).cloned() {
                self.past_budget(&o, now);
            }
        }
        let old = self.pods.remove(&key);
        self.count_pod(old.as_ref(), -1, now);
        self.count_pod(Some(&p), 1, now);
        let line = |event, text: String| Line::new(now, Subject::Pod, event, key.clone(), text);
        match &old {
            None => out.push(line(
                "created",
                match &p.node {
                    Some(n) => format!("created on {n}"),
                    None => "created (Pending)".into(),
                },
            )),
            Some(o) => {
                if o.node.is_none() {
                    if let Some(n) = &p.node {
                        out.push(line("scheduled", format!("scheduled on {n}")));
                    }
                }
                if !o.ready && p.ready {
                    out.push(line("ready", "Ready".into()));
                }
                if o.ready && !p.ready && !p.terminating {
                    out.push(line("notready", "not Ready".into()));
                }
                if o.phase != p.phase && p.is_terminal() {
                    out.push(line("finished", p.phase.clone()));
                }
                if !o.terminating && p.terminating {
                    let on = p.node.as_deref().unwrap_or("-");
                    out.push(line("deleting", format!("deleting (on {on})")));
                    self.rescheduled(&p, now);
                }
            }
        }
        let health_changed = old.as_ref().is_none_or(|o| is_healthy(o) != is_healthy(&p));
        let ns = p.namespace.clone();
        self.pods.insert(key, p);
        if health_changed {
            self.judge_namespace(&ns, now, out);
        }
    }

    fn delete_pod(&mut self, key: &str, now: Timestamp, out: &mut Vec<Line>) {
        if let Some(p) = self.pods.get(key).filter(|p| !p.terminating).cloned() {
            self.past_budget(&p, now);
        }
        let Some(p) = self.pods.remove(key) else {
            return;
        };
        self.count_pod(Some(&p), -1, now);
        if !p.terminating {
            self.rescheduled(&p, now);
        }
        let on = p.node.as_deref().unwrap_or("-");
        out.push(Line::new(
            now,
            Subject::Pod,
            "deleted",
            key,
            format!("deleted (was on {on})"),
        ));
        if is_healthy(&p) {
            self.judge_namespace(&p.namespace, now, out);
        }
    }

    /// Records `p` (about to stop counting as healthy) if it leaves a node being replaced while a
    /// PDB over it has no disruption to spare.
    fn past_budget(&mut self, p: &PodFacts, now: Timestamp) {
        let Some(node) = p.node.as_deref() else {
            return;
        };
        let replaced = being_replaced(self.nodes.get(node).map(|n| &n.facts), self.claim_of(node));
        if !replaced || !is_healthy(p) || self.progress.past_budget.len() >= 1000 {
            return;
        }
        let keys = self
            .pdbs_by_namespace
            .get(&p.namespace)
            .cloned()
            .unwrap_or_default();
        for k in keys {
            let Some(pdb) = self.pdbs.get(&k) else {
                continue;
            };
            if pdb.selects(p) && pdb.healthy - 1 < pdb.required() {
                self.progress.past_budget.push(PastBudget {
                    time: now,
                    pdb: k.clone(),
                    pod: p.key(),
                    node: node.to_string(),
                });
            }
        }
    }

    /// A controlled pod leaving a node that Auto Mode is replacing is rescheduled elsewhere.
    fn rescheduled(&mut self, p: &PodFacts, now: Timestamp) {
        let controlled = p
            .owner
            .as_ref()
            .is_some_and(|o| o.kind != "DaemonSet" && o.kind != "Node");
        let on_replaced_node = p
            .node
            .as_deref()
            .and_then(|n| self.nodes.get(n))
            .is_some_and(|n| n.being_replaced(self.claim_of(&n.facts.name)));
        if controlled && on_replaced_node && !p.is_terminal() {
            self.progress.pods_rescheduled += 1;
            self.moved(now);
        }
    }

    /// Adds or removes one pod's share on its node and in the PDBs of its namespace.
    fn count_pod(&mut self, p: Option<&PodFacts>, sign: i64, now: Timestamp) {
        let Some(p) = p else { return };
        if p.is_terminal() {
            return;
        }
        if let Some(node) = &p.node {
            self.tallies
                .entry(node.clone())
                .or_default()
                .count(p, sign, now);
        }
        if let Some(keys) = self.pdbs_by_namespace.get(&p.namespace) {
            for k in keys {
                if let Some(pdb) = self.pdbs.get_mut(k) {
                    pdb.count(p, sign);
                }
            }
        }
    }

    fn upsert_pdb(&mut self, facts: PdbFacts, now: Timestamp, out: &mut Vec<Line>) {
        let key = facts.key();
        let recount = match self.pdbs.get(&key) {
            None => true,
            Some(old) => old.facts.selector != facts.selector,
        };
        let pdb = match self.pdbs.remove(&key) {
            Some(mut old) if !recount => {
                old.facts = facts;
                old
            }
            Some(old) => {
                let mut fresh = LivePdb::new(facts);
                fresh.lowest = old.lowest;
                fresh.violations = old.violations;
                fresh
            }
            None => {
                self.pdbs_by_namespace
                    .entry(facts.namespace.clone())
                    .or_default()
                    .push(key.clone());
                LivePdb::new(facts)
            }
        };
        let mut pdb = pdb;
        if recount {
            let ns = pdb.facts.namespace.clone();
            for p in self.pods.values().filter(|p| p.namespace == ns) {
                pdb.count(p, 1);
            }
        }
        self.pdbs.insert(key.clone(), pdb);
        self.judge_pdb(&key, now, out);
    }

    fn judging(&self) -> bool {
        self.is_synced(Kind::Pods) && self.is_synced(Kind::Pdbs)
    }

    fn judge_all_pdbs(&mut self, now: Timestamp, out: &mut Vec<Line>) {
        let keys: Vec<String> = self.pdbs.keys().cloned().collect();
        for k in keys {
            self.judge_pdb(&k, now, out);
        }
    }

    fn judge_namespace(&mut self, ns: &str, now: Timestamp, out: &mut Vec<Line>) {
        let keys = self.pdbs_by_namespace.get(ns).cloned().unwrap_or_default();
        for k in keys {
            self.judge_pdb(&k, now, out);
        }
    }

    fn judge_pdb(&mut self, key: &str, now: Timestamp, out: &mut Vec<Line>) {
        if !self.judging() {
            return;
        }
        let Some(pdb) = self.pdbs.get_mut(key) else {
            return;
        };
        let changed = pdb.reported != Some(pdb.healthy);
        pdb.reported = Some(pdb.healthy);
        let verdict = pdb.judge(now);
        let (healthy, expected, required) = (pdb.healthy, pdb.expected(), pdb.required());
        match verdict {
            Some(true) => out.push(Line::new(
                now,
                Subject::Pdb,
                "violated",
                key,
                format!("violated: {healthy} healthy of {expected}, {required} required"),
            )),
            Some(false) => {
                let since = pdb.violations.last().map(|v| v.start).unwrap_or(now);
                let secs = now.duration_since(since).as_secs().max(0);
                out.push(
                    Line::new(
                        now,
                        Subject::Pdb,
                        "recovered",
                        key,
                        format!("recovered: {healthy} healthy of {expected}, {required} required, after {secs}s below"),
                    )
                    .seconds(secs),
                );
            }
            None if changed => {
                out.push(Line::new(
                    now,
                    Subject::Pdb,
                    "healthy",
                    key,
                    format!("{healthy}/{expected} healthy (needs {required})"),
                ));
            }
            None => {}
        }
    }

    // -----------------------------------------------------------------------------------------
    // Events
    // -----------------------------------------------------------------------------------------

    fn upsert_event(&mut self, e: EventFacts, now: Timestamp, out: &mut Vec<Line>) {
        let relevant =
            e.component.contains("karpenter") || ROTATION_REASONS.contains(&e.reason.as_str());
        if !relevant {
            return;
        }
        let previous = self
            .events
            .iter()
            .position(|x| x.namespace == e.namespace && x.name == e.name);
        // A repeat of the same message (the count going up) is not news.
        let repeated = previous.is_some_and(|i| self.events[i].message == e.message);
        if let Some(i) = previous {
            self.events.remove(i);
        }
        if !repeated && e.reason != "Evicted" {
            out.push(Line::new(
                now,
                Subject::Event,
                "event",
                format!("{}/{}", e.object_kind, e.object_name),
                format!("{}: {}", e.reason, e.message),
            ));
        }
        self.events.push_back(e);
        while self.events.len() > EVENTS_KEPT {
            self.events.pop_front();
        }
    }

    /// A rotation move at server time `at`: the earliest one is when the rotation started.
    fn rotation_began(&mut self, at: Timestamp) {
        let first = self.progress.rotation_started.get_or_insert(at);
        *first = (*first).min(at);
    }

    fn moved(&mut self, now: Timestamp) {
        self.progress.last_progress = Some(now);
    }
}
