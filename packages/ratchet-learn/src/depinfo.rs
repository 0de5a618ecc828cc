//! The two records cargo and rustc leave of what a unit read: rustc's dep-info (`*.d`, make
//! syntax: `target: dep dep ...`, spaces in paths escaped as `\ `, and `# env-dep:NAME=value`
//! lines) and a build script's `output` (`cargo:rerun-if-changed=PATH`, also as `cargo::`).

/// What one dep-info file says: the source files in the order rustc read them (the crate
/// root first) and the environment variables looked up.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct DepInfo {
    pub files: Vec<String>,
    pub env: Vec<String>,
}

/// Parses a dep-info file. Its first rule lists every dependency; the other rules repeat them.
pub(crate) fn parse_dep_info(text: &str) -> DepInfo {
    let mut info = DepInfo::default();
    let mut first_rule = true;
    for line in text.lines() {
        if let Some(env) = line.strip_prefix("# env-dep:") {
            let name = env.split('=').next().unwrap_or(env);
            info.env.push(name.to_string());
            continue;
        }
        if line.starts_with('#') || line.trim().is_empty() || !first_rule {
            continue;
        }
        if let Some((_, deps)) = split_rule(line) {
            info.files.extend(split_words(deps));
            first_rule = false;
        }
    }
    info
}

/// `target: deps` at the first `:` followed by a space or the end (not a drive letter's).
fn split_rule(line: &str) -> Option<(&str, &str)> {
    let bytes = line.as_bytes();
    let at = (0..bytes.len()).find(|&i| {
        bytes[i] == b':'
            && (i == 0 || bytes[i - 1] != b'\\')
            && bytes.get(i + 1).is_none_or(|c| *c == b' ')
    })?;
    Some((&line[..at], &line[at + 1..]))
}

/// Words separated by unescaped spaces, with `\ ` turned back into a space.
fn split_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&' ') => {
                word.push(' ');
                chars.next();
            }
            ' ' | '\t' => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            c => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// What a build script's `output` says it depends on: paths (relative to its package's
/// directory unless absolute) and environment variables.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct ScriptDeps {
    pub files: Vec<String>,
    pub env: Vec<String>,
}

/// Parses a build script's `output` file.
pub(crate) fn parse_build_output(text: &str) -> ScriptDeps {
    let mut deps = ScriptDeps::default();
    for line in text.lines() {
        let Some(instruction) = line
            .strip_prefix("cargo::")
            .or_else(|| line.strip_prefix("cargo:"))
        else {
            continue;
        };
        if let Some(path) = instruction.strip_prefix("rerun-if-changed=") {
            deps.files.push(path.to_string());
        } else if let Some(name) = instruction.strip_prefix("rerun-if-env-changed=") {
            deps.env.push(name.to_string());
        }
    }
    deps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dep_info_lists_files_once_and_env_names() {
        let text = "/b/deps/a-1.d: crates/a/src/lib.rs crates/a/src/../../../my\\ data/x\n\n\
                    /b/deps/liba-1.rlib: crates/a/src/lib.rs crates/a/src/../../../my\\ data/x\n\n\
                    crates/a/src/lib.rs:\ncrates/a/src/../../../my\\ data/x:\n\n\
                    # env-dep:CARGO_PKG_NAME=a\n# env-dep:MY_VAR=hello world\n# env-dep:UNSET\n";
        let info = parse_dep_info(text);
        assert_eq!(
            info.files,
            ["crates/a/src/lib.rs", "crates/a/src/../../../my data/x"]
        );
        assert_eq!(info.env, ["CARGO_PKG_NAME", "MY_VAR", "UNSET"]);
    }

    #[test]
    fn build_output_in_both_syntaxes() {
        let text = "cargo:rerun-if-changed=../../x\ncargo::rerun-if-env-changed=FOO\n\
                    cargo:rustc-cfg=foo\ncargo::rerun-if-changed=build.rs\nnoise\n";
        let deps = parse_build_output(text);
        assert_eq!(deps.files, ["../../x", "build.rs"]);
        assert_eq!(deps.env, ["FOO"]);
    }
}
