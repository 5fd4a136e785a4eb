//! Commands that must refuse what they are asked, before touching anything: the exit code, one
//! `error:` line on stderr naming what was wrong, nothing on stdout, and no long wait.

use std::time::{Duration, Instant};

use eksauto_sim::SimHandle;

use super::commands::{eksauto, run};

/// One refused command line and how it must be refused.
pub struct Refusal {
    pub args: Vec<String>,
    pub code: i32,
    /// What the one stderr line must contain (the `error:` line, or the note for exit 0).
    pub says: Vec<String>,
    /// Something (a plan) may be printed on stdout before the refusal.
    pub stdout_allowed: bool,
}

impl Refusal {
    pub fn new(args: &[&str], code: i32, says: &[&str]) -> Refusal {
        Refusal {
            args: args.iter().map(|s| s.to_string()).collect(),
            code,
            says: says.iter().map(|s| s.to_string()).collect(),
            stdout_allowed: false,
        }
    }
}

/// Runs `eksauto COMMAND ARGS` for every refusal against `sim`; the problems found, one line each.
pub async fn refusal_problems(
    sim: &SimHandle,
    command: &[&str],
    refusals: Vec<Refusal>,
    within: Duration,
) -> Vec<String> {
    let mut failures = Vec::new();
    for r in refusals {
        let mut cmd = eksauto(sim, command);
        cmd.args(&r.args);
        let started = Instant::now();
        let (code, out, err) = run(cmd).await;
        let took = started.elapsed();
        // clap adds its "For more information, try '--help'." hint under its errors.
        let lines: Vec<&str> = err
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with("For more information"))
            .collect();
        let mut problems = Vec::new();
        if code != r.code {
            problems.push(format!("exit {code}, not {}", r.code));
        }
        if lines.len() != 1 {
            problems.push(format!("{} stderr lines, not 1", lines.len()));
        }
        if r.code != 0 && !lines.first().is_some_and(|l| l.starts_with("error: ")) {
            problems.push("no error: line".into());
        }
        for s in &r.says {
            if !lines.first().is_some_and(|l| l.contains(s.as_str())) {
                problems.push(format!("does not say {s:?}"));
            }
        }
        if !r.stdout_allowed && !out.is_empty() {
            problems.push("prints on stdout".into());
        }
        if took > within {
            problems.push(format!("took {took:?}"));
        }
        if !problems.is_empty() {
            failures.push(format!("{:?}: {}\n{err}{out}", r.args, problems.join("; ")));
        }
    }
    failures
}
