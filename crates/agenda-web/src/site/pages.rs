//! Page handlers and the view models their templates render.

use std::collections::BTreeMap;
use std::sync::Arc;

use agenda_core::kpi_status::{KpiAssessment, KpiStatus, assess, expected_at};
use agenda_core::progress::{action_line_progress, agenda_progress};
use agenda_core::reporting::{DueState, reports_due};
use agenda_core::*;
use askama::Template;
use askama::filters::Safe;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::i18n::{LANGS, t, t_args};
use super::{Lang, charts, downloads, render};
use crate::AppState;

/// Escapes text for HTML.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A navigation entry.
pub struct NavItem {
    /// Link.
    pub href: String,
    /// Label.
    pub label: String,
    /// Whether it is the current section.
    pub current: bool,
}

/// A link to this page in another language.
pub struct LangLink {
    /// Language tag.
    pub lang: &'static str,
    /// The language's own name.
    pub name: String,
    /// Link.
    pub href: String,
    /// Whether it is the page's language.
    pub current: bool,
}

/// What every page shares: language, country, navigation, language switcher.
pub struct Chrome {
    /// Language of the page.
    pub lang: &'static str,
    /// Page title.
    pub title: String,
    /// Country name.
    pub country: String,
    /// Main navigation.
    pub nav: Vec<NavItem>,
    /// Language switcher.
    pub langs: Vec<LangLink>,
    /// Whether a logo is configured.
    pub logo: bool,
    /// What the page's own feed and subscription follow, on the pages of a scope.
    pub follow: Option<Follow>,
}

/// The links to follow what a page is about: by e-mail and as an Atom feed.
pub struct Follow {
    /// The subscription form for it.
    pub subscribe: String,
    /// Its Atom feed.
    pub feed: String,
}

impl Chrome {
    pub(super) fn new(state: &AppState, lang: Lang, path: &str, title: String) -> Self {
        let section = path.split('/').nth(1).unwrap_or("");
        let nav = [
            ("/", "nav-home", ""),
            ("/pillars", "nav-pillars", "pillars"),
            ("/action-lines", "nav-action-lines", "action-lines"),
            ("/kpis", "nav-kpis", "kpis"),
            ("/sdgs", "nav-sdgs", "sdgs"),
            ("/roadmap", "nav-roadmap", "roadmap"),
            ("/services", "nav-services", "services"),
            ("/regulatory-plan", "nav-regulatory-plan", "regulatory-plan"),
            ("/open-data", "nav-open-data", "open-data"),
        ]
        .into_iter()
        .map(|(href, key, sec)| NavItem {
            href: link(lang, href),
            label: t(lang.0, key),
            current: sec == section,
        })
        .collect();
        let langs = LANGS
            .iter()
            .filter(|l| state.settings.languages.iter().any(|c| c == *l))
            .map(|l| LangLink {
                lang: l,
                name: t(l, "language-name"),
                href: link(Lang(l), path),
                current: *l == lang.0,
            })
            .collect();
        Self {
            lang: lang.0,
            title,
            country: state.settings.country.clone(),
            nav,
            langs,
            logo: state.settings.logo.is_some(),
            follow: None,
        }
    }

    /// The page is about `scope`: link its feed and its subscription form.
    pub(super) fn following(mut self, scope: &agenda_jobs::Scope) -> Self {
        self.follow = Some(Follow {
            subscribe: format!("{}?scope={}", self.href("/subscribe"), scope.key()),
            feed: scope.feed(),
        });
        self
    }

    /// An interface string.
    pub fn t(&self, key: &str) -> String {
        t(self.lang, key)
    }

    /// A link in this page's language.
    pub fn href(&self, path: &str) -> String {
        link(Lang(self.lang), path)
    }

    /// Content text in the page's language; when it is only in English, marked as such.
    pub fn tx(&self, text: &Text) -> Safe<String> {
        Safe(tx_html(self.lang, text))
    }

    /// Optional content text.
    pub fn otx(&self, text: &Option<Text>) -> Safe<String> {
        Safe(
            text.as_ref()
                .map(|t| tx_html(self.lang, t))
                .unwrap_or_default(),
        )
    }

    /// A status word in this language.
    pub fn status(&self, prefix: &str, status: &str) -> String {
        t(self.lang, &format!("{prefix}-{status}"))
    }

    /// A number as people of this language write it.
    pub fn num(&self, v: f64) -> String {
        fmt_num(self.lang, v)
    }

    /// A value with its unit.
    pub fn value(&self, unit: Unit, v: f64) -> String {
        fmt_value(self.lang, unit, v)
    }
}

pub(super) fn link(lang: Lang, path: &str) -> String {
    match (lang.prefix(), path) {
        ("", p) => p.to_owned(),
        (pre, "/") => format!("{pre}/"),
        (pre, p) => format!("{pre}{p}"),
    }
}

pub(super) fn tx_html(lang: &str, text: &Text) -> String {
    let l = agenda_core::Lang::parse(lang).ok();
    match l.as_ref().and_then(|l| text.exact(l)) {
        Some(s) => esc(s),
        None => format!(
            "<span lang=\"en\">{}</span> <span class=\"fallback\">({})</span>",
            esc(text.get("en")),
            esc(&t(lang, "in-english"))
        ),
    }
}

/// Formats a number with at most one decimal, in the language's decimal style.
pub fn fmt_num(lang: &str, v: f64) -> String {
    agenda_core::numbers::fmt_num(lang, v)
}

/// A value with its unit.
pub fn fmt_value(lang: &str, unit: Unit, v: f64) -> String {
    let n = fmt_num(lang, v);
    match unit {
        Unit::Percent => format!("{n}\u{a0}%"),
        Unit::Count => n,
        Unit::Days => format!("{n}\u{a0}{}", t(lang, "unit-days")),
        Unit::Currency => format!("{n}\u{a0}{}", t(lang, "unit-currency")),
    }
}

pub(super) fn public(state: &AppState) -> Arc<Snapshot> {
    state.public_snapshot()
}

/// Renders the error page.
pub fn error_page(state: &AppState, lang: Lang, status: StatusCode, message: String) -> Response {
    let key = match status {
        StatusCode::NOT_FOUND => "error-not-found",
        StatusCode::FORBIDDEN => "error-forbidden",
        s if s.is_server_error() => "error-server",
        _ => "error-bad-request",
    };
    let page = ErrorPage {
        c: Chrome::new(state, lang, "/", t(lang.0, key)),
        status: status.as_u16(),
        message,
    };
    render(status, &page)
}

/// The 400 page for a filter `what` (an interface key) given an unusable `value`.
pub(super) fn bad_value(state: &AppState, lang: Lang, what: &str, value: &str) -> Response {
    let msg = t_args(
        lang.0,
        "error-bad-value",
        &[("what", t(lang.0, what)), ("value", value.to_owned())],
    );
    error_page(state, lang, StatusCode::BAD_REQUEST, msg)
}

