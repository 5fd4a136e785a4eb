//! One line of the change feed: what happened, to what, when (server time). The TTY view shows
//! the last few, the plain view prints each with its timestamp, `-o json` emits each as an NDJSON
//! object (schema in the README).

use jiff::Timestamp;
use serde::Serialize;

/// What a line is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Subject {
    Node,
    Pod,
    Pdb,
    NodePool,
    Event,
    Watch,
    Rotation,
}

impl Subject {
    pub fn name(self) -> &'static str {
        match self {
            Subject::Node => "node",
            Subject::Pod => "pod",
            Subject::Pdb => "pdb",
            Subject::NodePool => "nodepool",
            Subject::Event => "event",
            Subject::Watch => "watch",
            Subject::Rotation => "rotation",
        }
    }
}

/// One change, ready to print.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    /// Server time of the change.
    pub time: Timestamp,
    pub kind: Subject,
    /// What happened: `joined`, `ready`, `notready`, `disrupted`, `cordoned`, `drifted`,
    /// `removed`, `scheduled`, `evicted`, `deleted`, `violated`, `recovered`, `blocked`,
    /// `reconnecting`, `synced`, `complete`, `stalled`, ...
    pub event: &'static str,
    /// The object: `i-4444…`, `default/myapp-5865fb57f-x2sdq`, `default/myapp`.
    pub name: String,
    /// The human sentence after the name.
    pub text: String,
    /// A duration that belongs to the event, in seconds (Ready in 5s, removed 70s after).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seconds: Option<i64>,
}

impl Line {
    pub fn new(
        time: Timestamp,
        kind: Subject,
        event: &'static str,
        name: impl Into<String>,
        text: impl Into<String>,
    ) -> Self {
        Line {
            time,
            kind,
            event,
            name: name.into(),
            text: text.into(),
            seconds: None,
        }
    }

    pub fn seconds(mut self, s: i64) -> Self {
        self.seconds = Some(s);
        self
    }

    /// `node i-5555… joined c5a.large on-demand general-purpose ap-northeast-1a v1.31.1`.
    pub fn sentence(&self) -> String {
        if self.text.is_empty() {
            format!("{} {}", self.kind.name(), self.name)
        } else {
            format!("{} {} {}", self.kind.name(), self.name, self.text)
        }
    }
}
