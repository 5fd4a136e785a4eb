//! Watches: a chunked stream of newline-delimited JSON events with the API server's
//! resourceVersion semantics (replay from the log, or synthetic ADDED events when no version is
//! given), selectors applied per event as the watch cache does (an object that leaves the selection
//! is sent as DELETED, one that enters it as ADDED, also when replaying from a resourceVersion),
//! bookmarks about once a minute and just before the timeout, `timeoutSeconds` or the server's
//! randomised default timeout, `410 Expired` for compacted versions, lagging watchers terminated,
//! and streams cut on demand (`/_sim/watches/cut`). Table-typed events for kubectl.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{json, Value};
use tokio::sync::{broadcast, mpsc};
use tokio::time::Instant;

use super::list::{render_one, scan};
use super::paths::Target;
use super::query::{Query, Repr};
use super::selectors::Selectors;
use super::status::{self, ApiError};
use super::table::Include;
use crate::store::{EventType, Res, WatchEvent};
use crate::world::{lock, Shared};

/// How often open streams check for cuts and closed clients.
const CHECK_EVERY: Duration = Duration::from_millis(250);
/// How long before its timeout a watch gets its last bookmark (as the watch cache does).
const BOOKMARK_BEFORE_TIMEOUT: Duration = Duration::from_secs(2);

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
}

