//! Plain feed output that stays readable at any scale. What a person must see is printed at once:
//! PDB violations and recoveries, stalls, watch trouble, completion and timeouts. Progress lines
//! come at most every [`PROGRESS_EVERY`] (the latest counts win). Everything else (node, pod, PDB
//! and Karpenter event lines) is printed as it comes while a person could read it — up to
//! [`BUDGET`] lines in a [`WINDOW`] — and digested past that: the window's lines are counted by
//! subject and event (events by reason and object kind) and said in one line per subject when the
//! window closes. A busy window makes the next one hold its lines until it closes; a quiet one
//! prints them and returns to line-by-line. A busy window's digest repeats the last progress line
//! when none came for [`PROGRESS_EVERY`], so a log keeps a pulse while the counts hold still. A line repeated within [`FOLD_FOR`] is counted, not
//! printed again. Pure: wall time is passed in.

use std::collections::{BTreeMap, HashMap, HashSet};

use jiff::{SignedDuration, Timestamp};

use crate::count::thousands;
use crate::live::line::{Line, Subject};
use crate::output::plain;

/// How long a digest window lasts (wall time).
pub const WINDOW: SignedDuration = SignedDuration::from_secs(5);
/// Lines printed one by one in a window before the rest is digested.
pub const BUDGET: usize = 25;
/// The shortest time between two progress lines (wall time).
pub const PROGRESS_EVERY: SignedDuration = SignedDuration::from_secs(5);
/// How long a printed line is remembered to fold its repeats.
pub const FOLD_FOR: SignedDuration = SignedDuration::from_secs(60);
/// Objects present at the start printed one by one up to this many; past it, counted.
pub const PRESENT_MAX: usize = 500;
/// Groups named in one digest line; the rest are counted together.
const GROUPS_SHOWN: usize = 6;

/// How a feed line is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Printed at once, whatever the rate.
    Urgent,
    /// Ends the feed: everything pending is said first.
    Last,
    /// The rotation's counts: at most every [`PROGRESS_EVERY`].
    Progress,
    /// Printed while readable, digested past that.
    Ordinary,
}

fn class(l: &Line) -> Class {
    match (l.kind, l.event) {
        (Subject::Rotation, "progress") => Class::Progress,
        (Subject::Rotation, "complete" | "timeout") => Class::Last,
        (Subject::Rotation, _) | (Subject::Watch, _) => Class::Urgent,
        (Subject::Pdb, "violated" | "recovered" | "deleted") => Class::Urgent,
        _ => Class::Ordinary,
    }
}

/// The lines of one window, counted.
#[derive(Debug, Default)]
struct Tally {
    /// (subject, group) → how many, and which objects.
    groups: BTreeMap<(Subject, String), (usize, HashSet<String>)>,
}

impl Tally {
    fn add(&mut self, l: &Line) {
        let (group, object) = match l.kind {
            // `Node/i-…` and `DisruptionBlocked: …`: by reason and object kind.
            Subject::Event => {
                let kind = l.name.split('/').next().unwrap_or("").to_lowercase();
                let reason = l.text.split(':').next().unwrap_or("").to_string();
                (format!("{reason}\u{0}{kind}"), l.name.clone())
            }
            _ => (l.event.to_string(), l.name.clone()),
        };
        let entry = self.groups.entry((l.kind, group)).or_default();
        entry.0 += 1;
        entry.1.insert(object);
    }

    fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// One line per subject, at server time `now`.
    fn lines(&self, now: Timestamp, window: SignedDuration) -> Vec<String> {
        let mut by_subject: BTreeMap<Subject, Vec<(&str, usize, usize)>> = BTreeMap::new();
        for ((subject, group), (n, objects)) in &self.groups {
            by_subject
                .entry(*subject)
                .or_default()
                .push((group.as_str(), *n, objects.len()));
        }
        let time = now.strftime("%Y-%m-%dT%H:%M:%SZ");
        by_subject
            .into_iter()
            .map(|(subject, mut groups)| {
                groups.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
                let mut parts: Vec<String> = groups
                    .iter()
                    .take(GROUPS_SHOWN)
                    .map(|&(g, n, objects)| part(subject, g, n, objects))
                    .collect();
                let rest: usize = groups.iter().skip(GROUPS_SHOWN).map(|g| g.1).sum();
                if rest > 0 {
                    parts.push(format!("{} more", thousands(rest)));
                }
                format!(
                    "{time} {} in the last {}s: {}",
                    plural(subject),
                    window.as_secs(),
                    parts.join(" · ")
                )
            })
            .collect()
    }
}

