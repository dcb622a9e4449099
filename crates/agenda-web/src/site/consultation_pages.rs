//! The public record of the open and collaborative making of the agenda: consultations, what
//! each stakeholder said and what the authority did with it ("you said, we did"), and who is
//! acknowledged for taking part.

use agenda_core::consultation::{ConsultationStatus, acknowledgements, contributions_to, status};
use agenda_core::*;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::i18n::{t, t_args};
use super::pages::{Chrome, esc, not_found, org_name, public, tx_html};
use super::{Lang, render};
use crate::AppState;

/// A page of this module: the chrome and a body built here, escaped as it is built.
#[derive(Template)]
#[template(path = "consultations.html")]
struct Page {
    c: Chrome,
    body: String,
}

/// The CSS class of a consultation's status badge.
pub(crate) fn status_class(st: ConsultationStatus) -> &'static str {
    match st {
        ConsultationStatus::Open => "al-in_progress",
        ConsultationStatus::Upcoming => "al-not_started",
        ConsultationStatus::Closed => "al-completed",
    }
}

fn outcome_class(o: ResponseOutcome) -> &'static str {
    match o {
        ResponseOutcome::Accepted => "on_track",
        ResponseOutcome::Partly => "at_risk",
        ResponseOutcome::NotAccepted => "off_track",
    }
}

/// The public page of a record a consultation is about or a response changed, and its name.
pub(crate) fn subject_link(c: &Chrome, s: &Snapshot, kind: Subject, code: Option<&Code>) -> String {
    let word = esc(&t(c.lang, &format!("subject-{}", kind.as_str())));
    let (href, name) = match (kind, code) {
        (Subject::Agenda, _) => (
            c.href("/"),
            s.the_agenda().map(|a| tx_html(c.lang, &a.title)),
        ),
        (Subject::ActionLine, Some(k)) => (
            c.href(&format!("/action-lines/{k}")),
            s.action_lines
                .get(k.as_str())
                .map(|a| format!("{k} {}", tx_html(c.lang, &a.title))),
        ),
        (Subject::LegalInstrument, Some(k)) => (
            c.href(&format!("/regulatory-plan#{k}")),
            s.legal_instruments
                .get(k.as_str())
                .map(|a| format!("{k} {}", tx_html(c.lang, &a.title))),
        ),
        (Subject::Kpi, Some(k)) => (
            c.href(&format!("/kpis/{k}")),
            s.kpis
                .get(k.as_str())
                .map(|a| format!("{k} {}", tx_html(c.lang, &a.title))),
        ),
        (Subject::Milestone, Some(k)) => match s.milestones.get(k.as_str()) {
            Some(m) => (
                c.href(&format!("/action-lines/{}", m.action_line)),
                Some(format!("{k} {}", tx_html(c.lang, &m.title))),
            ),
            None => (String::new(), None),
        },
        (Subject::Standard, k) => (
            c.href("/analysis/standard"),
            k.and_then(|k| s.standard_criteria.get(k.as_str()))
                .map(|a| format!("{} {}", a.code, tx_html(c.lang, &a.title))),
        ),
        (_, None) => (String::new(), None),
    };
    let name = name.unwrap_or_else(|| esc(code.map(Code::as_str).unwrap_or("")));
    if href.is_empty() {
        format!("{word} {name}")
    } else {
        format!("{word} <a href=\"{}\">{name}</a>", esc(&href))
    }
}

/// `GET /consultations`.
pub async fn consultations(State(state): State<AppState>, lang: Lang) -> Response {
    let s = public(&state);
    let today = state.today();
    let c = Chrome::new(&state, lang, "/consultations", t(lang.0, "cons-title"));
    let rows: String = s
        .consultations
        .values()
        .rev()
        .map(|k| {
            let st = status(k, today);
            format!(
                r#"<tr><td><a href="{href}">{title}</a></td><td>{subject}</td><td>{opens} – {closes}</td><td><span class="badge {class}">{status}</span></td><td class="num">{n}</td></tr>"#,
                href = esc(&c.href(&format!("/consultations/{}", k.code))),
                title = tx_html(c.lang, &k.title),
                subject = subject_link(&c, &s, k.subject_kind, k.subject_code.as_ref()),
                opens = k.opens,
                closes = k.closes,
                class = status_class(st),
                status = esc(&c.status("cons-status", st.as_str())),
                n = contributions_to(&s, k.code.as_str()).count(),
            )
        })
        .collect();
    let table = if rows.is_empty() {
        format!("<p>{}</p>", esc(&c.t("cons-none")))
    } else {
        format!(
            r#"<div class="scroll" tabindex="0" role="region" aria-label="{region}"><table><caption>{cap}</caption><thead><tr><th scope="col">{ti}</th><th scope="col">{su}</th><th scope="col">{da}</th><th scope="col">{st}</th><th scope="col">{n}</th></tr></thead><tbody>{rows}</tbody></table></div>"#,
            region = esc(&c.t("table-region")),
            cap = esc(&c.t("cons-title")),
            ti = esc(&c.t("col-title")),
            su = esc(&c.t("cons-subject")),
            da = esc(&c.t("cons-dates")),
            st = esc(&c.t("col-status")),
            n = esc(&c.t("cons-contributions")),
        )
    };
    let body = format!(
        r#"<h1>{h}</h1><p>{intro}</p>{table}<p><a href="{ack}">{ackl}</a></p>"#,
        h = esc(&c.t("cons-title")),
        intro = esc(&c.t("cons-intro")),
        ack = esc(&c.href("/acknowledgements")),
        ackl = esc(&c.t("ack-title")),
    );
    render(StatusCode::OK, &Page { c, body })
}

