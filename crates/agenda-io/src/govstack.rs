//! The GovStack Implementation Playbook's workbooks, read exactly as published.
//!
//! Two templates are recognised by their sheet names (`docs/data-format.md`, section "GovStack
//! workbooks"):
//!
//! - the **RFI-2 service catalogue** (sheet `Service Cataloge `, sic): each row becomes a
//!   service, its responsible ministry an organisation;
//! - the **High Level Roadmap** (sheet `High Level Road Map `): each activity becomes a
//!   milestone, due on the last week marked in the timeline, under an action line made from its
//!   indicator, in the pillar `HLR`; its lead cell may name contributors beside the lead, its
//!   required resources are read as amounts ([`resources`]) and those in the platform's
//!   currency become budget lines, and notes in its week cells become draft progress reports;
//! - the RFI-2 template's **Systems-Platforms catalogue** (sheet `Systems-Platforms Catalogue `):
//!   each row becomes a system, with the services that use it (matched by Service ID or name)
//!   and the building block whose work it does.
//!
//! The real header row is found after the title rows, a header split over two rows is read as
//! one, and option rows are skipped. Every cell problem is collected with its sheet, row,
//! column, value and what was expected. What the model cannot hold is listed in a [`Report`],
//! never dropped silently. The result is a set of native tables, so the usual all-or-nothing
//! planning ([`crate::plan_import`]) checks it against the database.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io::Cursor;
use std::path::Path;

use agenda_core::*;
use calamine::{Data, DataType, Reader, StyleRange};

use crate::native::{table_of, write_tables};
use crate::table::{Cell, RawRow, RawTable, cell_text};
use crate::{ImportError, ImportPlan};

mod marks;
mod names;
mod resources;

pub use names::development_partner;
pub use resources::{ResourceKind, Resources, resources};

/// The pillar that holds the action lines made from a High Level Roadmap.
pub const ROADMAP_PILLAR: &str = "HLR";

/// Which GovStack template a sheet follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// The RFI-2 service catalogue (sheet `Service Cataloge `).
    Rfi2,
    /// The High Level Roadmap (sheet `High Level Road Map `).
    Roadmap,
    /// The RFI-2 template's systems and platforms (sheet `Systems-Platforms Catalogue `).
    Systems,
}

impl Layout {
    /// The layout a sheet name announces, compared trimmed and case-insensitively (the
    /// published misspelling and the correct spelling are both recognised).
    pub fn of_sheet(name: &str) -> Option<Self> {
        let n = collapse(name).to_lowercase();
        match n.as_str() {
            "service cataloge" | "service catalogue" | "service catalog" => Some(Self::Rfi2),
            "high level road map" | "high level roadmap" | "high-level roadmap" => {
                Some(Self::Roadmap)
            }
            // Not "systems": that is the native workbook's sheet of the same records.
            "systems-platforms catalogue"
            | "systems-platforms catalog"
            | "systems platforms catalogue"
            | "systems catalogue" => Some(Self::Systems),
            _ => None,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Self::Rfi2 => "GovStack RFI-2 service catalogue",
            Self::Roadmap => "GovStack High Level Roadmap",
            Self::Systems => "GovStack RFI-2 systems-platforms catalogue",
        }
    }
}

/// A column of a GovStack sheet that has no place in the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotMapped {
    /// Sheet, as in error messages (`sheet Service Cataloge`).
    pub sheet: String,
    /// Column letter and header text.
    pub column: String,
    /// How many data rows have something in this column.
    pub non_empty: usize,
}

/// An organisation the import creates because no existing one matches a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrganisation {
    /// Generated code.
    pub code: String,
    /// The name as written in the workbook.
    pub name: String,
    /// The kind given to it.
    pub kind: OrgKind,
    /// Sheet where it is first named.
    pub sheet: String,
    /// Row where it is first named.
    pub row: usize,
}

/// A name written otherwise than the organisation's own (a typo, an abbreviation, its code),
/// matched to the organisation the catalogue or the workbook already has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchedOrganisation {
    /// The name as written in the workbook.
    pub written: String,
    /// The organisation it was matched to.
    pub code: String,
    /// That organisation's name it was matched to.
    pub name: String,
    /// How: `code`, `partner`, `abbreviation`, `variant`, `initials` or `spelling` (see the
    /// import's documentation).
    pub how: &'static str,
    /// Sheet where it is first written so.
    pub sheet: String,
    /// Row where it is first written so.
    pub row: usize,
}

/// A cell naming several organisations ("MoJ + GIZ"): the first leads, the others
/// contribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedCell {
    /// The cell as written.
    pub written: String,
    /// The organisations it names, in order.
    pub codes: Vec<String>,
    /// Sheet where it is written.
    pub sheet: String,
    /// Row.
    pub row: usize,
}

/// An activity's "Required Resources" cell, read: an amount in the platform's currency goes
/// into a budget line of its action line; anything else is kept as written on the action line.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityResources {
    /// The milestone made from the activity (`HLR-1.1.2`).
    pub milestone: String,
    /// The action line it belongs to.
    pub action_line: String,
    /// What the cell says.
    pub resources: Resources,
    /// The budget line that holds it (`budget line HLR-OI-1.1:2022:other`), or why none does.
    pub kept: String,
    /// Sheet.
    pub sheet: String,
    /// Row.
    pub row: usize,
}

/// A note written in a week cell of an activity ("12/03 kickoff held").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressNote {
    /// The milestone made from the activity.
    pub milestone: String,
    /// The action line the activity belongs to.
    pub action_line: String,
    /// The day it names, else its week's first day.
    pub on: Date,
    /// What happened, as written (the date taken out).
    pub text: String,
    /// The progress report that keeps it (`HLR-OI-1.1:2022-Q1`), or why none does.
    pub kept: String,
    /// Sheet.
    pub sheet: String,
    /// Row.
    pub row: usize,
}

/// A required document read as the data item it is a variant or misspelling of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchedDocument {
    /// The document as written in the workbook, now one of the item's aliases.
    pub written: String,
    /// The data item.
    pub code: String,
    /// Its name.
    pub name: String,
    /// `variant` (the same telling words) or `spelling` (a misspelling of them).
    pub how: &'static str,
    /// Sheet and row where it is first written so.
    pub sheet: String,
    /// Row.
    pub row: usize,
}

/// A data item created for a required document no existing item names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDataItem {
    /// Generated code.
    pub code: String,
    /// The name as written.
    pub name: String,
    /// Sheet where it is first named.
    pub sheet: String,
    /// Row.
    pub row: usize,
}

/// What a GovStack import read, created and could not map.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    /// One line per sheet: what it was read as and what it yields.
    pub sheets: Vec<String>,
    /// Organisations created for names no existing organisation has.
    pub new_organisations: Vec<NewOrganisation>,
    /// Names written otherwise than an organisation's own (typos, abbreviations, codes)
    /// matched to it (each one a person can undo by correcting the cell and importing again).
    pub matched_organisations: Vec<MatchedOrganisation>,
    /// Cells naming several organisations, read as a lead and its contributors.
    pub shared_cells: Vec<SharedCell>,
    /// Each roadmap activity's required resources, read.
    pub resources: Vec<ActivityResources>,
    /// Notes written in roadmap week cells, kept as progress reports.
    pub progress_notes: Vec<ProgressNote>,
    /// Data items created for required documents no existing item names.
    pub new_data_items: Vec<NewDataItem>,
    /// Required documents read as a data item they are a variant or misspelling of, kept as
    /// its aliases (each one a person can undo).
    pub matched_documents: Vec<MatchedDocument>,
    /// Columns the model cannot hold, with how many cells they fill.
    pub not_mapped: Vec<NotMapped>,
    /// Everything else worth knowing: rows not imported, codes derived, values assumed.
    pub notes: Vec<String>,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for s in &self.sheets {
            writeln!(f, "{s}")?;
        }
        for m in &self.matched_organisations {
            writeln!(
                f,
                "organisation {:?} read as {} {:?} ({}), named on {} row {}",
                m.written, m.code, m.name, m.how, m.sheet, m.row
            )?;
        }
        for c in &self.shared_cells {
            let (lead, others) = c
                .codes
                .split_first()
                .map_or(("", &[][..]), |(l, o)| (l.as_str(), o));
            writeln!(
                f,
                "{:?} names {} organisations: {lead} leads, {} contribute{}, on {} row {}",
                c.written,
                c.codes.len(),
                others.join(", "),
                if others.len() == 1 { "s" } else { "" },
                c.sheet,
                c.row
            )?;
        }
        for m in &self.matched_documents {
            writeln!(
                f,
                "document {:?} read as {} {:?} ({}), kept as an alias, named on {} row {}",
                m.written, m.code, m.name, m.how, m.sheet, m.row
            )?;
        }
        for d in &self.new_data_items {
            writeln!(
                f,
                "new data item {} {:?}, named on {} row {}",
                d.code, d.name, d.sheet, d.row
            )?;
        }
        for o in &self.new_organisations {
            writeln!(
                f,
                "new organisation {} {:?} ({}), named on {} row {}",
                o.code, o.name, o.kind, o.sheet, o.row
            )?;
        }
        if !self.resources.is_empty() {
            writeln!(f, "required resources:")?;
            for x in &self.resources {
                writeln!(
                    f,
                    "  {} ({}, row {}): {} → {}",
                    x.milestone, x.action_line, x.row, x.resources, x.kept
                )?;
            }
        }
        if !self.progress_notes.is_empty() {
            writeln!(f, "notes in week cells:")?;
            for n in &self.progress_notes {
                writeln!(
                    f,
                    "  {} {} (row {}): {:?} → {}",
                    n.on, n.milestone, n.row, n.text, n.kept
                )?;
            }
        }
        if !self.not_mapped.is_empty() {
            writeln!(
                f,
                "not mapped (the model has no place for these columns; non-empty cells):"
            )?;
            for n in &self.not_mapped {
                writeln!(f, "  {}, column {}: {}", n.sheet, n.column, n.non_empty)?;
            }
        }
        if !self.notes.is_empty() {
            writeln!(f, "notes:")?;
            for n in &self.notes {
                writeln!(f, "  {n}")?;
            }
        }
        Ok(())
    }
}

/// A GovStack workbook read into native tables, ready to be planned against a database.
#[derive(Debug, Clone)]
pub struct GovStackImport {
    /// What was read, created and left out.
    pub report: Report,
    /// The records read, as native tables (labels are internal; see [`GovStackImport::plan`]).
    pub tables: Vec<RawTable>,
    /// Problems found in the workbook's cells.
    pub errors: Vec<ImportError>,
    rows: usize,
    /// Internal table label → (sheet label, native column → workbook column).
    places: HashMap<String, (String, HashMap<String, String>)>,
}

impl GovStackImport {
    /// Checks everything read against `base` (which should be the snapshot the workbook was read
    /// against) and returns the changes, or every problem — those of the cells and those of the
    /// records — named by sheet, row and workbook column.
    pub fn plan(&self, base: &Snapshot) -> Result<ImportPlan, Vec<ImportError>> {
        let mut errors = self.errors.clone();
        match crate::plan_import(base, &self.tables) {
            Ok(mut plan) if errors.is_empty() => {
                plan.rows = self.rows;
                return Ok(plan);
            }
            Ok(_) => {}
            Err(es) => errors.extend(es.into_iter().map(|e| self.locate(e))),
        }
        errors.sort_by(|a, b| (&a.file, a.row).cmp(&(&b.file, b.row)));
        errors.dedup();
        Err(errors)
    }

    /// Data rows read from the workbook.
    pub fn rows(&self) -> usize {
        self.rows
    }

    fn locate(&self, mut e: ImportError) -> ImportError {
        if let Some((sheet, cols)) = self.places.get(&e.file) {
            e.file = sheet.clone();
            if let Some(c) = e.column.as_ref().and_then(|c| cols.get(c)) {
                e.column = Some(c.clone());
            }
        }
        e
    }
}

/// Reads `path` when it is a workbook with a GovStack sheet; `None` for anything else (which
/// the native reader then handles, including files that cannot be opened). `currency` is the
/// platform's (ISO 4217): roadmap amounts in it become budget lines.
pub fn read(path: &Path, base: &Snapshot, currency: &str) -> Option<GovStackImport> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if !matches!(ext.as_str(), "xlsx" | "xlsm" | "xls" | "xlsb" | "ods") {
        return None;
    }
    let bytes = std::fs::read(path).ok()?;
    read_bytes(&bytes, base, currency)
}

/// Reads a workbook's bytes when it has a GovStack sheet; `None` otherwise.
pub fn read_bytes(bytes: &[u8], base: &Snapshot, currency: &str) -> Option<GovStackImport> {
    let mut wb = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).ok()?;
    let names = wb.sheet_names();
    let layouts: Vec<(String, Option<Layout>)> = names
        .iter()
        .map(|n| (n.clone(), Layout::of_sheet(n)))
        .collect();
    if layouts.iter().all(|(_, l)| l.is_none()) {
        return None;
    }
    let mut b = Build::new(base, currency);
    // Systems name the services that use them: read after the services of the same workbook.
    let mut layouts = layouts;
    layouts.sort_by_key(|(_, l)| *l == Some(Layout::Systems));
    for (name, layout) in &layouts {
        let label = format!("sheet {}", name.trim());
        let range = match wb.worksheet_range(name) {
            Ok(r) => r,
            Err(e) => {
                b.errors
                    .push(ImportError::file(&label, format!("a readable sheet ({e})")));
                continue;
            }
        };
        let styles = wb.worksheet_style(name).ok();
        let g = Grid::new(&range, styles);
        match layout {
            Some(Layout::Rfi2) => rfi2(&mut b, &label, &g),
            Some(Layout::Roadmap) => roadmap(&mut b, &label, &g),
            Some(Layout::Systems) => systems(&mut b, &label, &g),
            None => other_sheet(&mut b, &label, &g),
        }
    }
    Some(b.finish())
}

// ---------------------------------------------------------------------------------------------
// Cells

static EMPTY: Data = Data::Empty;

/// A sheet's cells at their absolute positions (0-based), with their styles when readable.
struct Grid {
    cells: Vec<Vec<Data>>,
    width: usize,
    styles: Option<StyleRange>,
}

impl Grid {
    fn new(range: &calamine::Range<Data>, styles: Option<StyleRange>) -> Self {
        let (top, left) = range.start().unwrap_or((0, 0));
        let mut cells: Vec<Vec<Data>> = vec![Vec::new(); top as usize];
        let mut width = 0;
        for r in range.rows() {
            let mut row = vec![Data::Empty; left as usize];
            row.extend(r.iter().cloned());
            while row.last().is_some_and(DataType::is_empty) {
                row.pop();
            }
            width = width.max(row.len());
            cells.push(row);
        }
        Self {
            cells,
            width,
            styles,
        }
    }

    fn height(&self) -> usize {
        self.cells.len()
    }

    fn get(&self, r: usize, c: usize) -> &Data {
        self.cells.get(r).and_then(|x| x.get(c)).unwrap_or(&EMPTY)
    }

    fn text(&self, r: usize, c: usize) -> String {
        cell_text(self.get(r, c)).trim().to_owned()
    }

    fn col_text(&self, r: usize, c: Option<usize>) -> String {
        c.map(|c| self.text(r, c)).unwrap_or_default()
    }

