//! Watches: a chunked stream of newline-delimited JSON events with the API server's
//! resourceVersion semantics (replay from the log, or synthetic ADDED events when no version is
//! given), selectors applied per event (objects that stop matching are sent as DELETED),
//! bookmarks, `timeoutSeconds`, `410 Expired` for compacted versions and lagging watchers, and
//! streams cut on demand (`/_sim/watches/cut`). Table-typed events for kubectl.

use std::collections::HashSet;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{json, Value};
use tokio::sync::{broadcast, mpsc};

use super::list::{key_of, render_one, scan};
use super::paths::Target;
use super::query::{Query, Repr};
use super::selectors::Selectors;
use super::status::{self, ApiError};
use super::table::Include;
use crate::sim::store::{EventType, Key, Res, WatchEvent};
use crate::sim::world::{lock, Shared};

/// How often open streams check for cuts and closed clients.
const CHECK_EVERY: Duration = Duration::from_millis(250);
/// How often bookmarks are sent to watchers that asked for them.
const BOOKMARK_EVERY: Duration = Duration::from_secs(1);

#[derive(Serialize)]
struct Line<'a> {
    #[serde(rename = "type")]
    ty: &'a str,
    object: &'a Value,
}

fn line(ty: &str, object: &Value) -> Bytes {
    let mut v = serde_json::to_vec(&Line { ty, object }).unwrap_or_default();
    v.push(b'\n');
    Bytes::from(v)
}

/// The single ERROR event the API server sends for an expired resourceVersion.
fn gone_line(requested: u64, current: u64) -> Bytes {
    line("ERROR", &status::expired(requested, current).to_status())
}

/// Which events of the kind this watcher gets, and as what.
struct Filter {
    namespace: Option<String>,
    sel: Selectors,
    /// Keys of objects currently matching the selectors (only tracked when there are selectors).
    tracked: Option<HashSet<Key>>,
}

impl Filter {
    fn event(&mut self, kind: EventType, obj: &Value) -> Option<&'static str> {
        if let Some(ns) = &self.namespace {
            if obj["metadata"]["namespace"].as_str() != Some(ns.as_str()) {
                return None;
            }
        }
        let Some(set) = self.tracked.as_mut() else {
            return Some(kind.as_str());
        };
        let matches = self.sel.matches(obj);
        let key = key_of(obj);
        let was = set.contains(&key);
        match kind {
            EventType::Added if matches => {
                set.insert(key);
                Some("ADDED")
            }
            EventType::Added => None,
            EventType::Modified => match (was, matches) {
                (true, true) => Some("MODIFIED"),
                (false, true) => {
                    set.insert(key);
                    Some("ADDED")
                }
                (true, false) => {
                    set.remove(&key);
                    Some("DELETED")
                }
                (false, false) => None,
            },
            EventType::Deleted if was || matches => {
                set.remove(&key);
                Some("DELETED")
            }
            EventType::Deleted => None,
        }
    }
}

/// How events are rendered.
struct Render {
    res: Res,
    repr: Repr,
    include: Include,
    columns_sent: bool,
}

impl Render {
    fn event(&mut self, shared: &Shared, ty: &str, obj: &Value) -> Bytes {
        match self.repr {
            Repr::Object => line(ty, obj),
            Repr::Metadata => line(
                ty,
                &render_one(
                    self.res,
                    obj,
                    self.repr,
                    jiff::Timestamp::UNIX_EPOCH,
                    self.include,
                    false,
                ),
            ),
            Repr::Table => {
                // the API server sends column definitions with the first event only
                let now = lock(shared).now;
                let first = !self.columns_sent;
                self.columns_sent = true;
                line(
                    ty,
                    &render_one(self.res, obj, self.repr, now, self.include, first),
                )
            }
        }
    }

    fn bookmark(&self, rv: u64, initial_end: bool) -> Bytes {
        let info = self.res.info();
        let mut meta = json!({"resourceVersion": rv.to_string(), "creationTimestamp": null});
        if initial_end {
            meta["annotations"] = json!({"k8s.io/initial-events-end": "true"});
        }
        line(
            "BOOKMARK",
            &json!({"kind": info.kind, "apiVersion": info.api_version(), "metadata": meta}),
        )
    }
}

fn stream_response(rx: mpsc::Receiver<Bytes>, repr: Repr) -> Response {
    let stream = futures::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|b| (Ok::<Bytes, Infallible>(b), rx))
    });
    (
        [(header::CONTENT_TYPE, repr.content_type(false))],
        Body::from_stream(stream),
    )
        .into_response()
}

