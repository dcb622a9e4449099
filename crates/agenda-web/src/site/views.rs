//! What every public page shares, at the bottom of the site's modules (it imports no page
//! module): the page chrome, links, numbers and values, the error pages, filter options and
//! rendering.

use std::sync::Arc;

use agenda_core::*;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::i18n::{LANGS, t};
use super::lang::Lang;
use crate::AppState;

/// Content text as a page shows it: in the page's language, or along the country's fallback
/// chain marked as such (`lang="…"` and a note naming the language) when it has no
/// translation. Its parts are plain strings, escaped when the template prints them; it is
/// `HtmlSafe` so that pages print it without escaping its markup a second time.
#[derive(Debug, Clone, Template)]
#[template(path = "partials/text.html")]
pub struct LocalText {
    text: String,
    /// The language the text is shown in and "in French" in the page's language, when the
    /// text is shown in another language than the page's.
    fallback: Option<(String, String)>,
}

impl askama::filters::HtmlSafe for LocalText {}

/// The name of the language `tag` for a reader of `lang`: the interface's word for it
/// (`language-of-<tag>`), else its own name where it is an interface language, else its
/// English name, else the tag.
pub fn language_name(lang: &str, tag: &str) -> String {
    super::i18n::t_opt(lang, &format!("language-of-{tag}"))
        .or_else(|| super::i18n::t_opt(tag, "language-name").filter(|_| LANGS.contains(&tag)))
        .or_else(|| agenda_core::languages::english_name(tag).map(str::to_owned))
        .unwrap_or_else(|| tag.to_owned())
}

/// `text` for a page in `lang`: its words, and when they are in another language (along the
/// country's fallback chain), that language's tag and the note saying so.
pub fn text_for<'a>(lang: &str, text: &'a Text) -> (&'a str, Option<(String, String)>) {
    let (l, s) = text.get_with_lang(lang);
    if l.as_str() == lang {
        (s, None)
    } else {
        let note = super::i18n::t_args(
            lang,
            "in-language",
            &[("language", language_name(lang, l.as_str()))],
        );
        (s, Some((l.as_str().to_owned(), note)))
    }
}

impl LocalText {
    /// `text` in `lang`, else along the fallback chain with the note.
    pub fn of(lang: &str, text: &Text) -> Self {
        let (s, fallback) = text_for(lang, text);
        Self {
            text: s.to_owned(),
            fallback,
        }
    }

    /// A text shown as it is (a code, a name without translations).
    pub fn plain(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            fallback: None,
        }
    }

    /// Whether there is nothing to show.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }
}

/// JSON for a `<script type="application/ld+json">` element. Made only from a JSON value by
/// [`JsonLd::new`], which writes `<`, `>` and `&` as JSON escapes: the text can then neither
/// close the script element nor open a comment in it, and is printed as it is.
#[derive(Debug, Clone)]
pub struct JsonLd(String);

impl JsonLd {
    /// `value` as JSON safe inside a script element.
    pub fn new(value: &serde_json::Value) -> Self {
        let mut out = String::new();
        // Those characters only occur inside JSON strings, where these escapes mean the same.
        for ch in value.to_string().chars() {
            match ch {
                '<' => out.push_str("\\u003c"),
                '>' => out.push_str("\\u003e"),
                '&' => out.push_str("\\u0026"),
                c => out.push(c),
            }
        }
        Self(out)
    }
}

impl std::fmt::Display for JsonLd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl askama::filters::HtmlSafe for JsonLd {}

/// An organisation's name linked to its page, or the code alone when it is unknown.
#[derive(Debug, Clone, Template)]
#[template(path = "partials/org_link.html")]
pub struct OrgLink {
    href: Option<String>,
    name: LocalText,
}

impl askama::filters::HtmlSafe for OrgLink {}

