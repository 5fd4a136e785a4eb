//! One module per command: each turns parsed arguments into calls of the library (connect, facts,
//! checks, live, upgrade, ui) and returns an [`Outcome`](crate::outcome::Outcome). Orchestration
//! only: the rules live in `disruption`/`checks`, the I/O in `facts`/`live::feed`, the output in `ui`.

pub mod completions;
pub mod demo;
pub mod preflight;
pub mod sim;
pub mod upgrade;
pub mod watch;
