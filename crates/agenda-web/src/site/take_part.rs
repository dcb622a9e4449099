//! Taking part in an open consultation in one's own name: a citizen, a student union, a small
//! business.
//!
//! A person gives their address, a sector and, if they wish, a name to be shown; a link mailed
//! to them signs them in (no password; it works once and for an hour). Their contributions
//! carry no name in the public record: the name they chose is shown beside them from the
//! participants' table, so that deleting their data removes it everywhere. The forms are
//! protected like the other public forms (signed token, same-site check, hidden field, rate
//! limit per client), and every page about a person is never cached.

use agenda_core::consultation::{ConsultationStatus, next_contribution_code, status};
use agenda_core::policy::Actor;
use agenda_core::{Change, Code, Contribution, ContributionKind, Entity, Kind, Sector};
use agenda_store::participants::{LinkRequested, NAME_MAX_CHARS, Participant, SESSION_DAYS};
use agenda_store::subscriptions::{EMAIL_MAX_CHARS, check_email};
use agenda_store::{StoreError, Writer};
use askama::Template;
use axum::extract::{Form, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::admin::auth::{cookie, set_cookie};
use super::feedback::{ClientAddr, check_post, same_site};
use super::i18n::{t, t_args};
use super::lang::Lang;
use super::subscribe::{action_page, message, private};
use super::views::{Chrome, Opt, public, render};
use crate::AppState;
use crate::error::PageError;

/// The cookie of a participant's session.
pub const COOKIE: &str = "agenda_participant";
/// What the forms' tokens are signed for.
const FORM: &str = "take-part";
/// The longest contribution taken.
pub const TEXT_MAX_CHARS: usize = 5_000;

fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

fn failed(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "take part: a request could not be handled");
    private(PageError::new(StatusCode::INTERNAL_SERVER_ERROR, "take-part-failed").into_response())
}

/// The person signed in on this browser, if any: the session cookie, looked up.
pub struct Participating(Option<Participant>);

impl FromRequestParts<AppState> for Participating {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let who = match cookie(&parts.headers, COOKIE) {
            Some(c) => state
                .store
                .participant_session(c, now())
                .await
                .map_err(PageError::store)?,
            None => None,
        };
        Ok(Self(who))
    }
}

/// A form token, signed now.
async fn form_token(state: &AppState) -> String {
    match state.store.form_key().await {
        Ok(key) => key.token(FORM, now().timestamp()),
        Err(e) => {
            tracing::error!(error = %e, "the form key cannot be read");
            String::new()
        }
    }
}

/// The checks every post of these forms goes through, in the order of the other public forms:
/// the rate limit per client, the same-site check and the signed token. A refusal, if any.
async fn guard(
    state: &AppState,
    lang: Lang,
    addr: Option<std::net::IpAddr>,
    headers: &HeaderMap,
    token: &str,
) -> Option<Response> {
    let refused = |status, why: &str| {
        Some(message(
            state,
            lang,
            status,
            "take-part-refused",
            t(lang.0, why),
        ))
    };
    match check_post(state, addr, headers, FORM, token).await {
        Ok(Ok(())) => None,
        Ok(Err(why)) => refused(
            why.status(),
            why.key([
                "take-part-refused-rate",
                "take-part-refused-expired",
                "take-part-refused-token",
            ]),
        ),
        Err(e) => Some(failed(e)),
    }
}

/// The consultation `code`, if it is public.
fn consultation(state: &AppState, code: &str) -> Result<agenda_core::Consultation, PageError> {
    public(state)
        .consultations
        .get(code)
        .cloned()
        .ok_or_else(|| PageError::not_found("cons-one", code))
}

