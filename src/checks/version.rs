//! Version arithmetic for the checks: Kubernetes minor versions (`"1.30"`, `"v1.30.5-eks-baa6d11"`),
//! add-on version ordering (`"v1.19.0-eksbuild.1"`) and Go durations (`"336h"`). Pure parsing only.

use std::cmp::Ordering;

/// A Kubernetes `major.minor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Minor {
    pub major: u32,
    pub minor: u32,
}

impl Minor {
    /// Parse `"1.30"`, `"v1.30.5-eks-baa6d11"`, `"1.31.1"`. `None` when it is not a version.
    pub fn parse(s: &str) -> Option<Minor> {
        let s = s.trim();
        let s = s.strip_prefix('v').unwrap_or(s);
        let mut parts = s.split('.');
        let major = parts.next()?.parse().ok()?;
        let minor_part = parts.next()?;
        let digits: String = minor_part
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        if digits.is_empty() {
            return None;
        }
        Some(Minor {
            major,
            minor: digits.parse().ok()?,
        })
    }

    /// How many minors `self` is ahead of `older` (negative when behind; majors count as 100).
    pub fn minus(self, older: Minor) -> i64 {
        (self.major as i64 - older.major as i64) * 100 + self.minor as i64 - older.minor as i64
    }

    /// The next minor.
    pub fn next(self) -> Minor {
        Minor {
            major: self.major,
            minor: self.minor + 1,
        }
    }
}

impl std::fmt::Display for Minor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// Compare add-on versions like `v1.19.0-eksbuild.1` by their numeric components in order.
pub fn cmp_addon_versions(a: &str, b: &str) -> Ordering {
    numbers(a).cmp(&numbers(b)).then_with(|| a.cmp(b))
}

fn numbers(s: &str) -> Vec<u64> {
    s.split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.parse().ok())
        .collect()
}

/// A Go duration (`"336h"`, `"720h0m0s"`, `"1h30m"`, `"90s"`) in seconds. `None` for `"Never"`
/// or anything that does not parse.
pub fn parse_go_duration(s: &str) -> Option<u64> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minor_parse() {
        assert_eq!(
            Minor::parse("1.30"),
            Some(Minor {
                major: 1,
                minor: 30
            })
        );
        assert_eq!(
            Minor::parse("v1.30.5-eks-baa6d11").map(|m| m.to_string()),
            Some("1.30".into())
        );
        assert_eq!(
            Minor::parse("1.31+").map(|m| m.to_string()),
            Some("1.31".into())
        );
        assert_eq!(Minor::parse("latest"), None);
        assert_eq!(Minor::parse("1"), None);
        assert_eq!(Minor::parse("1.x"), None);
        let a = Minor::parse("1.31").unwrap();
        let b = Minor::parse("1.28").unwrap();
        assert_eq!(a.minus(b), 3);
        assert_eq!(b.minus(a), -3);
        assert_eq!(b.next().to_string(), "1.29");
    }

    #[test]
    fn addon_version_order() {
        assert_eq!(
            cmp_addon_versions("v1.19.0-eksbuild.1", "v1.19.0-eksbuild.2"),
            Ordering::Less
        );
        assert_eq!(
            cmp_addon_versions("v1.9.0-eksbuild.1", "v1.19.0-eksbuild.1"),
            Ordering::Less
        );
        assert_eq!(cmp_addon_versions("v1.2.3", "v1.2.3"), Ordering::Equal);
    }

    #[test]
    fn go_durations() {
        assert_eq!(parse_go_duration("336h"), Some(336 * 3600));
        assert_eq!(parse_go_duration("720h0m0s"), Some(720 * 3600));
        assert_eq!(parse_go_duration("1h30m"), Some(5400));
        assert_eq!(parse_go_duration("1.5h"), Some(5400));
        assert_eq!(parse_go_duration("Never"), None);
        assert_eq!(parse_go_duration("10"), None);
        assert_eq!(parse_go_duration(""), None);
    }
}
