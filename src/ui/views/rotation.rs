//! `eksauto watch rotation` (and the live part of `upgrade`): progress to the target version
//! with a bar, the old nodes with what each is doing and when its force drain happens, the new
//! nodes that replaced them, PDB compliance, and — once nothing has moved for `--stall-after` —
//! why, by name.

use super::{Scene, View};
use crate::disruption::node::Stage;
use crate::live::line::Subject;
use crate::live::Kind;
use jiff::Timestamp;
use serde::Serialize;

use super::{nodes::assemble, pdbs};
use crate::duration::human;
use crate::live::rotation::{self, blockers, Rotation};
use crate::live::{Line, State};
use crate::ui::live::{feed_line, grid_fitted, trouble_lines, Context, Screen};

/// Width of the progress bar, in cells.
const BAR: usize = 28;

/// `██████████████░░░░░░░░░░░░░░ 50%`.
pub fn bar(fraction: f64) -> String {
    let full = ((fraction.clamp(0.0, 1.0)) * BAR as f64).round() as usize;
    format!(
        "{}{} {:.0}%",
        "█".repeat(full),
        "░".repeat(BAR - full),
        fraction * 100.0
    )
}

/// The rotation as `--once -o json` prints it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RotationSnapshot {
    pub target: String,
    pub nodes: usize,
    pub on_target: usize,
    pub complete: bool,
    pub pods_rescheduled: u32,
    pub old_nodes: Vec<OldNodeRow>,
    pub stalled_seconds: Option<i64>,
    pub blockers: Vec<String>,
    pub pdbs: Vec<pdbs::PdbRow>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OldNodeRow {
    pub name: String,
    pub version: String,
    pub stage: &'static str,
    pub pods_left: u32,
    pub force_drain_at: Option<Timestamp>,
}

pub fn snapshot(s: &State, r: &Rotation) -> RotationSnapshot {
    RotationSnapshot {
        target: r.target.to_string(),
        nodes: r.total,
        on_target: r.on_target,
        complete: r.complete,
        pods_rescheduled: s.progress().pods_rescheduled,
        old_nodes: r
            .old
            .iter()
            .map(|o| OldNodeRow {
                name: o.name.clone(),
                version: o.version.clone(),
                stage: stage_name(o.stage),
                pods_left: o.pods_left,
                force_drain_at: o.force_drain_at,
            })
            .collect(),
        stalled_seconds: r.stalled_for,
        blockers: blockers(s, r),
        pdbs: pdbs::rows(s),
    }
}

/// The frame: title and bar, old and replacement nodes, PDBs, and the reasons when stalled.
pub fn frame(
    s: &State,
    cx: &Context,
    r: &Rotation,
    now: Timestamp,
    screen: Screen,
    recent: &[Line],
) -> Vec<String> {
    let elapsed = now.duration_since(r.began).as_secs().max(0) as u64;
    let eta = r
        .eta_secs
        .map(|e| format!(" · about {} left", human(e.max(0) as u64)))
        .unwrap_or_default();
    let mut head = vec![
        format!(
            "Rotation to {} · {} · {} · {}{eta}",
            r.target,
            cx.cluster.as_deref().unwrap_or("cluster"),
            rotation::summary(r),
            human(elapsed)
        ),
        bar(rotation::fraction(r)),
    ];
    head.extend(trouble_lines(s));
    if r.complete {
        head.push(format!("Every node runs {}.", r.target));
    }
    let mut summary = pdbs::table(s, screen.width);
    if s.pdbs().is_empty() {
        summary.clear();
    }
    if let Some(idle) = r.stalled_for {
        summary.push(String::new());
        summary.push(format!("Stalled {} — why:", human(idle.max(0) as u64)));
        let why = blockers(s, r);
        if why.is_empty() {
            summary.push(" • nothing found that blocks it: Auto Mode may still be working".into());
        }
        summary.extend(why.into_iter().map(|w| format!(" • {w}")));
    }
    let replacements = s
        .joined()
        .iter()
        .filter_map(|name| s.nodes().get(name))
        .filter(|n| !n.is_old(r.target));
    let mut rows: Vec<Vec<String>> = r
        .old
        .iter()
        .map(|o| {
            vec![
                o.name.clone(),
                o.version.clone(),
                stage_name(o.stage).to_string(),
                o.pods_left.to_string(),
                o.force_drain_at.map_or("-".into(), |t| {
                    format!("{} ({})", t.strftime("%Y-%m-%d %H:%M UTC"), o.grace)
                }),
            ]
        })
        .collect();
    rows.extend(replacements.map(|n| {
        vec![
            n.facts.name.clone(),
            n.facts.kubelet_version.clone(),
            if n.facts.ready {
                "replacement"
            } else {
                "replacement (not Ready)"
            }
            .to_string(),
            "-".into(),
            "-".into(),
        ]
    }));
    let hidden = rows.len().saturating_sub(screen.height);
    rows.truncate(screen.height);
    // On a narrow terminal the version goes first, then the force-drain deadline.
    let table = grid_fitted(
        &["NODE", "VERSION", "STATE", "PODS LEFT", "FORCE DRAIN AT"],
        rows,
        screen.width,
        &["VERSION", "FORCE DRAIN AT"],
    );
    assemble(
        head,
        summary,
        table,
        hidden,
        recent.iter().map(feed_line).collect(),
        screen,
        "nodes",
    )
}

/// What the rotation view calls a stage.
fn stage_name(s: Stage) -> &'static str {
    match s {
        Stage::Waiting => "waiting",
        Stage::Drifted => "drifted",
        Stage::Draining => "draining",
        Stage::NotReady => "NotReady",
    }
}

/// `watch rotation`, and the upgrade's node phase.
pub struct RotationView;

impl View for RotationView {
    fn kinds(&self) -> &'static [Kind] {
        &Kind::ALL
    }

    fn first_frame_needs(&self) -> &'static [Kind] {
        &[
            Kind::Nodes,
            Kind::Pods,
            Kind::Pdbs,
            Kind::NodePools,
            Kind::NodeClaims,
        ]
    }

    fn shows(&self, l: &Line) -> bool {
        matches!(
            l.kind,
            Subject::Node | Subject::Pdb | Subject::Event | Subject::Watch | Subject::Rotation
        )
    }

    fn frame(&self, scene: &Scene, screen: Screen) -> Vec<String> {
        match scene.rotation {
            Some(r) => frame(scene.state, scene.cx, r, scene.now, screen, scene.recent),
            None => Vec::new(),
        }
    }

    fn snapshot(&self, scene: &Scene) -> serde_json::Value {
        match scene.rotation {
            Some(r) => serde_json::to_value(snapshot(scene.state, r)).unwrap_or_default(),
            None => serde_json::Value::Null,
        }
    }
}
