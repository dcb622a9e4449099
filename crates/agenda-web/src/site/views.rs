//! What every public page shares, at the bottom of the site's modules (it imports no page
//! module): the page chrome, links, numbers and values, the error pages, filter options and
//! rendering.

use std::sync::Arc;

use agenda_core::*;
use askama::Template;
use askama::filters::Safe;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::i18n::{LANGS, t, t_args};
use super::lang::Lang;
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
    pub(crate) fn new(state: &AppState, lang: Lang, path: &str, title: String) -> Self {
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
    pub(crate) fn following(mut self, scope: &agenda_jobs::Scope) -> Self {
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

pub(crate) fn link(lang: Lang, path: &str) -> String {
    match (lang.prefix(), path) {
        ("", p) => p.to_owned(),
        (pre, "/") => format!("{pre}/"),
        (pre, p) => format!("{pre}{p}"),
    }
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

pub(crate) fn public(state: &AppState) -> Arc<Snapshot> {
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
pub(crate) fn bad_value(state: &AppState, lang: Lang, what: &str, value: &str) -> Response {
    let msg = t_args(
        lang.0,
        "error-bad-value",
        &[("what", t(lang.0, what)), ("value", value.to_owned())],
    );
    error_page(state, lang, StatusCode::BAD_REQUEST, msg)
}

pub(crate) fn not_found(state: &AppState, lang: Lang, what: &str, code: &str) -> Response {
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

/// An option of a filter.
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// The options of a filter, the `chosen` one selected.
pub(crate) fn opts(
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

/// Renders a template as an HTML response (500 page if rendering fails).
pub fn render(status: StatusCode, tpl: &impl Template) -> Response {
    match tpl.render() {
        Ok(body) => (status, Html(body)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed to render");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
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
}
