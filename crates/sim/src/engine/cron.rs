//! A tiny cron matcher for NodePool disruption budget schedules (UTC, as Karpenter reads them):
//! five fields (minute hour day-of-month month day-of-week) with `*`, lists, ranges and steps, plus
//! the `@daily`-style macros. Not a scheduler: it only answers "does this minute match" and "was a
//! budget window open at this instant".

use jiff::tz::TimeZone;
use jiff::Timestamp;

/// A parsed schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cron {
    minute: Vec<bool>,
    hour: Vec<bool>,
    dom: Vec<bool>,
    month: Vec<bool>,
    dow: Vec<bool>,
    dom_any: bool,
    dow_any: bool,
}

fn field(spec: &str, min: u32, max: u32) -> Result<(Vec<bool>, bool), String> {
    let mut set = vec![false; max as usize + 1];
    let any = spec == "*" || spec == "?";
    for part in spec.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (
                r,
                s.parse::<u32>()
                    .ok()
                    .filter(|s| *s > 0)
                    .ok_or_else(|| format!("bad step in {part:?}"))?,
            ),
            None => (part, 1),
        };
        let (lo, hi) = if range == "*" || range == "?" {
            (min, max)
        } else if let Some((a, b)) = range.split_once('-') {
            (num(a)?, num(b)?)
        } else {
            let v = num(range)?;
            (v, if part.contains('/') { max } else { v })
        };
        if lo < min || hi > max || lo > hi {
            return Err(format!("{part:?} is outside {min}-{max}"));
        }
        let mut v = lo;
        while v <= hi {
            set[v as usize] = true;
            v += step;
        }
    }
    Ok((set, any))
}

fn num(s: &str) -> Result<u32, String> {
    s.parse().map_err(|_| format!("{s:?} is not a number"))
}

impl Cron {
    pub fn parse(s: &str) -> Result<Cron, String> {
        let s = s.trim();
        let expanded = match s {
            "@yearly" | "@annually" => "0 0 1 1 *",
            "@monthly" => "0 0 1 * *",
            "@weekly" => "0 0 * * 0",
            "@daily" | "@midnight" => "0 0 * * *",
            "@hourly" => "0 * * * *",
            other => other,
        };
        let f: Vec<&str> = expanded.split_whitespace().collect();
        if f.len() != 5 {
            return Err(format!("schedule {s:?} must have 5 fields"));
        }
        let (minute, _) = field(f[0], 0, 59)?;
        let (hour, _) = field(f[1], 0, 23)?;
        let (dom, dom_any) = field(f[2], 1, 31)?;
        let (month, _) = field(f[3], 1, 12)?;
        let (mut dow, dow_any) = field(f[4], 0, 7)?;
        if dow[7] {
            dow[0] = true;
        }
        Ok(Cron {
            minute,
            hour,
            dom,
            month,
            dow,
            dom_any,
            dow_any,
        })
    }

    /// Whether the minute containing `t` (UTC) matches.
    pub fn matches(&self, t: Timestamp) -> bool {
        let dt = t.to_zoned(TimeZone::UTC).datetime();
        let dom_ok = self.dom[dt.day() as usize];
        let dow_ok = self.dow[dt.weekday().to_sunday_zero_offset() as usize];
        // cron's rule: when both day fields are restricted, either may match
        let day_ok = match (self.dom_any, self.dow_any) {
            (true, true) => true,
            (true, false) => dow_ok,
            (false, true) => dom_ok,
            (false, false) => dom_ok || dow_ok,
        };
        self.minute[dt.minute() as usize]
            && self.hour[dt.hour() as usize]
            && self.month[dt.month() as usize]
            && day_ok
    }

    /// Whether a window of `duration_s` opened by this schedule contains `now`: some matching minute
    /// start lies in `(now − duration, now]`.
    pub fn active(&self, now: Timestamp, duration_s: i64) -> bool {
        let now_s = now.as_second();
        let mut minute_start = now_s - now_s.rem_euclid(60);
        // bounded look-back: a year of minutes at most
        let limit = duration_s.min(366 * 86400);
        while now_s - minute_start < limit {
            if let Ok(t) = Timestamp::from_second(minute_start) {
                if self.matches(t) {
                    return true;
                }
            }
            minute_start -= 60;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn fields_lists_ranges_steps() {
        let c = Cron::parse("*/15 9-17 * * 1-5").unwrap();
        assert!(c.matches(t("2024-12-12T09:30:00Z"))); // Thursday
        assert!(!c.matches(t("2024-12-12T09:31:00Z")));
        assert!(!c.matches(t("2024-12-14T09:30:00Z"))); // Saturday
        assert!(!c.matches(t("2024-12-12T18:00:00Z")));
        let c = Cron::parse("0 0,12 1 1,6 *").unwrap();
        assert!(c.matches(t("2024-06-01T12:00:00Z")));
        assert!(!c.matches(t("2024-06-02T12:00:00Z")));
        let sunday = Cron::parse("0 0 * * 7").unwrap();
        assert!(sunday.matches(t("2024-12-15T00:00:00Z")));
    }

    #[test]
    fn macros_and_errors() {
        assert!(Cron::parse("@daily")
            .unwrap()
            .matches(t("2024-12-12T00:00:30Z")));
        assert!(Cron::parse("* * *").is_err());
        assert!(Cron::parse("61 * * * *").is_err());
        assert!(Cron::parse("*/0 * * * *").is_err());
    }

    #[test]
    fn windows() {
        let c = Cron::parse("0 9 * * *").unwrap();
        assert!(c.active(t("2024-12-12T09:00:00Z"), 3600));
        assert!(c.active(t("2024-12-12T09:59:59Z"), 3600));
        assert!(!c.active(t("2024-12-12T10:00:00Z"), 3600));
        assert!(!c.active(t("2024-12-12T08:59:59Z"), 3600));
    }

    #[test]
    fn day_fields_are_ored_when_both_restricted() {
        let c = Cron::parse("0 0 13 * 5").unwrap();
        assert!(c.matches(t("2024-12-13T00:00:00Z"))); // the 13th, a Friday
        assert!(c.matches(t("2024-12-20T00:00:00Z"))); // a Friday
        assert!(c.matches(t("2025-01-13T00:00:00Z"))); // the 13th, a Monday
        assert!(!c.matches(t("2024-12-12T00:00:00Z")));
    }
}
