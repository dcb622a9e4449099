//! The HTTP face of the channels: the USSD gateway callback, the voice webhooks, the chat API
//! and the chat page (plain forms, improved by a small script when JavaScript runs).

use axum::extract::{Form, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Json, Router};
use serde::Deserialize;
use utoipa::ToSchema;

use super::chat::{Reply, respond};
use super::{known_lang, ussd, voice};
use crate::AppState;
use crate::site::Lang;

/// The fields a USSD gateway posts (Africa's Talking and most others use these names).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UssdRequest {
    /// The gateway's session.
    #[serde(default)]
    pub session_id: String,
    /// The code dialled, e.g. `*384*123#`.
    #[serde(default)]
    pub service_code: String,
    /// The caller.
    #[serde(default)]
    pub phone_number: String,
    /// Every input of the session so far, joined by `*` (empty at the start).
    #[serde(default)]
    pub text: String,
}

/// `POST /channels/ussd`: `text/plain`, `CON …` or `END …`.
pub async fn ussd(State(state): State<AppState>, Form(req): Form<UssdRequest>) -> Response {
    let s = state.public_snapshot();
    let finder = state.finder();
    let screen = ussd::answer(&s, &finder, &state.settings.country, &req.text);
    tracing::debug!(session = req.session_id, code = req.service_code, "ussd");
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        screen.render(),
    )
        .into_response()
}

/// The language of a voice call: `?lang=`.
#[derive(Debug, Deserialize)]
pub struct VoiceQuery {
    /// `en`, `fr` or `es` (default `en`).
    pub lang: Option<String>,
    /// VoiceXML: the caller's words (also accepted as a form field).
    pub q: Option<String>,
    /// The service whose office the previous turn offered to put the caller through to.
    pub offered: Option<String>,
}

/// What a voice platform posts (or a `GET` carries in its query): the recogniser's
/// transcript, when there is one. Other fields are ignored.
#[derive(Debug, Default, Deserialize)]
pub struct VoiceForm {
    /// The caller's words (TwiML `<Gather input="speech">`).
    #[serde(rename = "SpeechResult")]
    pub speech_result: Option<String>,
    /// The key the caller pressed (TwiML `<Gather input="dtmf">`).
    #[serde(rename = "Digits")]
    pub digits: Option<String>,
    /// The caller's words (VoiceXML `namelist="q"`).
    pub q: Option<String>,
}

fn xml_response(body: Result<String, askama::Error>, content_type: &'static str) -> Response {
    match body {
        Ok(body) => ([(header::CONTENT_TYPE, content_type)], body).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "voice answer failed to render");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

/// `POST /channels/voice?lang=`: TwiML.
pub async fn voice_twiml(
    State(state): State<AppState>,
    Query(q): Query<VoiceQuery>,
    Form(form): Form<VoiceForm>,
) -> Response {
    let lang = known_lang(q.lang.as_deref().unwrap_or("en"));
    let speech = form.speech_result;
    let s = state.public_snapshot();
    let finder = state.finder();
    xml_response(
        voice::twiml(
            &s,
            &finder,
            &state.settings.speech_langs,
            lang,
            &state.settings.country,
            voice::Heard {
                speech: speech.as_deref(),
                digits: form.digits.as_deref(),
                offered: q.offered.as_deref(),
            },
        ),
        "application/xml; charset=utf-8",
    )
}

/// `GET|POST /channels/voice.vxml?lang=`: VoiceXML.
pub async fn voice_vxml(
    State(state): State<AppState>,
    Query(q): Query<VoiceQuery>,
    Form(form): Form<VoiceForm>,
) -> Response {
    let lang = known_lang(q.lang.as_deref().unwrap_or("en"));
    let words = form.q.or(q.q);
    let s = state.public_snapshot();
    let finder = state.finder();
    xml_response(
        voice::vxml(
            &s,
            &finder,
            &state.settings.speech_langs,
            lang,
            &state.settings.country,
            voice::Heard {
                speech: words.as_deref(),
                digits: None,
                offered: q.offered.as_deref(),
            },
        ),
        "application/voicexml+xml; charset=utf-8",
    )
}

/// A message to the chatbot.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ChatRequest {
    /// Any string that identifies the conversation (kept for an hour after its last message).
    pub session: String,
    /// What the person says.
    pub message: String,
    /// `en`, `fr` or `es` (default `en`).
    pub lang: Option<String>,
}

