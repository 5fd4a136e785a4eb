//! Planned faults: errors the emulator answers instead of doing what was asked.

use eksauto_sim::faults::{ErrorFault, ErrorKind};
use eksauto_sim::world::lock;
use eksauto_sim::SimHandle;

/// `operation` (`"GetRole"`, `"eks:ListAddons"`, `"list pods"`) fails with `kind`, `count` times
/// (`None`: always).
pub fn fault(operation: &str, kind: ErrorKind, count: Option<u32>) -> ErrorFault {
    ErrorFault {
        operation: operation.into(),
        kind,
        count,
    }
}

/// Adds `faults` to the emulator's planned errors.
pub fn plan_faults(sim: &SimHandle, faults: impl IntoIterator<Item = ErrorFault>) {
    lock(&sim.world).faults.errors.extend(faults);
}
