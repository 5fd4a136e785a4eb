//! Scenarios: YAML files describing the world the emulator starts with (the AWS side, the cluster's
//! Kubernetes objects, existing nodes, timings and faults). Built-in ones live in `scenarios/` and are
//! compiled into the binary; a path to any other file works too. Errors name the line at fault.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use super::faults::Faults;
use super::world::{Timings, World};

/// The scenario used when none is named.
pub const DEFAULT: &str = "article";

/// Why a scenario could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error("unknown scenario {0:?}: use one of article, blocked, large, or a path to a YAML file")]
    Unknown(String),
    #[error("cannot read scenario file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("scenario {path}, line {line}: {message}")]
    Invalid {
        path: String,
        line: usize,
        message: String,
    },
    #[error("scenario {path}: {message}")]
    Inconsistent { path: String, message: String },
}

/// Nodes that exist when the scenario starts (launched and Ready before it begins).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NodeSeed {
    #[serde(default = "one")]
    pub count: u32,
    pub instance_type: String,
    #[serde(default = "general_purpose")]
    pub node_pool: String,
    /// Default: the cluster subnets' zones, round-robin.
    #[serde(default)]
    pub zone: Option<String>,
    /// Kubernetes minor version of the node; default: the cluster's.
    #[serde(default)]
    pub version: Option<String>,
    /// How long ago the node was launched.
    #[serde(default)]
    pub age_seconds: u64,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    /// Taints in the Kubernetes shape ({key, value, effect}).
    #[serde(default)]
    pub taints: Vec<Value>,
}

fn one() -> u32 {
    1
}

fn general_purpose() -> String {
    "general-purpose".into()
}

/// Placeholder until the loader lands.
pub struct Scenario {
    pub timings: Timings,
    pub faults: Faults,
}

pub fn load(name_or_path: &str) -> Result<Scenario, ScenarioError> {
    let _ = Path::new(name_or_path);
    Err(ScenarioError::Unknown(name_or_path.to_string()))
}

pub fn build_world(_s: &Scenario) -> Result<World, ScenarioError> {
    Err(ScenarioError::Unknown("-".into()))
}
