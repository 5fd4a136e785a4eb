//! One view per `watch` subcommand (and the upgrade's rotation): each says which kinds it needs
//! watched, what must be listed before its first frame, which feed lines it prints, and how it
//! draws a frame, a `--once` snapshot and the lines for what exists when it starts. The live
//! runtime (`live::app`) drives any of them the same way. Pure.

pub mod nodes;
pub mod pdbs;
pub mod pods;
pub mod rotation;

use jiff::Timestamp;

use crate::live::rotation::Rotation;
use crate::live::{Kind, Line, State};
use crate::ui::live::{Context, Screen};

/// What a view draws from, at one instant.
pub struct Scene<'a> {
    pub state: &'a State,
    pub cx: &'a Context,
    /// The rotation, for views that follow one.
    pub rotation: Option<&'a Rotation>,
    /// The server's time (ages, deadlines, the header's clock).
    pub now: Timestamp,
    /// The latest feed lines, oldest first.
    pub recent: &'a [Line],
}

/// A live view.
pub trait View: Send + Sync {
    /// The kinds to watch.
    fn kinds(&self) -> &'static [Kind];
    /// The kinds that must be listed before the first frame.
    fn first_frame_needs(&self) -> &'static [Kind];
    /// Whether the view prints this feed line.
    fn shows(&self, line: &Line) -> bool;
    /// One frame sized to `screen`.
    fn frame(&self, scene: &Scene, screen: Screen) -> Vec<String>;
    /// `--once -o json`: every row.
    fn snapshot(&self, scene: &Scene) -> serde_json::Value;
    /// Without a terminal, one line per object that exists when the first list completes (as
    /// `kubectl get -w` prints the current objects first). Most views print their state as it
    /// changes and need none.
    fn present(&self, _state: &State, _now: Timestamp) -> Vec<Line> {
        Vec::new()
    }
}
