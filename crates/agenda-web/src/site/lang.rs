//! The language a page is in: from the URL prefix (`/fr/…`, `/es/…`), else `Accept-Language`.

use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Uri, header};
use axum::middleware::Next;
use axum::response::Response;

use super::i18n::LANGS;
use crate::AppState;

/// The language a page is rendered in: one of [`LANGS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lang(pub &'static str);

/// The language given by the URL prefix, put in the request by [`strip_lang_prefix`].
#[derive(Debug, Clone, Copy)]
struct PathLang(&'static str);

impl Lang {
    /// The prefix of this language's URLs (`""` for English, `/fr`, `/es`).
    pub fn prefix(self) -> &'static str {
        agenda_core::languages::url_prefix(self.0)
    }
}

/// The visitor's preferred language among `offered` (configured ones), else the first offered.
fn from_accept_language(headers: &HeaderMap, offered: &[String]) -> &'static str {
    let known = |l: &str| LANGS.iter().find(|x| **x == l).copied();
    let default = offered.first().and_then(|l| known(l)).unwrap_or("en");
    let Some(value) = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
    else {
        return default;
    };
    // Highest q first; ties keep the header's order.
    let mut prefs: Vec<(f32, usize, &str)> = value
        .split(',')
        .enumerate()
        .filter_map(|(i, part)| {
            let mut it = part.trim().split(';');
            let tag = it.next()?.trim();
            let q = it
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse().ok())
                .unwrap_or(1.0);
            Some((q, i, tag))
        })
        .collect();
    prefs.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    prefs
        .iter()
        .filter(|(q, _, _)| *q > 0.0)
        .find_map(|(_, _, tag)| {
            let primary = tag.split('-').next().unwrap_or("").to_ascii_lowercase();
            offered
                .iter()
                .find(|l| **l == primary)
                .and_then(|l| known(l))
        })
        .unwrap_or(default)
}

impl FromRequestParts<AppState> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(match parts.extensions.get::<PathLang>() {
            Some(PathLang(l)) => Lang(l),
            None => Lang(from_accept_language(
                &parts.headers,
                &state.settings.languages,
            )),
        })
    }
}

/// What decides a request's language, kept aside to render an error page after the request
/// itself has been handed on.
pub(crate) struct LangHint {
    path: Option<&'static str>,
    accept: Option<HeaderValue>,
}

impl LangHint {
    /// The hint of `req`.
    pub(crate) fn of(req: &Request) -> Self {
        Self {
            path: req.extensions().get::<PathLang>().map(|p| p.0),
            accept: req.headers().get(header::ACCEPT_LANGUAGE).cloned(),
        }
    }

    /// The language, as [`Lang`]'s extractor decides it.
    pub(crate) fn resolve(self, state: &AppState) -> Lang {
        match self.path {
            Some(l) => Lang(l),
            None => {
                let mut headers = HeaderMap::new();
                if let Some(v) = self.accept {
                    headers.insert(header::ACCEPT_LANGUAGE, v);
                }
                Lang(from_accept_language(&headers, &state.settings.languages))
            }
        }
    }
}

/// Strips a `/fr` or `/es` prefix before routing and remembers the language, so that one set
/// of routes serves every language.
pub async fn strip_lang_prefix(mut req: Request, next: Next) -> Response {
    let found = agenda_core::languages::split_url_prefix(req.uri().path())
        .map(|(lang, rest)| (lang, rest.to_owned()));
    if let Some((lang, rest)) = found {
        let pq = match req.uri().query() {
            Some(q) => format!("{rest}?{q}"),
            None => rest,
        };
        let mut parts = req.uri().clone().into_parts();
        if let Ok(pq) = pq.parse() {
            parts.path_and_query = Some(pq);
            if let Ok(uri) = Uri::from_parts(parts) {
                *req.uri_mut() = uri;
            }
        }
        req.extensions_mut().insert(PathLang(lang));
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn accept_language_picks_a_supported_language() {
        use axum::http::HeaderMap;
        let mut h = HeaderMap::new();
        h.insert(
            "accept-language",
            "de-DE,fr-CA;q=0.8,es;q=0.9".parse().unwrap(),
        );
        let all: Vec<String> = vec!["en".into(), "fr".into(), "es".into()];
        let fr_en: Vec<String> = vec!["fr".into(), "en".into()];
        assert_eq!(super::from_accept_language(&h, &all), "es");
        assert_eq!(super::from_accept_language(&h, &fr_en), "fr");
        h.insert("accept-language", "de".parse().unwrap());
        assert_eq!(super::from_accept_language(&h, &all), "en");
        assert_eq!(super::from_accept_language(&h, &fr_en), "fr");
    }
}
