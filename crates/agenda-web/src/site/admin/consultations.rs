//! Taking part in consultations: stakeholders contribute in their organisation's name while a
//! consultation is open and endorse other organisations' contributions; editors moderate (hide
//! with a reason) and publish the authority's responses. Opening a consultation is the generic
//! form of `/admin/data/consultations`. Every write goes through `agenda_core::policy`, told
//! the day, and the store's version check.

use agenda_core::consultation::{
    ConsultationStatus, contributions_to, next_contribution_code, sector_of, status,
};
use agenda_core::policy::may_review;
use agenda_core::{
    Change, Code, Contribution, ContributionKind, ContributionResponse, Entity, Kind,
    ResponseOutcome, Role, Subject, Text,
};
use agenda_store::Writer;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::auth::{SignedIn, encode};
use super::{csrf_input, fields_of, forbidden, page, store_failure, write_refused};
use crate::AppState;
use crate::site::Lang;
use crate::site::consultation_pages::status_class;
use crate::site::i18n::t;
use crate::site::pages::esc;

/// The organisation a stakeholder speaks for.
fn stakeholder_org(user: &SignedIn) -> Option<&Code> {
    match user.account().role {
        Role::Stakeholder => user.account().organisation.as_ref(),
        _ => None,
    }
}

/// `GET /admin/consultations`.
pub(super) async fn list(State(state): State<AppState>, lang: Lang, user: SignedIn) -> Response {
    let s = state.store.snapshot();
    let today = state.today();
    let rows: String = s
        .consultations
        .values()
        .rev()
        .map(|k| {
            let st = status(k, today);
            format!(
                r#"<tr><td><a href="/admin/consultations/{}">{}</a></td><td>{}</td><td>{} – {}</td><td><span class="badge {}">{}</span></td></tr>"#,
                encode(k.code.as_str()),
                esc(k.code.as_str()),
                esc(k.title.get(lang.0)),
                k.opens,
                k.closes,
                status_class(st),
                esc(&t(lang.0, &format!("cons-status-{}", st.as_str()))),
            )
        })
        .collect();
    let open_new = if may_review(&user.actor()) {
        format!(
            r#"<p><a href="/admin/data/consultations/new">{}</a></p>"#,
            esc(&t(lang.0, "cons-open-new"))
        )
    } else {
        String::new()
    };
    let body = format!(
        r#"{open_new}<table><caption>{cap}</caption><thead><tr><th scope="col">{code}</th><th scope="col">{title}</th><th scope="col">{dates}</th><th scope="col">{st}</th></tr></thead><tbody>{rows}</tbody></table>"#,
        cap = esc(&t(lang.0, "cons-title")),
        code = esc(&t(lang.0, "col-code")),
        title = esc(&t(lang.0, "col-title")),
        dates = esc(&t(lang.0, "cons-dates")),
        st = esc(&t(lang.0, "col-status")),
    );
    page(&state, lang, StatusCode::OK, &t(lang.0, "cons-title"), body)
}

