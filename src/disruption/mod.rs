//! What holds a node rotation back, as Kubernetes and Auto Mode compute it: PDB arithmetic,
//! NodePool budgets for drift, and how long a drain waits before it deletes pods anyway. Pure
//! functions shared by the preflight checks and the live model.

pub mod budget;
pub mod drain;
pub mod node;
pub mod pdb;
