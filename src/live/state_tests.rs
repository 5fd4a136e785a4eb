//! The live state fed with literal event sequences: the initial sync, out-of-order, repeated and
//! deleted-then-recreated objects, a watch restart (re-list), a PDB dip that lasts a single
//! event, watch trouble, and the rotation read from it.

use jiff::{SignedDuration, Timestamp};

use super::change::{Change, Kind, Object};
use super::policy::{Goal, Policy};
use super::rotation::{blockers, read, Moment};
use super::state::State;
use super::Line;
use crate::checks::fixtures::{claim, labels, node, pdb, pod, pool};
use crate::disruption::node::Stage;
use crate::facts::model::{NodeFacts, PdbStatus, PodFacts};
use crate::k8s::LabelSelector;
use crate::version::Minor;

fn t(s: i64) -> Timestamp {
    Timestamp::from_second(1_733_990_000 + s).unwrap()
}

const OLD: &str = "v1.30.5-eks-baa6d11";
const NEW: &str = "v1.31.1-eks-1b3e656";

fn app(i: usize, node: &str) -> PodFacts {
    let mut p = pod(
        "default",
        &format!("myapp-{i}"),
        &[("app", "myapp")],
        Some("myapp-rs"),
        node,
    );
    p.cpu_request_millis = 100;
    p
}

/// The article's PDB with the status a real disruption controller reports for it.
fn myapp_pdb() -> Object {
    let mut p = pdb(
        "default",
        "myapp",
        LabelSelector {
            match_labels: labels(&[("app", "myapp")]),
            ..Default::default()
        },
        Some("80%"),
        None,
    );
    p.status = Some(PdbStatus {
        expected_pods: 10,
        current_healthy: 10,
        desired_healthy: 8,
        disruptions_allowed: 2,
    });
    Object::Pdb(p)
}

fn n(name: &str, version: &str) -> NodeFacts {
    let mut n = node(name, version, Some("general-purpose"));
    n.created = Some(t(0));
    n
}

/// A state with everything listed: one old node with ten myapp pods, its claim, the pool, the PDB.
fn synced() -> State {
    let mut s = State::new(Some(Minor::new(1, 31)), t(0));
    let mut feed = vec![];
    for k in Kind::ALL {
        feed.push(Change::Relist(k));
    }
    // pods before their node: counts must still add up
    feed.extend((0..10).map(|i| Change::Listed(Object::Pod(app(i, "i-old")))));
    feed.push(Change::Listed(Object::Node(n("i-old", OLD))));
    feed.push(Change::Listed(Object::NodeClaim(claim(
        "gp-old",
        "i-old",
        "general-purpose",
    ))));
    feed.push(Change::Listed(Object::NodePool(pool(
        "general-purpose",
        &["10%"],
    ))));
    feed.push(Change::Listed(myapp_pdb()));
    for k in Kind::ALL {
        feed.push(Change::Synced(k));
    }
    let mut lines = Vec::new();
    for c in feed {
        lines.extend(s.apply(c, t(1)));
    }
    assert!(
        lines.iter().all(|l| l.event == "healthy"),
        "the initial list is silent but for the PDBs' first judgement: {lines:?}"
    );
    s
}

fn events(lines: &[Line]) -> Vec<(&str, &str)> {
    lines.iter().map(|l| (l.event, l.name.as_str())).collect()
}

#[test]
fn initial_sync_counts_pods_listed_before_their_node() {
    let s = synced();
    assert_eq!(s.tally("i-old").pods, 10);
    assert_eq!(s.tally("i-old").cpu_requests_millis, 1000);
    let myapp = &s.pdbs()["default/myapp"];
    assert_eq!(
        (myapp.matched, myapp.healthy, myapp.required()),
        (10, 10, 8)
    );
    assert_eq!(myapp.lowest, Some(10));
}

#[test]
fn repeated_events_change_nothing_and_say_nothing() {
    let mut s = synced();
    let again = s.apply(Change::Applied(Object::Pod(app(3, "i-old"))), t(2));
    let again2 = s.apply(Change::Applied(Object::Node(n("i-old", OLD))), t(2));
    assert!(
        again.is_empty() && again2.is_empty(),
        "{again:?} {again2:?}"
    );
    assert_eq!(s.tally("i-old").pods, 10);
    assert_eq!(s.pdbs()["default/myapp"].healthy, 10);
}

