//! The native data format: one table per entity kind, as the CSV files of a folder or the sheets
//! of one workbook (documented column by column in `docs/data-format.md`). This module maps
//! table rows to entities (collecting every problem, never stopping at the first) and the
//! snapshot back to tables, both by the tables' column spec ([`crate::columns`]).

use std::sync::LazyLock;

use agenda_core::languages::ContentLanguages;
use agenda_core::*;

use crate::ImportError;
use crate::columns::{self, Column};
use crate::table::{OutTable, RawRow, RawTable};

/// Every table of the native format, in the order they are written and checked.
pub const TABLES: &[&str] = &columns::TABLE_NAMES;

/// The table an entity kind is written to.
pub fn table_of(kind: Kind) -> &'static str {
    columns::tables()
        .iter()
        .find(|t| t.kind == Some(kind))
        .map_or("", |t| t.name)
}

/// What one row of a table yields.
#[derive(Debug, Clone)]
#[expect(
    clippy::large_enum_variant,
    reason = "rows are parsed and consumed at once; boxing would only add allocations"
)]
pub enum Item {
    /// An entity.
    Entity(Entity),
    /// A yearly interim target of a KPI (rows of `kpi_targets`).
    Target(Code, InterimTarget),
}

/// A parsed row with its position.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// Row number in its file or sheet.
    pub row: usize,
    /// What the row holds.
    pub item: Item,
}

/// A row being read: its cells, and the problems found in them.
pub(crate) struct Row<'a> {
    t: &'a RawTable,
    langs: &'a ContentLanguages,
    row: &'a RawRow,
    errors: &'a mut Vec<ImportError>,
    pub(crate) failed: bool,
}

impl<'a> Row<'a> {
    pub(crate) fn new(
        t: &'a RawTable,
        langs: &'a ContentLanguages,
        row: &'a RawRow,
        errors: &'a mut Vec<ImportError>,
    ) -> Self {
        Self {
            t,
            langs,
            row,
            errors,
            failed: false,
        }
    }

