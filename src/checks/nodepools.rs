//! NodePool checks: NPL001 (disruption budgets that stop drifted nodes from being replaced),
//! NPL002 (limits that leave no room for a replacement node), NPL003 (expireAfter beyond 21 days).
//! Budget math follows Karpenter: percentages round up, the most restrictive active budget wins.
//! Each pool is judged by the nodes it owns now (label `karpenter.sh/nodepool`): a FAIL means a
//! node of this cluster will not be replaced; a pool with no node to replace gets at most a WARN.

use crate::disruption::budget::{drift_allowance, old_nodes, pool_nodes};
use crate::duration::parse_go as parse_go_duration;

use super::{with_kube, Finding, Severity};
use crate::facts::model::{Facts, KubeList, NodeFacts};
use crate::k8s::IntOrPercent;

/// Auto Mode replaces every node after at most 21 days.
const MAX_NODE_LIFETIME_SECS: u64 = 21 * 24 * 3600;

/// NPL001: budgets that allow 0 nodes for drift (always → FAIL, during a schedule → WARN), or
/// have no room left right now.
pub fn npl001(f: &Facts) -> Vec<Finding> {
    let target = Some(f.target_version);
    with_kube(f, "NPL001", &[KubeList::NodePools, KubeList::Nodes], |k| {
        let mut out = Vec::new();
        for pool in &k.node_pools {
            let subject = format!("nodepool {}", pool.name);
            let nodes = pool_nodes(k, &pool.name);
            let total = nodes.len() as u32;
            let old = old_nodes(&nodes, target).len();
            let mut static_problem = false;
            for b in pool.budgets.iter().filter(|b| b.applies_to("Drifted")) {
                let reasons = b
                    .reasons
                    .as_ref()
                    .map(|r| format!(" for {}", r.join(",")))
                    .unwrap_or_default();
                let parsed = match IntOrPercent::parse(&b.nodes) {
                    Ok(v) => v,
                    Err(e) => {
                        static_problem = true;
                        out.push(
                            Finding::new("NPL001", Severity::Warn, &subject, format!("budget {e}"))
                                .fix(
                                    "Set budget nodes to an integer or a percentage like \"10%\".",
                                ),
                        );
                        continue;
                    }
                };
                if !parsed.is_zero() {
                    continue;
                }
                static_problem = true;
                let fix = format!(
                    "Allow at least one node for reason Drifted, e.g. kubectl patch nodepool {} --type merge \
                     -p '{{\"spec\":{{\"disruption\":{{\"budgets\":[{{\"nodes\":\"10%\"}}]}}}}}}'",
                    pool.name
                );
                match &b.schedule {
                    None if old == 0 => out.push(
                        Finding::new(
                            "NPL001",
                            Severity::Warn,
                            &subject,
                            format!(
                                "budget nodes={}{reasons} would block replacing drifted nodes: the pool has no node to replace now ({total} on the target), but nodes it launches later could never be replaced for drift",
                                b.nodes
                            ),
                        )
                        .fix(fix),
                    ),
                    None => out.push(
                        Finding::new(
                            "NPL001",
                            Severity::Fail,
                            &subject,
                            format!(
                                "budget nodes={}{reasons} holds back {old} of the pool's {total} node(s): they will not be replaced and keep the old version",
                                b.nodes
                            ),
                        )
                        .fix(fix),
                    ),
                    Some(schedule) => out.push(
                        Finding::new(
                            "NPL001",
                            Severity::Warn,
                            &subject,
                            format!(
                                "budget nodes={}{reasons} blocks node replacement during its window (schedule \"{schedule}\" for {})",
                                b.nodes,
                                b.duration.as_deref().unwrap_or("?")
                            ),
                        )
                        .fix("Upgrade outside the window, or expect node rotation to pause while it is active."),
                    ),
                }
            }
            if static_problem || old == 0 {
                continue;
            }
            let busy = nodes.iter().filter(|n| n.deleting || !n.ready).count() as u32;
            let allowance = drift_allowance(pool, total);
            if allowance <= busy {
                out.push(
                    Finding::new(
                        "NPL001",
                        Severity::Warn,
                        &subject,
                        format!(
                            "budget allows {allowance} of {total} node(s) and {busy} are already deleting or NotReady: no disruption left now"
                        ),
                    )
                    .fix("Wait for the pool's nodes to settle (kubectl get nodes -l karpenter.sh/nodepool), then re-run."),
                );
            }
        }
        if out.is_empty() {
            out.push(Finding::pass(
                "NPL001",
                "nodepools",
                format!(
                    "{} NodePool budget set(s) allow drifted nodes to be replaced",
                    k.node_pools.len()
                ),
            ));
        }
        out
    })
}