#[test]
fn a_node_joins_gets_ready_and_is_removed_after_its_last_pod_left() {
    let mut s = synced();
    let mut fresh = n("i-new", NEW);
    fresh.ready = false;
    fresh.created = Some(t(100));
    let l = s.apply(Change::Applied(Object::Node(fresh.clone())), t(100));
    assert_eq!(events(&l), [("joined", "i-new")]);
    assert!(
        l[0].text.contains("c5a.4xlarge on-demand general-purpose"),
        "{}",
        l[0].text
    );
    fresh.ready = true;
    fresh.ready_since = Some(t(105));
    let l = s.apply(Change::Applied(Object::Node(fresh.clone())), t(105));
    assert_eq!((l[0].event, l[0].seconds), ("ready", Some(5)));

    // the old node: tainted, drained pod by pod, NotReady, gone
    let mut old = n("i-old", OLD);
    old.disrupted = true;
    let l = s.apply(Change::Applied(Object::Node(old.clone())), t(110));
    assert_eq!(events(&l), [("disrupted", "i-old")]);
    for i in 0..10 {
        let mut p = app(i, "i-old");
        p.terminating = true;
        s.apply(Change::Applied(Object::Pod(p.clone())), t(120));
        s.apply(Change::Deleted(Object::Pod(p)), t(121));
        s.apply(Change::Applied(Object::Pod(app(i + 10, "i-new"))), t(121));
    }
    assert_eq!(s.progress().pods_rescheduled, 10);
    assert_eq!((s.tally("i-old").pods, s.tally("i-new").pods), (0, 10));
    old.ready = false;
    let l = s.apply(Change::Applied(Object::Node(old.clone())), t(180));
    assert_eq!(events(&l), [("notready", "i-old")]);
    let l = s.apply(Change::Deleted(Object::Node(old)), t(191));
    assert_eq!(events(&l), [("removed", "i-old")]);
    assert_eq!(l[0].seconds, Some(70), "{}", l[0].text);
    assert_eq!(s.progress().replaced.get("general-purpose"), Some(&1));
    let r = read(
        &s,
        Minor::new(1, 31),
        Moment {
            now: t(191),
            began: s.started(),
            idle: t(191).duration_since(t(1)),
        },
        SignedDuration::from_secs(600),
    );
    assert!(r.complete && r.old.is_empty());
    assert_eq!((r.on_target, r.total), (1, 1));
    // no violation on the way: at most 2 of 10 left at once
    let myapp = &s.pdbs()["default/myapp"];
    assert!(myapp.violations.is_empty(), "{:?}", myapp.violations);
    assert!(myapp.lowest.unwrap() >= 8);
}

#[test]
fn a_pdb_dip_that_lasts_a_single_event_is_a_violation() {
    let mut s = synced();
    let mut out = Vec::new();
    for i in 0..3 {
        let mut p = app(i, "i-old");
        p.terminating = true;
        out.extend(s.apply(Change::Applied(Object::Pod(p)), t(10)));
    }
    // the replacement of the third comes Ready in the very next event
    let mut r = app(20, "i-old");
    r.ready = true;
    out.extend(s.apply(Change::Applied(Object::Pod(r)), t(10)));
    let violated: Vec<&Line> = out.iter().filter(|l| l.event == "violated").collect();
    assert_eq!(violated.len(), 1, "{out:?}");
    assert!(
        violated[0].text.contains("7 healthy of 10, 8 required"),
        "{}",
        violated[0].text
    );
    assert!(out.iter().any(|l| l.event == "recovered"), "{out:?}");
    let myapp = &s.pdbs()["default/myapp"];
    assert_eq!(myapp.lowest, Some(7));
    assert_eq!(myapp.violations.len(), 1);
    // the node was not being replaced: nothing left "past the budget" of a drain
    assert!(s.progress().past_budget.is_empty());
    assert!(myapp.violations[0].end.is_some());
}

