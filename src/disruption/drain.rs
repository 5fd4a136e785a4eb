//! How long Auto Mode's drain of a node waits for pods it may not evict (a PDB that allows
//! nothing, a do-not-disrupt pod) before deleting them anyway: the NodeClaim's
//! terminationGracePeriod, else its NodePool's, else Auto Mode's own 24 h (REFERENCE §3, §7). A
//! node that Auto Mode does not manage (no NodePool label, no NodeClaim) has no such bound: its
//! drain waits for as long as the budget allows nothing. Pure; the PDB and pod checks put it into
//! their messages.

use crate::duration::{human, parse_go as parse_go_duration};
use crate::facts::model::{KubeFacts, NodeClaimFacts, NodeFacts, NodePoolFacts};

/// What Auto Mode sets on the NodeClaims of its built-in NodePools.
const AUTO_MODE_GRACE_SECS: u64 = 24 * 3600;

/// The longest force-drain wait among some nodes, and where it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grace {
    /// `None`: nothing bounds the wait (a node Auto Mode does not manage).
    pub secs: Option<u64>,
    /// `NodeClaim general-purpose-8wq4z`, `NodePool general-purpose`, `Auto Mode's default`, or
    /// the unmanaged node.
    pub source: String,
}

impl Grace {
    /// `up to 24h (terminationGracePeriod of NodePool general-purpose)`, or `None` when unbounded.
    pub fn bound(&self) -> Option<String> {
        self.secs.map(|secs| {
            format!(
                "up to {} (terminationGracePeriod of {})",
                human(secs),
                self.source
            )
        })
    }

    /// What a drain held up by pods it may not evict does: waits up to the bound, then `then`; or
    /// waits for as long as they stay.
    pub fn consequence(&self, then: &str) -> String {
        match self.bound() {
            Some(bound) => format!("waits {bound}, then {then}"),
            None => format!(
                "waits for as long as they stay: node {} is not managed by Auto Mode and no terminationGracePeriod bounds its drain",
                self.source
            ),
        }
    }
}

/// The grace that bounds the drain of `nodes` (the longest, when they differ; unbounded wins).
pub fn grace_for<'a>(k: &KubeFacts, nodes: impl IntoIterator<Item = &'a str>) -> Grace {
    let mut best: Option<Grace> = None;
    for node in nodes {
        let g = grace_of(k, node);
        let longer = match (&best, g.secs) {
            (None, _) => true,
            (Some(b), Some(s)) => b.secs.is_some_and(|bs| s > bs),
            (Some(b), None) => b.secs.is_some(),
        };
        if longer {
            best = Some(g);
        }
    }
    best.unwrap_or_else(auto_mode_default)
}

fn grace_of(k: &KubeFacts, node: &str) -> Grace {
    let claim = k
        .node_claims
        .iter()
        .find(|c| c.node_name.as_deref() == Some(node));
    let known = k.nodes.iter().find(|n| n.name == node);
    grace_of_node(node, claim, known, |p| {
        k.node_pools.iter().find(|np| np.name == p)
    })
}

/// The grace that bounds the drain of one node, from its NodeClaim, the Node and a NodePool
/// lookup: the claim's terminationGracePeriod, else its pool's, else Auto Mode's 24 h; unbounded
/// for a node with neither a claim nor a NodePool label.
pub fn grace_of_node<'a>(
    node: &str,
    claim: Option<&NodeClaimFacts>,
    known: Option<&NodeFacts>,
    pool_named: impl Fn(&str) -> Option<&'a NodePoolFacts>,
) -> Grace {
    if let Some((c, secs)) = claim.and_then(|c| {
        let secs = parse_go_duration(c.termination_grace_period.as_deref()?)?;
        Some((c, secs))
    }) {
        return Grace {
            secs: Some(secs),
            source: format!("NodeClaim {}", c.name),
        };
    }
    if claim.is_none() && known.is_some_and(|n| n.node_pool.is_none()) {
        return Grace {
            secs: None,
            source: node.to_string(),
        };
    }
    let pool_name = claim
        .and_then(|c| c.node_pool.clone())
        .or_else(|| known.and_then(|n| n.node_pool.clone()));
    let pool = pool_name.and_then(|p| pool_named(&p));
    if let Some((p, secs)) = pool.and_then(|p| {
        let secs = parse_go_duration(p.termination_grace_period.as_deref()?)?;
        Some((p, secs))
    }) {
        return Grace {
            secs: Some(secs),
            source: format!("NodePool {}", p.name),
        };
    }
    auto_mode_default()
}

/// Auto Mode's own bound: what its built-in NodePools set.
pub fn auto_mode_default() -> Grace {
    Grace {
        secs: Some(AUTO_MODE_GRACE_SECS),
        source: "Auto Mode's default".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{article, kube};
    use crate::duration::human;

    #[test]
    fn claim_then_pool_then_default() {
        let mut facts = article();
        let k = kube(&mut facts);
        let node = k.nodes[0].name.clone();
        k.node_claims[0].termination_grace_period = Some("2h".into());
        assert_eq!(
            grace_for(k, [node.as_str()]).bound().unwrap(),
            "up to 2h (terminationGracePeriod of NodeClaim general-purpose-8wq4z)"
        );
        k.node_claims.clear();
        k.node_pools[0].termination_grace_period = Some("1h30m0s".into());
        assert_eq!(
            grace_for(k, [node.as_str()]).bound().unwrap(),
            "up to 1h30m (terminationGracePeriod of NodePool general-purpose)"
        );
        k.node_pools[0].termination_grace_period = None;
        let g = grace_for(k, [node.as_str()]);
        assert_eq!(
            (g.secs, g.source.as_str()),
            (Some(86_400), "Auto Mode's default")
        );
        assert_eq!(grace_for(k, []).secs, Some(86_400));
        // a node Auto Mode does not manage: nothing bounds the wait, and it wins
        k.nodes[0].node_pool = None;
        let g = grace_for(k, [node.as_str()]);
        assert_eq!(g.secs, None);
        assert!(
            g.consequence("x").contains("not managed by Auto Mode"),
            "{g:?}"
        );
    }

    #[test]
    fn the_longest_grace_bounds_several_nodes() {
        let mut facts = article();
        let k = kube(&mut facts);
        let mut other = k.node_claims[0].clone();
        other.name = "general-purpose-zz".into();
        other.node_name = Some("i-2".into());
        other.termination_grace_period = Some("48h".into());
        k.node_claims.push(other);
        let node = k.nodes[0].name.clone();
        assert_eq!(grace_for(k, [node.as_str(), "i-2"]).secs, Some(48 * 3600));
        assert_eq!(human(90), "1m30s");
        assert_eq!(human(0), "0s");
    }
}
