//! Driving the emulator's manual clock, and reading its virtual time.

use std::time::Duration;

use eksauto_sim::world::lock;
use eksauto_sim::SimHandle;

use super::streaming::Streaming;

/// Moves the manual clock forward.
pub fn advance(sim: &SimHandle, seconds: u64) {
    sim.advance(Duration::from_secs(seconds));
}

/// The emulator's virtual time.
pub fn virtual_now(sim: &SimHandle) -> jiff::Timestamp {
    lock(&sim.world).now
}

/// Moves the manual clock `step` virtual seconds at a time until `found` finds what it looks for
/// (returned), at most `max_steps` times (`None`).
pub fn advance_until<T>(
    sim: &SimHandle,
    step: u64,
    max_steps: u32,
    mut found: impl FnMut() -> Option<T>,
) -> Option<T> {
    for _ in 0..max_steps {
        advance(sim, step);
        if let Some(t) = found() {
            return Some(t);
        }
    }
    None
}

/// Moves the manual clock one virtual second at a time, collecting the command's stdout, until a
/// new line satisfies `stop` (`None`) or the command exits (`Some(code)`); panics after `max`
/// virtual seconds.
pub async fn drive(
    sim: &SimHandle,
    w: &mut Streaming,
    seen: &mut Vec<String>,
    max: u64,
    stop: impl Fn(&str) -> bool,
) -> Option<i32> {
    for _ in 0..max {
        advance(sim, 1);
        tokio::time::sleep(Duration::from_millis(5)).await;
        let new = w.drain();
        let hit = new.iter().any(|l| stop(l));
        seen.extend(new);
        if hit {
            return None;
        }
        if let Ok(Some(status)) = w.child.try_wait() {
            tokio::time::sleep(Duration::from_millis(200)).await;
            seen.extend(w.drain());
            return Some(status.code().unwrap_or(-1));
        }
    }
    panic!(
        "the command neither stopped nor exited within {max} virtual seconds:\n{}",
        seen.join("\n")
    );
}
