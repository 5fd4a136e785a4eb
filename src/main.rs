//! The `eksauto` binary: parses the command line, sets up logging, runs the command, and maps its
//! outcome to one line on stderr and an exit code (0 ok, 1 a check failed, 2 usage / config /
//! access, 3 timed out, 130 interrupted). This is the only place that decides exit codes for errors.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

use eksauto::cli::{generate, Cli, Command, DemoArgs, GlobalArgs, SimArgs};
use eksauto::error::{one_line, Error};
use eksauto::{preflight, sim, upgrade, watch};

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.global.verbose, cli.global.no_color);
    if let Command::Demo(_) = &cli.command {
        demo_credentials();
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            return fail(&Error::Usage(format!(
                "cannot start the async runtime: {e}"
            )))
        }
    };
    // `sim` stops on Ctrl-C by design and `upgrade` says how to re-attach; every other command
    // reports the interruption.
    let stops_on_interrupt = matches!(cli.command, Command::Sim(_) | Command::Upgrade(_));
    let outcome = runtime.block_on(async {
        if stops_on_interrupt {
            return run(cli).await;
        }
        tokio::select! {
            r = run(cli) => r,
            _ = tokio::signal::ctrl_c() => Err(Error::Interrupted),
        }
    });
    // Do not wait for lingering connections or servers.
    runtime.shutdown_background();
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(e) => fail(&e),
    }
}

async fn run(cli: Cli) -> Result<u8, Error> {
    let global = cli.global;
    match cli.command {
        Command::Preflight(args) => Ok(preflight::run(&global, &args).await? as u8),
        Command::Upgrade(args) => upgrade::run(&global, &args).await,
        Command::Watch { what } => watch::run(&global, &what).await,
        Command::Completions { shell } => {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(&generate::completion(shell));
            Ok(0)
        }
        Command::Sim(args) => {
            sim::run(sim_options(&args)).await.map_err(emulator)?;
            Ok(0)
        }
        Command::Demo(args) => demo(&global, &args).await,
    }
}

fn sim_options(a: &SimArgs) -> sim::SimOptions {
    sim::SimOptions {
        scenario: a.scenario.clone(),
        aws_port: a.aws_port,
        kube_port: a.kube_port,
        clock: if a.manual_clock {
            sim::ClockMode::Manual
        } else {
            sim::ClockMode::Speed(a.speed.unwrap_or(1.0))
        },
        latency_ms: a.latency,
        kubeconfig_out: a.kubeconfig_out.clone(),
        bookmark_interval_s: a.bookmark_interval,
        min_request_timeout_s: a.min_request_timeout,
        token_lifetime_s: a.token_lifetime,
        require_aws_tokens: a.require_aws_tokens,
    }
}

/// The emulator's static credentials, put in the environment before any thread exists so the AWS
/// SDK's own credential chain finds them, as it would for a user who sourced `eksauto sim`.
fn demo_credentials() {
    std::env::remove_var("AWS_PROFILE");
    std::env::remove_var("AWS_SESSION_TOKEN");
    std::env::set_var("AWS_ACCESS_KEY_ID", sim::ACCESS_KEY_ID);
    std::env::set_var("AWS_SECRET_ACCESS_KEY", sim::SECRET_ACCESS_KEY);
}

/// `eksauto demo`: start the emulator in-process, then run the ordinary preflight against it,
/// pointed there only by endpoint URL, region and kubeconfig, as the global options would.
async fn demo(global: &GlobalArgs, args: &DemoArgs) -> Result<u8, Error> {
    let handle = sim::start(sim::SimOptions {
        scenario: Some(args.scenario.clone()),
        clock: sim::ClockMode::Speed(args.speed),
        ..Default::default()
    })
    .await
    .map_err(emulator)?;
    eprintln!(
        "Built-in EKS Auto Mode emulator started: cluster {} in {} (scenario {}, {}× speed). Running eksauto preflight against it:\n",
        handle.cluster_name, handle.region, args.scenario, args.speed
    );
    let pointed = GlobalArgs {
        cluster: None,
        region: Some(handle.region.clone()),
        profile: None,
        endpoint_url: Some(handle.aws_url.clone()),
        kubeconfig: Some(handle.kubeconfig.clone()),
        context: None,
        ..global.clone()
    };
    let code = preflight::run(&pointed, &args.preflight).await?;
    eprintln!(
        "\nTry it yourself: eksauto sim --scenario {} (prints the variables to export), then eksauto preflight.",
        args.scenario
    );
    Ok(code as u8)
}

fn init_logging(verbose: u8, no_color: bool) {
    // Never the SDK's or hyper's wire-level logs: they carry signed headers and bearer tokens.
    let filter = match verbose {
        0 => "off,eksauto=warn",
        1 => "error,eksauto=debug",
        _ => "error,eksauto=trace,aws_config=info",
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::new(filter))
        .with_writer(std::io::stderr)
        .with_ansi(
            !no_color
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stderr().is_terminal(),
        )
        .with_target(verbose > 1)
        .try_init();
}

/// The emulator's own errors, in the client's terms (only this wiring knows the emulator).
fn emulator(e: sim::SimError) -> Error {
    Error::Emulator(e.to_string())
}

/// The one mapping from errors to exit codes.
fn exit_code(e: &Error) -> u8 {
    match e {
        Error::Timeout(_) => 3,
        Error::Interrupted => 130,
        Error::Usage(_)
        | Error::NoRegion
        | Error::NoCredentials { .. }
        | Error::UnknownProfile { .. }
        | Error::SsoExpired { .. }
        | Error::Credentials { .. }
        | Error::NoCluster { .. }
        | Error::UnknownCluster { .. }
        | Error::Kubeconfig(_)
        | Error::Unreachable { .. }
        | Error::Access { .. }
        | Error::Api { .. }
        | Error::Emulator(_) => 2,
    }
}

fn fail(e: &Error) -> ExitCode {
    eprintln!("error: {}", one_line(&e.to_string()));
    ExitCode::from(exit_code(e))
}
