//! `eksauto watch pods`: one row per pod (phase, ready, node, the node's kubelet version, age,
//! restarts), the interesting ones first (terminating, pending, not ready), cut to the screen.

use super::{Scene, View};
use crate::live::line::Subject;
use jiff::Timestamp;
use serde::Serialize;

use super::nodes::assemble;
use crate::duration::age;
use crate::facts::model::PodFacts;
use crate::live::{Kind, Line, State};
use crate::ui::live::{feed_line, grid, trouble_lines, Screen};

/// One pod row.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PodRow {
    pub namespace: String,
    pub name: String,
    /// `Running`, `Pending`, ..., or `Terminating` while it is being deleted.
    pub phase: String,
    pub ready: bool,
    pub node: Option<String>,
    pub node_version: Option<String>,
    pub age_seconds: Option<i64>,
    pub restarts: i32,
}

fn rank(p: &PodFacts) -> u8 {
    if p.terminating {
        0
    } else if p.node.is_none() || p.phase == "Pending" {
        1
    } else if !p.ready && !p.is_terminal() {
        2
    } else {
        3
    }
}

/// The first `limit` rows, interesting ones first, then by namespace and name.
pub fn rows(s: &State, now: Timestamp, limit: usize) -> Vec<PodRow> {
    let mut all: Vec<&PodFacts> = s.pods().values().collect();
    let order = |a: &&PodFacts, b: &&PodFacts| {
        rank(a)
            .cmp(&rank(b))
            .then_with(|| a.namespace.cmp(&b.namespace))
            .then_with(|| a.name.cmp(&b.name))
    };
    if limit < all.len() {
        all.select_nth_unstable_by(limit, order);
        all.truncate(limit);
    }
    all.sort_by(order);
    all.into_iter()
        .map(|p| PodRow {
            namespace: p.namespace.clone(),
            name: p.name.clone(),
            phase: if p.terminating {
                "Terminating".into()
            } else {
                p.phase.clone()
            },
            ready: p.ready,
            node: p.node.clone(),
            node_version: p
                .node
                .as_deref()
                .and_then(|n| s.nodes().get(n))
                .map(|n| n.facts.kubelet_version.clone()),
            age_seconds: p.created.map(|c| now.duration_since(c).as_secs().max(0)),
            restarts: p.restarts,
        })
        .collect()
}

pub fn frame(scene: &Scene, screen: Screen) -> Vec<String> {
    let Scene {
        state: s,
        cx,
        now,
        recent,
        ..
    } = *scene;
    let ready = s.pods().values().filter(|p| p.ready).count();
    let mut head = vec![format!(
        "{} · {} pods, {} ready · live {}",
        cx.title(),
        s.pods().len(),
        ready,
        now.strftime("%H:%M:%S")
    )];
    if !s.is_synced(Kind::Pods) {
        head.push(format!("listing pods… ({} so far)", s.pods().len()));
    }
    head.extend(trouble_lines(s));
    let limit = screen.height.min(s.pods().len() + 1);
    let table = grid(
        &[
            "NAMESPACE",
            "NAME",
            "PHASE",
            "READY",
            "NODE",
            "NODE VERSION",
            "AGE",
            "RESTARTS",
        ],
        rows(s, now, limit).into_iter().map(|r| {
            vec![
                r.namespace,
                r.name,
                r.phase,
                if r.ready { "1/1" } else { "0/1" }.to_string(),
                r.node.unwrap_or_else(|| "-".into()),
                r.node_version.unwrap_or_else(|| "-".into()),
                r.age_seconds.map_or("-".into(), |a| age(a as u64)),
                r.restarts.to_string(),
            ]
        }),
    );
    let hidden = s.pods().len().saturating_sub(table.len().saturating_sub(1));
    assemble(
        head,
        Vec::new(),
        table,
        hidden,
        recent.iter().map(feed_line).collect(),
        screen,
        "pods",
    )
}

/// `watch pods`.
pub struct PodsView;

impl View for PodsView {
    fn kinds(&self) -> &'static [Kind] {
        &[Kind::Pods, Kind::Nodes]
    }

    fn first_frame_needs(&self) -> &'static [Kind] {
        &[Kind::Pods]
    }

    fn shows(&self, l: &Line) -> bool {
        matches!(l.kind, Subject::Pod | Subject::Watch)
    }

    fn frame(&self, scene: &Scene, screen: Screen) -> Vec<String> {
        frame(scene, screen)
    }

    fn snapshot(&self, scene: &Scene) -> serde_json::Value {
        serde_json::json!({ "pods": rows(scene.state, scene.now, usize::MAX) })
    }

    fn present(&self, s: &State, now: Timestamp) -> Vec<Line> {
        rows(s, now, usize::MAX)
            .into_iter()
            .map(|p| {
                let place = match &p.node {
                    Some(n) => format!("on {n}"),
                    None => "not scheduled".into(),
                };
                let ready = if p.ready { ", ready" } else { "" };
                Line::new(
                    now,
                    Subject::Pod,
                    "present",
                    crate::k8s::key(&p.namespace, &p.name),
                    format!("{} {place}{ready}", p.phase),
                )
            })
            .collect()
    }
}
