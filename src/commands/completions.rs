//! `eksauto completions SHELL`: the completion script clap generates, on stdout.

use std::io::Write;

use clap_complete::Shell;

use crate::cli::generate;
use crate::outcome::Outcome;

pub fn run(shell: Shell) -> Outcome {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(&generate::completion(shell));
    Outcome::Done
}