impl Filter {
    /// The event type this watcher sees for a change, and the object it carries. With selectors,
    /// the object before and after the change are matched, as the watch cache does: entering the
    /// selection is ADDED, leaving it DELETED (carrying the object as it was, at the change's
    /// resourceVersion), staying in it MODIFIED.
    fn event(
        &self,
        kind: EventType,
        obj: &Arc<Value>,
        prev: Option<&Arc<Value>>,
    ) -> Option<(&'static str, Arc<Value>)> {
        if let Some(ns) = &self.namespace {
            if obj["metadata"]["namespace"].as_str() != Some(ns.as_str()) {
                return None;
            }
        }
        if self.sel.is_empty() {
            return Some((kind.as_str(), obj.clone()));
        }
        let now_in = kind != EventType::Deleted && self.sel.matches(obj);
        let was_in = match kind {
            EventType::Added => false,
            // a deletion's object is the last state: it was in if that matched
            EventType::Deleted => self.sel.matches(prev.unwrap_or(obj)),
            EventType::Modified => prev.is_some_and(|p| self.sel.matches(p)),
        };
        match (was_in, now_in) {
            (false, true) => Some(("ADDED", obj.clone())),
            (true, true) => Some(("MODIFIED", obj.clone())),
            (true, false) if kind == EventType::Deleted => Some(("DELETED", obj.clone())),
            (true, false) => {
                let mut last = (**prev.unwrap_or(obj)).clone();
                last["metadata"]["resourceVersion"] = obj["metadata"]["resourceVersion"].clone();
                Some(("DELETED", Arc::new(last)))
            }
            (false, false) => None,
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

    let (rx, initial, cuts, start_rv, settings) = {
        let mut w = lock(shared);
        let current = w.kube.rv();
        if w.faults.take_gone() {
            let (tx, body) = mpsc::channel(1);
            let _ = tx.try_send(gone_line(from.unwrap_or(current), current));
            return Ok(stream_response(body, repr));
        }
        let rx = w.kube.subscribe();
        let initial: Vec<Initial> = match from {
            None => {
                // Only what the selectors pick is held until it is sent.
                let (objs, _) = scan(
                    &w.kube,
                    res,
                    namespace.as_deref(),
                    (String::new(), String::new()),
                    |o| sel.matches(o),
                    usize::MAX,
                );
                objs.into_iter().map(Initial::Object).collect()
            }
            Some(rv) => match w.kube.events_since(res, rv) {
                Ok(evs) => evs.into_iter().map(Initial::Event).collect(),
                Err(_compacted) => {
                    let (tx, body) = mpsc::channel(1);
                    let _ = tx.try_send(gone_line(rv, current));
                    return Ok(stream_response(body, repr));
                }
            },
        };
        (
            rx,
            initial,
            w.faults.watch_cuts,
            current,
            w.api.settings.clone(),
        )
    };

    let filter = Filter { namespace, sel };
    let render = Render {
        res,
        repr,
        include: Include::parse(q.include_object.as_deref()),
        columns_sent: false,
    };
    let opts = StreamOpts {
        bookmarks: q.allow_bookmarks,
        bookmark_every: Duration::from_secs(settings.bookmark_interval_s.max(1)),
        initial_end: q.send_initial_events && from.is_none() && q.allow_bookmarks,
        timeout: watch_timeout(q.timeout_seconds, settings.min_request_timeout_s),
        cuts,
        start_rv,
    };
    let (tx, body) = mpsc::channel(256);
    tokio::spawn(run(shared.clone(), rx, initial, filter, render, opts, tx));
    Ok(stream_response(body, repr))
}

/// What a watch starts with: the current objects (no resourceVersion given), or the logged events
/// since the one given.
enum Initial {
    Object(Arc<Value>),
    Event(Arc<WatchEvent>),
}

/// How long a watch may stay open: `timeoutSeconds` when the client gives one (0 counts as none),
/// else, as kube-apiserver does, a random time between `--min-request-timeout` and twice that, so
/// that clients' re-watches spread out.
fn watch_timeout(requested: Option<u64>, min_request_timeout_s: u64) -> Duration {
    match requested.filter(|&t| t > 0) {
        Some(t) => Duration::from_secs(t),
        None => Duration::from_secs(min_request_timeout_s.max(1)).mul_f64(1.0 + unit_random()),
    }
}

/// A number in [0, 1) from the process's hash randomness: watch timeouts need spread, not the
/// world's deterministic generator (whose sequence names objects).
fn unit_random() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos(),
    );
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// When the next bookmark is due after `from`: a bookmark interval later, but no later than
/// 2 s before the deadline; none once that moment has passed (as the watch cache schedules them).
fn next_bookmark(from: Instant, every: Duration, deadline: Instant) -> Option<Instant> {
    let last_call = deadline.checked_sub(BOOKMARK_BEFORE_TIMEOUT)?;
    let at = (from + every).min(last_call);
    (at > from).then_some(at)
}

struct StreamOpts {
    bookmarks: bool,
    bookmark_every: Duration,
    initial_end: bool,
    timeout: Duration,
    cuts: u64,
    start_rv: u64,
}

async fn run(
    shared: Shared,
    mut rx: broadcast::Receiver<Arc<WatchEvent>>,
    initial: Vec<Initial>,
    filter: Filter,
    mut render: Render,
    opts: StreamOpts,
    tx: mpsc::Sender<Bytes>,
) {
    let started = Instant::now();
    let deadline_at = started + opts.timeout;
    // Each initial item is let go once sent: a long watch must not keep a whole kind's old
    // objects alive after they changed.
    for item in initial {
        let picked = match &item {
            Initial::Object(obj) => filter.event(EventType::Added, obj, None),
            Initial::Event(ev) => filter.event(ev.kind, &ev.object, ev.previous.as_ref()),
        };
        if let Some((ty, obj)) = picked {
            if tx.send(render.event(&shared, ty, &obj)).await.is_err() {
                return;
            }
        }
    }
    let mut seen_rv = opts.start_rv;
    if opts.initial_end && tx.send(render.bookmark(seen_rv, true)).await.is_err() {
        return;
    }
    let deadline = tokio::time::sleep_until(deadline_at);
    tokio::pin!(deadline);
    let mut check = tokio::time::interval(CHECK_EVERY);
    let mut bookmark_at =
        next_bookmark(Instant::now(), opts.bookmark_every, deadline_at).filter(|_| opts.bookmarks);
    let far = deadline_at + Duration::from_secs(86400);
    let bookmark = tokio::time::sleep_until(bookmark_at.unwrap_or(far));
    tokio::pin!(bookmark);
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
                    if let Some((ty, obj)) = filter.event(ev.kind, &ev.object, ev.previous.as_ref()) {
                        if tx.send(render.event(&shared, ty, &obj)).await.is_err() {
                            return;
                        }
                    }
                }
                // A watcher that fell behind the event stream is terminated, as the watch cache
                // does with an unresponsive watcher: the stream ends (no ERROR event) and the
                // client re-watches from the last resourceVersion it saw.
                Err(broadcast::error::RecvError::Lagged(_)) => return,
                Err(broadcast::error::RecvError::Closed) => return,
            },
            _ = &mut bookmark, if bookmark_at.is_some() => {
                if tx.send(render.bookmark(seen_rv, false)).await.is_err() {
                    return;
                }
                bookmark_at = next_bookmark(Instant::now(), opts.bookmark_every, deadline_at);
                bookmark.as_mut().reset(bookmark_at.unwrap_or(far));
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

    fn pod(ns: &str, app: &str, rv: &str) -> Arc<Value> {
        Arc::new(
            json!({"metadata": {"name": "a", "namespace": ns, "resourceVersion": rv,
            "labels": {"app": app}}}),
        )
    }

    #[test]
    fn objects_leaving_the_selection_are_deleted() {
        let f = Filter {
            namespace: Some("default".into()),
            sel: Selectors::parse(Some("app=web"), None).unwrap(),
        };
        let web = pod("default", "web", "5");
        let other = pod("default", "db", "6");
        let ty = |kind, obj: &Arc<Value>, prev: Option<&Arc<Value>>| {
            f.event(kind, obj, prev).map(|(t, _)| t)
        };
        assert_eq!(ty(EventType::Added, &web, None), Some("ADDED"));
        assert_eq!(ty(EventType::Added, &pod("x", "web", "5"), None), None);
        assert_eq!(ty(EventType::Modified, &web, Some(&web)), Some("MODIFIED"));
        // leaving: DELETED, carrying the object as it was at the change's resourceVersion
        let (t, obj) = f.event(EventType::Modified, &other, Some(&web)).unwrap();
        assert_eq!(t, "DELETED");
        assert_eq!(obj["metadata"]["labels"]["app"], "web");
        assert_eq!(obj["metadata"]["resourceVersion"], "6");
        assert_eq!(ty(EventType::Modified, &other, Some(&other)), None);
        assert_eq!(ty(EventType::Modified, &web, Some(&other)), Some("ADDED"));
        assert_eq!(ty(EventType::Deleted, &web, Some(&web)), Some("DELETED"));
        assert_eq!(ty(EventType::Deleted, &other, Some(&other)), None);
    }

    #[test]
    fn timeouts_and_bookmarks_follow_the_api_server() {
        assert_eq!(watch_timeout(Some(290), 1800), Duration::from_secs(290));
        for requested in [None, Some(0)] {
            let t = watch_timeout(requested, 1800);
            assert!(
                t >= Duration::from_secs(1800) && t < Duration::from_secs(3600),
                "{t:?}"
            );
        }
        let now = Instant::now();
        let minute = Duration::from_secs(60);
        // long watch: a minute apart
        let deadline = now + Duration::from_secs(290);
        assert_eq!(next_bookmark(now, minute, deadline), Some(now + minute));
        // short watch: one bookmark 2 s before the end, then none
        let deadline = now + Duration::from_secs(5);
        let last = next_bookmark(now, minute, deadline).unwrap();
        assert_eq!(last, now + Duration::from_secs(3));
        assert_eq!(next_bookmark(last, minute, deadline), None);
        assert_eq!(
            next_bookmark(now, minute, now + Duration::from_secs(1)),
            None
        );
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
