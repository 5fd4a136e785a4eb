//! The command-line interface: the clap tree every command shares (global options, subcommands and
//! their arguments). It only parses; what a command does lives in `preflight`, `sim`, ... and
//! `main.rs` wires the two. `generate` renders completions and man pages from this tree.

pub mod generate;

use std::path::PathBuf;
use std::time::Duration;

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};

use crate::version::Minor;

/// Check, upgrade and watch Amazon EKS Auto Mode clusters.
#[derive(Debug, Parser)]
#[command(
    name = "eksauto",
    version,
    about,
    long_about = None,
    propagate_version = true,
    after_help = EXIT_CODES
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// The exit codes, for `--help` and the man pages.
pub const EXIT_CODES: &str = "Exit codes: 0 ok (no check FAILed, upgrade complete), 1 a check FAILed, the upgrade was declined, refused or failed, or a PDB was violated, 2 usage, configuration or access error (or an incomplete preflight), 3 timed out while waiting (a PDB violated before the deadline makes it 1), 4 left the live view while the rotation goes on, 130 interrupted.";

/// Options every command accepts. Unset options fall back to the AWS SDK's and kube's own loaders
/// (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL, ~/.aws/config, KUBECONFIG, ~/.kube/config).
#[derive(Debug, Clone, Default, Args)]
pub struct GlobalArgs {
    /// EKS cluster name (default: the current kube context, when it is named by the cluster ARN)
    #[arg(long, global = true, value_name = "NAME")]
    pub cluster: Option<String>,
    /// AWS region (default: AWS_REGION, the profile's region, or the kube context's ARN)
    #[arg(long, global = true, value_name = "REGION")]
    pub region: Option<String>,
    /// AWS profile from ~/.aws/config (default: AWS_PROFILE)
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// Endpoint for every AWS service (default: AWS_ENDPOINT_URL, else the public AWS endpoints)
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Path to the kubeconfig (default: KUBECONFIG, else ~/.kube/config)
    #[arg(long, global = true, value_name = "PATH")]
    pub kubeconfig: Option<PathBuf>,
    /// Kube context to use (default: the kubeconfig's current context)
    #[arg(long, global = true, value_name = "NAME")]
    pub context: Option<String>,
    /// Output format
    #[arg(short, long, global = true, value_enum, default_value_t = Output::Table)]
    pub output: Output,
    /// Never colour the output (colour is used only on a terminal, and never when NO_COLOR is set)
    #[arg(long, global = true)]
    pub no_color: bool,
    /// More log lines on stderr (-v: debug, -vv: trace); credentials and tokens are never logged
    #[arg(short, long, global = true, action = ArgAction::Count)]
    pub verbose: u8,
}

/// How results are printed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum Output {
    /// Human-readable tables
    #[default]
    Table,
    /// One JSON document (stable schema)
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check that the cluster is ready for a Kubernetes version upgrade (changes nothing)
    #[command(after_help = EXIT_CODES)]
    Preflight(PreflightArgs),
    /// Upgrade the control plane one minor version and follow the node rotation
    #[command(after_help = EXIT_CODES)]
    Upgrade(UpgradeArgs),
    /// Watch the cluster live
    Watch {
        #[command(subcommand)]
        what: WatchCommand,
    },
    /// Print a shell completion script to stdout
    Completions {
        /// The shell to generate the script for
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Run the built-in EKS Auto Mode emulator on loopback and print the variables to use it
    Sim(SimArgs),
    /// Start the built-in emulator and run the preflight against it
    Demo(DemoArgs),
}

#[derive(Debug, Clone, Default, Args)]
pub struct PreflightArgs {
    /// Target Kubernetes version X.Y (default: the cluster's version + 1 minor)
    #[arg(long, value_name = "X.Y")]
    pub to: Option<Minor>,
    /// Start an insights refresh and wait (up to 3 minutes) for it before checking the insights
    #[arg(long)]
    pub refresh_insights: bool,
    /// Run only these checks: IDs (PDB001), ID prefixes (PDB) or families (iam), comma-separated
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    pub only: Vec<String>,
    /// Skip these checks: IDs, ID prefixes or families, comma-separated
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    pub skip: Vec<String>,
}

