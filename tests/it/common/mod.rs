//! Shared test helpers: start the emulator in-process and drive it as a user would, through
//! commands (`eksauto`, `aws`, `kubectl`) that reach it through nothing but their environment,
//! in-process clients (the AWS SDK, kube-rs), raw HTTP and its manual clock. One file a job.
//!
//! Tests run as threads of one process: no helper here changes process-wide state (environment
//! variables, the current directory); each emulator has its own ports and temporary directory,
//! each tmux server its own socket.

mod aws;
mod clients;
mod clock;
mod commands;
mod faults;
mod findings;
mod http;
mod kubeconfig;
mod kubectl;
mod refusals;
mod requests;
mod scenarios;
mod sim;
mod streaming;
mod tmux;
mod watchers;
mod world;

pub use aws::{aws_error, aws_json, cli_update_cluster_version};
pub use clients::{
    eks_client, kube_client, kube_client_from, sdk_config, sdk_update_cluster_version,
};
pub use clock::{advance, advance_until, drive, virtual_now};
pub use commands::{aws, eksauto, kubectl, kubectl_ok, run, run_ok, with_sim_env};
pub use faults::{fault, plan_faults};
pub use findings::{findings, with_id};
pub use http::{control, events, http, kube_api, kube_json, read_answer, send};
pub use kubeconfig::{kubeconfig_with, plain_kubeconfig, refused_kubeconfig, with_exec_env};
pub use kubectl::{first_node, header, node_names, ready_myapp_pods, row, row_containing};
pub use refusals::{refusal_problems, Refusal};
pub use requests::{
    clear_request_log, mutating_operations, mutating_requests, request_log, requests_named,
    wait_for_requests,
};
pub use scenarios::{
    article_edited, check_blocked_stall, scenario_variant, test_scenario, write_scenario,
};
pub use sim::{start_article_manual, start_sim, start_sim_fast};
pub use streaming::Streaming;
pub use tmux::Tmux;
pub use watchers::{initial_list, next_applied, node_ready, pod_ready, spawn_watcher};
pub use world::{myapp_and_node_versions, object, says_ready, store_names};
