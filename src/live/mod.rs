//! The live model, shared by every `watch` view and by `upgrade`: watchers turn Kubernetes watch
//! events into [`Change`]s at arrival (`feed`, the only I/O here), a single task owns the
//! [`State`] and applies them in order (`state`), the rotation is read from the state
//! (`rotation`) and judged (`policy`: progress, stall and its reasons, completion). The event loop
//! that drives a view with it is `crate::runtime`. Everything but `feed` is pure and is tested
//! with literal event sequences.

pub mod change;
pub mod clock;
pub mod feed;
pub mod line;
pub mod node;
pub mod pdb;
pub mod policy;
pub mod rotation;
pub mod state;

pub use change::{Change, Kind, Object};
pub use line::Line;
pub use state::State;

#[cfg(test)]
mod state_tests;
