//! What the consultation, version and administration modules still take from the former
//! `pages` module while they are converted to templates: the hand-written escaping and the
//! HTML-in-a-string texts. Nothing else may use this module; it goes with their conversion.

use agenda_core::{Code, Snapshot, Text};
use askama::filters::Safe;

use super::i18n::t;
pub(crate) use super::views::{Chrome, error_page, fmt_num, link, not_found, public};

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

pub(crate) fn tx_html(lang: &str, text: &Text) -> String {
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

/// An organisation's name linked to its page, as HTML in a string.
pub(crate) fn org_name(c: &Chrome, s: &Snapshot, code: &Code) -> Safe<String> {
    match s.organisations.get(code.as_str()) {
        Some(o) => Safe(format!(
            "<a href=\"{}\">{}</a>",
            esc(&c.href(&format!("/organisations/{}", o.code))),
            tx_html(c.lang, &o.name)
        )),
        None => Safe(esc(code.as_str())),
    }
}
