//! What the steps need to know about the toolchain and the workspace before anything runs:
//! discovered once, up front, into plain values, so that asking a step for its key (planning)
//! never spawns a process or writes a file.

use ratchet_graph::Workspace;

use crate::{Step, StepsConfig, TestRunner};
use ratchet_steps::{LintArgs, LintTool};

/// The tools a run uses, found before planning.
#[derive(Debug, Clone)]
pub struct Tools {
    /// clippy's driver, or `check` when clippy is not installed (part of the lint key).
    pub(crate) lint_tool: LintTool,
    /// The lint step's arguments, taken apart for the lint tool.
    pub(crate) lint_args: LintArgs,
    /// What runs the test binaries (part of the test key).
    pub(crate) test_runner: TestRunner,
}

impl Tools {
    /// Finds the tools of `workspace` under `config`. The lint tool is remembered per
    /// toolchain in `<target>/ratchet/lint-tool.json`: only the first run on a toolchain
    /// spawns `rustc --print sysroot`; a warm run reads one file.
    pub fn discover(workspace: &Workspace, config: &StepsConfig) -> Tools {
        let lint_tool = lint_tool(workspace);
        Tools {
            lint_args: LintArgs::parse(&config.args(Step::Lint), &lint_tool),
            lint_tool,
            test_runner: test_runner(workspace, config),
        }
    }
}

/// clippy's driver, or `check` when clippy is not installed, remembered per toolchain.
fn lint_tool(workspace: &Workspace) -> LintTool {
    let state_dir = workspace.state_dir();
    let path = state_dir.join(ratchet_store::state::LINT_TOOL);
    let toolchain = ratchet_toolchain::version(&workspace.root, &state_dir);
    let remembered = ratchet_store::read_json::<(String, LintTool)>(path.as_std_path());
    match remembered {
        Some((seen, tool)) if seen == toolchain && tool.still_true() => tool,
        _ => {
            let tool = LintTool::find(workspace.root.as_std_path());
            let _ = ratchet_store::write_json(path.as_std_path(), &(toolchain, &tool));
            tool
        }
    }
}

/// What runs the test binaries: `[steps.test] runner` when set; else nextest where the
/// workspace configures it (`.config/nextest.toml`, whose test groups, timeouts and retries
/// its tests may rely on) and it is installed; else ratchet's own pool.
fn test_runner(workspace: &Workspace, config: &StepsConfig) -> TestRunner {
    config.configured_test_runner().unwrap_or_else(|| {
        let configured = workspace.root.join(NEXTEST_CONFIG).is_file();
        if configured && ratchet_toolchain::nextest_installed() {
            TestRunner::Nextest
        } else {
            TestRunner::Ratchet
        }
    })
}

/// nextest's configuration file, relative to the workspace root: where it exists, nextest is
/// the default runner.
pub(crate) const NEXTEST_CONFIG: &str = ".config/nextest.toml";
