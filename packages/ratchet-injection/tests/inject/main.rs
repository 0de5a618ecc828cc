//! The injection suite: break a small workspace on purpose, the way a user can, and compare
//! `check`'s verdict on every package with what plain cargo says about it.
//!
//! Plain cargo is the judge (`oracle.rs`): a package passes when `cargo fmt --check -p X`,
//! `cargo clippy -p X --all-targets -- -D warnings` and `cargo test -p X` all pass. A package
//! cargo fails but `check` passes (or serves from its cache) is a **stale pass**; a package
//! cargo passes but `check` fails is a **false failure**. Every case asserts there are none.
//!
//! Each module holds the cases of one kind of breakage; keep every case small (a few packages)
//! so that the whole suite stays within the test budget.
#![allow(clippy::unwrap_used)]

mod attrib;
mod budget;
mod deps;
mod features;
mod first_run;
mod fresh;
mod graph;
mod inputs;
mod lint_deps;
mod observed;
mod observed_tree;
mod oracle;
mod sanity;
mod testproc;
mod verify_inputs;

pub(crate) use oracle::*;
