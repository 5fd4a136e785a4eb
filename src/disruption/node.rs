//! What Auto Mode's rotation means by an old node (one whose kubelet does not run the target
//! minor; a version that cannot be read counts as old, since it cannot be shown to be on the
//! target), by a node being replaced (tainted `karpenter.sh/disrupted`, or it or its NodeClaim
//! being deleted), and where a node is in its replacement (its stage). Pure; the start of an
//! upgrade, the plan, the live model and the views all ask here.

use crate::facts::model::{NodeClaimFacts, NodeFacts};
use crate::version::Minor;

/// Where a node is in its replacement, the most advanced last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// Not marked for replacement.
    Waiting,
    /// Its NodeClaim is Drifted: queued for replacement.
    Drifted,
    /// Being replaced: its pods are being evicted.
    Draining,
    NotReady,
}

/// Whether Auto Mode is replacing the node: tainted `karpenter.sh/disrupted`, or the node or its
/// NodeClaim is being deleted (the claim alone tells, once the node is gone).
pub fn being_replaced(node: Option<&NodeFacts>, claim: Option<&NodeClaimFacts>) -> bool {
    node.is_some_and(|n| n.disrupted || n.deletion.is_some())
        || claim.is_some_and(|c| c.deletion.is_some())
}

/// The node's stage.
pub fn stage(node: &NodeFacts, claim: Option<&NodeClaimFacts>) -> Stage {
    if !node.ready {
        Stage::NotReady
    } else if being_replaced(Some(node), claim) {
        Stage::Draining
    } else if claim.is_some_and(|c| c.drifted) {
        Stage::Drifted
    } else {
        Stage::Waiting
    }
}

/// Whether a node with this kubelet version (`v1.30.5-eks-…`) still has to be replaced to reach
/// `target`.
pub fn is_old(kubelet_version: &str, target: Minor) -> bool {
    Minor::parse(kubelet_version) != Some(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_means_not_on_the_target() {
        let target = Minor::new(1, 31);
        assert!(is_old("v1.30.5-eks-baa6d11", target));
        assert!(!is_old("v1.31.1-eks-1", target));
        assert!(is_old("", target), "an unreadable version is old");
    }

    #[test]
    fn the_stages_of_a_replacement() {
        use crate::checks::fixtures::{claim, node};
        let mut n = node("i-1", "v1.30.5-eks-1", Some("general-purpose"));
        let mut c = claim("gp-1", "i-1", "general-purpose");
        assert!(!being_replaced(Some(&n), Some(&c)));
        assert_eq!(stage(&n, Some(&c)), Stage::Waiting);
        c.drifted = true;
        assert_eq!(stage(&n, Some(&c)), Stage::Drifted);
        c.deletion = Some(jiff::Timestamp::UNIX_EPOCH);
        assert!(being_replaced(None, Some(&c)), "the claim alone tells");
        assert_eq!(stage(&n, Some(&c)), Stage::Draining);
        c.deletion = None;
        n.disrupted = true;
        assert!(being_replaced(Some(&n), None));
        n.ready = false;
        assert_eq!(stage(&n, Some(&c)), Stage::NotReady);
    }
}
