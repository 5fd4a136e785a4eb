//! Starting the emulator in-process, on the manual clock or a running one.

use eksauto_sim::{self as sim, ClockMode, SimHandle, SimOptions};

/// Starts the emulator with `scenario` (a name or a path). `manual` selects the manual clock.
pub async fn start_sim(scenario: &str, manual: bool) -> SimHandle {
    start_sim_with(SimOptions {
        scenario: Some(scenario.to_string()),
        clock: if manual {
            ClockMode::Manual
        } else {
            ClockMode::Speed(1.0)
        },
        ..Default::default()
    })
    .await
}

async fn start_sim_with(opts: SimOptions) -> SimHandle {
    sim::start(opts).await.expect("emulator starts")
}

/// The emulator with `scenario` (a name or a path) and its clock running `speed` times as fast as
/// real time.
pub async fn start_sim_fast(scenario: &str, speed: f64) -> SimHandle {
    start_sim_with(SimOptions {
        scenario: Some(scenario.to_string()),
        clock: ClockMode::Speed(speed),
        ..Default::default()
    })
    .await
}

/// The `article` scenario on the manual clock, with `opts`' API server settings.
pub async fn start_article_manual(opts: SimOptions) -> SimHandle {
    start_sim_with(SimOptions {
        scenario: Some("article".into()),
        clock: ClockMode::Manual,
        ..opts
    })
    .await
}
