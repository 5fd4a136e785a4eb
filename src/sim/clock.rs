//! Virtual time. `advance` moves the world's clock forward one virtual second at a time and lets
//! the Auto Mode engine act after each step, so a run under the manual clock is deterministic and a
//! run at `--speed X` is the same story told X times faster — as long as the engine keeps up. When
//! its ticks take longer than the real time they stand for, virtual time slows down (and
//! [`Pace`] says so) rather than the API waiting behind the engine.

use std::time::{Duration, Instant};

use serde::Serialize;

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

/// How the clock keeps up with its speed, for `GET /_sim/clock`.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Pace {
    /// `--speed`; `None` under the manual clock.
    pub speed: Option<f64>,
    /// Virtual seconds per real second over the last few seconds.
    pub effective_speed: Option<f64>,
    /// The engine could not keep up in the last period: virtual time ran slower than `speed`.
    pub behind: bool,
    /// Virtual seconds given up since the start because the engine was behind.
    pub dropped_seconds: f64,
}

/// Drives the clock in `Speed` mode until the task is dropped: every 100 ms of real time, virtual
/// time moves `factor` × 100 ms, one step at a time, each engine phase under its own short lock
/// and off the async workers. A period whose steps overrun it gives up the virtual time it still
/// owes, so virtual time slows down instead of the API starving.
pub async fn run(shared: Shared, factor: f64) {
    let period = Duration::from_millis(100);
    let mut interval = tokio::time::interval(period);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    lock(&shared).pace.speed = Some(factor);
    let mut carry = Duration::ZERO;
    let mut window = (Instant::now(), 0.0f64);
    loop {
        interval.tick().await;
        carry += period.mul_f64(factor.max(0.0));
        let s = shared.clone();
        let owed = carry;
        let Ok((left, moved, dropped)) =
            tokio::task::spawn_blocking(move || run_for(&s, owed, period)).await
        else {
            return;
        };
        carry = left;
        window.1 += moved.as_secs_f64();
        let mut w = lock(&shared);
        w.pace.behind = !dropped.is_zero();
        w.pace.dropped_seconds += dropped.as_secs_f64();
        let real = window.0.elapsed().as_secs_f64();
        if real >= 2.0 {
            w.pace.effective_speed = Some(window.1 / real);
            window = (Instant::now(), 0.0);
        }
    }
}

/// Moves virtual time by up to `owed` in whole milliseconds, for at most `budget` of real time.
/// Returns (what is still owed, what was moved, what was given up because the budget ran out).
fn run_for(shared: &Shared, owed: Duration, budget: Duration) -> (Duration, Duration, Duration) {
    let started = Instant::now();
    let mut left = owed;
    let mut moved = Duration::ZERO;
    while left >= Duration::from_millis(1) {
        let step = Duration::from_millis(left.min(STEP).as_millis() as u64);
        left -= step;
        moved += step;
        {
            let mut w = lock(shared);
            w.now = w
                .now
                .checked_add(jiff::SignedDuration::try_from(step).unwrap_or_default())
                .unwrap_or(w.now);
        }
        engine::tick_phased(shared);
        if started.elapsed() >= budget && left >= Duration::from_millis(1) {
            return (Duration::ZERO, moved, left);
        }
    }
    (left, moved, Duration::ZERO)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[test]
    fn an_engine_that_cannot_keep_up_slows_virtual_time_down() {
        let shared: Shared = Arc::new(Mutex::new(crate::sim::engine::testworld::world()));
        let start = lock(&shared).now;
        // No real time to spend: the first step is taken, the rest of what is owed is given up.
        let (left, moved, dropped) = run_for(&shared, Duration::from_secs(10), Duration::ZERO);
        assert_eq!(
            (left, moved, dropped),
            (Duration::ZERO, STEP, Duration::from_secs(9))
        );
        assert_eq!(lock(&shared).now.duration_since(start).as_secs(), 1);
        // With time to spare everything owed is moved, and the sub-millisecond rest carries over.
        let owed = Duration::from_micros(3_000_400);
        let (left, moved, dropped) = run_for(&shared, owed, Duration::from_secs(60));
        assert_eq!(moved, Duration::from_millis(3000));
        assert_eq!(left, Duration::from_micros(400));
        assert!(dropped.is_zero());
        assert_eq!(lock(&shared).now.duration_since(start).as_secs(), 4);
    }
}
