//! Virtual time. `advance` moves the world's clock forward one virtual second at a time and lets
//! the Auto Mode engine act after each step, so a run under the manual clock is deterministic and a
//! run at `--speed X` is the same story told X times faster — as long as the engine keeps up. When
//! its ticks take longer than the real time they stand for, virtual time slows down (and
//! [`Pace`] says so) rather than the API waiting behind the engine. `WallMap` remembers which
//! virtual time it was at each wall-clock moment, for credentials signed on the wall clock.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use serde::Serialize;

use jiff::{SignedDuration, Timestamp};

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
    world.api.wall.note(Timestamp::now(), world.now);
}

/// Which virtual time it was at a wall-clock moment. `aws eks get-token` signs its token with the
/// wall clock, but the cluster ages it in virtual time: a token signed before the clock jumped 16
/// virtual minutes ahead is 16 minutes old. Between marks virtual time moves at `rate` virtual
/// seconds per wall second (0 under the manual clock, the speed factor otherwise).
#[derive(Debug, Clone, Default)]
pub struct WallMap {
    rate: f64,
    /// (wall, virtual) pairs, oldest first, recorded whenever virtual time left the line the last
    /// pair and the rate predict.
    marks: VecDeque<(Timestamp, Timestamp)>,
}

/// Marks kept; older ones are dropped (tokens that old are long expired anyway).
const MARKS_KEPT: usize = 10_000;

impl WallMap {
    /// Starts the map: virtual time is `virt` at wall time `wall` and moves at `rate`.
    pub fn start(&mut self, rate: f64, wall: Timestamp, virt: Timestamp) {
        self.rate = rate.max(0.0);
        self.marks.clear();
        self.marks.push_back((wall, virt));
    }

    fn predict(
        &self,
        (mark_wall, mark_virt): (Timestamp, Timestamp),
        wall: Timestamp,
    ) -> Timestamp {
        let elapsed = wall.duration_since(mark_wall).as_secs_f64() * self.rate;
        mark_virt
            .checked_add(SignedDuration::from_secs_f64(elapsed))
            .unwrap_or(mark_virt)
    }

    /// Records that virtual time is `virt` at wall time `wall` (a no-op before `start`, and when
    /// the rate already predicts it to within half a second).
    pub fn note(&mut self, wall: Timestamp, virt: Timestamp) {
        let Some(&last) = self.marks.back() else {
            return;
        };
        let off = virt.duration_since(self.predict(last, wall)).abs();
        if off < SignedDuration::from_millis(500) {
            return;
        }
        if self.marks.len() >= MARKS_KEPT {
            self.marks.pop_front();
        }
        self.marks.push_back((wall, virt));
    }

    /// The virtual time at wall time `wall` (`None` before `start`). Before the first mark,
    /// virtual time is taken to run as fast as the wall clock, which only makes old things older.
    pub fn virtual_at(&self, wall: Timestamp) -> Option<Timestamp> {
        let first = *self.marks.front()?;
        let idx = self.marks.partition_point(|(w, _)| *w <= wall);
        if idx == 0 {
            let back = first.0.duration_since(wall);
            return Some(first.1.checked_sub(back).unwrap_or(first.1));
        }
        let at = self.predict(self.marks[idx - 1], wall);
        // never past the next mark: the clock did not run faster than it was seen to
        Some(match self.marks.get(idx) {
            Some(next) => at.min(next.1),
            None => at,
        })
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
                .checked_add(SignedDuration::try_from(step).unwrap_or_default())
                .unwrap_or(w.now);
            let now = w.now;
            w.api.wall.note(Timestamp::now(), now);
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
        let shared: Shared = Arc::new(Mutex::new(crate::engine::testworld::world()));
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

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn wall_times_map_to_the_virtual_time_of_their_moment() {
        // manual clock: virtual time stands still between advances
        let mut m = WallMap::default();
        assert_eq!(m.virtual_at(t("2026-01-01T10:00:00Z")), None);
        m.start(0.0, t("2026-01-01T10:00:00Z"), t("2024-12-12T06:00:00Z"));
        m.note(t("2026-01-01T10:00:05Z"), t("2024-12-12T06:00:00Z"));
        m.note(t("2026-01-01T10:00:10Z"), t("2024-12-12T06:16:00Z"));
        assert_eq!(
            m.virtual_at(t("2026-01-01T10:00:07Z")),
            Some(t("2024-12-12T06:00:00Z"))
        );
        assert_eq!(
            m.virtual_at(t("2026-01-01T10:00:30Z")),
            Some(t("2024-12-12T06:16:00Z"))
        );
        // before the start: as fast as the wall clock, backwards
        assert_eq!(
            m.virtual_at(t("2026-01-01T09:59:00Z")),
            Some(t("2024-12-12T05:59:00Z"))
        );
        // speed 60: a wall second is a virtual minute
        let mut s = WallMap::default();
        s.start(60.0, t("2026-01-01T10:00:00Z"), t("2024-12-12T06:00:00Z"));
        s.note(t("2026-01-01T10:00:01Z"), t("2024-12-12T06:01:00Z"));
        assert_eq!(s.marks.len(), 1, "on the predicted line: no new mark");
        assert_eq!(
            s.virtual_at(t("2026-01-01T10:00:02Z")),
            Some(t("2024-12-12T06:02:00Z"))
        );
    }
}
