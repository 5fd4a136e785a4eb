//! The report at the end of an upgrade: the timeline (control plane start and end, first and last
//! node replaced), nodes replaced per NodePool, pods rescheduled, per PDB the lowest healthy count
//! seen against what it requires and every violation, how long the rotation was blocked, and
//! whether every node runs the target. Pure; rendered as text, and as JSON for `--report FILE`.

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use crate::duration::human;
use crate::live::pdb::Violation;
use crate::runtime::app::{End, Ended};
use crate::ui::row;
use crate::version::Minor;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub cluster: String,
    pub from: String,
    pub to: Minor,
    /// How the upgrade ended (`outcome` in JSON).
    #[serde(rename = "outcome")]
    pub ending: Ending,
    pub control_plane: Option<Span>,
    pub nodes: Option<Span>,
    pub nodes_replaced: BTreeMap<String, u32>,
    pub pods_rescheduled: u32,
    pub pdbs: Vec<PdbOutcome>,
    pub blocked_seconds: i64,
    /// Pods that left a node being replaced while their PDB allowed no disruption.
    pub pods_past_budget: Vec<crate::live::state::PastBudget>,
    /// Every node runs the target.
    pub complete: bool,
    /// Nodes on the target, and nodes in all, when the report was made.
    pub nodes_on_target: usize,
    pub nodes_total: usize,
    pub errors: Vec<String>,
    /// When the report was made, on the cluster's clock like the spans.
    pub finished: Timestamp,
    /// How far the cluster's clock is ahead of this machine's, as the live state learned it
    /// (zero without one): local moments are shifted by it so every time in the report is on
    /// one clock.
    #[serde(skip)]
    pub clock_offset: SignedDuration,
}

/// How an upgrade ended, as the report says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Ending {
    /// Every node runs the target.
    Done,
    /// The control-plane update did not succeed.
    Failed,
    /// `--no-rotation`: the control plane was upgraded; the nodes were not followed.
    ControlPlaneOnly,
    /// `--timeout` passed; the rotation goes on.
    TimedOut,
    /// The user left the live view (`q`); the rotation goes on.
    Left,
    /// Ctrl-C, or the watchers stopped; the rotation goes on.
    Interrupted,
}

