//! Resources in the open: what the agenda costs and who pays for it. `/funding` totals the
//! validated budget lines by year and by funding source, shows who funds what — each partner's
//! commitments and how the action lines it funds are doing — and planned against spent per
//! action line; `/funding/<partner>` follows one partner's money to what it delivered. Only
//! validated lines are in the public view these pages read.

use std::collections::BTreeSet;

use agenda_core::funding::{Amounts, totals};
use agenda_core::progress::group_progress;
use agenda_core::*;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::i18n::{t, t_args};
use super::lang::Lang;
use super::pager::Pager;
use super::rows::{ActionLineRow, GroupView, KpiRow, action_line_row, group_view, kpi_row};
use super::views::{Chrome, LocalText, Opt, OrgLink, opts, org_name, public, render};
use crate::AppState;
use crate::error::PageError;
use crate::extract::PageQuery;

/// Planned, committed and spent as a page shows them.
pub struct AmountsView {
    pub(crate) planned: String,
    pub(crate) committed: String,
    pub(crate) committed_pct: String,
    pub(crate) spent: String,
    pub(crate) spent_pct: String,
}

fn amounts_view(c: &Chrome, a: &Amounts) -> AmountsView {
    AmountsView {
        planned: c.money(a.planned),
        committed: c.money(a.committed),
        committed_pct: c.pct(a.committed_pct()),
        spent: c.money(a.spent),
        spent_pct: c.pct(a.spent_pct()),
    }
}

/// The total of `lines`, as a page shows it.
pub(crate) fn totals_view<'a>(c: &Chrome, lines: impl Iterator<Item = &'a Budget>) -> AmountsView {
    let mut all = Amounts::default();
    for b in lines {
        all.add(b);
    }
    amounts_view(c, &all)
}

/// One budget line, on an action line's page and a partner's.
pub struct BudgetRow {
    pub(crate) year: i32,
    pub(crate) action_line: String,
    pub(crate) action_line_title: LocalText,
    pub(crate) source: String,
    pub(crate) partner: Option<OrgLink>,
    pub(crate) amounts: AmountsView,
    pub(crate) note: String,
}

/// `b` as a row.
pub(crate) fn budget_row(c: &Chrome, s: &Snapshot, b: &Budget) -> BudgetRow {
    let mut one = Amounts::default();
    one.add(b);
    BudgetRow {
        year: b.year,
        action_line: b.action_line.to_string(),
        action_line_title: s.action_lines.get(b.action_line.as_str()).map_or_else(
            || LocalText::plain(b.action_line.as_str()),
            |a| c.tx(&a.title),
        ),
        source: c.status("funding-source", b.source.as_str()),
        partner: b.partner.as_ref().map(|p| org_name(c, s, p)),
        amounts: amounts_view(c, &one),
        note: b.note.clone().unwrap_or_default(),
    }
}

/// A total of a year or a funding source.
pub struct TotalRow {
    label: String,
    amounts: AmountsView,
}

/// An action line a partner funds, with what its share is.
pub struct FundedLine {
    row: ActionLineRow,
    amounts: AmountsView,
}

/// A partner on `/funding`.
pub struct PartnerRow {
    code: String,
    name: LocalText,
    lines: Vec<FundedLine>,
    kpis: GroupView,
    amounts: AmountsView,
}

/// An action line's resources on `/funding`.
pub struct LineRow {
    row: ActionLineRow,
    sources: String,
    amounts: AmountsView,
}

/// `/funding`.
#[derive(Template)]
#[template(path = "funding.html")]
pub struct FundingPage {
    c: Chrome,
    total: AmountsView,
    lines_count: usize,
    years: Vec<TotalRow>,
    sources: Vec<TotalRow>,
    partners: Vec<PartnerRow>,
    year_opts: Vec<Opt>,
    /// The year the table of action lines is for, when one is chosen.
    year: Option<i32>,
    lines: Vec<LineRow>,
    pager: Pager,
}