#[derive(Debug, Clone, Default, Args)]
pub struct UpgradeArgs {
    /// Target Kubernetes version X.Y (default: the cluster's version + 1 minor)
    #[arg(long, value_name = "X.Y")]
    pub to: Option<Minor>,
    /// Do not ask for confirmation (required without a terminal)
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Show the preflight and the plan, then stop: nothing is changed
    #[arg(long)]
    pub dry_run: bool,
    /// Upgrade even though a preflight check FAILed
    #[arg(long)]
    pub ignore_preflight: bool,
    /// Pass EKS's force flag (upgrade despite blocking upgrade-readiness insights)
    #[arg(long)]
    pub force: bool,
    /// Stop once the control plane runs the target (Auto Mode then replaces the nodes on its own)
    #[arg(long)]
    pub no_rotation: bool,
    /// Give up waiting (exit 3) after this long (600, 90s, 45m, 2h); the cluster is left as it is
    #[arg(long, value_name = "DURATION", value_parser = crate::duration::parse_cli)]
    pub timeout: Option<Duration>,
    /// Explain what blocks the rotation once nothing has moved for this long
    #[arg(long, value_name = "DURATION", value_parser = crate::duration::parse_cli, default_value = "10m")]
    pub stall_after: Duration,
    /// Also write the report as JSON to FILE
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
}

/// Live views. On a terminal they redraw in place (`q` quits); otherwise they print one line per
/// change with a timestamp; `-o json` prints one JSON object per change.
#[derive(Debug, Clone, Subcommand)]
pub enum WatchCommand {
    /// Nodes: status, version, type, NodePool, zone, pods, requests, age, expiry; NodePool budgets
    #[command(after_help = EXIT_CODES)]
    Nodes(WatchArgs),
    /// Pods: phase, readiness, node and its version, age, restarts
    #[command(after_help = EXIT_CODES)]
    Pods(PodsArgs),
    /// PodDisruptionBudgets: required, healthy, allowed, lowest healthy seen, violations
    #[command(after_help = EXIT_CODES)]
    Pdb(WatchArgs),
    /// Node rotation to a version: progress, PDB compliance, what blocks it; exits 0 when every
    /// node runs the target, 1 if a PDB was violated on the way, 3 on --timeout, 4 when left with q
    #[command(after_help = EXIT_CODES)]
    Rotation(RotationArgs),
}

/// Options every live view takes.
#[derive(Debug, Clone, Default, Args)]
pub struct WatchArgs {
    /// Print one snapshot once everything is listed, then exit
    #[arg(long)]
    pub once: bool,
}

#[derive(Debug, Clone, Default, Args)]
pub struct PodsArgs {
    /// Only pods in this namespace
    #[arg(short, long, value_name = "NS", conflicts_with = "all_namespaces")]
    pub namespace: Option<String>,
    /// Pods in every namespace (the default)
    #[arg(short = 'A', long)]
    pub all_namespaces: bool,
    /// Only pods matching this label selector (`app=myapp,tier!=db`)
    #[arg(short = 'l', long, value_name = "SELECTOR")]
    pub selector: Option<String>,
    #[command(flatten)]
    pub watch: WatchArgs,
}

#[derive(Debug, Clone, Default, Args)]
pub struct RotationArgs {
    /// Target Kubernetes version X.Y (default: the control plane's, from the API server's /version)
    #[arg(long, value_name = "X.Y")]
    pub to: Option<Minor>,
    /// Explain what blocks the rotation once nothing has moved for this long (600, 90s, 45m, 2h)
    #[arg(long, value_name = "DURATION", value_parser = crate::duration::parse_cli, default_value = "10m")]
    pub stall_after: Duration,
    /// Give up (exit 3) after this long (600, 90s, 45m, 2h)
    #[arg(long, value_name = "DURATION", value_parser = crate::duration::parse_cli)]
    pub timeout: Option<Duration>,
    #[command(flatten)]
    pub watch: WatchArgs,
}