/// `GET /consultations/<code>`: "you said, we did".
pub async fn consultation(
    State(state): State<AppState>,
    lang: Lang,
    Path(code): Path<String>,
) -> Response {
    let s = public(&state);
    let Some(k) = s.consultations.get(&code) else {
        return not_found(&state, lang, "cons-one", &code);
    };
    let today = state.today();
    let path = format!("/consultations/{code}");
    let c = Chrome::new(&state, lang, &path, k.title.get(lang.0).to_owned());
    let st = status(k, today);
    let mut body = format!(
        r#"<h1>{title}</h1><dl class="facts"><div><dt>{sul}</dt><dd>{subject}</dd></div><div><dt>{dal}</dt><dd>{opens} – {closes}</dd></div><div><dt>{stl}</dt><dd><span class="badge {class}">{status}</span></dd></div></dl>"#,
        title = tx_html(c.lang, &k.title),
        sul = esc(&c.t("cons-subject")),
        subject = subject_link(&c, &s, k.subject_kind, k.subject_code.as_ref()),
        dal = esc(&c.t("cons-dates")),
        opens = k.opens,
        closes = k.closes,
        stl = esc(&c.t("col-status")),
        class = status_class(st),
        status = esc(&c.status("cons-status", st.as_str())),
    );
    if st == ConsultationStatus::Open {
        body.push_str(&format!(
            r#"<p>{} <a href="{}">{}</a></p>"#,
            esc(&c.t("cons-how-to-take-part")),
            esc(&c.href(&format!("/admin/consultations/{code}"))),
            esc(&c.t("cons-contribute")),
        ));
    }
    body.push_str(&format!(
        "<h2>{}</h2><p>{}</p>",
        esc(&c.t("cons-you-said-we-did")),
        esc(&c.t("cons-you-said-intro"))
    ));
    let mut any = false;
    for x in contributions_to(&s, &code) {
        any = true;
        body.push_str(&contribution_html(&c, &s, x));
    }
    if !any {
        body.push_str(&format!("<p>{}</p>", esc(&c.t("cons-no-contributions"))));
    }
    render(StatusCode::OK, &Page { c, body })
}

