//! kube-rs watchers as tests use them: one running in the background and handing every event to
//! a recorder, or one stream read event by event with a deadline.

use std::fmt::Debug;
use std::time::Duration;

use futures::{Stream, StreamExt, TryStreamExt};
use k8s_openapi::api::core::v1::{Node, Pod};
use kube::runtime::watcher::{self, Event};
use kube::Api;
use serde::de::DeserializeOwned;

/// Runs a watcher of `api` in the background, handing each event to `on_event`; it ends with
/// the watcher's first error.
pub fn spawn_watcher<K>(
    api: Api<K>,
    config: watcher::Config,
    mut on_event: impl FnMut(Event<K>) + Send + 'static,
) -> tokio::task::JoinHandle<()>
where
    K: kube::Resource + Clone + Debug + DeserializeOwned + Send + 'static,
    K::DynamicType: Default,
{
    tokio::spawn(async move {
        let _ = watcher::watcher(api, config)
            .try_for_each(|ev| {
                on_event(ev);
                futures::future::ready(Ok(()))
            })
            .await;
    })
}

/// The next event of `stream`; panics when none comes within `within` or the stream ends.
async fn next_event<K, E: Debug>(
    stream: &mut (impl Stream<Item = Result<Event<K>, E>> + Unpin),
    within: Duration,
) -> Result<Event<K>, E> {
    tokio::time::timeout(within, stream.next())
        .await
        .unwrap_or_else(|_| panic!("no watch event within {within:?}"))
        .expect("the watcher ended")
}

/// The objects of the watcher's initial list, up to its end (`InitDone`); panics on an error or
/// when an event takes longer than `within`.
pub async fn initial_list<K: Debug, E: Debug>(
    stream: &mut (impl Stream<Item = Result<Event<K>, E>> + Unpin),
    within: Duration,
) -> Vec<K> {
    let mut objects = Vec::new();
    loop {
        match next_event(stream, within).await {
            Ok(Event::InitApply(o)) => objects.push(o),
            Ok(Event::InitDone) => return objects,
            Ok(_) => {}
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
}

/// The object of the next `Apply` event (a change after the initial list); panics on an error or
/// when an event takes longer than `within`.
pub async fn next_applied<K: Debug, E: Debug>(
    stream: &mut (impl Stream<Item = Result<Event<K>, E>> + Unpin),
    within: Duration,
) -> K {
    loop {
        match next_event(stream, within).await {
            Ok(Event::Apply(o)) => return o,
            Ok(_) => {}
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
}

/// Whether a pod's conditions say Ready.
pub fn pod_ready(p: &Pod) -> bool {
    p.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

/// Whether a node's conditions say Ready.
pub fn node_ready(n: &Node) -> bool {
    n.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}
