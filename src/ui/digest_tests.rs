//! The digest on literal feeds: small ones read line by line, floods are counted, what matters
//! is never held back.

use super::*;

fn t(secs: i64) -> Timestamp {
    Timestamp::from_second(1_733_990_000 + secs).unwrap()
}

fn ms(millis: i64) -> Timestamp {
    t(0) + SignedDuration::from_millis(millis)
}

fn node(i: usize, event: &'static str) -> Line {
    Line::new(t(0), Subject::Node, event, format!("i-{i:05}"), event)
}

fn blocked(node: usize) -> Line {
    Line::new(
        t(0),
        Subject::Event,
        "event",
        format!("Node/i-{node:05}"),
        "DisruptionBlocked: Cannot disrupt Node: pdb default/app prevents pod evictions",
    )
}

fn progress(on: usize) -> Line {
    Line::new(
        t(0),
        Subject::Rotation,
        "progress",
        "1.31",
        format!("{on}/5,000 nodes on 1.31"),
    )
}

fn violated() -> Line {
    Line::new(
        t(0),
        Subject::Pdb,
        "violated",
        "ns-3/app-17",
        "violated: 3 healthy of 5, 4 required",
    )
}

#[test]
fn a_small_feed_reads_line_by_line_at_once() {
    let mut d = Digest::new();
    let out = d.push(vec![node(1, "joined"), node(1, "ready")], ms(0));
    assert_eq!(out.len(), 2, "{out:?}");
    assert!(out[0].ends_with("node i-00001 joined"), "{out:?}");
    assert!(out[1].ends_with("node i-00001 ready"), "{out:?}");
    assert!(d.tick(ms(6_000)).is_empty(), "nothing was held back");
}

#[test]
fn a_flood_is_counted_by_reason_and_object_kind_when_the_window_closes() {
    let mut d = Digest::new();
    let flood: Vec<Line> = (0..10_000).map(|i| blocked(i % 300)).collect();
    let now = d.push(flood, ms(0));
    assert!(now.len() <= BUDGET, "{} lines at once", now.len());
    let later = d.tick(ms(5_000));
    assert_eq!(later.len(), 1, "{later:?}");
    let total = 10_000 - now.len();
    assert!(
        later[0].contains(&format!(
            "events in the last 5s: DisruptionBlocked ×{} on 300 nodes",
            thousands(total)
        )),
        "{later:?}"
    );
}

#[test]
fn each_subject_gets_one_line_with_its_counts() {
    let mut d = Digest::new();
    let mut flood: Vec<Line> = (0..100).map(|i| node(i, "joined")).collect();
    flood.extend((100..140).map(|i| node(i, "removed")));
    flood.extend((0..500).map(|i| {
        Line::new(
            t(0),
            Subject::Pod,
            "deleting",
            format!("ns/p-{i}"),
            "deleting (on i-1)",
        )
    }));
    d.push(flood, ms(0));
    let later = d.tick(ms(5_000));
    assert_eq!(later.len(), 2, "{later:?}");
    assert!(
        later[0].contains("nodes in the last 5s: 75 joined · 40 removed"),
        "{later:?}"
    );
    assert!(
        later[1].contains("pods in the last 5s: 500 deleting"),
        "{later:?}"
    );
}

#[test]
fn a_violation_is_printed_at_once_in_a_flood() {
    let mut d = Digest::new();
    d.push((0..5_000).map(blocked).collect(), ms(0));
    d.tick(ms(5_000)); // the next window is busy
    let out = d.push(vec![blocked(7), violated(), blocked(8)], ms(5_500));
    assert_eq!(out.len(), 1, "{out:?}");
    assert!(
        out[0].ends_with("pdb ns-3/app-17 violated: 3 healthy of 5, 4 required"),
        "{out:?}"
    );
}

#[test]
fn a_busy_window_holds_its_lines_and_prints_them_when_it_turns_out_quiet() {
    let mut d = Digest::new();
    d.push((0..1_000).map(|i| node(i, "joined")).collect(), ms(0));
    d.tick(ms(5_000));
    assert!(
        d.push(vec![node(2_000, "removed")], ms(5_100)).is_empty(),
        "held while busy"
    );
    let closed = d.tick(ms(10_100));
    assert_eq!(closed.len(), 1, "{closed:?}");
    assert!(closed[0].ends_with("node i-02000 removed"), "{closed:?}");
    let quiet = d.push(vec![node(2_001, "joined")], ms(10_200));
    assert_eq!(quiet.len(), 1, "line by line again: {quiet:?}");
}

#[test]
fn progress_comes_at_most_every_few_seconds_and_the_latest_counts_win() {
    let mut d = Digest::new();
    assert_eq!(d.push(vec![progress(10)], ms(0)).len(), 1);
    assert!(d.push(vec![progress(11)], ms(1_000)).is_empty());
    assert!(d.push(vec![progress(12)], ms(2_000)).is_empty());
    assert!(d.tick(ms(4_000)).is_empty());
    let due = d.tick(ms(5_000));
    assert_eq!(due.len(), 1, "{due:?}");
    assert!(due[0].ends_with("12/5,000 nodes on 1.31"), "{due:?}");
}