/// One contribution with the authority's response, as the public sees it.
fn contribution_html(c: &Chrome, s: &Snapshot, x: &Contribution) -> String {
    let id = esc(x.code.as_str());
    if x.hidden {
        return format!(
            r#"<article class="report" id="{id}"><h3>{id}</h3><p>{}</p></article>"#,
            esc(&t_args(
                c.lang,
                "cons-hidden",
                &[("reason", x.hidden_reason.clone().unwrap_or_default())]
            ))
        );
    }
    let who = match &x.author_name {
        Some(n) => format!("{} ({})", esc(n), org_name(c, s, &x.author_org).0),
        None => org_name(c, s, &x.author_org).0,
    };
    let endorsed = if x.endorsements.is_empty() {
        String::new()
    } else {
        format!(
            "<div><dt>{}</dt><dd>{}</dd></div>",
            esc(&c.t("cons-endorsed-by")),
            x.endorsements
                .iter()
                .map(|o| org_name(c, s, o).0)
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let response = match s.responses.get(x.code.as_str()) {
        Some(r) => {
            let changed = match r.changed_kind {
                Some(kind) => format!(
                    "<p>{} {}</p>",
                    esc(&c.t("cons-what-changed")),
                    subject_link(c, s, kind, r.changed_code.as_ref())
                ),
                None => String::new(),
            };
            format!(
                r#"<h4>{we}</h4><p><span class="badge {class}">{outcome}</span></p><p>{reason}</p>{changed}"#,
                we = esc(&c.t("cons-we-did")),
                class = outcome_class(r.outcome),
                outcome = esc(&c.status("cons-outcome", r.outcome.as_str())),
                reason = tx_html(c.lang, &r.reason),
            )
        }
        None => format!("<p>{}</p>", esc(&c.t("cons-response-pending"))),
    };
    format!(
        r#"<article class="report" id="{id}"><h3>{id} — {kind}</h3><dl class="facts"><div><dt>{byl}</dt><dd>{who}</dd></div><div><dt>{sel}</dt><dd>{sector}</dd></div><div><dt>{onl}</dt><dd>{on}</dd></div>{endorsed}</dl><h4>{said}</h4><blockquote><p>{text}</p></blockquote>{response}</article>"#,
        kind = esc(&c.status("cons-kind", x.kind.as_str())),
        byl = esc(&c.t("cons-by")),
        sel = esc(&c.t("cons-sector")),
        sector = esc(&c.status("cons-sector", x.sector.as_str())),
        onl = esc(&c.t("cons-submitted-on")),
        on = x.submitted_on,
        said = esc(&c.t("cons-you-said")),
        text = esc(&x.text).replace('\n', "<br>"),
    )
}

/// `GET /acknowledgements`: every organisation and named person who took part.
pub async fn acknowledgements_page(State(state): State<AppState>, lang: Lang) -> Response {
    let s = public(&state);
    let c = Chrome::new(&state, lang, "/acknowledgements", t(lang.0, "ack-title"));
    let a = acknowledgements(&s);
    let what = |code: &Code| -> String {
        if let Some(k) = s.consultations.get(code.as_str()) {
            format!(
                r#"<a href="{}">{}</a>"#,
                esc(&c.href(&format!("/consultations/{code}"))),
                tx_html(c.lang, &k.title)
            )
        } else if let Some(e) = s.codesign_events.get(code.as_str()) {
            format!(
                r#"<a href="{}#{code}">{}</a>"#,
                esc(&c.href("/acknowledgements")),
                tx_html(c.lang, &e.title)
            )
        } else {
            esc(code.as_str())
        }
    };
    let orgs: String = a
        .organisations
        .iter()
        .map(|(org, took)| {
            format!(
                "<tr><td>{}</td><td>{}</td></tr>",
                org_name(&c, &s, org).0,
                took.iter().map(&what).collect::<Vec<_>>().join("; ")
            )
        })
        .collect();
    let people: String = a
        .people
        .iter()
        .map(|(name, org)| format!("<li>{} ({})</li>", esc(name), org_name(&c, &s, org).0))
        .collect();
    let events: String = s
        .codesign_events
        .values()
        .map(|e| {
            format!(
                r#"<tr id="{code}"><td>{date}</td><td>{title}</td><td>{kind}</td><td>{n}</td></tr>"#,
                code = esc(e.code.as_str()),
                date = e.date,
                title = tx_html(c.lang, &e.title),
                kind = esc(&c.status("codesign-kind", e.kind.as_str())),
                n = e.participants.len(),
            )
        })
        .collect();
    let region = esc(&c.t("table-region"));
    let mut body = format!(
        "<h1>{}</h1><p>{}</p>",
        esc(&c.t("ack-title")),
        esc(&c.t("ack-intro"))
    );
    body.push_str(&format!(
        r#"<h2 id="ack-orgs">{h}</h2>"#,
        h = esc(&c.t("ack-organisations"))
    ));
    if orgs.is_empty() {
        body.push_str(&format!("<p>{}</p>", esc(&c.t("ack-none"))));
    } else {
        body.push_str(&format!(
            r#"<div class="scroll" tabindex="0" role="region" aria-label="{region}"><table><caption>{cap}</caption><thead><tr><th scope="col">{o}</th><th scope="col">{p}</th></tr></thead><tbody>{orgs}</tbody></table></div>"#,
            cap = esc(&c.t("ack-organisations")),
            o = esc(&c.t("col-name")),
            p = esc(&c.t("ack-took-part-in")),
        ));
    }
    body.push_str(&format!("<h2>{}</h2>", esc(&c.t("ack-people"))));
    if people.is_empty() {
        body.push_str(&format!("<p>{}</p>", esc(&c.t("ack-none"))));
    } else {
        body.push_str(&format!(r#"<ul class="plain">{people}</ul>"#));
    }
    body.push_str(&format!("<h2>{}</h2>", esc(&c.t("ack-events"))));
    if events.is_empty() {
        body.push_str(&format!("<p>{}</p>", esc(&c.t("ack-none"))));
    } else {
        body.push_str(&format!(
            r#"<div class="scroll" tabindex="0" role="region" aria-label="{region}"><table><caption>{cap}</caption><thead><tr><th scope="col">{d}</th><th scope="col">{ti}</th><th scope="col">{k}</th><th scope="col">{n}</th></tr></thead><tbody>{events}</tbody></table></div>"#,
            cap = esc(&c.t("ack-events")),
            d = esc(&c.t("col-date")),
            ti = esc(&c.t("col-title")),
            k = esc(&c.t("col-kind")),
            n = esc(&c.t("ack-participants")),
        ));
    }
    body.push_str(&format!(
        r#"<p><a href="{}">{}</a></p>"#,
        esc(&c.href("/consultations")),
        esc(&c.t("cons-title"))
    ));
    render(StatusCode::OK, &Page { c, body })
}
