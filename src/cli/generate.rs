//! Shell completion scripts and man pages, rendered from the clap tree. `eksauto completions SHELL`
//! prints a script; the files checked in under `completions/` and `man/` are these renderings (a test
//! keeps them current). Nothing here runs at normal command time except `completions`.

use clap_complete::Shell;

/// The completion script for `shell`.
pub fn completion(shell: Shell) -> Vec<u8> {
    let mut cmd = super::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "eksauto", &mut out);
    out
}

/// Every man page as `(file name, roff text)`: `eksauto.1`, `eksauto-preflight.1`, ...
pub fn man_pages() -> Vec<(String, Vec<u8>)> {
    fn walk(cmd: clap::Command, out: &mut Vec<(String, Vec<u8>)>) {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()).cloned() {
            walk(sub, out);
        }
        let man = clap_mangen::Man::new(cmd);
        let mut text = Vec::new();
        // Rendering into a Vec cannot fail.
        let _ = man.render(&mut text);
        out.push((man.get_filename(), text));
    }
    let mut cmd = super::command().disable_help_subcommand(true);
    cmd.build();
    let mut out = Vec::new();
    walk(cmd, &mut out);
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// The checked-in generated files as `(path relative to the crate root, content)`.
pub fn checked_in_files() -> Vec<(String, Vec<u8>)> {
    let mut files = vec![
        (
            "completions/eksauto.bash".to_string(),
            completion(Shell::Bash),
        ),
        (
            "completions/eksauto.zsh".to_string(),
            completion(Shell::Zsh),
        ),
        (
            "completions/eksauto.fish".to_string(),
            completion(Shell::Fish),
        ),
    ];
    files.extend(
        man_pages()
            .into_iter()
            .map(|(name, text)| (format!("man/{name}"), text)),
    );
    files
}
