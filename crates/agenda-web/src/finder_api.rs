//! `GET /api/v1/finder?q=…&lang=en|fr|es|auto&limit=`: the service finder. A citizen's question
//! in their own words → the services, life events and organisations that answer it, best first,
//! each with why. The index is derived from the public snapshot and rebuilt when its version
//! changes ([`AppState::finder`]). A question with nothing to find is not an error: the list is
//! empty and `message` says what to try.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::api_list::Q;
use crate::error::{ApiError, ErrorEnvelope};

/// Hits returned when no limit is asked for.
pub const DEFAULT_LIMIT: usize = 10;
/// Most hits a client may ask for.
pub const MAX_LIMIT: usize = 100;

/// The question.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FinderParams {
    /// The question, in the person's words.
    pub q: Option<String>,
    /// `en`, `fr` or `es`; `auto`, empty or absent: detected from the question.
    #[param(pattern = "^(en|fr|es|auto)?$")]
    pub lang: Option<String>,
    /// Most hits wanted (default 10, at most 100).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<usize>,
    /// `public` (default): services for people and businesses; `agencies`: the services for
    /// other government agencies (G2G).
    #[serde(rename = "for")]
    #[param(rename = "for", pattern = "^(public|agencies)?$")]
    pub for_whom: Option<String>,
}

/// One answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct FinderItem {
    /// Code of the service, life event or organisation.
    pub code: String,
    /// Its title in the question's language (else English).
    pub title: String,
    /// Relevance, higher is better; comparable within one answer only.
    pub score: f32,
    /// Why it was found.
    pub why: String,
    /// `service`, `life_event` or `organisation`.
    pub kind: String,
    /// For a service that can be done online now: where.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub online_link: Option<String>,
}

/// About the answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct FinderMeta {
    /// The question as received.
    pub query: String,
    /// The language it was read in.
    pub lang: String,
    /// Whether that language was detected.
    pub detected: bool,
    /// Hits returned.
    pub total: usize,
    /// The limit applied.
    pub limit: usize,
    /// The snapshot version the index was built from.
    pub index_version: u64,
}

/// The answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct FinderAnswer {
    /// Hits, best first.
    pub items: Vec<FinderItem>,
    /// About the answer.
    pub meta: FinderMeta,
    /// What to try when there is no hit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// Where the service a hit names is done online, if it is one and is.
pub(crate) fn online_link(s: &agenda_core::Snapshot, hit: &agenda_search::Hit) -> Option<String> {
    match hit.kind {
        agenda_search::HitKind::Service => s
            .services
            .get(&hit.code)
            .and_then(|v| v.online_link.clone()),
        _ => None,
    }
}

/// Finds the services, life events and organisations answering a question.
#[utoipa::path(get, path = "/api/v1/finder", tag = "catalogue", params(FinderParams),
    responses((status = 200, body = FinderAnswer), (status = 400, body = ErrorEnvelope)))]
pub async fn finder(
    State(st): State<AppState>,
    Q(p): Q<FinderParams>,
) -> Result<Json<FinderAnswer>, ApiError> {
    let limit = p.limit.unwrap_or(DEFAULT_LIMIT);
    if limit == 0 || limit > MAX_LIMIT {
        return Err(ApiError::bad_request(format!(
            "limit must be from 1 to {MAX_LIMIT}"
        )));
    }
    let query = p.q.unwrap_or_default();
    let lang = match p.lang.as_deref().map(str::trim) {
        None | Some("") => "auto".to_owned(),
        Some(l @ ("en" | "fr" | "es" | "auto")) => l.to_owned(),
        Some(_) => return Err(ApiError::bad_request("lang must be en, fr, es or auto")),
    };
    let scope = match p.for_whom.as_deref().map(str::trim) {
        None | Some("") | Some("public") => agenda_search::Scope::Public,
        Some("agencies") => agenda_search::Scope::Agencies,
        Some(_) => return Err(ApiError::bad_request("for must be public or agencies")),
    };
    // Building the index (first request, or after a change) is CPU work: off the async workers.
    let snapshot = st.public_snapshot();
    let (answer, index_version) = tokio::task::spawn_blocking({
        let query = query.clone();
        move || {
            let f = st.finder();
            (f.find_in(&query, &lang, limit, scope), f.version)
        }
    })
    .await
    .map_err(|e| match e.try_into_panic() {
        Ok(panic) => std::panic::resume_unwind(panic),
        Err(_) => ApiError::bad_request("the server is shutting down"),
    })?;
    let items: Vec<FinderItem> = answer
        .hits
        .into_iter()
        .map(|h| FinderItem {
            online_link: online_link(&snapshot, &h),
            code: h.code,
            title: h.title,
            score: h.score,
            why: h.why,
            kind: h.kind.as_str().to_owned(),
        })
        .collect();
    Ok(Json(FinderAnswer {
        meta: FinderMeta {
            query,
            lang: answer.lang.as_str().to_owned(),
            detected: answer.detected,
            total: items.len(),
            limit,
            index_version,
        },
        items,
        message: answer.message,
    }))
}