/// A watch request: sets up under the lock, then streams from a task.
pub fn watch(shared: &Shared, t: &Target, q: &Query, repr: Repr) -> Result<Response, ApiError> {
    let sel = Selectors::parse(q.label_selector.as_deref(), q.field_selector.as_deref())
        .map_err(status::bad_request)?;
    let from = q.rv_number().map_err(status::bad_request)?;
    let namespace = t.namespace.clone();
    let res = t.res;

    let (rx, initial, cuts, start_rv, tracked) = {
        let mut w = lock(shared);
        let current = w.kube.rv();
        if w.faults.take_gone() {
            let (tx, body) = mpsc::channel(1);
            let _ = tx.try_send(gone_line(from.unwrap_or(current), current));
            return Ok(stream_response(body, repr));
        }
        let rx = w.kube.subscribe();
        let initial: Vec<(EventType, Arc<Value>)> = match from {
            None => {
                let (objs, _) = scan(
                    &w.kube,
                    res,
                    namespace.as_deref(),
                    (String::new(), String::new()),
                    |_| true,
                    usize::MAX,
                );
                objs.into_iter().map(|o| (EventType::Added, o)).collect()
            }
            Some(rv) => match w.kube.events_since(res, rv) {
                Ok(evs) => evs.iter().map(|e| (e.kind, e.object.clone())).collect(),
                Err(_compacted) => {
                    let (tx, body) = mpsc::channel(1);
                    let _ = tx.try_send(gone_line(rv, current));
                    return Ok(stream_response(body, repr));
                }
            },
        };
        // With selectors, remember what matches now so changes out of the selection become DELETED.
        let tracked = if sel.is_empty() {
            None
        } else if from.is_none() {
            Some(HashSet::new())
        } else {
            let (objs, _) = scan(
                &w.kube,
                res,
                namespace.as_deref(),
                (String::new(), String::new()),
                |o| sel.matches(o),
                usize::MAX,
            );
            let set: HashSet<Key> = objs.iter().map(|o| key_of(o)).collect();
            Some(set)
        };
        (rx, initial, w.faults.watch_cuts, current, tracked)
    };

    let filter = Filter {
        namespace,
        sel,
        tracked,
    };
    let render = Render {
        res,
        repr,
        include: Include::parse(q.include_object.as_deref()),
        columns_sent: false,
    };
    let opts = StreamOpts {
        bookmarks: q.allow_bookmarks,
        initial_end: q.send_initial_events && from.is_none() && q.allow_bookmarks,
        timeout: q.timeout_seconds.map(Duration::from_secs),
        cuts,
        start_rv,
    };
    let (tx, body) = mpsc::channel(256);
    tokio::spawn(run(shared.clone(), rx, initial, filter, render, opts, tx));
    Ok(stream_response(body, repr))
}

struct StreamOpts {
    bookmarks: bool,
    initial_end: bool,
    timeout: Option<Duration>,
    cuts: u64,
    start_rv: u64,
}

async fn run(
    shared: Shared,
    mut rx: broadcast::Receiver<Arc<WatchEvent>>,
    initial: Vec<(EventType, Arc<Value>)>,
    mut filter: Filter,
    mut render: Render,
    opts: StreamOpts,
    tx: mpsc::Sender<Bytes>,
) {
    for (kind, obj) in &initial {
        if let Some(ty) = filter.event(*kind, obj) {
            if tx.send(render.event(&shared, ty, obj)).await.is_err() {
                return;
            }
        }
    }
    let mut seen_rv = opts.start_rv;
    if opts.initial_end && tx.send(render.bookmark(seen_rv, true)).await.is_err() {
        return;
    }
    let deadline = tokio::time::sleep(opts.timeout.unwrap_or(Duration::from_secs(365 * 86400)));
    tokio::pin!(deadline);
    let mut check = tokio::time::interval(CHECK_EVERY);
    let mut bookmark = tokio::time::interval(BOOKMARK_EVERY);
    bookmark.tick().await;
    loop {
        tokio::select! {
            ev = rx.recv() => match ev {
                Ok(ev) => {
                    if ev.rv <= seen_rv {
                        continue;
                    }
                    seen_rv = ev.rv;
                    if ev.res != render.res {
                        continue;
                    }
                    if let Some(ty) = filter.event(ev.kind, &ev.object) {
                        if tx.send(render.event(&shared, ty, &ev.object)).await.is_err() {
                            return;
                        }
                    }
                }
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    let current = lock(&shared).kube.rv();
                    let _ = tx.send(gone_line(seen_rv, current)).await;
                    return;
                }
                Err(broadcast::error::RecvError::Closed) => return,
            },
            _ = bookmark.tick(), if opts.bookmarks => {
                if tx.send(render.bookmark(seen_rv, false)).await.is_err() {
                    return;
                }
            }
            _ = check.tick() => {
                let ended = {
                    let w = lock(&shared);
                    w.faults.watch_cuts != opts.cuts || w.faults.kube_unreachable
                };
                if tx.is_closed() || ended {
                    return;
                }
            }
            _ = &mut deadline => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_leaving_the_selection_are_deleted() {
        let mut f = Filter {
            namespace: Some("default".into()),
            sel: Selectors::parse(Some("app=web"), None).unwrap(),
            tracked: Some(HashSet::new()),
        };
        let web =
            json!({"metadata": {"name": "a", "namespace": "default", "labels": {"app": "web"}}});
        let other =
            json!({"metadata": {"name": "a", "namespace": "default", "labels": {"app": "db"}}});
        let elsewhere =
            json!({"metadata": {"name": "a", "namespace": "x", "labels": {"app": "web"}}});
        assert_eq!(f.event(EventType::Added, &web), Some("ADDED"));
        assert_eq!(f.event(EventType::Added, &elsewhere), None);
        assert_eq!(f.event(EventType::Modified, &web), Some("MODIFIED"));
        assert_eq!(f.event(EventType::Modified, &other), Some("DELETED"));
        assert_eq!(f.event(EventType::Modified, &other), None);
        assert_eq!(f.event(EventType::Modified, &web), Some("ADDED"));
        assert_eq!(f.event(EventType::Deleted, &web), Some("DELETED"));
    }

    #[test]
    fn gone_is_an_error_event() {
        let l = gone_line(3, 9);
        let v: Value = serde_json::from_slice(&l).unwrap();
        assert_eq!(v["type"], "ERROR");
        assert_eq!(v["object"]["code"], 410);
        assert_eq!(v["object"]["message"], "too old resource version: 3 (9)");
    }
}