pub(super) fn not_found(state: &AppState, lang: Lang, what: &str, code: &str) -> Response {
    let msg = t_args(
        lang.0,
        "error-no-such",
        &[("what", t(lang.0, what)), ("code", code.to_owned())],
    );
    error_page(state, lang, StatusCode::NOT_FOUND, msg)
}

/// The error page.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    c: Chrome,
    status: u16,
    message: String,
}

// ---------------------------------------------------------------------------------------------
// Shared view rows

/// A KPI in a list.
pub struct KpiRow {
    code: String,
    title: Safe<String>,
    status: KpiStatus,
    status_label: String,
    latest: String,
    latest_period: String,
    expected: String,
    target: String,
    spark: Safe<String>,
}

fn kpi_row(c: &Chrome, s: &Snapshot, k: &Kpi, today: Date) -> KpiRow {
    let a = assess(k, s.observations_of(k.code.as_str()), today);
    KpiRow {
        code: k.code.to_string(),
        title: c.tx(&k.title),
        status: a.status,
        status_label: c.status("kpi-status", a.status.as_str()),
        latest: a
            .latest
            .as_ref()
            .map(|o| c.value(k.unit, o.value))
            .unwrap_or_else(|| "—".to_owned()),
        latest_period: a
            .latest
            .as_ref()
            .map(|o| o.period.to_string())
            .unwrap_or_default(),
        expected: a
            .expected
            .map(|e| c.value(k.unit, e))
            .unwrap_or_else(|| "—".to_owned()),
        target: format!(
            "{} ({})",
            c.value(k.unit, k.target_value),
            k.target_date.year()
        ),
        spark: Safe(charts::sparkline(k, s.observations_of(k.code.as_str()))),
    }
}

pub(super) fn org_name(c: &Chrome, s: &Snapshot, code: &Code) -> Safe<String> {
    match s.organisations.get(code.as_str()) {
        Some(o) => Safe(format!(
            "<a href=\"{}\">{}</a>",
            esc(&c.href(&format!("/organisations/{}", o.code))),
            tx_html(c.lang, &o.name)
        )),
        None => Safe(esc(code.as_str())),
    }
}

/// An action line in a list.
pub struct ActionLineRow {
    code: String,
    title: Safe<String>,
    lead: Safe<String>,
    status: String,
    status_class: &'static str,
    progress: String,
    end: String,
}

