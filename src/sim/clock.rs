//! Virtual time. `advance` moves the world's clock forward one virtual second at a time and lets
//! the Auto Mode engine act after each step, so a run under the manual clock is deterministic and a
//! run at `--speed X` is the same story told X times faster.

use std::time::Duration;

use super::engine;
use super::world::{lock, Shared, World};

/// How the clock moves.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ClockMode {
    /// Virtual time runs `factor` times as fast as real time.
    Speed(f64),
    /// Virtual time moves only on `POST /_sim/clock/advance`.
    Manual,
}

/// Largest step the engine sees at once.
const STEP: Duration = Duration::from_secs(1);

/// Moves virtual time forward by `by`, running the engine after every step of at most one second.
pub fn advance(world: &mut World, by: Duration) {
    let mut left = by;
    while !left.is_zero() {
        let step = left.min(STEP);
        left -= step;
        world.now = world
            .now
            .checked_add(jiff::SignedDuration::try_from(step).unwrap_or_default())
            .unwrap_or(world.now);
        engine::tick(world);
    }
}

/// Drives the clock in `Speed` mode until the task is dropped: every 100 ms of real time, virtual
/// time moves `factor` × 100 ms.
pub async fn run(shared: Shared, factor: f64) {
    let period = Duration::from_millis(100);
    let mut interval = tokio::time::interval(period);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut carry = Duration::ZERO;
    loop {
        interval.tick().await;
        carry += period.mul_f64(factor.max(0.0));
        // keep whole milliseconds; the rest carries over
        let by = Duration::from_millis(carry.as_millis() as u64);
        carry -= by;
        if !by.is_zero() {
            let mut world = lock(&shared);
            advance(&mut world, by);
        }
    }
}
