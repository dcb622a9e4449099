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
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::auth::{SignedIn, encode};
use super::review_views::{org_name, render_admin};
use super::write_refused;
use crate::AppState;
use crate::error::PageError;
use crate::extract::SignedForm;
use crate::site::Lang;
use crate::site::consultation_pages::status_class;
use crate::site::i18n::t;
use crate::site::i18n::t_args;
use crate::site::views::Chrome;

/// The organisation a stakeholder speaks for.
fn stakeholder_org(user: &SignedIn) -> Option<&Code> {
    match user.account().role {
        Role::Stakeholder => user.account().organisation.as_ref(),
        _ => None,
    }
}

/// A consultation in the list.
struct Row {
    href: String,
    title: String,
    opens: String,
    closes: String,
    class: &'static str,
    status: String,
}

#[derive(Template)]
#[template(path = "admin/consultations_list.html")]
struct ListPage {
    /// The administration header: who is signed in and the menu.
    a: super::common::AdminBar,
    c: Chrome,
    may_open: bool,
    rows: Vec<Row>,
}

/// `GET /admin/consultations`.
pub(super) async fn list(State(state): State<AppState>, lang: Lang, user: SignedIn) -> Response {
    let s = state.store.snapshot();
    let today = state.today();
    let l = lang.0;
    let rows = s
        .consultations
        .values()
        .rev()
        .map(|k| {
            let st = status(k, today);
            Row {
                href: format!("/admin/consultations/{}", encode(k.code.as_str())),
                title: k.title.get(l).to_owned(),
                opens: k.opens.to_string(),
                closes: k.closes.to_string(),
                class: status_class(st),
                status: t(l, &format!("cons-status-{}", st.as_str())),
            }
        })
        .collect();
    let page = ListPage {
        a: super::common::AdminBar::now(&state, lang),
        c: Chrome::new(&state, lang, "/admin/consultations", t(l, "cons-title")),
        may_open: may_review(&user.actor()),
        rows,
    };
    render_admin(StatusCode::OK, &page)
}

/// A choice in a select.
struct Choice {
    value: &'static str,
    label: String,
    selected: bool,
}

/// The editors' response form of a contribution.
struct RespondForm {
    outcomes: Vec<Choice>,
    /// The reason in the country's default language, and its field (`reason_<lang>`).
    reason: String,
    reason_field: String,
    kinds: Vec<Choice>,
    code: String,
}

/// A contribution with the forms the person may use on it.
struct ContributionView {
    key: String,
    code: String,
    org: String,
    sector: String,
    hidden: Option<String>,
    text: String,
    endorsed: String,
    endorse: Option<String>,
    moderate: bool,
    respond: Option<RespondForm>,
}

#[derive(Template)]
#[template(path = "admin/consultations_show.html")]
struct ShowPage {
    /// The administration header: who is signed in and the menu.
    a: super::common::AdminBar,
    c: Chrome,
    class: &'static str,
    status: String,
    opens: String,
    closes: String,
    public_href: String,
    code: String,
    csrf: String,
    /// The stakeholder's organisation in words, when it may contribute now.
    contribute: Option<String>,
    not_open: bool,
    kinds: Vec<Choice>,
    name_me: String,
    contributions: Vec<ContributionView>,
}

