//! What the watchers deliver to the live state: the objects, already converted into the
//! project's compact facts, and the watcher's own lifecycle (a list starting, a list complete, an
//! error while it reconnects). The order of changes of one kind is the API server's order.

use crate::facts::model::{
    EventFacts, NodeClaimFacts, NodeFacts, NodePoolFacts, PdbFacts, PodFacts,
};
use crate::k8s::Keyed;

/// The kinds the live model watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Nodes,
    Pods,
    Pdbs,
    NodePools,
    NodeClaims,
    Events,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Nodes,
        Kind::Pods,
        Kind::Pdbs,
        Kind::NodePools,
        Kind::NodeClaims,
        Kind::Events,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Nodes => "nodes",
            Kind::Pods => "pods",
            Kind::Pdbs => "pdbs",
            Kind::NodePools => "nodepools",
            Kind::NodeClaims => "nodeclaims",
            Kind::Events => "events",
        }
    }
}

/// One object, converted at arrival.
#[derive(Debug, Clone, PartialEq)]
pub enum Object {
    Node(NodeFacts),
    Pod(PodFacts),
    Pdb(PdbFacts),
    NodePool(NodePoolFacts),
    NodeClaim(NodeClaimFacts),
    Event(EventFacts),
}

impl Object {
    pub fn kind(&self) -> Kind {
        match self {
            Object::Node(_) => Kind::Nodes,
            Object::Pod(_) => Kind::Pods,
            Object::Pdb(_) => Kind::Pdbs,
            Object::NodePool(_) => Kind::NodePools,
            Object::NodeClaim(_) => Kind::NodeClaims,
            Object::Event(_) => Kind::Events,
        }
    }

    /// `namespace/name`, or `name` for cluster-scoped objects.
    pub fn key(&self) -> String {
        match self {
            Object::Node(n) => n.name.clone(),
            Object::Pod(p) => p.key(),
            Object::Pdb(p) => p.key(),
            Object::NodePool(p) => p.name.clone(),
            Object::NodeClaim(c) => c.name.clone(),
            Object::Event(e) => e.key(),
        }
    }
}

/// One step of a watcher, in the API server's order.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// A (re-)list of the kind starts: the objects follow as `Listed`, then `Synced`. Objects the
    /// new list does not contain are gone when it completes.
    Relist(Kind),
    /// An object of the (re-)list.
    Listed(Object),
    /// The (re-)list is complete.
    Synced(Kind),
    /// Added or modified.
    Applied(Object),
    Deleted(Object),
    /// The watch failed and is being retried with backoff (the view says "reconnecting…").
    Trouble(Kind, String),
    /// The API server refused the credentials, fresh ones too: the kind's watcher stopped.
    Refused(Kind, String),
}
