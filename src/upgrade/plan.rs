//! The upgrade plan, from the preflight's facts and findings: current → target, the control-plane
//! step, then per NodePool the nodes Auto Mode will replace and how many its Drifted budget lets go
//! at once, the PDBs that gate the rotation with what they allow now, do-not-disrupt pods, the
//! preflight's warnings, and an estimate of how long it takes. Pure; rendered as text or JSON.

use std::collections::HashSet;

use serde::Serialize;

use crate::checks::{Finding, Severity};
use crate::disruption::budget::{drift_allowance, old_nodes, pool_nodes};
use crate::disruption::node::is_old;
use crate::disruption::pdb::{pdb_math, pods_by_namespace, rule_text, selected};
use crate::facts::model::{Facts, Gathered, KubeFacts};
use crate::k8s::Keyed;
use crate::ui::row;
use crate::version::Minor;

/// Typical control-plane update time, and the range users report (REFERENCE §7).
const CONTROL_PLANE_MINUTES: (u32, u32, u32) = (10, 8, 60);
/// About how long one batch of replacements takes (launch, Ready, drain, terminate).
const MINUTES_PER_BATCH: u32 = 6;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    pub cluster: String,
    pub region: String,
    pub current: String,
    pub target: Minor,
    pub preflight: PreflightSummary,
    /// `None` when the control plane already runs the target.
    pub control_plane: Option<ControlPlaneStep>,
    pub node_pools: Vec<PoolStep>,
    pub pdbs: Vec<PdbGate>,
    pub do_not_disrupt_pods: Vec<String>,
    pub estimate_minutes: Estimate,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PreflightSummary {
    pub fail: usize,
    pub warn: usize,
    /// `ID subject: message`, FAILs first.
    pub findings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ControlPlaneStep {
    pub operation: &'static str,
    pub version: Minor,
    pub force: bool,
    pub typical_minutes: u32,
    pub range_minutes: (u32, u32),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PoolStep {
    pub name: String,
    pub nodes: usize,
    pub to_replace: usize,
    /// The Drifted budgets as written (`10%`, `0`).
    pub budgets: Vec<String>,
    /// Nodes the always-active budgets let go at once.
    pub at_once: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PdbGate {
    pub name: String,
    pub rule: String,
    pub expected: i64,
    pub required: i64,
    pub allowed_now: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Estimate {
    pub control_plane: u32,
    pub nodes: u32,
}

/// Builds the plan; `force` is `--force`.
pub fn build(facts: &Facts, findings: &[Finding], force: bool) -> Plan {
    let target = facts.target_version;
    let control_plane =
        (Minor::parse(&facts.cluster.version) != Some(target)).then_some(ControlPlaneStep {
            operation: "UpdateClusterVersion",
            version: target,
            force,
            typical_minutes: CONTROL_PLANE_MINUTES.0,
            range_minutes: (CONTROL_PLANE_MINUTES.1, CONTROL_PLANE_MINUTES.2),
        });
    let (node_pools, pdbs, do_not_disrupt_pods) = match &facts.kube {
        Gathered::Ok(k) => (
            pool_steps(k, target),
            pdb_gates(k, target),
            pinned_pods(k, target),
        ),
        Gathered::Unavailable(_) => (Vec::new(), Vec::new(), Vec::new()),
    };
    Plan {
        cluster: facts.cluster.name.clone(),
        region: facts.cluster.region.clone(),
        current: facts.cluster.version.clone(),
        target,
        preflight: preflight_summary(findings),
        estimate_minutes: Estimate {
            control_plane: if control_plane.is_some() {
                CONTROL_PLANE_MINUTES.0
            } else {
                0
            },
            nodes: batches(&node_pools) * MINUTES_PER_BATCH,
        },
        control_plane,
        node_pools,
        pdbs,
        do_not_disrupt_pods,
    }
}

/// Per NodePool: its nodes, those to replace, and how many its Drifted budgets let go at once.
fn pool_steps(k: &KubeFacts, target: Minor) -> Vec<PoolStep> {
    k.node_pools
        .iter()
        .map(|pool| {
            let nodes = pool_nodes(k, &pool.name);
            let old = old_nodes(&nodes, Some(target));
            PoolStep {
                name: pool.name.clone(),
                nodes: nodes.len(),
                to_replace: old.len(),
                budgets: pool
                    .budgets
                    .iter()
                    .filter(|b| b.applies_to("Drifted"))
                    .map(|b| b.nodes.clone())
                    .collect(),
                at_once: drift_allowance(pool, nodes.len() as u32),
            }
        })
        .collect()
}

/// The names of the nodes the upgrade to `target` replaces.
fn old_names(k: &KubeFacts, target: Minor) -> HashSet<&str> {
    k.nodes
        .iter()
        .filter(|n| is_old(&n.kubelet_version, target))
        .map(|n| n.name.as_str())
        .collect()
}

/// The PDBs that select pods on nodes to replace, with what they allow now.
fn pdb_gates(k: &KubeFacts, target: Minor) -> Vec<PdbGate> {
    let old = old_names(k, target);
    let by_ns = pods_by_namespace(k);
    let mut gates = Vec::new();
    for pdb in &k.pdbs {
        let pods = selected(pdb, &by_ns);
        if !pods
            .iter()
            .any(|p| p.node.as_deref().is_some_and(|n| old.contains(n)))
        {
            continue;
        }
        let m = pdb_math(pdb, &pods);
        gates.push(PdbGate {
            name: pdb.key(),
            rule: rule_text(pdb),
            expected: m.expected,
            required: m.desired,
            allowed_now: m.allowed,
        });
    }
    gates
}

/// do-not-disrupt pods on nodes to replace, sorted.
fn pinned_pods(k: &KubeFacts, target: Minor) -> Vec<String> {
    let old = old_names(k, target);
    let mut pods: Vec<String> = k
        .pods
        .iter()
        .filter(|p| p.do_not_disrupt && p.node.as_deref().is_some_and(|n| old.contains(n)))
        .map(|p| p.key())
        .collect();
    pods.sort();
    pods
}

/// Rounds of replacement the slowest NodePool needs.
fn batches(pools: &[PoolStep]) -> u32 {
    pools
        .iter()
        .filter(|p| p.to_replace > 0)
        .map(|p| (p.to_replace as u32).div_ceil(p.at_once.max(1)))
        .max()
        .unwrap_or(0)
}

/// FAIL and WARN counts, and their findings, FAILs first.
fn preflight_summary(findings: &[Finding]) -> PreflightSummary {
    let count = |sev: Severity| findings.iter().filter(|f| f.severity == sev).count();
    let mut listed: Vec<&Finding> = findings
        .iter()
        .filter(|f| matches!(f.severity, Severity::Fail | Severity::Warn))
        .collect();
    listed.sort_by_key(|f| f.severity != Severity::Fail);
    PreflightSummary {
        fail: count(Severity::Fail),
        warn: count(Severity::Warn),
        findings: listed
            .iter()
            .map(|f| format!("{} {}: {}", f.id, f.subject, f.message))
            .collect(),
    }
}

/// The plan for people.
pub fn render(p: &Plan) -> String {
    let mut out = format!(
        "Upgrade {} {} → {} ({})\n",
        p.cluster, p.current, p.target, p.region
    );
    row(&mut out, "preflight", preflight_text(p));
    let control_plane = match &p.control_plane {
        Some(c) => format!(
            "{} {}{} ({}–{} min)",
            c.operation,
            c.version,
            if c.force { " --force" } else { "" },
            c.range_minutes.0,
            c.range_minutes.1
        ),
        None => format!("already on {}", p.target),
    };
    row(&mut out, "control plane", control_plane);
    row(&mut out, "then Auto Mode", nodes_text(p));
    for g in &p.pdbs {
        row(
            &mut out,
            "gated by",
            format!(
                "PDB {} ({}: {} of {} may move at once now, {} must stay)",
                g.name, g.rule, g.allowed_now, g.expected, g.required
            ),
        );
    }
    if !p.do_not_disrupt_pods.is_empty() {
        row(&mut out, "do-not-disrupt", p.do_not_disrupt_pods.join(", "));
    }
    for f in &p.preflight.findings {
        row(&mut out, "preflight says", f.clone());
    }
    row(
        &mut out,
        "estimate",
        format!(
            "control plane ~{} min, nodes ~{} min",
            p.estimate_minutes.control_plane, p.estimate_minutes.nodes
        ),
    );
    out
}

/// `0 FAIL, 2 WARN (WRK002, WRK003)`.
fn preflight_text(p: &Plan) -> String {
    let ids: Vec<&str> = p
        .preflight
        .findings
        .iter()
        .filter_map(|f| f.split_whitespace().next())
        .collect();
    format!(
        "{} FAIL, {} WARN{}",
        p.preflight.fail,
        p.preflight.warn,
        if ids.is_empty() {
            String::new()
        } else {
            format!(" ({})", dedup(&ids).join(", "))
        }
    )
}

/// `replaces 1 node(s) (general-purpose: 1, budget 10% → 1 at a time)`.
fn nodes_text(p: &Plan) -> String {
    let replaced: usize = p.node_pools.iter().map(|n| n.to_replace).sum();
    let pools: Vec<String> = p
        .node_pools
        .iter()
        .filter(|n| n.to_replace > 0)
        .map(|n| {
            format!(
                "{}: {}, budget {} → {} at a time",
                n.name,
                n.to_replace,
                if n.budgets.is_empty() {
                    "none".into()
                } else {
                    n.budgets.join(", ")
                },
                n.at_once
            )
        })
        .collect();
    format!(
        "replaces {replaced} node(s){}",
        if pools.is_empty() {
            String::new()
        } else {
            format!(" ({})", pools.join("; "))
        }
    )
}

fn dedup<'a>(ids: &[&'a str]) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for id in ids {
        if !out.contains(id) {
            out.push(id);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::article;

    #[test]
    fn the_articles_plan() {
        let facts = article();
        let findings = crate::checks::run_all(&facts);
        let p = build(&facts, &findings, false);
        assert_eq!(p.control_plane.as_ref().unwrap().version, Minor::new(1, 31));
        let gp = p
            .node_pools
            .iter()
            .find(|n| n.name == "general-purpose")
            .unwrap();
        assert_eq!((gp.to_replace, gp.at_once), (1, 1));
        assert_eq!(p.pdbs.len(), 1);
        assert_eq!((p.pdbs[0].allowed_now, p.pdbs[0].required), (2, 8));
        assert_eq!(
            p.estimate_minutes,
            Estimate {
                control_plane: 10,
                nodes: 6
            }
        );
        let text = render(&p);
        assert!(
            text.starts_with("Upgrade interesting-funk-otter 1.30 → 1.31"),
            "{text}"
        );
        assert!(
            text.contains("replaces 1 node(s) (general-purpose: 1, budget 10% → 1 at a time)"),
            "{text}"
        );
        assert!(
            text.contains(
                "PDB default/myapp (minAvailable 80%: 2 of 10 may move at once now, 8 must stay)"
            ),
            "{text}"
        );
    }
}
