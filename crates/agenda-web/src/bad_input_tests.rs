//! Bad input at scale through the router: generated USSD sessions, voice transcripts, chat
//! messages (API and plain form), KPI figures sent with an API token, and record forms posted
//! by a signed-in editor. Every answer must be a deliberate one — never a server error — and
//! USSD screens must fit the gateway's limit. Bounded (`PROPTEST_CASES` overrides).

use std::sync::{Arc, OnceLock};

use agenda_core::{Code, Role};
use agenda_store::NewAccount;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use proptest::prelude::*;
use tower::ServiceExt;

use crate::{AppState, WebSettings};

struct Demo {
    rt: tokio::runtime::Runtime,
    state: AppState,
    token: String,
    cookie: String,
    csrf: String,
    _db: agenda_store::testing::TestDb,
}

fn demo() -> &'static Demo {
    static DEMO: OnceLock<Demo> = OnceLock::new();
    DEMO.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let (state, token, cookie, csrf, db) = rt.block_on(async {
            let db = agenda_store::testing::test_databases()
                .await
                .into_iter()
                .next()
                .unwrap();
            let sdg = Arc::new(agenda_io::embedded::sdg().unwrap());
            let store = agenda_store::Store::open(db.url(), sdg).await.unwrap();
            let plan = agenda_io::plan_import(
                &store.snapshot(),
                &agenda_io::embedded::demo_tables().unwrap(),
            )
            .unwrap();
            store.apply("demo", plan.changes).await.unwrap();
            let owner = store.snapshot().kpis["KPI-01"].owner_org.clone();
            let (_, token) = store.create_token(&owner, "fuzz", "test").await.unwrap();
            store
                .add_account(
                    "test",
                    &NewAccount {
                        username: "ed".into(),
                        display_name: "Ed".into(),
                        email: None,
                        role: Role::Editor,
                        organisation: None::<Code>,
                    },
                    "a long enough password",
                )
                .await
                .unwrap();
            let session = store
                .login("ed", "a long enough password", "127.0.0.1")
                .await
                .unwrap()
                .unwrap();
            let state = AppState::new(store, WebSettings::new("Demo Republic"));
            (state, token, session.cookie, session.csrf, db)
        });
        Demo {
            rt,
            state,
            token,
            cookie,
            csrf,
            _db: db,
        }
    })
}

/// Sends `req` through the whole router; returns the status and the body.
fn send(req: Request<Body>) -> (StatusCode, String) {
    let d = demo();
    d.rt.block_on(async {
        let r = crate::router(d.state.clone()).oneshot(req).await.unwrap();
        let status = r.status();
        let body = axum::body::to_bytes(r.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, String::from_utf8_lossy(&body).into_owned())
    })
}

fn form_body(fields: &[(String, String)]) -> String {
    serde_urlencoded::to_string(fields).unwrap()
}

fn post_form(uri: &str, fields: &[(String, String)], cookie: Option<&str>) -> (StatusCode, String) {
    let mut req = Request::post(uri).header("content-type", "application/x-www-form-urlencoded");
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    send(req.body(Body::from(form_body(fields))).unwrap())
}

/// What people type, say or send: menu choices, words in three languages, and junk.
fn words() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9]{0,3}",
        "[0-9*#]{0,12}",
        prop_oneof![
            Just("passport"),
            Just("je veux créer une entreprise"),
            Just("certificado de nacimiento"),
            Just("my mother died"),
            Just("0"),
            Just("99"),
            Just("*"),
        ]
        .prop_map(str::to_owned),
        "\\PC{0,200}",
        "[ \\t\\n]{0,5}",
    ]
}

