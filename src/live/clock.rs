//! The API server's clock as the live model sees it. Durations and ages are measured on the
//! timestamps the server writes (creation, deletion, condition transitions), so they stay right
//! when the local clock is off. Between two server timestamps the clock advances with local time;
//! it never goes backwards, and it never falls behind local time.

use jiff::{SignedDuration, Timestamp};

/// The server's "now", estimated from the newest server timestamp seen.
#[derive(Debug, Clone, Copy)]
pub struct ServerClock {
    /// The newest server timestamp seen, and the local time it was seen at.
    newest: Option<(Timestamp, Timestamp)>,
    /// The last value handed out (keeps the clock monotonic).
    last: Timestamp,
}

impl ServerClock {
    pub fn new(local: Timestamp) -> Self {
        ServerClock {
            newest: None,
            last: local,
        }
    }

    /// A timestamp written by the server, seen at local time `local`. Only timestamps of things
    /// that just happened are fed here (a new object's creation, a fresh deletion).
    pub fn saw(&mut self, server: Timestamp, local: Timestamp) {
        let ahead = self
            .newest
            .is_none_or(|(t, at)| server > t + local.duration_since(at));
        if ahead {
            self.newest = Some((server, local));
        }
    }

    /// The server's time at local time `local`.
    pub fn now(&mut self, local: Timestamp) -> Timestamp {
        let estimate = match self.newest {
            Some((t, at)) => t + local.duration_since(at).max(SignedDuration::ZERO),
            None => local,
        };
        let now = estimate.max(local).max(self.last);
        self.last = now;
        now
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: i64) -> Timestamp {
        Timestamp::from_second(1_700_000_000 + s).unwrap()
    }

    #[test]
    fn follows_a_server_that_runs_ahead_and_never_goes_back() {
        let mut c = ServerClock::new(t(0));
        assert_eq!(c.now(t(1)), t(1));
        c.saw(t(60), t(1)); // an emulator at 60x
        assert_eq!(c.now(t(2)), t(61));
        c.saw(t(30), t(2)); // an older timestamp changes nothing
        assert_eq!(c.now(t(2)), t(61));
        c.saw(t(120), t(2));
        assert_eq!(c.now(t(3)), t(121));
        assert_eq!(c.now(t(2)), t(121), "monotonic");
    }

    #[test]
    fn a_server_behind_local_time_reads_as_local_time() {
        let mut c = ServerClock::new(t(0));
        c.saw(t(-5), t(10));
        assert_eq!(c.now(t(10)), t(10));
    }
}
