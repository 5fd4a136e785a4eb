//! The live event loop, one for every view: it owns the [`State`], applies the feed's changes in
//! order, reads keys (`q` leaves, Ctrl-C interrupts, a resize redraws), ticks once a second (ages
//! and stall timers move on their own), and watches the deadline. Each turn it asks the rotation
//! policy (when following a rotation) what to say and whether it is over, and hands the view's
//! frame (terminal, at most 10 a second and only after a change), its lines (plain or NDJSON) or
//! its snapshot (`--once`) to the printer. It returns how it ended, as a typed [`End`].

use std::collections::VecDeque;
use std::io::IsTerminal;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::error::Error;
use crate::live::policy::{Completion, Goal, Policy};
use crate::live::rotation::Rotation;
use crate::live::{Change, Line, State};
use crate::output::Printer;
use crate::ui::digest::Digest;
use crate::ui::live::term::{self, Key, Terminal};
use crate::ui::live::{Context, Screen};
use crate::ui::views::{Scene, View};

/// Frames drawn at most this often.
const FRAME_INTERVAL: Duration = Duration::from_millis(100);
/// Feed lines kept for the bottom of a frame.
const RECENT: usize = 50;
/// Changes applied before the output gets a turn, when many arrive at once.
const BATCH: usize = 5_000;
/// Watch trouble not repeated for this long is over (the watcher retries at least every 30 s).
const TROUBLE_QUIET: SignedDuration = SignedDuration::from_secs(45);

/// How changes reach the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Frames redrawn in place on a terminal.
    Tty,
    /// One line per change, digested when they come faster than a person reads.
    Plain,
    /// One JSON object per change.
    Json,
    /// One snapshot once everything is listed.
    Once,
}

impl Mode {
    /// `--once`, `-o json`, a terminal, or plain lines.
    pub fn pick(once: bool, json: bool) -> Mode {
        if once {
            Mode::Once
        } else if json {
            Mode::Json
        } else if std::io::stdout().is_terminal() {
            Mode::Tty
        } else {
            Mode::Plain
        }
    }
}

/// How the loop ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// The feed stopped, stdout was closed, or `--once` printed its snapshot.
    Closed,
    /// `q` or Esc.
    Quit,
    /// Ctrl-C on the terminal.
    Interrupted,
    /// The deadline passed before the rotation was complete.
    TimedOut,
    /// Every node runs the target.
    Complete(Completion),
}

/// What the loop leaves behind.
pub struct Ended {
    pub end: End,
    pub state: State,
    /// The rotation when the loop ended (when following one).
    pub rotation: Option<Rotation>,
    /// How long the rotation was stalled in all, in seconds.
    pub stalled_secs: i64,
    /// How far the server's clock is ahead of this machine's, as the state learned it.
    pub clock_offset: SignedDuration,
}

impl Ended {
    /// A PDB was violated while the view followed it.
    pub fn violated(&self) -> bool {
        self.state.pdbs().values().any(|p| !p.violations.is_empty())
    }
}

/// One live view, running.
pub struct App<'a> {
    view: &'a dyn View,
    mode: Mode,
    cx: Context,
    printer: &'a Printer,
    state: State,
    policy: Option<Policy>,
    deadline: Option<Instant>,
    recent: VecDeque<Line>,
    /// The objects present at the first list were printed (plain and JSON modes).
    presented: bool,
    /// Plain lines, digested at scale.
    digest: Digest,
}

impl<'a> App<'a> {
    pub fn new(
        view: &'a dyn View,
        mode: Mode,
        cx: Context,
        state: State,
        printer: &'a Printer,
    ) -> Self {
        App {
            view,
            mode,
            cx,
            printer,
            state,
            policy: None,
            deadline: None,
            recent: VecDeque::new(),
            presented: false,
            digest: Digest::new(),
        }
    }

    /// Follows a rotation to `goal`, until it is complete or `deadline` passes.
    pub fn following(mut self, goal: Goal, deadline: Option<Instant>) -> Self {
        self.policy = Some(Policy::new(goal));
        self.deadline = deadline;
        self
    }

    /// Lines seen before the view started (the early watchers'), printed first.
    pub fn replay(&mut self, lines: Vec<Line>) {
        self.route(lines);
    }

