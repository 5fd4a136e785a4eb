//! `eksauto watch nodes|pods|pdb|rotation`: connect to the Kubernetes API, start the watchers,
//! own the live state in this one task, and hand each change to the output: a frame redrawn in
//! place on a terminal (at most 10 a second, only after a change), one line per change without a
//! terminal, one JSON object per change with `-o json`, or one snapshot with `--once`.
//! `rotation` ends by itself: 0 when every node runs the target, 1 if a PDB was violated on the
//! way, 3 on `--timeout`.

use std::collections::VecDeque;
use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::cli::{GlobalArgs, Output, WatchCommand};
use crate::connect;
use crate::error::Error;
use crate::live::feed::{self, FeedConfig, Reconnect};
use crate::live::line::Subject;
use crate::live::rotation::{self, Rotation};
use crate::live::{Change, Kind, Line, State};
use crate::outcome::Outcome;
use crate::ui::live::term::{self, Key, Terminal};
use crate::ui::live::{
    ndjson, nodes, pdbs, plain, pods, rotation as rotation_view, Context, Screen,
};
use crate::version::Minor;

/// Frames drawn at most this often.
const FRAME_INTERVAL: Duration = Duration::from_millis(100);
/// Feed lines kept for the bottom of a frame.
const RECENT: usize = 50;
/// Changes applied before the output gets a turn, when many arrive at once.
const BATCH: usize = 5_000;

/// Which view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum View {
    Nodes,
    Pods,
    Pdbs,
    Rotation,
}

impl View {
    /// What the view needs watched.
    fn kinds(self) -> Vec<Kind> {
        match self {
            View::Nodes => vec![
                Kind::Nodes,
                Kind::Pods,
                Kind::NodePools,
                Kind::NodeClaims,
                Kind::Events,
            ],
            View::Pods => vec![Kind::Pods, Kind::Nodes],
            View::Pdbs => vec![Kind::Pdbs, Kind::Pods],
            View::Rotation => Kind::ALL.to_vec(),
        }
    }

    /// What must be listed before the first frame (the nodes view does not wait for 100,000 pods).
    fn first_frame_needs(self) -> &'static [Kind] {
        match self {
            View::Nodes => &[Kind::Nodes],
            View::Pods => &[Kind::Pods],
            View::Pdbs => &[Kind::Pdbs, Kind::Pods],
            View::Rotation => &[
                Kind::Nodes,
                Kind::Pods,
                Kind::Pdbs,
                Kind::NodePools,
                Kind::NodeClaims,
            ],
        }
    }

    /// The feed lines this view prints.
    fn shows(self, l: &Line) -> bool {
        match self {
            View::Nodes => {
                matches!(l.kind, Subject::Node | Subject::Event | Subject::Watch)
                    || l.kind == Subject::Pdb && matches!(l.event, "violated" | "recovered")
            }
            View::Pods => matches!(l.kind, Subject::Pod | Subject::Watch),
            View::Pdbs => matches!(l.kind, Subject::Pdb | Subject::Watch),
            View::Rotation => matches!(
                l.kind,
                Subject::Node | Subject::Pdb | Subject::Event | Subject::Watch | Subject::Rotation
            ),
        }
    }
}

/// How changes reach the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Tty,
    Plain,
    Json,
    Once,
}

/// Rotation-only settings.
#[derive(Debug, Clone, Copy)]
struct RotationGoal {
    target: Minor,
    stall_after: SignedDuration,
    deadline: Option<Instant>,
}

/// How the live loop ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// The changes stopped coming (the watchers are gone), or `--once` printed its snapshot.
    Closed,
    /// `q` or Esc.
    Quit,
    /// Ctrl-C on the terminal.
    Interrupted,
    /// The rotation's deadline passed.
    TimedOut,
    /// Every node runs the target; `violated` when a PDB was violated on the way.
    Complete { violated: bool },
}

