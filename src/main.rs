//! The `eksauto` binary: parses the command line, sets up logging, runs the command, and turns how
//! it ended into the exit code. This is the only place that decides exit codes:
//!
//! | code | meaning |
//! |---|---|
//! | 0 | done (checks passed, upgrade complete, a view closed) |
//! | 1 | checks failed, the upgrade was declined or refused or failed, a PDB was violated |
//! | 2 | usage, configuration or access error; the preflight is incomplete |
//! | 3 | timed out (`--timeout`) with no PDB violated; the work goes on in the cluster |
//! | 4 | left the live view (`q`) while the rotation goes on |
//! | 130 | interrupted (Ctrl-C) |

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

use eksauto::cli::{Cli, Command};
use eksauto::commands::{completions, demo, preflight, sim, upgrade, watch};
use eksauto::error::{one_line, Error};
use eksauto::outcome::Outcome;

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.global.verbose, cli.global.no_color);
    if let Command::Demo(_) = &cli.command {
        demo::prepare_environment();
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
    let ended = runtime.block_on(async {
        if stops_on_interrupt {
            return run(cli).await;
        }
        tokio::select! {
            r = run(cli) => r,
            _ = tokio::signal::ctrl_c() => Ok(Outcome::Interrupted),
        }
    });
    // Do not wait for lingering connections or servers.
    runtime.shutdown_background();
    match ended {
        Ok(outcome) => {
            if outcome == Outcome::Interrupted {
                eprintln!("error: interrupted");
            }
            ExitCode::from(outcome_code(&outcome))
        }
        Err(e) => fail(&e),
    }
}

async fn run(cli: Cli) -> Result<Outcome, Error> {
    let global = cli.global;
    match cli.command {
        Command::Preflight(args) => preflight::run(&global, &args).await,
        Command::Upgrade(args) => upgrade::run(&global, &args).await,
        Command::Watch { what } => watch::run(&global, &what).await,
        Command::Completions { shell } => Ok(completions::run(shell)),
        Command::Sim(args) => sim::run(&args).await,
        Command::Demo(args) => demo::run(&global, &args).await,
    }
}

/// How a command ended, as its exit code (the table at the top).
fn outcome_code(o: &Outcome) -> u8 {
    match o {
        Outcome::Done => 0,
        Outcome::ChecksFailed
        | Outcome::Declined
        | Outcome::UpdateFailed
        | Outcome::PdbViolated => 1,
        Outcome::Incomplete => 2,
        Outcome::TimedOut => 3,
        Outcome::Left { .. } => 4,
        Outcome::Interrupted => 130,
    }
}

/// What stopped a command, as its exit code.
fn error_code(e: &Error) -> u8 {
    match e {
        Error::Timeout(_) => 3,
        Error::Usage(_)
        | Error::NoRegion
        | Error::NoCredentials { .. }
        | Error::UnknownProfile { .. }
        | Error::SsoExpired { .. }
        | Error::Credentials { .. }
        | Error::NoCluster { .. }
        | Error::UnknownCluster { .. }
        | Error::Kubeconfig(_)
        | Error::KubeAccess(_)
        | Error::Unreachable { .. }
        | Error::Access { .. }
        | Error::Api { .. }
        | Error::Emulator(_) => 2,
    }
}

fn fail(e: &Error) -> ExitCode {
    eprintln!("error: {}", one_line(&e.to_string()));
    ExitCode::from(error_code(e))
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
