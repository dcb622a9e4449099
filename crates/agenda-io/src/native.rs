//! The native data format: one table per entity kind, as the CSV files of a folder or the sheets
//! of one workbook (documented column by column in `docs/data-format.md`). This module maps
//! table rows to entities (collecting every problem, never stopping at the first) and the
//! snapshot back to tables.

use std::collections::BTreeSet;

use agenda_core::*;

use crate::ImportError;
use crate::table::{Cell, OutTable, RawRow, RawTable};

/// Every table of the native format, in the order they are written and checked.
pub const TABLES: &[&str] = &[
    "organisations",
    "agenda",
    "pillars",
    "action_lines",
    "milestones",
    "legal_instruments",
    "kpis",
    "kpi_targets",
    "objectives",
    "observations",
    "progress_reports",
    "life_events",
    "data_items",
    "registries",
    "building_blocks",
    "services",
    "releases",
    "standard_criteria",
    "assessments",
    "governance_bodies",
    "decisions",
    "consultations",
    "contributions",
    "responses",
    "codesign_events",
];

/// The table an entity kind is written to.
pub fn table_of(kind: Kind) -> &'static str {
    match kind {
        Kind::Organisation => "organisations",
        Kind::Agenda => "agenda",
        Kind::Pillar => "pillars",
        Kind::ActionLine => "action_lines",
        Kind::Milestone => "milestones",
        Kind::LegalInstrument => "legal_instruments",
        Kind::Kpi => "kpis",
        Kind::Objective => "objectives",
        Kind::Observation => "observations",
        Kind::ProgressReport => "progress_reports",
        Kind::LifeEvent => "life_events",
        Kind::DataItem => "data_items",
        Kind::Registry => "registries",
        Kind::BuildingBlock => "building_blocks",
        Kind::Service => "services",
        Kind::Release => "releases",
        Kind::StandardCriterion => "standard_criteria",
        Kind::Assessment => "assessments",
        Kind::GovernanceBody => "governance_bodies",
        Kind::Decision => "decisions",
        Kind::Consultation => "consultations",
        Kind::Contribution => "contributions",
        Kind::ContributionResponse => "responses",
        Kind::CoDesignEvent => "codesign_events",
    }
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
    row: &'a RawRow,
    errors: &'a mut Vec<ImportError>,
    pub(crate) failed: bool,
}

