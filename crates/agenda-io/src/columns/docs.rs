//! The column tables of `docs/data-format.md`, written from the spec. The document marks each
//! generated table with `<!-- columns: NAME -->` … `<!-- /columns -->`; the prose around them
//! is written by hand.

use super::{Column, Table, Value, tables};

/// What a column holds, in words.
fn holds(c: &Column) -> String {
    let one = match c.value {
        Value::Key => "code".to_owned(),
        Value::Reference(k) => {
            let table = tables()
                .iter()
                .find(|t| t.kind == Some(k))
                .map_or("?", |t| t.name);
            format!("code in {table}")
        }
        Value::Subject => "code of a record of the kind named before".to_owned(),
        Value::Date => "date".to_owned(),
        Value::Period => "period".to_owned(),
        Value::Year => "year".to_owned(),
        Value::Number => "number".to_owned(),
        Value::WholeNumber => "whole number ≥ 0".to_owned(),
        Value::Percent => "0–100".to_owned(),
        Value::Amount => "amount (`1250000.5`, at most 2 decimals)".to_owned(),
        Value::Level { min, max, .. } => format!("{min}–{max}"),
        Value::Vocabulary { values, .. } => values()
            .iter()
            .map(|v| format!("`{v}`"))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Bool => "`yes`/`no`".to_owned(),
        Value::Text if c.translatable => "text per language".to_owned(),
        Value::Text if c.multiline => "text, may hold line breaks".to_owned(),
        Value::Text => "text".to_owned(),
        Value::Link => "web address (`https://…`)".to_owned(),
        Value::Phone => "telephone number (`+999 20 100 100`)".to_owned(),
        Value::Email => "e-mail address".to_owned(),
        Value::SdgCode => "UN SDG code".to_owned(),
        Value::FrameworkCode => "framework indicator `<framework>:<code>`".to_owned(),
        Value::Token => "name of letters, digits, `-`, `_`".to_owned(),
        Value::Disaggregation => "`dimension=value`".to_owned(),
    };
    if c.list {
        format!("`;`-list: {one}")
    } else {
        one
    }
}

/// The column's header cell: its name (names per language), bold when required.
fn names(c: &Column) -> String {
    let bold = |h: &str| {
        if c.required {
            format!("**{h}**")
        } else {
            h.to_owned()
        }
    };
    if c.translatable {
        // One column per content language; a required text needs its default language's.
        format!("{} …", bold(&format!("{}_&lt;lang&gt;", c.name)))
    } else {
        bold(c.name)
    }
}

/// The Markdown table of a table's columns.
pub fn markdown(t: &Table) -> String {
    let mut out = String::from("| column | holds | meaning |\n| --- | --- | --- |\n");
    for c in t.columns {
        out.push_str(&format!("| {} | {} | {} |\n", names(c), holds(c), c.doc));
    }
    out
}

/// `doc` with every marked table rewritten from the spec; an error names a table of the
/// format that the document does not mark, or a marker left open.
pub fn rewrite(doc: &str) -> Result<String, String> {
    let mut out = String::with_capacity(doc.len());
    let mut rest = doc;
    let mut seen = Vec::new();
    while let Some(i) = rest.find("<!-- columns: ") {
        let (before, from) = rest.split_at(i);
        out.push_str(before);
        let line_end = from.find('\n').ok_or("a marker line ending")?;
        let name = from["<!-- columns: ".len()..line_end]
            .trim_end()
            .trim_end_matches("-->")
            .trim();
        let t = tables()
            .iter()
            .find(|t| t.name == name)
            .ok_or_else(|| format!("`{name}` is not a table of the native format"))?;
        let end = from
            .find("<!-- /columns -->")
            .ok_or_else(|| format!("no `<!-- /columns -->` after the {name} marker"))?;
        out.push_str(&from[..=line_end]);
        out.push_str(&markdown(t));
        out.push_str("<!-- /columns -->");
        rest = &from[end + "<!-- /columns -->".len()..];
        seen.push(name.to_owned());
    }
    out.push_str(rest);
    match tables().iter().find(|t| !seen.iter().any(|s| s == t.name)) {
        Some(t) => Err(format!("no `<!-- columns: {} -->` table", t.name)),
        None => Ok(out),
    }
}