    pub(crate) fn raw(&self, col: &str) -> &'a str {
        self.t
            .column(col)
            .and_then(|i| self.row.cells.get(i))
            .map(String::as_str)
            .unwrap_or("")
    }

    pub(crate) fn fail(&mut self, col: &str, value: &str, expected: impl Into<String>) {
        self.failed = true;
        self.errors.push(ImportError::at(
            &self.t.label,
            self.row.row,
            Some(col),
            Some(value),
            expected,
        ));
    }

    /// Records that a value's parser refused the cell.
    pub(crate) fn refuse(&mut self, col: &str, value: &str, e: Expected) {
        self.failed = true;
        self.errors.push(ImportError::refused(
            &self.t.label,
            self.row.row,
            Some(col),
            Some(value),
            e,
        ));
    }

    fn parse<T>(
        &mut self,
        col: &str,
        v: &str,
        f: impl Fn(&str) -> Result<T, Expected>,
    ) -> Option<T> {
        match f(v) {
            Ok(x) => Some(x),
            Err(e) => {
                self.refuse(col, v, e);
                None
            }
        }
    }

    pub(crate) fn req<T>(
        &mut self,
        col: &str,
        f: impl Fn(&str) -> Result<T, Expected>,
    ) -> Option<T> {
        let v = self.raw(col);
        if v.is_empty() {
            self.refuse(col, v, Expected::new(ExpectedKind::Required));
            return None;
        }
        self.parse(col, v, f)
    }

    pub(crate) fn opt<T>(
        &mut self,
        col: &str,
        f: impl Fn(&str) -> Result<T, Expected>,
    ) -> Option<T> {
        let v = self.raw(col);
        if v.is_empty() {
            None
        } else {
            self.parse(col, v, f)
        }
    }

    pub(crate) fn list<T>(&mut self, col: &str, f: impl Fn(&str) -> Result<T, Expected>) -> Vec<T> {
        let v = self.raw(col);
        v.split(';')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .filter_map(|p| self.parse(col, p, &f))
            .collect()
    }

    /// A list with at least one value.
    pub(crate) fn some<T>(
        &mut self,
        col: &str,
        f: impl Fn(&str) -> Result<T, Expected>,
    ) -> Option<Vec<T>> {
        if self.raw(col).split(';').all(|p| p.trim().is_empty()) {
            let v = self.raw(col);
            self.refuse(col, v, Expected::new(ExpectedKind::Required));
            return None;
        }
        Some(self.list(col, f))
    }

    fn number_text(&self, v: &str) -> String {
        if self.t.decimal_comma && !v.contains('.') {
            v.replace([' ', '\u{a0}', '\u{202f}'], "").replace(',', ".")
        } else {
            v.to_owned()
        }
    }

    pub(crate) fn num(&mut self, col: &str) -> Option<f64> {
        let v = self.raw(col);
        let n = self.number_text(v);
        if v.is_empty() {
            self.refuse(col, v, Expected::new(ExpectedKind::NumberRequired));
            return None;
        }
        match parse_number(&n) {
            Ok(x) => Some(x),
            Err(e) => {
                self.refuse(col, v, e);
                None
            }
        }
    }

    /// A required amount of money, exact: read from its text, never through a float.
    pub(crate) fn amount(&mut self, col: &str) -> Option<Money> {
        let v = self.raw(col);
        if v.is_empty() {
            self.refuse(col, v, Expected::new(ExpectedKind::Amount));
            return None;
        }
        match Money::parse(&self.number_text(v)) {
            Ok(m) => Some(m),
            Err(e) => {
                self.refuse(col, v, e);
                None
            }
        }
    }

    pub(crate) fn opt_num(
        &mut self,
        col: &str,
        f: impl Fn(&str) -> Result<f64, Expected>,
    ) -> Option<f64> {
        let v = self.raw(col);
        if v.is_empty() {
            return None;
        }
        let n = self.number_text(v);
        match f(&n) {
            Ok(x) => Some(x),
            Err(e) => {
                self.refuse(col, v, e);
                None
            }
        }
    }

    pub(crate) fn opt_percent(&mut self, col: &str) -> Option<Percent> {
        self.opt_num(col, |s| Percent::parse(s).map(Percent::value))
            .and_then(|v| Percent::new(v).ok())
    }

    fn translations(&mut self, field: &str) -> Vec<(Lang, String)> {
        let prefix = format!("{field}_");
        let mut out = Vec::new();
        for (i, h) in self.t.headers.iter().enumerate() {
            // A bare `title` is in the default language.
            let lang = if h == field {
                Some(self.langs.default_lang().clone())
            } else {
                h.strip_prefix(&prefix).and_then(|l| Lang::parse(l).ok())
            };
            if let (Some(lang), Some(v)) = (lang, self.row.cells.get(i))
                && !v.is_empty()
            {
                out.push((lang, v.clone()));
            }
        }
        out
    }

    pub(crate) fn text(&mut self, field: &str) -> Option<Text> {
        let tr = self.translations(field);
        match Text::new_in(tr, self.langs) {
            Ok(t) => Some(t),
            Err(e) => {
                let col = format!("{field}_{}", self.langs.default_lang());
                self.refuse(&col, "", e);
                None
            }
        }
    }

    pub(crate) fn opt_text(&mut self, field: &str) -> Option<Text> {
        let tr = self.translations(field);
        if tr.is_empty() {
            return None;
        }
        self.text(field)
    }

    pub(crate) fn string(&mut self, col: &str) -> Option<String> {
        let v = self.raw(col);
        (!v.is_empty()).then(|| v.to_owned())
    }
}

pub(crate) fn sdg_code(s: &str) -> Result<String, Expected> {
    let ok = !s.is_empty()
        && s.len() <= 12
        && s.starts_with(|c: char| c.is_ascii_digit())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '.');
    if ok {
        Ok(s.to_owned())
    } else {
        Err(Expected::new(ExpectedKind::Sdg))
    }
}

/// A framework indicator, `<framework>:<code>`: a framework id of lower-case letters, digits
/// and `-`, then an indicator code without spaces, `;` or `:`. Whether the framework has it is
/// an integrity rule (it needs the frameworks).
pub(crate) fn framework_code(s: &str) -> Result<String, Expected> {
    let ok = agenda_core::frameworks::split(s).is_some_and(|(id, code)| {
        id.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && code.len() <= 40
            && !code
                .chars()
                .any(|c| c.is_whitespace() || matches!(c, ';' | ':'))
    });
    if ok {
        Ok(s.to_owned())
    } else {
        Err(Expected::new(ExpectedKind::FrameworkCode))
    }
}

/// A web address: `https://`, a host, and no spaces (so a link to it is a link to a page,
/// never a script).
pub(crate) fn link(s: &str) -> Result<String, Expected> {
    agenda_core::parse_link(s)
}

pub(crate) fn token(s: &str) -> Result<String, Expected> {
    let ok = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'));
    if ok {
        Ok(s.to_lowercase())
    } else {
        Err(Expected::new(ExpectedKind::Token))
    }
}

