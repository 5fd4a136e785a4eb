//! Where an upgrade starts from, decided from the facts alone: attach to an update in flight, follow
//! a rotation the control plane already finished, nothing to do, or a fresh update once the
//! version rules allow it. Pure.

use crate::checks::Severity;
use crate::error::Error;
use crate::facts::model::{Facts, Gathered, UpdateFacts};
use crate::version::Minor;

/// Where the run starts from.
#[derive(Debug, Clone, PartialEq)]
pub enum Start {
    /// No update yet: validate, preflight, plan, confirm, then UpdateClusterVersion.
    Fresh,
    /// An update is InProgress: follow it.
    Attach(UpdateFacts),
    /// The control plane already runs the target and old nodes remain: follow the rotation.
    Rotation,
    /// Nothing to do.
    Done,
}

impl Start {
    /// The version the run goes to: the update's own when attaching.
    pub fn target(&self, asked: Minor) -> Minor {
        match self {
            Start::Attach(u) => u.version.as_deref().and_then(Minor::parse).unwrap_or(asked),
            _ => asked,
        }
    }
}

/// A control-plane version update still running.
pub fn in_flight(u: &UpdateFacts) -> bool {
    u.status == "InProgress" && u.kind == "VersionUpdate"
}

/// Attach to what is in flight, or start fresh after validating the version.
pub fn where_to_start(f: &Facts, to: Option<Minor>) -> Result<Start, Error> {
    if let Some(u) = f
        .updates
        .ok()
        .and_then(|us| us.iter().find(|u| in_flight(u)))
    {
        let v = u.version.as_deref().and_then(Minor::parse);
        if let (Some(asked), Some(v)) = (to, v) {
            if asked != v {
                return Err(Error::Usage(format!(
                    "update {} to {v} is in progress on {}: wait for it, or re-run with --to {v} to follow it",
                    u.id, f.cluster.name
                )));
            }
        }
        return Ok(Start::Attach(u.clone()));
    }
    if Minor::parse(&f.cluster.version) == Some(f.target_version) {
        return rotation_or_done(f);
    }
    // The version rules (CLU002) are usage errors here: nothing may start.
    let rules = crate::checks::cluster::clu002(f);
    if let Some(bad) = rules.iter().find(|x| x.severity == Severity::Fail) {
        return Err(Error::Usage(format!(
            "{}. {}",
            bad.message.trim_end_matches('.'),
            bad.remediation
        )));
    }
    Ok(Start::Fresh)
}

/// The control plane already runs the target: old nodes left mean a rotation to follow.
fn rotation_or_done(f: &Facts) -> Result<Start, Error> {
    match &f.kube {
        Gathered::Ok(k) => Ok(
            if k.nodes
                .iter()
                .any(|n| crate::disruption::node::is_old(&n.kubelet_version, f.target_version))
            {
                Start::Rotation
            } else {
                Start::Done
            },
        ),
        Gathered::Unavailable(why) => Err(Error::Kubeconfig(format!(
            "the control plane already runs {}; following the node rotation needs the Kubernetes API: {why}",
            f.target_version
        ))),
    }
}
