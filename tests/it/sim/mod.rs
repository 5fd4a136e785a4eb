//! The emulator judged by real clients (the `aws` CLI, `kubectl`, the AWS SDK and kube-rs): its
//! AWS endpoint, its Kubernetes API, long watches, and Auto Mode's upgrade behaviour.

mod api;
mod aws_cli;
mod determinism;
mod kubectl;
mod upgrade;
mod watch;