    fn row_empty(&self, r: usize) -> bool {
        self.cells.get(r).is_none_or(|x| x.iter().all(is_blank))
    }

    /// A cell coloured in (a visible, non-white fill).
    fn filled(&self, r: usize, c: usize) -> bool {
        let Some(st) = &self.styles else {
            return false;
        };
        st.get((r as u32, c as u32))
            .and_then(|s| s.fill.as_ref())
            .is_some_and(|f| f.is_visible() && !f.get_color().is_some_and(|c| c.is_white()))
    }
}

fn is_blank(d: &Data) -> bool {
    match d {
        Data::String(s) => s.trim().is_empty(),
        d => d.is_empty(),
    }
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn letter(mut c: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

fn short(s: &str) -> String {
    let s = collapse(s);
    if s.chars().count() > 60 {
        let cut: String = s.chars().take(59).collect();
        format!("{}…", cut.trim_end())
    } else {
        s
    }
}

/// Letters, digits, `.`, `-`, `_` kept; anything else becomes `-`; at most `max` characters.
fn sanitise(s: &str, max: usize) -> String {
    let mut out = String::new();
    for ch in s.trim().chars() {
        if ch.is_ascii_alphanumeric() || matches!(ch, '.' | '-' | '_') {
            out.push(ch);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches(|c| matches!(c, '-' | '.' | '_'));
    let mut out: String = out.chars().take(max).collect();
    while out.ends_with(['-', '.', '_']) {
        out.pop();
    }
    out
}

fn whole(s: &str) -> String {
    s.strip_suffix(".0").unwrap_or(s).to_owned()
}

// ---------------------------------------------------------------------------------------------
// Headers

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum F {
    SNo,
    ServiceId,
    Name,
    Ministry,
    Transactions,
    Description,
    Recipient,
    Documents,
    Channels,
    Link,
    Level,
    CrossBorder,
    Customers,
    Iterations,
    Prerequisites,
    Eligibility,
    Agencies,
    Requests,
    Operation,
    Partnership,
    Fdi,
    Harmonisation,
    KeyMetrics,
    Satisfaction,
    Languages,
    Challenges,
    Stage,
    Indicator,
    ActivityId,
    Activity,
    Lead,
    Timeline,
    Resources,
    SystemId,
    SystemName,
    Hosting,
    Database,
    Monitoring,
    Owner,
    UsedBy,
    Block,
}

struct Spec {
    field: F,
    label: &'static str,
    required: bool,
    matches: fn(&str) -> bool,
}

const RFI2: &[Spec] = &[
    Spec {
        field: F::SNo,
        label: "S.no",
        required: false,
        matches: |h| h.starts_with("s.no") || h.starts_with("s. no") || h == "no." || h == "#",
    },
    Spec {
        field: F::ServiceId,
        label: "Service ID",
        required: false,
        matches: |h| h.starts_with("service id"),
    },
    Spec {
        field: F::Name,
        label: "Service Name",
        required: true,
        matches: |h| h.starts_with("service name"),
    },
    Spec {
        field: F::Ministry,
        label: "Responsible ministry",
        required: true,
        matches: |h| h.starts_with("responsible ministry") || h.starts_with("responsible organi"),
    },
    Spec {
        field: F::Transactions,
        label: "Number of transactions/year",
        required: false,
        matches: |h| h.contains("transactions"),
    },
    Spec {
        field: F::Description,
        label: "Service description",
        required: false,
        matches: |h| h.starts_with("service description"),
    },
    Spec {
        field: F::Recipient,
        label: "Recipient/beneficiary of the service",
        required: true,
        matches: |h| h.contains("recipient") || h.contains("beneficiary"),
    },
    Spec {
        field: F::Documents,
        label: "Required documents",
        required: false,
        matches: |h| h.starts_with("required documents"),
    },
    Spec {
        field: F::Channels,
        label: "Channels",
        required: false,
        matches: |h| h.contains("channels"),
    },
    Spec {
        field: F::Link,
        label: "Link of the service",
        required: false,
        matches: |h| h.contains("link"),
    },
    Spec {
        field: F::Level,
        label: "Level of digitalization",
        required: true,
        matches: |h| h.contains("level of digitali"),
    },
    Spec {
        field: F::CrossBorder,
        label: "Cross-border aspect",
        required: false,
        matches: |h| h.contains("cross-border") || h.contains("cross border"),
    },
    Spec {
        field: F::Customers,
        label: "Number of customers / year",
        required: false,
        matches: |h| h.contains("customers"),
    },
    Spec {
        field: F::Iterations,
        label: "Number of iterations needed",
        required: false,
        matches: |h| h.contains("iterations"),
    },
    Spec {
        field: F::Prerequisites,
        label: "Prerequisites",
        required: false,
        matches: |h| h.starts_with("prerequisite"),
    },
    Spec {
        field: F::Eligibility,
        label: "Eligibility validations",
        required: false,
        matches: |h| h.contains("eligibility"),
    },
    Spec {
        field: F::Agencies,
        label: "Government agencies involved",
        required: false,
        matches: |h| h.contains("agencies involved"),
    },
    Spec {
        field: F::Requests,
        label: "Requests per week or per month",
        required: false,
        matches: |h| h.contains("requests per"),
    },
    Spec {
        field: F::Operation,
        label: "Year of operation",
        required: false,
        matches: |h| h.contains("of operation"),
    },
    Spec {
        field: F::Partnership,
        label: "Public-private partnership",
        required: false,
        matches: |h| h.contains("private partnership"),
    },
    Spec {
        field: F::Fdi,
        label: "Potential for FDI attraction",
        required: false,
        matches: |h| h.contains("fdi") || h.contains("foreign direct investment"),
    },
    Spec {
        field: F::Harmonisation,
        label: "Potential for regional harmonization",
        required: false,
        matches: |h| h.contains("harmoni"),
    },
    Spec {
        field: F::KeyMetrics,
        label: "Key metrics",
        required: false,
        matches: |h| h.contains("key metrics"),
    },
    Spec {
        field: F::Satisfaction,
        label: "User satisfaction metrics",
        required: false,
        matches: |h| h.starts_with("user satisfaction"),
    },
    Spec {
        field: F::Languages,
        label: "Languages",
        required: false,
        matches: |h| h.contains("languages"),
    },
    Spec {
        field: F::Challenges,
        label: "Challenges",
        required: false,
        matches: |h| h.contains("challenges"),
    },
];

const ROADMAP: &[Spec] = &[
    Spec {
        field: F::Stage,
        label: "Framework Stage",
        required: false,
        matches: |h| h.contains("framework stage") || h == "stage",
    },
    Spec {
        field: F::Indicator,
        label: "Indicator",
        required: true,
        matches: |h| h.starts_with("indicator"),
    },
    Spec {
        field: F::ActivityId,
        label: "Activity ID",
        required: true,
        matches: |h| h.starts_with("activity id"),
    },
    Spec {
        field: F::Activity,
        label: "Activities",
        required: true,
        matches: |h| h == "activities" || h == "activity",
    },
    Spec {
        field: F::Lead,
        label: "Lead Organization",
        required: true,
        matches: |h| h.starts_with("lead organi"),
    },
    Spec {
        field: F::Timeline,
        label: "Timeline",
        required: false,
        matches: |h| h == "timeline",
    },
    Spec {
        field: F::Resources,
        label: "Required Resources",
        required: false,
        matches: |h| {
            h.contains("required resources")
                || h == "resources"
                || h == "budget"
                || h.starts_with("estimated budget")
                || h.starts_with("estimated cost")
        },
    },
];

const SYSTEMS: &[Spec] = &[
    Spec {
        field: F::SystemId,
        label: "System ID",
        required: false,
        matches: |h| h.starts_with("system id"),
    },
    Spec {
        field: F::SystemName,
        label: "Name of the System",
        required: true,
        // The published header misspells it ("Name of the Sytem").
        matches: |h| h.starts_with("name of the sy") || h.starts_with("system name") || h == "name",
    },
    Spec {
        field: F::Hosting,
        label: "Hosting",
        required: false,
        matches: |h| h.starts_with("hosting"),
    },
    Spec {
        field: F::Database,
        label: "Data base use",
        required: false,
        matches: |h| h.starts_with("data base") || h.starts_with("database"),
    },
    Spec {
        field: F::Monitoring,
        label: "Monitoring tools",
        required: false,
        matches: |h| h.contains("monitoring"),
    },
    Spec {
        field: F::Owner,
        label: "Owner",
        required: false,
        matches: |h| {
            h.starts_with("owner")
                || h.starts_with("responsible")
                || h.starts_with("ministry")
                || h.starts_with("organi")
        },
    },
    Spec {
        field: F::UsedBy,
        label: "Services that use it",
        required: false,
        matches: |h| h.contains("services") || h.starts_with("used by"),
    },
    Spec {
        field: F::Block,
        label: "Building block",
        required: false,
        matches: |h| h.contains("building block"),
    },
];

/// The header of a sheet: where it is and what each column holds.
struct Header {
    /// First and last header rows (0-based).
    first: usize,
    last: usize,
    fields: HashMap<F, usize>,
    labels: HashMap<F, String>,
    /// Columns with a header the model has no place for: (column, "L (header)").
    unmapped: Vec<(usize, String)>,
    /// Columns with a date in the header (timeline weeks), in column order.
    weeks: Vec<(usize, Date)>,
    /// Columns headed like one already read, read with it (the systems sheet's second
    /// monitoring column).
    repeats: Vec<usize>,
}

impl Header {
    fn col(&self, f: F) -> Option<usize> {
        self.fields.get(&f).copied()
    }

    fn label(&self, f: F) -> String {
        self.labels.get(&f).cloned().unwrap_or_default()
    }
}

fn matching(specs: &[Spec], text: &str) -> Option<F> {
    let h = collapse(text).to_lowercase();
    if h.is_empty() {
        return None;
    }
    specs.iter().find(|s| (s.matches)(&h)).map(|s| s.field)
}

/// Finds the header row (the first row naming at least three known columns, after any title
/// rows) and the rows below it that complete it.
fn find_header(g: &Grid, specs: &[Spec], sheet: &str, what: &str) -> Result<Header, ImportError> {
    let row_fields = |r: usize| -> HashSet<F> {
        (0..g.width)
            .filter_map(|c| matching(specs, &g.text(r, c)))
            .collect()
    };
    let first = (0..g.height().min(50))
        .find(|&r| row_fields(r).len() >= 3)
        .ok_or_else(|| {
            ImportError::file(
                sheet,
                format!(
                    "the header row of the {what} ({})",
                    specs.iter().map(|s| s.label).collect::<Vec<_>>().join(", ")
                ),
            )
        })?;
    let mut seen = row_fields(first);
    let mut last = first;
    // A header split over two rows (a group title above some columns) continues below.
    while last + 1 < g.height() && last < first + 2 {
        let next = row_fields(last + 1);
        if next.is_empty() || next.is_subset(&seen) {
            break;
        }
        seen.extend(next);
        last += 1;
    }
    let mut h = Header {
        first,
        last,
        fields: HashMap::new(),
        labels: HashMap::new(),
        unmapped: Vec::new(),
        weeks: Vec::new(),
        repeats: Vec::new(),
    };
    for c in 0..g.width {
        // The lowest non-empty header cell names the column.
        let text = (first..=last)
            .rev()
            .map(|r| g.text(r, c))
            .find(|t| !t.is_empty())
            .unwrap_or_default();
        let date = (first.saturating_sub(1)..=last).find_map(|r| header_date(g.get(r, c)));
        match matching(specs, &text) {
            Some(f) if !h.fields.contains_key(&f) => {
                let spec = specs.iter().find(|s| s.field == f).map_or("", |s| s.label);
                h.fields.insert(f, c);
                h.labels.insert(f, format!("{} ({spec})", letter(c)));
            }
            _ if date.is_some() && specs.iter().any(|s| s.field == F::Timeline) => {
                if let Some(d) = date {
                    h.weeks.push((c, d));
                }
            }
            _ if !text.is_empty() => h
                .unmapped
                .push((c, format!("{} ({})", letter(c), short(&text)))),
            _ => {}
        }
    }
    Ok(h)
}

fn missing_columns(h: &Header, specs: &[Spec], sheet: &str, errors: &mut Vec<ImportError>) {
    for s in specs.iter().filter(|s| s.required) {
        if !h.fields.contains_key(&s.field) {
            errors.push(ImportError {
                file: sheet.to_owned(),
                row: None,
                column: Some(s.label.to_owned()),
                value: None,
                expected: format!(
                    "a column headed \"{}\" in the header (row {}{})",
                    s.label,
                    h.first + 1,
                    if h.last > h.first {
                        format!("–{}", h.last + 1)
                    } else {
                        String::new()
                    }
                ),
                kind: None,
            });
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Values

fn parse_day(s: &str) -> Option<chrono::NaiveDate> {
    let s = collapse(s.trim().trim_end_matches('.'));
    const FORMATS: &[&str] = &[
        "%Y-%m-%d",
        "%d %B %Y",
        "%d %b %Y",
        "%B %d, %Y",
        "%b %d, %Y",
        "%B %d %Y",
        "%b %d %Y",
        "%d-%b-%Y",
        "%d-%b-%y",
        "%d-%B-%Y",
    ];
    FORMATS
        .iter()
        .filter_map(|f| chrono::NaiveDate::parse_from_str(&s, f).ok())
        // `Dec 2024` must not read as 20 December of the year 24.
        .find(|d| (1900..=2200).contains(&chrono::Datelike::year(d)))
}

fn to_date(d: chrono::NaiveDate) -> Option<Date> {
    use chrono::Datelike;
    Date::from_ymd(d.year(), d.month(), d.day())
}

/// A week column's date: a date cell, or a text date such as `09 June 2022`.
fn header_date(d: &Data) -> Option<Date> {
    match d {
        Data::DateTime(dt) => dt.as_datetime().and_then(|t| to_date(t.date())),
        Data::DateTimeIso(s) => parse_day(s.get(..10).unwrap_or(s)).and_then(to_date),
        Data::String(s) => parse_day(s).and_then(to_date),
        _ => None,
    }
}

/// A date written under "Timeline": a day, a month (`Dec 2024`, its last day) or a period.
fn timeline_date(d: &Data) -> Option<Date> {
    if let Some(x) = header_date(d) {
        return Some(x);
    }
    let s = collapse(&cell_text(d));
    if let Ok(p) = Period::parse(&s) {
        return Some(p.end());
    }
    let first = ["%d %b %Y", "%d %B %Y"]
        .iter()
        .find_map(|f| chrono::NaiveDate::parse_from_str(&format!("1 {s}"), f).ok())?;
    let next = first.checked_add_months(chrono::Months::new(1))?;
    to_date(next.pred_opt()?)
}

fn level(d: &Data) -> Result<Option<Maturity>, Expected> {
    let t = collapse(&cell_text(d)).to_lowercase();
    if t.is_empty() {
        return Ok(None);
    }
    let rest = t.strip_prefix("level").map(str::trim_start).unwrap_or(&t);
    let rest = whole(rest);
    let digit = rest.chars().next().filter(|c| ('1'..='4').contains(c));
    let after = rest.chars().nth(1);
    let n = match (digit, after) {
        (Some(c), None) => Some(c),
        (Some(c), Some(a)) if !a.is_ascii_digit() && a != '.' => Some(c),
        _ if t.contains("information sheet") || t.contains("informative") => Some('1'),
        _ if t.contains("downloadable") => Some('2'),
        _ if t.contains("webform") || t.contains("web form") => Some('3'),
        _ if t.contains("100% online") || t.contains("100 % online") || t == "fully online" => {
            Some('4')
        }
        _ => None,
    };
    match n {
        Some(c) => Maturity::parse(&c.to_string()).map(Some),
        None => Err(Expected::new(ExpectedKind::DigitalisationLevel)),
    }
}

fn transactions(d: &Data) -> Result<Option<u64>, Expected> {
    match d {
        Data::Empty => Ok(None),
        Data::Int(i) => u64::try_from(*i)
            .map(Some)
            .map_err(|_| Expected::new(ExpectedKind::Transactions)),
        Data::Float(f) if *f >= 0.0 && f.fract() == 0.0 && *f < 1e15 => Ok(Some(*f as u64)),
        Data::String(s) => {
            let t: String = s
                .trim()
                .chars()
                .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\''))
                .collect();
            if t.is_empty() {
                return Ok(None);
            }
            let groups: Vec<&str> = t.split(',').collect();
            let grouped = groups.len() == 1
                || ((1..=3).contains(&groups[0].len()) && groups[1..].iter().all(|g| g.len() == 3));
            let digits = groups.concat();
            if grouped && !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
                digits
                    .parse()
                    .map(Some)
                    .map_err(|_| Expected::new(ExpectedKind::Transactions))
            } else {
                parse_count(&t)
                    .map(Some)
                    .map_err(|_| Expected::new(ExpectedKind::Transactions))
            }
        }
        _ => Err(Expected::new(ExpectedKind::Transactions)),
    }
}

/// The code of the service the catalogue already has with this name (in English, spaces and
/// case aside) and this responsible ministry.
fn same_service(
    b: &mut Build<'_>,
    sheet: &str,
    r: usize,
    name: &str,
    ministry: &str,
) -> Option<String> {
    if name.is_empty() || ministry.is_empty() {
        return None;
    }
    let owner = b.organisation(ministry, OrgKind::Ministry, sheet, r);
    b.service_names
        .get(&(owner.to_string(), collapse(name).to_lowercase()))
        .map(|c| c.to_string())
}

/// What a cell that should hold a number says, read the way people write numbers.
#[derive(Debug, Clone, PartialEq)]
enum Said {
    /// A plain number.
    Number(f64),
    /// A number read from text such as "approx. 2,000", "15k" or "1,000-2,000" (the middle
    /// of a range): how it was read, for the report.
    ReadAs(f64, String),
    /// "n/a", "unknown", "-": nothing is known.
    NotKnown,
    /// Words that hold no number.
    Words,
}

/// Reads a number as people type it into a workbook.
fn said_number(d: &Data) -> Said {
    match d {
        Data::Int(i) => return Said::Number(*i as f64),
        Data::Float(f) => return Said::Number(*f),
        Data::Empty => return Said::NotKnown,
        _ => {}
    }
    let text = collapse(&d.to_string()).to_lowercase();
    if matches!(
        text.trim_end_matches('.'),
        "" | "n/a" | "na" | "n.a" | "unknown" | "not known" | "-" | "—" | "tbd" | "none" | "?"
    ) {
        return Said::NotKnown;
    }
    // Numbers in the text, with their multiplier ("15k", "2 million").
    let mut numbers: Vec<f64> = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len()
            && (chars[i].is_ascii_digit()
                || (matches!(chars[i], ',' | '.')
                    && chars.get(i + 1).is_some_and(char::is_ascii_digit)))
        {
            i += 1;
        }
        let token: String = chars[start..i].iter().collect();
        // "2,000" groups thousands; "1.3" and "1,5" (one or two decimals) are fractions.
        let value = match token.split_once(',') {
            Some((_, rest)) if rest.split(',').all(|g| g.len() == 3) && !rest.contains('.') => {
                token.replace(',', "").parse::<f64>().ok()
            }
            Some(_) => token.replace(',', ".").parse::<f64>().ok(),
            None => token.parse::<f64>().ok(),
        };
        let Some(mut value) = value else { continue };
        let rest: String = chars[i..].iter().collect::<String>();
        let rest = rest.trim_start();
        for (word, m) in [
            ("million", 1e6),
            ("thousand", 1e3),
            ("mn", 1e6),
            ("m", 1e6),
            ("k", 1e3),
        ] {
            if rest.starts_with(word)
                && !rest[word.len()..].starts_with(|c: char| c.is_alphabetic())
            {
                value *= m;
                break;
            }
        }
        numbers.push(value);
    }
    let range =
        numbers.len() == 2 && (text.contains('-') || text.contains('–') || text.contains(" to "));
    match numbers.as_slice() {
        [] => Said::Words,
        [n] if text.chars().all(|c| c.is_ascii_digit() || c == '.') => Said::Number(*n),
        [n] => Said::ReadAs(*n, agenda_core::numbers::fmt_num("en", *n)),
        [a, b] if range => {
            let mid = (a + b) / 2.0;
            Said::ReadAs(
                mid,
                format!(
                    "{} (the middle of the range)",
                    agenda_core::numbers::fmt_num("en", mid)
                ),
            )
        }
        _ => Said::Words,
    }
}

/// How many a year a figure "per week" or "per month" makes, when the text says which.
fn per_year(text: &str) -> Option<f64> {
    let t = text.to_lowercase();
    if t.contains("week") || t.contains("/wk") {
        Some(52.0)
    } else if t.contains("month") || t.contains("/mo") {
        Some(12.0)
    } else if t.contains("day") || t.contains("daily") {
        Some(365.0)
    } else if t.contains("year") || t.contains("annual") || t.contains("/yr") {
        Some(1.0)
    } else {
        None
    }
}

/// A yes/no cell where "n/a" or "unknown" means not known.
fn maybe_yes_no(s: &str) -> Result<Option<bool>, Expected> {
    match said_number(&Data::String(s.to_owned())) {
        Said::NotKnown => Ok(None),
        _ => yes_no(s).map(Some),
    }
}

fn audience(s: &str) -> Result<Audience, Expected> {
    let t = collapse(s).to_lowercase();
    let t = t.trim_end_matches('.');
    match t {
        "individual" | "individuals" | "citizen" | "citizens" | "person" | "persons" | "people"
        | "g2c" => Ok(Audience::Citizen),
        "business" | "businesses" | "company" | "companies" | "enterprise" | "enterprises"
        | "g2b" => Ok(Audience::Business),
        "other government agency"
        | "other government agencies"
        | "government agency"
        | "government agencies"
        | "government"
        | "agency"
        | "agencies"
        | "g2g"
        | "public administration"
        | "public administrations" => Ok(Audience::Government),
        _ => Err(Expected::new(ExpectedKind::WorkbookAudience)),
    }
}

/// The recipients named in one cell ("Individual, Business", "Individual / Other government
/// agency"), each once, in the order written.
fn audiences(s: &str) -> Result<Vec<Audience>, Expected> {
    let s = s.replace(" and ", ",").replace(" or ", ",");
    let mut out = Vec::new();
    for part in s.split([',', ';', '/', '\n', '+', '&']) {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let a = audience(part)?;
        if !out.contains(&a) {
            out.push(a);
        }
    }
    if out.is_empty() {
        return Err(Expected::new(ExpectedKind::WorkbookAudience));
    }
    Ok(out)
}

fn channel(s: &str) -> Result<Channel, Expected> {
    let t = collapse(s).to_lowercase();
    match t.as_str() {
        "online" | "web" | "website" | "internet" | "portal" => Ok(Channel::Web),
        "in person" | "in-person" | "offline" | "office" | "counter" => Ok(Channel::InPerson),
        "phone" | "telephone" | "call centre" | "call center" | "hotline" => Ok(Channel::Phone),
        "post" | "postal" | "mail" | "by post" => Ok(Channel::Post),
        "e-mail" => Ok(Channel::Email),
        "mobile" | "app" | "mobile app" => Ok(Channel::MobileApp),
        _ => Channel::parse(&t).map_err(|_| Expected::new(ExpectedKind::WorkbookChannels)),
    }
}

fn channels(s: &str) -> Result<Vec<Channel>, Expected> {
    let s = s.replace(" and ", ",").replace(" or ", ",");
    let mut out = Vec::new();
    for part in s.split([',', ';', '/', '\n', '+', '&']) {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let c = channel(part)?;
        if !out.contains(&c) {
            out.push(c);
        }
    }
    Ok(out)
}

fn yes_no(s: &str) -> Result<bool, Expected> {
    let first: String = s
        .trim()
        .chars()
        .take_while(|c| c.is_alphanumeric())
        .collect();
    parse_bool(&first).map_err(|_| Expected::new(ExpectedKind::WorkbookYesNo))
}

/// A translatable text whose English is `en` and other languages those of `old`.
/// `s` in `lang`, with the other languages of `old` kept.
fn text_in(lang: &Lang, old: Option<&Text>, s: &str) -> Text {
    let mut entries: Vec<(Lang, String)> = old
        .map(|t| {
            t.langs()
                .filter(|l| *l != lang)
                .filter_map(|l| t.exact(l).map(|v| (l.clone(), v.to_owned())))
                .collect()
        })
        .unwrap_or_default();
    entries.push((lang.clone(), collapse_keep_lines(s)));
    Text::new(entries).expect("callers pass a non-empty text")
}

fn collapse_keep_lines(s: &str) -> String {
    s.lines()
        .map(collapse)
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_owned()
}

// ---------------------------------------------------------------------------------------------
// Building the records

struct Build<'a> {
    base: &'a Snapshot,
    errors: Vec<ImportError>,
    report: Report,
    out: Snapshot,
    /// (table, key) → (sheet label, spreadsheet row).
    origin: HashMap<(&'static str, String), (String, usize)>,
    /// (sheet label, table) → native column → workbook column.
    columns: HashMap<(String, &'static str), HashMap<String, String>>,
    rows: usize,
    /// An organisation's code and names (collapsed, lower case) → its code.
    org_index: HashMap<String, Code>,
    /// Codes taken, upper case.
    org_codes: HashSet<String>,
    /// A name's [`names::key`] → the organisation.
    org_keys: HashMap<String, Code>,
    /// A name's [`names::words`] → the organisation, for names that differ by the kind of body.
    org_words: Vec<(Vec<String>, Code)>,
    /// Upper-case abbreviations (codes, acronyms written beside a name) → the organisation.
    org_acronyms: HashMap<String, Code>,
    /// Initials of names → the organisation, `None` when two organisations share them.
    org_initials: HashMap<String, Option<Code>>,
    /// A development partner's canonical name → the organisation that is it.
    org_partners: HashMap<&'static str, Code>,
    /// Names as written in this workbook (collapsed, lower case) → the organisation they were
    /// read as, so each reading is reported once.
    org_seen: HashMap<String, Code>,
    /// ISO 4217 code of the platform's currency: the amounts budget lines are in.
    currency: String,
    /// The platform's default language: a workbook is written in it.
    lang: Lang,
    /// (owner, English title collapsed and lower-cased) → the catalogue's service, for rows
    /// without a Service ID: built once, not searched per row.
    service_names: HashMap<(String, String), Code>,
    /// A document's key (see [`document_key`]) → the data item it names.
    doc_keys: HashMap<String, Code>,
    /// A data item's code, names and aliases (collapsed, lower case) → its code.
    data_items: HashMap<String, Code>,
}

impl<'a> Build<'a> {
    fn new(base: &'a Snapshot, currency: &str) -> Self {
        let mut data_items = HashMap::new();
        let mut doc_keys = HashMap::new();
        for d in base.data_items.values() {
            data_items.insert(d.code.as_str().to_lowercase(), d.code.clone());
            let names = d
                .name
                .langs()
                .filter_map(|l| d.name.exact(l))
                .chain(d.aliases.iter().map(String::as_str));
            for n in names {
                data_items
                    .entry(collapse(n).to_lowercase())
                    .or_insert(d.code.clone());
                doc_keys.entry(document_key(n)).or_insert(d.code.clone());
            }
        }
        let mut b = Self {
            base,
            currency: currency.to_owned(),
            lang: base.languages.default_lang().clone(),
            errors: Vec::new(),
            report: Report::default(),
            out: Snapshot::empty(base.sdg.clone()),
            origin: HashMap::new(),
            columns: HashMap::new(),
            rows: 0,
            org_index: HashMap::new(),
            org_codes: HashSet::new(),
            org_keys: HashMap::new(),
            org_words: Vec::new(),
            org_acronyms: HashMap::new(),
            org_initials: HashMap::new(),
            org_partners: HashMap::new(),
            org_seen: HashMap::new(),
            service_names: base.services.values().fold(HashMap::new(), |mut m, v| {
                // The first in code order when two share a name and owner.
                m.entry((
                    v.owner_code.to_string(),
                    collapse(v.title.get("en")).to_lowercase(),
                ))
                .or_insert_with(|| v.code.clone());
                m
            }),
            doc_keys,
            data_items,
        };
        for o in base.organisations.values() {
            b.learn_org(o);
        }
        b
    }

    fn err(&mut self, sheet: &str, r: usize, col: &str, value: &str, expected: impl Into<String>) {
        self.errors.push(ImportError::at(
            sheet,
            r + 1,
            Some(col),
            Some(value),
            expected,
        ));
    }

    fn note(&mut self, sheet: &str, r: Option<usize>, text: impl fmt::Display) {
        match r {
            Some(r) => self
                .report
                .notes
                .push(format!("{sheet}, row {}: {text}", r + 1)),
            None => self.report.notes.push(format!("{sheet}: {text}")),
        }
    }

    fn place(&mut self, sheet: &str, table: &'static str, cols: &[(&str, String)]) {
        let m = self.columns.entry((sheet.to_owned(), table)).or_default();
        for (n, w) in cols {
            m.insert((*n).to_owned(), w.clone());
        }
    }

    /// A workbook's text, in the platform's default language.
    fn text(&self, old: Option<&Text>, s: &str) -> Text {
        text_in(&self.lang, old, s)
    }

    /// The kind of an organisation of the workbook or of the platform.
    fn org_kind(&self, code: &Code) -> Option<OrgKind> {
        self.out
            .organisations
            .get(code.as_str())
            .or_else(|| self.base.organisations.get(code.as_str()))
            .map(|o| o.kind)
    }

    fn put(&mut self, e: Entity, sheet: &str, r: usize) {
        let table = table_of(e.kind());
        self.origin
            .entry((table, e.key()))
            .or_insert_with(|| (sheet.to_owned(), r + 1));
        self.out.upsert(e);
    }

    /// The data item a required document names: the one with that code, name or alias; else
    /// the one it is a variant ("Copy of ID card" of "National ID card") or a misspelling of,
    /// which keeps the written form as an alias (reported, so a person can undo it); else a
    /// new one (reported).
    fn document(&mut self, written: &str, sheet: &str, r: usize) -> Code {
        let written = collapse(written);
        let exact = written.to_lowercase();
        if let Some(c) = self.data_items.get(&exact) {
            return c.clone();
        }
        let key = document_key(&written);
        let found = match self.doc_keys.get(&key) {
            Some(c) => Some((c.clone(), "variant")),
            None => {
                // A misspelling of a name or alias as written, or of the telling words.
                let mut alike = self
                    .data_items
                    .iter()
                    .filter(|(name, _)| spelled_alike(&exact, name))
                    .chain(self.doc_keys.iter().filter(|(k, _)| spelled_alike(&key, k)))
                    .map(|(_, c)| c.clone())
                    .collect::<Vec<_>>();
                alike.sort();
                alike.dedup();
                (alike.len() == 1).then(|| (alike.remove(0), "spelling"))
            }
        };
        let code = match found {
            Some((code, how)) => {
                let item = self
                    .out
                    .data_items
                    .get(code.as_str())
                    .or_else(|| self.base.data_items.get(code.as_str()))
                    .cloned();
                if let Some(mut item) = item {
                    self.report.matched_documents.push(MatchedDocument {
                        written: written.clone(),
                        code: code.to_string(),
                        name: item.name.get("en").to_owned(),
                        how,
                        sheet: sheet.to_owned(),
                        row: r + 1,
                    });
                    item.aliases.push(written.clone());
                    self.put(item.into(), sheet, r);
                }
                code
            }
            None => {
                let words: Vec<String> = document_words(&written);
                let stem = if words.is_empty() {
                    sanitise(&written, 40).to_uppercase()
                } else {
                    words
                        .iter()
                        .take(3)
                        .map(|w| sanitise(w, 20).to_uppercase())
                        .collect::<Vec<_>>()
                        .join("-")
                };
                let mut candidate = format!("DI-{stem}");
                let mut n = 2;
                while self.base.data_items.contains_key(candidate.as_str())
                    || self.out.data_items.contains_key(candidate.as_str())
                    || Code::parse(&candidate).is_err()
                {
                    candidate = format!("DI-{stem}-{n}");
                    n += 1;
                    if n > 999 {
                        candidate = format!("DI-{n}");
                    }
                }
                let code = Code::parse(&candidate).expect("a code of letters, digits and -");
                let item = DataItem {
                    code: code.clone(),
                    name: self.text(None, &written),
                    aliases: Vec::new(),
                };
                self.report.new_data_items.push(NewDataItem {
                    code: code.to_string(),
                    name: written.clone(),
                    sheet: sheet.to_owned(),
                    row: r + 1,
                });
                self.put(item.into(), sheet, r);
                self.doc_keys.insert(key, code.clone());
                code
            }
        };
        self.data_items.insert(exact, code.clone());
        code
    }

    /// Indexes an organisation under its code, names, their keys, initials and acronym, and
    /// the development partner it is, for [`Build::find_org`].
    fn learn_org(&mut self, o: &Organisation) {
        let code = &o.code;
        self.org_codes.insert(code.as_str().to_uppercase());
        self.org_index
            .insert(code.as_str().to_lowercase(), code.clone());
        self.org_acronyms
            .entry(code.as_str().to_uppercase())
            .or_insert_with(|| code.clone());
        if let Some(p) = names::partner_named(code.as_str()) {
            self.org_partners.entry(p).or_insert_with(|| code.clone());
        }
        for l in o.name.langs() {
            let Some(n) = o.name.exact(l) else { continue };
            self.org_index
                .entry(collapse(n).to_lowercase())
                .or_insert(code.clone());
            let w = names::written(n);
            for name in [n, w.name.as_str()] {
                let key = names::key(name);
                if !key.is_empty() {
                    self.org_keys.entry(key).or_insert(code.clone());
                }
                if let Some(p) = names::partner_named(name) {
                    self.org_partners.entry(p).or_insert_with(|| code.clone());
                }
            }
            if let Some(a) = w.acronym {
                self.org_acronyms.entry(a).or_insert_with(|| code.clone());
            }
            self.org_words.push((names::words(&w.name), code.clone()));
            for i in names::initials(&w.name) {
                if i.len() >= 2 {
                    let e = self.org_initials.entry(i).or_insert(Some(code.clone()));
                    if e.as_ref() != Some(code) {
                        *e = None;
                    }
                }
            }
        }
    }

    /// The one organisation whose name's key `key` (see [`names::key`]) is a misspelling of, if
    /// exactly one is: see [`spelled_alike`].
    fn spelled_like(&self, key: &str) -> Option<Code> {
        let mut found: Option<&Code> = None;
        for (name, code) in &self.org_keys {
            if spelled_alike(key, name) {
                match found {
                    Some(c) if c != code => return None,
                    _ => found = Some(code),
                }
            }
        }
        found.cloned()
    }

    /// The organisation the catalogue or this workbook already has that `name` names, and how
    /// it was read (`None` when `name` is one of its names, case aside):
    ///
    /// - `code`: its code ("MoJ" for MOJ);
    /// - `partner`: another name of the same development partner ("EU", "European Union");
    /// - `abbreviation`: the name or acronym written beside the other in parentheses
    ///   ("National Digital Authority (NDA)"), or an acronym alone (`N.D.A.`);
    /// - `variant`: the same words once short forms are written out and "of", "the", "&"
    ///   set aside ("Natl Digital Authority", "Min. of Justice", "Ministry of Interior");
    /// - `initials`: an acronym that is the initials of exactly one organisation's name
    ///   ("MoICT" for the Ministry of ICT), or a name that says another kind of body but
    ///   whose initials are the organisation's code ("National Digital Agency" for the
    ///   National Digital Authority, NDA);
    /// - `spelling`: a misspelling of its name ([`spelled_alike`]).
    fn find_org(&self, name: &str) -> Option<(Code, Option<&'static str>)> {
        let name = collapse(name);
        let lower = name.to_lowercase();
        if let Some(c) = self.org_index.get(&lower) {
            let is_code = c.as_str().eq_ignore_ascii_case(&name);
            let is_name = self
                .org_named(c)
                .iter()
                .any(|n| collapse(n).to_lowercase() == lower);
            let how = (is_code && !is_name).then_some("code");
            return Some((c.clone(), how));
        }
        let w = names::written(&name);
        let partner = names::partner_named(&w.name)
            .or_else(|| w.acronym.as_deref().and_then(names::partner_named));
        if let Some(c) = partner.and_then(|p| self.org_partners.get(p)) {
            return Some((c.clone(), Some("partner")));
        }
        if w.acronym.is_some()
            && let Some(c) = self.org_index.get(&w.name.to_lowercase())
        {
            return Some((c.clone(), Some("abbreviation")));
        }
        let acronym = w.acronym.clone().or_else(|| names::acronym(&w.name));
        if let Some(c) = acronym.as_ref().and_then(|a| self.org_acronyms.get(a)) {
            return Some((c.clone(), Some("abbreviation")));
        }
        let key = names::key(&w.name);
        if let Some(c) = self.org_keys.get(&key) {
            return Some((c.clone(), Some("variant")));
        }
        if w.acronym.is_none()
            && let Some(a) = &acronym
            && let Some(Some(c)) = self.org_initials.get(a)
            && !self.org_codes.contains(a)
        {
            return Some((c.clone(), Some("initials")));
        }
        if let Some(c) = self.spelled_like(&key) {
            return Some((c, Some("spelling")));
        }
        // Another kind of body named, the initials being the organisation's code: one only.
        let words = names::words(&w.name);
        let initials = names::initials(&w.name);
        let mut alike = self
            .org_words
            .iter()
            .filter(|(other, code)| {
                names::same_but_body_word(&words, other)
                    && initials.iter().any(|i| {
                        i.eq_ignore_ascii_case(code.as_str())
                            || self.org_acronyms.get(i) == Some(code)
                    })
            })
            .map(|(_, c)| c.clone())
            .collect::<Vec<_>>();
        alike.sort();
        alike.dedup();
        (alike.len() == 1).then(|| (alike.remove(0), Some("initials")))
    }

    /// The names of an organisation the catalogue or this workbook has, in its languages.
    fn org_named(&self, code: &Code) -> Vec<String> {
        [&self.out, self.base]
            .into_iter()
            .find_map(|s| s.organisations.get(code.as_str()))
            .map(|o| {
                // English first, the name the report gives; then the others in tag order.
                let mut langs: Vec<_> = o.name.langs().collect();
                langs.sort_by_key(|l| l.as_str() != "en");
                langs
                    .into_iter()
                    .filter_map(|l| o.name.exact(l))
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The organisation named `name`: one the catalogue or this workbook already has (see
    /// [`Build::find_org`]; every reading other than its very name is reported, once), or a
    /// new one with a generated code — the acronym written beside the name when there is one.
    fn organisation(&mut self, name: &str, default: OrgKind, sheet: &str, r: usize) -> Code {
        let name = collapse(name);
        let key = name.to_lowercase();
        if let Some(c) = self.org_seen.get(&key) {
            return c.clone();
        }
        let code = match self.find_org(&name) {
            Some((code, how)) => {
                if let Some(how) = how {
                    let matched = self.org_named(&code).into_iter().next().unwrap_or_default();
                    self.report.matched_organisations.push(MatchedOrganisation {
                        written: name.clone(),
                        code: code.to_string(),
                        name: matched,
                        how,
                        sheet: sheet.to_owned(),
                        row: r + 1,
                    });
                }
                code
            }
            None => self.new_organisation(&name, default, sheet, r),
        };
        self.org_seen.insert(key, code.clone());
        code
    }

    fn new_organisation(&mut self, written: &str, default: OrgKind, sheet: &str, r: usize) -> Code {
        let w = names::written(written);
        let stem = w
            .acronym
            .as_deref()
            .map(|a| sanitise(a, 12))
            .filter(|a| a.len() >= 2 && Code::parse(a).is_ok())
            .unwrap_or_else(|| org_code(&w.name));
        let mut code = stem.clone();
        let mut n = 2;
        while self.org_codes.contains(&code.to_uppercase()) {
            code = format!("{stem}-{n}");
            n += 1;
        }
        let code = Code::parse(&code).expect("generated organisation codes are valid");
        let kind = names::org_kind(written, default);
        self.report.new_organisations.push(NewOrganisation {
            code: code.to_string(),
            name: w.name.clone(),
            kind,
            sheet: sheet.to_owned(),
            row: r + 1,
        });
        let org = Organisation {
            code: code.clone(),
            name: self.text(None, &w.name),
            kind,
            parent_code: None,
            website: None,
        };
        self.learn_org(&org);
        if let Some(a) = w.acronym {
            self.org_acronyms.entry(a).or_insert_with(|| code.clone());
        }
        self.put(org.into(), sheet, r);
        code
    }

    /// The organisations a cell names: one, or several ("MoJ + GIZ", "NDA / DIAL") when each
    /// part is itself an organisation ([`names::split_names`]; reported).
    fn organisations(&mut self, cell: &str, default: OrgKind, sheet: &str, r: usize) -> Vec<Code> {
        let cell = collapse(cell);
        let parts = names::split_names(&cell, |p| {
            self.org_seen.contains_key(&collapse(p).to_lowercase()) || self.find_org(p).is_some()
        });
        let Some(parts) = parts else {
            return vec![self.organisation(&cell, default, sheet, r)];
        };
        let mut codes: Vec<Code> = Vec::new();
        for p in &parts {
            let c = self.organisation(p, default, sheet, r);
            if !codes.contains(&c) {
                codes.push(c);
            }
        }
        self.report.shared_cells.push(SharedCell {
            written: cell,
            codes: codes.iter().map(ToString::to_string).collect(),
            sheet: sheet.to_owned(),
            row: r + 1,
        });
        codes
    }

    fn not_mapped(&mut self, sheet: &str, g: &Grid, h: &Header, rows: &[usize]) {
        let mut cols = h.unmapped.clone();
        // Cells filled under no header at all are reported too.
        let known: HashSet<usize> = h
            .fields
            .values()
            .copied()
            .chain(h.weeks.iter().map(|(c, _)| *c))
            .chain(h.repeats.iter().copied())
            .chain(cols.iter().map(|(c, _)| *c))
            .collect();
        for c in 0..g.width {
            if !known.contains(&c) && rows.iter().any(|&r| !is_blank(g.get(r, c))) {
                cols.push((c, format!("{} (no header)", letter(c))));
            }
        }
        cols.sort();
        for (c, label) in cols {
            let non_empty = rows.iter().filter(|&&r| !is_blank(g.get(r, c))).count();
            self.report.not_mapped.push(NotMapped {
                sheet: sheet.to_owned(),
                column: label,
                non_empty,
            });
        }
    }

    fn finish(self) -> GovStackImport {
        let mut tables = Vec::new();
        let mut places = HashMap::new();
        for t in write_tables(&self.out) {
            let mut by_sheet: Vec<(String, Vec<RawRow>)> = Vec::new();
            for cells in &t.rows {
                let cells: Vec<String> = cells
                    .iter()
                    .map(|c| match c {
                        Cell::Text(s) => s.clone(),
                        Cell::Number(n) => format!("{n}"),
                        Cell::Empty => String::new(),
                    })
                    .collect();
                let key = cells.first().cloned().unwrap_or_default();
                let (sheet, row) = self.origin.get(&(t.name, key)).cloned().unwrap_or_default();
                match by_sheet.iter_mut().find(|(s, _)| *s == sheet) {
                    Some((_, rows)) => rows.push(RawRow { row, cells }),
                    None => by_sheet.push((sheet, vec![RawRow { row, cells }])),
                }
            }
            for (sheet, rows) in by_sheet {
                let label = format!("{sheet} [{}]", t.name);
                let cols = self
                    .columns
                    .get(&(sheet.clone(), t.name))
                    .cloned()
                    .unwrap_or_default();
                places.insert(label.clone(), (sheet, cols));
                tables.push(RawTable {
                    label,
                    name: t.name.to_owned(),
                    headers: t.headers.clone(),
                    rows,
                    decimal_comma: false,
                });
            }
        }
        GovStackImport {
            report: self.report,
            tables,
            errors: self.errors,
            rows: self.rows,
            places,
        }
    }
}

/// Words that do not tell one document from another: "Copy of ID card", "National ID" and
/// "ID card" are one document.
const DOCUMENT_NOISE: &[&str] = &[
    "a",
    "an",
    "the",
    "of",
    "for",
    "your",
    "copy",
    "copies",
    "original",
    "certified",
    "scanned",
    "valid",
    "card",
    "document",
    "documents",
    "proof",
    "certificate",
    "national",
    "official",
    "government",
    "personal",
];

/// The words of a document's name that tell it apart, lower case, in order ("identity" and
/// "identification" read as "id").
fn document_words(name: &str) -> Vec<String> {
    name.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| match w {
            "identity" | "identification" => "id".to_owned(),
            w => w.to_owned(),
        })
        // A misspelt "natonal" or "certficate" is as little telling as the word itself.
        .filter(|w| {
            !DOCUMENT_NOISE
                .iter()
                .any(|n| *n == w.as_str() || spelled_alike(w, n))
        })
        .collect()
}

/// The key under which spellings of one document meet: its telling words, sorted (the whole
/// name when it has none).
fn document_key(name: &str) -> String {
    let mut words = document_words(name);
    if words.is_empty() {
        return collapse(name).to_lowercase();
    }
    words.sort();
    words.dedup();
    words.join(" ")
}

const STOP_WORDS: &[&str] = &[
    "of", "the", "and", "for", "de", "des", "du", "la", "le", "el", "y", "et", "del", "los", "las",
];

/// Whether two names (collapsed, lower case) are the same words but for typos: as many words,
/// and each word either equal or, when both are at least [`TYPO_MIN_WORD`] letters long and
/// begin alike, one letter added, dropped, changed or swapped with its neighbour away. Short
/// words and first letters must match, so "Ministry of Wealth" is not "Ministry of Health"
/// while "Ministory of Helth" is.
fn spelled_alike(a: &str, b: &str) -> bool {
    let (wa, wb): (Vec<&str>, Vec<&str>) = (a.split(' ').collect(), b.split(' ').collect());
    if wa.len() != wb.len() || a == b {
        return false;
    }
    wa.iter().zip(&wb).all(|(x, y)| {
        x == y
            || (x.chars().count().min(y.chars().count()) >= TYPO_MIN_WORD
                && x.chars().next() == y.chars().next()
                && strsim::osa_distance(x, y) <= 1)
    })
}

/// The shortest word in which a typo is forgiven.
const TYPO_MIN_WORD: usize = 5;

/// A code for a new organisation: the name itself when it is already an acronym (`DIAL`), else
/// the initials of its words (`Ministry of Civil Transportation` → `MCT`).
fn org_code(name: &str) -> String {
    let name = name.trim();
    if name.len() <= 12 && Code::parse(name).is_ok() && !name.contains(' ') {
        return name.to_uppercase();
    }
    let initials: String = name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !STOP_WORDS.contains(&w.to_lowercase().as_str()))
        .filter_map(|w| w.chars().next())
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .take(10)
        .collect();
    if initials.len() >= 2 {
        initials
    } else {
        let s = sanitise(&name.to_uppercase(), 10);
        if s.is_empty() { "ORG".to_owned() } else { s }
    }
}

// ---------------------------------------------------------------------------------------------
// RFI-2: the service catalogue

fn rfi2(b: &mut Build<'_>, sheet: &str, g: &Grid) {
    let h = match find_header(g, RFI2, sheet, Layout::Rfi2.describe()) {
        Ok(h) => h,
        Err(e) => {
            b.errors.push(e);
            return;
        }
    };
    missing_columns(&h, RFI2, sheet, &mut b.errors);
    let label = |f: F| h.label(f);
    let code_col = if h.col(F::ServiceId).is_some() {
        label(F::ServiceId)
    } else {
        label(F::SNo)
    };
    b.place(
        sheet,
        "services",
        &[
            ("code", code_col),
            ("title_en", label(F::Name)),
            ("owner_code", label(F::Ministry)),
            ("annual_transactions", label(F::Transactions)),
            ("summary_en", label(F::Description)),
            ("audience", label(F::Recipient)),
            ("evidence", label(F::Documents)),
            ("channels", label(F::Channels)),
            ("maturity", label(F::Level)),
            ("cross_border", label(F::CrossBorder)),
        ],
    );
    b.place(
        sheet,
        "organisations",
        &[
            ("code", label(F::Ministry)),
            ("name_en", label(F::Ministry)),
            ("kind", label(F::Ministry)),
        ],
    );

    let mut started = false;
    let mut service_rows = Vec::new();
    let mut codes: HashMap<String, usize> = HashMap::new();
    for r in h.last + 1..g.height() {
        if g.row_empty(r) {
            continue;
        }
        let sno = whole(&g.col_text(r, h.col(F::SNo)));
        let id = g.col_text(r, h.col(F::ServiceId));
        let name = g.col_text(r, h.col(F::Name));
        if id.is_empty() && name.is_empty() {
            // Option rows come before the first service; numbered empty rows after it.
            let others = (0..g.width).any(|c| Some(c) != h.col(F::SNo) && !is_blank(g.get(r, c)));
            if started && others {
                b.err(
                    sheet,
                    r,
                    &label(F::Name),
                    "",
                    "a service name (other cells of this row are filled)",
                );
            }
            continue;
        }
        started = true;
        service_rows.push(r);
        b.rows += 1;
        service(b, sheet, g, &h, r, &sno, &id, &name, &mut codes);
    }
    b.not_mapped(sheet, g, &h, &service_rows);
    b.report.sheets.push(format!(
        "{sheet}: read as the {} — {} service{}",
        Layout::Rfi2.describe(),
        service_rows.len(),
        if service_rows.len() == 1 { "" } else { "s" }
    ));
}

#[expect(
    clippy::too_many_arguments,
    reason = "one row's identity cells, read once by the caller"
)]
fn service(
    b: &mut Build<'_>,
    sheet: &str,
    g: &Grid,
    h: &Header,
    r: usize,
    sno: &str,
    id: &str,
    name: &str,
    codes: &mut HashMap<String, usize>,
) {
    let mut ok = true;
    let cell = |f: F| h.col(f).map_or(&EMPTY, |c| g.get(r, c));
    let txt = |f: F| g.col_text(r, h.col(f));

    // Code: the Service ID (made a valid code), or SVC-<S.no>.
    let code = if !sanitise(id, 64).is_empty() {
        let c = sanitise(id, 64);
        if c != id {
            b.note(
                sheet,
                Some(r),
                format!("Service ID {id:?} is used as the code {c}"),
            );
        }
        Some(c)
    } else if let Some(c) = same_service(b, sheet, r, name, &txt(F::Ministry)) {
        // No Service ID: the service the catalogue has with this name and ministry keeps its
        // code, so a corrected workbook updates it wherever its row has moved.
        Some(c)
    } else if !sanitise(sno, 60).is_empty() {
        Some(format!("SVC-{}", sanitise(sno, 60)))
    } else {
        b.err(
            sheet,
            r,
            &h.label(if h.col(F::ServiceId).is_some() {
                F::ServiceId
            } else {
                F::SNo
            }),
            id,
            "a Service ID, or an S.no to make the code SVC-<S.no> from",
        );
        None
    };
    let code = code.and_then(|c| Code::parse(&c).ok());
    if let Some(c) = &code {
        if let Some(first) = codes.get(c.as_str()) {
            b.err(
                sheet,
                r,
                &h.label(F::ServiceId),
                id,
                format!("a service code not used before (already on row {first})"),
            );
            ok = false;
        } else {
            codes.insert(c.to_string(), r + 1);
        }
    } else {
        ok = false;
    }

    if name.is_empty() && h.col(F::Name).is_some() {
        b.err(sheet, r, &h.label(F::Name), "", "the service's name");
        ok = false;
    }

    let ministry = txt(F::Ministry);
    let owner = if ministry.is_empty() {
        if h.col(F::Ministry).is_some() {
            b.err(
                sheet,
                r,
                &h.label(F::Ministry),
                "",
                "the responsible ministry or organisation",
            );
        }
        ok = false;
        None
    } else {
        Some(ministry)
    };

    let tx = match transactions(cell(F::Transactions)) {
        Ok(v) => v,
        Err(e) => match said_number(cell(F::Transactions)) {
            Said::ReadAs(n, how) if n >= 0.0 => {
                b.note(
                    sheet,
                    Some(r),
                    format!("transactions {:?} read as {how}", txt(F::Transactions)),
                );
                Some(n.round() as u64)
            }
            Said::NotKnown => {
                b.note(
                    sheet,
                    Some(r),
                    format!("transactions {:?}: not known", txt(F::Transactions)),
                );
                None
            }
            _ => {
                b.err(
                    sheet,
                    r,
                    &h.label(F::Transactions),
                    &txt(F::Transactions),
                    e.phrase(),
                );
                ok = false;
                None
            }
        },
    };

    // Customers and requests are kept as written; when the transactions are not given, they
    // estimate them (requests first: they are transactions, counted per week or month).
    let customers = txt(F::Customers);
    let requests = txt(F::Requests);
    let mut estimate: Option<(u64, String)> = None;
    if tx.is_none() {
        for (what, text, cellf, default_period) in [
            ("requests", &requests, F::Requests, None),
            ("customers", &customers, F::Customers, Some(1.0)),
        ] {
            if text.is_empty() || estimate.is_some() {
                continue;
            }
            let n = match said_number(cell(cellf)) {
                Said::Number(n) | Said::ReadAs(n, _) if n >= 0.0 => n,
                _ => continue,
            };
            // The template asks for requests "per week or per month": a bare number does
            // not say which, so it estimates nothing.
            let Some(k) = per_year(text).or(default_period) else {
                b.note(
                    sheet,
                    Some(r),
                    format!("{what} {text:?} do not say per week or per month: no estimate of the transactions made"),
                );
                continue;
            };
            let year = (n * k).round() as u64;
            estimate = Some((
                year,
                format!(
                    "transactions estimated at {} a year from the {what} {text:?}",
                    agenda_core::numbers::fmt_num("en", year as f64)
                ),
            ));
        }
    }
    if let Some((_, how)) = &estimate {
        b.note(sheet, Some(r), how);
    }

    let iter_text = txt(F::Iterations);
    let iterations = match said_number(cell(F::Iterations)) {
        Said::Number(n) if n >= 0.0 && n.fract() == 0.0 => Some(n as u64),
        Said::ReadAs(n, how) if n >= 0.0 => {
            b.note(
                sheet,
                Some(r),
                format!("iterations {iter_text:?} read as {how}"),
            );
            Some(n.round() as u64)
        }
        Said::NotKnown => None,
        _ => {
            b.note(
                sheet,
                Some(r),
                format!("iterations {iter_text:?} is not a number: not kept"),
            );
            None
        }
    };

    let mut flags = [None; 3];
    for (slot, f) in flags
        .iter_mut()
        .zip([F::Partnership, F::Fdi, F::Harmonisation])
    {
        let v = txt(f);
        if v.is_empty() {
            continue;
        }
        match maybe_yes_no(&v) {
            Ok(x) => *slot = x,
            Err(e) => {
                b.err(sheet, r, &h.label(f), &v, e.phrase());
                ok = false;
            }
        }
    }

    let recipient = txt(F::Recipient);
    let aud = if recipient.is_empty() {
        if h.col(F::Recipient).is_some() {
            b.err(
                sheet,
                r,
                &h.label(F::Recipient),
                "",
                "who the service is for: Individual, Business or Other government agency",
            );
        }
        ok = false;
        None
    } else {
        match audiences(&recipient) {
            Ok(a) => Some(a),
            Err(e) => {
                b.err(sheet, r, &h.label(F::Recipient), &recipient, e.phrase());
                ok = false;
                None
            }
        }
    };

    let chan_text = txt(F::Channels);
    let chans = match channels(&chan_text) {
        Ok(c) => c,
        Err(e) => {
            b.err(sheet, r, &h.label(F::Channels), &chan_text, e.phrase());
            ok = false;
            Vec::new()
        }
    };

    let mat = match level(cell(F::Level)) {
        Ok(Some(m)) => Some(m),
        Ok(None) if chans.contains(&Channel::Web) => {
            b.err(
                sheet,
                r,
                &h.label(F::Level),
                "",
                format!(
                    "{} (the service is online)",
                    ExpectedKind::DigitalisationLevel
                ),
            );
            ok = false;
            None
        }
        Ok(None) => {
            if h.col(F::Level).is_some() {
                b.note(
                    sheet,
                    Some(r),
                    "no digitalisation level and the service is not online: read as level 1 \
                     (information sheet)",
                );
            }
            Maturity::parse("1").ok()
        }
        Err(e) => {
            b.err(sheet, r, &h.label(F::Level), &txt(F::Level), e.phrase());
            ok = false;
            None
        }
    };

    // The online link: `https://` only, so that no page sends a person to a plain `http` or
    // a `javascript:` address; a bare `www.…` host gets `https://` (noted).
    let link_text = txt(F::Link);
    let online_link = if link_text.is_empty() {
        None
    } else {
        let bare = !link_text.contains("://")
            && !link_text.contains(char::is_whitespace)
            && link_text.contains('.');
        let candidate = if bare {
            format!("https://{link_text}")
        } else {
            link_text.clone()
        };
        match agenda_core::parse_link(&candidate) {
            Ok(l) => {
                if bare {
                    b.note(sheet, Some(r), format!("link {link_text:?} read as {l}"));
                }
                Some(l)
            }
            Err(e) => {
                b.err(sheet, r, &h.label(F::Link), &link_text, e.phrase());
                ok = false;
                None
            }
        }
    };

    let cb_text = txt(F::CrossBorder);
    let cross = if cb_text.is_empty() {
        None
    } else {
        match yes_no(&cb_text) {
            Ok(v) => Some(v),
            Err(e) => {
                b.err(sheet, r, &h.label(F::CrossBorder), &cb_text, e.phrase());
                ok = false;
                None
            }
        }
    };

    let (Some(code), Some(owner), Some(aud), Some(mat), true) = (code, owner, aud, mat, ok) else {
        return;
    };
    // Required documents: each linked to its data item, found, merged or created.
    let mut evidence: Vec<Code> = Vec::new();
    for d in txt(F::Documents).split([',', ';', '\n']).map(str::trim) {
        if d.is_empty() {
            continue;
        }
        let c = b.document(d, sheet, r);
        if !evidence.contains(&c) {
            evidence.push(c);
        }
    }
    let owner = b.organisation(&owner, OrgKind::Ministry, sheet, r);
    // The agencies involved, matched or created like the ministries; the owner (which the
    // template's example lists too) is not its own contributor. Names may hold "&".
    let mut contributors: Vec<Code> = Vec::new();
    for name in txt(F::Agencies).split([',', ';', '\n']).map(str::trim) {
        if name.is_empty() {
            continue;
        }
        let c = b.organisation(name, OrgKind::Agency, sheet, r);
        if c != owner && !contributors.contains(&c) {
            contributors.push(c);
        }
    }
    let old = b.base.services.get(code.as_str()).cloned();
    let old = old.as_ref();
    // A text column: the cell's text, in the default language (keeping the other languages the catalogue
    // has), or what the catalogue has when the cell is empty.
    let lang = b.lang.clone();
    let opt_text = |f: F, was: Option<&Text>| -> Option<Text> {
        let v = txt(f);
        if v.is_empty() {
            was.cloned()
        } else {
            Some(text_in(&lang, was, &v))
        }
    };
    let opt_free = |f: F, was: Option<&String>| -> Option<String> {
        let v = txt(f);
        if v.is_empty() { was.cloned() } else { Some(v) }
    };
    let description = txt(F::Description);
    let fetched: Vec<Code> = old.map(|o| o.evidence_fetched.clone()).unwrap_or_default();
    let evidence = if evidence.is_empty() {
        old.map(|o| o.evidence.clone()).unwrap_or_default()
    } else {
        evidence.retain(|e| !fetched.contains(e));
        evidence
    };
    let s = Service {
        code,
        title: b.text(old.map(|o| &o.title), name),
        summary: if description.is_empty() {
            old.and_then(|o| o.summary.clone())
        } else {
            Some(b.text(old.and_then(|o| o.summary.as_ref()), &description))
        },
        audience: aud,
        life_event: old.map(|o| o.life_event.clone()).unwrap_or_default(),
        owner_code: owner,
        maturity: mat,
        channels: if chans.is_empty() {
            old.map(|o| o.channels.clone()).unwrap_or_default()
        } else {
            chans
        },
        annual_transactions: tx
            .or(estimate.as_ref().map(|(n, _)| *n))
            .or(old.and_then(|o| o.annual_transactions)),
        digital_share_pct: old.and_then(|o| o.digital_share_pct),
        satisfaction_pct: old.and_then(|o| o.satisfaction_pct),
        completion_rate_pct: old.and_then(|o| o.completion_rate_pct),
        cost_per_transaction: old.and_then(|o| o.cost_per_transaction),
        evidence,
        evidence_fetched: fetched,
        building_blocks: old.map(|o| o.building_blocks.clone()).unwrap_or_default(),
        cross_border: cross.unwrap_or(old.is_some_and(|o| o.cross_border)),
        last_reviewed: old.and_then(|o| o.last_reviewed),
        // The RFI-2 workbook has no sheet fields: keep what the catalogue already says.
        fee: old.and_then(|o| o.fee),
        processing_days: old.and_then(|o| o.processing_days),
        steps: old.and_then(|o| o.steps.clone()),
        outcome: old.and_then(|o| o.outcome.clone()),
        online_link: online_link.or_else(|| old.and_then(|o| o.online_link.clone())),
        contact_points: old.map(|o| o.contact_points.clone()).unwrap_or_default(),
        transactions_estimated: match (tx, &estimate) {
            (Some(_), _) => false,
            (None, Some(_)) => true,
            (None, None) => old.is_some_and(|o| o.transactions_estimated),
        },
        customers_per_year: opt_free(
            F::Customers,
            old.and_then(|o| o.customers_per_year.as_ref()),
        ),
        request_volume: opt_free(F::Requests, old.and_then(|o| o.request_volume.as_ref())),
        iterations: iterations.or(old.and_then(|o| o.iterations)),
        prerequisites: opt_text(F::Prerequisites, old.and_then(|o| o.prerequisites.as_ref())),
        eligibility: opt_text(F::Eligibility, old.and_then(|o| o.eligibility.as_ref())),
        contributing_orgs: if contributors.is_empty() {
            old.map(|o| o.contributing_orgs.clone()).unwrap_or_default()
        } else {
            contributors
        },
        in_operation: opt_free(F::Operation, old.and_then(|o| o.in_operation.as_ref())),
        public_private_partnership: flags[0].or(old.and_then(|o| o.public_private_partnership)),
        fdi_potential: flags[1].or(old.and_then(|o| o.fdi_potential)),
        regional_harmonisation: flags[2].or(old.and_then(|o| o.regional_harmonisation)),
        key_metrics: opt_text(F::KeyMetrics, old.and_then(|o| o.key_metrics.as_ref())),
        satisfaction_metrics: opt_text(
            F::Satisfaction,
            old.and_then(|o| o.satisfaction_metrics.as_ref()),
        ),
        languages: opt_free(F::Languages, old.and_then(|o| o.languages.as_ref())),
        challenges: opt_text(F::Challenges, old.and_then(|o| o.challenges.as_ref())),
    };
    b.put(s.into(), sheet, r);
}

// ---------------------------------------------------------------------------------------------
// High Level Roadmap

struct Activity {
    row: usize,
    id: String,
    title: String,
    indicator: String,
    stage: String,
    /// The lead first, then the organisations named beside it.
    leads: Vec<Code>,
    start: Date,
    due: Date,
    resources: Option<Resources>,
    /// Notes written in its week cells: the day each names, what it says.
    notes: Vec<(Date, String)>,
}

/// The first line of a progress report made from a roadmap's week notes: a later import
/// rewrites such a draft, and no other report.
const NOTES_REPORT: &str = "Notes written in the High Level Roadmap's week cells:";

fn is_activity_id(s: &str) -> bool {
    !s.is_empty()
        && s.split('.')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}

fn ranges(rows: &[usize]) -> String {
    match (rows.first(), rows.last()) {
        (Some(a), Some(z)) if a == z => format!("row {}", a + 1),
        (Some(a), Some(z)) => format!("rows {}–{}", a + 1, z + 1),
        _ => String::new(),
    }
}

fn roadmap(b: &mut Build<'_>, sheet: &str, g: &Grid) {
    let h = match find_header(g, ROADMAP, sheet, Layout::Roadmap.describe()) {
        Ok(h) => h,
        Err(e) => {
            b.errors.push(e);
            return;
        }
    };
    missing_columns(&h, ROADMAP, sheet, &mut b.errors);
    let timeline = match (h.weeks.first(), h.weeks.last()) {
        (Some((a, _)), Some((z, _))) => format!("{}–{} (timeline weeks)", letter(*a), letter(*z)),
        _ => h.label(F::Timeline),
    };
    b.place(
        sheet,
        "milestones",
        &[
            ("code", h.label(F::ActivityId)),
            ("action_line", h.label(F::Indicator)),
            ("title_en", h.label(F::Activity)),
            ("due", timeline.clone()),
        ],
    );
    b.place(
        sheet,
        "action_lines",
        &[
            ("code", h.label(F::Indicator)),
            ("title_en", h.label(F::Indicator)),
            ("description_en", h.label(F::Stage)),
            ("lead_org", h.label(F::Lead)),
            ("contributing_orgs", h.label(F::Lead)),
            ("start", timeline.clone()),
            ("end", timeline.clone()),
        ],
    );
    b.place(
        sheet,
        "progress_reports",
        &[
            ("action_line", h.label(F::Indicator)),
            ("period", timeline.clone()),
            ("submitted_by_org", h.label(F::Lead)),
            ("narrative_en", timeline.clone()),
        ],
    );
    b.place(
        sheet,
        "budgets",
        &[
            ("action_line", h.label(F::Indicator)),
            ("year", timeline.clone()),
            ("partner", h.label(F::Resources)),
            ("planned", h.label(F::Resources)),
            ("note", h.label(F::Resources)),
        ],
    );
    b.place(
        sheet,
        "organisations",
        &[
            ("code", h.label(F::Lead)),
            ("name_en", h.label(F::Lead)),
            ("kind", h.label(F::Lead)),
        ],
    );
    b.place(sheet, "pillars", &[("code", h.label(F::Indicator))]);
    if h.weeks.is_empty() {
        b.note(
            sheet,
            None,
            "no timeline column has a date in its header; activities are dated by their Timeline \
             cell only",
        );
    }

    let mut data_rows = Vec::new();
    let mut placeholders = Vec::new();
    let mut undated: Vec<(usize, String)> = Vec::new();
    let mut activities: Vec<Activity> = Vec::new();
    let mut ids: HashMap<String, usize> = HashMap::new();
    for r in h.last + 1..g.height() {
        if g.row_empty(r) {
            continue;
        }
        data_rows.push(r);
        b.rows += 1;
        let raw_id = g.col_text(r, h.col(F::ActivityId));
        let id = raw_id.trim_end_matches('.').trim().to_owned();
        let title = g.col_text(r, h.col(F::Activity));
        if !is_activity_id(&id) {
            let what = if raw_id.is_empty() {
                "no activity id".to_owned()
            } else {
                format!("{raw_id:?} is not an activity id such as 1.1.1")
            };
            let shown = if title.is_empty() {
                String::new()
            } else {
                format!(" (activity {:?})", short(&title))
            };
            b.note(sheet, Some(r), format!("{what}{shown}; not imported"));
            continue;
        }
        let lead = g.col_text(r, h.col(F::Lead));
        let mut marked: Vec<Date> = Vec::new();
        let mut notes: Vec<(Date, String)> = Vec::new();
        for (c, week) in &h.weeks {
            match marks::week_cell(g.get(r, *c), g.filled(r, *c), *week) {
                marks::Week::Empty => {}
                marks::Week::Marked => marked.push(*week),
                marks::Week::Note { on, text } => {
                    marked.push(*week);
                    notes.push((on, text));
                }
            }
        }
        let tl = h.col(F::Timeline).map_or(&EMPTY, |c| g.get(r, c));
        if title.is_empty() && lead.is_empty() && marked.is_empty() && is_blank(tl) {
            placeholders.push((r, id));
            continue;
        }
        if title.is_empty() {
            b.err(
                sheet,
                r,
                &h.label(F::Activity),
                "",
                "the activity (the row has a lead organisation, a timeline or marked weeks)",
            );
            continue;
        }
        let dates = match (marked.iter().min(), marked.iter().max()) {
            (Some(a), Some(z)) => Some((*a, *z)),
            _ => timeline_date(tl).map(|d| (d, d)),
        };
        let Some((start, due)) = dates else {
            undated.push((r, id));
            continue;
        };
        let indicator = collapse(&g.col_text(r, h.col(F::Indicator)));
        if indicator.is_empty() || sanitise(&indicator, 60).is_empty() {
            b.err(
                sheet,
                r,
                &h.label(F::Indicator),
                &indicator,
                "the indicator the activity serves, such as OI 1.1",
            );
            continue;
        }
        if let Some(first) = ids.get(&id) {
            b.err(
                sheet,
                r,
                &h.label(F::ActivityId),
                &raw_id,
                format!("an activity id not used before (already on row {first})"),
            );
            continue;
        }
        ids.insert(id.clone(), r + 1);
        // A lead no one has named yet is most likely a public body: development partners and
        // ministries are recognised by their names.
        let leads = if lead.is_empty() {
            Vec::new()
        } else {
            b.organisations(&lead, OrgKind::Agency, sheet, r)
        };
        let res = whole(&g.col_text(r, h.col(F::Resources)));
        activities.push(Activity {
            row: r,
            id,
            title,
            indicator,
            stage: collapse(&g.col_text(r, h.col(F::Stage))),
            leads,
            start,
            due,
            resources: (!res.is_empty()).then(|| resources(&res)),
            notes,
        });
    }
    if !placeholders.is_empty() {
        let rows: Vec<usize> = placeholders.iter().map(|(r, _)| *r).collect();
        let ids: Vec<&str> = placeholders.iter().map(|(_, i)| i.as_str()).collect();
        b.note(
            sheet,
            None,
            format!(
                "{} (activity ids {}) name no activity, lead organisation or week: not imported",
                ranges(&rows),
                ids.join(", ")
            ),
        );
    }
    if !undated.is_empty() {
        let rows: Vec<usize> = undated.iter().map(|(r, _)| *r).collect();
        let ids: Vec<&str> = undated.iter().map(|(_, i)| i.as_str()).collect();
        b.note(
            sheet,
            None,
            format!(
                "{} (activities {}) have no week marked in the timeline and no date under \
                 Timeline: not imported, as a milestone needs a due date",
                ranges(&rows),
                ids.join(", ")
            ),
        );
    }

    // One action line per indicator, in the order they appear.
    let mut order: Vec<String> = Vec::new();
    for a in &activities {
        if !order.contains(&a.indicator) {
            order.push(a.indicator.clone());
        }
    }
    let mut lines = 0;
    for ind in &order {
        let acts: Vec<&Activity> = activities.iter().filter(|a| &a.indicator == ind).collect();
        let first_row = acts.first().map_or(0, |a| a.row);
        let Ok(code) = Code::parse(&format!("{ROADMAP_PILLAR}-{}", sanitise(ind, 60))) else {
            continue;
        };
        let leads: Vec<Code> = acts
            .iter()
            .filter_map(|a| a.leads.first().cloned())
            .collect();
        let Some(lead) = leads.first().cloned() else {
            b.err(
                sheet,
                first_row,
                &h.label(F::Lead),
                "",
                format!("a lead organisation for at least one activity of {ind} (the lead of its action line)"),
            );
            continue;
        };
        let old = b.base.action_lines.get(code.as_str()).cloned();
        let old = old.as_ref();
        let mut contributing: Vec<Code> =
            old.map(|o| o.contributing_orgs.clone()).unwrap_or_default();
        // The other activities' leads, and the organisations named beside any lead.
        for l in acts.iter().flat_map(|a| &a.leads) {
            if *l != lead && !contributing.contains(l) {
                contributing.push(l.clone());
            }
        }
        contributing.retain(|c| *c != lead);
        let stage = acts
            .iter()
            .map(|a| a.stage.as_str())
            .find(|s| !s.is_empty());
        let mut described: Vec<String> = Vec::new();
        if let Some(s) = stage {
            described.push(format!("GovStack country engagement framework stage: {s}"));
        }
        // Amounts become budget lines; what names no amount in the platform's currency (in
        // kind, to be decided, another currency) is kept as written, where a reader of the
        // action line sees it.
        let unbudgeted = budget_lines(b, sheet, &code, &acts);
        if !unbudgeted.is_empty() {
            described.push(format!(
                "Required resources, as written in the roadmap:\n{}",
                unbudgeted.join("\n")
            ));
        }
        let description = if described.is_empty() {
            old.and_then(|o| o.description.clone())
        } else {
            Some(b.text(
                old.and_then(|o| o.description.as_ref()),
                &described.join("\n"),
            ))
        };
        let (Some(start), Some(end)) = (
            acts.iter().map(|a| a.start).min(),
            acts.iter().map(|a| a.due).max(),
        ) else {
            continue;
        };
        let Ok(default_priority) = Priority::parse("2") else {
            continue;
        };
        let al = ActionLine {
            code: code.clone(),
            pillar_code: old
                .map(|o| o.pillar_code.clone())
                .unwrap_or_else(|| Code::parse(ROADMAP_PILLAR).unwrap_or_else(|_| code.clone())),
            title: b.text(old.map(|o| &o.title), ind),
            description,
            lead_org: lead.clone(),
            contributing_orgs: contributing,
            start,
            end,
            priority: old.map_or(default_priority, |o| o.priority),
            status: old.map_or(ActionLineStatus::NotStarted, |o| o.status),
            sdg_targets: old.map(|o| o.sdg_targets.clone()).unwrap_or_default(),
            needs_legal_instrument: old.is_some_and(|o| o.needs_legal_instrument),
        };
        b.put(al.into(), sheet, first_row);
        lines += 1;
        for a in &acts {
            let Ok(mcode) = Code::parse(&format!("{ROADMAP_PILLAR}-{}", a.id)) else {
                b.err(
                    sheet,
                    a.row,
                    &h.label(F::ActivityId),
                    &a.id,
                    "an activity id of at most 60 characters",
                );
                continue;
            };
            let old = b.base.milestones.get(mcode.as_str()).cloned();
            let old = old.as_ref();
            let m = Milestone {
                code: mcode,
                action_line: code.clone(),
                title: b.text(old.map(|o| &o.title), &a.title),
                due: a.due,
                completed_on: old.and_then(|o| o.completed_on),
                status: old.map_or(MilestoneStatus::Planned, |o| o.status),
            };
            b.put(m.into(), sheet, a.row);
        }
        progress_notes(b, sheet, &code, &lead, &acts);
    }
    if lines > 0
        && !b.base.pillars.contains_key(ROADMAP_PILLAR)
        && let Ok(code) = Code::parse(ROADMAP_PILLAR)
    {
        let p = Pillar {
            code,
            title: b.text(None, "High Level Roadmap"),
            description: Some(b.text(
                None,
                "Activities of the GovStack country engagement roadmap (High Level Road Map \
                 workbook).",
            )),
        };
        let first = activities.first().map_or(h.last + 1, |a| a.row);
        b.put(p.into(), sheet, first);
    }
    b.not_mapped(sheet, g, &h, &data_rows);
    let milestones = activities.len();
    b.report.sheets.push(format!(
        "{sheet}: read as the {} — {milestones} dated activit{} (milestones) under {lines} \
         indicator{} (action lines), {} week column{}",
        Layout::Roadmap.describe(),
        if milestones == 1 { "y" } else { "ies" },
        if lines == 1 { "" } else { "s" },
        h.weeks.len(),
        if h.weeks.len() == 1 { "" } else { "s" },
    ));
}

/// Keeps the notes written in an action line's week cells as its progress reports, one a
/// quarter (the reporting cycle's period), in draft for its lead to complete and submit. A
/// report the import did not write, or one submitted since, is left alone: its notes stay
/// in the import's report only.
/// Whether a resources cell asks for a loan rather than a grant.
fn is_loan(written: &str) -> bool {
    let w = written.to_lowercase();
    w.split(|c: char| !c.is_alphanumeric())
        .any(|t| matches!(t, "loan" | "loans" | "credit" | "prêt" | "préstamo"))
}

/// Makes budget lines of `line` from its activities' required resources: one per year (the
/// year an activity starts), funding source and partner, planned at the sum of the amounts.
/// Each activity's reading is reported with what keeps it; the written form of what names no
/// amount in the platform's currency is returned, to be kept on the action line.
fn budget_lines(b: &mut Build<'_>, sheet: &str, line: &Code, acts: &[&Activity]) -> Vec<String> {
    struct Planned {
        year: i32,
        source: FundingSource,
        partner: Option<Code>,
        cents: i128,
        written: Vec<String>,
        row: usize,
    }
    let mut planned: Vec<Planned> = Vec::new();
    let mut unbudgeted = Vec::new();
    // (activity, index into `planned` or why it made no budget line)
    let mut readings: Vec<(&Activity, Result<usize, String>)> = Vec::new();
    for a in acts {
        let Some(res) = &a.resources else { continue };
        let reading = match (res.kind, res.amount, res.currency.as_deref()) {
            (ResourceKind::Amount, Some(amount), currency)
                if currency.is_none_or(|c| c == b.currency) =>
            {
                let mut partner = None;
                let mut why_no_partner = None;
                if let Some(name) = &res.partner {
                    let code = b.organisation(name, OrgKind::International, sheet, a.row);
                    if b.org_kind(&code) == Some(OrgKind::International) {
                        partner = Some(code);
                    } else {
                        why_no_partner = Some(format!(
                            "{name} ({code}) is not an international organisation, so the \
                             line names no partner"
                        ));
                    }
                }
                // A roadmap says what is needed, seldom where it comes from: a named partner
                // gives or lends it; otherwise the source is left to be stated.
                let source = match &partner {
                    Some(_) if is_loan(&res.written) => FundingSource::Loan,
                    Some(_) => FundingSource::DonorGrant,
                    None => FundingSource::Other,
                };
                let year = a.start.year();
                let cents = (amount * 100.0).round() as i128;
                let written = format!("{} \"{}\"", a.id, res.written);
                let i = match planned
                    .iter()
                    .position(|p| p.year == year && p.source == source && p.partner == partner)
                {
                    Some(i) => {
                        planned[i].cents += cents;
                        planned[i].written.push(written);
                        i
                    }
                    None => {
                        planned.push(Planned {
                            year,
                            source,
                            partner,
                            cents,
                            written: vec![written],
                            row: a.row,
                        });
                        planned.len() - 1
                    }
                };
                if let Some(why) = why_no_partner {
                    b.note(sheet, Some(a.row), why);
                }
                Ok(i)
            }
            (ResourceKind::Amount, Some(_), Some(currency)) => Err(format!(
                "kept as written: an amount in {currency}, and budget lines are in {}",
                b.currency
            )),
            (ResourceKind::Amount, None, _) => {
                Err("kept as written: amounts in different currencies".to_owned())
            }
            (kind, _, _) => Err(format!("kept as written: {kind}")),
        };
        if reading.is_err() {
            unbudgeted.push(format!("{}: {}", a.id, res.written));
        }
        readings.push((a, reading));
    }
    let mut keys = Vec::with_capacity(planned.len());
    for p in planned {
        let mut budget = Budget {
            action_line: line.clone(),
            year: p.year,
            source: p.source,
            partner: p.partner,
            planned: Money::from_cents(p.cents),
            committed: Money::ZERO,
            spent: Money::ZERO,
            // Validated by an editor before it is public, as any figure.
            status: ObservationStatus::Submitted,
            note: Some(format!(
                "From the High Level Roadmap's required resources: {}",
                p.written.join("; ")
            )),
        };
        let key = budget.key();
        if let Some(old) = b.base.budgets.get(&key) {
            // What was committed and spent since is kept; an unchanged plan keeps its review.
            budget.committed = old.committed;
            budget.spent = old.spent;
            if old.planned == budget.planned {
                budget.status = old.status;
            }
        }
        b.put(budget.into(), sheet, p.row);
        keys.push(key);
    }
    for (a, reading) in readings {
        let Some(res) = &a.resources else { continue };
        b.report.resources.push(ActivityResources {
            milestone: format!("{ROADMAP_PILLAR}-{}", a.id),
            action_line: line.to_string(),
            resources: res.clone(),
            kept: match reading {
                Ok(i) => format!("budget line {}", keys[i]),
                Err(why) => why,
            },
            sheet: sheet.to_owned(),
            row: a.row + 1,
        });
    }
    unbudgeted
}

fn progress_notes(b: &mut Build<'_>, sheet: &str, line: &Code, lead: &Code, acts: &[&Activity]) {
    // (day, activity id, row, note) by quarter.
    type Note = (Date, String, usize, String);
    let mut by_period: std::collections::BTreeMap<Period, Vec<Note>> = Default::default();
    for a in acts {
        for (on, note) in &a.notes {
            let period = Period::Quarter(on.year(), ((on.month() - 1) / 3 + 1) as u8);
            by_period
                .entry(period)
                .or_default()
                .push((*on, a.id.clone(), a.row, note.clone()));
        }
    }
    for (period, mut notes) in by_period {
        notes.sort();
        let lines: Vec<String> = notes
            .iter()
            .map(|(on, id, _, note)| format!("{on} — {id}: {note}"))
            .collect();
        let narrative = format!("{NOTES_REPORT}\n{}", lines.join("\n"));
        let key = format!("{line}:{period}");
        let old = b.base.progress_reports.get(&key).cloned();
        // Ours to rewrite: a draft holding nothing but notes such as these.
        let ours = old.as_ref().is_none_or(|o| {
            o.status == ReportStatus::Draft
                && o.narrative.as_ref().is_none_or(|t| {
                    let en = t.get("en");
                    en.starts_with(NOTES_REPORT)
                        && en
                            .lines()
                            .all(|l| l == NOTES_REPORT || lines.iter().any(|x| x == l))
                })
        });
        let kept = if ours {
            let report = ProgressReport {
                action_line: line.clone(),
                period,
                submitted_by_org: old
                    .as_ref()
                    .map_or_else(|| lead.clone(), |o| o.submitted_by_org.clone()),
                status: ReportStatus::Draft,
                narrative: Some(
                    b.text(old.as_ref().and_then(|o| o.narrative.as_ref()), &narrative),
                ),
                submitted_on: None,
                review_comment: old.as_ref().and_then(|o| o.review_comment.clone()),
            };
            let first_row = notes.iter().map(|n| n.2).min().unwrap_or(0);
            b.put(report.into(), sheet, first_row);
            format!("draft progress report {key}")
        } else {
            format!(
                "not written into the progress report {key}, which someone else wrote or \
                 has submitted"
            )
        };
        for (on, id, row, note) in notes {
            b.report.progress_notes.push(ProgressNote {
                milestone: format!("{ROADMAP_PILLAR}-{id}"),
                action_line: line.to_string(),
                on,
                text: note,
                kept: kept.clone(),
                sheet: sheet.to_owned(),
                row: row + 1,
            });
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Other sheets

// ---------------------------------------------------------------------------------------------
// RFI-2: the systems and platforms

/// GovStack's building blocks by the names people give them in a cell: (token, names). A name
/// is compared with the cell lower case, with `-`, `_` and spaces alike.
const GOVSTACK_BLOCKS: &[(&str, &[&str])] = &[
    (
        "identity",
        &[
            "identity",
            "id",
            "digital identity",
            "identification",
            "digital id",
            "eid",
        ],
    ),
    (
        "payments",
        &["payments", "payment", "digital payments", "e payments"],
    ),
    ("consent", &["consent", "consent management"]),
    (
        "digital-registries",
        &[
            "digital registries",
            "registries",
            "registry",
            "digital registry",
        ],
    ),
    (
        "information-mediator",
        &[
            "information mediator",
            "interoperability",
            "data exchange",
            "interoperability layer",
        ],
    ),
    ("messaging", &["messaging", "notifications", "notification"]),
    ("registration", &["registration"]),
    (
        "scheduler",
        &[
            "scheduler",
            "scheduling",
            "appointments",
            "appointment booking",
        ],
    ),
    (
        "workflow",
        &["workflow", "case management", "workflow engine"],
    ),
    (
        "esignature",
        &[
            "esignature",
            "e signature",
            "digital signature",
            "electronic signature",
        ],
    ),
    (
        "gis",
        &[
            "gis",
            "geographic information",
            "geographic information services",
        ],
    ),
    ("e-marketplace", &["e marketplace", "marketplace"]),
    ("security", &["security"]),
];

/// The GovStack building block a cell names, by its token or one of its usual names.
fn govstack_block(cell: &str) -> Option<&'static str> {
    let n = collapse(&cell.to_lowercase().replace(['-', '_'], " "));
    let n = n.strip_suffix(" building block").unwrap_or(&n);
    let n = n.strip_suffix(" bb").unwrap_or(n);
    GOVSTACK_BLOCKS
        .iter()
        .find(|(token, names)| token.replace('-', " ") == n || names.contains(&n))
        .map(|(token, _)| *token)
}

/// Hosting as the template's drop-down list and people write it.
fn hosting(s: &str) -> Result<Hosting, Expected> {
    let n = collapse(&s.to_lowercase().replace(['-', '_'], " "));
    let cloud = n.contains("cloud");
    let premise = n.contains("premise")
        || n.contains("in house")
        || n.contains("data centre")
        || n.contains("data center");
    match (cloud, premise) {
        (true, true) => Ok(Hosting::Hybrid),
        (true, false) => Ok(Hosting::Cloud),
        (false, true) => Ok(Hosting::OnPremise),
        _ if n == "hybrid" => Ok(Hosting::Hybrid),
        _ => Err(Expected::new(ExpectedKind::OneOf(&[
            "Cloud",
            "On premise",
            "Hybrid",
        ]))),
    }
}

/// The cells of a list: split on `,`, `;` and line breaks, trimmed, empty ones left out.
fn list_cells(s: &str) -> impl Iterator<Item = &str> {
    s.split([',', ';', '\n'])
        .map(str::trim)
        .filter(|x| !x.is_empty())
}

fn systems(b: &mut Build<'_>, sheet: &str, g: &Grid) {
    let mut h = match find_header(g, SYSTEMS, sheet, Layout::Systems.describe()) {
        Ok(h) => h,
        Err(e) => {
            b.errors.push(e);
            return;
        }
    };
    missing_columns(&h, SYSTEMS, sheet, &mut b.errors);
    // The published template heads two columns "Which system monitoring tools are in place?":
    // both are read, not one dropped.
    let monitoring: Vec<usize> = h
        .col(F::Monitoring)
        .into_iter()
        .chain(h.unmapped.iter().map(|(c, _)| *c).filter(|&c| {
            (h.first..=h.last).any(|r| matching(SYSTEMS, &g.text(r, c)) == Some(F::Monitoring))
        }))
        .collect();
    h.unmapped.retain(|(c, _)| !monitoring.contains(c));
    h.repeats.extend(monitoring.iter().skip(1));
    let label = |f: F| h.label(f);
    b.place(
        sheet,
        "systems",
        &[
            ("code", label(F::SystemId)),
            ("name_en", label(F::SystemName)),
            ("owner_code", label(F::Owner)),
            ("hosting", label(F::Hosting)),
            ("database", label(F::Database)),
            ("monitoring", label(F::Monitoring)),
            ("govstack_bb", label(F::Block)),
            ("building_block", label(F::Block)),
            ("services", label(F::UsedBy)),
        ],
    );
    // Services by code and by English name (lower case), in the catalogue or this workbook.
    let mut services: HashMap<String, Option<Code>> = HashMap::new();
    for v in b.base.services.values().chain(b.out.services.values()) {
        services.insert(v.code.as_str().to_lowercase(), Some(v.code.clone()));
        let name = collapse(v.title.get("en")).to_lowercase();
        match services.get(&name) {
            // Two services share the name: only their codes tell them apart.
            Some(Some(c)) if *c != v.code => {
                services.insert(name, None);
            }
            Some(_) => {}
            None => {
                services.insert(name, Some(v.code.clone()));
            }
        }
    }
    let blocks: HashMap<String, Code> = b
        .base
        .building_blocks
        .values()
        .chain(b.out.building_blocks.values())
        .flat_map(|x| {
            let names = x
                .name
                .langs()
                .filter_map(|l| x.name.exact(l))
                .map(|n| collapse(n).to_lowercase())
                .collect::<Vec<_>>();
            names
                .into_iter()
                .chain([x.code.as_str().to_lowercase()])
                .map(|k| (k, x.code.clone()))
        })
        .collect();
    let mut rows = Vec::new();
    let mut codes: HashMap<String, usize> = HashMap::new();
    for r in h.last + 1..g.height() {
        if g.row_empty(r) {
            continue;
        }
        let id = g.col_text(r, h.col(F::SystemId));
        let name = g.col_text(r, h.col(F::SystemName));
        if name.is_empty() {
            if !id.is_empty() {
                b.err(sheet, r, &label(F::SystemName), "", "the system's name");
            }
            continue;
        }
        rows.push(r);
        b.rows += 1;
        system_row(
            b,
            sheet,
            g,
            &h,
            r,
            (&id, &name),
            &monitoring,
            &services,
            &blocks,
            &mut codes,
        );
    }
    b.not_mapped(sheet, g, &h, &rows);
    b.report.sheets.push(format!(
        "{sheet}: read as the {} — {} system{}",
        Layout::Systems.describe(),
        rows.len(),
        if rows.len() == 1 { "" } else { "s" }
    ));
}

#[expect(
    clippy::too_many_arguments,
    reason = "one row and the sheet's indexes, built once by the caller"
)]
fn system_row(
    b: &mut Build<'_>,
    sheet: &str,
    g: &Grid,
    h: &Header,
    r: usize,
    (id, name): (&str, &str),
    monitoring: &[usize],
    services: &HashMap<String, Option<Code>>,
    blocks: &HashMap<String, Code>,
    codes: &mut HashMap<String, usize>,
) {
    let txt = |f: F| g.col_text(r, h.col(f));
    let mut ok = true;

    let owner = {
        let o = txt(F::Owner);
        (!o.is_empty()).then(|| b.organisation(&o, OrgKind::Agency, sheet, r))
    };

    let mut used_by = Vec::new();
    for s in list_cells(&txt(F::UsedBy)) {
        let key = collapse(s).to_lowercase();
        match services
            .get(&key)
            .or_else(|| services.get(&sanitise(s, 64).to_lowercase()))
        {
            Some(Some(c)) => {
                if !used_by.contains(c) {
                    used_by.push(c.clone());
                }
            }
            Some(None) => {
                b.err(
                    sheet,
                    r,
                    &h.label(F::UsedBy),
                    s,
                    "the Service ID of the service (several services have this name)",
                );
                ok = false;
            }
            None => {
                b.err(
                    sheet,
                    r,
                    &h.label(F::UsedBy),
                    s,
                    "the Service ID or name of a service in the catalogue or this workbook",
                );
                ok = false;
            }
        }
    }

    // Without an owner, the organisation that owns every service it serves runs it.
    let owner = owner.or_else(|| {
        let owners: HashSet<Code> = used_by
            .iter()
            .filter_map(|c| {
                b.out
                    .services
                    .get(c.as_str())
                    .or_else(|| b.base.services.get(c.as_str()))
            })
            .map(|v| v.owner_code.clone())
            .collect();
        let only = (owners.len() == 1)
            .then(|| owners.into_iter().next())
            .flatten()?;
        b.note(
            sheet,
            Some(r),
            format!("system {name:?}: run by {only}, which owns every service it serves"),
        );
        Some(only)
    });

    // Code: the System ID (made a valid code); else the system of that name the catalogue has
    // (so a corrected workbook updates it); else SYS-<name>.
    let known = || {
        let n = collapse(name).to_lowercase();
        b.base
            .systems
            .values()
            .filter(|y| collapse(y.name.get("en")).to_lowercase() == n)
            .find(|y| owner.is_none() || y.owner_code == owner)
            .map(|y| y.code.to_string())
    };
    let code = if !sanitise(id, 64).is_empty() {
        let c = sanitise(id, 64);
        if c != id {
            b.note(
                sheet,
                Some(r),
                format!("System ID {id:?} is used as the code {c}"),
            );
        }
        c
    } else if let Some(c) = known() {
        c
    } else {
        let c = format!("SYS-{}", sanitise(&name.to_uppercase(), 40));
        b.note(
            sheet,
            Some(r),
            format!("system {name:?} has no System ID: code {c}"),
        );
        c
    };
    let code = match Code::parse(&code) {
        Ok(c) => c,
        Err(e) => {
            b.err(sheet, r, &h.label(F::SystemId), id, e.phrase());
            return;
        }
    };
    if let Some(first) = codes.insert(code.to_string(), r + 1) {
        b.err(
            sheet,
            r,
            &h.label(F::SystemId),
            id,
            format!("a system code not used before (already on row {first})"),
        );
        ok = false;
    }

    let hosted = txt(F::Hosting);
    let hosting = if hosted.is_empty() {
        None
    } else {
        match hosting(&hosted) {
            Ok(v) => Some(v),
            Err(e) => {
                b.err(sheet, r, &h.label(F::Hosting), &hosted, e.phrase());
                ok = false;
                None
            }
        }
    };

    // The block: a shared block of the catalogue (by code or name), else a GovStack building
    // block by name, else kept as written and reported.
    let written = txt(F::Block);
    let (govstack_bb, building_block) =
        if written.is_empty() {
            (None, None)
        } else if let Some(c) = blocks.get(&collapse(&written).to_lowercase()) {
            let bb = [b.base, &b.out]
                .into_iter()
                .find_map(|s| s.building_blocks.get(c.as_str()))
                .map(|x| x.govstack_bb.clone());
            (bb, Some(c.clone()))
        } else if let Some(t) = govstack_block(&written) {
            (Some(t.to_owned()), None)
        } else {
            let t = sanitise(&written.to_lowercase().replace(' ', "-"), 40);
            b.note(
            sheet,
            Some(r),
            format!(
                "building block {written:?} is not one GovStack names; kept as {t:?} (known: {})",
                GOVSTACK_BLOCKS.iter().map(|(t, _)| *t).collect::<Vec<_>>().join(", ")
            ),
        );
            ((!t.is_empty()).then_some(t), None)
        };

    let monitoring: Vec<String> = monitoring
        .iter()
        .map(|&c| g.text(r, c))
        .filter(|t| !t.is_empty())
        .collect();
    let opt = |s: String| (!s.is_empty()).then_some(s);
    if !ok {
        return;
    }
    let old = b.base.systems.get(code.as_str());
    let system = System {
        code,
        name: b.text(old.map(|y| &y.name), name),
        owner_code: owner,
        hosting,
        database: opt(txt(F::Database)),
        monitoring: opt(monitoring.join("; ")),
        govstack_bb,
        building_block,
        services: used_by,
    };
    b.put(system.into(), sheet, r);
}

/// A sheet of no known layout: read as systems when it has a "System ID" column, else noted.
fn other_sheet(b: &mut Build<'_>, sheet: &str, g: &Grid) {
    let systems_header = (0..g.height().min(50)).any(|r| {
        (0..g.width).any(|c| {
            collapse(&g.text(r, c))
                .to_lowercase()
                .starts_with("system id")
        })
    });
    if systems_header {
        systems(b, sheet, g);
    } else {
        b.note(sheet, None, "not read: not a GovStack template sheet");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_with_typos_are_the_organisation_they_misspell_and_only_that() {
        assert!(spelled_alike("ministory of health", "ministry of health"));
        assert!(spelled_alike("ministry of helth", "ministry of health"));
        assert!(spelled_alike("minsitry of health", "ministry of health"));
        // One typo per long word, and never in the first letter or in a short word.
        assert!(!spelled_alike("ministry of wealth", "ministry of health"));
        assert!(!spelled_alike("ministry if health", "ministry of health"));
        assert!(!spelled_alike("minstory of health", "ministry of health"));
        assert!(!spelled_alike(
            "ministry of health and care",
            "ministry of health"
        ));
        assert!(!spelled_alike("ministry of health", "ministry of health"));
    }

    #[test]
    fn a_ministry_named_with_a_typo_is_the_one_the_catalogue_has_and_the_report_says_so() {
        let base = crate::tests::demo();
        let mut b = Build::new(&base, "USD");
        let moh = b.organisation("Ministory of  Health", OrgKind::Ministry, "Services", 6);
        assert_eq!(moh.as_str(), "MOH");
        // The same spelling again is the same organisation, reported once.
        let again = b.organisation("Ministory of Health", OrgKind::Ministry, "Services", 9);
        assert_eq!(again.as_str(), "MOH");
        assert_eq!(b.report.matched_organisations.len(), 1);
        let m = &b.report.matched_organisations[0];
        assert_eq!((m.written.as_str(), m.row), ("Ministory of Health", 7));
        assert!(b.report.new_organisations.is_empty());
        assert!(
            b.report
                .to_string()
                .contains("organisation \"Ministory of Health\" read as MOH \"Ministry of Health\" (spelling), named on Services row 7")
        );
        // A different ministry one letter away is a new organisation, not a match.
        let wealth = b.organisation("Ministry of Wealth", OrgKind::Ministry, "Services", 10);
        assert_ne!(wealth.as_str(), "MOH");
        assert_eq!(b.report.new_organisations.len(), 1);
    }

    #[test]
    fn organisations_are_found_by_abbreviation_partner_name_and_initials_but_not_by_guess() {
        let base = crate::tests::demo();
        let mut b = Build::new(&base, "USD");
        let how = |b: &Build<'_>, n: &str| {
            b.find_org(n)
                .map(|(c, how)| format!("{c} {}", how.unwrap_or("name")))
        };
        let ict = b.organisation("Ministry of ICT", OrgKind::Ministry, "S", 1);
        assert_eq!(ict.as_str(), "MI");
        let eu = b.organisation("European Union", OrgKind::Agency, "S", 2);
        assert_eq!(
            b.out.organisations[eu.as_str()].kind,
            OrgKind::International
        );
        assert_eq!(how(&b, "MoICT").as_deref(), Some("MI initials"));
        assert_eq!(how(&b, "EU").as_deref(), Some("EU code"));
        assert_eq!(how(&b, "the European Union").as_deref(), Some("EU partner"));
        assert_eq!(how(&b, "E.U.").as_deref(), Some("EU partner"));
        assert_eq!(
            how(&b, "EU Delegation").as_deref(),
            Some("EU partner"),
            "the same partner by another of its names"
        );
        assert_eq!(how(&b, "ministry of health").as_deref(), Some("MOH name"));
        assert_eq!(
            how(&b, "Ministry of Health (MoH)").as_deref(),
            Some("MOH abbreviation")
        );
        assert_eq!(
            how(&b, "Min of Labour & Social Protection").as_deref(),
            Some("MLS variant")
        );
        assert_eq!(
            how(&b, "Civil Registry Authority").as_deref(),
            Some("CRA initials"),
            "another kind of body, the initials being the code"
        );
        // Neither another subject (Transport is MOT, Tourism is not) nor other initials.
        assert_eq!(how(&b, "Ministry of Tourism"), None);
        assert_eq!(how(&b, "Civil Registry Office"), None);
        assert_eq!(how(&b, "Ministry of Wealth"), None);
        // An acronym written beside a new name is its code, and names it afterwards.
        let nda = b.organisation("National Digital Authority (NDA)", OrgKind::Agency, "S", 3);
        assert_eq!(nda.as_str(), "NDA");
        assert_eq!(
            b.out.organisations["NDA"].name.get("en"),
            "National Digital Authority"
        );
        assert_eq!(b.out.organisations["NDA"].kind, OrgKind::Authority);
        assert_eq!(how(&b, "N.D.A.").as_deref(), Some("NDA abbreviation"));
        assert_eq!(
            how(&b, "Natl Digital Authority").as_deref(),
            Some("NDA variant")
        );
        assert_eq!(
            how(&b, "National Digital Agency").as_deref(),
            Some("NDA initials")
        );
    }

    #[test]
    fn levels_read_as_published_and_refuse_anything_else() {
        let s = |x: &str| Data::String(x.to_owned());
        let lv = |d: Data| level(&d).map(|m| m.map(Maturity::level));
        assert_eq!(lv(s("Level 3: Submit Webform")), Ok(Some(3)));
        assert_eq!(lv(s("level 1: Information Sheet")), Ok(Some(1)));
        assert_eq!(lv(s("Level 4: 100% online")), Ok(Some(4)));
        assert_eq!(lv(s("Downloadable form")), Ok(Some(2)));
        assert_eq!(lv(Data::Float(2.0)), Ok(Some(2)));
        assert_eq!(lv(Data::Empty), Ok(None));
        assert!(lv(s("Level 7: Teleport")).is_err());
        assert!(lv(s("Level 12")).is_err());
        assert!(lv(s("mostly online")).is_err());
    }

    #[test]
    fn transactions_read_thousands_separators_and_number_cells() {
        let s = |x: &str| transactions(&Data::String(x.to_owned()));
        assert_eq!(s("1,102,000"), Ok(Some(1_102_000)));
        assert_eq!(s("1 102 000"), Ok(Some(1_102_000)));
        assert_eq!(s("240000"), Ok(Some(240_000)));
        assert_eq!(transactions(&Data::Float(5000.0)), Ok(Some(5000)));
        assert!(s("1,10,2000").is_err());
        assert!(s("about a million").is_err());
        assert!(transactions(&Data::Float(1.3)).is_err());
    }

    #[test]
    fn numbers_are_read_as_people_type_them() {
        let said = |x: &str| said_number(&Data::String(x.to_owned()));
        assert_eq!(said("1200"), Said::Number(1200.0));
        assert_eq!(said("15k"), Said::ReadAs(15_000.0, "15,000".into()));
        assert_eq!(said("2 million"), Said::ReadAs(2e6, "2,000,000".into()));
        assert_eq!(
            said("approx. 2,000/month"),
            Said::ReadAs(2000.0, "2000".into())
        );
        assert_eq!(
            said("1,000-2,000"),
            Said::ReadAs(1500.0, "1500 (the middle of the range)".into())
        );
        assert_eq!(said("1,5"), Said::ReadAs(1.5, "1.5".into()));
        for unknown in ["n/a", "N/A", "unknown", "-", "TBD"] {
            assert_eq!(said(unknown), Said::NotKnown, "{unknown}");
        }
        assert_eq!(said("many"), Said::Words);
        assert_eq!(said_number(&Data::Float(1.3)), Said::Number(1.3));
        assert_eq!(per_year("2,000/month"), Some(12.0));
        assert_eq!(per_year("about 40 per week"), Some(52.0));
        assert_eq!(per_year("1.3"), None);
        assert_eq!(maybe_yes_no("n/a"), Ok(None));
        // Spellings of one document meet under one key, misspelt noise words included.
        for d in [
            "National ID",
            "ID card",
            "Copy of identity card",
            "Natonal ID card",
        ] {
            assert_eq!(document_key(d), "id", "{d}");
        }
        assert_eq!(
            document_key("Proof of birth"),
            document_key("Birth certficate")
        );
        assert_ne!(document_key("Passport"), document_key("Passport photo"));
        assert_eq!(maybe_yes_no("Yes, partly"), Ok(Some(true)));
    }

    #[test]
    fn channels_and_recipients_map_to_the_vocabularies() {
        assert_eq!(channels("In person/Offline"), Ok(vec![Channel::InPerson]));
        assert_eq!(
            channels("Online, Phone and Post"),
            Ok(vec![Channel::Web, Channel::Phone, Channel::Post])
        );
        assert!(channels("Carrier pigeon").is_err());
        assert_eq!(audiences("Individual"), Ok(vec![Audience::Citizen]));
        assert_eq!(audiences("Business"), Ok(vec![Audience::Business]));
        // Every option of the template's drop-down list (K7:K9), and combinations in one cell.
        assert_eq!(
            audiences("Other government agency"),
            Ok(vec![Audience::Government])
        );
        assert_eq!(
            audiences("Individual, Business"),
            Ok(vec![Audience::Citizen, Audience::Business])
        );
        assert_eq!(
            audiences("Business / Other Government Agencies; business"),
            Ok(vec![Audience::Business, Audience::Government])
        );
        assert_eq!(
            audiences("Individuals and businesses"),
            Ok(vec![Audience::Citizen, Audience::Business])
        );
        assert!(audiences("Tourists").is_err());
        assert!(audiences(" , ").is_err());
    }

    #[test]
    fn codes_and_dates_are_derived_stably() {
        assert_eq!(sanitise("Example Sevice 1", 64), "Example-Sevice-1");
        assert_eq!(org_code("Ministory of Civil Trasnsportation"), "MCT");
        assert_eq!(org_code("DIAL"), "DIAL");
        assert_eq!(letter(0), "A");
        assert_eq!(letter(26), "AA");
        let d = |x: &str| header_date(&Data::String(x.to_owned())).map(|d| d.to_string());
        assert_eq!(d("09 June 2022").as_deref(), Some("2022-06-09"));
        assert_eq!(d("7 July 2022").as_deref(), Some("2022-07-07"));
        let t = |x: &str| timeline_date(&Data::String(x.to_owned())).map(|d| d.to_string());
        assert_eq!(t("Dec 2024 ").as_deref(), Some("2024-12-31"));
        assert_eq!(t("(TBD on proposal dev.)"), None);
    }
}
