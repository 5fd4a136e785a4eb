//! Durations as they are written: Go durations in Kubernetes objects (`"336h"`, `"720h0m0s"`,
//! `"1h30m"`) and what a user types on the command line (`600`, `90s`, `45m`, `2h`). Pure parsing
//! and the short human form (`24h`, `1h30m`, `45s`).

use std::time::Duration;

/// A Go duration in seconds. `None` for `"Never"` or anything that does not parse.
pub fn parse_go(s: &str) -> Option<u64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let mut total: f64 = 0.0;
    let mut num = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            num.push(c);
            continue;
        }
        let mut unit = c.to_string();
        if c == 'm' && chars.peek() == Some(&'s') {
            unit.push(chars.next()?);
        }
        let n: f64 = num.parse().ok()?;
        num.clear();
        total += n * match unit.as_str() {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 0.001,
            _ => return None,
        };
    }
    if !num.is_empty() {
        return None;
    }
    Some(total.round() as u64)
}

/// A command-line duration: plain seconds (`600`) or units (`90s`, `45m`, `2h`, `1h30m`).
pub fn parse_cli(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    let secs = if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        t.parse::<u64>().ok()
    } else {
        parse_go(t)
    };
    match secs {
        Some(n) if n > 0 => Ok(Duration::from_secs(n)),
        Some(_) => Err(format!("{s:?}: the duration must be longer than 0")),
        None => Err(format!(
            "{s:?} is not a duration: use seconds (600) or units (90s, 45m, 2h)"
        )),
    }
}

/// `45s`, `5m`, `1h30m`, `24h`, `336h`: hours, minutes and seconds, each only when not zero.
pub fn human(secs: u64) -> String {
    let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    let mut out = String::new();
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if s > 0 || out.is_empty() {
        out.push_str(&format!("{s}s"));
    }
    out
}

/// An age or a time left the way `kubectl get` prints it: `45s`, `5m3s`, `96m`, `3h4m`, `40h`,
/// `3d4h`, `12d`.
pub fn age(secs: u64) -> String {
    let (m, h, d) = (secs / 60, secs / 3600, secs / 86_400);
    if secs < 120 {
        format!("{secs}s")
    } else if m < 10 {
        match secs % 60 {
            0 => format!("{m}m"),
            s => format!("{m}m{s}s"),
        }
    } else if h < 3 {
        format!("{m}m")
    } else if h < 8 {
        match m % 60 {
            0 => format!("{h}h"),
            mm => format!("{h}h{mm}m"),
        }
    } else if h < 48 {
        format!("{h}h")
    } else if d < 8 {
        match h % 24 {
            0 => format!("{d}d"),
            hh => format!("{d}d{hh}h"),
        }
    } else {
        format!("{d}d")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations() {
        assert_eq!(parse_go("336h"), Some(336 * 3600));
        assert_eq!(parse_go("720h0m0s"), Some(720 * 3600));
        assert_eq!(parse_go("1h30m"), Some(5400));
        assert_eq!(parse_go("1.5h"), Some(5400));
        assert_eq!(parse_go("Never"), None);
        assert_eq!(parse_go("10"), None);
        assert_eq!(parse_go(""), None);
    }

    #[test]
    fn cli_durations() {
        assert_eq!(parse_cli("600"), Ok(Duration::from_secs(600)));
        assert_eq!(parse_cli("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_cli("45m"), Ok(Duration::from_secs(2700)));
        assert_eq!(parse_cli("2h"), Ok(Duration::from_secs(7200)));
        for bad in ["", "-5", "ten", "5x", "1.2.3s"] {
            let e = parse_cli(bad).unwrap_err();
            assert!(e.contains("not a duration"), "{bad}: {e}");
        }
        assert!(parse_cli("0").unwrap_err().contains("longer than 0"));
        assert!(parse_cli("0s").unwrap_err().contains("longer than 0"));
    }

    #[test]
    fn human_forms() {
        assert_eq!(human(45), "45s");
        assert_eq!(human(300), "5m");
        assert_eq!(human(70), "1m10s");
        assert_eq!(human(5400), "1h30m");
        assert_eq!(human(86_400), "24h");
        assert_eq!(age(45), "45s");
        assert_eq!(age(303), "5m3s");
        assert_eq!(age(96 * 60), "96m");
        assert_eq!(age(3 * 3600 + 240), "3h4m");
        assert_eq!(age(40 * 3600), "40h");
        assert_eq!(age(3 * 86_400 + 4 * 3600), "3d4h");
        assert_eq!(age(12 * 86_400 + 22 * 3600), "12d");
    }
}
