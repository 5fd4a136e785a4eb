//! Starting the live runtime's watchers: the feed for a view's kinds, with a re-connect that
//! builds a fresh client from the kubeconfig (an `exec` plugin's token may have expired), and the
//! early watchers `upgrade` starts before its rotation view so the first moves are seen.

use std::collections::VecDeque;
use std::sync::Arc;

use jiff::Timestamp;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use crate::cli::GlobalArgs;
use crate::clients::Kube;
use crate::connect;
use crate::error::Error;
use crate::live::feed::{self, FeedConfig, Reconnect};
use crate::live::{Change, Line, State};
use crate::version::Minor;

/// Changes queued between the watchers and the loop.
const QUEUE: usize = 16_384;
/// Lines the early watchers keep for the rotation view (the oldest go first beyond this).
const EARLY_LINES: usize = 10_000;

/// Starts the watchers `config` names on `kube`; the changes arrive on the receiver.
pub fn watch(global: &GlobalArgs, kube: &Kube, config: FeedConfig) -> mpsc::Receiver<Change> {
    let (tx, rx) = mpsc::channel(QUEUE);
    feed::spawn(kube, &config, reconnect_with(global), tx);
    rx
}

/// A client built anew from the kubeconfig (after a 401 or 403).
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

/// Watchers started before the rotation view (while the control plane updates), with a task that
/// keeps the live state current meanwhile.
pub struct Early {
    stop: oneshot::Sender<()>,
    task: JoinHandle<(State, mpsc::Receiver<Change>, VecDeque<Line>)>,
}

/// What the early watchers saw, ready for the rotation view.
pub struct Seen {
    pub state: State,
    pub rx: mpsc::Receiver<Change>,
    pub lines: Vec<Line>,
}

impl Early {
    /// Starts every kind's watcher now; nothing is printed until [`Early::finish`].
    pub fn start(global: &GlobalArgs, kube: &Kube, target: Minor) -> Early {
        let mut rx = watch(
            global,
            kube,
            FeedConfig::all(crate::live::Kind::ALL.to_vec()),
        );
        let (stop, mut stopped) = oneshot::channel();
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
        Early { stop, task }
    }

    /// Stops keeping the state here and hands it over.
    pub async fn finish(self) -> Result<Seen, Error> {
        let _ = self.stop.send(());
        let (state, rx, lines) = self
            .task
            .await
            .map_err(|e| Error::Usage(format!("the live view stopped: {e}")))?;
        Ok(Seen {
            state,
            rx,
            lines: lines.into(),
        })
    }
}
