//! Reading `ratchet.toml`.
//!
//! Each package that is configured by `ratchet.toml` owns the types of its own section (`[rules]`
//! belongs to `ratchet-rules`, `[budget]` to `ratchet-budget`, ...) and asks this package to
//! deserialize that section from the file. This package owns only what they share: finding and
//! reading the file, errors that carry `line:column`, where a key sits in the text (`spans`), "did you mean" for misspelt keys, and the
//! list of known top-level sections. It must not know what any section means.

use std::fmt;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

use serde::de::{self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor};

pub mod spans;

/// The file name ratchet reads at the workspace root.
pub const FILE_NAME: &str = "ratchet.toml";

/// The top-level sections ratchet understands. Anything else is reported as a misspelling.
pub const SECTIONS: &[&str] = &["inputs", "steps", "budget", "rules", "check", "gc"];

/// A `ratchet.toml` that is missing, unreadable or wrong, with where and how to fix it.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct ConfigError {
    /// The file concerned.
    pub path: PathBuf,
    /// What is wrong, with `line:column` when the parser knows it.
    pub message: String,
}

/// The text of a workspace's `ratchet.toml` (empty when the file does not exist).
#[derive(Debug, Clone)]
pub struct ConfigFile {
    /// Where the file is (or would be).
    pub path: PathBuf,
    /// Its content; empty when it does not exist.
    pub text: String,
    /// Whether the file exists.
    pub exists: bool,
}

impl ConfigFile {
    /// Reads `ratchet.toml` in `workspace_root`. A missing file is an empty configuration;
    /// an unreadable one is an error.
    pub fn read(workspace_root: &Path) -> Result<ConfigFile, ConfigError> {
        let path = workspace_root.join(FILE_NAME);
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let file = ConfigFile {
                    path,
                    text,
                    exists: true,
                };
                file.check_top_level()?;
                Ok(file)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(ConfigFile {
                path,
                text: String::new(),
                exists: false,
            }),
            Err(e) => Err(ConfigError {
                path,
                message: format!("cannot read: {e}"),
            }),
        }
    }

    /// A configuration held in memory, as if read from `path`.
    pub fn from_text(path: impl Into<PathBuf>, text: impl Into<String>) -> ConfigFile {
        ConfigFile {
            path: path.into(),
            text: text.into(),
            exists: true,
        }
    }

    /// Whether the file has a top-level table `name` (a file that does not parse has none).
    pub fn has_section(&self, name: &str) -> bool {
        self.text
            .parse::<toml::Table>()
            .is_ok_and(|t| t.contains_key(name))
    }

    /// Deserializes the top-level table `name` into `T`, or `T::default()` when it is absent.
    /// Errors carry the line and column in the file, and suggest the closest known key.
    pub fn section<T: DeserializeOwned + Default>(
        &self,
        name: &'static str,
    ) -> Result<T, ConfigError> {
        let seed = SectionSeed::<T> {
            name,
            _marker: PhantomData,
        };
        let deserializer = toml::Deserializer::parse(&self.text).map_err(|e| self.error(e))?;
        seed.deserialize(deserializer)
            .map(Option::unwrap_or_default)
            .map_err(|e| self.error(e))
    }

    fn check_top_level(&self) -> Result<(), ConfigError> {
        let table: toml::Table = self.text.parse().map_err(|e| self.error(e))?;
        for key in table.keys() {
            if !SECTIONS.contains(&key.as_str()) {
                return Err(ConfigError {
                    path: self.path.clone(),
                    message: format!(
                        "unknown section `[{key}]`{}; known sections: {}",
                        suggestion(key, SECTIONS),
                        SECTIONS.join(", ")
                    ),
                });
            }
        }
        Ok(())
    }

    /// One line, `line L, column C: message`: the parser's own rendering draws the source line
    /// under the message, which breaks the CLI's one-line `error:` convention.
    fn error(&self, e: toml::de::Error) -> ConfigError {
        let position = e.span().map(|span| {
            let before = &self.text[..span.start.min(self.text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!("line {line}, column {column}: ")
        });
        ConfigError {
            path: self.path.clone(),
            message: with_did_you_mean(&format!(
                "{}{}",
                position.unwrap_or_default(),
                e.message().trim_end()
            )),
        }
    }
}

/// ` (did you mean `x`?)` when one of `known` is close to `word`, else an empty string.
pub fn suggestion(word: &str, known: &[&str]) -> String {
    known
        .iter()
        .map(|k| (strsim::jaro_winkler(word, k), *k))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| format!(" (did you mean `{k}`?)"))
        .unwrap_or_default()
}

/// Serde reports unknown keys as "unknown field `x`, expected one of `a`, `b`"; add the closest.
fn with_did_you_mean(message: &str) -> String {
    let Some(start) = message.find("unknown field `") else {
        return message.to_string();
    };
    let rest = &message[start + "unknown field `".len()..];
    let Some(end) = rest.find('`') else {
        return message.to_string();
    };
    let unknown = &rest[..end];
    let known: Vec<&str> = rest[end + 1..].split('`').skip(1).step_by(2).collect();
    format!("{message}{}", suggestion(unknown, &known))
}

struct SectionSeed<T> {
    name: &'static str,
    _marker: PhantomData<T>,
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for SectionSeed<T> {
    type Value = Option<T>;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Option<T>, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for SectionSeed<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a table")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<T>, A::Error> {
        let mut found = None;
        while let Some(key) = map.next_key::<String>()? {
            if key == self.name {
                found = Some(map.next_value::<T>()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Default, Debug, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Rules {
        layers: Vec<String>,
        #[serde(default)]
        fan_out: Option<u32>,
    }

    fn parse(text: &str) -> Result<Rules, String> {
        ConfigFile::from_text("ratchet.toml", text)
            .section::<Rules>("rules")
            .map_err(|e| e.to_string())
    }

    #[test]
    fn reads_own_section_and_ignores_others() {
        let rules = parse("[budget]\nx = 1\n[rules]\nlayers = [\"a\"]\n").unwrap();
        assert_eq!(rules.layers, vec!["a"]);
        assert_eq!(parse("").unwrap(), Rules::default());
    }

    #[test]
    fn misspelt_key_gets_position_and_suggestion() {
        let err = parse("[rules]\nlayers = []\nfan_ot = 3\n").unwrap_err();
        assert!(err.contains("line 3"), "{err}");
        assert!(err.contains("did you mean `fan_out`?"), "{err}");
    }

    #[test]
    fn wrong_type_gets_position_on_one_line() {
        let err = parse("[rules]\nlayers = 5\n").unwrap_err();
        assert!(err.contains("ratchet.toml: line 2, column 10: "), "{err}");
        assert!(!err.contains('\n'), "{err}");
    }

    #[test]
    fn unknown_top_level_section_is_named() {
        let dir = std::env::temp_dir().join(format!("ratchet-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(FILE_NAME), "[rulez]\n").unwrap();
        let err = ConfigFile::read(&dir).unwrap_err().to_string();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(err.contains("did you mean `rules`?"), "{err}");
    }
}