impl<'a> Row<'a> {
    pub(crate) fn new(t: &'a RawTable, row: &'a RawRow, errors: &'a mut Vec<ImportError>) -> Self {
        Self {
            t,
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

    fn parse<T>(
        &mut self,
        col: &str,
        v: &str,
        f: impl Fn(&str) -> Result<T, Expected>,
    ) -> Option<T> {
        match f(v) {
            Ok(x) => Some(x),
            Err(e) => {
                self.fail(col, v, e.expected);
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
            self.fail(col, v, "a value (this column is required)");
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
            self.fail(col, v, "a number (this column is required)");
            return None;
        }
        match parse_number(&n) {
            Ok(x) => Some(x),
            Err(e) => {
                self.fail(col, v, e.expected);
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
                self.fail(col, v, e.expected);
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
            let lang = if h == field {
                Some(Lang::en())
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
        match Text::new(tr) {
            Ok(t) => Some(t),
            Err(e) => {
                let col = format!("{field}_en");
                self.fail(&col, "", e.expected);
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
        Err(Expected::new("a UN SDG code such as 16.9 or 16.9.1"))
    }
}

pub(crate) fn token(s: &str) -> Result<String, Expected> {
    let ok = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'));
    if ok {
        Ok(s.to_lowercase())
    } else {
        Err(Expected::new("a name of letters, digits, '-' or '_'"))
    }
}

pub(crate) fn year(s: &str) -> Result<i32, Expected> {
    let s = s.strip_suffix(".0").unwrap_or(s);
    match s.parse::<i32>() {
        Ok(y) if (1900..=2200).contains(&y) && s.len() == 4 => Ok(y),
        _ => Err(Expected::new("a year such as 2026")),
    }
}

/// Columns each table must have (a text column `title` is satisfied by `title_en` or `title`).
pub fn required_columns(table: &str) -> &'static [&'static str] {
    match table {
        "organisations" => &["code", "name_en", "kind"],
        "agenda" => &["code", "title_en", "start", "end", "status"],
        "pillars" => &["code", "title_en"],
        "action_lines" => &[
            "code",
            "pillar_code",
            "title_en",
            "lead_org",
            "start",
            "end",
            "priority",
            "status",
        ],
        "objectives" => &["code", "action_line", "title_en"],
        "milestones" => &["code", "action_line", "title_en", "due", "status"],
        "legal_instruments" => &["code", "title_en", "kind", "status", "responsible_org"],
        "kpis" => &[
            "code",
            "title_en",
            "unit",
            "direction",
            "baseline_value",
            "baseline_date",
            "target_value",
            "target_date",
            "frequency",
            "owner_org",
        ],
        "kpi_targets" => &["kpi", "year", "target_value"],
        "observations" => &["kpi", "period", "value", "status"],
        "progress_reports" => &["action_line", "period", "submitted_by_org", "status"],
        "life_events" => &["code", "title_en", "audience"],
        "data_items" => &["code", "name_en"],
        "registries" => &["code", "name_en", "owner_code", "exposed_via_interop"],
        "building_blocks" => &["code", "name_en", "govstack_bb", "owner_code", "status"],
        "services" => &["code", "title_en", "audience", "owner_code", "maturity"],
        "releases" => &[
            "code",
            "service",
            "target_maturity",
            "target_date",
            "responsible_org",
            "status",
        ],
        "standard_criteria" => &["code", "title_en"],
        "assessments" => &["service", "criterion", "assessed_on", "result"],
        "governance_bodies" => &["code", "name_en", "kind", "chair_org"],
        "decisions" => &["code", "body", "decided_on", "title_en"],
        "consultations" => &["code", "title_en", "subject_kind", "opens", "closes"],
        "contributions" => &[
            "code",
            "consultation",
            "kind",
            "text",
            "author_org",
            "sector",
            "submitted_on",
        ],
        "responses" => &["contribution", "outcome", "reason_en"],
        "codesign_events" => &["code", "title_en", "date", "kind"],
        _ => &[],
    }
}

/// Parses every row of a table. Problems go to `errors`; rows with a problem yield nothing.
pub fn parse_table(t: &RawTable, errors: &mut Vec<ImportError>) -> Vec<Parsed> {
    if !TABLES.contains(&t.name.as_str()) {
        errors.push(ImportError::file(
            &t.label,
            format!("a table of the native format: {}", TABLES.join(", ")),
        ));
        return Vec::new();
    }
    let mut missing = false;
    for col in required_columns(&t.name) {
        let bare = col.strip_suffix("_en");
        let present = t.column(col).is_some() || bare.is_some_and(|b| t.column(b).is_some());
        if !present {
            missing = true;
            errors.push(ImportError {
                file: t.label.clone(),
                row: None,
                column: Some((*col).to_owned()),
                value: None,
                expected: "this required column in the header row".to_owned(),
            });
        }
    }
    if missing {
        return Vec::new();
    }
    let mut out = Vec::with_capacity(t.rows.len());
    for raw in &t.rows {
        let mut r = Row::new(t, raw, errors);
        let items = parse_row(&t.name, &mut r);
        if let (Some(items), false) = (items, r.failed) {
            out.extend(items.into_iter().map(|item| Parsed { row: raw.row, item }));
        }
    }
    out
}

pub(crate) fn code(s: &str) -> Result<Code, Expected> {
    Code::parse(s)
}

fn parse_row(table: &str, r: &mut Row<'_>) -> Option<Vec<Item>> {
    match table {
        "organisations" => {
            let (c, name, kind, parent, website) = (
                r.req("code", code),
                r.text("name"),
                r.req("kind", OrgKind::parse),
                r.opt("parent_code", code),
                r.string("website"),
            );
            Some(vec![Item::Entity(
                Organisation {
                    code: c?,
                    name: name?,
                    kind: kind?,
                    parent_code: parent,
                    website,
                }
                .into(),
            )])
        }
        "agenda" => {
            let (c, title, vision, start, end, status, launched) = (
                r.req("code", code),
                r.text("title"),
                r.opt_text("vision"),
                r.req("start", Date::parse),
                r.req("end", Date::parse),
                r.req("status", AgendaStatus::parse),
                r.opt("launched_on", Date::parse),
            );
            Some(vec![Item::Entity(
                Agenda {
                    code: c?,
                    title: title?,
                    vision,
                    start: start?,
                    end: end?,
                    status: status?,
                    launched_on: launched,
                }
                .into(),
            )])
        }
        "pillars" => {
            let (c, title, desc) = (
                r.req("code", code),
                r.text("title"),
                r.opt_text("description"),
            );
            Some(vec![Item::Entity(
                Pillar {
                    code: c?,
                    title: title?,
                    description: desc,
                }
                .into(),
            )])
        }
        "action_lines" => {
            let c = r.req("code", code);
            let pillar = r.req("pillar_code", code);
            let title = r.text("title");
            let desc = r.opt_text("description");
            let lead = r.req("lead_org", code);
            let contrib = r.list("contributing_orgs", code);
            let start = r.req("start", Date::parse);
            let end = r.req("end", Date::parse);
            let prio = r.req("priority", Priority::parse);
            let status = r.req("status", ActionLineStatus::parse);
            let sdg = r.list("sdg_targets", sdg_code);
            Some(vec![Item::Entity(
                ActionLine {
                    code: c?,
                    pillar_code: pillar?,
                    title: title?,
                    description: desc,
                    lead_org: lead?,
                    contributing_orgs: contrib,
                    start: start?,
                    end: end?,
                    priority: prio?,
                    status: status?,
                    sdg_targets: sdg,
                }
                .into(),
            )])
        }
        "objectives" => {
            let (c, al, title, kpis) = (
                r.req("code", code),
                r.req("action_line", code),
                r.text("title"),
                r.list("kpis", code),
            );
            Some(vec![Item::Entity(
                Objective {
                    code: c?,
                    action_line: al?,
                    title: title?,
                    kpis,
                }
                .into(),
            )])
        }
        "milestones" => {
            let (c, al, title, due, done, status) = (
                r.req("code", code),
                r.req("action_line", code),
                r.text("title"),
                r.req("due", Date::parse),
                r.opt("completed_on", Date::parse),
                r.req("status", MilestoneStatus::parse),
            );
            Some(vec![Item::Entity(
                Milestone {
                    code: c?,
                    action_line: al?,
                    title: title?,
                    due: due?,
                    completed_on: done,
                    status: status?,
                }
                .into(),
            )])
        }
        "legal_instruments" => {
            let c = r.req("code", code);
            let title = r.text("title");
            let kind = r.req("kind", LegalKind::parse);
            let status = r.req("status", LegalStatus::parse);
            let als = r.list("action_lines", code);
            let org = r.req("responsible_org", code);
            let target = r.opt("target_date", Date::parse);
            let adopted = r.opt("adopted_on", Date::parse);
            Some(vec![Item::Entity(
                LegalInstrument {
                    code: c?,
                    title: title?,
                    kind: kind?,
                    status: status?,
                    action_lines: als,
                    responsible_org: org?,
                    target_date: target,
                    adopted_on: adopted,
                }
                .into(),
            )])
        }
        "kpis" => {
            let c = r.req("code", code);
            let al = r.opt("action_line", code);
            let title = r.text("title");
            let unit = r.req("unit", Unit::parse);
            let dir = r.req("direction", Direction::parse);
            let bv = r.num("baseline_value");
            let bd = r.req("baseline_date", Date::parse);
            let tv = r.num("target_value");
            let td = r.req("target_date", Date::parse);
            let freq = r.req("frequency", Frequency::parse);
            let owner = r.req("owner_org", code);
            let method = r.opt_text("method");
            let ind = r.opt("sdg_indicator", sdg_code);
            let note = r.string("revision_note");
            Some(vec![Item::Entity(
                Kpi {
                    code: c?,
                    action_line: al,
                    title: title?,
                    unit: unit?,
                    direction: dir?,
                    baseline_value: bv?,
                    baseline_date: bd?,
                    target_value: tv?,
                    target_date: td?,
                    frequency: freq?,
                    owner_org: owner?,
                    method,
                    sdg_indicator: ind,
                    targets: Vec::new(),
                    revision_note: note,
                }
                .into(),
            )])
        }
        "kpi_targets" => {
            let (k, y, v) = (
                r.req("kpi", code),
                r.req("year", year),
                r.num("target_value"),
            );
            Some(vec![Item::Target(
                k?,
                InterimTarget {
                    year: y?,
                    target_value: v?,
                },
            )])
        }
        "observations" => {
            let k = r.req("kpi", code);
            let p = r.req("period", Period::parse);
            let v = r.num("value");
            let st = r.req("status", ObservationStatus::parse);
            let d = r.opt("disaggregation", Disaggregation::parse);
            let note = r.string("note");
            Some(vec![Item::Entity(
                Observation {
                    kpi: k?,
                    period: p?,
                    value: v?,
                    status: st?,
                    disaggregation: d,
                    note,
                }
                .into(),
            )])
        }
        "progress_reports" => {
            let al = r.req("action_line", code);
            let p = r.req("period", Period::parse);
            let org = r.req("submitted_by_org", code);
            let st = r.req("status", ReportStatus::parse);
            let n = r.opt_text("narrative");
            let on = r.opt("submitted_on", Date::parse);
            let comment = r.string("review_comment");
            Some(vec![Item::Entity(
                ProgressReport {
                    action_line: al?,
                    period: p?,
                    submitted_by_org: org?,
                    status: st?,
                    narrative: n,
                    submitted_on: on,
                    review_comment: comment,
                }
                .into(),
            )])
        }
        "life_events" => {
            let (c, t, a) = (
                r.req("code", code),
                r.text("title"),
                r.req("audience", Audience::parse),
            );
            Some(vec![Item::Entity(
                LifeEvent {
                    code: c?,
                    title: t?,
                    audience: a?,
                }
                .into(),
            )])
        }
        "data_items" => {
            let (c, n) = (r.req("code", code), r.text("name"));
            Some(vec![Item::Entity(DataItem { code: c?, name: n? }.into())])
        }
        "registries" => {
            let c = r.req("code", code);
            let n = r.text("name");
            let o = r.req("owner_code", code);
            let items = r.list("data_items", code);
            let x = r.req("exposed_via_interop", parse_bool);
            Some(vec![Item::Entity(
                Registry {
                    code: c?,
                    name: n?,
                    owner_code: o?,
                    data_items: items,
                    exposed_via_interop: x?,
                }
                .into(),
            )])
        }
        "building_blocks" => {
            let c = r.req("code", code);
            let n = r.text("name");
            let g = r.req("govstack_bb", token);
            let o = r.req("owner_code", code);
            let st = r.req("status", BuildingBlockStatus::parse);
            let gl = r.opt("go_live", Date::parse);
            let p = r.string("product");
            Some(vec![Item::Entity(
                BuildingBlock {
                    code: c?,
                    name: n?,
                    govstack_bb: g?,
                    owner_code: o?,
                    status: st?,
                    go_live: gl,
                    product: p,
                }
                .into(),
            )])
        }
        "services" => {
            let c = r.req("code", code);
            let title = r.text("title");
            let summary = r.opt_text("summary");
            let aud = r.req("audience", Audience::parse);
            let le = r.list("life_event", code);
            let owner = r.req("owner_code", code);
            let mat = r.req("maturity", Maturity::parse);
            let ch = r.list("channels", Channel::parse);
            let tx = r.opt_num("annual_transactions", |s| parse_count(s).map(|n| n as f64));
            let ds = r.opt_percent("digital_share_pct");
            let sat = r.opt_percent("satisfaction_pct");
            let comp = r.opt_percent("completion_rate_pct");
            let cost = r.opt_num("cost_per_transaction", parse_number);
            let ev = r.list("evidence", code);
            let evf = r.list("evidence_fetched", code);
            let bbs = r.list("building_blocks", code);
            let tm = r.opt("target_maturity", Maturity::parse);
            let td = r.opt("target_date", Date::parse);
            let cb = r.opt("cross_border", parse_bool);
            let lr = r.opt("last_reviewed", Date::parse);
            let fee = r.opt_num("fee", parse_number);
            let days = r.opt_num("processing_days", |s| parse_count(s).map(|n| n as f64));
            let steps = r.opt_text("steps");
            let outcome = r.opt_text("outcome");
            if tm.is_some() != td.is_some() && !r.failed {
                let (col, v) = if tm.is_some() {
                    ("target_date", "")
                } else {
                    ("target_maturity", "")
                };
                r.fail(col, v, "both target_maturity and target_date, or neither");
            }
            let (c, owner) = (c?, owner?);
            let mut items = Vec::new();
            // The demo layout plans a service's next release in two service columns; it
            // becomes a release of its own, `<service>-R1`, owned by the service's owner.
            if let (Some(tm), Some(td)) = (tm, td)
                && let Ok(rc) = Code::parse(&format!("{c}-R1"))
            {
                {
                    items.push(Item::Entity(
                        Release {
                            code: rc,
                            service: c.clone(),
                            target_maturity: tm,
                            target_date: td,
                            responsible_org: owner.clone(),
                            status: ReleaseStatus::Planned,
                        }
                        .into(),
                    ));
                }
            }
            items.insert(
                0,
                Item::Entity(
                    Service {
                        code: c,
                        title: title?,
                        summary,
                        audience: aud?,
                        life_event: le,
                        owner_code: owner,
                        maturity: mat?,
                        channels: ch,
                        annual_transactions: tx.map(|n| n as u64),
                        digital_share_pct: ds,
                        satisfaction_pct: sat,
                        completion_rate_pct: comp,
                        cost_per_transaction: cost,
                        evidence: ev,
                        evidence_fetched: evf,
                        building_blocks: bbs,
                        cross_border: cb.unwrap_or(false),
                        last_reviewed: lr,
                        fee,
                        processing_days: days.map(|d| d.min(f64::from(u32::MAX)) as u32),
                        steps,
                        outcome,
                    }
                    .into(),
                ),
            );
            Some(items)
        }
        "releases" => {
            let c = r.req("code", code);
            let s = r.req("service", code);
            let tm = r.req("target_maturity", Maturity::parse);
            let td = r.req("target_date", Date::parse);
            let o = r.req("responsible_org", code);
            let st = r.req("status", ReleaseStatus::parse);
            Some(vec![Item::Entity(
                Release {
                    code: c?,
                    service: s?,
                    target_maturity: tm?,
                    target_date: td?,
                    responsible_org: o?,
                    status: st?,
                }
                .into(),
            )])
        }
        "standard_criteria" => {
            let (c, t, d) = (
                r.req("code", code),
                r.text("title"),
                r.opt_text("description"),
            );
            Some(vec![Item::Entity(
                StandardCriterion {
                    code: c?,
                    title: t?,
                    description: d,
                }
                .into(),
            )])
        }
        "assessments" => {
            let s = r.req("service", code);
            let c = r.req("criterion", code);
            let on = r.req("assessed_on", Date::parse);
            let res = r.req("result", AssessmentResult::parse);
            let org = r.opt("assessor_org", code);
            let note = r.string("note");
            Some(vec![Item::Entity(
                Assessment {
                    service: s?,
                    criterion: c?,
                    assessed_on: on?,
                    result: res?,
                    assessor_org: org,
                    note,
                }
                .into(),
            )])
        }
        "governance_bodies" => {
            let c = r.req("code", code);
            let n = r.text("name");
            let k = r.req("kind", BodyKind::parse);
            let ch = r.req("chair_org", code);
            let m = r.list("members", code);
            Some(vec![Item::Entity(
                GovernanceBody {
                    code: c?,
                    name: n?,
                    kind: k?,
                    chair_org: ch?,
                    members: m,
                }
                .into(),
            )])
        }
        "decisions" => {
            let c = r.req("code", code);
            let b = r.req("body", code);
            let on = r.req("decided_on", Date::parse);
            let t = r.text("title");
            let als = r.list("action_lines", code);
            Some(vec![Item::Entity(
                Decision {
                    code: c?,
                    body: b?,
                    decided_on: on?,
                    title: t?,
                    action_lines: als,
                }
                .into(),
            )])
        }
        "consultations" => {
            let c = r.req("code", code);
            let t = r.text("title");
            let sk = r.req("subject_kind", Subject::parse);
            let sc = r.opt("subject_code", code);
            let opens = r.req("opens", Date::parse);
            let closes = r.req("closes", Date::parse);
            Some(vec![Item::Entity(
                Consultation {
                    code: c?,
                    title: t?,
                    subject_kind: sk?,
                    subject_code: sc,
                    opens: opens?,
                    closes: closes?,
                }
                .into(),
            )])
        }
        "contributions" => {
            let c = r.req("code", code);
            let cons = r.req("consultation", code);
            let k = r.req("kind", ContributionKind::parse);
            let text = r.req("text", |v| Ok(v.to_owned()));
            let org = r.req("author_org", code);
            let sector = r.req("sector", Sector::parse);
            let name = r.string("author_name");
            let on = r.req("submitted_on", Date::parse);
            let endorsements = r.list("endorsements", code);
            let hidden = r.opt("hidden", parse_bool);
            let reason = r.string("hidden_reason");
            Some(vec![Item::Entity(
                Contribution {
                    code: c?,
                    consultation: cons?,
                    kind: k?,
                    text: text?,
                    author_org: org?,
                    sector: sector?,
                    author_name: name,
                    submitted_on: on?,
                    endorsements,
                    hidden: hidden.unwrap_or(false),
                    hidden_reason: reason,
                }
                .into(),
            )])
        }
        "responses" => {
            let c = r.req("contribution", code);
            let o = r.req("outcome", ResponseOutcome::parse);
            let reason = r.text("reason");
            let ck = r.opt("changed_kind", Subject::parse);
            let cc = r.opt("changed_code", code);
            Some(vec![Item::Entity(
                ContributionResponse {
                    contribution: c?,
                    outcome: o?,
                    reason: reason?,
                    changed_kind: ck,
                    changed_code: cc,
                }
                .into(),
            )])
        }
        "codesign_events" => {
            let c = r.req("code", code);
            let t = r.text("title");
            let d = r.req("date", Date::parse);
            let k = r.req("kind", CoDesignKind::parse);
            let p = r.list("participants", code);
            Some(vec![Item::Entity(
                CoDesignEvent {
                    code: c?,
                    title: t?,
                    date: d?,
                    kind: k?,
                    participants: p,
                }
                .into(),
            )])
        }
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Writing

type CellFn<'a, T> = Box<dyn Fn(&T) -> Cell + 'a>;

enum Col<T> {
    Plain(&'static str, fn(&T) -> Cell),
    Text(&'static str, fn(&T) -> Option<&Text>),
}

fn s(v: impl ToString) -> Cell {
    Cell::Text(v.to_string())
}

fn o<V: ToString>(v: &Option<V>) -> Cell {
    v.as_ref()
        .map_or(Cell::Empty, |v| Cell::Text(v.to_string()))
}

fn l<V: ToString>(v: &[V]) -> Cell {
    if v.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(
            v.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(";"),
        )
    }
}

fn n(v: f64) -> Cell {
    Cell::Number(v)
}

fn on(v: Option<f64>) -> Cell {
    v.map_or(Cell::Empty, Cell::Number)
}

fn yn(b: bool) -> Cell {
    s(if b { "yes" } else { "no" })
}

fn table<T>(name: &'static str, items: Vec<&T>, cols: &[Col<T>]) -> OutTable {
    // A text column is written once per language present in the table, English first.
    let mut expanded: Vec<(String, CellFn<'_, T>)> = Vec::new();
    for col in cols {
        match col {
            Col::Plain(h, f) => {
                let f = *f;
                expanded.push(((*h).to_owned(), Box::new(f)));
            }
            Col::Text(h, f) => {
                let f = *f;
                let mut langs: BTreeSet<Lang> = items
                    .iter()
                    .filter_map(|i| f(i))
                    .flat_map(|t| t.langs().cloned().collect::<Vec<_>>())
                    .collect();
                langs.remove(&Lang::en());
                for lang in std::iter::once(Lang::en()).chain(langs) {
                    let header = format!("{h}_{lang}");
                    expanded.push((
                        header,
                        Box::new(move |i: &T| {
                            f(i).and_then(|t| t.exact(&lang))
                                .map_or(Cell::Empty, |v| Cell::Text(v.to_owned()))
                        }),
                    ));
                }
            }
        }
    }
    OutTable {
        name,
        headers: expanded.iter().map(|(h, _)| h.clone()).collect(),
        rows: items
            .into_iter()
            .map(|i| expanded.iter().map(|(_, f)| f(i)).collect())
            .collect(),
    }
}

/// Every table of the snapshot, in the native format (empty tables keep their header row).
pub fn write_tables(sn: &Snapshot) -> Vec<OutTable> {
    use Col::{Plain as P, Text as T};
    let targets: Vec<(Code, InterimTarget)> = sn
        .kpis
        .values()
        .flat_map(|k| k.targets.iter().map(|t| (k.code.clone(), *t)))
        .collect();
    vec![
        table(
            "organisations",
            sn.organisations.values().collect(),
            &[
                P("code", |x: &Organisation| s(&x.code)),
                T("name", |x| Some(&x.name)),
                P("kind", |x| s(x.kind)),
                P("parent_code", |x| o(&x.parent_code)),
                P("website", |x| o(&x.website)),
            ],
        ),
        table(
            "agenda",
            sn.agenda.values().collect(),
            &[
                P("code", |x: &Agenda| s(&x.code)),
                T("title", |x| Some(&x.title)),
                T("vision", |x| x.vision.as_ref()),
                P("start", |x| s(x.start)),
                P("end", |x| s(x.end)),
                P("status", |x| s(x.status)),
                P("launched_on", |x| o(&x.launched_on)),
            ],
        ),
        table(
            "pillars",
            sn.pillars.values().collect(),
            &[
                P("code", |x: &Pillar| s(&x.code)),
                T("title", |x| Some(&x.title)),
                T("description", |x| x.description.as_ref()),
            ],
        ),
        table(
            "action_lines",
            sn.action_lines.values().collect(),
            &[
                P("code", |x: &ActionLine| s(&x.code)),
                P("pillar_code", |x| s(&x.pillar_code)),
                T("title", |x| Some(&x.title)),
                T("description", |x| x.description.as_ref()),
                P("lead_org", |x| s(&x.lead_org)),
                P("contributing_orgs", |x| l(&x.contributing_orgs)),
                P("start", |x| s(x.start)),
                P("end", |x| s(x.end)),
                P("priority", |x| n(f64::from(x.priority.value()))),
                P("status", |x| s(x.status)),
                P("sdg_targets", |x| l(&x.sdg_targets)),
            ],
        ),
        table(
            "milestones",
            sn.milestones.values().collect(),
            &[
                P("code", |x: &Milestone| s(&x.code)),
                P("action_line", |x| s(&x.action_line)),
                T("title", |x| Some(&x.title)),
                P("due", |x| s(x.due)),
                P("completed_on", |x| o(&x.completed_on)),
                P("status", |x| s(x.status)),
            ],
        ),
        table(
            "legal_instruments",
            sn.legal_instruments.values().collect(),
            &[
                P("code", |x: &LegalInstrument| s(&x.code)),
                T("title", |x| Some(&x.title)),
                P("kind", |x| s(x.kind)),
                P("status", |x| s(x.status)),
                P("action_lines", |x| l(&x.action_lines)),
                P("responsible_org", |x| s(&x.responsible_org)),
                P("target_date", |x| o(&x.target_date)),
                P("adopted_on", |x| o(&x.adopted_on)),
            ],
        ),
        table(
            "kpis",
            sn.kpis.values().collect(),
            &[
                P("code", |x: &Kpi| s(&x.code)),
                P("action_line", |x| o(&x.action_line)),
                T("title", |x| Some(&x.title)),
                P("unit", |x| s(x.unit.as_str())),
                P("direction", |x| s(x.direction)),
                P("baseline_value", |x| n(x.baseline_value)),
                P("baseline_date", |x| s(x.baseline_date)),
                P("target_value", |x| n(x.target_value)),
                P("target_date", |x| s(x.target_date)),
                P("frequency", |x| s(x.frequency)),
                P("owner_org", |x| s(&x.owner_org)),
                T("method", |x| x.method.as_ref()),
                P("sdg_indicator", |x| o(&x.sdg_indicator)),
                P("revision_note", |x| o(&x.revision_note)),
            ],
        ),
        table(
            "kpi_targets",
            targets.iter().collect(),
            &[
                P("kpi", |x: &(Code, InterimTarget)| s(&x.0)),
                P("year", |x| n(f64::from(x.1.year))),
                P("target_value", |x| n(x.1.target_value)),
            ],
        ),
        table(
            "objectives",
            sn.objectives.values().collect(),
            &[
                P("code", |x: &Objective| s(&x.code)),
                P("action_line", |x| s(&x.action_line)),
                T("title", |x| Some(&x.title)),
                P("kpis", |x| l(&x.kpis)),
            ],
        ),
        table(
            "observations",
            sn.observations.values().collect(),
            &[
                P("kpi", |x: &Observation| s(&x.kpi)),
                P("period", |x| s(x.period)),
                P("value", |x| n(x.value)),
                P("status", |x| s(x.status)),
                P("disaggregation", |x| o(&x.disaggregation)),
                P("note", |x| o(&x.note)),
            ],
        ),
        table(
            "progress_reports",
            sn.progress_reports.values().collect(),
            &[
                P("action_line", |x: &ProgressReport| s(&x.action_line)),
                P("period", |x| s(x.period)),
                P("submitted_by_org", |x| s(&x.submitted_by_org)),
                P("status", |x| s(x.status)),
                T("narrative", |x| x.narrative.as_ref()),
                P("submitted_on", |x| o(&x.submitted_on)),
                P("review_comment", |x| o(&x.review_comment)),
            ],
        ),
        table(
            "life_events",
            sn.life_events.values().collect(),
            &[
                P("code", |x: &LifeEvent| s(&x.code)),
                T("title", |x| Some(&x.title)),
                P("audience", |x| s(x.audience)),
            ],
        ),
        table(
            "data_items",
            sn.data_items.values().collect(),
            &[
                P("code", |x: &DataItem| s(&x.code)),
                T("name", |x| Some(&x.name)),
            ],
        ),
        table(
            "registries",
            sn.registries.values().collect(),
            &[
                P("code", |x: &Registry| s(&x.code)),
                T("name", |x| Some(&x.name)),
                P("owner_code", |x| s(&x.owner_code)),
                P("data_items", |x| l(&x.data_items)),
                P("exposed_via_interop", |x| yn(x.exposed_via_interop)),
            ],
        ),
        table(
            "building_blocks",
            sn.building_blocks.values().collect(),
            &[
                P("code", |x: &BuildingBlock| s(&x.code)),
                T("name", |x| Some(&x.name)),
                P("govstack_bb", |x| s(&x.govstack_bb)),
                P("owner_code", |x| s(&x.owner_code)),
                P("status", |x| s(x.status)),
                P("go_live", |x| o(&x.go_live)),
                P("product", |x| o(&x.product)),
            ],
        ),
        table(
            "services",
            sn.services.values().collect(),
            &[
                P("code", |x: &Service| s(&x.code)),
                T("title", |x| Some(&x.title)),
                T("summary", |x| x.summary.as_ref()),
                P("audience", |x| s(x.audience)),
                P("life_event", |x| l(&x.life_event)),
                P("owner_code", |x| s(&x.owner_code)),
                P("maturity", |x| n(f64::from(x.maturity.level()))),
                P("channels", |x| l(&x.channels)),
                P("annual_transactions", |x| {
                    on(x.annual_transactions.map(|v| v as f64))
                }),
                P("digital_share_pct", |x| {
                    on(x.digital_share_pct.map(Percent::value))
                }),
                P("satisfaction_pct", |x| {
                    on(x.satisfaction_pct.map(Percent::value))
                }),
                P("completion_rate_pct", |x| {
                    on(x.completion_rate_pct.map(Percent::value))
                }),
                P("cost_per_transaction", |x| on(x.cost_per_transaction)),
                P("evidence", |x| l(&x.evidence)),
                P("evidence_fetched", |x| l(&x.evidence_fetched)),
                P("building_blocks", |x| l(&x.building_blocks)),
                P("cross_border", |x| yn(x.cross_border)),
                P("last_reviewed", |x| o(&x.last_reviewed)),
                P("fee", |x| on(x.fee)),
                P("processing_days", |x| on(x.processing_days.map(f64::from))),
                T("steps", |x| x.steps.as_ref()),
                T("outcome", |x| x.outcome.as_ref()),
            ],
        ),
        table(
            "releases",
            sn.releases.values().collect(),
            &[
                P("code", |x: &Release| s(&x.code)),
                P("service", |x| s(&x.service)),
                P("target_maturity", |x| {
                    n(f64::from(x.target_maturity.level()))
                }),
                P("target_date", |x| s(x.target_date)),
                P("responsible_org", |x| s(&x.responsible_org)),
                P("status", |x| s(x.status)),
            ],
        ),
        table(
            "standard_criteria",
            sn.standard_criteria.values().collect(),
            &[
                P("code", |x: &StandardCriterion| s(&x.code)),
                T("title", |x| Some(&x.title)),
                T("description", |x| x.description.as_ref()),
            ],
        ),
        table(
            "assessments",
            sn.assessments.values().collect(),
            &[
                P("service", |x: &Assessment| s(&x.service)),
                P("criterion", |x| s(&x.criterion)),
                P("assessed_on", |x| s(x.assessed_on)),
                P("result", |x| s(x.result)),
                P("assessor_org", |x| o(&x.assessor_org)),
                P("note", |x| o(&x.note)),
            ],
        ),
        table(
            "governance_bodies",
            sn.governance_bodies.values().collect(),
            &[
                P("code", |x: &GovernanceBody| s(&x.code)),
                T("name", |x| Some(&x.name)),
                P("kind", |x| s(x.kind)),
                P("chair_org", |x| s(&x.chair_org)),
                P("members", |x| l(&x.members)),
            ],
        ),
        table(
            "decisions",
            sn.decisions.values().collect(),
            &[
                P("code", |x: &Decision| s(&x.code)),
                P("body", |x| s(&x.body)),
                P("decided_on", |x| s(x.decided_on)),
                T("title", |x| Some(&x.title)),
                P("action_lines", |x| l(&x.action_lines)),
            ],
        ),
        table(
            "consultations",
            sn.consultations.values().collect(),
            &[
                P("code", |x: &Consultation| s(&x.code)),
                T("title", |x| Some(&x.title)),
                P("subject_kind", |x| s(x.subject_kind)),
                P("subject_code", |x| o(&x.subject_code)),
                P("opens", |x| s(x.opens)),
                P("closes", |x| s(x.closes)),
            ],
        ),
        table(
            "contributions",
            sn.contributions.values().collect(),
            &[
                P("code", |x: &Contribution| s(&x.code)),
                P("consultation", |x| s(&x.consultation)),
                P("kind", |x| s(x.kind)),
                P("text", |x| s(&x.text)),
                P("author_org", |x| s(&x.author_org)),
                P("sector", |x| s(x.sector)),
                P("author_name", |x| o(&x.author_name)),
                P("submitted_on", |x| s(x.submitted_on)),
                P("endorsements", |x| l(&x.endorsements)),
                P("hidden", |x| yn(x.hidden)),
                P("hidden_reason", |x| o(&x.hidden_reason)),
            ],
        ),
        table(
            "responses",
            sn.responses.values().collect(),
            &[
                P(
                    "contribution",
                    |x: &ContributionResponse| s(&x.contribution),
                ),
                P("outcome", |x| s(x.outcome)),
                T("reason", |x| Some(&x.reason)),
                P("changed_kind", |x| o(&x.changed_kind)),
                P("changed_code", |x| o(&x.changed_code)),
            ],
        ),
        table(
            "codesign_events",
            sn.codesign_events.values().collect(),
            &[
                P("code", |x: &CoDesignEvent| s(&x.code)),
                T("title", |x| Some(&x.title)),
                P("date", |x| s(x.date)),
                P("kind", |x| s(x.kind)),
                P("participants", |x| l(&x.participants)),
            ],
        ),
    ]
}
