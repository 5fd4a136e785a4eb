//! `eksauto upgrade`: the whole flow, what it refuses, and its confirmation on a terminal.

mod bad_inputs;
mod digest;
mod flow;
mod left;
mod tty;
