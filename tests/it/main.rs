//! The integration tests, in one binary: the `eksauto` binary, the real `aws` CLI, `kubectl` and
//! kube-rs against the emulator, grouped by what they judge. One binary links the AWS SDK, kube and
//! axum once instead of once per file; the helpers they share live in `common`.

mod common;

mod cli;
mod preflight;
mod sim;
mod upgrade;
mod watch;