/// `GET /admin/consultations/<code>`: the forms each person may use on this consultation.
pub(super) async fn show(
    State(state): State<AppState>,
    lang: Lang,
    user: SignedIn,
    Path(code): Path<String>,
) -> Response {
    let s = state.store.snapshot();
    let Some(k) = s.consultations.get(&code) else {
        return super::super::not_found_page(&state, lang, format!("consultation {code}")).await;
    };
    let l = lang.0;
    let open = status(k, state.today()) == ConsultationStatus::Open;
    let editor = may_review(&user.actor());
    let org = stakeholder_org(&user);
    let csrf = csrf_input(&user.0.csrf);
    let st = status(k, state.today());
    let mut body = format!(
        r#"<p><span class="badge {}">{}</span> {} – {} · <a href="/consultations/{}">{}</a></p>"#,
        status_class(st),
        esc(&t(l, &format!("cons-status-{}", st.as_str()))),
        k.opens,
        k.closes,
        encode(&code),
        esc(&t(l, "cons-public-page")),
    );
    if let (Some(org), true) = (org, open) {
        let kinds: String = ContributionKind::ALL
            .iter()
            .map(|x| {
                format!(
                    r#"<option value="{}">{}</option>"#,
                    x.as_str(),
                    esc(&t(l, &format!("cons-kind-{}", x.as_str())))
                )
            })
            .collect();
        body.push_str(&format!(
            r#"<h2>{h}</h2><form method="post" action="/admin/consultations/{c}/contribute" class="admin">{csrf}
<p>{as_org}</p>
<p><label for="c-kind">{kl}</label><br><select id="c-kind" name="kind">{kinds}</select></p>
<p><label for="c-text">{tl}</label><br><textarea id="c-text" name="text" rows="6" required></textarea></p>
<p><input type="checkbox" id="c-named" name="named" value="yes"> <label for="c-named">{nl}</label></p>
<p><button type="submit">{send}</button></p></form>"#,
            h = esc(&t(l, "cons-contribute")),
            c = encode(&code),
            as_org = esc(&crate::site::i18n::t_args(l, "cons-as-org", &[("org", org.to_string())])),
            kl = esc(&t(l, "col-kind")),
            tl = esc(&t(l, "cons-your-contribution")),
            nl = esc(&crate::site::i18n::t_args(
                l,
                "cons-name-me",
                &[("name", user.account().display_name.clone())]
            )),
            send = esc(&t(l, "cons-send")),
        ));
    } else if org.is_some() {
        body.push_str(&format!("<p>{}</p>", esc(&t(l, "cons-not-open"))));
    }
    body.push_str(&format!("<h2>{}</h2>", esc(&t(l, "cons-contributions"))));
    for x in contributions_to(&s, &code) {
        let key = encode(x.code.as_str());
        let mut forms = String::new();
        if let (Some(org), true) = (org, open)
            && !x.hidden
            && &x.author_org != org
            && !x.endorsements.contains(org)
        {
            forms.push_str(&format!(
                r#"<form method="post" action="/admin/contributions/{key}/endorse" class="inline">{csrf}<button type="submit">{}</button></form>"#,
                esc(&crate::site::i18n::t_args(l, "cons-endorse-as", &[("org", org.to_string())]))
            ));
        }
        if editor {
            if !x.hidden {
                forms.push_str(&format!(
                    r#"<form method="post" action="/admin/contributions/{key}/moderate" class="admin">{csrf}<p><label for="m-{key}">{rl}</label><br><input id="m-{key}" name="reason" required></p><p><button type="submit">{hide}</button></p></form>"#,
                    rl = esc(&t(l, "cons-moderation-reason")),
                    hide = esc(&t(l, "cons-hide")),
                ));
            }
            let r = s.responses.get(x.code.as_str());
            let outcomes: String = ResponseOutcome::ALL
                .iter()
                .map(|o| {
                    let sel = if r.is_some_and(|r| r.outcome == *o) {
                        " selected"
                    } else {
                        ""
                    };
                    format!(
                        r#"<option value="{}"{sel}>{}</option>"#,
                        o.as_str(),
                        esc(&t(l, &format!("cons-outcome-{}", o.as_str())))
                    )
                })
                .collect();
            let changed_kinds: String = std::iter::once(("", t(l, "admin-none")))
                .chain(
                    Subject::ALL
                        .iter()
                        .map(|x| (x.as_str(), t(l, &format!("subject-{}", x.as_str())))),
                )
                .map(|(v, label)| {
                    let sel = if r.and_then(|r| r.changed_kind).map(|k| k.as_str()) == Some(v)
                        || (v.is_empty() && r.is_none_or(|r| r.changed_kind.is_none()))
                    {
                        " selected"
                    } else {
                        ""
                    };
                    format!(r#"<option value="{v}"{sel}>{}</option>"#, esc(&label))
                })
                .collect();
            forms.push_str(&format!(
                r#"<form method="post" action="/admin/contributions/{key}/respond" class="admin">{csrf}
<p><label for="o-{key}">{ol}</label><br><select id="o-{key}" name="outcome">{outcomes}</select></p>
<p><label for="r-{key}">{rl}</label><br><textarea id="r-{key}" name="reason_en" rows="3" required>{reason}</textarea></p>
<p><label for="k-{key}">{kl}</label><br><select id="k-{key}" name="changed_kind">{changed_kinds}</select></p>
<p><label for="cc-{key}">{cl}</label><br><input id="cc-{key}" name="changed_code" value="{code}"></p>
<p><button type="submit">{pub_}</button></p></form>"#,
                ol = esc(&t(l, "cons-outcome")),
                rl = esc(&t(l, "cons-response-reason")),
                reason = esc(r.map(|r| r.reason.get("en")).unwrap_or("")),
                kl = esc(&t(l, "cons-changed-kind")),
                cl = esc(&t(l, "cons-changed-code")),
                code = esc(r.and_then(|r| r.changed_code.as_ref()).map(Code::as_str).unwrap_or("")),
                pub_ = esc(&t(l, "cons-publish-response")),
            ));
        }
        let hidden = if x.hidden {
            format!(
                r#"<p class="error">{}</p>"#,
                esc(&crate::site::i18n::t_args(
                    l,
                    "cons-hidden",
                    &[("reason", x.hidden_reason.clone().unwrap_or_default())]
                ))
            )
        } else {
            String::new()
        };
        body.push_str(&format!(
            r#"<article class="report"><h3>{code} — {org} ({sector})</h3>{hidden}<p>{text}</p><p>{el}: {endorsed}</p>{forms}</article>"#,
            code = esc(x.code.as_str()),
            org = esc(x.author_org.as_str()),
            sector = esc(&t(l, &format!("cons-sector-{}", x.sector.as_str()))),
            text = esc(&x.text),
            el = esc(&t(l, "cons-endorsed-by")),
            endorsed = esc(
                &x.endorsements
                    .iter()
                    .map(Code::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    page(&state, lang, StatusCode::OK, k.title.get(l), body)
}

/// Applies `change` for `user` if the rule allows it on today's date, `expected` being the
/// version the change started from; then back to the consultation's page.
async fn write(
    state: &AppState,
    lang: Lang,
    user: &SignedIn,
    consultation: &Code,
    change: Change,
    expected: u64,
) -> Response {
    let (kind, key) = match &change {
        Change::Upsert(e) => (e.kind(), e.key()),
        Change::Delete(k, key) => (*k, key.clone()),
    };
    match state
        .store
        .apply_as(
            Writer::actor(&user.account().username, user.actor(), Some(state.today())),
            vec![change],
            vec![(kind, key, expected)],
        )
        .await
    {
        Ok(_) => Redirect::to(&format!(
            "/admin/consultations/{}?saved=1",
            encode(consultation.as_str())
        ))
        .into_response(),
        Err(e) => write_refused(state, lang, &t(lang.0, "cons-title"), e),
    }
}

fn invalid(state: &AppState, lang: Lang, what: &str) -> Response {
    page(
        state,
        lang,
        StatusCode::UNPROCESSABLE_ENTITY,
        &t(lang.0, "cons-title"),
        format!(r#"<p class="error" role="alert">{}</p>"#, esc(what)),
    )
}

/// `POST /admin/consultations/<code>/contribute`.
pub(super) async fn contribute(
    State(state): State<AppState>,
    lang: Lang,
    user: SignedIn,
    Path(code): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let f = fields_of(f);
    if let Some(r) = user.csrf_refusal(f.get("csrf").map(String::as_str)) {
        return r;
    }
    let s = state.store.snapshot();
    let Some(k) = s.consultations.get(&code) else {
        return super::super::not_found_page(&state, lang, format!("consultation {code}")).await;
    };
    let Some(org) = user.account().organisation.clone() else {
        return forbidden(&state, lang, &t(lang.0, "cons-no-organisation"));
    };
    let text = f.get("text").map(|t| t.trim()).unwrap_or("");
    if text.is_empty() {
        return invalid(&state, lang, &t(lang.0, "cons-text-required"));
    }
    let Ok(kind) = ContributionKind::parse(f.get("kind").map(String::as_str).unwrap_or("")) else {
        return invalid(&state, lang, &t(lang.0, "cons-kind-required"));
    };
    let Some(new_code) = next_contribution_code(&s, &k.code) else {
        return invalid(&state, lang, &t(lang.0, "admin-error"));
    };
    let sector = s
        .organisations
        .get(org.as_str())
        .map(|o| sector_of(o.kind))
        .unwrap_or(agenda_core::Sector::Public);
    // The name is kept only when the person ticked the box that they agree to be named.
    let named = f.get("named").is_some_and(|v| v == "yes");
    let contribution = Contribution {
        code: new_code,
        consultation: k.code.clone(),
        kind,
        text: text.replace("\r\n", "\n"),
        author_org: org,
        sector,
        author_name: named.then(|| user.account().display_name.clone()),
        submitted_on: state.today(),
        endorsements: Vec::new(),
        hidden: false,
        hidden_reason: None,
    };
    let consultation = k.code.clone();
    write(
        &state,
        lang,
        &user,
        &consultation,
        Change::Upsert(contribution.into()),
        0,
    )
    .await
}

/// The contribution `code` with the version of exactly that content.
async fn current(
    state: &AppState,
    lang: Lang,
    code: &str,
) -> Result<(Contribution, u64), Response> {
    match state.store.versioned(Kind::Contribution, code).await {
        Ok((Some(Entity::Contribution(c)), v)) => Ok((c, v)),
        Ok(_) => {
            Err(super::super::not_found_page(state, lang, format!("contribution {code}")).await)
        }
        Err(e) => Err(store_failure(state, lang, e)),
    }
}

/// `POST /admin/contributions/<code>/endorse`: the stakeholder's organisation endorses it.
pub(super) async fn endorse(
    State(state): State<AppState>,
    lang: Lang,
    user: SignedIn,
    Path(code): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let f = fields_of(f);
    if let Some(r) = user.csrf_refusal(f.get("csrf").map(String::as_str)) {
        return r;
    }
    let (mut c, version) = match current(&state, lang, &code).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Some(org) = user.account().organisation.clone() else {
        return forbidden(&state, lang, &t(lang.0, "cons-no-organisation"));
    };
    if !c.endorsements.contains(&org) {
        c.endorsements.push(org);
    }
    let consultation = c.consultation.clone();
    write(
        &state,
        lang,
        &user,
        &consultation,
        Change::Upsert(c.into()),
        version,
    )
    .await
}

/// `POST /admin/contributions/<code>/moderate`: hidden by the moderators, with the reason.
pub(super) async fn moderate(
    State(state): State<AppState>,
    lang: Lang,
    user: SignedIn,
    Path(code): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let f = fields_of(f);
    if let Some(r) = user.csrf_refusal(f.get("csrf").map(String::as_str)) {
        return r;
    }
    let (mut c, version) = match current(&state, lang, &code).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let reason = f.get("reason").map(|r| r.trim()).unwrap_or("");
    if reason.is_empty() {
        return invalid(&state, lang, &t(lang.0, "cons-reason-required"));
    }
    c.hidden = true;
    c.hidden_reason = Some(reason.to_owned());
    let consultation = c.consultation.clone();
    write(
        &state,
        lang,
        &user,
        &consultation,
        Change::Upsert(c.into()),
        version,
    )
    .await
}

/// `POST /admin/contributions/<code>/respond`: publishes (or corrects) the authority's response.
pub(super) async fn respond(
    State(state): State<AppState>,
    lang: Lang,
    user: SignedIn,
    Path(code): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let f = fields_of(f);
    if let Some(r) = user.csrf_refusal(f.get("csrf").map(String::as_str)) {
        return r;
    }
    let (c, _) = match current(&state, lang, &code).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let get = |k: &str| f.get(k).map(|v| v.trim()).unwrap_or("");
    let Ok(outcome) = ResponseOutcome::parse(get("outcome")) else {
        return invalid(&state, lang, &t(lang.0, "cons-outcome-required"));
    };
    let Ok(reason) = Text::en(get("reason_en").replace("\r\n", "\n")) else {
        return invalid(&state, lang, &t(lang.0, "cons-reason-required"));
    };
    let changed_kind = match get("changed_kind") {
        "" => None,
        v => match Subject::parse(v) {
            Ok(k) => Some(k),
            Err(e) => return invalid(&state, lang, &e.expected),
        },
    };
    let changed_code = match get("changed_code") {
        "" => None,
        v => match Code::parse(v) {
            Ok(k) => Some(k),
            Err(e) => return invalid(&state, lang, &e.expected),
        },
    };
    let version = match state
        .store
        .versioned(Kind::ContributionResponse, c.code.as_str())
        .await
    {
        Ok((_, v)) => v,
        Err(e) => return store_failure(&state, lang, e),
    };
    let response = ContributionResponse {
        contribution: c.code.clone(),
        outcome,
        reason,
        changed_kind,
        changed_code,
    };
    write(
        &state,
        lang,
        &user,
        &c.consultation,
        Change::Upsert(response.into()),
        version,
    )
    .await
}