impl Ending {
    /// The report's first line says this.
    fn said(self) -> &'static str {
        match self {
            Ending::Done => "done",
            Ending::Failed => "failed",
            Ending::ControlPlaneOnly => "stopped after the control plane",
            Ending::TimedOut => "timed out",
            Ending::Left => "left running",
            Ending::Interrupted => "interrupted",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Span {
    pub start: Timestamp,
    pub end: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PdbOutcome {
    pub name: String,
    pub required: i64,
    pub lowest_healthy: Option<i64>,
    pub violations: Vec<Violation>,
}

impl PdbOutcome {
    /// It went down to what it requires (or below) at some point.
    pub fn at_minimum(&self) -> bool {
        self.lowest_healthy.is_some_and(|l| l <= self.required)
    }
}

impl Report {
    pub fn violated(&self) -> bool {
        self.pdbs.iter().any(|p| !p.violations.is_empty())
    }
}

impl Report {
    /// A report that has nothing to say yet.
    pub fn new(cluster: &str, from: &str, to: Minor) -> Report {
        Report {
            cluster: cluster.to_string(),
            from: from.to_string(),
            to,
            ending: Ending::Done,
            control_plane: None,
            nodes: None,
            nodes_replaced: BTreeMap::new(),
            pods_rescheduled: 0,
            pdbs: Vec::new(),
            blocked_seconds: 0,
            pods_past_budget: Vec::new(),
            complete: false,
            nodes_on_target: 0,
            nodes_total: 0,
            errors: Vec::new(),
            finished: Timestamp::now(),
            clock_offset: SignedDuration::ZERO,
        }
    }
}

/// The rotation's part of the report, read from the live state, and how the rotation ended.
/// The node phase runs from the rotation's first move the cluster recorded (a NodeClaim's
/// Drifted transition, a replacement's launch) to the last old node gone;
/// the control plane's phase ends no later than that first move.
pub fn rotation_part(r: &mut Report, ended: &Ended) {
    let s = &ended.state;
    r.clock_offset = ended.clock_offset;
    // Nothing of this update's rotation happens before the update itself was created.
    let floor = r.control_plane.as_ref().map(|cp| cp.start);
    let started = s
        .progress()
        .rotation_started
        .or(s.progress().first_replaced)
        .map(|t| floor.map_or(t, |f| t.max(f)));
    r.nodes = started.map(|start| Span {
        start,
        end: s.progress().last_replaced.filter(|e| *e >= start),
    });
    // The poll saw the update end on this machine's clock: moved onto the cluster's.
    let offset = r.clock_offset;
    if let Some(cp) = r.control_plane.as_mut() {
        if let Some(e) = cp.end.as_mut() {
            let end = started.map_or(*e + offset, |first| (*e + offset).min(first));
            *e = end.max(cp.start);
        }
    }
    r.nodes_replaced = s.progress().replaced.clone();
    r.pods_rescheduled = s.progress().pods_rescheduled;
    r.pdbs = s
        .pdbs()
        .values()
        .map(|p| PdbOutcome {
            name: p.key(),
            required: p.required(),
            lowest_healthy: p.lowest,
            violations: p.violations.clone(),
        })
        .collect();
    r.blocked_seconds = ended.stalled_secs;
    r.pods_past_budget = s.progress().past_budget.clone();
    if let Some(rotation) = &ended.rotation {
        (r.nodes_on_target, r.nodes_total) = (rotation.on_target, rotation.total);
    }
    r.complete = matches!(ended.end, End::Complete(_));
    r.ending = match ended.end {
        End::Complete(_) => Ending::Done,
        End::TimedOut => Ending::TimedOut,
        End::Quit => Ending::Left,
        End::Interrupted | End::Closed => Ending::Interrupted,
    };
}

fn span_text(s: &Span) -> String {
    match s.end {
        Some(end) => format!(
            "{} → {} ({})",
            s.start.strftime("%H:%M:%S"),
            end.strftime("%H:%M:%S"),
            human(end.duration_since(s.start).as_secs().max(0) as u64)
        ),
        None => format!("{} → …", s.start.strftime("%H:%M:%S")),
    }
}

/// The report for people.
pub fn render(r: &Report) -> String {
    let mut out = heading(r);
    match &r.control_plane {
        Some(c) => row(&mut out, "control plane", span_text(c)),
        None => row(&mut out, "control plane", format!("already on {}", r.to)),
    }
    if r.ending != Ending::ControlPlaneOnly {
        row(&mut out, "nodes", nodes_text(r));
        pdb_rows(r, &mut out);
        if !r.pods_past_budget.is_empty() {
            row(&mut out, "past the PDB", past_budget_text(r));
        }
        let blocked = if r.blocked_seconds > 0 {
            human(r.blocked_seconds as u64)
        } else {
            "never".into()
        };
        row(&mut out, "blocked", blocked);
    }
    for e in &r.errors {
        row(&mut out, "error", e.clone());
    }
    out.push_str(&verdict(r));
    out.push('\n');
    out
}

/// `Upgrade of NAME 1.30 → 1.31 done in 20m6s`.
fn heading(r: &Report) -> String {
    let start = r
        .control_plane
        .as_ref()
        .or(r.nodes.as_ref())
        .map(|s| s.start);
    let total = match start {
        Some(s) => format!(
            " in {}",
            human(r.finished.duration_since(s).as_secs().max(0) as u64)
        ),
        None => String::new(),
    };
    format!(
        "Upgrade of {} {} → {} {}{}\n",
        r.cluster,
        r.from,
        r.to,
        r.ending.said(),
        total
    )
}

/// `14:14:04 → 14:20:06 (6m2s): 1 replaced (general-purpose 1), 10 pods rescheduled`.
fn nodes_text(r: &Report) -> String {
    let replaced: u32 = r.nodes_replaced.values().sum();
    let per_pool: Vec<String> = r
        .nodes_replaced
        .iter()
        .map(|(p, n)| format!("{p} {n}"))
        .collect();
    let when = r
        .nodes
        .as_ref()
        .map(span_text)
        .unwrap_or_else(|| "-".into());
    format!(
        "{when}: {replaced} replaced{}, {} pods rescheduled",
        if per_pool.is_empty() {
            String::new()
        } else {
            format!(" ({})", per_pool.join(", "))
        },
        r.pods_rescheduled
    )
}

/// PDB rows the report shows at most; beyond them a count stands for the rest.
const PDB_ROWS: usize = 10;

/// The PDBs that matter first: the violated ones (most violations first), then those that sat at
/// their minimum, then the rest; by name within each. When there are more than fit, only the
/// violated and those at their minimum are shown, and one line counts the PDBs that kept a
/// margin (`--report` and `-o json` keep every PDB).
fn pdb_rows(r: &Report, out: &mut String) {
    let mut pdbs: Vec<&PdbOutcome> = r.pdbs.iter().collect();
    pdbs.sort_by(|a, b| {
        b.violations
            .len()
            .cmp(&a.violations.len())
            .then_with(|| b.at_minimum().cmp(&a.at_minimum()))
            .then_with(|| a.name.cmp(&b.name))
    });
    let crowded = pdbs.len() > PDB_ROWS;
    let mut shown = 0;
    for p in &pdbs {
        let notable = !p.violations.is_empty() || p.at_minimum();
        if crowded && (!notable || (shown >= PDB_ROWS && p.violations.is_empty())) {
            continue;
        }
        shown += 1;
        pdb_row(p, out);
    }
    if shown < pdbs.len() {
        let margin = pdbs
            .iter()
            .filter(|p| !p.at_minimum() && p.violations.is_empty())
            .count();
        let minimum = pdbs.len() - shown - margin;
        let mut text = format!("{margin} more kept a margin above their minimum");
        if minimum > 0 {
            text.push_str(&format!("; {minimum} more sat at their minimum"));
        }
        row(
            out,
            "PDBs",
            format!("{text} (every PDB is in --report and -o json)"),
        );
    }
}

/// One PDB, and one row per violation under it.
fn pdb_row(p: &PdbOutcome, out: &mut String) {
    row(
        out,
        &format!("PDB {}", p.name),
        format!(
            "required {} · lowest healthy {} · violations {}",
            p.required,
            p.lowest_healthy.map_or("-".into(), |l| l.to_string()),
            p.violations.len()
        ),
    );
    for v in &p.violations {
        row(
            out,
            "",
            format!(
                "violated {} → {}: {} healthy of {} required",
                v.start.strftime("%H:%M:%S"),
                v.end
                    .map_or("…".into(), |e| e.strftime("%H:%M:%S").to_string()),
                v.lowest,
                v.required
            ),
        );
    }
}

/// The pods that left past their PDB, the first five by name.
fn past_budget_text(r: &Report) -> String {
    let pods: Vec<String> = r
        .pods_past_budget
        .iter()
        .take(5)
        .map(|p| format!("{} (PDB {})", p.pod, p.pdb))
        .collect();
    format!(
        "{} pod(s) left while their PDB allowed no disruption: {}{}",
        r.pods_past_budget.len(),
        pods.join(", "),
        if r.pods_past_budget.len() > 5 {
            ", …"
        } else {
            ""
        }
    )
}

/// The last line: what is true now. Never claims more than happened.
fn verdict(r: &Report) -> String {
    match (r.complete, r.violated()) {
        (true, false) => format!("Every node runs v{}; no PDB was violated.", r.to),
        (true, true) => format!("Every node runs v{}, but a PDB was violated on the way.", r.to),
        (false, violated) if r.ending == Ending::Left => format!(
            "The live view was left with {} of {} nodes on {}{}: Auto Mode goes on replacing them (eksauto watch rotation --to {} follows it).",
            r.nodes_on_target,
            r.nodes_total,
            r.to,
            if violated { ", after a PDB was violated" } else { "" },
            r.to
        ),
        (false, true) => "A PDB was violated, and not every node runs the target yet.".into(),
        (false, false) if r.ending == Ending::ControlPlaneOnly => format!(
            "The control plane runs {}; Auto Mode replaces the nodes on its own (eksauto watch rotation --to {} follows it).",
            r.to, r.to
        ),
        (false, false) => "Not every node runs the target yet.".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: i64) -> Timestamp {
        Timestamp::from_second(1_733_990_000 + s).unwrap()
    }

    fn article_report() -> Report {
        Report {
            cluster: "interesting-funk-otter".into(),
            from: "1.30".into(),
            to: Minor::new(1, 31),
            ending: Ending::Done,
            nodes_on_target: 2,
            nodes_total: 2,
            control_plane: Some(Span {
                start: t(0),
                end: Some(t(482)),
            }),
            nodes: Some(Span {
                start: t(844),
                end: Some(t(1206)),
            }),
            nodes_replaced: BTreeMap::from([("general-purpose".to_string(), 1)]),
            pods_rescheduled: 10,
            pdbs: vec![PdbOutcome {
                name: "default/myapp".into(),
                required: 8,
                lowest_healthy: Some(8),
                violations: vec![],
            }],
            blocked_seconds: 0,
            pods_past_budget: vec![],
            complete: true,
            errors: vec![],
            finished: t(1206),
            clock_offset: SignedDuration::ZERO,
        }
    }

    #[test]
    fn the_articles_report() {
        let r = article_report();
        let text = render(&r);
        assert!(
            text.starts_with("Upgrade of interesting-funk-otter 1.30 → 1.31 done in 20m6s"),
            "{text}"
        );
        assert!(text.contains("(8m2s)"), "{text}");
        assert!(
            text.contains("1 replaced (general-purpose 1), 10 pods rescheduled"),
            "{text}"
        );
        assert!(
            text.contains("required 8 · lowest healthy 8 · violations 0"),
            "{text}"
        );
        assert!(text.contains("blocked          never"), "{text}");
        assert!(
            text.ends_with("Every node runs v1.31; no PDB was violated.\n"),
            "{text}"
        );
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["nodesReplaced"]["general-purpose"], 1);
        assert_eq!(json["pdbs"][0]["lowestHealthy"], 8);
        assert_eq!(json["to"], "1.31");
    }

    #[test]
    fn a_report_left_mid_rotation_never_says_done() {
        let mut r = article_report();
        r.ending = Ending::Left;
        r.complete = false;
        r.nodes_on_target = 1;
        r.nodes_total = 2;
        let text = render(&r);
        assert!(text.contains("1.30 → 1.31 left running"), "{text}");
        assert!(!text.contains("Every node runs"), "{text}");
        assert!(
            text.contains("left with 1 of 2 nodes on 1.31: Auto Mode goes on"),
            "{text}"
        );
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["outcome"], "left");
        assert_eq!(json["complete"], false);
    }

    #[test]
    fn with_many_pdbs_the_violated_and_those_at_their_minimum_come_first() {
        let mut r = article_report();
        let pdb = |name: &str, lowest: i64| PdbOutcome {
            name: name.into(),
            required: 2,
            lowest_healthy: Some(lowest),
            violations: vec![],
        };
        r.pdbs = (0..40)
            .map(|i| pdb(&format!("ns/margin-{i:02}"), 5))
            .collect();
        r.pdbs.push(pdb("ns/at-minimum", 2));
        let mut hurt = pdb("ns/zz-violated", 1);
        hurt.violations.push(Violation {
            start: t(900),
            end: Some(t(910)),
            lowest: 1,
            required: 2,
        });
        r.pdbs.push(hurt);
        let text = render(&r);
        let rows: Vec<&str> = text.lines().filter(|l| l.contains("  PDB")).collect();
        assert!(rows[0].contains("PDB ns/zz-violated"), "{text}");
        assert!(rows[1].contains("PDB ns/at-minimum"), "{text}");
        assert!(!text.contains("margin-00"), "{text}");
        assert!(
            text.contains("PDBs             40 more kept a margin above their minimum"),
            "{text}"
        );
        assert_eq!(
            serde_json::to_value(&r).unwrap()["pdbs"]
                .as_array()
                .unwrap()
                .len(),
            42
        );
        // a few PDBs are all shown, the notable first
        r.pdbs.truncate(3);
        r.pdbs.push(pdb("ns/at-minimum", 2));
        let text = render(&r);
        let rows: Vec<&str> = text.lines().filter(|l| l.contains("  PDB ")).collect();
        assert_eq!(rows.len(), 4, "{text}");
        assert!(rows[0].contains("ns/at-minimum"), "{text}");
        assert!(!text.contains("kept a margin"), "{text}");
    }

    #[test]
    fn a_violation_is_named_with_its_time() {
        let mut r = article_report();
        r.pdbs[0].lowest_healthy = Some(7);
        r.pdbs[0].violations.push(Violation {
            start: t(900),
            end: Some(t(901)),
            lowest: 7,
            required: 8,
        });
        assert!(r.violated());
        let text = render(&r);
        assert!(text.contains("violations 1"), "{text}");
        assert!(text.contains("7 healthy of 8 required"), "{text}");
        assert!(text.contains("but a PDB was violated"), "{text}");
    }
}
