//! Auto Mode behaviour on the virtual clock (in progress).
use super::world::World;

/// Runs every controller once at the world's current virtual time.
pub fn tick(_world: &mut World) {}
