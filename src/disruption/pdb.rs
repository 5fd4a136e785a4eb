//! PodDisruptionBudget arithmetic as the disruption controller does it (REFERENCE §4): which pods
//! a PDB selects, how many must stay healthy, how many disruptions it allows. Pure; the PDB checks
//! and the live model both use it.

use std::collections::HashMap;

use crate::facts::model::{KubeFacts, PdbFacts, PodFacts};

/// What the disruption controller would compute for one PDB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PdbMath {
    pub expected: i64,
    pub healthy: i64,
    pub desired: i64,
    pub allowed: i64,
}

/// The PDB's rule as written: `maxUnavailable 0`, `minAvailable 80%` (maxUnavailable wins when
/// both are set, as in the disruption controller), or `-`.
pub fn rule_text(pdb: &PdbFacts) -> String {
    match (&pdb.min_available, &pdb.max_unavailable) {
        (_, Some(max)) => format!("maxUnavailable {max}"),
        (Some(min), None) => format!("minAvailable {min}"),
        (None, None) => "-".into(),
    }
}

/// Non-terminal pods per namespace.
pub fn pods_by_namespace(k: &KubeFacts) -> HashMap<&str, Vec<&PodFacts>> {
    let mut map: HashMap<&str, Vec<&PodFacts>> = HashMap::new();
    for p in k.pods.iter().filter(|p| !p.is_terminal()) {
        map.entry(p.namespace.as_str()).or_default().push(p);
    }
    map
}

/// The non-terminal pods `pdb` selects.
pub fn selected<'a>(pdb: &PdbFacts, by_ns: &HashMap<&str, Vec<&'a PodFacts>>) -> Vec<&'a PodFacts> {
    by_ns
        .get(pdb.namespace.as_str())
        .map(|pods| {
            pods.iter()
                .copied()
                .filter(|p| pdb.selects(&p.labels))
                .collect()
        })
        .unwrap_or_default()
}

/// Disruptions the PDB allows: its status when the disruption controller has reported one that
/// accounts for the selected pods, else computed from the pods (REFERENCE §4).
pub fn pdb_math(pdb: &PdbFacts, pods: &[&PodFacts]) -> PdbMath {
    if let Some(s) = pdb
        .status
        .as_ref()
        .filter(|s| s.expected_pods > 0 || pods.is_empty())
    {
        return PdbMath {
            expected: s.expected_pods as i64,
            healthy: s.current_healthy as i64,
            desired: s.desired_healthy as i64,
            allowed: s.disruptions_allowed as i64,
        };
    }
    let expected = pods.len() as i64;
    let healthy = pods.iter().filter(|p| is_healthy(p)).count() as i64;
    compute(pdb, expected, healthy)
}

/// A pod the disruption controller counts as healthy: Ready and not being deleted.
pub fn is_healthy(p: &PodFacts) -> bool {
    p.ready && !p.terminating && !p.is_terminal()
}

/// How many pods must stay healthy out of `expected` (minAvailable as is, percentages rounded
/// up; maxUnavailable subtracted from expected).
pub fn desired_healthy(pdb: &PdbFacts, expected: i64) -> i64 {
    match (&pdb.max_unavailable, &pdb.min_available) {
        (Some(max), _) => (expected - max.scaled(expected)).max(0),
        (None, Some(min)) => min.scaled(expected),
        (None, None) => 0,
    }
}

/// The controller's arithmetic for `expected` pods of which `healthy` are healthy.
pub fn compute(pdb: &PdbFacts, expected: i64, healthy: i64) -> PdbMath {
    let desired = desired_healthy(pdb, expected);
    PdbMath {
        expected,
        healthy,
        desired,
        allowed: (healthy - desired).max(0),
    }
}
