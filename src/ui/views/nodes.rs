//! `eksauto watch nodes`: a summary per NodePool (nodes per version, drifted, the Drifted budget's
//! allowed-now / in-use), then one row per node — the interesting ones first (NotReady,
//! disrupting, old version, drifted) — then the latest changes. The summary always counts every
//! node; the rows are cut to the screen with a line saying how many more there are.

use super::{Scene, View};
use crate::live::line::Subject;
use crate::live::node::describe;
use std::collections::BTreeSet;

use jiff::Timestamp;
use serde::Serialize;

use crate::disruption::budget::drift_allowance;
use crate::duration::age;
use crate::live::node::{LiveNode, NodeStatus};
use crate::live::{Kind, Line, State};
use crate::ui::live::{crop, feed_line, fit, grid, grid_fitted, percent, trouble_lines, Screen};
use crate::version::Minor;

/// One node row, as shown and as `--once -o json` prints it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeRow {
    pub name: String,
    pub status: &'static str,
    pub version: String,
    pub instance_type: Option<String>,
    pub capacity_type: Option<String>,
    pub node_pool: Option<String>,
    pub zone: Option<String>,
    pub pods: u32,
    pub max_pods: u32,
    pub cpu_requests_percent: u32,
    pub memory_requests_percent: u32,
    pub age_seconds: Option<i64>,
    pub expires_in_seconds: Option<i64>,
    pub drifted: bool,
    #[serde(skip)]
    rank: u8,
}

/// One NodePool summary row.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PoolRow {
    pub name: String,
    pub nodes: usize,
    /// Nodes per kubelet minor (`"1.30"` → 1).
    pub versions: std::collections::BTreeMap<String, usize>,
    pub drifted: usize,
    /// Nodes the always-active Drifted budgets let go at once, and how many are being replaced.
    pub budget_allowed: u32,
    pub budget_in_use: u32,
}

/// Every node row, interesting ones first.
pub fn rows(s: &State, now: Timestamp) -> Vec<NodeRow> {
    let newest = s.nodes().values().filter_map(LiveNode::minor).max();
    let mut out: Vec<NodeRow> = s.nodes().values().map(|n| row(s, n, now, newest)).collect();
    out.sort_by(|a, b| a.rank.cmp(&b.rank).then_with(|| a.name.cmp(&b.name)));
    out
}

fn row(s: &State, n: &LiveNode, now: Timestamp, newest: Option<Minor>) -> NodeRow {
    let f = &n.facts;
    let claim = s.claim_of(&f.name);
    let status = n.status(claim);
    let tally = s.tally(&f.name);
    let (cpu, mem) = tally.requests_percent(f);
    let old = s.target().or(newest).is_some_and(|t| n.is_old(t));
    let rank = match status {
        NodeStatus::NotReady => 0,
        NodeStatus::Disrupting => 1,
        _ if old => 2,
        NodeStatus::Drifted => 3,
        NodeStatus::SchedulingDisabled => 4,
        NodeStatus::Ready => 5,
    };
    NodeRow {
        name: f.name.clone(),
        status: status.name(),
        version: f.kubelet_version.clone(),
        instance_type: f.instance_type.clone(),
        capacity_type: f.capacity_type.clone(),
        node_pool: f.node_pool.clone(),
        zone: f.zone.clone(),
        pods: tally.pods,
        max_pods: f.pods_allocatable,
        cpu_requests_percent: cpu,
        memory_requests_percent: mem,
        age_seconds: f.created.map(|c| now.duration_since(c).as_secs().max(0)),
        expires_in_seconds: n
            .expires(claim, s.pool_of(f))
            .map(|e| e.duration_since(now).as_secs()),
        drifted: claim.is_some_and(|c| c.drifted),
        rank,
    }
}