/// The filters of `/funding`'s table of action lines.
#[derive(Debug, Default, serde::Deserialize)]
pub struct FundingQuery {
    /// A budget year.
    year: Option<String>,
    page: Option<usize>,
}

/// The KPIs of the action lines `codes`, where they stand on `today`.
fn kpis_of(c: &Chrome, s: &Snapshot, codes: &BTreeSet<&Code>, today: Date) -> GroupView {
    let kpis = s
        .kpis
        .values()
        .filter(|k| k.action_line.as_ref().is_some_and(|al| codes.contains(al)));
    group_view(c, &group_progress(s, kpis, today))
}

/// The funding sources of `lines`, in words, in the vocabulary's order.
fn sources_of<'a>(c: &Chrome, lines: impl Iterator<Item = &'a Budget>) -> String {
    let used: BTreeSet<usize> = lines
        .filter_map(|b| FundingSource::ALL.iter().position(|x| *x == b.source))
        .collect();
    used.into_iter()
        .map(|i| c.status("funding-source", FundingSource::ALL[i].as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `GET /funding`: the totals, who funds what, and planned against spent per action line.
pub async fn funding(
    State(state): State<AppState>,
    lang: Lang,
    PageQuery(q): PageQuery<FundingQuery>,
) -> Result<Response, PageError> {
    let s = public(&state);
    let today = state.today();
    let c = Chrome::new(&state, lang, "/funding", t(lang.0, "funding-title"));
    let all = totals(s.budgets.values());
    let year = match q.year.as_deref().filter(|v| !v.is_empty()) {
        None => None,
        Some(v) => match v.parse::<i32>() {
            Ok(y) if all.by_year.iter().any(|(x, _)| *x == y) => Some(y),
            _ => return Err(PageError::bad_value("filter-year", v)),
        },
    };
    let years = all
        .by_year
        .iter()
        .map(|(y, a)| TotalRow {
            label: y.to_string(),
            amounts: amounts_view(&c, a),
        })
        .collect();
    let sources = all
        .by_source
        .iter()
        .map(|(src, a)| TotalRow {
            label: c.status("funding-source", src.as_str()),
            amounts: amounts_view(&c, a),
        })
        .collect();
    let partners = all
        .by_partner
        .iter()
        .map(|(p, a)| {
            let theirs: Vec<&Budget> = s
                .budgets
                .values()
                .filter(|b| b.partner.as_ref() == Some(p))
                .collect();
            let per_line = totals(theirs.iter().copied()).by_action_line;
            let codes: BTreeSet<&Code> = per_line.iter().map(|(al, _)| al).collect();
            PartnerRow {
                code: p.to_string(),
                name: s
                    .organisations
                    .get(p.as_str())
                    .map_or_else(|| LocalText::plain(p.as_str()), |o| c.tx(&o.name)),
                kpis: kpis_of(&c, &s, &codes, today),
                lines: per_line
                    .iter()
                    .filter_map(|(al, la)| {
                        s.action_lines.get(al.as_str()).map(|x| FundedLine {
                            row: action_line_row(&c, &s, x, today),
                            amounts: amounts_view(&c, la),
                        })
                    })
                    .collect(),
                amounts: amounts_view(&c, a),
            }
        })
        .collect();
    let chosen: Vec<&Budget> = s
        .budgets
        .values()
        .filter(|b| year.is_none_or(|y| b.year == y))
        .collect();
    let per_line = totals(chosen.iter().copied()).by_action_line;
    let year_text = year.map(|y| y.to_string());
    let pager = Pager::new(
        &c,
        "/funding",
        &[("year", year_text.as_deref())],
        q.page,
        per_line.len(),
        "pager-funded-lines",
    )?;
    let lines = pager
        .slice(&per_line)
        .filter_map(|(al, a)| {
            let x = s.action_lines.get(al.as_str())?;
            Some(LineRow {
                row: action_line_row(&c, &s, x, today),
                sources: sources_of(&c, chosen.iter().copied().filter(|b| b.action_line == *al)),
                amounts: amounts_view(&c, a),
            })
        })
        .collect();
    let year_opts = opts(
        all.by_year
            .iter()
            .map(|(y, _)| (y.to_string(), y.to_string())),
        &year_text,
    );
    let page = FundingPage {
        total: amounts_view(&c, &all.all),
        lines_count: all.all.lines,
        years,
        sources,
        partners,
        year_opts,
        year,
        lines,
        pager,
        c,
    };
    Ok(render(StatusCode::OK, &page))
}

/// An action line a partner funds: where it stands and what its KPIs say.
pub struct DeliveredLine {
    row: ActionLineRow,
    amounts: AmountsView,
    kpis: Vec<KpiRow>,
    kpis_caption: String,
    milestones: String,
}

/// `/funding/<partner>`.
#[derive(Template)]
#[template(path = "funding_partner.html")]
pub struct PartnerPage {
    c: Chrome,
    code: String,
    org: OrgLink,
    total: AmountsView,
    years: Vec<TotalRow>,
    commitments: Vec<BudgetRow>,
    delivered: Vec<DeliveredLine>,
    kpis: GroupView,
}

/// `GET /funding/<code>`: a partner's commitments and what its money delivered. Only an
/// international organisation, or one that validated lines name, has such a page.
pub async fn partner(
    State(state): State<AppState>,
    lang: Lang,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let s = public(&state);
    let today = state.today();
    let theirs: Vec<&Budget> = s
        .budgets
        .values()
        .filter(|b| b.partner.as_ref().is_some_and(|p| p.as_str() == code))
        .collect();
    let Some(o) = s
        .organisations
        .get(&code)
        .filter(|o| o.kind == OrgKind::International || !theirs.is_empty())
    else {
        return Err(PageError::not_found("funding-partner", &code));
    };
    let c = Chrome::new(
        &state,
        lang,
        &format!("/funding/{code}"),
        t_args(
            lang.0,
            "funding-partner-title",
            &[("name", o.name.get(lang.0).to_owned())],
        ),
    );
    let all = totals(theirs.iter().copied());
    let mut by_year = theirs.clone();
    by_year.sort_by(|a, b| (b.year, &a.action_line).cmp(&(a.year, &b.action_line)));
    let codes: BTreeSet<&Code> = all.by_action_line.iter().map(|(al, _)| al).collect();
    let delivered = all
        .by_action_line
        .iter()
        .filter_map(|(al, a)| {
            let x = s.action_lines.get(al.as_str())?;
            let done = s
                .milestones
                .values()
                .filter(|m| m.action_line == *al)
                .fold((0, 0), |(d, n), m| {
                    (d + usize::from(m.status == MilestoneStatus::Done), n + 1)
                });
            Some(DeliveredLine {
                row: action_line_row(&c, &s, x, today),
                amounts: amounts_view(&c, a),
                kpis: s
                    .kpis
                    .values()
                    .filter(|k| k.action_line.as_ref() == Some(al))
                    .map(|k| kpi_row(&c, &s, k, today))
                    .collect(),
                kpis_caption: t_args(c.lang, "funding-kpis-of", &[("code", al.to_string())]),
                milestones: t_args(
                    c.lang,
                    "funding-milestones-done",
                    &[("done", done.0.to_string()), ("total", done.1.to_string())],
                ),
            })
        })
        .collect();
    let page = PartnerPage {
        code: o.code.to_string(),
        org: org_name(&c, &s, &o.code),
        total: amounts_view(&c, &all.all),
        years: all
            .by_year
            .iter()
            .map(|(y, a)| TotalRow {
                label: y.to_string(),
                amounts: amounts_view(&c, a),
            })
            .collect(),
        commitments: by_year.iter().map(|b| budget_row(&c, &s, b)).collect(),
        kpis: kpis_of(&c, &s, &codes, today),
        delivered,
        c,
    };
    Ok(render(StatusCode::OK, &page))
}
