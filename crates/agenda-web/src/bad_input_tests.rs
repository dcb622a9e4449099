//! Bad input at scale through the router: generated USSD sessions, voice transcripts, chat
//! messages (API and plain form), KPI figures sent with an API token, and record forms posted
//! by a signed-in editor. Every answer must be a deliberate one — never a server error — and
//! USSD screens must fit the gateway's limit. Bounded (`PROPTEST_CASES` overrides).

use std::sync::OnceLock;

use agenda_core::Role;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use proptest::prelude::*;

use crate::testkit::{Client, TestApp};

struct Demo {
    rt: tokio::runtime::Runtime,
    app: TestApp,
    token: String,
    editor: Client,
}

fn demo() -> &'static Demo {
    static DEMO: OnceLock<Demo> = OnceLock::new();
    DEMO.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let (app, token, editor) = rt.block_on(async {
            let app = TestApp::demo_sqlite().await;
            let owner = app.state.store.snapshot().kpis["KPI-01"].owner_org.clone();
            let (_, token) = app
                .state
                .store
                .create_token(&owner, "fuzz", "test")
                .await
                .unwrap();
            let editor = app.with_user(Role::Editor, None).await;
            (app, token, editor)
        });
        Demo {
            rt,
            app,
            token,
            editor,
        }
    })
}

/// Sends `req` through the whole router; returns the status and the body.
fn send(req: Request<Body>) -> (StatusCode, String) {
    let d = demo();
    let r = d.rt.block_on(d.app.send(req));
    (r.status, r.body)
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
        let fields: Vec<(&str, &str)> =
            fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let r = d.rt.block_on(d.app.post_form(
            &d.editor,
            &format!("/admin/data/{collection}/new"),
            &fields,
        ));
        assert_deliberate(r.status, &r.body)?;
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
    // A data-quality flag travels with the figure; an unknown one is refused by name.
    let flagged = |flag: &str| {
        send(
            Request::post("/api/v1/kpis/KPI-01/observations")
                .header("content-type", "application/json")
                .header("authorization", format!("Bearer {}", d.token))
                .body(Body::from(format!(
                    r#"{{"period": "2026-Q1", "value": 2, "disaggregation": "reach=flag", "flag": "{flag}"}}"#
                )))
                .unwrap(),
        )
    };
    let (status, body) = flagged("rumour");
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("flag"), "{body}");
    let (status, body) = flagged("provisional");
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let stored = d.app.state.store.snapshot();
    let o = stored
        .observations
        .values()
        .find(|o| o.disaggregation.as_ref().is_some_and(|x| x.value == "flag"))
        .unwrap();
    assert_eq!(
        o.flag,
        Some(agenda_core::model::ObservationFlag::Provisional)
    );
    let r = d.rt.block_on(d.app.post_form(
        &d.editor,
        "/admin/data/organisations/new",
        &[
            ("code", "FUZZ-ORG"),
            ("name_en", "Reached by the generated forms"),
            ("kind", "agency"),
        ],
    ));
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        d.app
            .state
            .store
            .snapshot()
            .organisations
            .contains_key("FUZZ-ORG")
    );
}
