//! `agenda-io`: moving data in and out. The native format (a folder of CSV files, or the same
//! tables as the sheets of one XLSX workbook), all-or-nothing import planning that names every
//! problem with its position, export (also of the services catalogue as CPSV-AP JSON-LD:
//! [`cpsv`]), the embedded demo country and SDG framework, and a generator of national-scale
//! test data. The GovStack playbook's RFI-2 and High Level Roadmap workbooks are read as
//! published ([`govstack`]).

pub mod columns;
pub mod cpsv;
pub mod embedded;
pub mod generate;
pub mod govstack;
pub mod native;
pub mod opensdg;
pub mod regions;
pub mod table;
pub mod translations;
pub mod versions;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use agenda_core::integrity::{fmt_num, problems_of};
use agenda_core::{Change, Code, Entity, Expected, ExpectedKind, InterimTarget, Kind, Snapshot};

use crate::native::{Item, parse_table, table_of};
use crate::table::{OutTable, RawTable};

/// One problem found in an import, with its position.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ImportError {
    /// File or sheet.
    pub file: String,
    /// Row as a spreadsheet numbers it (header = 1), when the problem is in a row.
    pub row: Option<usize>,
    /// Column, when the problem is in a cell or a missing column.
    pub column: Option<String>,
    /// The offending value.
    pub value: Option<String>,
    /// What was expected instead, in English.
    pub expected: String,
    /// The same as a key, when a value's parser said it: an interface words it in its own
    /// language from this (the English above stays the message of imports and the API).
    #[serde(skip)]
    pub kind: Option<Box<ExpectedKind>>,
}

impl ImportError {
    /// A problem with a whole file.
    pub fn file(file: &str, expected: impl Into<String>) -> Self {
        Self {
            file: file.to_owned(),
            row: None,
            column: None,
            value: None,
            expected: expected.into(),
            kind: None,
        }
    }

    /// A problem at a row (and cell).
    pub fn at(
        file: &str,
        row: usize,
        column: Option<&str>,
        value: Option<&str>,
        expected: impl Into<String>,
    ) -> Self {
        Self {
            file: file.to_owned(),
            row: Some(row),
            column: column.map(str::to_owned),
            value: value.map(str::to_owned),
            expected: expected.into(),
            kind: None,
        }
    }

    /// A value's parser refused a cell: its English phrase, and its kind.
    pub fn refused(
        file: &str,
        row: usize,
        column: Option<&str>,
        value: Option<&str>,
        expected: Expected,
    ) -> Self {
        Self {
            kind: Some(Box::new(expected.kind)),
            ..Self::at(file, row, column, value, expected.phrase())
        }
    }
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.file)?;
        if let Some(r) = self.row {
            write!(f, ", row {r}")?;
        }
        if let Some(c) = &self.column {
            write!(f, ", column {c}")?;
        }
        f.write_str(": ")?;
        if let Some(v) = &self.value {
            write!(f, "{v:?} — ")?;
        }
        write!(f, "expected {}", self.expected)
    }
}

/// The changes an import makes, once every row has been checked.
#[derive(Debug, Clone, Default)]
pub struct ImportPlan {
    /// Entities to create or update (unchanged ones are left out).
    pub changes: Vec<Change>,
    /// Data rows read.
    pub rows: usize,
    /// Entities read, per kind (changed or not).
    pub read: Vec<(Kind, usize)>,
}