/// Runs a live view until it ends (rotation), `q`, or Ctrl-C.
pub async fn run(global: &GlobalArgs, what: &WatchCommand) -> Result<Outcome, Error> {
    let (view, once, feed_cfg_ns, selector) = match what {
        WatchCommand::Nodes(a) => (View::Nodes, a.once, None, None),
        WatchCommand::Pods(a) => (
            View::Pods,
            a.watch.once,
            a.namespace.clone(),
            a.selector.clone(),
        ),
        WatchCommand::Pdb(a) => (View::Pdbs, a.once, None, None),
        WatchCommand::Rotation(a) => (View::Rotation, a.watch.once, None, None),
    };
    let conn = connect::kube_only(global, feed::READ_TIMEOUT).await?;
    let client = conn.kube.client.clone();
    let info = client.apiserver_version().await.map_err(|e| {
        Error::Kubeconfig(format!(
            "cannot reach the Kubernetes API at {} (context {}): {}",
            conn.kube.url,
            conn.kube.context,
            crate::error::one_line(&crate::error::root_cause(&e))
        ))
    })?;
    let cx = Context {
        cluster: conn.cluster.clone(),
        region: conn.region.clone(),
        server_version: info.git_version.clone(),
    };
    let goal = match what {
        WatchCommand::Rotation(a) => Some(RotationGoal {
            target: match a.to {
                Some(t) => t,
                None => Minor::parse(&info.git_version).ok_or_else(|| {
                    Error::Usage(format!(
                        "the API server reports version {:?}, which is not a Kubernetes version: pass --to X.Y",
                        info.git_version
                    ))
                })?,
            },
            stall_after: SignedDuration::try_from(a.stall_after).unwrap_or(SignedDuration::from_secs(600)),
            deadline: a.timeout.map(|t| Instant::now() + t),
        }),
        _ => None,
    };
    let mode = output_mode(global, once);

    let (tx, rx) = mpsc::channel(16_384);
    let reconnect = reconnect_with(global);
    feed::spawn(
        client,
        &FeedConfig {
            kinds: view.kinds(),
            namespace: feed_cfg_ns,
            selector,
        },
        reconnect,
        tx,
    );
    // Old nodes are those not on the rotation's target, else not on the control plane's version.
    let target = goal
        .map(|g| g.target)
        .or_else(|| Minor::parse(&info.git_version));
    let state = State::new(target, Timestamp::now());
    let mut live = Live::new(view, mode, cx, goal, state);
    let end = live.run(rx, global.output).await?;
    Ok(match end {
        End::Closed => Outcome::Done,
        End::Quit if goal.is_some() => {
            let r = live.rotation();
            Outcome::Left {
                on_target: r.as_ref().map_or(0, |r| r.on_target),
                total: r.as_ref().map_or(0, |r| r.total),
            }
        }
        End::Quit => Outcome::Done,
        End::Interrupted => Outcome::Interrupted,
        End::TimedOut => Outcome::TimedOut,
        End::Complete { violated: false } => Outcome::Done,
        End::Complete { violated: true } => Outcome::PdbViolated,
    })
}

/// How a rotation followed by `upgrade` ended.
pub struct RotationOutcome {
    pub end: End,
    pub state: State,
    /// How long the rotation was stalled in all (seconds, local time).
    pub stalled_secs: i64,
}

/// Watchers started before the rotation view (while the control plane updates), with a task that
/// keeps the live state current meanwhile, so the rotation is seen from its very first move.
pub struct Early {
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<(State, mpsc::Receiver<Change>, VecDeque<Line>)>,
}

/// Lines the early watchers keep for the rotation view (the oldest go first beyond this).
const EARLY_LINES: usize = 10_000;

/// Starts the rotation's watchers now; nothing is printed until `follow_rotation`.
pub async fn start_early(global: &GlobalArgs, target: Minor) -> Result<Early, Error> {
    let conn = connect::kube_only(global, feed::READ_TIMEOUT).await?;
    let (tx, mut rx) = mpsc::channel(16_384);
    feed::spawn(
        conn.kube.client.clone(),
        &FeedConfig {
            kinds: View::Rotation.kinds(),
            namespace: None,
            selector: None,
        },
        reconnect_with(global),
        tx,
    );
    let (stop, mut stopped) = tokio::sync::oneshot::channel();
    let task = tokio::spawn(async move {
        let mut state = State::new(Some(target), Timestamp::now());
        let mut lines = VecDeque::new();
        loop {
            tokio::select! {
                _ = &mut stopped => break,
                c = rx.recv() => match c {
                    Some(c) => {
                        lines.extend(state.apply(c, Timestamp::now()));
                        while lines.len() > EARLY_LINES {
                            lines.pop_front();
                        }
                    }
                    None => break,
                },
            }
        }
        (state, rx, lines)
    });
    Ok(Early { stop, task })
}