/// `/consultations/<code>/take-part`: the sign-in form, or the contribution form once signed in.
#[derive(Template)]
#[template(path = "take_part.html")]
pub struct TakePartPage {
    c: Chrome,
    code: String,
    title: String,
    open: bool,
    token: String,
    /// Signed in: who the contribution will be shown as.
    shown_as: Option<String>,
    kinds: Vec<Opt>,
    sectors: Vec<Opt>,
    email: String,
    name: String,
    text: String,
    /// A problem with what was sent: the field and the message.
    error: Option<(&'static str, String)>,
}

/// What a form held when it is shown again after a problem.
#[derive(Debug, Default, Deserialize)]
pub struct Sent {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    sector: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    token: String,
    #[serde(default)]
    next: String,
    #[serde(default)]
    website: String,
}

async fn page(
    state: &AppState,
    lang: Lang,
    k: &agenda_core::Consultation,
    who: Option<&Participant>,
    sent: &Sent,
    error: Option<(&'static str, String)>,
    status_code: StatusCode,
) -> Response {
    let l = lang.0;
    let code = k.code.to_string();
    let c = Chrome::new(
        state,
        lang,
        &format!("/consultations/{code}/take-part"),
        t(l, "take-part-title"),
    );
    let opt = |value: &str, label: String, chosen: &str| Opt {
        selected: value == chosen,
        value: value.to_owned(),
        label,
        lang: None,
    };
    let sector = if sent.sector.is_empty() {
        "citizen"
    } else {
        &sent.sector
    };
    let kind = if sent.kind.is_empty() {
        "comment"
    } else {
        &sent.kind
    };
    let shown_as = who.map(|p| {
        let sector = t(l, &format!("cons-sector-{}", p.sector));
        match &p.display_name {
            Some(n) => t_args(
                l,
                "take-part-shown-named",
                &[("name", n.clone()), ("sector", sector)],
            ),
            None => t_args(l, "take-part-shown-anonymous", &[("sector", sector)]),
        }
    });
    let page = TakePartPage {
        title: k.title.get(l).to_owned(),
        open: status(k, state.today()) == ConsultationStatus::Open,
        token: form_token(state).await,
        shown_as,
        kinds: ContributionKind::ALL
            .iter()
            .map(|x| opt(x.as_str(), t(l, &format!("cons-kind-{}", x.as_str())), kind))
            .collect(),
        sectors: Sector::ALL
            .iter()
            .map(|x| {
                opt(
                    x.as_str(),
                    t(l, &format!("cons-sector-{}", x.as_str())),
                    sector,
                )
            })
            .collect(),
        email: sent.email.chars().take(EMAIL_MAX_CHARS).collect(),
        name: sent.name.chars().take(NAME_MAX_CHARS).collect(),
        text: sent.text.chars().take(TEXT_MAX_CHARS).collect(),
        error,
        code,
        c,
    };
    private(render(status_code, &page))
}

/// `GET /consultations/<code>/take-part`.
pub async fn form(
    State(state): State<AppState>,
    lang: Lang,
    Path(code): Path<String>,
    Participating(who): Participating,
) -> Result<Response, PageError> {
    let k = consultation(&state, &code)?;
    Ok(page(
        &state,
        lang,
        &k,
        who.as_ref(),
        &Sent::default(),
        None,
        StatusCode::OK,
    )
    .await)
}

/// `POST /take-part/link`: checks, records the request and mails the sign-in link. Every
/// accepted post gets the same answer, so the form never tells whether an address is known.
pub async fn request_link(
    State(state): State<AppState>,
    lang: Lang,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    Form(f): Form<Sent>,
) -> Response {
    if let Some(refused) = guard(&state, lang, addr, &headers, &f.token).await {
        return refused;
    }
    let Ok(k) = consultation(&state, &f.next) else {
        return message(
            &state,
            lang,
            StatusCode::BAD_REQUEST,
            "take-part-refused",
            t(lang.0, "take-part-refused-consultation"),
        );
    };
    let sent = Redirect::to(&format!("{}/take-part/sent?next={}", lang.prefix(), k.code));
    if !f.website.is_empty() {
        tracing::info!("take part dropped: the hidden field was filled");
        return sent.into_response();
    }
    let Some(settings) = &state.settings.subscriptions else {
        return message(
            &state,
            lang,
            StatusCode::SERVICE_UNAVAILABLE,
            "take-part-refused",
            t(lang.0, "take-part-unavailable"),
        );
    };
    let bad = |field, why: String| {
        page(
            &state,
            lang,
            &k,
            None,
            &f,
            Some((field, why)),
            StatusCode::BAD_REQUEST,
        )
    };
    let Some(email) = check_email(&f.email) else {
        let why = t_args(
            lang.0,
            "sub-error-email",
            &[("max", EMAIL_MAX_CHARS.to_string())],
        );
        return bad("email", why).await;
    };
    let Ok(sector) = Sector::parse(&f.sector) else {
        return bad("sector", t(lang.0, "take-part-error-sector")).await;
    };
    if f.name.chars().count() > NAME_MAX_CHARS {
        let why = t_args(
            lang.0,
            "take-part-error-name",
            &[("max", NAME_MAX_CHARS.to_string())],
        );
        return bad("name", why).await;
    }
    let requested = match state
        .store
        .request_participation(&email, Some(&f.name), sector.as_str(), lang.0, now())
        .await
    {
        Ok(r) => r,
        Err(e) => return failed(e),
    };
    if let LinkRequested::Mail { token, .. } = requested
        && let Err(e) = agenda_jobs::participation::send_link_mail(
            settings,
            &email,
            &token,
            k.code.as_str(),
            lang.0,
        )
        .await
    {
        tracing::warn!(error = %e, "take part: the sign-in link was not sent");
        return message(
            &state,
            lang,
            StatusCode::SERVICE_UNAVAILABLE,
            "take-part-refused",
            t(lang.0, "sub-mail-failed"),
        );
    }
    sent.into_response()
}

/// `?next=` and `?token=` of the links.
#[derive(Debug, Default, Deserialize)]
pub struct LinkParams {
    next: Option<String>,
    token: Option<String>,
}

/// `GET /take-part/sent`: the one answer to every accepted request.
pub async fn sent(State(state): State<AppState>, lang: Lang) -> Response {
    let text = t_args(
        lang.0,
        "take-part-sent-text",
        &[(
            "minutes",
            agenda_store::participants::LINK_MAX_AGE_MINUTES.to_string(),
        )],
    );
    message(&state, lang, StatusCode::OK, "take-part-sent", text)
}

/// The consultation a link leads back to, if it names one.
fn next_of(state: &AppState, next: Option<&str>) -> Option<Code> {
    next.and_then(|n| Code::parse(n).ok())
        .filter(|c| public(state).consultations.contains_key(c.as_str()))
}

/// `GET /take-part/sign-in?token=…&next=…`: a button, so that a mail scanner opening the link
/// spends nothing.
pub async fn sign_in_page(
    State(state): State<AppState>,
    lang: Lang,
    Query(p): Query<LinkParams>,
) -> Response {
    let next = next_of(&state, p.next.as_deref())
        .map(|c| format!("?next={c}"))
        .unwrap_or_default();
    action_page(
        &state,
        lang,
        "take-part-sign-in",
        t(lang.0, "take-part-sign-in-text"),
        format!("{}/take-part/sign-in{next}", lang.prefix()),
        p.token.unwrap_or_default(),
        t(lang.0, "take-part-sign-in-button"),
    )
}

/// `POST /take-part/sign-in?next=…` (the token in the form): the session starts, and the
/// person goes on to the consultation.
pub async fn sign_in(
    State(state): State<AppState>,
    lang: Lang,
    Query(q): Query<LinkParams>,
    Form(p): Form<LinkParams>,
) -> Response {
    let token = p.token.unwrap_or_default();
    let used = match state.store.use_participation_link(&token, now()).await {
        Ok(u) => u,
        Err(e) => return failed(e),
    };
    let Some((_, session)) = used else {
        return message(
            &state,
            lang,
            StatusCode::FORBIDDEN,
            "take-part-refused",
            t(lang.0, "take-part-link-spent"),
        );
    };
    let to = match next_of(&state, q.next.as_deref()) {
        Some(c) => format!("{}/consultations/{c}/take-part", lang.prefix()),
        None => format!("{}/take-part/me", lang.prefix()),
    };
    let mut res = Redirect::to(&to).into_response();
    res.headers_mut().insert(
        header::SET_COOKIE,
        set_cookie(&state, COOKIE, &session, SESSION_DAYS * 86_400),
    );
    private(res)
}

/// `POST /consultations/<code>/take-part`: the contribution of the person signed in.
pub async fn contribute(
    State(state): State<AppState>,
    lang: Lang,
    Path(code): Path<String>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    Participating(who): Participating,
    Form(f): Form<Sent>,
) -> Result<Response, PageError> {
    let k = consultation(&state, &code)?;
    if let Some(refused) = guard(&state, lang, addr, &headers, &f.token).await {
        return Ok(refused);
    }
    let Some(who) = who else {
        // Signed out meanwhile: the sign-in form, with the text kept.
        return Ok(page(&state, lang, &k, None, &f, None, StatusCode::UNAUTHORIZED).await);
    };
    let again = |field, why: String| {
        page(
            &state,
            lang,
            &k,
            Some(&who),
            &f,
            Some((field, why)),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    let text = f.text.trim();
    if text.is_empty() || text.chars().count() > TEXT_MAX_CHARS {
        let why = t_args(
            lang.0,
            "take-part-error-text",
            &[("max", TEXT_MAX_CHARS.to_string())],
        );
        return Ok(again("text", why).await);
    }
    let Ok(kind) = ContributionKind::parse(&f.kind) else {
        return Ok(again("kind", t(lang.0, "take-part-error-kind")).await);
    };
    let Ok(sector) = Sector::parse(&who.sector) else {
        return Ok(again("kind", t(lang.0, "take-part-error-sector")).await);
    };
    let today = state.today();
    // Two people sending at once may pick the same code: the second tries the next one.
    for _ in 0..3 {
        let s = state.store.snapshot();
        let Some(key) = next_contribution_code(&s, &k.code) else {
            return Err(PageError::new(StatusCode::CONFLICT, "take-part-failed"));
        };
        let x = Contribution {
            code: key.clone(),
            consultation: k.code.clone(),
            kind,
            text: text.to_owned(),
            author_org: None,
            sector,
            author_name: None,
            submitted_on: today,
            endorsements: Vec::new(),
            hidden: false,
            hidden_reason: None,
        };
        // The link first: a contribution is never public without its author knowing it is
        // theirs to export or withdraw.
        state
            .store
            .link_contribution(&who.id, key.as_str())
            .await
            .map_err(PageError::store)?;
        let written = state
            .store
            .apply_as(
                Writer::actor("participant", Actor::Participant, Some(today)),
                vec![Change::Upsert(Entity::Contribution(x))],
                vec![(Kind::Contribution, key.to_string(), 0)],
            )
            .await;
        match written {
            Ok(_) => {
                let to = format!("{}/consultations/{}#{key}", lang.prefix(), k.code);
                return Ok(private(Redirect::to(&to).into_response()));
            }
            Err(e) => {
                state
                    .store
                    .unlink_contribution(key.as_str())
                    .await
                    .map_err(PageError::store)?;
                match e {
                    StoreError::Conflict { .. } => continue,
                    StoreError::Denied(why) => return Err(PageError::denied(why)),
                    other => return Err(PageError::store(other)),
                }
            }
        }
    }
    Err(PageError::new(StatusCode::CONFLICT, "take-part-failed"))
}

/// A contribution on a person's own page.
pub struct Mine {
    code: String,
    consultation: String,
    on: String,
    hidden: bool,
    answered: bool,
}

/// `/take-part/me`: everything held about the person signed in.
#[derive(Template)]
#[template(path = "take_part_me.html")]
pub struct MePage {
    c: Chrome,
    email: String,
    name: Option<String>,
    sector: String,
    since: String,
    mine: Vec<Mine>,
    token: String,
}

/// `GET /take-part/me`.
pub async fn me(
    State(state): State<AppState>,
    lang: Lang,
    Participating(who): Participating,
) -> Result<Response, PageError> {
    let Some(who) = who else {
        return Ok(message(
            &state,
            lang,
            StatusCode::UNAUTHORIZED,
            "take-part-me",
            t(lang.0, "take-part-signed-out"),
        ));
    };
    let s = state.store.snapshot();
    let mine = state
        .store
        .contributions_of_participant(&who.id)
        .await
        .map_err(PageError::store)?
        .into_iter()
        .filter_map(|code| {
            let x = s.contributions.get(&code)?;
            Some(Mine {
                consultation: x.consultation.to_string(),
                on: x.submitted_on.to_string(),
                hidden: x.hidden,
                answered: s.responses.contains_key(&code),
                code,
            })
        })
        .collect();
    let page = MePage {
        c: Chrome::new(&state, lang, "/take-part/me", t(lang.0, "take-part-me")),
        email: who.email,
        name: who.display_name,
        sector: t(lang.0, &format!("cons-sector-{}", who.sector)),
        since: who.created_at.chars().take(10).collect(),
        mine,
        token: form_token(&state).await,
    };
    Ok(private(render(StatusCode::OK, &page)))
}

/// `GET /take-part/me.json`: the same, as a file to keep.
pub async fn export(
    State(state): State<AppState>,
    Participating(who): Participating,
) -> Result<Response, PageError> {
    let Some(who) = who else {
        return Err(PageError::new(
            StatusCode::UNAUTHORIZED,
            "take-part-signed-out",
        ));
    };
    let s = state.store.snapshot();
    let codes = state
        .store
        .contributions_of_participant(&who.id)
        .await
        .map_err(PageError::store)?;
    let contributions: Vec<serde_json::Value> = codes
        .iter()
        .filter_map(|code| s.contributions.get(code))
        .map(|x| {
            serde_json::json!({
                "code": x.code,
                "consultation": x.consultation,
                "kind": x.kind,
                "text": x.text,
                "submitted_on": x.submitted_on,
                "hidden": x.hidden,
                "hidden_reason": x.hidden_reason,
                "response": s.responses.get(x.code.as_str()),
            })
        })
        .collect();
    let body = serde_json::json!({
        "email": who.email,
        "display_name": who.display_name,
        "sector": who.sector,
        "language": who.lang,
        "created_at": who.created_at,
        "confirmed_at": who.confirmed_at,
        "contributions": contributions,
    });
    Ok(private(
        (
            [
                (header::CONTENT_TYPE, "application/json"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"my-participation.json\"",
                ),
            ],
            body.to_string(),
        )
            .into_response(),
    ))
}

/// The token of the person's own forms.
#[derive(Debug, Default, Deserialize)]
pub struct TokenOnly {
    #[serde(default)]
    token: String,
}

/// `POST /take-part/me/delete`: everything held about the person is deleted; their
/// contributions without a published response are withdrawn, those the authority answered stay
/// in the record without anything that says whose they were.
pub async fn delete(
    State(state): State<AppState>,
    lang: Lang,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    Participating(who): Participating,
    Form(f): Form<TokenOnly>,
) -> Result<Response, PageError> {
    if let Some(refused) = guard(&state, lang, addr, &headers, &f.token).await {
        return Ok(refused);
    }
    let Some(who) = who else {
        return Err(PageError::new(
            StatusCode::UNAUTHORIZED,
            "take-part-signed-out",
        ));
    };
    let codes = state
        .store
        .forget_participant(&who.id)
        .await
        .map_err(PageError::store)?;
    let s = state.store.snapshot();
    let withdrawn: Vec<Change> = codes
        .iter()
        .filter(|c| {
            s.contributions.contains_key(c.as_str()) && !s.responses.contains_key(c.as_str())
        })
        .map(|c| Change::Delete(Kind::Contribution, c.clone()))
        .collect();
    let n = withdrawn.len();
    if !withdrawn.is_empty() {
        state
            .store
            .apply_as(Writer::system("participant"), withdrawn, Vec::new())
            .await
            .map_err(PageError::store)?;
    }
    tracing::info!(withdrawn = n, "take part: a participant's data was deleted");
    let mut res = message(
        &state,
        lang,
        StatusCode::OK,
        "take-part-deleted",
        t_args(
            lang.0,
            "take-part-deleted-text",
            &[
                ("withdrawn", n.to_string()),
                ("kept", (codes.len() - n).to_string()),
            ],
        ),
    );
    res.headers_mut()
        .insert(header::SET_COOKIE, set_cookie(&state, COOKIE, "", 0));
    Ok(res)
}

/// `POST /take-part/sign-out`.
pub async fn sign_out(
    State(state): State<AppState>,
    lang: Lang,
    headers: HeaderMap,
    Form(_): Form<TokenOnly>,
) -> Response {
    if !same_site(&headers) {
        return message(
            &state,
            lang,
            StatusCode::FORBIDDEN,
            "take-part-refused",
            t(lang.0, "feedback-refused-origin"),
        );
    }
    if let Some(c) = cookie(&headers, COOKIE)
        && let Err(e) = state.store.end_participant_session(c).await
    {
        return failed(e);
    }
    let mut res = Redirect::to(&format!("{}/consultations", lang.prefix())).into_response();
    res.headers_mut()
        .insert(header::SET_COOKIE, set_cookie(&state, COOKIE, "", 0));
    private(res)
}
