//! The rotation policy: from the live state at one instant, what a person must be told about a
//! node rotation (progress when its counts move, a stall with its reasons when nothing moved for
//! `stall_after`, said again only when the reasons change, each PDB's lowest point and the
//! verdict at the end) and whether it is over. Used alike by `watch rotation` and `upgrade`. Pure:
//! time is passed in twice — the server's clock (as the state keeps it) for what is shown, and
//! wall time for the stall timer, which must not jump when the server's clock is learned.

use jiff::{SignedDuration, Timestamp};

use super::line::{Line, Subject};
use super::rotation::{self, Moment, Rotation};
use super::State;
use crate::version::Minor;

/// What a rotation is followed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Goal {
    pub target: Minor,
    /// How long without movement counts as stalled.
    pub stall_after: SignedDuration,
}

/// The rotation reached its goal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Completion {
    /// A PDB was violated on the way.
    pub violated: bool,
}

/// What the policy remembers between two instants.
#[derive(Debug, Clone)]
pub struct Policy {
    goal: Goal,
    /// The last progress line's text.
    last_progress: Option<String>,
    /// The reasons the last stall line gave.
    stall_reported: Option<Vec<String>>,
    /// Seconds stalled in stretches that ended, and when the current one began.
    stalled_secs: i64,
    stalled_since: Option<Timestamp>,
    /// When the policy first looked (server time).
    began: Option<Timestamp>,
    /// The state's last move when the policy first saw it, and the wall time it saw it at.
    last_move: Option<(Option<Timestamp>, Timestamp)>,
}

impl Policy {
    pub fn new(goal: Goal) -> Policy {
        Policy {
            goal,
            last_progress: None,
            stall_reported: None,
            stalled_secs: 0,
            stalled_since: None,
            began: None,
            last_move: None,
        }
    }

    /// The rotation at server time `now`, wall time `local`.
    pub fn read(&self, s: &State, now: Timestamp, local: Timestamp) -> Rotation {
        let moved = s.progress().last_progress;
        let idle = match self.last_move {
            Some((seen, at)) if seen == moved => local.duration_since(at),
            _ => SignedDuration::ZERO,
        };
        let at = Moment {
            now,
            began: self.began.unwrap_or(now),
            idle,
        };
        rotation::read(s, self.goal.target, at, self.goal.stall_after)
    }

    /// The lines this instant calls for, and the completion when every node runs the target.
    /// The stall timer runs on wall time from the last move the policy saw (or its first look).
    pub fn step(
        &mut self,
        s: &State,
        now: Timestamp,
        local: Timestamp,
    ) -> (Vec<Line>, Option<Completion>) {
        self.began.get_or_insert(now);
        let moved = s.progress().last_progress;
        if self.last_move.is_none_or(|(seen, _)| seen != moved) {
            self.last_move = Some((moved, local));
        }
        let r = self.read(s, now, local);
        let mut lines = Vec::new();
        // Said again whenever it reads differently: nodes, drains, pods moved, PDBs at their
        // minimum, violations (the plain output's digest spaces them out).
        let progress = rotation::progress_text(s, &r);
        if self.last_progress.as_ref() != Some(&progress) {
            self.last_progress = Some(progress.clone());
            lines.push(self.line(now, "progress", progress));
        }
        self.stall(s, &r, now, local, &mut lines);
        if !r.complete {
            return (lines, None);
        }
        let violated = s.pdbs().values().any(|p| !p.violations.is_empty());
        for p in s.pdbs().values().filter(|p| p.lowest.is_some()) {
            lines.push(self.line(now, "pdb", p.lowest_text()));
        }
        let verdict = if violated {
            let names: Vec<String> = s
                .pdbs()
                .values()
                .filter(|p| !p.violations.is_empty())
                .map(|p| p.violation_text())
                .collect();
            format!(
                "every node runs {}; PDB violated: {}",
                r.target,
                names.join(", ")
            )
        } else {
            format!("every node runs {}; no PDB was violated", r.target)
        };
        lines.push(self.line(now, "complete", verdict));
        (lines, Some(Completion { violated }))
    }

    /// The line said when the deadline passes.
    pub fn timed_out(&self, now: Timestamp) -> Line {
        self.line(
            now,
            "timeout",
            "timed out before every node ran the target".into(),
        )
    }

    /// Seconds stalled so far (wall time), the current stretch included.
    pub fn stalled_total(&self, local: Timestamp) -> i64 {
        self.stalled_secs
            + self
                .stalled_since
                .map_or(0, |t| local.duration_since(t).as_secs().max(0))
    }

    fn stall(
        &mut self,
        s: &State,
        r: &Rotation,
        now: Timestamp,
        local: Timestamp,
        lines: &mut Vec<Line>,
    ) {
        let Some(idle) = r.stalled_for else {
            if self.stall_reported.take().is_some() {
                self.stalled_secs = self.stalled_total(local);
                self.stalled_since = None;
            }
            return;
        };
        let why = rotation::blockers(s, r);
        // Karpenter's events repeat: the reasons changed only if the rest did.
        let key: Vec<String> = why
            .iter()
            .filter(|w| !w.starts_with("karpenter: "))
            .cloned()
            .collect();
        if self.stall_reported.as_ref() == Some(&key) {
            return;
        }
        if self.stall_reported.is_none() {
            self.stalled_since = Some(local - SignedDuration::from_secs(idle));
        }
        let text = format!(
            "stalled {}s — why: {}",
            idle,
            if why.is_empty() {
                "nothing found that blocks it".into()
            } else {
                why.join("; ")
            }
        );
        self.stall_reported = Some(key);
        lines.push(self.line(now, "stalled", text));
    }

    fn line(&self, now: Timestamp, event: &'static str, text: String) -> Line {
        Line::new(
            now,
            Subject::Rotation,
            event,
            self.goal.target.to_string(),
            text,
        )
    }
}