/// The route, relative to `/api/v1`.
pub fn router() -> Router<AppState> {
    Router::new().route("/finder", get(finder))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use agenda_core::{Change, Code, Entity, Text};
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use serde_json::Value;
    use tower::ServiceExt;

    use crate::{AppState, WebSettings};

    async fn demo() -> (AppState, agenda_store::testing::TestDb) {
        let db = agenda_store::testing::test_databases()
            .await
            .into_iter()
            .next()
            .expect("a SQLite database");
        let sdg = Arc::new(agenda_io::embedded::sdg().expect("sdg"));
        let store = agenda_store::Store::open(db.url(), sdg)
            .await
            .expect("open");
        let plan = agenda_io::plan_import(
            &store.snapshot(),
            &agenda_io::embedded::demo_tables().expect("demo"),
        )
        .expect("the demo imports");
        store.apply("demo", plan.changes).await.expect("apply");
        (AppState::new(store, WebSettings::new("Demo Republic")), db)
    }

    async fn get(st: &AppState, uri: &str) -> (StatusCode, Value) {
        let r = crate::router(st.clone())
            .oneshot(Request::get(uri).body(Body::empty()).expect("request"))
            .await
            .expect("response");
        let status = r.status();
        let body = axum::body::to_bytes(r.into_body(), usize::MAX)
            .await
            .expect("body");
        (status, serde_json::from_slice(&body).expect("JSON"))
    }

    fn codes(v: &Value) -> Vec<&str> {
        v["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter_map(|i| i["code"].as_str())
            .collect()
    }

    #[tokio::test]
    async fn the_finder_answers_questions_on_the_demo_country() {
        let (st, _db) = demo().await;

        let (status, v) = get(&st, "/api/v1/finder?q=my%20mother%20died&lang=en&limit=5").await;
        assert_eq!(status, StatusCode::OK, "{v}");
        assert!(["SVC-068", "SVC-069"].contains(&codes(&v)[0]), "{v}");
        let first = &v["items"][0];
        assert_eq!(first["kind"], "service");
        assert!(
            first["why"]
                .as_str()
                .is_some_and(|w| w.contains("Death of a relative"))
        );
        assert!(first["title"].is_string() && first["score"].is_number());
        assert!(codes(&v).len() <= 5);
        assert_eq!(v["meta"]["lang"], "en");
        assert!(v.get("message").is_none());

        // French, detected; Spanish, given; a typo.
        let (_, v) = get(
            &st,
            "/api/v1/finder?q=je%20veux%20renouveler%20mon%20passeport",
        )
        .await;
        assert_eq!(
            (v["meta"]["lang"].as_str(), v["meta"]["detected"].as_bool()),
            (Some("fr"), Some(true))
        );
        assert_eq!(codes(&v)[0], "SVC-043");
        assert_eq!(
            v["items"][0]["title"],
            "Demander ou renouveler un passeport"
        );
        let (_, v) = get(&st, "/api/v1/finder?q=cambio%20de%20domicilio&lang=es").await;
        assert_eq!(codes(&v)[0], "SVC-025");
        let (_, v) = get(&st, "/api/v1/finder?q=housing%20benifit&lang=en").await;
        assert_eq!(codes(&v)[0], "SVC-026");

        // Nothing to find is an empty list with a message, not an error.
        for q in ["", "%20%20", "xqzvbw%20plorkt"] {
            let (status, v) = get(&st, &format!("/api/v1/finder?q={q}&lang=en")).await;
            assert_eq!(status, StatusCode::OK);
            assert!(codes(&v).is_empty());
            assert!(v["message"].as_str().is_some_and(|m| !m.is_empty()), "{v}");
        }
        let (status, v) = get(&st, "/api/v1/finder").await;
        assert_eq!(status, StatusCode::OK);
        assert!(v["message"].is_string());

        let (status, v) = get(&st, "/api/v1/finder?q=passport&limit=0").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(v["error"]["code"], "bad_request");
        let (status, _) = get(&st, "/api/v1/finder?q=passport&limit=x").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);

        let (_, doc) = get(&st, "/api/v1/openapi.json").await;
        assert!(doc["paths"]["/api/v1/finder"]["get"].is_object());
    }

    #[tokio::test]
    async fn the_index_follows_the_catalogue() {
        let (st, _db) = demo().await;
        let (_, before) = get(&st, "/api/v1/finder?q=beekeeping%20permit&lang=en").await;
        assert!(!codes(&before).contains(&"SVC-099"));

        let mut svc = st.store.snapshot().services["SVC-087"].clone();
        svc.code = Code::parse("SVC-099").expect("code");
        svc.title = Text::en("Register as a beekeeper").expect("title");
        svc.summary = Some(Text::en("Declare your hives once a year.").expect("summary"));
        st.store
            .apply("test", vec![Change::Upsert(Entity::Service(svc))])
            .await
            .expect("apply");

        // The next request does not wait for the new index: the previous one answers it…
        let (_, next) = get(&st, "/api/v1/finder?q=beekeeper%20hives&lang=en").await;
        assert_eq!(
            next["meta"]["index_version"],
            before["meta"]["index_version"]
        );
        // … while the new one is built in the background, for a later request.
        let after = loop {
            let (_, v) = get(&st, "/api/v1/finder?q=beekeeper%20hives&lang=en").await;
            if v["meta"]["index_version"] != before["meta"]["index_version"] {
                break v;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        };
        assert_eq!(codes(&after)[0], "SVC-099", "{after}");
        assert!(after["meta"]["index_version"].as_u64() > before["meta"]["index_version"].as_u64());
    }
}