/// Reads what `path` holds: a folder of CSV files, one `.csv` file, or a workbook.
pub fn read_path(path: &Path) -> Result<Vec<RawTable>, Vec<ImportError>> {
    let label = path.display().to_string();
    if path.is_dir() {
        let mut files: Vec<_> = std::fs::read_dir(path)
            .map_err(|e| {
                vec![ImportError::file(
                    &label,
                    format!("a readable folder ({e})"),
                )]
            })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("csv")))
            .collect();
        files.sort();
        if files.is_empty() {
            return Err(vec![ImportError::file(
                &label,
                "a folder holding .csv files",
            )]);
        }
        let mut tables = Vec::new();
        let mut errors = Vec::new();
        for f in files {
            match table::read_csv_file(&f) {
                Ok(t) => tables.push(t),
                Err(e) => errors.push(e),
            }
        }
        if errors.is_empty() {
            Ok(tables)
        } else {
            Err(errors)
        }
    } else {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        match ext.as_str() {
            "csv" => table::read_csv_file(path)
                .map(|t| vec![t])
                .map_err(|e| vec![e]),
            "xlsx" | "xlsm" | "xls" | "ods" => table::read_workbook(path).map_err(|e| vec![e]),
            _ if !path.exists() => Err(vec![ImportError::file(
                &label,
                "an existing file or folder",
            )]),
            _ => Err(vec![ImportError::file(
                &label,
                "a folder of CSV files, a .csv file or an .xlsx workbook",
            )]),
        }
    }
}

/// Checks every row of `tables` against each other and against `base`, and returns the changes
/// to apply — or every problem found, with its position. Nothing is partially accepted.
pub fn plan_import(base: &Snapshot, tables: &[RawTable]) -> Result<ImportPlan, Vec<ImportError>> {
    let mut errors = Vec::new();
    let mut candidate = base.clone();
    let mut seen: HashMap<(Kind, String), (String, usize)> = HashMap::new();
    let mut target_rows: HashMap<(String, i32), (String, usize)> = HashMap::new();
    let mut targets: Vec<(Code, InterimTarget, String, usize)> = Vec::new();
    let mut changed: Vec<Entity> = Vec::new();
    let mut rows = 0;
    let mut read: HashMap<Kind, usize> = HashMap::new();

    // Tables in the format's order, so that KPIs exist before their targets are merged.
    let mut ordered: Vec<&RawTable> = tables.iter().collect();
    ordered.sort_by_key(|t| {
        native::TABLES
            .iter()
            .position(|n| *n == t.name)
            .unwrap_or(usize::MAX)
    });
    for t in ordered {
        rows += t.rows.len();
        for p in parse_table(t, &base.languages, &mut errors) {
            match p.item {
                Item::Entity(mut e) => {
                    let kind = e.kind();
                    let key = e.key();
                    if let Some((file, row)) = seen.get(&(kind, key.clone())) {
                        // A release derived from a service row may be restated in releases.csv.
                        if !(kind == Kind::Release && file != &t.label) {
                            errors.push(ImportError::at(
                                &t.label,
                                p.row,
                                Some(key_column(kind)),
                                Some(&key),
                                format!("a key not used before (already on {file} row {row})"),
                            ));
                            continue;
                        }
                    }
                    if let (Entity::Kpi(k), Some(old)) = (&mut e, base.kpis.get(&key)) {
                        k.targets = old.targets.clone();
                    }
                    *read.entry(kind).or_default() += 1;
                    seen.insert((kind, key), (t.label.clone(), p.row));
                    candidate.upsert(e);
                }
                Item::Target(kpi, target) => {
                    let k = (kpi.to_string(), target.year);
                    if let Some((file, row)) = target_rows.get(&k) {
                        errors.push(ImportError::at(
                            &t.label,
                            p.row,
                            Some("year"),
                            Some(&target.year.to_string()),
                            format!("one target per KPI and year (already on {file} row {row})"),
                        ));
                        continue;
                    }
                    target_rows.insert(k, (t.label.clone(), p.row));
                    targets.push((kpi, target, t.label.clone(), p.row));
                }
            }
        }
    }

    // Interim targets replace, per KPI, the targets it had.
    let mut by_kpi: HashMap<Code, Vec<InterimTarget>> = HashMap::new();
    for (kpi, target, file, row) in targets {
        if candidate.kpis.contains_key(kpi.as_str()) {
            by_kpi.entry(kpi).or_default().push(target);
        } else {
            errors.push(ImportError::at(
                &file,
                row,
                Some("kpi"),
                Some(kpi.as_str()),
                "the code of an existing kpi",
            ));
        }
    }
    for (kpi, mut ts) in by_kpi {
        ts.sort_by_key(|t| t.year);
        if let Some(mut k) = candidate.kpis.get(kpi.as_str()).cloned() {
            k.targets = ts;
            seen.entry((Kind::Kpi, kpi.to_string())).or_insert_with(|| {
                let (f, r) = target_rows
                    .get(&(kpi.to_string(), k.targets[0].year))
                    .cloned()
                    .unwrap_or_default();
                (f, r)
            });
            candidate.upsert(k.into());
        }
    }

    // Keep only what differs from the base, then check it against everything else.
    for (kind, key) in seen.keys() {
        if let Some(e) = candidate.get(*kind, key)
            && base.get(*kind, key).as_ref() != Some(&e)
        {
            changed.push(e);
        }
    }
    changed.sort_by_key(|e| (e.kind(), e.key()));
    for e in &changed {
        for p in problems_of(e, &candidate) {
            let (mut file, mut row) = seen
                .get(&(p.kind, p.key.clone()))
                .cloned()
                .unwrap_or_else(|| (format!("{}.csv", table_of(p.kind)), 0));
            if let Entity::Kpi(k) = e {
                let target_row = match p.column {
                    "year" => p.value.parse().ok(),
                    "target_value" if p.value != fmt_num(k.target_value) => k
                        .targets
                        .iter()
                        .find(|t| fmt_num(t.target_value) == p.value)
                        .map(|t| t.year),
                    _ => None,
                };
                if let Some(loc) = target_row.and_then(|y| target_rows.get(&(p.key.clone(), y))) {
                    (file, row) = loc.clone();
                }
            }
            errors.push(ImportError {
                file,
                row: (row > 0).then_some(row),
                column: Some(p.column.to_owned()),
                value: Some(p.value),
                expected: p.expected,
                kind: None,
            });
        }
    }

    if !errors.is_empty() {
        errors.sort_by(|a, b| (&a.file, a.row).cmp(&(&b.file, b.row)));
        errors.dedup();
        return Err(errors);
    }
    let mut read: Vec<(Kind, usize)> = read.into_iter().collect();
    read.sort();
    Ok(ImportPlan {
        changes: changed.into_iter().map(Change::Upsert).collect(),
        rows,
        read,
    })
}