/// The rotation view for `upgrade`: the same live model and output as `watch rotation`, on the
/// state the early watchers have kept.
pub async fn follow_rotation(
    global: &GlobalArgs,
    cx: Context,
    early: Early,
    stall_after: Duration,
    timeout: Option<Duration>,
) -> Result<RotationOutcome, Error> {
    let _ = early.stop.send(());
    let (mut state, rx, early_lines) = early
        .task
        .await
        .map_err(|e| Error::Usage(format!("the live view stopped: {e}")))?;
    // The stall timer starts with the rotation, not with the control-plane update before it.
    let now = Timestamp::now();
    state.progress.last_progress = Some(state.progress.last_progress.map_or(now, |t| t.max(now)));
    let target = state.target.unwrap_or(Minor::new(0, 0));
    let goal = RotationGoal {
        target,
        stall_after: SignedDuration::try_from(stall_after)
            .unwrap_or(SignedDuration::from_secs(600)),
        deadline: timeout.map(|t| Instant::now() + t),
    };
    let mut live = Live::new(
        View::Rotation,
        output_mode(global, false),
        cx,
        Some(goal),
        state,
    );
    // What the watchers saw while the control plane was updating comes first.
    live.route(early_lines.into_iter().collect());
    let end = live.run(rx, global.output).await?;
    let stalled_secs = live.stalled_total();
    Ok(RotationOutcome {
        end,
        state: live.state,
        stalled_secs,
    })
}

/// A client built anew from the kubeconfig (after a 401).
fn reconnect_with(global: &GlobalArgs) -> Reconnect {
    let g = global.clone();
    Arc::new(move || {
        let g = g.clone();
        Box::pin(async move {
            connect::kube_only(&g, feed::READ_TIMEOUT)
                .await
                .ok()
                .map(|k| k.kube.client)
        })
    })
}

/// The one task that owns the state.
struct Live {
    view: View,
    mode: Mode,
    cx: Context,
    goal: Option<RotationGoal>,
    state: State,
    recent: VecDeque<Line>,
    /// (on target, total) at the last rotation line.
    last_rotation: Option<(usize, usize)>,
    /// The reasons the last stall line gave (said again when they change).
    stall_reported: Option<Vec<String>>,
    /// Seconds stalled in stretches that ended, and when the current one began.
    stalled_secs: i64,
    stalled_since: Option<Timestamp>,
}

/// `--once`, `-o json`, a terminal, or plain lines.
fn output_mode(global: &GlobalArgs, once: bool) -> Mode {
    if once {
        Mode::Once
    } else if global.output == Output::Json {
        Mode::Json
    } else if std::io::stdout().is_terminal() {
        Mode::Tty
    } else {
        Mode::Plain
    }
}

impl Live {
    fn new(view: View, mode: Mode, cx: Context, goal: Option<RotationGoal>, state: State) -> Live {
        Live {
            view,
            mode,
            cx,
            goal,
            state,
            recent: VecDeque::new(),
            last_rotation: None,
            stall_reported: None,
            stalled_secs: 0,
            stalled_since: None,
        }
    }

