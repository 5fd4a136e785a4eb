//! The one Kubernetes minor-version type (`1.31`) of the command line, the facts, the checks and
//! the live views. Strict where a user types it (`--to 1.31`), lenient where a server reports it
//! (`v1.30.5-eks-baa6d11`, `1.31+`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A Kubernetes `major.minor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Minor {
    pub major: u32,
    pub minor: u32,
}

impl Minor {
    pub const fn new(major: u32, minor: u32) -> Minor {
        Minor { major, minor }
    }

    /// Parses what servers report: `"1.30"`, `"v1.30.5-eks-baa6d11"`, `"1.31+"`. `None` when it
    /// is not a version.
    pub fn parse(s: &str) -> Option<Minor> {
        let s = s.trim();
        let s = s.strip_prefix('v').unwrap_or(s);
        let mut parts = s.split('.');
        let major = parts.next()?.parse().ok()?;
        let digits: String = parts
            .next()?
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect();
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

/// What a user types: exactly `MAJOR.MINOR`.
impl FromStr for Minor {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("{s:?} is not a Kubernetes version: use MAJOR.MINOR, e.g. 1.31");
        let (major, minor) = s.trim().split_once('.').ok_or_else(bad)?;
        let num = |p: &str| {
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) || p.len() > 4 {
                Err(bad())
            } else {
                p.parse::<u32>().map_err(|_| bad())
            }
        };
        Ok(Minor {
            major: num(major)?,
            minor: num(minor)?,
        })
    }
}

impl fmt::Display for Minor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// Serialized as the string `"1.31"`.
impl Serialize for Minor {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Minor {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Minor::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("not a version: {s:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenient_parse_of_server_versions() {
        assert_eq!(Minor::parse("1.30"), Some(Minor::new(1, 30)));
        assert_eq!(
            Minor::parse("v1.30.5-eks-baa6d11").map(|m| m.to_string()),
            Some("1.30".into())
        );
        assert_eq!(Minor::parse("1.31+"), Some(Minor::new(1, 31)));
        for bad in ["latest", "1", "1.x", ""] {
            assert_eq!(Minor::parse(bad), None, "{bad}");
        }
        let (a, b) = (Minor::new(1, 31), Minor::new(1, 28));
        assert_eq!((a.minus(b), b.minus(a)), (3, -3));
        assert_eq!(b.next().to_string(), "1.29");
        assert_eq!(Minor::new(1, 9).next().to_string(), "1.10");
    }

    #[test]
    fn strict_parse_of_what_users_type() {
        assert_eq!("1.31".parse::<Minor>(), Ok(Minor::new(1, 31)));
        for bad in [
            "abc", "1", "1.", ".1", "1.31.2", "1.x", "-1.2", "1.+2", "", "v1.31",
        ] {
            assert!(bad.parse::<Minor>().is_err(), "{bad}");
        }
    }

    #[test]
    fn serializes_as_a_string() {
        let m = Minor::new(1, 31);
        assert_eq!(serde_json::to_string(&m).unwrap(), "\"1.31\"");
        assert_eq!(serde_json::from_str::<Minor>("\"1.31\"").unwrap(), m);
    }
}
