//! `eksauto sim`: the wiring between the command line and the emulator crate. With `demo.rs`, the
//! only place that names the emulator (the build fails if another module does).

use crate::cli::SimArgs;
use crate::error::Error;
use crate::outcome::Outcome;

/// Starts the emulator, prints the variables to export, and serves until Ctrl-C.
pub async fn run(args: &SimArgs) -> Result<Outcome, Error> {
    eksauto_sim::run(options(args)).await.map_err(emulator)?;
    Ok(Outcome::Done)
}

fn options(a: &SimArgs) -> eksauto_sim::SimOptions {
    eksauto_sim::SimOptions {
        scenario: a.scenario.clone(),
        aws_port: a.aws_port,
        kube_port: a.kube_port,
        clock: if a.manual_clock {
            eksauto_sim::ClockMode::Manual
        } else {
            eksauto_sim::ClockMode::Speed(a.speed.unwrap_or(1.0))
        },
        latency_ms: a.latency,
        kubeconfig_out: a.kubeconfig_out.clone(),
        bookmark_interval_s: a.bookmark_interval,
        min_request_timeout_s: a.min_request_timeout,
        token_lifetime_s: a.token_lifetime,
        require_aws_tokens: a.require_aws_tokens,
    }
}

/// The emulator's own errors, in the client's terms.
pub(crate) fn emulator(e: eksauto_sim::SimError) -> Error {
    Error::Emulator(e.to_string())
}
