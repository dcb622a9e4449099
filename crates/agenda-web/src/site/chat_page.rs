//! The chat page: the chatbot as plain forms, so it works without JavaScript.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;

use super::i18n::t;
use super::lang::Lang;
use super::views::{Chrome, render};
use crate::AppState;
use crate::channels::chat::Turn;

#[derive(Template)]
#[template(path = "chat.html")]
struct ChatPage<'a> {
    c: Chrome,
    session: &'a str,
    turns: &'a [Turn],
    quick: Vec<String>,
}

/// Renders a conversation and the form to go on with it.
pub fn chat_page(state: &AppState, lang: Lang, session: &str, turns: &[Turn]) -> Response {
    let quick = turns
        .last()
        .filter(|t| !t.mine)
        .map(|t| t.quick_replies.clone())
        .unwrap_or_default();
    render(
        StatusCode::OK,
        &ChatPage {
            c: Chrome::new(state, lang, "/chat", t(lang.0, "chat-title")),
            session,
            turns,
            quick,
        },
    )
}
