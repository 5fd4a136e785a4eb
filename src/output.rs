//! One printer for everything a command writes: documents and tables on stdout, feed lines as
//! plain text or NDJSON, sentences for people on stderr (or their JSON form on stdout with
//! `-o json`). A closed stdout (`| head`) is not an error: the printer notes it, stops writing, and
//! the live runtime ends a view nobody reads. Text meant for a terminal is wrapped at words to its
//! width.

use std::io::{ErrorKind, IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::cli::Output;
use crate::live::Line;
use crate::ui::wrap::wrap;

/// Where and how a command's output goes.
#[derive(Debug)]
pub struct Printer {
    json: bool,
    /// stdout's reader went away.
    closed: AtomicBool,
}

impl Printer {
    pub fn new(output: Output) -> Printer {
        Printer {
            json: output == Output::Json,
            closed: AtomicBool::new(false),
        }
    }

    /// `-o json`: stdout carries JSON only.
    pub fn json(&self) -> bool {
        self.json
    }

    /// Whether stdout's reader went away.
    pub fn closed(&self) -> bool {
        self.closed.load(Ordering::Relaxed)
    }

    /// Text on stdout as it is.
    pub fn out(&self, text: &str) {
        if self.closed() || text.is_empty() {
            return;
        }
        let mut out = std::io::stdout().lock();
        if let Err(e) = out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
            if e.kind() == ErrorKind::BrokenPipe {
                self.closed.store(true, Ordering::Relaxed);
            }
        }
    }

    /// Text for people on stdout, wrapped at words to the terminal's width when it is one.
    pub fn text(&self, text: &str) {
        match terminal_width(std::io::stdout().is_terminal()) {
            Some(width) => self.out(&wrap(text, width)),
            None => self.out(text),
        }
    }

    /// One JSON document on one line (NDJSON).
    pub fn doc(&self, doc: &serde_json::Value) {
        self.out(&(serde_json::to_string(doc).unwrap_or_default() + "\n"));
    }

    /// Feed lines: `2024-12-12T08:27:34Z node i-5555… joined …`, or one JSON object each.
    pub fn lines<'a>(&self, lines: impl IntoIterator<Item = &'a Line>) {
        let mut text = String::new();
        for l in lines {
            if self.json {
                text.push_str(&serde_json::to_string(l).unwrap_or_default());
            } else {
                text.push_str(&plain(l));
            }
            text.push('\n');
        }
        self.out(&text);
    }

    /// Plain lines already made (the digest's), one per line.
    pub fn plain(&self, lines: &[String]) {
        if lines.is_empty() {
            return;
        }
        self.out(&(lines.join("\n") + "\n"));
    }

    /// A sentence for people on stderr, wrapped to the terminal.
    pub fn note(&self, text: &str) {
        let text = match terminal_width(std::io::stderr().is_terminal()) {
            Some(width) => wrap(text, width),
            None => text.to_string(),
        };
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{text}");
    }

    /// A sentence on stderr, or with `-o json` its JSON form on stdout.
    pub fn say(&self, text: &str, doc: serde_json::Value) {
        if self.json {
            self.doc(&doc);
        } else {
            self.note(text);
        }
    }
}

/// A feed line without a terminal: its timestamp, then the sentence.
pub fn plain(l: &Line) -> String {
    format!("{} {}", l.time.strftime("%Y-%m-%dT%H:%M:%SZ"), l.sentence())
}

fn terminal_width(is_terminal: bool) -> Option<usize> {
    if !is_terminal {
        return None;
    }
    crossterm::terminal::size()
        .ok()
        .map(|(w, _)| (w as usize).max(20))
}