fn assert_deliberate(status: StatusCode, body: &str) -> Result<(), TestCaseError> {
    prop_assert!(
        !status.is_server_error(),
        "a server error: {status} {}",
        &body[..body.len().min(300)]
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(48),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn ussd_sessions_answer_a_screen_within_the_limit(
        inputs in proptest::collection::vec(words(), 0..6),
        session in "[a-zA-Z0-9-]{0,20}",
    ) {
        let text = inputs.join("*");
        let (status, body) = post_form(
            "/channels/ussd",
            &[("sessionId".into(), session), ("phoneNumber".into(), "+000".into()), ("text".into(), text)],
            None,
        );
        assert_deliberate(status, &body)?;
        prop_assert_eq!(status, StatusCode::OK);
        prop_assert!(body.starts_with("CON ") || body.starts_with("END "), "{}", body);
        prop_assert!(body.chars().count() <= 182, "{} characters: {}", body.chars().count(), body);
    }

    #[test]
    fn voice_and_chat_answer_whatever_is_said(
        said in words(),
        digits in "[0-9#*]{0,4}",
        lang in prop_oneof![Just("en"), Just("fr"), Just("es"), Just("xx"), Just("")],
        session in "\\PC{0,40}",
    ) {
        let (status, body) = post_form(
            &format!("/channels/voice?lang={lang}"),
            &[("SpeechResult".into(), said.clone()), ("Digits".into(), digits)],
            None,
        );
        assert_deliberate(status, &body)?;
        let (status, body) = post_form(
            &format!("/channels/voice.vxml?lang={lang}"),
            &[("q".into(), said.clone())],
            None,
        );
        assert_deliberate(status, &body)?;
        let json = serde_json::json!({"session": session, "message": said, "lang": lang});
        let (status, body) = send(
            Request::post("/api/v1/chat")
                .header("content-type", "application/json")
                .body(Body::from(json.to_string()))
                .unwrap(),
        );
        assert_deliberate(status, &body)?;
        let (status, body) = post_form(
            "/chat",
            &[("session".into(), session), ("message".into(), said)],
            None,
        );
        assert_deliberate(status, &body)?;
    }

    #[test]
    fn kpi_figures_sent_by_machine_are_stored_or_refused(
        period in prop_oneof!["20[0-9]{2}(-Q[0-9]|-[0-9]{2})?", "\\PC{0,12}"],
        value in prop_oneof![
            any::<f64>().prop_map(|v| serde_json::json!(v)),
            "\\PC{0,8}".prop_map(|v| serde_json::json!(v)),
            Just(serde_json::Value::Null),
        ],
        status in prop_oneof![Just(None), Just(Some("draft")), Just(Some("validated")), Just(Some("x"))],
        disaggregation in prop_oneof![Just(None), "[a-z]{1,5}=[a-z0-9]{1,5}".prop_map(Some), "\\PC{0,10}".prop_map(Some)],
        version in prop_oneof![Just(None), (0u64..5).prop_map(Some)],
        raw in proptest::option::of("\\PC{0,60}"),
    ) {
        let d = demo();
        let body = raw.unwrap_or_else(|| {
            serde_json::json!({
                "period": period, "value": value, "status": status,
                "disaggregation": disaggregation, "version": version
            })
            .to_string()
        });
        let (code, answer) = send(
            Request::post("/api/v1/kpis/KPI-01/observations")
                .header("content-type", "application/json")
                .header("authorization", format!("Bearer {}", d.token))
                .body(Body::from(body))
                .unwrap(),
        );
        assert_deliberate(code, &answer)?;
        prop_assert!(
            [200, 201, 400, 403, 409, 415, 422].contains(&code.as_u16()),
            "{code} {answer}"
        );
    }

    #[test]
    fn record_forms_posted_by_an_editor_are_saved_or_refused_in_words(
        collection in prop_oneof![
            Just("services"), Just("kpis"), Just("observations"), Just("organisations"),
            Just("action_lines"), Just("milestones"), Just("nothing"),
        ],
        fields in proptest::collection::vec(
            (prop_oneof![
                Just("code"), Just("title_en"), Just("owner_code"), Just("kpi"), Just("period"),
                Just("value"), Just("status"), Just("maturity"), Just("name_en"), Just("kind"),
                Just("version"), Just("due"), Just("action_line"),
            ].prop_map(str::to_owned), words()),
            0..8,
        ),
    ) {
        let d = demo();
        let mut all = vec![("csrf".to_owned(), d.csrf.clone())];
        all.extend(fields);
        let (status, body) = post_form(
            &format!("/admin/data/{collection}/new"),
            &all,
            Some(&format!("agenda_session={}", d.cookie)),
        );
        assert_deliberate(status, &body)?;
    }
}

/// The generated requests above reach their handlers: the token, the session and its
/// anti-forgery token are accepted, so a refusal there is the handler's, not the door's.
#[test]
fn the_generated_requests_reach_their_handlers() {
    let d = demo();
    let (status, body) = post_form("/channels/ussd", &[("text".into(), String::new())], None);
    assert_eq!(status, StatusCode::OK);
    assert!(body.starts_with("CON "), "{body}");
    let (status, body) = send(
        Request::post("/api/v1/kpis/KPI-01/observations")
            .header("content-type", "application/json")
            .header("authorization", format!("Bearer {}", d.token))
            .body(Body::from(
                r#"{"period": "2026-Q1", "value": 1, "disaggregation": "reach=yes"}"#,
            ))
            .unwrap(),
    );
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let fields: Vec<(String, String)> = [
        ("csrf", d.csrf.as_str()),
        ("code", "FUZZ-ORG"),
        ("name_en", "Reached by the generated forms"),
        ("kind", "agency"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    let (status, body) = post_form(
        "/admin/data/organisations/new",
        &fields,
        Some(&format!("agenda_session={}", d.cookie)),
    );
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    assert!(
        d.state
            .store
            .snapshot()
            .organisations
            .contains_key("FUZZ-ORG")
    );
}
