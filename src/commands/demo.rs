//! `eksauto demo`: start the emulator in-process, then run the ordinary commands against it,
//! pointed there only by endpoint URL, region and kubeconfig, as the global options would. With
//! `sim.rs`, the only place that names the emulator crate.

use crate::cli::{DemoArgs, GlobalArgs};
use crate::commands::{preflight, sim::emulator};
use crate::error::Error;
use crate::outcome::Outcome;
use crate::output::Printer;

/// The emulator's static credentials, put in the environment before any thread exists so the AWS
/// SDK's own credential chain finds them, as it would for a user who sourced `eksauto sim`.
pub fn prepare_environment() {
    std::env::remove_var("AWS_PROFILE");
    std::env::remove_var("AWS_SESSION_TOKEN");
    std::env::set_var("AWS_ACCESS_KEY_ID", eksauto_sim::ACCESS_KEY_ID);
    std::env::set_var("AWS_SECRET_ACCESS_KEY", eksauto_sim::SECRET_ACCESS_KEY);
}

pub async fn run(global: &GlobalArgs, args: &DemoArgs) -> Result<Outcome, Error> {
    let handle = eksauto_sim::start(eksauto_sim::SimOptions {
        scenario: Some(args.scenario.clone()),
        clock: eksauto_sim::ClockMode::Speed(args.speed),
        ..Default::default()
    })
    .await
    .map_err(emulator)?;
    let printer = Printer::new(global.output);
    printer.note(&format!(
        "Built-in EKS Auto Mode emulator started: cluster {} in {} (scenario {}, {}× speed). Running eksauto preflight against it:\n",
        handle.cluster_name, handle.region, args.scenario, args.speed
    ));
    let pointed = GlobalArgs {
        cluster: None,
        region: Some(handle.region.clone()),
        profile: None,
        endpoint_url: Some(handle.aws_url.clone()),
        kubeconfig: Some(handle.kubeconfig.clone()),
        context: None,
        ..global.clone()
    };
    let outcome = preflight::run(&pointed, &args.preflight).await?;
    printer.note(&format!(
        "\nTry it yourself: eksauto sim --scenario {} (prints the variables to export), then eksauto preflight.",
        args.scenario
    ));
    Ok(outcome)
}
