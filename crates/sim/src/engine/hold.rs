//! The world as an engine phase holds it. Under the manual clock a tick borrows the world for its
//! whole length; at `--speed` each phase locks it itself, and `breathe`, called between two steps
//! of a phase's work, hands the lock to the API requests waiting for it and takes it back once they
//! are in. So a phase that writes thousands of objects delays a request by one step, not by the
//! whole phase, as a real API server answers while its controllers work.
//!
//! Controllers treat what they read before a `breathe` as an informer's cache: it may be a step
//! old, and every write goes through the store, which has the current object.

use std::ops::{Deref, DerefMut};
use std::sync::MutexGuard;
use std::time::{Duration, Instant};

use crate::world::{lock_uncounted, someone_waits, Shared, World};

/// How long the engine waits, at most, for the requests it let in to take the lock: on a busy
/// machine a woken thread may need a few milliseconds to be scheduled.
const GIVE_WAY_FOR: Duration = Duration::from_millis(10);

pub struct Hold<'a> {
    inner: Inner<'a>,
}

enum Inner<'a> {
    Borrowed(&'a mut World),
    Locked {
        shared: &'a Shared,
        guard: Option<MutexGuard<'a, World>>,
    },
}

impl<'a> Hold<'a> {
    /// The whole tick under one borrow: `breathe` does nothing (manual clock, tests).
    pub fn borrowed(world: &'a mut World) -> Self {
        Hold {
            inner: Inner::Borrowed(world),
        }
    }

    /// The phase locks the world now and gives way to waiting requests on `breathe`.
    pub fn locked(shared: &'a Shared) -> Self {
        Hold {
            inner: Inner::Locked {
                shared,
                guard: Some(lock_uncounted(shared)),
            },
        }
    }

    /// Lets the requests waiting for the world in, then takes it back. Cheap when nobody waits:
    /// call it between any two steps of a long loop.
    pub fn breathe(&mut self) {
        let Inner::Locked { shared, guard } = &mut self.inner else {
            return;
        };
        if !someone_waits(shared) {
            return;
        }
        *guard = None;
        give_way(shared);
        *guard = Some(lock_uncounted(shared));
    }
}

/// Waits (briefly) until the threads waiting for a lock have taken it: a std mutex is not fair,
/// and the engine would otherwise take it straight back. It sleeps rather than spins, leaving its
/// core to the threads it waits for.
pub fn give_way(shared: &Shared) {
    let started = Instant::now();
    while someone_waits(shared) && started.elapsed() < GIVE_WAY_FOR {
        std::thread::sleep(Duration::from_micros(50));
    }
}

impl Deref for Hold<'_> {
    type Target = World;

    fn deref(&self) -> &World {
        match &self.inner {
            Inner::Borrowed(w) => w,
            Inner::Locked { guard, .. } => guard.as_ref().expect("held between breaths"),
        }
    }
}

impl DerefMut for Hold<'_> {
    fn deref_mut(&mut self) -> &mut World {
        match &mut self.inner {
            Inner::Borrowed(w) => w,
            Inner::Locked { guard, .. } => guard.as_mut().expect("held between breaths"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::lock;
    use std::sync::{Arc, Mutex};

    #[test]
    fn a_waiting_request_gets_in_between_two_steps() {
        let shared: Shared = Arc::new(Mutex::new(crate::engine::testworld::world()));
        let mut held = Hold::locked(&shared);
        let other = shared.clone();
        let request = std::thread::spawn(move || lock(&other).now);
        while !someone_waits(&shared) {
            std::thread::yield_now();
        }
        while !request.is_finished() {
            held.breathe();
        }
        // the request had its turn while the phase gave way, and the phase holds the world again
        assert_eq!(request.join().unwrap(), held.now);
        assert!(shared.try_lock().is_err());
        drop(held);
        assert!(shared.try_lock().is_ok());
    }

    #[test]
    fn a_borrowed_world_never_gives_way() {
        let mut world = crate::engine::testworld::world();
        let now = world.now;
        let mut held = Hold::borrowed(&mut world);
        held.breathe();
        assert_eq!(held.now, now);
    }
}
