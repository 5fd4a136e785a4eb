//! One PodDisruptionBudget followed live: the pods it selects and how many are healthy, counted
//! from the pod events themselves (so a dip that lasts a single event is seen even when the
//! PDB's status never shows it), the lowest healthy count seen, and every moment healthy fell
//! below required — a violation of the availability the PDB promises.

use jiff::Timestamp;
use serde::Serialize;

use crate::disruption::pdb::{desired_healthy, is_healthy};
use crate::facts::model::{PdbFacts, PodFacts};
use crate::k8s::Keyed;

/// One stretch of time with fewer healthy pods than required.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    pub start: Timestamp,
    /// `None` while it lasts.
    pub end: Option<Timestamp>,
    /// The lowest healthy count during it.
    pub lowest: i64,
    pub required: i64,
}

/// A PDB and what was seen of it.
#[derive(Debug, Clone, PartialEq)]
pub struct LivePdb {
    pub facts: PdbFacts,
    /// Non-terminal pods it selects.
    pub matched: i64,
    /// Of those, Ready and not being deleted.
    pub healthy: i64,
    /// The lowest `healthy` seen since it was first judged.
    pub lowest: Option<i64>,
    pub violations: Vec<Violation>,
    /// The healthy count the last feed line reported.
    pub reported: Option<i64>,
}

impl LivePdb {
    pub fn new(facts: PdbFacts) -> Self {
        LivePdb {
            facts,
            matched: 0,
            healthy: 0,
            lowest: None,
            violations: Vec::new(),
            reported: None,
        }
    }

    pub fn key(&self) -> String {
        self.facts.key()
    }

    /// `PDB default/myapp lowest healthy 8 of required 8, 0 violation(s)`.
    pub fn lowest_text(&self) -> String {
        format!(
            "PDB {} lowest healthy {} of required {}, {} violation(s)",
            self.key(),
            self.lowest.unwrap_or(0),
            self.required(),
            self.violations.len()
        )
    }

    /// `default/myapp (2 time(s), lowest 7 of 8 required)`.
    pub fn violation_text(&self) -> String {
        format!(
            "{} ({} time(s), lowest {} of {} required)",
            self.key(),
            self.violations.len(),
            self.lowest.unwrap_or(0),
            self.required()
        )
    }

    /// The pods the disruption controller expects: its status, else the pods selected.
    pub fn expected(&self) -> i64 {
        match &self.facts.status {
            Some(s) if s.expected_pods > 0 => s.expected_pods as i64,
            _ => self.matched,
        }
    }

    /// How many must stay healthy: the status's desiredHealthy, else computed from the spec.
    pub fn required(&self) -> i64 {
        match &self.facts.status {
            Some(s) if s.expected_pods > 0 => s.desired_healthy as i64,
            _ => desired_healthy(&self.facts, self.expected()),
        }
    }

    /// Disruptions allowed now: the status's, else computed.
    pub fn allowed(&self) -> i64 {
        match &self.facts.status {
            Some(s) if s.expected_pods > 0 => s.disruptions_allowed as i64,
            _ => (self.healthy - self.required()).max(0),
        }
    }

    /// Whether `pod` counts for it.
    pub fn selects(&self, pod: &PodFacts) -> bool {
        pod.namespace == self.facts.namespace
            && !pod.is_terminal()
            && self.facts.selects(&pod.labels)
    }

    /// Adds (`sign` 1) or removes (-1) one pod's share.
    pub fn count(&mut self, pod: &PodFacts, sign: i64) {
        if self.selects(pod) {
            self.matched += sign;
            if is_healthy(pod) {
                self.healthy += sign;
            }
        }
    }

    /// The violation in progress, if any.
    pub fn open_violation(&self) -> Option<&Violation> {
        self.violations.last().filter(|v| v.end.is_none())
    }

    /// Judges the current counts at `now`: the lowest seen, and a violation opening or closing.
    /// Returns `Some(true)` when a violation opened, `Some(false)` when one closed.
    pub fn judge(&mut self, now: Timestamp) -> Option<bool> {
        if self.expected() == 0 && self.matched == 0 {
            return None; // selects nothing: nothing is promised
        }
        let (healthy, required) = (self.healthy, self.required());
        self.lowest = Some(self.lowest.map_or(healthy, |l| l.min(healthy)));
        let below = healthy < required;
        match self.violations.last_mut().filter(|v| v.end.is_none()) {
            Some(open) if below => {
                open.lowest = open.lowest.min(healthy);
                None
            }
            Some(open) => {
                open.end = Some(now);
                Some(false)
            }
            None if below => {
                self.violations.push(Violation {
                    start: now,
                    end: None,
                    lowest: healthy,
                    required,
                });
                Some(true)
            }
            None => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{article, kube, pod};

    fn t(s: i64) -> Timestamp {
        Timestamp::from_second(1_700_000_000 + s).unwrap()
    }

    fn myapp() -> LivePdb {
        let mut facts = article();
        LivePdb::new(kube(&mut facts).pdbs[0].clone())
    }

    #[test]
    fn counts_selected_pods_and_catches_a_one_event_dip() {
        let mut p = myapp();
        let app = |i: usize| {
            pod(
                "default",
                &format!("myapp-{i}"),
                &[("app", "myapp")],
                Some("rs"),
                "i-1",
            )
        };
        for i in 0..10 {
            p.count(&app(i), 1);
        }
        p.count(
            &pod("default", "other", &[("app", "x")], Some("rs"), "i-1"),
            1,
        );
        p.count(
            &pod("kube-system", "y", &[("app", "myapp")], Some("rs"), "i-1"),
            1,
        );
        assert_eq!((p.matched, p.healthy, p.required()), (10, 10, 8));
        assert_eq!(p.judge(t(0)), None);
        // three pods deleted at once behind the PDB's back: 7 < 8 for one event
        for i in 0..3 {
            let mut gone = app(i);
            p.count(&gone, -1);
            gone.terminating = true;
            p.count(&gone, 1);
        }
        assert_eq!(p.healthy, 7);
        assert_eq!(p.judge(t(1)), Some(true));
        assert_eq!(p.judge(t(1)), None, "still the same violation");
        // replacements become ready
        for i in 10..13 {
            p.count(&app(i), 1);
        }
        assert_eq!(p.judge(t(2)), Some(false));
        assert_eq!(p.lowest, Some(7));
        assert_eq!(
            p.violations,
            vec![Violation {
                start: t(1),
                end: Some(t(2)),
                lowest: 7,
                required: 8
            }]
        );
    }
}
