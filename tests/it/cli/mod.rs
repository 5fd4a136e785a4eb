//! The command line itself: colour, the demo, the generated completions and man pages, secrets kept
//! out of the logs, and how the cluster and endpoints are chosen.

mod color;
mod demo;
mod generated;
mod secrets;
mod targets;
