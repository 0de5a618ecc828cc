//! The table of every measure of the last run: value, ceiling, how much of it is used, and
//! status, closest to its ceiling first.

use std::fmt::Write;

use crate::fmt::{escape, value};
use crate::values::{Row, Standing};

/// The table of `rows` (already in order).
pub fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "<h2 id=\"standing\">every measure against its ceiling</h2>\n\
         <p>The last run, closest to its ceiling first. <i>near</i>: at or above the share of \
         the ceiling set by <code>near</code>; <i>over</i>: past ceiling plus tolerance (the \
         gate fails).</p>\n<table class=\"standing\"><tr><th>package</th><th>measure</th>\
         <th>value</th><th>ceiling</th><th>used</th><th>status</th></tr>\n",
    );
    for row in rows {
        let ceiling = row
            .ceiling
            .map_or("-".to_string(), |c| value(row.measure, c));
        let used = row
            .ratio()
            .map_or("-".to_string(), |r| match r.is_finite() {
                true => format!("{:.0}%", r * 100.0),
                false => "∞".to_string(),
            });
        let _ = writeln!(
            out,
            "<tr class=\"{class}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{used}</td>\
             <td>{}</td></tr>",
            escape(row.package.as_deref().unwrap_or("(workspace)")),
            row.measure.key(),
            escape(&value(row.measure, row.value)),
            escape(&ceiling),
            match row.ceiling {
                Some(c) if row.standing == Standing::Near && row.value > c =>
                    "near (within tolerance)",
                _ => row.standing.label(),
            },
            class = class(row.standing),
        );
    }
    out.push_str("</table>\n");
    out
}

fn class(standing: Standing) -> &'static str {
    match standing {
        Standing::Over => "over",
        Standing::Near => "near",
        Standing::Ok => "ok",
        Standing::Unbounded => "none",
    }
}