#[test]
fn completion_says_everything_pending_first() {
    let mut d = Digest::new();
    d.push(vec![progress(1)], ms(0));
    d.push(vec![progress(5_000)], ms(500));
    d.push((0..100).map(|i| node(i, "removed")).collect(), ms(600));
    let complete = Line::new(
        t(1),
        Subject::Rotation,
        "complete",
        "1.31",
        "every node runs 1.31; no PDB was violated",
    );
    let out = d.push(vec![complete], ms(700));
    let last = out.last().unwrap();
    assert!(last.ends_with("every node runs 1.31; no PDB was violated"));
    assert!(
        out.iter()
            .any(|l| l.contains("nodes in the last 5s: 75 removed")),
        "{out:?}"
    );
    assert!(
        out.iter().any(|l| l.ends_with("5000/5,000 nodes on 1.31")),
        "{out:?}"
    );
}

#[test]
fn a_repeat_is_counted_not_printed_again() {
    let mut d = Digest::new();
    assert_eq!(d.push(vec![blocked(1)], ms(0)).len(), 1);
    assert!(d.push(vec![blocked(1)], ms(2_000)).is_empty());
    let closed = d.tick(ms(5_000));
    assert_eq!(closed.len(), 1, "{closed:?}");
    assert!(
        closed[0].contains("DisruptionBlocked ×1 on 1 node"),
        "{closed:?}"
    );
    assert!(
        d.push(vec![node(3, "joined")], ms(5_100)).len() == 1,
        "not busy"
    );
}

#[test]
fn six_minutes_of_a_large_rotation_fit_in_a_few_hundred_lines_with_progress_every_few_seconds() {
    let mut d = Digest::new();
    let mut printed = Vec::new();
    let mut progress_at = Vec::new();
    // 1,300 lines a second for six minutes, in batches every 100 ms, the counts always moving.
    for tenth in 0..3_600 {
        let local = ms(tenth * 100);
        let mut batch: Vec<Line> = (0..130)
            .map(|i| match i % 4 {
                0 => node(i as usize, "joined"),
                1 => node(i as usize + 10_000, "removed"),
                _ => blocked((tenth as usize * 7 + i as usize) % 5_000),
            })
            .collect();
        batch.push(progress(tenth as usize));
        for l in d.push(batch, local) {
            if l.contains(" rotation 1.31 ") {
                progress_at.push(tenth);
            }
            printed.push(l);
        }
        if tenth % 10 == 0 {
            printed.extend(d.tick(local));
        }
    }
    assert!(printed.len() < 500, "{} lines", printed.len());
    let gaps: Vec<i64> = progress_at.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(gaps.iter().all(|g| (50..=60).contains(g)), "{gaps:?}");
}

#[test]
fn many_present_objects_are_counted_by_status() {
    let lines: Vec<Line> = (0..1_000)
        .map(|i| {
            let status = if i < 990 {
                "Running on i-1, ready"
            } else {
                "Pending not scheduled"
            };
            Line::new(t(0), Subject::Pod, "present", format!("ns/p-{i}"), status)
        })
        .collect();
    let out = Digest::present(&lines);
    assert_eq!(out.len(), 1, "{out:?}");
    assert!(
        out[0].contains("pods present: 1,000 (10 Pending, 990 Running)"),
        "{out:?}"
    );
    assert_eq!(Digest::present(&lines[..3]).len(), 3);
}

#[test]
fn a_busy_feed_repeats_the_progress_when_the_counts_hold_still() {
    let mut d = Digest::new();
    assert_eq!(d.push(vec![progress(7)], ms(0)).len(), 1);
    d.push((0..100).map(blocked).collect(), ms(100));
    let closed = d.tick(ms(5_100));
    assert!(
        closed.last().unwrap().ends_with("7/5,000 nodes on 1.31"),
        "{closed:?}"
    );
    // A quiet window (a line or two) brings no repeat.
    d.push(vec![node(1, "joined")], ms(15_000));
    let quiet = d.tick(ms(20_100));
    assert!(quiet.iter().all(|l| !l.contains("nodes on")), "{quiet:?}");
}

#[test]
fn a_flood_of_repeats_keeps_the_feed_busy_and_the_progress_pulse() {
    let mut d = Digest::new();
    d.push(vec![progress(3)], ms(0));
    d.push((0..10).map(blocked).collect(), ms(100));
    // The same ten events, again and again: all repeats, far past the budget.
    for w in 1..4 {
        let at = w * 5_000;
        d.push((0..300).map(|i| blocked(i % 10)).collect(), ms(at + 100));
        let closed = d.tick(ms(at + 5_200));
        assert!(
            closed.iter().any(|l| l.ends_with("3/5,000 nodes on 1.31")),
            "window {w}: {closed:?}"
        );
    }
}