#[test]
fn deleted_then_recreated_objects_are_counted_once() {
    let mut s = synced();
    s.apply(Change::Deleted(Object::Pod(app(0, "i-old"))), t(5));
    s.apply(Change::Applied(Object::Pod(app(0, "i-old"))), t(6));
    assert_eq!(s.tally("i-old").pods, 10);
    assert_eq!(s.pdbs()["default/myapp"].matched, 10);
    s.apply(Change::Deleted(myapp_pdb()), t(7));
    s.apply(Change::Applied(myapp_pdb()), t(8));
    assert_eq!(s.pdbs()["default/myapp"].healthy, 10);
    let node = n("i-x", NEW);
    s.apply(Change::Applied(Object::Node(node.clone())), t(9));
    s.apply(Change::Deleted(Object::Node(node.clone())), t(10));
    let l = s.apply(Change::Applied(Object::Node(node)), t(11));
    assert_eq!(events(&l), [("joined", "i-x")]);
    assert_eq!(s.nodes().len(), 2);
}

#[test]
fn a_relist_after_a_410_keeps_state_and_deletes_what_is_gone() {
    let mut s = synced();
    // while the watch was down: myapp-9 was deleted, myapp-30 created, myapp-1 became unready
    let mut l = s.apply(Change::Relist(Kind::Pods), t(50));
    for i in 0..9 {
        let mut p = app(i, "i-old");
        p.ready = i != 1;
        l.extend(s.apply(Change::Listed(Object::Pod(p)), t(50)));
    }
    l.extend(s.apply(Change::Listed(Object::Pod(app(30, "i-old"))), t(50)));
    assert_eq!(
        s.pods().len(),
        11,
        "nothing is dropped before the list completes"
    );
    l.extend(s.apply(Change::Synced(Kind::Pods), t(51)));
    assert_eq!(s.pods().len(), 10);
    assert!(!s.pods().contains_key("default/myapp-9"));
    assert_eq!(s.tally("i-old").pods, 10);
    let myapp = &s.pdbs()["default/myapp"];
    assert_eq!((myapp.matched, myapp.healthy), (10, 9));
    let said = events(&l);
    assert!(said.contains(&("deleted", "default/myapp-9")), "{said:?}");
    assert!(said.contains(&("created", "default/myapp-30")), "{said:?}");
    assert!(said.contains(&("notready", "default/myapp-1")), "{said:?}");
    assert_eq!(
        said.iter().filter(|(e, _)| *e == "created").count(),
        1,
        "{said:?}"
    );
}

#[test]
fn watch_trouble_is_said_once_and_clears() {
    let mut s = synced();
    let l = s.apply(
        Change::Trouble(Kind::Nodes, "connection refused".into()),
        t(20),
    );
    assert_eq!(events(&l), [("reconnecting", "nodes")]);
    let l = s.apply(
        Change::Trouble(Kind::Nodes, "connection refused".into()),
        t(21),
    );
    assert!(l.is_empty());
    assert!(s
        .settle_trouble(t(30), SignedDuration::from_secs(45))
        .is_empty());
    let l = s.apply(Change::Applied(Object::Node(n("i-old", OLD))), t(31));
    assert_eq!(events(&l), [("resumed", "nodes")]);
    s.apply(Change::Trouble(Kind::Pods, "timed out".into()), t(40));
    let l = s.settle_trouble(t(90), SignedDuration::from_secs(45));
    assert_eq!(events(&l), [("resumed", "pods")]);
    assert!(s.trouble().is_empty());
}

