//! Colour and emphasis: used only when writing to a terminal, never with `NO_COLOR` set (to
//! anything non-empty) or `--no-color`. Everything else in `ui` asks this module.

use std::io::IsTerminal;

use comfy_table::Color;

use crate::checks::Severity;

/// Whether to colour the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub color: bool,
}

impl Style {
    /// Colour when stdout is a terminal, `NO_COLOR` is unset or empty, and `--no-color` is absent.
    pub fn detect(no_color_flag: bool) -> Style {
        Style {
            color: decide(
                no_color_flag,
                std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
                std::io::stdout().is_terminal(),
            ),
        }
    }

    pub fn plain() -> Style {
        Style { color: false }
    }

    /// The table colour of a severity (`None` without colour).
    pub fn severity_color(&self, s: Severity) -> Option<Color> {
        if !self.color {
            return None;
        }
        Some(match s {
            Severity::Pass => Color::Green,
            Severity::Info => Color::Cyan,
            Severity::Warn => Color::Yellow,
            Severity::Fail => Color::Red,
        })
    }

    /// `text` in the severity's colour (ANSI), or as is.
    pub fn paint(&self, s: Severity, text: &str) -> String {
        if !self.color {
            return text.to_string();
        }
        let code = match s {
            Severity::Pass => "32",
            Severity::Info => "36",
            Severity::Warn => "33",
            Severity::Fail => "1;31",
        };
        format!("\x1b[{code}m{text}\x1b[0m")
    }

    /// `text` in bold, or as is.
    pub fn bold(&self, text: &str) -> String {
        if self.color {
            format!("\x1b[1m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

/// The rule itself, without the environment.
pub fn decide(no_color_flag: bool, no_color_env: bool, is_tty: bool) -> bool {
    is_tty && !no_color_flag && !no_color_env
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_only_on_a_terminal_without_opt_outs() {
        assert!(decide(false, false, true));
        assert!(!decide(true, false, true));
        assert!(!decide(false, true, true));
        assert!(!decide(false, false, false));
    }

    #[test]
    fn plain_style_adds_no_escapes() {
        let s = Style::plain();
        assert_eq!(s.paint(Severity::Fail, "FAIL"), "FAIL");
        assert_eq!(s.bold("x"), "x");
        assert_eq!(s.severity_color(Severity::Warn), None);
        let c = Style { color: true };
        assert!(c.paint(Severity::Fail, "FAIL").contains("\x1b["));
    }
}
