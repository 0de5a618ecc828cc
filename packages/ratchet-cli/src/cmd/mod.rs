//! One module per subcommand: its flags (`Args`) and its `run`.

pub mod affected;
pub mod budget;
pub mod check;
pub mod graph;
pub mod hash;
pub mod plan;
pub mod report;
pub mod rules;
pub mod rustc_wrapper;
pub mod watch;
