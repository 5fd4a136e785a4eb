//! `eksauto preflight` against the emulator's scenarios: what it finds, what it cannot check, and
//! how it refuses bad input.

mod article;
mod bad_inputs;
mod blocked;
mod degraded;
mod partial;
mod refresh;