fn action_line_row(c: &Chrome, s: &Snapshot, a: &ActionLine, today: Date) -> ActionLineRow {
    let p = action_line_progress(s, a.code.as_str(), today);
    let pct = p.map(|p| p.progress_pct).unwrap_or(0.0);
    ActionLineRow {
        code: a.code.to_string(),
        title: c.tx(&a.title),
        lead: org_name(c, s, &a.lead_org),
        status: c.status("al-status", a.status.as_str()),
        status_class: a.status.as_str(),
        progress: format!("{}\u{a0}%", c.num(pct)),
        end: a.end.to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// Home

/// A count with its label.
pub struct Count {
    label: String,
    class: &'static str,
    n: usize,
    href: String,
}

/// A recent change.
pub struct ChangeRow {
    date: String,
    what: String,
    href: Option<String>,
}

/// The home page.
#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    c: Chrome,
    agenda: Option<Agenda>,
    progress: String,
    progress_value: f64,
    action_lines: Vec<Count>,
    kpis: Vec<Count>,
    changes: Vec<ChangeRow>,
    pillars: Vec<(String, Safe<String>, String)>,
    lines: Vec<ActionLineRow>,
}

/// `GET /`.
pub async fn home(State(state): State<AppState>, lang: Lang) -> Response {
    let s = public(&state);
    let today = state.today();
    let c = Chrome::new(
        &state,
        lang,
        "/",
        s.the_agenda()
            .map(|a| a.title.get(lang.0).to_owned())
            .unwrap_or_else(|| t(lang.0, "nav-home")),
    );
    let p = agenda_progress(&s, today);
    let action_lines = p
        .action_lines_by_status
        .iter()
        .map(|(st, n)| Count {
            label: c.status("al-status", st.as_str()),
            class: st.as_str(),
            n: *n,
            href: c.href(&format!("/action-lines?status={}", st.as_str())),
        })
        .collect();
    let kpis = p
        .kpis_by_status
        .iter()
        .map(|(st, n)| Count {
            label: c.status("kpi-status", st.as_str()),
            class: st.as_str(),
            n: *n,
            href: c.href(&format!("/kpis?status={}", st.as_str())),
        })
        .collect();
    let pillars = s
        .pillars
        .values()
        .map(|pl| {
            let pct = p
                .by_pillar
                .iter()
                .find(|(code, _)| code == &pl.code)
                .map(|(_, v)| *v)
                .unwrap_or(0.0);
            (
                pl.code.to_string(),
                c.tx(&pl.title),
                format!("{}\u{a0}%", c.num(pct)),
            )
        })
        .collect();
    let changes = recent_changes(&state, &c, &s).await;
    // Priority first, then by code: what the agenda puts first comes first.
    let mut ordered: Vec<&ActionLine> = s.action_lines.values().collect();
    ordered.sort_by_key(|a| (a.priority, a.code.clone()));
    let lines = ordered
        .into_iter()
        .map(|a| action_line_row(&c, &s, a, today))
        .collect();
    let page = HomePage {
        lines,
        progress: format!("{}\u{a0}%", c.num(p.progress_pct)),
        progress_value: p.progress_pct.round(),
        agenda: s.the_agenda().cloned(),
        c,
        action_lines,
        kpis,
        changes,
        pillars,
    };
    render(StatusCode::OK, &page)
}

async fn recent_changes(state: &AppState, c: &Chrome, s: &Snapshot) -> Vec<ChangeRow> {
    let Ok(records) = state.store.audit_records(None, None, 200).await else {
        return Vec::new();
    };
    records
        .into_iter()
        // Only what the public can see: the entity must be in the public snapshot.
        .filter(|r| s.get_ref(r.kind, &r.code).is_some())
        .filter(|r| !matches!(r.kind, Kind::Observation))
        .take(10)
        .map(|r| {
            let href = match r.kind {
                Kind::ActionLine => Some(c.href(&format!("/action-lines/{}", r.code))),
                Kind::Kpi => Some(c.href(&format!("/kpis/{}", r.code))),
                Kind::Organisation => Some(c.href(&format!("/organisations/{}", r.code))),
                Kind::Milestone => s
                    .milestones
                    .get(&r.code)
                    .map(|m| c.href(&format!("/action-lines/{}", m.action_line))),
                Kind::ProgressReport => r
                    .code
                    .split(':')
                    .next()
                    .map(|al| c.href(&format!("/action-lines/{al}"))),
                _ => None,
            };
            ChangeRow {
                date: r.at.get(..10).unwrap_or(&r.at).to_owned(),
                what: format!(
                    "{} {} — {}",
                    c.t(&format!("kind-{}", r.kind.as_str())),
                    r.code,
                    c.t(&format!("action-{}", r.action.as_str()))
                ),
                href,
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Pillars and action lines

/// A pillar with its action lines.
pub struct PillarView {
    code: String,
    title: Safe<String>,
    description: Safe<String>,
    progress: String,
    progress_value: f64,
    lines: Vec<ActionLineRow>,
}

/// `/pillars`.
#[derive(Template)]
#[template(path = "pillars.html")]
pub struct PillarsPage {
    c: Chrome,
    pillars: Vec<PillarView>,
}

/// `GET /pillars`.
pub async fn pillars(State(state): State<AppState>, lang: Lang) -> Response {
    let s = public(&state);
    let today = state.today();
    let c = Chrome::new(&state, lang, "/pillars", t(lang.0, "nav-pillars"));
    let p = agenda_progress(&s, today);
    let pillars = s
        .pillars
        .values()
        .map(|pl| {
            let pct = p
                .by_pillar
                .iter()
                .find(|(code, _)| code == &pl.code)
                .map(|(_, v)| *v)
                .unwrap_or(0.0);
            PillarView {
                code: pl.code.to_string(),
                title: c.tx(&pl.title),
                description: c.otx(&pl.description),
                progress: format!("{}\u{a0}%", c.num(pct)),
                progress_value: pct.round(),
                lines: s
                    .action_lines
                    .values()
                    .filter(|a| a.pillar_code == pl.code)
                    .map(|a| action_line_row(&c, &s, a, today))
                    .collect(),
            }
        })
        .collect();
    render(StatusCode::OK, &PillarsPage { c, pillars })
}

/// Filters of the action-line list, as given in the query.
#[derive(Debug, Default, Deserialize)]
pub struct AlFilter {
    pillar: Option<String>,
    status: Option<String>,
    lead: Option<String>,
    sdg: Option<String>,
}

/// An option of a filter.
pub struct Opt {
    pub(super) value: String,
    pub(super) label: String,
    pub(super) selected: bool,
}

/// `/action-lines`.
#[derive(Template)]
#[template(path = "action_lines.html")]
pub struct ActionLinesPage {
    c: Chrome,
    rows: Vec<ActionLineRow>,
    pillars: Vec<Opt>,
    statuses: Vec<Opt>,
    leads: Vec<Opt>,
    goals: Vec<Opt>,
    total: usize,
}

pub(super) fn opts(
    items: impl Iterator<Item = (String, String)>,
    chosen: &Option<String>,
) -> Vec<Opt> {
    items
        .map(|(value, label)| Opt {
            selected: chosen.as_deref() == Some(value.as_str()),
            value,
            label,
        })
        .collect()
}

/// `GET /action-lines`, with optional filters `pillar`, `status`, `lead`, `sdg`.
pub async fn action_lines(
    State(state): State<AppState>,
    lang: Lang,
    q: Result<Query<AlFilter>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let s = public(&state);
    let today = state.today();
    let Ok(Query(f)) = q else {
        return error_page(
            &state,
            lang,
            StatusCode::BAD_REQUEST,
            t(lang.0, "error-bad-filter"),
        );
    };
    let f = AlFilter {
        pillar: f.pillar.filter(|v| !v.is_empty()),
        status: f.status.filter(|v| !v.is_empty()),
        lead: f.lead.filter(|v| !v.is_empty()),
        sdg: f.sdg.filter(|v| !v.is_empty()),
    };
    let bad = |what: &str, v: &str| bad_value(&state, lang, what, v);
    if let Some(p) = &f.pillar
        && !s.pillars.contains_key(p)
    {
        return bad("filter-pillar", p);
    }
    let status = match &f.status {
        Some(v) => match ActionLineStatus::parse(v) {
            Ok(st) => Some(st),
            Err(_) => return bad("filter-status", v),
        },
        None => None,
    };
    if let Some(o) = &f.lead
        && !s.organisations.contains_key(o)
    {
        return bad("filter-lead", o);
    }
    let goal = match &f.sdg {
        Some(v) => match v.parse::<u8>() {
            Ok(g) if s.sdg.goals.contains_key(&g) => Some(g),
            _ => return bad("filter-sdg", v),
        },
        None => None,
    };
    let c = Chrome::new(&state, lang, "/action-lines", t(lang.0, "nav-action-lines"));
    let rows: Vec<ActionLineRow> = s
        .action_lines
        .values()
        .filter(|a| {
            f.pillar
                .as_deref()
                .is_none_or(|p| a.pillar_code.as_str() == p)
        })
        .filter(|a| status.is_none_or(|st| a.status == st))
        .filter(|a| f.lead.as_deref().is_none_or(|o| a.lead_org.as_str() == o))
        .filter(|a| {
            goal.is_none_or(|g| {
                a.sdg_targets
                    .iter()
                    .any(|t| t.split('.').next() == Some(&g.to_string()))
            })
        })
        .map(|a| action_line_row(&c, &s, a, today))
        .collect();
    let mut leads: Vec<&Code> = s.action_lines.values().map(|a| &a.lead_org).collect();
    leads.sort();
    leads.dedup();
    let page = ActionLinesPage {
        total: s.action_lines.len(),
        pillars: opts(
            s.pillars.values().map(|p| {
                (
                    p.code.to_string(),
                    format!("{} — {}", p.code, p.title.get(lang.0)),
                )
            }),
            &f.pillar,
        ),
        statuses: opts(
            ActionLineStatus::ALL
                .iter()
                .map(|st| (st.as_str().to_owned(), c.status("al-status", st.as_str()))),
            &f.status,
        ),
        leads: opts(
            leads.into_iter().map(|o| {
                let name = s
                    .organisations
                    .get(o.as_str())
                    .map(|org| org.name.get(lang.0).to_owned())
                    .unwrap_or_default();
                (o.to_string(), format!("{o} — {name}"))
            }),
            &f.lead,
        ),
        goals: opts(
            s.sdg.goals.values().map(|g| {
                (
                    g.goal.to_string(),
                    format!("{} — {}", g.goal, g.short.get(lang.0)),
                )
            }),
            &f.sdg,
        ),
        rows,
        c,
    };
    render(StatusCode::OK, &page)
}

/// A milestone on the timeline.
pub struct MilestoneView {
    code: String,
    title: Safe<String>,
    due: String,
    completed_on: String,
    status: String,
    class: &'static str,
}

/// A published progress report.
pub struct ReportView {
    period: String,
    org: Safe<String>,
    narrative: Safe<String>,
    submitted_on: String,
}

/// A history entry. Who made the change is not shown: accounts are people, and their names
/// are not published.
pub struct HistoryRow {
    at: String,
    action: String,
    what: String,
}

/// An SDG target aligned to something.
pub struct TargetView {
    code: String,
    goal: u8,
    title: String,
}

/// `/action-lines/<code>`.
#[derive(Template)]
#[template(path = "action_line.html")]
pub struct ActionLinePage {
    c: Chrome,
    a: ActionLine,
    title: Safe<String>,
    pillar: Safe<String>,
    description: Safe<String>,
    lead: Safe<String>,
    contributors: Vec<Safe<String>>,
    status: String,
    progress: String,
    progress_value: f64,
    milestones: Vec<MilestoneView>,
    kpis: Vec<KpiRow>,
    targets: Vec<TargetView>,
    legal: Vec<(String, Safe<String>, String)>,
    decisions: Vec<(String, String, Safe<String>)>,
    reports: Vec<ReportView>,
    history: Vec<HistoryRow>,
}

fn sdg_target_view(s: &Snapshot, lang: &str, code: &str) -> TargetView {
    let t = s.sdg.targets.get(code);
    TargetView {
        code: code.to_owned(),
        goal: t.map(|t| t.goal).unwrap_or(0),
        title: t.map(|t| t.title.get(lang).to_owned()).unwrap_or_default(),
    }
}

/// `GET /action-lines/<code>`.
pub async fn action_line(
    State(state): State<AppState>,
    lang: Lang,
    Path(code): Path<String>,
) -> Response {
    let s = public(&state);
    let today = state.today();
    let Some(a) = s.action_lines.get(&code).cloned() else {
        return not_found(&state, lang, "kind-action_line", &code);
    };
    let c = Chrome::new(
        &state,
        lang,
        &format!("/action-lines/{code}"),
        format!("{} {}", a.code, a.title.get(lang.0)),
    )
    .following(&agenda_jobs::Scope::ActionLine(code.clone()));
    let p = action_line_progress(&s, &code, today);
    let pct = p.as_ref().map(|p| p.progress_pct).unwrap_or(0.0);
    let mut milestones: Vec<&Milestone> = s
        .milestones
        .values()
        .filter(|m| m.action_line == a.code)
        .collect();
    milestones.sort_by_key(|m| (m.due, m.code.clone()));
    let milestones = milestones
        .into_iter()
        .map(|m| {
            let late = !matches!(m.status, MilestoneStatus::Done | MilestoneStatus::Cancelled)
                && m.due < today;
            let key = if late { "late" } else { m.status.as_str() };
            MilestoneView {
                code: m.code.to_string(),
                title: c.tx(&m.title),
                due: m.due.to_string(),
                completed_on: m.completed_on.map(|d| d.to_string()).unwrap_or_default(),
                status: c.status("ms-status", key),
                class: if late { "late" } else { m.status.as_str() },
            }
        })
        .collect();
    let kpis = s
        .kpis
        .values()
        .filter(|k| k.action_line.as_ref() == Some(&a.code))
        .map(|k| kpi_row(&c, &s, k, today))
        .collect();
    let targets = a
        .sdg_targets
        .iter()
        .map(|t| sdg_target_view(&s, lang.0, t))
        .collect();
    let legal = s
        .legal_instruments
        .values()
        .filter(|l| l.action_lines.contains(&a.code))
        .map(|l| {
            (
                l.code.to_string(),
                c.tx(&l.title),
                c.status("legal-status", l.status.as_str()),
            )
        })
        .collect();
    let decisions = s
        .decisions
        .values()
        .filter(|d| d.action_lines.contains(&a.code))
        .map(|d| (d.decided_on.to_string(), d.body.to_string(), c.tx(&d.title)))
        .collect();
    let mut reports: Vec<&ProgressReport> = s
        .progress_reports
        .values()
        .filter(|r| r.action_line == a.code)
        .collect();
    reports.sort_by_key(|r| std::cmp::Reverse(r.period));
    let reports = reports
        .into_iter()
        .take(4)
        .map(|r| ReportView {
            period: r.period.to_string(),
            org: org_name(&c, &s, &r.submitted_by_org),
            narrative: c.otx(&r.narrative),
            submitted_on: r.submitted_on.map(|d| d.to_string()).unwrap_or_default(),
        })
        .collect();
    let history = state
        .store
        .audit_records(Some(Kind::ActionLine), Some(&code), 20)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|r| HistoryRow {
            at: r.at.get(..10).unwrap_or(&r.at).to_owned(),
            action: c.t(&format!("action-{}", r.action.as_str())),
            what: changed_fields(r.before.as_deref(), r.after.as_deref()),
        })
        .collect();
    let page = ActionLinePage {
        title: c.tx(&a.title),
        pillar: s
            .pillars
            .get(a.pillar_code.as_str())
            .map(|p| {
                Safe(format!(
                    "{} — {}",
                    esc(p.code.as_str()),
                    tx_html(lang.0, &p.title)
                ))
            })
            .unwrap_or_else(|| Safe(esc(a.pillar_code.as_str()))),
        description: c.otx(&a.description),
        lead: org_name(&c, &s, &a.lead_org),
        contributors: a
            .contributing_orgs
            .iter()
            .map(|o| org_name(&c, &s, o))
            .collect(),
        status: c.status("al-status", a.status.as_str()),
        progress: format!("{}\u{a0}%", c.num(pct)),
        progress_value: pct.round(),
        milestones,
        kpis,
        targets,
        legal,
        decisions,
        reports,
        history,
        a,
        c,
    };
    render(StatusCode::OK, &page)
}

/// The names of the top-level fields that differ between two JSON bodies.
fn changed_fields(before: Option<&str>, after: Option<&str>) -> String {
    let parse = |s: Option<&str>| {
        s.and_then(|s| serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(s).ok())
    };
    match (parse(before), parse(after)) {
        (Some(b), Some(a)) => a
            .iter()
            .filter(|(k, v)| b.get(*k) != Some(v))
            .map(|(k, _)| k.clone())
            .collect::<Vec<_>>()
            .join(", "),
        _ => String::new(),
    }
}

// ---------------------------------------------------------------------------------------------
// KPIs

/// KPI list filters.
#[derive(Debug, Default, Deserialize)]
pub struct KpiFilter {
    status: Option<String>,
}

/// `/kpis`.
#[derive(Template)]
#[template(path = "kpis.html")]
pub struct KpisPage {
    c: Chrome,
    rows: Vec<KpiRow>,
    statuses: Vec<Opt>,
}

/// `GET /kpis`, optionally `?status=on_track`.
pub async fn kpis(
    State(state): State<AppState>,
    lang: Lang,
    q: Result<Query<KpiFilter>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let s = public(&state);
    let today = state.today();
    let Ok(Query(f)) = q else {
        return error_page(
            &state,
            lang,
            StatusCode::BAD_REQUEST,
            t(lang.0, "error-bad-filter"),
        );
    };
    let chosen = f.status.filter(|v| !v.is_empty());
    let status = match &chosen {
        Some(v) => match KpiStatus::ALL.iter().find(|st| st.as_str() == v) {
            Some(st) => Some(*st),
            None => return bad_value(&state, lang, "filter-status", v),
        },
        None => None,
    };
    let c = Chrome::new(&state, lang, "/kpis", t(lang.0, "nav-kpis"));
    let rows = s
        .kpis
        .values()
        .map(|k| kpi_row(&c, &s, k, today))
        .filter(|r| status.is_none_or(|st| r.status == st))
        .collect();
    let statuses = opts(
        KpiStatus::ALL
            .iter()
            .map(|st| (st.as_str().to_owned(), c.status("kpi-status", st.as_str()))),
        &chosen,
    );
    render(StatusCode::OK, &KpisPage { c, rows, statuses })
}

/// A row of a KPI's data table.
pub struct DataRow {
    period: String,
    value: String,
    expected: String,
    note: String,
}

/// `/kpis/<code>`.
#[derive(Template)]
#[template(path = "kpi.html")]
pub struct KpiPage {
    c: Chrome,
    k: Kpi,
    title: Safe<String>,
    status: KpiStatus,
    status_label: String,
    why: String,
    chart: Safe<String>,
    data: Vec<DataRow>,
    targets: Vec<(String, String)>,
    disaggregations: Vec<(String, String, String, String)>,
    method: Safe<String>,
    owner: Safe<String>,
    action_line: Option<(String, Safe<String>)>,
    indicator: Option<(String, String)>,
    unit: String,
    direction: String,
    baseline: String,
    target: String,
    csv: String,
    revisions: Vec<Revision>,
}

fn explain(c: &Chrome, k: &Kpi, a: &KpiAssessment) -> String {
    let lang = c.lang;
    match (a.status, &a.latest, a.expected, a.gap_pct) {
        (KpiStatus::NotDueYet, _, _, _) => t(lang, "why-not-due"),
        (KpiStatus::NoRecentData, _, _, _) => t_args(
            lang,
            "why-no-data",
            &[(
                "periods",
                a.due_periods
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
            )],
        ),
        (_, Some(o), Some(e), Some(gap)) => t_args(
            lang,
            if gap > 0.0 { "why-behind" } else { "why-ahead" },
            &[
                ("value", c.value(k.unit, o.value)),
                ("period", o.period.to_string()),
                ("expected", c.value(k.unit, e)),
                ("gap", c.num(gap.abs())),
            ],
        ),
        _ => String::new(),
    }
}

/// `GET /kpis/<code>` (and `/kpis/<code>.csv`, the data in Open SDG's layout).
pub async fn kpi(State(state): State<AppState>, lang: Lang, Path(code): Path<String>) -> Response {
    let s = public(&state);
    if let Some(base) = code.strip_suffix(".csv") {
        return match s.kpis.get(base) {
            Some(k) => downloads::kpi_csv(&s, k),
            None => not_found(&state, lang, "kind-kpi", base),
        };
    }
    let today = state.today();
    let Some(k) = s.kpis.get(&code).cloned() else {
        return not_found(&state, lang, "kind-kpi", &code);
    };
    let c = Chrome::new(
        &state,
        lang,
        &format!("/kpis/{code}"),
        format!("{} {}", k.code, k.title.get(lang.0)),
    )
    .following(&agenda_jobs::Scope::Kpi(code.clone()));
    let obs: Vec<&Observation> = s.observations_of(&code).collect();
    let a = assess(&k, obs.iter().copied(), today);
    let data = obs
        .iter()
        .filter(|o| o.disaggregation.is_none())
        .map(|o| DataRow {
            period: o.period.to_string(),
            value: c.value(k.unit, o.value),
            expected: c.value(k.unit, expected_at(&k, o.period.end())),
            note: o.note.clone().unwrap_or_default(),
        })
        .collect();
    let targets = std::iter::once((
        k.baseline_date.to_string(),
        c.value(k.unit, k.baseline_value),
    ))
    .chain(
        k.targets
            .iter()
            .map(|t| (format!("{}-12-31", t.year), c.value(k.unit, t.target_value))),
    )
    .chain(std::iter::once((
        k.target_date.to_string(),
        c.value(k.unit, k.target_value),
    )))
    .collect();
    let disaggregations = obs
        .iter()
        .filter_map(|o| {
            o.disaggregation.as_ref().map(|d| {
                (
                    o.period.to_string(),
                    d.dimension.clone(),
                    d.value.clone(),
                    c.value(k.unit, o.value),
                )
            })
        })
        .collect();
    let chart_labels = charts::ChartLabels {
        title: format!("{} — {}", k.code, k.title.get(lang.0)),
        desc: t_args(
            lang.0,
            "chart-desc",
            &[
                ("baseline", c.value(k.unit, k.baseline_value)),
                ("target", c.value(k.unit, k.target_value)),
                ("year", k.target_date.year().to_string()),
            ],
        ),
        observed: t(lang.0, "chart-observed"),
        path: t(lang.0, "chart-path"),
        today: t(lang.0, "chart-today"),
    };
    let revisions = match state
        .store
        .audit_records(Some(Kind::Kpi), Some(k.code.as_str()), 1000)
        .await
    {
        Ok(records) => revisions_of(&records),
        Err(e) => {
            tracing::error!(error = %e, "KPI revisions failed in the store");
            Vec::new()
        }
    };
    let page = KpiPage {
        title: c.tx(&k.title),
        status: a.status,
        status_label: c.status("kpi-status", a.status.as_str()),
        why: explain(&c, &k, &a),
        chart: Safe(charts::kpi_chart(
            &k,
            obs.iter().copied(),
            today,
            &chart_labels,
        )),
        data,
        targets,
        disaggregations,
        method: c.otx(&k.method),
        owner: org_name(&c, &s, &k.owner_org),
        action_line: k.action_line.as_ref().map(|al| {
            (
                al.to_string(),
                s.action_lines
                    .get(al.as_str())
                    .map(|a| c.tx(&a.title))
                    .unwrap_or_else(|| Safe(String::new())),
            )
        }),
        indicator: k.sdg_indicator.as_ref().map(|i| {
            (
                i.clone(),
                s.sdg
                    .indicators
                    .get(i)
                    .map(|x| x.title.get(lang.0).to_owned())
                    .unwrap_or_default(),
            )
        }),
        unit: c.status(
            "unit",
            match k.unit {
                Unit::Percent => "percent",
                Unit::Count => "count",
                Unit::Days => "days",
                Unit::Currency => "currency",
            },
        ),
        direction: c.status("direction", k.direction.as_str()),
        baseline: format!(
            "{} ({})",
            c.value(k.unit, k.baseline_value),
            k.baseline_date
        ),
        target: format!("{} ({})", c.value(k.unit, k.target_value), k.target_date),
        csv: format!("/kpis/{}.csv", k.code),
        revisions,
        k,
        c,
    };
    render(StatusCode::OK, &page)
}

// ---------------------------------------------------------------------------------------------
// Organisations

/// `/organisations`.
#[derive(Template)]
#[template(path = "organisations.html")]
pub struct OrganisationsPage {
    c: Chrome,
    rows: Vec<(String, Safe<String>, String, usize)>,
}

/// `GET /organisations`.
pub async fn organisations(State(state): State<AppState>, lang: Lang) -> Response {
    let s = public(&state);
    let c = Chrome::new(
        &state,
        lang,
        "/organisations",
        t(lang.0, "nav-organisations"),
    );
    let rows = s
        .organisations
        .values()
        .map(|o| {
            let leads = s
                .action_lines
                .values()
                .filter(|a| a.lead_org == o.code)
                .count();
            (
                o.code.to_string(),
                c.tx(&o.name),
                c.status("org-kind", o.kind.as_str()),
                leads,
            )
        })
        .collect();
    render(StatusCode::OK, &OrganisationsPage { c, rows })
}

/// `/organisations/<code>`.
#[derive(Template)]
#[template(path = "organisation.html")]
pub struct OrganisationPage {
    c: Chrome,
    o: Organisation,
    name: Safe<String>,
    kind: String,
    parent: Option<Safe<String>>,
    leads: Vec<ActionLineRow>,
    contributes: Vec<ActionLineRow>,
    kpis: Vec<KpiRow>,
    on_time: usize,
    late: usize,
    overdue: usize,
    pending: usize,
    overdue_list: Vec<(String, String, String)>,
    services: usize,
}

/// `GET /organisations/<code>`.
pub async fn organisation(
    State(state): State<AppState>,
    lang: Lang,
    Path(code): Path<String>,
) -> Response {
    let s = public(&state);
    let today = state.today();
    let Some(o) = s.organisations.get(&code).cloned() else {
        return not_found(&state, lang, "kind-organisation", &code);
    };
    let c = Chrome::new(
        &state,
        lang,
        &format!("/organisations/{code}"),
        o.name.get(lang.0).to_owned(),
    )
    .following(&agenda_jobs::Scope::Organisation(code.clone()));
    // Reports are judged on everything received, drafts and returns included.
    let all = state.store.snapshot();
    let due: Vec<_> = reports_due(
        &all,
        agenda_core::reporting::first_reporting_period(&all),
        today,
    )
    .into_iter()
    .filter(|d| d.organisation == o.code)
    .collect();
    let count = |st: DueState| due.iter().filter(|d| d.state == st).count();
    let page = OrganisationPage {
        name: c.tx(&o.name),
        kind: c.status("org-kind", o.kind.as_str()),
        parent: o.parent_code.as_ref().map(|p| org_name(&c, &s, p)),
        leads: s
            .action_lines
            .values()
            .filter(|a| a.lead_org == o.code)
            .map(|a| action_line_row(&c, &s, a, today))
            .collect(),
        contributes: s
            .action_lines
            .values()
            .filter(|a| a.contributing_orgs.contains(&o.code))
            .map(|a| action_line_row(&c, &s, a, today))
            .collect(),
        kpis: s
            .kpis
            .values()
            .filter(|k| k.owner_org == o.code)
            .map(|k| kpi_row(&c, &s, k, today))
            .collect(),
        on_time: count(DueState::OnTime),
        late: count(DueState::Late),
        overdue: count(DueState::Overdue),
        pending: count(DueState::Pending),
        overdue_list: due
            .iter()
            .filter(|d| d.state == DueState::Overdue)
            .map(|d| {
                (
                    d.action_line.to_string(),
                    d.period.to_string(),
                    d.deadline.to_string(),
                )
            })
            .collect(),
        services: s
            .services
            .values()
            .filter(|v| v.owner_code == o.code)
            .count(),
        o,
        c,
    };
    render(StatusCode::OK, &page)
}

// ---------------------------------------------------------------------------------------------
// SDGs

/// A goal tile.
pub struct GoalView {
    goal: u8,
    short: String,
    lines: usize,
    kpis: usize,
}

/// `/sdgs`.
#[derive(Template)]
#[template(path = "sdgs.html")]
pub struct SdgsPage {
    c: Chrome,
    goals: Vec<GoalView>,
}

fn goal_of_target(t: &str) -> Option<u8> {
    t.split('.').next()?.parse().ok()
}

/// `GET /sdgs`.
pub async fn sdgs(State(state): State<AppState>, lang: Lang) -> Response {
    let s = public(&state);
    let c = Chrome::new(&state, lang, "/sdgs", t(lang.0, "nav-sdgs"));
    let goals = s
        .sdg
        .goals
        .values()
        .map(|g| GoalView {
            goal: g.goal,
            short: g.short.get(lang.0).to_owned(),
            lines: s
                .action_lines
                .values()
                .filter(|a| {
                    a.sdg_targets
                        .iter()
                        .any(|t| goal_of_target(t) == Some(g.goal))
                })
                .count(),
            kpis: s
                .kpis
                .values()
                .filter(|k| k.sdg_indicator.as_deref().and_then(goal_of_target) == Some(g.goal))
                .count(),
        })
        .collect();
    render(StatusCode::OK, &SdgsPage { c, goals })
}

/// A target of a goal and what is aligned to it.
pub struct GoalTarget {
    code: String,
    title: String,
    lines: Vec<(String, Safe<String>)>,
    kpis: Vec<(String, Safe<String>, String)>,
}

/// `/sdgs/<goal>`.
#[derive(Template)]
#[template(path = "sdg.html")]
pub struct SdgPage {
    c: Chrome,
    goal: u8,
    short: String,
    title: String,
    aligned: Vec<GoalTarget>,
    others: Vec<(String, String)>,
}

/// `GET /sdgs/<goal>`.
pub async fn sdg(State(state): State<AppState>, lang: Lang, Path(goal): Path<String>) -> Response {
    let s = public(&state);
    let Some(g) = goal
        .parse::<u8>()
        .ok()
        .and_then(|n| s.sdg.goals.get(&n))
        .cloned()
    else {
        return not_found(&state, lang, "kind-sdg_goal", &goal);
    };
    let c = Chrome::new(
        &state,
        lang,
        &format!("/sdgs/{goal}"),
        format!(
            "{} {} — {}",
            t(lang.0, "sdg-goal"),
            g.goal,
            g.short.get(lang.0)
        ),
    );
    let mut aligned = Vec::new();
    let mut others = Vec::new();
    for tg in s.sdg.targets.values().filter(|t| t.goal == g.goal) {
        let lines: Vec<(String, Safe<String>)> = s
            .action_lines
            .values()
            .filter(|a| a.sdg_targets.contains(&tg.code))
            .map(|a| (a.code.to_string(), c.tx(&a.title)))
            .collect();
        let kpis: Vec<(String, Safe<String>, String)> = s
            .kpis
            .values()
            .filter(|k| {
                k.sdg_indicator
                    .as_ref()
                    .and_then(|i| s.sdg.indicators.get(i))
                    .is_some_and(|i| i.target == tg.code)
            })
            .map(|k| {
                (
                    k.code.to_string(),
                    c.tx(&k.title),
                    k.sdg_indicator.clone().unwrap_or_default(),
                )
            })
            .collect();
        if lines.is_empty() && kpis.is_empty() {
            others.push((tg.code.clone(), tg.title.get(lang.0).to_owned()));
        } else {
            aligned.push(GoalTarget {
                code: tg.code.clone(),
                title: tg.title.get(lang.0).to_owned(),
                lines,
                kpis,
            });
        }
    }
    let page = SdgPage {
        goal: g.goal,
        short: g.short.get(lang.0).to_owned(),
        title: g.title.get(lang.0).to_owned(),
        aligned,
        others,
        c,
    };
    render(StatusCode::OK, &page)
}

// ---------------------------------------------------------------------------------------------
// Roadmap, regulatory plan, open data

/// A row of the roadmap's table.
pub struct RoadmapRow {
    code: String,
    title: Safe<String>,
    start: String,
    end: String,
    status: String,
    milestones: Vec<(String, String, String)>,
}

/// `/roadmap`.
#[derive(Template)]
#[template(path = "roadmap.html")]
pub struct RoadmapPage {
    c: Chrome,
    chart: Safe<String>,
    rows: Vec<RoadmapRow>,
    today: String,
}

/// `GET /roadmap`.
pub async fn roadmap(State(state): State<AppState>, lang: Lang) -> Response {
    let s = public(&state);
    let today = state.today();
    let c = Chrome::new(&state, lang, "/roadmap", t(lang.0, "nav-roadmap"));
    let mut by_line: BTreeMap<&str, Vec<&Milestone>> = BTreeMap::new();
    for m in s.milestones.values() {
        by_line.entry(m.action_line.as_str()).or_default().push(m);
    }
    let rows = s
        .action_lines
        .values()
        .map(|a| RoadmapRow {
            code: a.code.to_string(),
            title: c.tx(&a.title),
            start: a.start.to_string(),
            end: a.end.to_string(),
            status: c.status("al-status", a.status.as_str()),
            milestones: by_line
                .get(a.code.as_str())
                .map(|ms| {
                    ms.iter()
                        .map(|m| {
                            (
                                m.due.to_string(),
                                m.title.get(lang.0).to_owned(),
                                c.status("ms-status", m.status.as_str()),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect();
    let chart = charts::roadmap_chart(
        &s,
        today,
        &t(lang.0, "chart-today"),
        &t(lang.0, "roadmap-chart-title"),
    );
    render(
        StatusCode::OK,
        &RoadmapPage {
            c,
            chart: Safe(chart),
            rows,
            today: today.to_string(),
        },
    )
}

/// A legal instrument row.
pub struct LegalRow {
    code: String,
    title: Safe<String>,
    kind: String,
    status: String,
    org: Safe<String>,
    target: String,
    adopted: String,
    overdue: bool,
    lines: Vec<String>,
}

/// `/regulatory-plan`.
#[derive(Template)]
#[template(path = "regulatory_plan.html")]
pub struct RegulatoryPage {
    c: Chrome,
    rows: Vec<LegalRow>,
}

/// `GET /regulatory-plan`.
pub async fn regulatory_plan(State(state): State<AppState>, lang: Lang) -> Response {
    let s = public(&state);
    let today = state.today();
    let c = Chrome::new(
        &state,
        lang,
        "/regulatory-plan",
        t(lang.0, "nav-regulatory-plan"),
    );
    let rows = s
        .legal_instruments
        .values()
        .map(|l| LegalRow {
            code: l.code.to_string(),
            title: c.tx(&l.title),
            kind: c.status("legal-kind", l.kind.as_str()),
            status: c.status("legal-status", l.status.as_str()),
            org: org_name(&c, &s, &l.responsible_org),
            target: l.target_date.map(|d| d.to_string()).unwrap_or_default(),
            adopted: l.adopted_on.map(|d| d.to_string()).unwrap_or_default(),
            overdue: l.status != LegalStatus::Adopted && l.target_date.is_some_and(|d| d < today),
            lines: l.action_lines.iter().map(ToString::to_string).collect(),
        })
        .collect();
    render(StatusCode::OK, &RegulatoryPage { c, rows })
}

/// `/open-data`.
#[derive(Template)]
#[template(path = "open_data.html")]
pub struct OpenDataPage {
    c: Chrome,
    kpis: Vec<(String, Safe<String>)>,
}

/// `GET /open-data`.
pub async fn open_data(State(state): State<AppState>, lang: Lang) -> Response {
    let s = public(&state);
    let c = Chrome::new(&state, lang, "/open-data", t(lang.0, "nav-open-data"));
    let kpis = s
        .kpis
        .values()
        .map(|k| (k.code.to_string(), c.tx(&k.title)))
        .collect();
    render(StatusCode::OK, &OpenDataPage { c, kpis })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_follow_the_language() {
        assert_eq!(fmt_num("en", 1_300_000.0), "1,300,000");
        assert_eq!(fmt_num("fr", 1_300_000.0), "1\u{202f}300\u{202f}000");
        assert_eq!(fmt_num("fr", 41.55), "41,6");
        assert_eq!(fmt_num("en", 60.0), "60");
        assert_eq!(fmt_num("en", 2024.0), "2024");
        assert_eq!(fmt_num("en", -12345.5), "-12,345.5");
    }

    #[test]
    fn content_missing_in_a_language_is_marked_as_english() {
        let t = Text::en("Digital identity").unwrap();
        let html = tx_html("fr", &t);
        assert!(
            html.starts_with("<span lang=\"en\">Digital identity</span>"),
            "{html}"
        );
        assert_eq!(tx_html("en", &t), "Digital identity");
    }

    #[test]
    fn accept_language_picks_a_supported_language() {
        use axum::http::HeaderMap;
        let mut h = HeaderMap::new();
        h.insert(
            "accept-language",
            "de-DE,fr-CA;q=0.8,es;q=0.9".parse().unwrap(),
        );
        let all: Vec<String> = vec!["en".into(), "fr".into(), "es".into()];
        let fr_en: Vec<String> = vec!["fr".into(), "en".into()];
        assert_eq!(super::super::from_accept_language(&h, &all), "es");
        assert_eq!(super::super::from_accept_language(&h, &fr_en), "fr");
        h.insert("accept-language", "de".parse().unwrap());
        assert_eq!(super::super::from_accept_language(&h, &all), "en");
        assert_eq!(super::super::from_accept_language(&h, &fr_en), "fr");
    }
}

/// A page whose body is built by its handler.
#[derive(Template)]
#[template(path = "admin.html")]
struct BodyPage {
    c: Chrome,
    body: String,
}

/// Whether an audited state of a record (its JSON) is one the public may see.
fn publicly_visible(kind: Kind, json: Option<&str>) -> bool {
    let Some(json) = json else { return true };
    let status = || {
        serde_json::from_str::<serde_json::Value>(json)
            .ok()
            .and_then(|v| v.get("status").and_then(|s| s.as_str()).map(str::to_owned))
            .unwrap_or_default()
    };
    match kind {
        Kind::Observation => status() == "validated",
        Kind::ProgressReport => matches!(status().as_str(), "approved" | "published"),
        _ => true,
    }
}

/// Top-level fields whose values differ between two JSON bodies.
fn field_changes(before: Option<&str>, after: Option<&str>) -> Vec<(String, String, String)> {
    let parse = |s: Option<&str>| {
        s.and_then(|s| serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(s).ok())
            .unwrap_or_default()
    };
    let (b, a) = (parse(before), parse(after));
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    let show = |v: Option<&serde_json::Value>| match v {
        None | Some(serde_json::Value::Null) => String::new(),
        Some(serde_json::Value::String(s)) => s.clone(),
        // Whole numbers read as people write them (`65`, not `65.0`).
        Some(serde_json::Value::Number(n)) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
            _ => n.to_string(),
        },
        Some(v) => v.to_string(),
    };
    keys.into_iter()
        .filter(|k| b.get(*k) != a.get(*k))
        .map(|k| (k.clone(), show(b.get(k)), show(a.get(k))))
        .collect()
}

/// The public change history of one record, from the audit trail: when it was created and
/// changed and which fields changed (never who: accounts are not public). A KPI's baseline and
/// target revisions are listed with their values and justification.
pub async fn history(
    State(state): State<AppState>,
    lang: Lang,
    Path((collection, key)): Path<(String, String)>,
) -> Response {
    let s = public(&state);
    let Some(kind) = Kind::ALL
        .iter()
        .copied()
        .find(|k| k.collection() == collection)
    else {
        return not_found(&state, lang, "history-title", &collection);
    };
    if s.get(kind, &key).is_none() {
        return not_found(&state, lang, "history-title", &key);
    }
    let records = match state
        .store
        .audit_records(Some(kind), Some(&key), 1000)
        .await
    {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(error = %e, "history failed in the store");
            return error_page(
                &state,
                lang,
                StatusCode::INTERNAL_SERVER_ERROR,
                t(lang.0, "admin-error-logged"),
            );
        }
    };
    let mut rows = String::new();
    let revisions: String = if kind == Kind::Kpi {
        revisions_of(&records)
            .iter()
            .map(|r| {
                format!(
                    "<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    r.day,
                    esc(&r.field),
                    esc(&r.before),
                    esc(&r.after),
                    esc(&r.reason)
                )
            })
            .collect()
    } else {
        String::new()
    };
    for r in records.iter().filter(|r| {
        publicly_visible(kind, r.after.as_deref()) && publicly_visible(kind, r.before.as_deref())
    }) {
        let fields = field_changes(r.before.as_deref(), r.after.as_deref());
        let action = t(lang.0, super::history_key(r.action));
        let names: Vec<String> = fields
            .iter()
            .filter(|(k, _, _)| k != "revision_note")
            .map(|(k, _, _)| format!("<code>{}</code>", esc(k)))
            .collect();
        let day = r.at.get(..10).unwrap_or(&r.at);
        rows.push_str(&format!(
            "<tr><td>{day}</td><td>{}</td><td>{}</td></tr>",
            esc(&action),
            if r.before.is_some() && r.after.is_some() {
                names.join(", ")
            } else {
                String::new()
            }
        ));
    }
    let mut body = format!(
        "<h1>{} — {}</h1><p>{}</p>",
        esc(&t(lang.0, "history-title")),
        esc(&key),
        esc(&t(lang.0, "history-intro"))
    );
    if !revisions.is_empty() {
        body.push_str(&format!(
            r#"<h2>{}</h2><table><thead><tr><th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th></tr></thead><tbody>{revisions}</tbody></table>"#,
            esc(&t(lang.0, "history-revisions")),
            esc(&t(lang.0, "col-date")),
            esc(&t(lang.0, "admin-field")),
            esc(&t(lang.0, "history-before")),
            esc(&t(lang.0, "history-after")),
            esc(&t(lang.0, "history-reason")),
        ));
    }
    if rows.is_empty() {
        body.push_str(&format!("<p>{}</p>", esc(&t(lang.0, "history-none"))));
    } else {
        body.push_str(&format!(
            r#"<table><thead><tr><th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th></tr></thead><tbody>{rows}</tbody></table>"#,
            esc(&t(lang.0, "col-date")),
            esc(&t(lang.0, "admin-status")),
            esc(&t(lang.0, "history-fields")),
        ));
    }
    let path = format!("/history/{collection}/{key}");
    render(
        StatusCode::OK,
        &BodyPage {
            c: Chrome::new(
                &state,
                lang,
                &path,
                format!("{} — {key}", t(lang.0, "history-title")),
            ),
            body,
        },
    )
}

/// One change of a KPI's baseline or targets.
pub struct Revision {
    /// Day of the change.
    pub day: String,
    /// The field changed.
    pub field: String,
    /// Its value before.
    pub before: String,
    /// Its value after.
    pub after: String,
    /// The justification given with the change.
    pub reason: String,
}

/// The baseline and target revisions in a KPI's audit records (newest first), each with the
/// justification its new version carries.
fn revisions_of(records: &[agenda_store::AuditRecord]) -> Vec<Revision> {
    const REVISED: &[&str] = &[
        "baseline_value",
        "baseline_date",
        "target_value",
        "target_date",
        "targets",
    ];
    let mut out = Vec::new();
    for r in records
        .iter()
        .filter(|r| r.before.is_some() && r.after.is_some())
    {
        let reason = serde_json::from_str::<serde_json::Value>(r.after.as_deref().unwrap_or(""))
            .ok()
            .and_then(|v| {
                v.get("revision_note")
                    .and_then(|n| n.as_str())
                    .map(str::to_owned)
            })
            .unwrap_or_default();
        let day = r.at.get(..10).unwrap_or(&r.at).to_owned();
        for (field, before, after) in field_changes(r.before.as_deref(), r.after.as_deref())
            .into_iter()
            .filter(|(k, _, _)| REVISED.contains(&k.as_str()))
        {
            out.push(Revision {
                day: day.clone(),
                field,
                before,
                after,
                reason: reason.clone(),
            });
        }
    }
    out
}
