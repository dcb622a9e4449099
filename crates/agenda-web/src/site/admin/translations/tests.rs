//! The translation pages: counts, the side-by-side form, stale saves, refusals, and XLIFF files
//! downloaded and uploaded.

use agenda_core::{Kind, Role};
use agenda_io::translations::{self as tr, Xliff};
use axum::body::Body;
use axum::http::{Request, StatusCode};

use crate::testkit::{Client, TestApp};

/// A record of `kind` with a text lacking French, and that text's field.
fn lacking_french(app: &TestApp, kind: Kind) -> (String, &'static str) {
    let s = app.state.store.snapshot();
    tr::entries(&s, "en", "fr")
        .into_iter()
        .find(|e| e.kind == kind && e.target.is_none())
        .map(|e| (e.key, e.field))
        .expect("a text lacking French")
}

async fn upload(app: &TestApp, c: &Client, file: &str) -> crate::testkit::Reply {
    let boundary = "----agenda-test-boundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"fr.xlf\"\r\n\
         Content-Type: application/xliff+xml\r\n\r\n{file}\r\n--{boundary}--\r\n",
        c.csrf.as_deref().unwrap_or_default()
    );
    let req = Request::post("/admin/translations/upload")
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header("cookie", c.cookie().unwrap_or_default())
        .body(Body::from(body))
        .unwrap();
    app.send(req).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_overview_counts_the_texts_lacking_each_language_per_collection() {
    let app = TestApp::demo_sqlite().await;
    let editor = app.with_user(Role::Editor, None).await;
    let r = app.get(&editor, "/admin/translations").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let s = app.state.store.snapshot();
    for lang in ["fr", "es"] {
        assert!(r.body.contains(&format!("id=\"lang-{lang}\"")), "{lang}");
        let counts = tr::missing_counts(&s, "en", lang);
        let total: usize = counts.iter().map(|(_, m, _)| m).sum();
        assert!(total > 0);
        assert!(
            r.body
                .contains(&format!("{total} texts lack a translation")),
            "{lang} {total}"
        );
        let services = counts.iter().find(|(k, _, _)| *k == Kind::Service).unwrap();
        assert!(r.body.contains(&format!(
            "<a href=\"/admin/translations/{lang}/services\">Services</a></th><td class=\"num\">{}</td><td class=\"num\">{}</td>",
            services.1, services.2
        )), "{}", r.body);
    }
    // The menu leads there; the list of a collection names the records and fields lacking it.
    assert!(
        r.body
            .contains("href=\"/admin/translations\" aria-current=\"page\"")
    );
    let (key, _) = lacking_french(&app, Kind::Service);
    let list = app.get(&editor, "/admin/translations/fr/services").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        list.body
            .contains(&format!("/admin/translations/fr/services/{key}"))
    );
    // The default language is not a target, nor is an unknown one; a kind without texts
    // has no list.
    for path in [
        "/admin/translations/en/services",
        "/admin/translations/de/services",
        "/admin/translations/fr/kpi-targets",
    ] {
        assert_eq!(
            app.get(&editor, path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_translation_is_saved_beside_its_source_and_changes_nothing_else() {
    let app = TestApp::demo_sqlite().await;
    let editor = app.with_user(Role::Editor, None).await;
    let (key, field) = lacking_french(&app, Kind::Service);
    let path = format!("/admin/translations/fr/services/{key}");
    let page = app.get(&editor, &path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let id = format!("f-{}", field.replace('_', "-"));
    assert!(
        page.body
            .contains(&format!("id=\"{id}-source\" lang=\"en\"")),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains(&format!("id=\"{id}\" name=\"t-{field}\""))
    );
    assert!(page.body.contains("lang=\"fr\""));
    let (before, version) = app
        .state
        .store
        .versioned(Kind::Service, &key)
        .await
        .unwrap();
    let before = before.unwrap();
    // Every field as the form shows it, the missing one now filled.
    let mut fields: Vec<(String, String)> = tr::entries_of(&before, "en", "fr")
        .into_iter()
        .map(|e| (format!("t-{}", e.field), e.target.unwrap_or_default()))
        .collect();
    let text = "Texte <traduit> & \"exact\"\nsur deux lignes 🙂";
    for (n, v) in &mut fields {
        if *n == format!("t-{field}") {
            *v = text.to_owned();
        }
    }
    let v = version.to_string();
    let mut form: Vec<(&str, &str)> = fields
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    form.push(("version", &v));
    let r = app.post_form(&editor, &path, &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (after, new_version) = app
        .state
        .store
        .versioned(Kind::Service, &key)
        .await
        .unwrap();
    let after = after.unwrap();
    assert!(new_version > version);
    assert_eq!(
        after,
        tr::with_translation(&before, field, "fr", text).unwrap(),
        "only that text changed"
    );
    let list = app
        .get(
            &editor,
            &format!("/admin/translations/fr/services?saved={key}"),
        )
        .await;
    assert!(list.body.contains("class=\"confirmation\""));

    // The same form sent again from the version it was shown at: refused as stale, with the
    // person's text kept in the form and the record unchanged.
    let mut stale = form.clone();
    let other = "Une autre traduction";
    for (n, val) in &mut stale {
        if *n == format!("t-{field}") {
            *val = other;
        }
    }
    let r = app.post_form(&editor, &path, &stale).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("Someone changed this record"));
    assert!(r.body.contains(other));
    assert!(
        r.body
            .contains(&format!("name=\"version\" value=\"{new_version}\""))
    );
    let (now, v2) = app
        .state
        .store
        .versioned(Kind::Service, &key)
        .await
        .unwrap();
    assert_eq!((now.unwrap(), v2), (after, new_version));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_those_who_may_change_every_record_translate() {
    let app = TestApp::demo_sqlite().await;
    let s = app.state.store.snapshot();
    let org = s.organisations.keys().next().unwrap().clone();
    let (key, field) = lacking_french(&app, Kind::Service);
    let path = format!("/admin/translations/fr/services/{key}");
    for (role, org) in [
        (Role::Stakeholder, Some(org.as_str())),
        (Role::Entity, Some(org.as_str())),
        (Role::Legal, None),
    ] {
        let c = app.with_user(role, org).await;
        let version = app.state.store.snapshot().version;
        for page in [
            "/admin/translations",
            "/admin/translations/fr/services",
            path.as_str(),
            "/admin/translations/download?lang=fr",
        ] {
            assert_eq!(
                app.get(&c, page).await.status,
                StatusCode::FORBIDDEN,
                "{role:?} {page}"
            );
        }
        let r = app
            .post_form(
                &c,
                &path,
                &[(&format!("t-{field}"), "Non"), ("version", "1")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{role:?}");
        assert_eq!(
            upload(&app, &c, "<xliff/>").await.status,
            StatusCode::FORBIDDEN
        );
        assert!(
            !app.get(&c, "/admin")
                .await
                .body
                .contains("/admin/translations")
        );
        assert_eq!(app.state.store.snapshot().version, version, "{role:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_downloaded_file_translated_and_uploaded_fills_the_missing_texts() {
    let app = TestApp::demo_sqlite().await;
    let editor = app.with_user(Role::Editor, None).await;
    let r = app
        .get(&editor, "/admin/translations/download?lang=es")
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.headers.get("content-type").unwrap(),
        "application/xliff+xml; charset=utf-8"
    );
    assert!(
        r.headers
            .get("content-disposition")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("translations-en-es.xlf")
    );
    let mut doc = Xliff::read(&r.body).unwrap();
    let s = app.state.store.snapshot();
    let missing = tr::entries(&s, "en", "es")
        .into_iter()
        .filter(|e| e.target.is_none())
        .count();
    assert_eq!(doc.units.len(), missing);
    let all = Xliff::read(
        &app.get(&editor, "/admin/translations/download?lang=es&texts=all")
            .await
            .body,
    )
    .unwrap();
    assert_eq!(all.units.len(), tr::entries(&s, "en", "es").len());
    assert_eq!(
        app.get(&editor, "/admin/translations/download?lang=es&texts=some")
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    for u in &mut doc.units {
        u.target = Some(format!("ES {}", u.source));
    }
    // One unit translated from a text since changed: reported, not applied.
    doc.units[0].source = "an older text".into();
    let r = upload(&app, &editor, &doc.write().unwrap()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body.contains(&format!(
            "<th scope=\"row\">Translations added</th><td class=\"num\">{}</td>",
            missing - 1
        )),
        "{}",
        r.body
    );
    assert!(
        r.body
            .contains(&format!("<code>{}</code>", doc.units[0].path))
    );
    assert!(
        r.body
            .contains("The original changed since the file was made")
    );
    let after = app.state.store.snapshot();
    assert_eq!(
        tr::entries(&after, "en", "es")
            .into_iter()
            .filter(|e| e.target.is_none())
            .count(),
        1
    );
    // A file that is not XLIFF is refused with its reason, and nothing changes.
    let r = upload(&app, &editor, "<html></html>").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("not an XLIFF document"));
    assert_eq!(app.state.store.snapshot().version, after.version);
}
