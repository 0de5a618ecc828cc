//! What the test processes of a whole process tree read (`cargo nextest run`, where nextest
//! starts the test binaries, and `cargo test --doc`, where rustdoc compiles and runs the doc
//! tests): the tree runs under ratchet-process's observer, each test binary and each rustdoc
//! logs on its own, and each log is tied to its package here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use ratchet_process::{ObservedRunner, Reads, TreeLogs, TreePart};

use crate::runner::Runner;

/// Per package, the paths under the workspace root its test processes read (packages not
/// observed are left out), and why some package was not observed.
pub(crate) type TreeReads = (BTreeMap<String, BTreeSet<String>>, Option<String>);

/// A tree under observation.
pub(crate) struct TreeObservation {
    observed: ObservedRunner,
    logs: Result<TreeLogs, String>,
}

impl TreeObservation {
    /// Puts `command`'s tree under the observer; test binaries are the executables in
    /// `tests_dir` (rustdocs are found without one).
    pub(crate) fn start(
        runner: &Runner<'_>,
        command: &mut Command,
        tests_dir: Option<&Path>,
    ) -> Self {
        let workspace = runner.workspace;
        let reads = Reads::new(
            workspace.root.as_std_path(),
            &[workspace.target_dir.as_std_path()],
        );
        let observed = ObservedRunner::new(workspace.state_dir().as_std_path(), reads);
        let logs = observed.observe_tree(command, tests_dir);
        TreeObservation { observed, logs }
    }

    /// What each package's parts read: `parts` names the package of every part that must
    /// have logged (every test binary, every rustdoc).
    pub(crate) fn finish(self, parts: &[(TreePart, String)]) -> TreeReads {
        let logs = match self.logs {
            Ok(logs) => logs.read(),
            Err(why) => return (BTreeMap::new(), Some(why)),
        };
        let mut reads: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut unobserved = BTreeSet::new();
        let mut why = None;
        for (part, package) in parts {
            let name = match part {
                TreePart::Binary(name) => format!("test binary `{name}` of `{package}`"),
                TreePart::Doc(_) => format!("the doc tests of `{package}`"),
            };
            let read = match logs.get(part) {
                Some(log) => self.observed.relevant(log, &name),
                None => Err(format!("{name} did not load the observer")),
            };
            match read {
                Ok(read) => reads.entry(package.clone()).or_default().extend(read),
                Err(reason) => {
                    unobserved.insert(package.clone());
                    why.get_or_insert(reason);
                }
            }
        }
        reads.retain(|package, _| !unobserved.contains(package));
        (reads, why)
    }
}
