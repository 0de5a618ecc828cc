//! Where a key and its value sit in the text of `ratchet.toml`, so that a section's owner can
//! point an error at a line, or rewrite one value and keep every other byte.

use std::ops::Range;

use toml_edit::{Document, Item};

/// The 1-based line and column of the key at `path` (through tables, inline tables and dotted
/// keys alike), or `None` when the text does not parse or has no such key.
pub fn key_position(text: &str, path: &[&str]) -> Option<(usize, usize)> {
    let offset = key_offset(text, path)?;
    Some(line_col(text, offset))
}

/// The byte offset where the key at `path` is written.
pub fn key_offset(text: &str, path: &[&str]) -> Option<usize> {
    spans(text, path).map(|(key, value)| key.or(value).map_or(0, |r| r.start))
}

/// The bytes of the value at `path` as written (without its spacing or comment).
pub fn value_span(text: &str, path: &[&str]) -> Option<Range<usize>> {
    spans(text, path)?.1
}

type Spans = (Option<Range<usize>>, Option<Range<usize>>);

/// The spans of the key at `path` and of its value.
fn spans(text: &str, path: &[&str]) -> Option<Spans> {
    let doc = Document::parse(text).ok()?;
    let (last, parents) = path.split_last()?;
    let mut table = doc.as_table() as &dyn toml_edit::TableLike;
    for part in parents {
        let item: &Item = table.get(part)?;
        table = item.as_table_like()?;
    }
    let (key, item) = table.get_key_value(last)?;
    Some((key.span(), item.span()))
}

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_keys_in_tables_inline_tables_and_dotted_keys() {
        let text = "[budget]\ninner-loop = \"60s\"\n\n[budget.packages]\na = { lines = \"3 lines\" }\nb.lines = \"4 lines\"\n\n[budget.packages.c]\nlines = \"5 lines\"\n";
        assert_eq!(key_position(text, &["budget", "inner-loop"]), Some((2, 1)));
        assert_eq!(
            key_position(text, &["budget", "packages", "a", "lines"]),
            Some((5, 7))
        );
        assert_eq!(
            key_position(text, &["budget", "packages", "b", "lines"]),
            Some((6, 3))
        );
        assert_eq!(
            key_position(text, &["budget", "packages", "c", "lines"]),
            Some((9, 1))
        );
        assert_eq!(
            key_position(text, &["budget", "packages", "c"]).map(|p| p.0),
            Some(8)
        );
        assert_eq!(key_position(text, &["budget", "nope"]), None);
    }
}
