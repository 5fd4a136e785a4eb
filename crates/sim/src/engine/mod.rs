//! Auto Mode behaviour on the virtual clock: the controllers a real EKS Auto Mode cluster runs
//! (Deployment and ReplicaSet controllers, scheduler, kubelet, Karpenter's provisioner and
//! disruption controller, PDB status, node lifecycle) acting on the objects in `world.kube`, plus
//! the completion of control-plane updates on the AWS side.
//!
//! `tick` runs every controller once after each virtual step. The engine keeps no state of its own
//! that matters: everything it needs (when a node was launched, when a pod was bound, which images a
//! node has pulled, which node replaces which) is read back from the objects, so a world is fully
//! described by its store. The only memory is a cache that lets an idle tick (nothing written since
//! the last one and no timer due) return at once.

pub mod bootstrap;
pub mod budgets;
pub mod catalog;
pub mod claims;
pub mod cron;
pub mod deployments;
pub mod disruption;
pub mod empty;
pub mod events;
pub mod evict;
pub mod hold;
pub mod leases;
pub mod nodeclasses;
pub mod nodepools;
pub mod nodes;
pub mod pdb;
pub mod pods;
pub mod provisioner;
pub mod scheduler;
pub mod updates;
pub mod util;

use jiff::Timestamp;

use super::world::World;

pub use hold::Hold;

pub use evict::{delete, delete_pod, evict, evict_pod, DeleteOptions, EvictionRefusal};
pub use nodes::seed_nodes;

/// What one tick knows and collects: the time, and the earliest moment some controller wants to
/// act again without any object changing.
pub struct Cx {
    pub now: Timestamp,
    pub due: Option<Timestamp>,
}

impl Cx {
    pub fn new(now: Timestamp) -> Self {
        Cx { now, due: None }
    }

    /// Asks for a tick at `t` (or the next one, when `t` is not in the future).
    pub fn due_at(&mut self, t: Timestamp) {
        let t = if t > self.now {
            t
        } else {
            util::plus(self.now, 1)
        };
        self.due = Some(self.due.map_or(t, |d| d.min(t)));
    }

    /// Asks for the next tick.
    pub fn again(&mut self) {
        self.due_at(self.now);
    }
}

/// Fingerprint of what the last full tick saw.
#[derive(Clone, PartialEq)]
struct Seen {
    started: Timestamp,
    rv: u64,
    version: String,
}

#[derive(Clone)]
struct Idle {
    seen: Seen,
    next_due: Option<Timestamp>,
    now: Timestamp,
}

/// What the last full tick saw, so an idle tick can return at once. Lives in the `World`; a
/// missing entry only costs one full tick: nothing here is needed for correctness.
#[derive(Clone, Default)]
pub struct Cache {
    idle: Option<Idle>,
}

fn seen(world: &World) -> Seen {
    Seen {
        started: world.started,
        rv: world.kube.rv(),
        version: world
            .kube_cluster()
            .map(|c| c.version.clone())
            .unwrap_or_default(),
    }
}

/// Completes due control-plane updates and tells whether the controllers need to run: `Some`
/// with what the tick starts from, `None` for an idle tick (nothing written since the last full
/// one, no timer due).
fn start_tick(world: &mut World) -> Option<Seen> {
    let updated = updates::run(world);
    let before = seen(world);
    if !updated {
        if let Some(idle) = &world.engine.idle {
            if idle.seen == before
                && world.now >= idle.now
                && idle.next_due.is_none_or(|d| world.now < d)
            {
                return None;
            }
        }
    }
    Some(before)
}

/// Keyed on what the tick *started* from: any write during it makes the next tick run fully, so
/// controllers earlier in the order see what later ones did.
fn end_tick(world: &mut World, before: Seen, cx: Cx) {
    world.engine.idle = Some(Idle {
        seen: before,
        next_due: cx.due,
        now: cx.now,
    });
}

/// Runs every controller once at the world's current virtual time.
pub fn tick(world: &mut World) {
    let Some(before) = start_tick(world) else {
        return;
    };
    let mut cx = Cx::new(world.now);
    run_controllers(world, &mut cx);
    end_tick(world, before, cx);
}

/// The same tick for a clock that runs on its own (`--speed`): each phase holds the world only
/// while it runs and gives way to waiting API requests between its steps (see `hold`), so requests
/// are answered while the controllers work, as a real API server answers them.
pub fn tick_phased(shared: &super::world::Shared) {
    use super::world::lock;
    let (before, now) = {
        let mut w = lock(shared);
        match start_tick(&mut w) {
            Some(before) => (before, w.now),
            None => return,
        }
    };
    let mut cx = Cx::new(now);
    for (_, phase) in PHASES {
        phase(&mut Hold::locked(shared), &mut cx);
        hold::give_way(shared);
    }
    end_tick(&mut lock(shared), before, cx);
}

/// One phase of a tick: a controller, or a few that act together.
type Phase = fn(&mut Hold, &mut Cx);

/// The controllers in the order a real cluster's would usually act within one second.
const PHASES: &[(&str, Phase)] = &[
    ("disruption", |w, cx| {
        disruption::mark_drift(w, cx);
        disruption::run(w, cx);
    }),
    ("deployments", |w, cx| deployments::run(w, cx)),
    ("pods", |w, cx| pods::run(w, cx)),
    ("scheduler", |w, cx| {
        let unschedulable = scheduler::run(w, cx);
        provisioner::run(w, cx, &unschedulable);
    }),
    ("nodes", |w, cx| {
        nodes::run(w, cx);
        empty::run(w, cx);
    }),
    ("leases", |w, _| {
        leases::run(w);
        bootstrap::run(w);
        nodeclasses::run(w);
    }),
    ("containers", |w, cx| pods::start_containers(w, cx)),
    ("status", |w, _| {
        pdb::run(w);
        nodepools::run(w);
        events::cap(w);
    }),
];

/// Every phase once, in order. With `EKSAUTO_ENGINE_PROFILE` set, the time each one takes is
/// printed to stderr (scale work).
pub fn run_controllers(world: &mut World, cx: &mut Cx) {
    let prof = std::env::var_os("EKSAUTO_ENGINE_PROFILE").is_some();
    let mut held = Hold::borrowed(world);
    for (what, phase) in PHASES {
        let t = std::time::Instant::now();
        phase(&mut held, cx);
        if prof {
            eprintln!("  {what}: {:?}", t.elapsed());
        }
    }
}

#[cfg(test)]
mod flow_tests;
#[cfg(test)]
pub(crate) mod testworld;