fn key_column(kind: Kind) -> &'static str {
    match kind {
        Kind::Observation => "kpi, period, disaggregation",
        Kind::ProgressReport => "action_line, period",
        Kind::Assessment => "service, criterion, assessed_on",
        _ => "code",
    }
}

/// Writes the snapshot as a folder of CSV files, one per table (created if missing).
pub fn export_csv(s: &Snapshot, dir: &Path) -> std::io::Result<Vec<OutTable>> {
    std::fs::create_dir_all(dir)?;
    let tables = native::write_tables(s);
    for t in &tables {
        std::fs::write(dir.join(format!("{}.csv", t.name)), t.to_csv())?;
    }
    Ok(tables)
}

/// Writes the snapshot as one XLSX workbook, one sheet per table.
pub fn export_xlsx(s: &Snapshot, path: &Path) -> Result<(), rust_xlsxwriter::XlsxError> {
    table::write_workbook(&native::write_tables(s), path)
}

/// Writes the same workbook as [`export_xlsx`] to any writer (a response body, a buffer).
pub fn export_xlsx_to(
    s: &Snapshot,
    out: impl std::io::Write + Send,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    table::write_workbook_to(&native::write_tables(s), out)
}

/// Every table of the snapshot in the native CSV format, one file `<table>.csv` each, as the
/// bytes of a zip archive.
pub fn export_csv_zip(s: &Snapshot) -> Result<Vec<u8>, zip::result::ZipError> {
    use std::io::Write as _;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for t in native::write_tables(s) {
        zip.start_file(format!("{}.csv", t.name), opts)?;
        zip.write_all(&t.to_csv())?;
    }
    Ok(zip.finish()?.into_inner())
}

