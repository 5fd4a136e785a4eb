//! eksauto: check, upgrade and watch Amazon EKS Auto Mode clusters.
//!
//! The library holds everything the `eksauto` binary does, so integration tests can drive the same
//! code (and start the built-in emulator in-process). The flow is gather (`facts`) → judge (`checks`)
//! → render (`ui`). The emulator is its own crate (`crates/sim`), named only by `commands::sim`
//! and `commands::demo`, and talks to the rest only over HTTP on loopback.

pub mod checks;
pub mod cli;
pub mod clients;
pub mod commands;
pub mod connect;
pub mod count;
pub mod disruption;
pub mod duration;
pub mod error;
pub mod facts;
pub mod k8s;
pub mod live;
pub mod outcome;
pub mod output;
pub mod runtime;
pub mod target;
pub mod ui;
pub mod upgrade;
pub mod version;