/// `GET /admin/consultations/<code>`: the forms each person may use on this consultation.
pub(super) async fn show(
    State(state): State<AppState>,
    lang: Lang,
    user: SignedIn,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let s = state.store.snapshot();
    let Some(k) = s.consultations.get(&code) else {
        return Err(PageError::not_found("kind-consultation", code));
    };
    let l = lang.0;
    let st = status(k, state.today());
    let open = st == ConsultationStatus::Open;
    let editor = may_review(&user.actor());
    let org = stakeholder_org(&user);
    let contributions = contributions_to(&s, &code)
        .map(|x| {
            let respond = editor.then(|| {
                let r = s.responses.get(x.code.as_str());
                RespondForm {
                    outcomes: ResponseOutcome::ALL
                        .iter()
                        .map(|o| Choice {
                            value: o.as_str(),
                            label: t(l, &format!("cons-outcome-{}", o.as_str())),
                            selected: r.is_some_and(|r| r.outcome == *o),
                        })
                        .collect(),
                    reason: r
                        .and_then(|r| r.reason.exact(s.languages.default_lang()))
                        .unwrap_or("")
                        .to_owned(),
                    reason_field: format!("reason_{}", s.languages.default_lang()),
                    kinds: std::iter::once(Choice {
                        value: "",
                        label: t(l, "admin-none"),
                        selected: r.is_none_or(|r| r.changed_kind.is_none()),
                    })
                    .chain(Subject::ALL.iter().map(|x| Choice {
                        value: x.as_str(),
                        label: t(l, &format!("subject-{}", x.as_str())),
                        selected: r.and_then(|r| r.changed_kind) == Some(*x),
                    }))
                    .collect(),
                    code: r
                        .and_then(|r| r.changed_code.as_ref())
                        .map(Code::to_string)
                        .unwrap_or_default(),
                }
            });
            ContributionView {
                key: encode(x.code.as_str()),
                code: x.code.to_string(),
                org: x
                    .author_org
                    .as_ref()
                    .map_or_else(|| t(l, "cons-own-name"), |o| org_name(&s, l, o)),
                sector: t(l, &format!("cons-sector-{}", x.sector.as_str())),
                hidden: x.hidden.then(|| {
                    t_args(
                        l,
                        "cons-hidden",
                        &[("reason", x.hidden_reason.clone().unwrap_or_default())],
                    )
                }),
                text: x.text.clone(),
                endorsed: x
                    .endorsements
                    .iter()
                    .map(|o| org_name(&s, l, o))
                    .collect::<Vec<_>>()
                    .join(", "),
                endorse: match org {
                    Some(org)
                        if open
                            && !x.hidden
                            && x.author_org.as_ref() != Some(org)
                            && !x.endorsements.contains(org) =>
                    {
                        Some(t_args(
                            l,
                            "cons-endorse-as",
                            &[("org", org_name(&s, l, org))],
                        ))
                    }
                    _ => None,
                },
                moderate: editor && !x.hidden,
                respond,
            }
        })
        .collect();
    let page = ShowPage {
        a: super::common::AdminBar::now(&state, lang),
        c: Chrome::new(
            &state,
            lang,
            &format!("/admin/consultations/{code}"),
            k.title.get(l).to_owned(),
        ),
        class: status_class(st),
        status: t(l, &format!("cons-status-{}", st.as_str())),
        opens: k.opens.to_string(),
        closes: k.closes.to_string(),
        public_href: format!("/consultations/{}", encode(&code)),
        code: encode(&code),
        csrf: user.0.csrf.clone(),
        contribute: org
            .filter(|_| open)
            .map(|o| t_args(l, "cons-as-org", &[("org", org_name(&s, l, o))])),
        not_open: org.is_some() && !open,
        kinds: ContributionKind::ALL
            .iter()
            .map(|x| Choice {
                value: x.as_str(),
                label: t(l, &format!("cons-kind-{}", x.as_str())),
                selected: false,
            })
            .collect(),
        name_me: t_args(
            l,
            "cons-name-me",
            &[("name", user.account().display_name.clone())],
        ),
        contributions,
    };
    Ok(render_admin(StatusCode::OK, &page))
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

#[derive(Template)]
#[template(path = "admin/consultations_invalid.html")]
struct InvalidPage {
    /// The administration header: who is signed in and the menu.
    a: super::common::AdminBar,
    c: Chrome,
    what: String,
}

fn invalid(state: &AppState, lang: Lang, what: &str) -> Response {
    let page = InvalidPage {
        a: super::common::AdminBar::now(state, lang),
        c: Chrome::new(state, lang, "/admin/consultations", t(lang.0, "cons-title")),
        what: what.to_owned(),
    };
    render_admin(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

/// `POST /admin/consultations/<code>/contribute`.
pub(super) async fn contribute(
    State(state): State<AppState>,
    lang: Lang,
    Path(code): Path<String>,
    SignedForm {
        user, fields: f, ..
    }: SignedForm,
) -> Result<Response, PageError> {
    let s = state.store.snapshot();
    let Some(k) = s.consultations.get(&code) else {
        return Err(PageError::not_found("kind-consultation", code));
    };
    let Some(org) = user.account().organisation.clone() else {
        return Err(PageError::forbidden("cons-no-organisation"));
    };
    let text = f.get("text").map(|t| t.trim()).unwrap_or("");
    if text.is_empty() {
        return Ok(invalid(&state, lang, &t(lang.0, "cons-text-required")));
    }
    let Ok(kind) = ContributionKind::parse(f.get("kind").map(String::as_str).unwrap_or("")) else {
        return Ok(invalid(&state, lang, &t(lang.0, "cons-kind-required")));
    };
    let Some(new_code) = next_contribution_code(&s, &k.code) else {
        return Ok(invalid(&state, lang, &t(lang.0, "admin-error")));
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
        author_org: Some(org),
        sector,
        author_name: named.then(|| user.account().display_name.clone()),
        submitted_on: state.today(),
        endorsements: Vec::new(),
        hidden: false,
        hidden_reason: None,
    };
    let consultation = k.code.clone();
    Ok(write(
        &state,
        lang,
        &user,
        &consultation,
        Change::Upsert(contribution.into()),
        0,
    )
    .await)
}

/// The contribution `code` with the version of exactly that content.
async fn current(state: &AppState, code: &str) -> Result<(Contribution, u64), PageError> {
    match state.store.versioned(Kind::Contribution, code).await? {
        (Some(Entity::Contribution(c)), v) => Ok((c, v)),
        _ => Err(PageError::not_found("kind-contribution", code)),
    }
}

/// `POST /admin/contributions/<code>/endorse`: the stakeholder's organisation endorses it.
pub(super) async fn endorse(
    State(state): State<AppState>,
    lang: Lang,
    Path(code): Path<String>,
    SignedForm {
        user, fields: _f, ..
    }: SignedForm,
) -> Result<Response, PageError> {
    let (mut c, version) = current(&state, &code).await?;
    let Some(org) = user.account().organisation.clone() else {
        return Err(PageError::forbidden("cons-no-organisation"));
    };
    if !c.endorsements.contains(&org) {
        c.endorsements.push(org);
    }
    let consultation = c.consultation.clone();
    Ok(write(
        &state,
        lang,
        &user,
        &consultation,
        Change::Upsert(c.into()),
        version,
    )
    .await)
}

/// `POST /admin/contributions/<code>/moderate`: hidden by the moderators, with the reason.
pub(super) async fn moderate(
    State(state): State<AppState>,
    lang: Lang,
    Path(code): Path<String>,
    SignedForm {
        user, fields: f, ..
    }: SignedForm,
) -> Result<Response, PageError> {
    let (mut c, version) = current(&state, &code).await?;
    let reason = f.get("reason").map(|r| r.trim()).unwrap_or("");
    if reason.is_empty() {
        return Ok(invalid(&state, lang, &t(lang.0, "cons-reason-required")));
    }
    c.hidden = true;
    c.hidden_reason = Some(reason.to_owned());
    let consultation = c.consultation.clone();
    Ok(write(
        &state,
        lang,
        &user,
        &consultation,
        Change::Upsert(c.into()),
        version,
    )
    .await)
}

/// `POST /admin/contributions/<code>/respond`: publishes (or corrects) the authority's response.
pub(super) async fn respond(
    State(state): State<AppState>,
    lang: Lang,
    Path(code): Path<String>,
    SignedForm {
        user, fields: f, ..
    }: SignedForm,
) -> Result<Response, PageError> {
    let (c, _) = current(&state, &code).await?;
    let get = |k: &str| f.get(k).map(|v| v.trim()).unwrap_or("");
    let Ok(outcome) = ResponseOutcome::parse(get("outcome")) else {
        return Ok(invalid(&state, lang, &t(lang.0, "cons-outcome-required")));
    };
    // Typed in the country's default language.
    let content = state.store.snapshot().languages.clone();
    let default = content.default_lang().clone();
    let typed = get(&format!("reason_{default}")).replace("\r\n", "\n");
    let Ok(reason) = Text::new_in([(default, typed)], &content) else {
        return Ok(invalid(&state, lang, &t(lang.0, "cons-reason-required")));
    };
    let changed_kind = match get("changed_kind") {
        "" => None,
        v => match Subject::parse(v) {
            Ok(k) => Some(k),
            Err(e) => {
                return Ok(invalid(
                    &state,
                    lang,
                    &super::forms::expected_in(lang.0, e.kind),
                ));
            }
        },
    };
    let changed_code = match get("changed_code") {
        "" => None,
        v => match Code::parse(v) {
            Ok(k) => Some(k),
            Err(e) => {
                return Ok(invalid(
                    &state,
                    lang,
                    &super::forms::expected_in(lang.0, e.kind),
                ));
            }
        },
    };
    let version = match state
        .store
        .versioned(Kind::ContributionResponse, c.code.as_str())
        .await
    {
        Ok((_, v)) => v,
        Err(e) => return Err(PageError::store(e)),
    };
    let first = version == 0;
    let response = ContributionResponse {
        contribution: c.code.clone(),
        outcome,
        reason: reason.clone(),
        changed_kind,
        changed_code,
    };
    let res = write(
        &state,
        lang,
        &user,
        &c.consultation,
        Change::Upsert(response.into()),
        version,
    )
    .await;
    // A person who took part in their own name is told of the response once, when it is
    // first published; a failed mail is logged, the response stays published.
    if first
        && res.status().is_redirection()
        && let Some(settings) = &state.settings.subscriptions
    {
        match state
            .store
            .participant_of_contribution(c.code.as_str())
            .await
        {
            Ok(Some(p)) => {
                let l = agenda_core::languages::known(&p.lang);
                let mail = agenda_jobs::participation::ResponseMail {
                    to: &p.email,
                    lang: l,
                    consultation: c.consultation.as_str(),
                    contribution: c.code.as_str(),
                    outcome: &t(l, &format!("cons-outcome-{}", outcome.as_str())),
                    reason: reason.get(l),
                };
                if let Err(e) = agenda_jobs::participation::send_response_mail(settings, mail).await
                {
                    tracing::warn!(error = %e, "take part: the response was not mailed");
                }
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "take part: the contributor could not be read"),
        }
    }
    Ok(res)
}