/// NPL002: NodePool cpu/memory limits leave room for one replacement node (the size of the
/// pool's largest node).
pub fn npl002(f: &Facts) -> Vec<Finding> {
    let target = Some(f.target_version);
    with_kube(f, "NPL002", &[KubeList::NodePools, KubeList::Nodes], |k| {
        let mut out = Vec::new();
        for pool in &k.node_pools {
            let nodes = pool_nodes(k, &pool.name);
            // Nothing of this pool is replaced: no replacement node has to fit.
            if old_nodes(&nodes, target).is_empty() {
                continue;
            }
            let cap_cpu = |n: &NodeFacts| {
                if n.cpu_capacity_millis > 0 {
                    n.cpu_capacity_millis
                } else {
                    n.cpu_allocatable_millis
                }
            };
            let cap_mem = |n: &NodeFacts| {
                if n.memory_capacity_bytes > 0 {
                    n.memory_capacity_bytes
                } else {
                    n.memory_allocatable_bytes
                }
            };
            let checks = [
                (
                    "cpu",
                    pool.limits.cpu_millis,
                    pool.usage
                        .cpu_millis
                        .unwrap_or_else(|| nodes.iter().map(|n| cap_cpu(n)).sum()),
                    nodes.iter().map(|n| cap_cpu(n)).max().unwrap_or(0),
                    fmt_cpu as fn(u64) -> String,
                ),
                (
                    "memory",
                    pool.limits.memory_bytes,
                    pool.usage
                        .memory_bytes
                        .unwrap_or_else(|| nodes.iter().map(|n| cap_mem(n)).sum()),
                    nodes.iter().map(|n| cap_mem(n)).max().unwrap_or(0),
                    fmt_mem as fn(u64) -> String,
                ),
            ];
            for (what, limit, used, need, fmt) in checks {
                let Some(limit) = limit else { continue };
                if used.saturating_add(need) > limit {
                    out.push(
                        Finding::new(
                            "NPL002",
                            Severity::Fail,
                            format!("nodepool {}", pool.name),
                            format!(
                                "{what} limit {} with {} in use leaves {} free, less than one replacement node ({})",
                                fmt(limit),
                                fmt(used),
                                fmt(limit.saturating_sub(used)),
                                fmt(need)
                            ),
                        )
                        .fix(format!(
                            "Raise spec.limits.{what} of NodePool {} by at least {} for the upgrade.",
                            pool.name,
                            fmt(need)
                        )),
                    );
                }
            }
        }
        if out.is_empty() {
            out.push(Finding::pass(
                "NPL002",
                "nodepools",
                "NodePool limits leave room for a replacement node",
            ));
        }
        out
    })
}

fn fmt_cpu(millis: u64) -> String {
    if millis % 1000 == 0 {
        format!("{} cpu", millis / 1000)
    } else {
        format!("{millis}m cpu")
    }
}

fn fmt_mem(bytes: u64) -> String {
    format!("{:.1}Gi", bytes as f64 / (1u64 << 30) as f64)
}