/// `37 joined`, `48 health changes on 30 PDBs`, `DisruptionBlocked ×1,240 on 311 nodes`.
fn part(subject: Subject, group: &str, n: usize, objects: usize) -> String {
    match subject {
        Subject::Event => {
            let (reason, kind) = group.split_once('\u{0}').unwrap_or((group, ""));
            let kind = if kind.is_empty() { "object" } else { kind };
            let s = if objects == 1 { "" } else { "s" };
            format!(
                "{reason} ×{} on {} {kind}{s}",
                thousands(n),
                thousands(objects)
            )
        }
        Subject::Pdb if group == "healthy" => {
            format!(
                "{} health changes on {} PDB{}",
                thousands(n),
                thousands(objects),
                if objects == 1 { "" } else { "s" }
            )
        }
        _ if objects < n => format!(
            "{} {group} ({} {})",
            thousands(n),
            thousands(objects),
            plural(subject)
        ),
        _ => format!("{} {group}", thousands(n)),
    }
}

fn plural(s: Subject) -> &'static str {
    match s {
        Subject::Node => "nodes",
        Subject::Pod => "pods",
        Subject::Pdb => "PDBs",
        Subject::NodePool => "node pools",
        Subject::Event => "events",
        Subject::Watch => "watches",
        Subject::Rotation => "rotation lines",
    }
}

/// The digest of one feed, between two instants.
#[derive(Debug, Default)]
pub struct Digest {
    /// When the current window opened (wall time).
    opened: Option<Timestamp>,
    /// Lines printed one by one in this window, and lines seen in it (repeats included).
    passed: usize,
    seen: usize,
    /// This window went past the budget.
    overflowed: bool,
    /// The last window went past the budget: this one holds its lines until it closes.
    busy: bool,
    held: Vec<Line>,
    tally: Tally,
    /// Sentences printed lately, with when (wall time): their repeats are counted.
    printed: HashMap<String, Timestamp>,
    /// The latest progress line not printed yet, and when the last one was (wall time).
    progress: Option<Line>,
    progress_at: Option<Timestamp>,
    /// The last progress line printed: said again with a busy window's digest when it is older
    /// than [`PROGRESS_EVERY`], so a log keeps its pulse while the counts hold still.
    progress_said: Option<Line>,
    /// The newest server time seen on a line (digest lines are stamped with it).
    newest: Option<Timestamp>,
}

impl Digest {
    pub fn new() -> Digest {
        Digest::default()
    }

    /// Lines from the feed at wall time `local`; returns what to print now.
    pub fn push(&mut self, lines: Vec<Line>, local: Timestamp) -> Vec<String> {
        let mut out = self.tick(local);
        for l in lines {
            self.newest = Some(self.newest.map_or(l.time, |t| t.max(l.time)));
            match class(&l) {
                Class::Urgent => out.push(plain(&l)),
                Class::Last => {
                    out.extend(self.finish(local));
                    out.push(plain(&l));
                }
                Class::Progress if self.progress_due(local) => {
                    self.progress = None;
                    out.push(self.said(l, local));
                }
                Class::Progress => self.progress = Some(l),
                Class::Ordinary => self.ordinary(l, local, &mut out),
            }
        }
        out
    }

