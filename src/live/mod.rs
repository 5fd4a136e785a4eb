//! The live runtime, shared by every `watch` view and by `upgrade`: watchers turn Kubernetes
//! watch events into [`Change`]s at arrival (`feed`, the only Kubernetes I/O here), a single task
//! owns the [`State`] and applies them in order (`state`), the rotation is read from the state
//! (`rotation`) and judged (`policy`: progress, stall and its reasons, completion), and `app` runs
//! the event loop (changes, keys, ticks, deadline) that hands all of it to a view and the printer
//! until the view ends. Everything but `feed`, `session` and `app` is pure and is tested with
//! literal event sequences.

pub mod app;
pub mod change;
pub mod clock;
pub mod feed;
pub mod line;
pub mod node;
pub mod pdb;
pub mod policy;
pub mod rotation;
pub mod session;
pub mod state;

pub use change::{Change, Kind, Object};
pub use line::Line;
pub use state::State;

#[cfg(test)]
mod state_tests;