/// NPL003: expireAfter `Never` or longer than 21 days (Auto Mode caps node lifetime) → INFO.
pub fn npl003(f: &Facts) -> Vec<Finding> {
    with_kube(f, "NPL003", &[KubeList::NodePools], |k| {
        let mut out = Vec::new();
        for pool in &k.node_pools {
            let Some(exp) = pool.expire_after.as_deref() else {
                continue;
            };
            let subject = format!("nodepool {}", pool.name);
            let message = if exp.eq_ignore_ascii_case("Never") {
                "expireAfter is Never; Auto Mode still replaces nodes after 21 days".to_string()
            } else {
                match parse_go_duration(exp) {
                    Some(secs) if secs > MAX_NODE_LIFETIME_SECS => format!(
                        "expireAfter {exp} exceeds 21 days; Auto Mode replaces nodes after 21 days anyway"
                    ),
                    Some(_) => continue,
                    None => format!("expireAfter {exp:?} is not a duration"),
                }
            };
            out.push(
                Finding::new("NPL003", Severity::Info, subject, message)
                    .fix("Set expireAfter to 504h (21 days) or less to make node replacement predictable."),
            );
        }
        if out.is_empty() {
            out.push(Finding::pass(
                "NPL003",
                "nodepools",
                "expireAfter is within 21 days",
            ));
        }
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{article, blocked, kube, node};
    use crate::facts::model::Budget;

    #[test]
    fn allowance_math() {
        let mut p = crate::checks::fixtures::pool("p", &["10%"]);
        assert_eq!(drift_allowance(&p, 1), 1);
        assert_eq!(drift_allowance(&p, 30), 3);
        p.budgets.push(Budget {
            nodes: "2".into(),
            ..Default::default()
        });
        assert_eq!(drift_allowance(&p, 30), 2);
        p.budgets.clear();
        assert_eq!(drift_allowance(&p, 4), 4);
    }

    #[test]
    fn npl001_passes_on_article() {
        let out = npl001(&article());
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].severity, Severity::Pass);
    }

    #[test]
    fn npl001_zero_budget_fails_and_scheduled_warns() {
        let out = npl001(&blocked());
        assert_eq!(out.len(), 1, "{out:#?}");
        assert_eq!(out[0].severity, Severity::Fail);
        assert_eq!(out[0].subject, "nodepool general-purpose");

        let mut facts = blocked();
        kube(&mut facts).node_pools[0].budgets[0].schedule = Some("0 9 * * mon-fri".into());
        kube(&mut facts).node_pools[0].budgets[0].duration = Some("8h".into());
        let out = npl001(&facts);
        assert_eq!(out[0].severity, Severity::Warn);
        assert!(out[0].message.contains("during its window"));

        // a zero budget that only covers consolidation does not block the upgrade
        let mut facts = blocked();
        kube(&mut facts).node_pools[0].budgets[0].reasons = Some(vec!["Underutilized".into()]);
        assert_eq!(npl001(&facts)[0].severity, Severity::Pass);
    }

    #[test]
    fn npl001_zero_budget_counts_the_nodes_it_holds_back() {
        let out = npl001(&blocked());
        assert!(
            out[0]
                .message
                .contains("holds back 1 of the pool's 1 node(s)"),
            "{out:#?}"
        );
        // a zero budget on a pool that owns no node: nothing is held back today
        let mut facts = blocked();
        kube(&mut facts).nodes.clear();
        let out = npl001(&facts);
        assert_eq!(out.len(), 1, "{out:#?}");
        assert_eq!(out[0].severity, Severity::Warn);
        assert!(out[0].message.contains("no node to replace now"));
        // nor on a pool whose nodes already run the target
        let mut facts = blocked();
        facts.target_version = crate::version::Minor::new(1, 30);
        assert_eq!(npl001(&facts)[0].severity, Severity::Warn);
    }

    #[test]
    fn npl002_ignores_pools_with_nothing_to_replace() {
        let mut facts = article();
        kube(&mut facts).node_pools[0].limits.cpu_millis = Some(20_000);
        assert_eq!(npl002(&facts)[0].severity, Severity::Fail);
        kube(&mut facts).nodes[0].kubelet_version = "v1.31.1-eks-1b3e656".into();
        assert_eq!(npl002(&facts)[0].severity, Severity::Pass);
    }

    #[test]
    fn npl001_warns_when_budget_used_up_now() {
        let mut facts = article();
        let k = kube(&mut facts);
        k.nodes[0].ready = false;
        let out = npl001(&facts);
        assert_eq!(out[0].severity, Severity::Warn, "{out:#?}");
        assert!(out[0].message.contains("no disruption left"));
    }

    #[test]
    fn npl002_limits() {
        assert_eq!(npl002(&article())[0].severity, Severity::Pass);
        let mut facts = article();
        kube(&mut facts).node_pools[0].limits.cpu_millis = Some(20_000);
        let out = npl002(&facts);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].severity, Severity::Fail);
        assert!(
            out[0].message.starts_with("cpu limit 20 cpu"),
            "{}",
            out[0].message
        );
        kube(&mut facts).node_pools[0].limits.cpu_millis = Some(32_000);
        assert_eq!(npl002(&facts)[0].severity, Severity::Pass);
        kube(&mut facts).node_pools[0].limits.memory_bytes = Some(1 << 30);
        assert_eq!(npl002(&facts)[0].severity, Severity::Fail);
        // no nodes in the pool: nothing to replace
        kube(&mut facts).nodes = vec![node("n", "v1.30.5", Some("system"))];
        assert_eq!(npl002(&facts)[0].severity, Severity::Pass);
    }

    #[test]
    fn npl003_expire_after() {
        assert_eq!(npl003(&article())[0].severity, Severity::Pass);
        let mut facts = article();
        kube(&mut facts).node_pools[0].expire_after = Some("Never".into());
        kube(&mut facts).node_pools[1].expire_after = Some("720h".into());
        let out = npl003(&facts);
        assert_eq!(out.len(), 2);
        assert!(out.iter().all(|f| f.severity == Severity::Info));
        kube(&mut facts).node_pools[0].expire_after = Some("504h".into());
        kube(&mut facts).node_pools[1].expire_after = None;
        assert_eq!(npl003(&facts)[0].severity, Severity::Pass);
    }
}
