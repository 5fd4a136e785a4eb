//! The upgrade's machinery, shared by `eksauto upgrade` (and next by rollback and multi-step
//! upgrades): where to start (pure), the plan (pure), the one mutating call, following the
//! update, and the report (pure, then rendered).

pub mod follow;
pub mod plan;
pub mod report;
pub mod start;
pub mod trigger;
