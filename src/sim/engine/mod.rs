//! Auto Mode behaviour on the virtual clock (in progress).
use super::world::World;

/// Runs every controller once at the world's current virtual time.
pub fn tick(_world: &mut World) {}

/// Creates the scenario's pre-existing nodes (placeholder until the node factory lands).
pub fn seed_nodes(_world: &mut World, _seeds: &[super::scenario::NodeSeed]) -> Result<(), String> {
    Ok(())
}
