//! Choosing and summing up findings: `--only`/`--skip` selection by ID, ID prefix or family,
//! the run's verdict (REFERENCE §6) and per-severity counts. No rendering here.

use serde::{Deserialize, Serialize};

use super::{family_of, Family, Finding, Severity, CATALOGUE};
use crate::outcome::Outcome;

/// Whether `token` (from `--only`/`--skip`) names a check ID, an ID prefix (`pdb`) or a family
/// (`iam`, `kubernetes`), case-insensitively.
pub fn is_known_selector(token: &str) -> bool {
    CATALOGUE.iter().any(|(id, _)| selector_matches(token, id))
}

fn selector_matches(token: &str, id: &str) -> bool {
    let token = token.trim();
    if token.eq_ignore_ascii_case(id) {
        return true;
    }
    if family_of(id).is_some_and(|f| token.eq_ignore_ascii_case(f.name())) {
        return true;
    }
    token.len() == 3 && id.len() > 3 && id[..3].eq_ignore_ascii_case(token)
}

/// Whether check `id` is selected by `only` (all when empty) and not by `skip`.
pub fn selected(id: &str, only: &[String], skip: &[String]) -> bool {
    (only.is_empty() || only.iter().any(|t| selector_matches(t, id)))
        && !skip.iter().any(|t| selector_matches(t, id))
}

/// Keep the findings whose check is selected by `only` (all when empty) and not by `skip`.
/// Tokens are check IDs, 3-letter ID prefixes or family names, case-insensitive.
pub fn filter(findings: Vec<Finding>, only: &[String], skip: &[String]) -> Vec<Finding> {
    findings
        .into_iter()
        .filter(|f| only.is_empty() || only.iter().any(|t| selector_matches(t, &f.id)))
        .filter(|f| !skip.iter().any(|t| selector_matches(t, &f.id)))
        .collect()
}

/// How a preflight run ended (REFERENCE §6): checks failed when any finding FAILs; else
/// incomplete when a Kubernetes check could not look at the cluster (the API or one of its lists
/// was unavailable, and the node rotation's blockers may be hiding there); else done.
pub fn verdict(findings: &[Finding]) -> Outcome {
    if findings.iter().any(|f| f.severity == Severity::Fail) {
        Outcome::ChecksFailed
    } else if findings
        .iter()
        .any(|f| f.unchecked && f.family == Family::Kubernetes)
    {
        Outcome::Incomplete
    } else {
        Outcome::Done
    }
}

/// The worst severity among `findings` (`Pass` when empty).
pub fn worst(findings: &[Finding]) -> Severity {
    findings
        .iter()
        .map(|f| f.severity)
        .max()
        .unwrap_or(Severity::Pass)
}

/// How many findings there are of each severity (for summaries and the JSON output).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub pass: usize,
    pub info: usize,
    pub warn: usize,
    pub fail: usize,
}

/// Count findings per severity.
pub fn summary(findings: &[Finding]) -> Summary {
    let mut s = Summary::default();
    for f in findings {
        match f.severity {
            Severity::Pass => s.pass += 1,
            Severity::Info => s.info += 1,
            Severity::Warn => s.warn += 1,
            Severity::Fail => s.fail += 1,
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::{fixtures, run_all, Family};

    #[test]
    fn filter_by_id_prefix_and_family() {
        let findings = run_all(&fixtures::article());
        let only = filter(findings.clone(), &["pdb001".into()], &[]);
        assert!(!only.is_empty());
        assert!(only.iter().all(|f| f.id == "PDB001"));
        let pdbs = filter(findings.clone(), &["PDB".into()], &[]);
        assert!(pdbs.iter().all(|f| f.id.starts_with("PDB")));
        assert!(pdbs.iter().any(|f| f.id == "PDB004"));
        let iam = filter(findings.clone(), &["IAM".into()], &["iam002".into()]);
        assert!(iam
            .iter()
            .all(|f| f.family == Family::Iam && f.id != "IAM002"));
        assert!(!iam.is_empty());
        let no_kube = filter(findings.clone(), &[], &["kubernetes".into()]);
        assert!(no_kube.iter().all(|f| f.family != Family::Kubernetes));
        assert!(no_kube.len() < findings.len());
        assert!(filter(findings, &["WRK002".into()], &["kubernetes".into()]).is_empty());
    }

    #[test]
    fn known_selectors() {
        assert!(is_known_selector("Wrk002"));
        assert!(is_known_selector(" addons "));
        assert!(is_known_selector("npl"));
        assert!(is_known_selector("K8S"));
        assert!(!is_known_selector("XYZ999"));
        assert!(!is_known_selector("PD"));
        assert!(!is_known_selector("PDB009"));
    }

    #[test]
    fn verdict_worst_and_summary() {
        let pass = Finding::pass("CLU001", "cluster x", "ok");
        let warn = Finding::new("NET001", Severity::Warn, "s", "m");
        let fail = Finding::new("PDB001", Severity::Fail, "s", "m");
        assert_eq!(verdict(&[pass.clone(), warn.clone()]), Outcome::Done);
        assert_eq!(
            verdict(&[pass.clone(), fail.clone()]),
            Outcome::ChecksFailed
        );
        assert_eq!(verdict(&[]), Outcome::Done);
        assert_eq!(worst(&[pass.clone(), warn.clone()]), Severity::Warn);
        assert_eq!(worst(&[]), Severity::Pass);
        assert_eq!(
            summary(&[pass, warn, fail.clone(), fail]),
            Summary {
                pass: 1,
                info: 0,
                warn: 1,
                fail: 2
            }
        );
    }
}