pub(crate) fn year(s: &str) -> Result<i32, Expected> {
    let s = s.strip_suffix(".0").unwrap_or(s);
    match s.parse::<i32>() {
        Ok(y) if (1900..=2200).contains(&y) && s.len() == 4 => Ok(y),
        _ => Err(Expected::new(ExpectedKind::Year)),
    }
}

/// Columns each table must have (a text column `title` is satisfied by `title_en` or `title`).
pub fn required_columns(table: &str) -> &'static [&'static str] {
    static REQUIRED: LazyLock<Vec<Vec<&'static str>>> = LazyLock::new(|| {
        columns::tables()
            .iter()
            .map(|t| {
                t.columns
                    .iter()
                    .filter(|c| c.required)
                    .map(Column::header)
                    .collect()
            })
            .collect()
    });
    columns::tables()
        .iter()
        .position(|t| t.name == table)
        .map_or(&[], |i| &REQUIRED[i])
}

/// Parses every row of a table, its texts required in the default language of `langs`.
/// Problems go to `errors`; rows with a problem yield nothing.
pub fn parse_table(
    t: &RawTable,
    langs: &ContentLanguages,
    errors: &mut Vec<ImportError>,
) -> Vec<Parsed> {
    let Some(spec) = columns::table(&t.name) else {
        errors.push(ImportError::file(
            &t.label,
            format!("a table of the native format: {}", TABLES.join(", ")),
        ));
        return Vec::new();
    };
    let mut missing = false;
    for col in spec.columns.iter().filter(|c| c.required) {
        // A required text's column is the one in the default language (or a bare `title`).
        let header = if col.translatable {
            format!("{}_{}", col.name, langs.default_lang())
        } else {
            col.name.to_owned()
        };
        let present =
            t.column(&header).is_some() || (col.translatable && t.column(col.name).is_some());
        if !present {
            missing = true;
            errors.push(ImportError {
                file: t.label.clone(),
                row: None,
                column: Some(header),
                value: None,
                // A text's column is required for its language, which the message names.
                expected: if col.translatable {
                    format!(
                        "this required column in the header row ({})",
                        langs.missing_default().phrase()
                    )
                } else {
                    "this required column in the header row".to_owned()
                },
                kind: None,
            });
        }
    }
    if missing {
        return Vec::new();
    }
    let mut out = Vec::with_capacity(t.rows.len());
    for raw in &t.rows {
        let mut r = Row::new(t, langs, raw, errors);
        let items = (spec.read)(&mut r);
        if let (Some(items), false) = (items, r.failed) {
            out.extend(items.into_iter().map(|item| Parsed { row: raw.row, item }));
        }
    }
    out
}

pub(crate) fn code(s: &str) -> Result<Code, Expected> {
    Code::parse(s)
}

/// Every text of `s` without the snapshot's default language (written before the default
/// changed, or by an older version), for `agenda check`.
pub fn missing_default_language(s: &Snapshot) -> Vec<agenda_core::integrity::Problem> {
    let default = s.languages.default_lang();
    let mut out = Vec::new();
    for t in write_tables(s) {
        let Some(spec) = columns::table(t.name) else {
            continue;
        };
        let Some(kind) = spec.kind else { continue };
        // Rows are written in key order, as the snapshot holds the entities.
        let keys: Vec<String> = s.entities(kind).map(|e| e.key()).collect();
        for c in spec.columns.iter().filter(|c| c.translatable) {
            let cols: Vec<(usize, bool)> = t
                .headers
                .iter()
                .enumerate()
                .filter_map(|(i, h)| match spec.column_of(h) {
                    Some((x, Some(l))) if x.name == c.name => Some((i, l == default.as_str())),
                    _ => None,
                })
                .collect();
            for (row, key) in t.rows.iter().zip(&keys) {
                let has = |i: usize| row.get(i).is_some_and(|v| !v.as_text().is_empty());
                let other = cols.iter().any(|&(i, d)| !d && has(i));
                if other && !cols.iter().any(|&(i, d)| d && has(i)) {
                    out.push(agenda_core::integrity::Problem {
                        kind,
                        key: key.clone(),
                        column: c.name,
                        value: String::new(),
                        expected: s.languages.missing_default().phrase(),
                    });
                }
            }
        }
    }
    out
}

/// Every table of the snapshot, in the native format (empty tables keep their header row).
pub fn write_tables(sn: &Snapshot) -> Vec<OutTable> {
    columns::tables().iter().map(|t| (t.write)(sn)).collect()
}