#[derive(Debug, Clone, Args)]
pub struct SimArgs {
    /// Built-in scenario (article, blocked, large) or a path to a YAML file
    #[arg(long, value_name = "NAME|FILE")]
    pub scenario: Option<String>,
    /// Port of the AWS endpoint (0 picks a free one)
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub aws_port: u16,
    /// Port of the Kubernetes API server (0 picks a free one)
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub kube_port: u16,
    /// Virtual time runs X times as fast as real time
    #[arg(long, value_name = "X", value_parser = parse_speed, conflicts_with = "manual_clock")]
    pub speed: Option<f64>,
    /// Virtual time moves only on POST /_sim/clock/advance
    #[arg(long)]
    pub manual_clock: bool,
    /// Latency added to every AWS call, in milliseconds
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub latency: u64,
    /// Where to write the kubeconfig (default: a temporary file)
    #[arg(long, value_name = "PATH")]
    pub kubeconfig_out: Option<PathBuf>,
    /// Seconds between watch bookmarks (default: the scenario's, 60)
    #[arg(long, value_name = "S")]
    pub bookmark_interval: Option<u64>,
    /// Watches without timeoutSeconds end after S to 2×S seconds (default: the scenario's, 1800)
    #[arg(long, value_name = "S")]
    pub min_request_timeout: Option<u64>,
    /// Virtual seconds an `aws eks get-token` token is accepted (default: the scenario's, 900)
    #[arg(long, value_name = "S")]
    pub token_lifetime: Option<u64>,
    /// Accept only `aws eks get-token` tokens, as EKS does (the kubeconfig then runs that plugin)
    #[arg(long)]
    pub require_aws_tokens: bool,
}

#[derive(Debug, Clone, Args)]
pub struct DemoArgs {
    /// Built-in scenario or a path to a YAML file
    #[arg(long, value_name = "NAME|FILE", default_value = "article")]
    pub scenario: String,
    /// Virtual time runs X times as fast as real time
    #[arg(long, value_name = "X", value_parser = parse_speed, default_value_t = 30.0)]
    pub speed: f64,
    #[command(flatten)]
    pub preflight: PreflightArgs,
}

fn parse_speed(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .parse()
        .map_err(|_| format!("{s:?} is not a number: use e.g. 1, 10 or 0.5"))?;
    if v.is_finite() && v > 0.0 {
        Ok(v)
    } else {
        Err(format!(
            "{s} is not a speed: use a number greater than 0 (or --manual-clock)"
        ))
    }
}

/// The clap command tree (for completions, man pages and tests).
pub fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_is_consistent() {
        command().debug_assert();
    }

    #[test]
    fn speed_must_be_positive() {
        assert!(parse_speed("0").is_err());
        assert!(parse_speed("-2").is_err());
        assert!(parse_speed("NaN").is_err());
        assert!(parse_speed("inf").is_err());
        assert_eq!(parse_speed("2.5"), Ok(2.5));
    }

    #[test]
    fn lists_and_globals_parse() {
        let cli = Cli::try_parse_from([
            "eksauto",
            "preflight",
            "--only",
            "PDB001,NPL001",
            "--cluster",
            "c",
            "-vv",
            "-o",
            "json",
        ])
        .unwrap();
        assert_eq!(cli.global.cluster.as_deref(), Some("c"));
        assert_eq!(cli.global.verbose, 2);
        assert_eq!(cli.global.output, Output::Json);
        match cli.command {
            Command::Preflight(p) => assert_eq!(p.only, ["PDB001", "NPL001"]),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn speed_and_manual_clock_conflict() {
        assert!(Cli::try_parse_from(["eksauto", "sim", "--speed", "2", "--manual-clock"]).is_err());
        assert!(Cli::try_parse_from(["eksauto", "sim", "--speed", "0"]).is_err());
    }
}