/// Applies planned changes to a snapshot in memory (for tools and tests without a database).
pub fn apply_in_memory(base: &Snapshot, plan: &ImportPlan) -> Snapshot {
    let mut s = base.clone();
    for c in &plan.changes {
        match c {
            Change::Upsert(e) => {
                s.upsert(e.clone());
            }
            Change::Delete(k, key) => {
                s.remove(*k, key);
            }
        }
    }
    s
}

/// What an import does to each record, for a person to check before or after it runs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeReport {
    /// Per kind: (created, changed, unchanged, removed).
    pub counts: Vec<(Kind, [usize; 4])>,
    /// `kind code` of each record created.
    pub added: Vec<String>,
    /// `kind code: field old → new; …` of each record changed.
    pub changed: Vec<String>,
    /// `kind code` of each record removed.
    pub removed: Vec<String>,
}

/// A value as one short line: at most 60 characters.
fn short_json(v: Option<&serde_json::Value>) -> String {
    let s = match v {
        None | Some(serde_json::Value::Null) => "—".to_owned(),
        Some(serde_json::Value::String(s)) => format!("{s:?}"),
        Some(v) => v.to_string(),
    };
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(59).collect::<String>())
    } else {
        s
    }
}

impl ChangeReport {
    /// Compares each planned change with what `base` holds, field by field; `read` counts the
    /// records read per kind, those not changed being unchanged.
    pub fn of(base: &Snapshot, plan: &ImportPlan) -> ChangeReport {
        let mut counts: BTreeMap<Kind, [usize; 4]> = BTreeMap::new();
        let mut out = ChangeReport::default();
        for c in &plan.changes {
            match c {
                Change::Upsert(e) => {
                    let kind = e.kind();
                    let key = e.key();
                    let label = format!("{} {key}", kind.as_str());
                    match base.get(kind, &key) {
                        None => {
                            counts.entry(kind).or_default()[0] += 1;
                            out.added.push(label);
                        }
                        Some(old) => {
                            counts.entry(kind).or_default()[1] += 1;
                            let was = serde_json::to_value(&old).unwrap_or_default();
                            let now = serde_json::to_value(e).unwrap_or_default();
                            let mut fields: Vec<String> = Vec::new();
                            if let (Some(was), Some(now)) = (was.as_object(), now.as_object()) {
                                let names: BTreeSet<&String> =
                                    was.keys().chain(now.keys()).collect();
                                for f in names {
                                    let (a, b) = (was.get(f), now.get(f));
                                    let same = a == b
                                        || (a.is_none_or(serde_json::Value::is_null)
                                            && b.is_none_or(serde_json::Value::is_null));
                                    if !same {
                                        fields.push(format!(
                                            "{f} {} → {}",
                                            short_json(a),
                                            short_json(b)
                                        ));
                                    }
                                }
                            }
                            out.changed.push(format!("{label}: {}", fields.join("; ")));
                        }
                    }
                }
                Change::Delete(kind, key) => {
                    counts.entry(*kind).or_default()[3] += 1;
                    out.removed.push(format!("{} {key}", kind.as_str()));
                }
            }
        }
        for (kind, n) in &plan.read {
            let c = counts.entry(*kind).or_default();
            c[2] = n.saturating_sub(c[0] + c[1]);
        }
        out.counts = counts.into_iter().collect();
        out
    }
}

impl std::fmt::Display for ChangeReport {
    /// Counts per kind, then every record changed with its fields, then the records added
    /// and removed (the first 50 of each, then how many more).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (kind, [created, changed, unchanged, removed]) in &self.counts {
            write!(
                f,
                "{}: {created} added, {changed} changed, {unchanged} unchanged",
                kind.collection()
            )?;
            if *removed > 0 {
                write!(f, ", {removed} removed")?;
            }
            writeln!(f)?;
        }
        const SHOWN: usize = 50;
        for (what, list) in [
            ("changed", &self.changed),
            ("added", &self.added),
            ("removed", &self.removed),
        ] {
            for line in list.iter().take(SHOWN) {
                writeln!(f, "  {what} {line}")?;
            }
            if list.len() > SHOWN {
                writeln!(f, "  … and {} more {what}", list.len() - SHOWN)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod rules_tests;