    async fn run(&mut self, mut rx: mpsc::Receiver<Change>, output: Output) -> Result<End, Error> {
        let mut terminal = match self.mode {
            Mode::Tty => Some(
                Terminal::enter()
                    .map_err(|e| Error::Usage(format!("cannot use the terminal: {e}")))?,
            ),
            _ => None,
        };
        let mut keys = match self.mode {
            Mode::Tty => Some(term::keys()),
            _ => None,
        };
        let mut dirty = true;
        let mut last_frame: Option<Instant> = None;
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        loop {
            let next_frame = last_frame.map_or_else(Instant::now, |t| t + FRAME_INTERVAL);
            let deadline = self.goal.and_then(|g| g.deadline);
            tokio::select! {
                change = rx.recv() => {
                    let Some(change) = change else { break };
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
                    Some(Key::Quit) | None => {
                        drop(terminal.take());
                        self.print_final(output);
                        return Ok(End::Quit);
                    }
                    Some(Key::Interrupt) => {
                        drop(terminal.take());
                        return Ok(End::Interrupted);
                    }
                    Some(Key::Resize) => dirty = true,
                },
                _ = tokio::time::sleep_until(next_frame), if dirty && terminal.is_some() => {}
                _ = tick.tick() => {
                    // ages and stall timers move on their own
                    let resumed = self.state.settle_trouble(Timestamp::now(), SignedDuration::from_secs(45));
                    self.route(resumed);
                    dirty = true;
                }
                _ = async { tokio::time::sleep_until(deadline.unwrap()).await }, if deadline.is_some() => {
                    drop(terminal.take());
                    self.emit_now(Subject::Rotation, "timeout", "timed out before every node ran the target");
                    self.print_final(output);
                    return Ok(End::TimedOut);
                }
            }
            let ready = self.state.all_synced(self.view.first_frame_needs());
            if self.mode == Mode::Once {
                if self.state.all_synced(&self.view.kinds()) {
                    print(&self.snapshot(output == Output::Json));
                    return Ok(End::Closed);
                }
                continue;
            }
            if let Some(end) = self.rotation_step() {
                drop(terminal.take());
                self.print_final(output);
                return Ok(end);
            }
            if let Some(t) = terminal.as_mut() {
                let due = last_frame.is_none_or(|l| l.elapsed() >= FRAME_INTERVAL);
                if dirty && ready && due {
                    let lines = self.frame(Terminal::screen());
                    let _ = t.draw(&lines, "q quit");
                    last_frame = Some(Instant::now());
                    dirty = false;
                } else if !ready && dirty && due {
                    let _ = t.draw(&[format!("{} · listing…", self.cx.title())], "q quit");
                    last_frame = Some(Instant::now());
                    dirty = false;
                }
            }
        }
        drop(terminal);
        Ok(End::Closed)
    }

    /// Applies one change and routes the lines it produced.
    fn take(&mut self, change: Change) {
        let lines = self.state.apply(change, Timestamp::now());
        self.route(lines);
    }

    fn route(&mut self, lines: Vec<Line>) {
        let mut out = String::new();
        for l in lines.into_iter().filter(|l| self.view.shows(l)) {
            match self.mode {
                Mode::Plain => {
                    out.push_str(&plain::line(&l));
                    out.push('\n');
                }
                Mode::Json => {
                    out.push_str(&ndjson::line(&l));
                    out.push('\n');
                }
                Mode::Tty | Mode::Once => {}
            }
            self.recent.push_back(l);
            if self.recent.len() > RECENT {
                self.recent.pop_front();
            }
        }
        if !out.is_empty() {
            print(&out);
        }
    }

    fn emit_now(&mut self, kind: Subject, event: &'static str, text: &str) {
        let now = Timestamp::now();
        let name = self.goal.map(|g| g.target.to_string()).unwrap_or_default();
        self.route(vec![Line::new(now, kind, event, name, text)]);
    }

    fn rotation(&mut self) -> Option<Rotation> {
        let g = self.goal?;
        Some(rotation::read(
            &self.state,
            g.target,
            Timestamp::now(),
            g.stall_after,
        ))
    }

    /// Rotation lines (progress, stall, done); `Some(exit code)` when the rotation is over.
    fn rotation_step(&mut self) -> Option<End> {
        if !self.state.all_synced(self.view.first_frame_needs()) {
            return None;
        }
        let r = self.rotation()?;
        let counts = (r.on_target, r.total);
        if self.last_rotation != Some(counts) {
            self.last_rotation = Some(counts);
            self.emit_now(Subject::Rotation, "progress", &rotation::summary(&r));
        }
        match r.stalled_for {
            Some(idle) => {
                let why = rotation::blockers(&self.state, &r);
                // Karpenter's events repeat: the reasons changed only if the rest did.
                let key: Vec<String> = why
                    .iter()
                    .filter(|w| !w.starts_with("karpenter: "))
                    .cloned()
                    .collect();
                if self.stall_reported.as_ref() != Some(&key) {
                    if self.stall_reported.is_none() {
                        self.stalled_since =
                            Some(Timestamp::now() - SignedDuration::from_secs(idle));
                    }
                    let text = format!(
                        "stalled {}s — why: {}",
                        idle,
                        if why.is_empty() {
                            "nothing found that blocks it".into()
                        } else {
                            why.join("; ")
                        }
                    );
                    self.stall_reported = Some(key);
                    self.emit_now(Subject::Rotation, "stalled", &text);
                }
            }
            None => {
                if self.stall_reported.take().is_some() {
                    self.stalled_secs = self.stalled_total();
                    self.stalled_since = None;
                }
            }
        }
        if !r.complete {
            return None;
        }
        let violated: Vec<String> = self
            .state
            .pdbs
            .values()
            .filter(|p| !p.violations.is_empty())
            .map(|p| {
                format!(
                    "{} ({} time(s), lowest {} of {} required)",
                    p.key(),
                    p.violations.len(),
                    p.lowest.unwrap_or(0),
                    p.required()
                )
            })
            .collect();
        let pdbs: Vec<String> = self
            .state
            .pdbs
            .values()
            .filter(|p| p.lowest.is_some())
            .map(|p| {
                format!(
                    "PDB {} lowest healthy {} of required {}, {} violation(s)",
                    p.key(),
                    p.lowest.unwrap_or(0),
                    p.required(),
                    p.violations.len()
                )
            })
            .collect();
        for p in pdbs {
            self.emit_now(Subject::Rotation, "pdb", &p);
        }
        if violated.is_empty() {
            self.emit_now(
                Subject::Rotation,
                "complete",
                &format!("every node runs {}; no PDB was violated", r.target),
            );
            Some(End::Complete { violated: false })
        } else {
            self.emit_now(
                Subject::Rotation,
                "complete",
                &format!(
                    "every node runs {}; PDB violated: {}",
                    r.target,
                    violated.join(", ")
                ),
            );
            Some(End::Complete { violated: true })
        }
    }

