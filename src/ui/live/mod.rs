//! What every live view's frame is made of: the header's context, tables aligned like
//! `kubectl get` and fitted to the screen, rows cut with a count, the feed's lines; and `term`,
//! which draws frames in place on a terminal. The views themselves are in `ui::views`. Pure except
//! for `term`.

pub mod term;

use comfy_table::presets::NOTHING;
use comfy_table::{ContentArrangement, Table};

use crate::live::{Line, State};

/// The space a frame may fill. Plain snapshots (`--once` without a terminal) have no limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Screen {
    pub width: usize,
    pub height: usize,
}

impl Screen {
    pub const UNBOUNDED: Screen = Screen {
        width: usize::MAX,
        height: usize::MAX,
    };
}

/// What every header shows about where it looks.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// From `--cluster` or the kube context's EKS ARN.
    pub cluster: Option<String>,
    pub region: Option<String>,
    /// The API server's `/version` (`v1.31.1-eks-…`).
    pub server_version: String,
}

impl Context {
    /// `interesting-funk-otter (ap-northeast-1) · control plane v1.31.1-eks-…`.
    pub fn title(&self) -> String {
        let place = match (&self.cluster, &self.region) {
            (Some(c), Some(r)) => format!("{c} ({r})"),
            (Some(c), None) => c.clone(),
            _ => "cluster".into(),
        };
        format!("{place} · control plane {}", self.server_version)
    }
}

/// A table without borders, columns aligned like `kubectl get`.
pub fn grid<S: ToString>(header: &[&str], rows: impl IntoIterator<Item = Vec<S>>) -> Vec<String> {
    let mut t = Table::new();
    t.load_style(NOTHING)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header.iter().map(|h| h.to_string()));
    for r in rows {
        t.add_row(r.into_iter().map(|c| c.to_string()).collect::<Vec<_>>());
    }
    t.lines()
        .map(|l| l.strip_prefix(' ').unwrap_or(&l).trim_end().to_string())
        .collect()
}

/// The same table, fitted to `width`: while it is wider, the columns named in `drop` go, in that
/// order (the least useful first); what still does not fit is cut by the frame.
pub fn grid_fitted(
    header: &[&str],
    rows: Vec<Vec<String>>,
    width: usize,
    drop: &[&str],
) -> Vec<String> {
    let mut keep: Vec<usize> = (0..header.len()).collect();
    let mut dropping = drop.iter();
    loop {
        let h: Vec<&str> = keep.iter().map(|&i| header[i]).collect();
        let table = grid(
            &h,
            rows.iter()
                .map(|r| keep.iter().map(|&i| r[i].clone()).collect::<Vec<_>>()),
        );
        let widest = table.iter().map(|l| l.chars().count()).max().unwrap_or(0);
        let next = dropping
            .next()
            .and_then(|d| header.iter().position(|h| h == d));
        match next {
            Some(col) if widest > width => keep.retain(|&i| i != col),
            _ => return table,
        }
    }
}

/// Cuts a line to `width` characters (a `…` marks the cut).
pub fn crop(line: &str, width: usize) -> String {
    if line.chars().count() <= width {
        return line.to_string();
    }
    let mut out: String = line.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// The rows that fit in `room` lines: all of them, or the first `room - 1` and a line saying how
/// many more there are (`hidden` rows were left out before formatting).
pub fn fit(rows: Vec<String>, hidden: usize, room: usize, what: &str) -> Vec<String> {
    if rows.len() <= room && hidden == 0 {
        return rows;
    }
    let keep = room.saturating_sub(1).min(rows.len());
    let more = rows.len() - keep + hidden;
    let mut out: Vec<String> = rows.into_iter().take(keep).collect();
    out.push(format!("… {more} more {what}"));
    out
}

/// A compact feed line for the bottom of a frame: `20:41:01  node i-5555… joined …`.
pub fn feed_line(l: &Line) -> String {
    format!("{}  {}", l.time.strftime("%H:%M:%S"), l.sentence())
}

/// `reconnecting…` lines for kinds whose watch is failing.
pub fn trouble_lines(s: &State) -> Vec<String> {
    s.trouble()
        .iter()
        .map(|(k, (why, _))| format!("reconnecting… ({} watch: {why})", k.name()))
        .collect()
}

/// `38%`, or `-` without a value.
pub fn percent(v: Option<u32>) -> String {
    v.map_or("-".into(), |v| format!("{v}%"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_narrow_screen_drops_the_named_columns_in_order() {
        let rows = vec![vec![
            "i-1".to_string(),
            "on-demand".into(),
            "us-west-2a".into(),
            "10/110".into(),
        ]];
        let wide = grid_fitted(
            &["NODE", "CAP", "ZONE", "PODS"],
            rows.clone(),
            200,
            &["CAP", "ZONE"],
        );
        assert!(
            wide[0].contains("CAP") && wide[0].contains("ZONE"),
            "{wide:?}"
        );
        let narrow = grid_fitted(&["NODE", "CAP", "ZONE", "PODS"], rows, 26, &["CAP", "ZONE"]);
        assert!(
            !narrow[0].contains("CAP") && narrow[0].contains("ZONE"),
            "{narrow:?}"
        );
        assert!(narrow[1].contains("10/110") && narrow.iter().all(|l| l.chars().count() <= 26));
    }
}
