//! Facts: everything preflight needs to know about a cluster, gathered by I/O in one place and
//! converted into plain structs (`model`) that the checks judge without any I/O.

pub mod model;
