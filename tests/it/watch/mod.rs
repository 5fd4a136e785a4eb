//! `eksauto watch`: the live views of nodes and rotations, on a pipe and on a terminal, and the
//! live model behind them.

mod access;
mod nodes;
mod resilience;
mod rotation;
mod tty;