    /// Time passing (at least once a second): closes the window when it is over and prints a
    /// held progress line when it is due.
    pub fn tick(&mut self, local: Timestamp) -> Vec<String> {
        let mut out = Vec::new();
        if self
            .opened
            .is_some_and(|t| local.duration_since(t) >= WINDOW)
        {
            let busy = self.heavy();
            out.extend(self.close(local));
            self.opened = None;
            self.printed
                .retain(|_, at| local.duration_since(*at) < FOLD_FOR);
            if busy && self.progress.is_none() {
                self.progress = self.progress_said.clone().map(|mut again| {
                    again.time = self.newest.unwrap_or(again.time);
                    again
                });
            }
        }
        if self.progress.is_some() && self.progress_due(local) {
            if let Some(l) = self.progress.take() {
                out.push(self.said(l, local));
            }
        }
        out
    }

    /// Everything pending, now (the feed ends).
    pub fn finish(&mut self, local: Timestamp) -> Vec<String> {
        let mut out = self.close(local);
        self.opened = None;
        self.busy = false;
        if let Some(l) = self.progress.take() {
            out.push(self.said(l, local));
        }
        out
    }

    /// The objects present at the start: one line each, or counted past [`PRESENT_MAX`].
    pub fn present(lines: &[Line]) -> Vec<String> {
        if lines.len() <= PRESENT_MAX {
            return lines.iter().map(plain).collect();
        }
        let mut by: BTreeMap<(Subject, &str), usize> = BTreeMap::new();
        for l in lines {
            let status = l.text.split([' ', ',']).next().unwrap_or("");
            *by.entry((l.kind, status)).or_default() += 1;
        }
        let time = lines[0].time.strftime("%Y-%m-%dT%H:%M:%SZ");
        let mut subjects: BTreeMap<Subject, Vec<String>> = BTreeMap::new();
        for ((subject, status), n) in by {
            subjects
                .entry(subject)
                .or_default()
                .push(format!("{} {status}", thousands(n)));
        }
        subjects
            .into_iter()
            .map(|(subject, parts)| {
                let n = lines.iter().filter(|l| l.kind == subject).count();
                format!(
                    "{time} {} present: {} ({}); --once lists each",
                    plural(subject),
                    thousands(n),
                    parts.join(", ")
                )
            })
            .collect()
    }

    fn progress_due(&self, local: Timestamp) -> bool {
        self.progress_at
            .is_none_or(|t| local.duration_since(t) >= PROGRESS_EVERY)
    }

    /// A progress line, printed now.
    fn said(&mut self, l: Line, local: Timestamp) -> String {
        self.progress_at = Some(local);
        let text = plain(&l);
        self.progress_said = Some(l);
        text
    }

    fn ordinary(&mut self, l: Line, local: Timestamp, out: &mut Vec<String>) {
        self.opened.get_or_insert(local);
        self.seen += 1;
        let sentence = l.sentence();
        if self.printed.contains_key(&sentence) {
            self.tally.add(&l);
        } else if self.busy {
            if self.held.len() < BUDGET {
                self.held.push(l);
            } else {
                self.overflowed = true;
                self.tally.add(&l);
            }
        } else if self.passed < BUDGET {
            self.passed += 1;
            self.printed.insert(sentence, local);
            out.push(plain(&l));
        } else {
            self.overflowed = true;
            self.tally.add(&l);
        }
    }

    /// The window's end: held lines printed when they were few, or counted with the rest. A
    /// window past its budget makes the next one busy; one within it ends that.
    fn close(&mut self, local: Timestamp) -> Vec<String> {
        let now = self.newest.unwrap_or_else(Timestamp::now);
        let mut out = Vec::new();
        let held = std::mem::take(&mut self.held);
        if self.overflowed {
            for l in &held {
                self.tally.add(l);
            }
        } else {
            for l in held {
                out.push(plain(&l));
                self.printed.insert(l.sentence(), local);
            }
        }
        self.busy = self.heavy();
        if !self.tally.is_empty() {
            out.extend(self.tally.lines(now, WINDOW));
        }
        self.tally = Tally::default();
        self.passed = 0;
        self.seen = 0;
        self.overflowed = false;
        out
    }

    /// This window came faster than a person reads (past the budget, repeats included).
    fn heavy(&self) -> bool {
        self.overflowed || self.seen > BUDGET
    }
}

#[cfg(test)]
#[path = "digest_tests.rs"]
mod tests;
