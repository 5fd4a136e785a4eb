//! How a command ended. Every command returns one [`Outcome`] (or an `Error` for what stopped it
//! before it could finish); `main.rs` alone turns either into the process exit code. Nothing here
//! decides numbers: the variants say what happened, in the user's terms.

/// How a command ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Everything asked for was done, or there was nothing to do.
    Done,
    /// The preflight (alone, or before an upgrade) found failing checks; nothing was changed.
    ChecksFailed,
    /// The user answered no at the confirmation; nothing was changed.
    Declined,
    /// EKS refused the update or the update ended unsuccessfully.
    UpdateFailed,
    /// A PodDisruptionBudget was violated during the rotation: every node reached the target
    /// anyway, or the deadline passed first (the report says which).
    PdbViolated,
    /// Some checks could not be run (an API refused or was unreachable): the verdict is partial.
    Incomplete,
    /// A deadline (`--timeout`) passed before the work finished; the work goes on in the cluster.
    TimedOut,
    /// The user left a live view (`q`) that follows work still going on in the cluster: the
    /// rotation goes on; `on_target` of `total` nodes ran the target when the view closed.
    Left { on_target: usize, total: usize },
    /// Ctrl-C: the command stopped; the cluster was left as it was.
    Interrupted,
}

impl Outcome {
    /// Did the command reach its goal?
    pub fn succeeded(&self) -> bool {
        matches!(self, Outcome::Done)
    }
}