#[test]
fn a_stalled_rotation_says_why_by_name_with_the_force_drain_time() {
    let mut s = synced();
    // a frozen pool (budget 0 for Drifted), a PDB that allows nothing, a do-not-disrupt pod
    s.apply(
        Change::Applied(Object::NodePool(pool("general-purpose", &["0"]))),
        t(2),
    );
    let mut strict = pdb(
        "default",
        "myapp",
        LabelSelector {
            match_labels: labels(&[("app", "myapp")]),
            ..Default::default()
        },
        None,
        Some("0"),
    );
    strict.status = None;
    s.apply(Change::Applied(Object::Pdb(strict)), t(2));
    let mut pinned = app(40, "i-old");
    pinned.do_not_disrupt = true;
    s.apply(Change::Applied(Object::Pod(pinned)), t(2));
    let r = read(
        &s,
        Minor::new(1, 31),
        Moment {
            now: t(1000),
            began: s.started(),
            idle: t(1000).duration_since(t(1)),
        },
        SignedDuration::from_secs(600),
    );
    assert_eq!(r.stalled_for, Some(999));
    assert_eq!(r.old[0].stage, Stage::Waiting);
    let why = blockers(&s, &r).join("\n");
    assert!(
        why.contains("PDB default/myapp allows 0 disruptions (11 healthy, 11 required)"),
        "{why}"
    );
    assert!(
        why.contains("pod default/myapp-40 on node i-old: karpenter.sh/do-not-disrupt"),
        "{why}"
    );
    assert!(
        why.contains(
            "NodePool general-purpose: budget nodes \"0\" for Drifted holds back 1 node(s)"
        ),
        "{why}"
    );
    assert!(
        why.contains("terminationGracePeriod 24h of NodeClaim gp-old"),
        "{why}"
    );
    // once its drain started, the force drain has a time
    let mut c = claim("gp-old", "i-old", "general-purpose");
    c.deletion = Some(t(2000));
    c.drifted = true;
    s.apply(Change::Applied(Object::NodeClaim(c)), t(2000));
    let r = read(
        &s,
        Minor::new(1, 31),
        Moment {
            now: t(3000),
            began: s.started(),
            idle: t(3000).duration_since(t(1)),
        },
        SignedDuration::from_secs(600),
    );
    assert_eq!(r.old[0].stage, Stage::Draining);
    assert_eq!(r.old[0].force_drain_at, Some(t(2000 + 86_400)));
    let why = blockers(&s, &r).join("\n");
    assert!(
        why.contains("its pods will be deleted past the budget at 2024-12-13"),
        "{why}"
    );
}

#[test]
fn pods_leaving_a_replaced_node_past_their_pdb_are_recorded() {
    let mut s = synced();
    let mut old = n("i-old", OLD);
    old.disrupted = true;
    s.apply(Change::Applied(Object::Node(old)), t(10));
    // two evictions the PDB allows (10 → 8 healthy), then a third past it
    for i in 0..3 {
        let mut p = app(i, "i-old");
        p.terminating = true;
        s.apply(Change::Applied(Object::Pod(p)), t(20 + i as i64));
    }
    let past: Vec<&str> = s
        .progress()
        .past_budget
        .iter()
        .map(|p| p.pod.as_str())
        .collect();
    assert_eq!(past, ["default/myapp-2"]);
    assert_eq!(s.progress().past_budget[0].pdb, "default/myapp");
    assert_eq!(s.progress().pods_rescheduled, 3);
}

#[test]
fn the_stall_timer_runs_on_wall_time_whatever_the_server_clock_does() {
    let mut s = synced();
    s.apply(
        Change::Applied(Object::NodePool(pool("general-purpose", &["0"]))),
        t(2),
    );
    let mut p = Policy::new(Goal {
        target: Minor::new(1, 31),
        stall_after: SignedDuration::from_secs(600),
    });
    let (lines, done) = p.step(&s, t(2), t(2));
    assert!(done.is_none());
    assert_eq!(events(&lines), [("progress", "1.31")]);
    // The server clock, learned from timestamps, jumps 20 minutes ahead: nothing stalled yet.
    let (lines, _) = p.step(&s, t(1202), t(3));
    assert!(lines.is_empty(), "{lines:?}");
    assert_eq!(p.read(&s, t(1202), t(3)).stalled_for, None);
    // Ten wall minutes without a move: stalled, said once, with its reasons, the budget first.
    let (lines, _) = p.step(&s, t(1800), t(602));
    assert_eq!(events(&lines), [("stalled", "1.31")]);
    assert!(
        lines[0]
            .text
            .starts_with("stalled 600s — why: NodePool general-purpose: budget"),
        "{}",
        lines[0].text
    );
    let (lines, _) = p.step(&s, t(1900), t(700));
    assert!(
        lines.is_empty(),
        "said again only when the reasons change: {lines:?}"
    );
    assert_eq!(p.read(&s, t(2000), t(1002)).stalled_for, Some(1000));
    assert_eq!(p.stalled_total(t(1002)), 1000);
}
