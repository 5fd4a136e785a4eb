//! The live runtime, one for every live view (`watch`, the upgrade's rotation, and next the
//! rollback and the demo): `session` starts the watchers, `app` runs the event loop (changes, keys,
//! ticks, deadline) that applies the feed to the live state, asks the rotation policy what to say,
//! and hands frames, lines or a snapshot of a view to the printer until the view ends with a typed
//! [`End`](app::End). It sits above `live` (the model) and `ui` (the views), which know nothing of
//! it.

pub mod app;
pub mod session;