/// Talks to the chatbot: finds services, asks which one is meant when several fit, tells what
/// is needed, the channels and the link.
#[utoipa::path(post, path = "/api/v1/chat", tag = "catalogue", request_body = ChatRequest,
    responses((status = 200, body = Reply), (status = 400, body = crate::error::ErrorEnvelope)))]
pub async fn chat_api(
    State(state): State<AppState>,
    Json(req): Json<ChatRequest>,
) -> Result<Json<Reply>, crate::ApiError> {
    let session = req.session.trim();
    if session.is_empty() || session.len() > 128 {
        return Err(crate::ApiError::bad_request(
            "session: expected 1 to 128 characters identifying the conversation",
        ));
    }
    if req.message.chars().count() > 1000 {
        return Err(crate::ApiError::bad_request(
            "message: expected at most 1,000 characters",
        ));
    }
    let lang = known_lang(req.lang.as_deref().unwrap_or("en"));
    let s = state.public_snapshot();
    let finder = state.finder();
    Ok(Json(respond(
        &state.chats,
        &s,
        &finder,
        session,
        &req.message,
        lang,
    )))
}

/// The chat page's form.
#[derive(Debug, Deserialize)]
pub struct ChatForm {
    /// The conversation.
    pub session: Option<String>,
    /// What the person types.
    pub message: Option<String>,
    /// A quick answer the person pressed instead (a field of its own: the typed text comes too).
    pub quick: Option<String>,
}

/// `GET /chat?session=`: the conversation so far and a form to go on.
pub async fn chat_page(
    State(state): State<AppState>,
    lang: Lang,
    Query(f): Query<ChatForm>,
) -> Response {
    let session = f
        .session
        .filter(|s| !s.is_empty() && s.len() <= 128 && s.chars().all(|c| c.is_ascii_alphanumeric()))
        .unwrap_or_else(|| agenda_store::accounts::random_hex(16));
    let mut turns = state.chats.transcript(&session);
    if turns.is_empty() {
        let s = state.public_snapshot();
        let finder = state.finder();
        respond(&state.chats, &s, &finder, &session, "", lang.0);
        turns = state.chats.transcript(&session);
    }
    let mut res = crate::site::chat_page(&state, lang, &session, &turns);
    // The page is one person's conversation: never cached or shared.
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    res
}

/// `POST /chat`: one message from the plain form; answers by showing the conversation.
/// The conversation's random identifier in the form is its token; a post another site makes
/// a browser send is refused as well.
pub async fn chat_post(
    State(state): State<AppState>,
    lang: Lang,
    headers: axum::http::HeaderMap,
    Form(f): Form<ChatForm>,
) -> Response {
    if !crate::site::same_site(&headers) {
        return (
            StatusCode::FORBIDDEN,
            "this form only takes posts from the site's own pages",
        )
            .into_response();
    }
    let Some(session) = f.session.filter(|s| {
        !s.is_empty() && s.len() <= 128 && s.chars().all(|c| c.is_ascii_alphanumeric())
    }) else {
        return (
            StatusCode::BAD_REQUEST,
            "session: expected the form's own value",
        )
            .into_response();
    };
    let said = f.quick.filter(|q| !q.trim().is_empty()).or(f.message);
    let message: String = said.unwrap_or_default().chars().take(1000).collect();
    let s = state.public_snapshot();
    let finder = state.finder();
    respond(&state.chats, &s, &finder, &session, &message, lang.0);
    Redirect::to(&format!("{}/chat?session={session}#last", lang.prefix())).into_response()
}

/// Routes of the channels (the chat page is under the language prefixes like every page).
pub fn router() -> Router<AppState> {
    use axum::routing::{get, post};
    Router::new()
        .route("/channels/ussd", post(ussd))
        .route("/channels/voice", post(voice_twiml).get(voice_twiml))
        .route("/channels/voice.vxml", post(voice_vxml).get(voice_vxml))
        .route("/chat", get(chat_page).post(chat_post))
}

/// Routes under `/api/v1`.
pub fn api_router() -> Router<AppState> {
    Router::new().route("/chat", axum::routing::post(chat_api))
}