    pub async fn run(mut self, mut rx: mpsc::Receiver<Change>) -> Result<Ended, Error> {
        let mut terminal = match self.mode {
            Mode::Tty => Some(
                Terminal::enter()
                    .map_err(|e| Error::Usage(format!("cannot use the terminal: {e}")))?,
            ),
            _ => None,
        };
        let mut keys = terminal.as_ref().map(|_| term::keys());
        let mut dirty = true;
        let mut last_frame: Option<Instant> = None;
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        let end = loop {
            let next_frame = last_frame.map_or_else(Instant::now, |t| t + FRAME_INTERVAL);
            let deadline = self.deadline;
            tokio::select! {
                change = rx.recv() => {
                    let Some(change) = change else { break End::Closed };
                    self.take(change);
                    for _ in 0..BATCH {
                        match rx.try_recv() {
                            Ok(c) => self.take(c),
                            Err(_) => break,
                        }
                    }
                    dirty = true;
                }
                key = async { keys.as_mut()?.recv().await }, if keys.is_some() => match key {
                    Some(Key::Quit) | None => break End::Quit,
                    Some(Key::Interrupt) => break End::Interrupted,
                    Some(Key::Resize) => dirty = true,
                },
                _ = tokio::time::sleep_until(next_frame), if dirty && terminal.is_some() => {}
                _ = tick.tick() => {
                    let now = self.now();
                    let resumed = self.state.settle_trouble(now, TROUBLE_QUIET);
                    self.route(resumed);
                    if self.mode == Mode::Plain {
                        let due = self.digest.tick(Timestamp::now());
                        self.printer.plain(&due);
                    }
                    dirty = true;
                }
                _ = async { tokio::time::sleep_until(deadline.unwrap()).await }, if deadline.is_some() => {
                    let now = self.now();
                    if let Some(p) = &self.policy {
                        let line = p.timed_out(now);
                        self.route(vec![line]);
                    }
                    break End::TimedOut;
                }
            }
            if let Some(end) = self.turn() {
                break end;
            }
            if let Some(t) = terminal.as_mut() {
                let due = last_frame.is_none_or(|l| l.elapsed() >= FRAME_INTERVAL);
                if dirty && due {
                    let lines = self.frame(Terminal::screen());
                    let _ = t.draw(&lines, "q quit");
                    last_frame = Some(Instant::now());
                    dirty = false;
                }
            }
        };
        let was_tty = terminal.is_some();
        drop(terminal);
        if self.mode == Mode::Plain {
            let pending = self.digest.finish(Timestamp::now());
            self.printer.plain(&pending);
        }
        if let Some(why) = self.state.refused() {
            return Err(Error::KubeAccess(why.to_string()));
        }
        if was_tty {
            // The last frame stays on screen, whole, after the terminal is restored.
            let full = Screen {
                width: Terminal::screen().width,
                height: usize::MAX,
            };
            self.printer.out(&(self.frame(full).join("\n") + "\n"));
        }
        let rotation = self.rotation();
        let local = Timestamp::now();
        let stalled_secs = self.policy.as_ref().map_or(0, |p| p.stalled_total(local));
        let clock_offset = self.state.now(local).duration_since(local);
        Ok(Ended {
            end,
            state: self.state,
            rotation,
            stalled_secs,
            clock_offset,
        })
    }

    /// After the changes of one turn: the snapshot (`--once`), the present objects, the rotation
    /// policy's lines; `Some` when the view is over.
    fn turn(&mut self) -> Option<End> {
        if self.state.refused().is_some() {
            // `run` turns it into the error that names the refused credentials.
            return Some(End::Closed);
        }
        if self.mode == Mode::Once {
            if !self.state.all_synced(self.view.kinds()) {
                return None;
            }
            let text = self.snapshot();
            self.printer.out(&text);
            return Some(End::Closed);
        }
        if !self.state.all_synced(self.view.first_frame_needs()) {
            return None;
        }
        let now = self.now();
        if !self.presented && self.mode != Mode::Tty {
            self.presented = true;
            let present = self.view.present(&self.state, now);
            if self.mode == Mode::Plain {
                self.printer.plain(&Digest::present(&present));
            } else {
                self.printer.lines(&present);
            }
        }
        if let Some(policy) = self.policy.as_mut() {
            let (lines, done) = policy.step(&self.state, now, Timestamp::now());
            self.route(lines);
            if let Some(c) = done {
                return Some(End::Complete(c));
            }
        } else if self.printer.closed() {
            return Some(End::Closed);
        }
        None
    }

    /// Applies one change and routes the lines it produced.
    fn take(&mut self, change: Change) {
        let lines = self.state.apply(change, Timestamp::now());
        self.route(lines);
    }

    /// The view's lines go to the printer (plain, NDJSON) and to the frame's feed.
    fn route(&mut self, lines: Vec<Line>) {
        let shown: Vec<Line> = lines.into_iter().filter(|l| self.view.shows(l)).collect();
        match self.mode {
            Mode::Plain => {
                let now = self.digest.push(shown.clone(), Timestamp::now());
                self.printer.plain(&now);
            }
            Mode::Json => self.printer.lines(&shown),
            Mode::Tty | Mode::Once => {}
        }
        // The frame's header shows the progress: the feed keeps the rest.
        for l in shown.into_iter().filter(|l| l.event != "progress") {
            self.recent.push_back(l);
            if self.recent.len() > RECENT {
                self.recent.pop_front();
            }
        }
    }

    /// The server's time now.
    fn now(&mut self) -> Timestamp {
        self.state.now(Timestamp::now())
    }

    fn frame(&mut self, screen: Screen) -> Vec<String> {
        if !self.state.all_synced(self.view.first_frame_needs()) {
            return vec![format!("{} · listing…", self.cx.title())];
        }
        let recent: Vec<Line> = self.recent.iter().cloned().collect();
        let view = self.view;
        self.with_scene(&recent, |scene| view.frame(scene, screen))
    }

    /// `--once`: every row and no feed, as text (or JSON with `-o json`).
    fn snapshot(&mut self) -> String {
        let view = self.view;
        if self.printer.json() {
            let doc = self.with_scene(&[], |scene| view.snapshot(scene));
            return serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n";
        }
        let screen = if std::io::stdout().is_terminal() {
            Screen {
                width: Terminal::screen().width,
                height: usize::MAX,
            }
        } else {
            Screen::UNBOUNDED
        };
        self.with_scene(&[], |scene| view.frame(scene, screen))
            .join("\n")
            + "\n"
    }

    /// The rotation now, when following one.
    fn rotation(&mut self) -> Option<Rotation> {
        let now = self.now();
        let local = Timestamp::now();
        self.policy
            .as_ref()
            .map(|p| p.read(&self.state, now, local))
    }

    /// What the view draws from now: the state, the rotation when following one, the feed lines.
    fn with_scene<R>(&mut self, recent: &[Line], draw: impl FnOnce(&Scene) -> R) -> R {
        let rotation = self.rotation();
        let now = self.now();
        draw(&Scene {
            state: &self.state,
            cx: &self.cx,
            rotation: rotation.as_ref(),
            now,
            recent,
        })
    }
}