    /// Seconds stalled so far, the current stretch included.
    fn stalled_total(&self) -> i64 {
        self.stalled_secs
            + self
                .stalled_since
                .map_or(0, |t| Timestamp::now().duration_since(t).as_secs().max(0))
    }

    fn frame(&mut self, screen: Screen) -> Vec<String> {
        let now = self.state.now(Timestamp::now());
        let recent: Vec<Line> = self.recent.iter().cloned().collect();
        match self.view {
            View::Nodes => nodes::frame(&self.state, &self.cx, now, screen, &recent),
            View::Pods => pods::frame(&self.state, &self.cx, now, screen, &recent),
            View::Pdbs => pdbs::frame(&self.state, &self.cx, now, screen, &recent),
            View::Rotation => match self.rotation() {
                Some(r) => rotation_view::frame(&self.state, &self.cx, &r, now, screen, &recent),
                None => Vec::new(),
            },
        }
    }

    /// After the terminal is restored: the last frame stays on screen (TTY), plain output ends
    /// with nothing more.
    fn print_final(&mut self, output: Output) {
        if self.mode == Mode::Tty {
            let lines = self.frame(Screen {
                width: Terminal::screen().width,
                height: usize::MAX,
            });
            print(&(lines.join("\n") + "\n"));
        }
        let _ = output;
    }

    /// `--once`: every row, no feed; JSON with `-o json`.
    fn snapshot(&mut self, json: bool) -> String {
        let now = self.state.now(Timestamp::now());
        if !json {
            let screen = if std::io::stdout().is_terminal() {
                Screen {
                    width: Terminal::screen().width,
                    height: usize::MAX,
                }
            } else {
                Screen::UNBOUNDED
            };
            let lines = match self.view {
                View::Nodes => nodes::frame(&self.state, &self.cx, now, screen, &[]),
                View::Pods => pods::frame(&self.state, &self.cx, now, screen, &[]),
                View::Pdbs => pdbs::frame(&self.state, &self.cx, now, screen, &[]),
                View::Rotation => match self.rotation() {
                    Some(r) => rotation_view::frame(&self.state, &self.cx, &r, now, screen, &[]),
                    None => Vec::new(),
                },
            };
            return lines.join("\n") + "\n";
        }
        let value = match self.view {
            View::Nodes => serde_json::json!({
                "nodes": nodes::rows(&self.state, now),
                "nodePools": nodes::pools(&self.state),
            }),
            View::Pods => serde_json::json!({ "pods": pods::rows(&self.state, now, usize::MAX) }),
            View::Pdbs => serde_json::json!({ "pdbs": pdbs::rows(&self.state) }),
            View::Rotation => match self.rotation() {
                Some(r) => serde_json::to_value(rotation_view::snapshot(&self.state, &r))
                    .unwrap_or_default(),
                None => serde_json::Value::Null,
            },
        };
        serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
    }
}

/// Writes to stdout; a closed pipe is not an error.
fn print(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|_| out.flush());
}