/// One summary row per NodePool (pools without nodes too), and one for unmanaged nodes.
pub fn pools(s: &State) -> Vec<PoolRow> {
    let mut names: BTreeSet<Option<String>> = s.pools().keys().cloned().map(Some).collect();
    names.extend(s.nodes().values().map(|n| n.facts.node_pool.clone()));
    names
        .into_iter()
        .map(|name| {
            let nodes: Vec<&LiveNode> = s
                .nodes()
                .values()
                .filter(|n| n.facts.node_pool == name)
                .collect();
            let mut versions = std::collections::BTreeMap::new();
            for n in &nodes {
                let v = n.minor().map_or("?".into(), |m| m.to_string());
                *versions.entry(v).or_insert(0) += 1;
            }
            let pool = name.as_deref().and_then(|p| s.pools().get(p));
            PoolRow {
                name: name.clone().unwrap_or_else(|| "(no NodePool)".into()),
                nodes: nodes.len(),
                versions,
                drifted: nodes
                    .iter()
                    .filter(|n| s.claim_of(&n.facts.name).is_some_and(|c| c.drifted))
                    .count(),
                budget_allowed: pool.map_or(0, |p| drift_allowance(p, nodes.len() as u32)),
                budget_in_use: nodes
                    .iter()
                    .filter(|n| n.being_replaced(s.claim_of(&n.facts.name)))
                    .count() as u32,
            }
        })
        .collect()
}

/// `12d22h`, `-`, or `expired`.
fn left(secs: Option<i64>) -> String {
    match secs {
        None => "-".into(),
        Some(s) if s <= 0 => "expired".into(),
        Some(s) => age(s as u64),
    }
}

/// The frame: header, pool summary, node rows that fit, recent changes.
pub fn frame(scene: &Scene, screen: Screen) -> Vec<String> {
    let Scene {
        state: s,
        cx,
        now,
        recent,
        ..
    } = *scene;
    let mut head = vec![format!(
        "{} · {} nodes · live {}",
        cx.title(),
        s.nodes().len(),
        now.strftime("%H:%M:%S")
    )];
    if !s.is_synced(Kind::Pods) {
        head.push(format!(
            "listing pods… ({} so far): pod counts and requests are partial",
            s.pods().len()
        ));
    }
    head.extend(trouble_lines(s));
    let pool_rows = pools(s);
    let versions: BTreeSet<String> = pool_rows
        .iter()
        .flat_map(|p| p.versions.keys().cloned())
        .collect();
    let mut header: Vec<String> = vec!["NODEPOOL".into(), "NODES".into()];
    header.extend(versions.iter().map(|v| format!("v{v}")));
    header.extend(["DRIFTED".into(), "BUDGET allowed/in use".into()]);
    let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
    let summary = grid(
        &header_refs,
        pool_rows.iter().map(|p| {
            let mut r = vec![p.name.clone(), p.nodes.to_string()];
            r.extend(
                versions
                    .iter()
                    .map(|v| p.versions.get(v).map_or("-".into(), |n| n.to_string())),
            );
            r.push(p.drifted.to_string());
            r.push(if s.pools().contains_key(&p.name) {
                format!("{}/{}", p.budget_allowed, p.budget_in_use)
            } else {
                "-".into()
            });
            r
        }),
    );
    // Only the rows that can show are formatted (5,000 nodes, 10 frames a second).
    let mut all = rows(s, now);
    let hidden = all.len().saturating_sub(screen.height);
    all.truncate(screen.height);
    let node_rows = grid_fitted(
        &[
            "NODE", "STATUS", "VERSION", "TYPE", "CAP", "POOL", "ZONE", "PODS", "CPU", "MEM",
            "AGE", "EXPIRES",
        ],
        all.into_iter()
            .map(|r| {
                vec![
                    r.name,
                    r.status.to_string(),
                    r.version,
                    r.instance_type.unwrap_or_else(|| "-".into()),
                    r.capacity_type.unwrap_or_else(|| "-".into()),
                    r.node_pool.unwrap_or_else(|| "-".into()),
                    r.zone.unwrap_or_else(|| "-".into()),
                    format!("{}/{}", r.pods, r.max_pods),
                    percent(Some(r.cpu_requests_percent)),
                    percent(Some(r.memory_requests_percent)),
                    r.age_seconds.map_or("-".into(), |a| age(a as u64)),
                    left(r.expires_in_seconds),
                ]
            })
            .collect(),
        screen.width,
        // On a narrow terminal: what the summary or another column already says goes first.
        &["CAP", "ZONE", "POOL", "EXPIRES", "TYPE", "MEM"],
    );
    let feed: Vec<String> = recent.iter().map(feed_line).collect();
    assemble(head, summary, node_rows, hidden, feed, screen, "nodes")
}

