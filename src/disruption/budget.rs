//! NodePool disruption-budget arithmetic for a rotation (REFERENCE §3): a pool's nodes, those the
//! upgrade replaces, and how many the always-active budgets let go at once for drift. Pure; the
//! NodePool checks and the live model both use it.

use crate::facts::model::{KubeFacts, NodeFacts, NodePoolFacts};
use crate::version::Minor;

/// The nodes of one NodePool.
pub fn pool_nodes<'a>(k: &'a KubeFacts, pool: &str) -> Vec<&'a NodeFacts> {
    k.nodes
        .iter()
        .filter(|n| n.node_pool.as_deref() == Some(pool))
        .collect()
}

/// The nodes that the upgrade to `target` will replace: those whose kubelet is not on it.
pub fn old_nodes<'a>(nodes: &[&'a NodeFacts], target: Option<Minor>) -> Vec<&'a NodeFacts> {
    nodes
        .iter()
        .copied()
        .filter(|n| target.is_none_or(|t| super::node::is_old(&n.kubelet_version, t)))
        .collect()
}

/// How many of the pool's `total` nodes the always-active budgets let go at once for drift
/// (no applicable budget: all of them). Scheduled budgets are ignored: they may be inactive.
pub fn drift_allowance(pool: &NodePoolFacts, total: u32) -> u32 {
    pool.budgets
        .iter()
        .filter(|b| b.applies_to("Drifted") && b.schedule.is_none())
        .filter_map(|b| b.allowed_of(total))
        .min()
        .unwrap_or(total)
        .min(total)
}
