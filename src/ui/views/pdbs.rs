//! `eksauto watch pdb`: one row per PodDisruptionBudget — what it requires, how many pods are
//! healthy (counted from the pods themselves), what it allows now, the lowest healthy count seen
//! and how many times healthy fell below required.

use super::{Scene, View};
use crate::live::line::Subject;
use crate::live::Kind;
use serde::Serialize;

use super::nodes::assemble;
use crate::disruption::pdb::rule_text;
use crate::live::pdb::Violation;
use crate::live::{Line, State};
use crate::ui::live::{feed_line, grid_fitted, trouble_lines, Screen};

/// One PDB row.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PdbRow {
    pub namespace: String,
    pub name: String,
    /// `minAvailable 80%`, `maxUnavailable 1`.
    pub rule: String,
    pub expected: i64,
    pub required: i64,
    pub healthy: i64,
    pub allowed: i64,
    pub lowest: Option<i64>,
    pub violations: Vec<Violation>,
}

pub fn rows(s: &State) -> Vec<PdbRow> {
    s.pdbs()
        .values()
        .map(|p| PdbRow {
            namespace: p.facts.namespace.clone(),
            name: p.facts.name.clone(),
            rule: rule_text(&p.facts),
            expected: p.expected(),
            required: p.required(),
            healthy: p.healthy,
            allowed: p.allowed(),
            lowest: p.lowest,
            violations: p.violations.clone(),
        })
        .collect()
}

/// The PDB table's lines (also part of the rotation view), fitted to `width`: the least useful
/// columns go first (EXPECTED, RULE, LOWEST, HEALTHY); the PDB, what it requires and allows, and
/// its violations stay.
pub fn table(s: &State, width: usize) -> Vec<String> {
    grid_fitted(
        &[
            "PDB",
            "RULE",
            "EXPECTED",
            "REQUIRED",
            "HEALTHY",
            "ALLOWED",
            "LOWEST",
            "VIOLATIONS",
        ],
        rows(s)
            .into_iter()
            .map(|r| {
                vec![
                    crate::k8s::key(&r.namespace, &r.name),
                    r.rule,
                    r.expected.to_string(),
                    r.required.to_string(),
                    r.healthy.to_string(),
                    r.allowed.to_string(),
                    r.lowest.map_or("-".into(), |l| l.to_string()),
                    r.violations.len().to_string(),
                ]
            })
            .collect(),
        width,
        &["EXPECTED", "RULE", "LOWEST", "HEALTHY"],
    )
}

pub fn frame(scene: &Scene, screen: Screen) -> Vec<String> {
    let Scene {
        state: s,
        cx,
        now,
        recent,
        ..
    } = *scene;
    let violated = s
        .pdbs()
        .values()
        .filter(|p| !p.violations.is_empty())
        .count();
    let mut head = vec![format!(
        "{} · {} PDBs, {} violated since start · live {}",
        cx.title(),
        s.pdbs().len(),
        violated,
        now.strftime("%H:%M:%S")
    )];
    head.extend(trouble_lines(s));
    assemble(
        head,
        Vec::new(),
        table(s, screen.width),
        0,
        recent.iter().map(feed_line).collect(),
        screen,
        "PDBs",
    )
}

/// `watch pdb`.
pub struct PdbsView;

impl View for PdbsView {
    fn kinds(&self) -> &'static [Kind] {
        &[Kind::Pdbs, Kind::Pods]
    }

    fn first_frame_needs(&self) -> &'static [Kind] {
        &[Kind::Pdbs, Kind::Pods]
    }

    fn shows(&self, l: &Line) -> bool {
        matches!(l.kind, Subject::Pdb | Subject::Watch)
    }

    fn frame(&self, scene: &Scene, screen: Screen) -> Vec<String> {
        frame(scene, screen)
    }

    fn snapshot(&self, scene: &Scene) -> serde_json::Value {
        serde_json::json!({ "pdbs": rows(scene.state) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::pdb;
    use crate::k8s::LabelSelector;
    use crate::live::{Change, Kind, Object};

    #[test]
    fn a_narrow_table_drops_the_least_useful_columns_first() {
        let mut s = State::new(None, jiff::Timestamp::UNIX_EPOCH);
        s.apply(Change::Relist(Kind::Pdbs), jiff::Timestamp::UNIX_EPOCH);
        let p = pdb(
            "default",
            "a-rather-long-pdb-name",
            LabelSelector::labels([("app", "myapp")]),
            Some("80%"),
            None,
        );
        s.apply(Change::Listed(Object::Pdb(p)), jiff::Timestamp::UNIX_EPOCH);
        s.apply(Change::Synced(Kind::Pdbs), jiff::Timestamp::UNIX_EPOCH);
        let wide = table(&s, 200);
        assert!(
            wide[0].contains("EXPECTED") && wide[0].contains("RULE"),
            "{wide:?}"
        );
        let narrow = table(&s, 62);
        assert!(narrow.iter().all(|l| l.chars().count() <= 62), "{narrow:?}");
        for kept in ["PDB", "REQUIRED", "ALLOWED", "VIOLATIONS"] {
            assert!(narrow[0].contains(kept), "{kept} dropped: {narrow:?}");
        }
        assert!(!narrow[0].contains("EXPECTED"), "{narrow:?}");
        assert!(
            narrow[1].starts_with("default/a-rather-long-pdb-name"),
            "{narrow:?}"
        );
    }
}
