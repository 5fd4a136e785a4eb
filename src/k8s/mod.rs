//! Kubernetes value types shared by the facts, the checks and the live model: object keys
//! (`namespace/name`), labels and selectors, int-or-percent, quantities. Pure.

mod int_or_percent;
mod key;
mod labels;
mod quantity;

pub use int_or_percent::IntOrPercent;
pub use key::{key, Keyed};
pub use labels::{LabelLookup, LabelSelector, LabelSelectorRequirement, Labels};
pub use quantity::{parse_cpu_millis, parse_memory_bytes};