/// The organisation `code`, linked to its page.
pub(crate) fn org_name(c: &Chrome, s: &Snapshot, code: &Code) -> OrgLink {
    match s.organisations.get(code.as_str()) {
        Some(o) => OrgLink {
            href: Some(c.href(&format!("/organisations/{}", o.code))),
            name: c.tx(&o.name),
        },
        None => OrgLink {
            href: None,
            name: LocalText::plain(code.as_str()),
        },
    }
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
    /// The direction the name is written in (`ltr`, `rtl`).
    pub dir: &'static str,
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
    /// The ISO 4217 code amounts are in.
    pub currency: String,
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
            ("/governance", "nav-governance", "governance"),
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
                dir: agenda_core::languages::direction(l),
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
            currency: state.settings.currency.clone(),
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

    /// The direction the page's language is written in: `rtl` or `ltr`.
    pub fn dir(&self) -> &'static str {
        agenda_core::languages::direction(self.lang)
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
    pub fn tx(&self, text: &Text) -> LocalText {
        LocalText::of(self.lang, text)
    }

    /// Optional content text.
    pub fn otx(&self, text: &Option<Text>) -> LocalText {
        text.as_ref()
            .map(|t| self.tx(t))
            .unwrap_or_else(|| LocalText::plain(""))
    }

    /// A status word in this language.
    pub fn status(&self, prefix: &str, status: &str) -> String {
        t(self.lang, &format!("{prefix}-{status}"))
    }

    /// A number as people of this language write it.
    pub fn num(&self, v: f64) -> String {
        fmt_num(self.lang, v)
    }

    /// An amount of money with the country's currency, as people of this language write it.
    pub fn money(&self, m: Money) -> String {
        agenda_core::numbers::fmt_money(self.lang, m, &self.currency)
    }

    /// A share in %, or `—` when there is none.
    pub fn pct(&self, v: Option<f64>) -> String {
        v.map_or_else(|| "—".to_owned(), |p| format!("{}\u{a0}%", self.num(p)))
    }

    /// A figure of a KPI with its unit, to the KPI's precision.
    pub fn value(&self, k: &Kpi, v: f64) -> String {
        fmt_value(self.lang, k, v)
    }
}

pub(crate) fn link(lang: Lang, path: &str) -> String {
    match (lang.prefix(), path) {
        ("", p) => p.to_owned(),
        (pre, "/") => format!("{pre}/"),
        (pre, p) => format!("{pre}{p}"),
    }
}

/// Formats a number with at most one decimal, in the language's decimal style.
pub fn fmt_num(lang: &str, v: f64) -> String {
    agenda_core::numbers::fmt_num(lang, v)
}

/// A figure of a KPI with its unit, rounded to the decimals the KPI's unit deserves.
pub fn fmt_value(lang: &str, k: &Kpi, v: f64) -> String {
    let n = agenda_core::numbers::fmt_dec(lang, v, agenda_core::kpi_status::decimals(k));
    match k.unit {
        Unit::Percent => format!("{n}\u{a0}%"),
        Unit::Count => n,
        Unit::Days => format!("{n}\u{a0}{}", t(lang, "unit-days")),
        Unit::Currency => format!("{n}\u{a0}{}", t(lang, "unit-currency")),
    }
}

pub(crate) fn public(state: &AppState) -> Arc<Snapshot> {
    state.public_snapshot()
}

/// Renders the error page of a [`crate::error::PageError`]; handlers return the error instead.
pub(crate) fn error_page(
    state: &AppState,
    lang: Lang,
    status: StatusCode,
    message: String,
) -> Response {
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

/// The error page.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    c: Chrome,
    status: u16,
    message: String,
}

/// A choice of a select or of a group of boxes (a filter's, a form's).
#[derive(Debug, Clone)]
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
    /// The language of the label when it is not the page's (framework indicators are named
    /// in English only).
    pub lang: Option<&'static str>,
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
            lang: None,
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
        let html = LocalText::of("fr", &t).to_string();
        assert!(
            html.starts_with(
                "<span lang=\"en\" dir=\"ltr\">Digital identity</span> <span class=\"fallback\">("
            ),
            "{html}"
        );
        assert_eq!(LocalText::of("en", &t).to_string(), "Digital identity");
    }

    #[test]
    fn local_texts_and_links_escape_what_they_hold() {
        let evil = "a<b & \"c\"";
        let shown = LocalText::plain(evil).to_string();
        assert!(
            !shown.contains('<') && !shown.contains("& ") && !shown.contains('"'),
            "{shown}"
        );
        let t = Text::en(evil).unwrap();
        let fallback = LocalText::of("fr", &t).to_string();
        assert!(
            fallback.contains("lang=\"en\"") && !fallback.contains("a<b"),
            "{fallback}"
        );
        let link = OrgLink {
            href: Some(format!("/organisations/{evil}")),
            name: LocalText::plain(evil),
        }
        .to_string();
        assert!(!link.contains("a<b") && !link.contains("\"c\""), "{link}");
    }

    #[test]
    fn json_ld_cannot_close_its_script_element() {
        let v = serde_json::json!({"name": "</script><script>alert(1)</script> & <!--"});
        let out = JsonLd::new(&v).to_string();
        assert!(
            !out.contains('<') && !out.contains('>') && !out.contains('&'),
            "{out}"
        );
        let back: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(back, v);
    }
}