/// Puts a frame together: the header and summary always, the table's header line always, its
/// rows cut to the room left after the feed (which gets at most a third of the screen).
pub fn assemble(
    head: Vec<String>,
    summary: Vec<String>,
    table: Vec<String>,
    hidden: usize,
    feed: Vec<String>,
    screen: Screen,
    what: &str,
) -> Vec<String> {
    let mut out = head;
    if !summary.is_empty() {
        out.push(String::new());
        out.extend(summary);
    }
    out.push(String::new());
    let fixed = out.len() + 2; // the table's header line, the quit hint
    let feed_room = if screen.height == usize::MAX {
        feed.len()
    } else {
        feed.len().min(screen.height / 3)
    };
    let room = screen
        .height
        .saturating_sub(fixed + feed_room + usize::from(feed_room > 0));
    let mut table = table.into_iter();
    if let Some(h) = table.next() {
        out.push(h);
    }
    out.extend(fit(table.collect(), hidden, room.max(1), what));
    if feed_room > 0 {
        out.push(String::new());
        out.extend(feed[feed.len() - feed_room..].iter().cloned());
    }
    out.into_iter().map(|l| crop(&l, screen.width)).collect()
}

/// `watch nodes`.
pub struct NodesView;

impl View for NodesView {
    fn kinds(&self) -> &'static [Kind] {
        &[
            Kind::Nodes,
            Kind::Pods,
            Kind::NodePools,
            Kind::NodeClaims,
            Kind::Events,
        ]
    }

    fn first_frame_needs(&self) -> &'static [Kind] {
        // The first frame does not wait for 100,000 pods.
        &[Kind::Nodes]
    }

    fn shows(&self, l: &Line) -> bool {
        matches!(l.kind, Subject::Node | Subject::Event | Subject::Watch)
            || l.kind == Subject::Pdb && matches!(l.event, "violated" | "recovered")
    }

    fn frame(&self, scene: &Scene, screen: Screen) -> Vec<String> {
        frame(scene, screen)
    }

    fn snapshot(&self, scene: &Scene) -> serde_json::Value {
        serde_json::json!({
            "nodes": rows(scene.state, scene.now),
            "nodePools": pools(scene.state),
        })
    }

    fn present(&self, s: &State, now: Timestamp) -> Vec<Line> {
        s.nodes()
            .values()
            .map(|n| {
                let status = n.status(s.claim_of(&n.facts.name)).name();
                Line::new(
                    now,
                    Subject::Node,
                    "present",
                    n.facts.name.clone(),
                    format!("{status} {}", describe(&n.facts)),
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::node;
    use crate::live::{Change, Object};
    use crate::ui::live::Context;

    #[test]
    fn a_big_cluster_shows_the_interesting_rows_first_and_counts_the_rest() {
        let t0 = Timestamp::from_second(1_733_990_000).unwrap();
        let mut s = State::new(Some(Minor::new(1, 31)), t0);
        s.apply(Change::Relist(Kind::Nodes), t0);
        for i in 0..5000 {
            let mut n = node(
                &format!("i-{i:05}"),
                "v1.31.1-eks-1b3e656",
                Some("general-purpose"),
            );
            if i == 4321 {
                n.ready = false;
            }
            if i == 17 {
                n.kubelet_version = "v1.30.5-eks-baa6d11".into();
            }
            s.apply(Change::Listed(Object::Node(n)), t0);
        }
        s.apply(Change::Synced(Kind::Nodes), t0);
        let cx = Context::default();
        let screen = Screen {
            width: 120,
            height: 30,
        };
        let scene = Scene {
            state: &s,
            cx: &cx,
            rotation: None,
            now: t0,
            recent: &[],
        };
        let lines = frame(&scene, screen);
        assert!(lines.len() <= 30, "{}", lines.len());
        assert!(lines.iter().all(|l| l.chars().count() <= 120));
        let at = |needle: &str| lines.iter().position(|l| l.contains(needle));
        let header = at("NODE ").unwrap();
        assert!(lines[header + 1].starts_with("i-04321") && lines[header + 1].contains("NotReady"));
        assert!(
            lines[header + 2].starts_with("i-00017"),
            "old version next: {lines:#?}"
        );
        let more = lines.iter().find(|l| l.contains("more nodes")).unwrap();
        let shown = lines.len() - header - 2;
        assert_eq!(more, &format!("… {} more nodes", 5000 - shown));
        assert!(lines[0].contains("5000 nodes"), "{}", lines[0]);
        assert!(lines
            .iter()
            .any(|l| l.starts_with("general-purpose") && l.contains("5000")));
        assert!(
            lines.iter().any(|l| l.contains("listing pods")),
            "pods not listed yet"
        );
    }
}
