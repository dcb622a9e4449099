//! `GET /api/v1/catalogue.jsonld`: the public services catalogue as CPSV-AP 3.2.0 JSON-LD
//! (`application/ld+json`), with every IRI under the address the client used (scheme and host),
//! so that a service's IRI is the address of its page on this platform.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::AppState;

/// The media type of JSON-LD documents.
pub const JSON_LD: &str = "application/ld+json";

/// Whether `host` (with an optional port) is safe to put in an IRI.
fn valid_host(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 255
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
}

/// The base URI of a request: `X-Forwarded-Proto` (else `http`) and `X-Forwarded-Host` (else
/// `Host`, else `localhost`). Values that could not form an IRI are ignored.
pub fn base_uri(headers: &HeaderMap) -> String {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(str::trim)
    };
    let scheme = match header("x-forwarded-proto") {
        Some(p) if p.eq_ignore_ascii_case("https") => "https",
        _ => "http",
    };
    let host = header("x-forwarded-host")
        .filter(|h| valid_host(h))
        .or_else(|| header("host").filter(|h| valid_host(h)))
        .unwrap_or("localhost");
    format!("{scheme}://{host}/")
}

/// Exports the services catalogue as CPSV-AP 3.2.0 JSON-LD.
#[utoipa::path(get, path = "/api/v1/catalogue.jsonld", tag = "catalogue",
    responses((status = 200, description = "The services catalogue as CPSV-AP 3.2.0 JSON-LD, valid against the profile's SHACL shapes",
        content_type = "application/ld+json", body = serde_json::Value)))]
pub async fn catalogue(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let s = st.public_snapshot();
    let doc = agenda_io::cpsv::catalogue_jsonld_in(
        &s,
        &base_uri(&headers),
        Some(st.settings.country.as_str()),
    );
    (
        [(header::CONTENT_TYPE, HeaderValue::from_static(JSON_LD))],
        doc.to_string(),
    )
        .into_response()
}

/// The route, relative to `/api/v1`.
pub fn router() -> Router<AppState> {
    Router::new().route("/catalogue.jsonld", get(catalogue))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn the_base_uri_is_the_address_the_client_used() {
        assert_eq!(
            base_uri(&headers(&[("host", "127.0.0.1:8080")])),
            "http://127.0.0.1:8080/"
        );
        assert_eq!(
            base_uri(&headers(&[
                ("host", "10.0.0.5"),
                ("x-forwarded-proto", "https"),
                ("x-forwarded-host", "services.gov.example")
            ])),
            "https://services.gov.example/"
        );
        assert_eq!(base_uri(&HeaderMap::new()), "http://localhost/");
        assert_eq!(
            base_uri(&headers(&[("host", "evil.example/<x>")])),
            "http://localhost/"
        );
    }
}
