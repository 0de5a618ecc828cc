//! The examples under each subcommand's `--help`, and shell completions.

/// Examples for `subcommand`'s `--help`; `{cmd}` stands for what the user types
/// (`cargo ratchet`). Empty for a subcommand without examples.
pub fn examples(subcommand: &str) -> &'static str {
    match subcommand {
        "check" => {
            "Examples:
  {cmd} check                          what changed: fmt, clippy, tests, doc tests
  {cmd} check -p 'app-*' --exclude app-cli   a glob of packages, less one
  {cmd} check --since origin/main --ci  a pull request in CI, with the budget gate
  {cmd} check -- parser::round_trip    only the tests whose names match
  {cmd} check --force -v               everything again, each command shown as it starts"
        }
        "affected" => {
            "Examples:
  {cmd} affected                       what changed since the last green check
  {cmd} affected --since origin/main   what the branch affects
  {cmd} affected --why my-crate        the chain of reasons for one package"
        }
        "graph" => {
            "Examples:
  {cmd} graph                          every member and its workspace dependencies
  {cmd} graph --rdeps my-crate         what depends on my-crate
  {cmd} graph --format dot --reduce | dot -Tsvg > graph.svg   layered, implied edges left out"
        }
        "hash" => {
            "Examples:
  {cmd} hash                           each package's content fingerprint
  {cmd} hash --explain my-crate        what goes into one fingerprint"
        }
        "watch" => {
            "Examples:
  {cmd} watch                          re-check what each edit affects
  {cmd} watch --message-format json    NDJSON events for an editor or agent"
        }
        "rules" => {
            "Examples:
  {cmd} rules                          check the [rules] of ratchet.toml
  {cmd} rules baseline                 accept today's violations; only new ones fail"
        }
        "budget" => {
            "Examples:
  {cmd} budget init                    first ceilings from today's measures
  {cmd} budget gate --since origin/main --forbid-loosen
  {cmd} budget tighten --dry-run       what would come down"
        }
        "report" => {
            "Examples:
  {cmd} report                         target/ratchet/budget-report.html
  {cmd} report --out budgets.html"
        }
        "plan" => {
            "Examples:
  {cmd} plan --shards 4                the selection split into 4 shards of equal predicted time
  {cmd} plan --shards 4 --since origin/main --message-format json   a GitHub Actions matrix"
        }
        "gc" => {
            "Examples:
  {cmd} gc --max-size 20GB             bring target/ratchet under 20 GB
  {cmd} gc --dry-run                   what [gc] max-size of ratchet.toml would remove"
        }
        "completions" => {
            "Examples:
  {cmd} completions bash > ~/.local/share/bash-completion/completions/cargo-ratchet
  {cmd} completions zsh > ~/.zfunc/_cargo-ratchet
  {cmd} completions fish > ~/.config/fish/completions/cargo-ratchet.fish"
        }
        _ => "",
    }
}

/// The completion script of `command` (installed as `bin`) for `shell`.
pub fn completions(shell: clap_complete::Shell, command: &mut clap::Command, bin: &str) -> Vec<u8> {
    let mut script = Vec::new();
    clap_complete::generate(shell, command, bin, &mut script);
    script
}
