//! Accounts, sessions, tokens and versioned writes, on SQLite and (when configured) PostgreSQL.

use agenda_core::{Change, Code, Kind, Role};

use crate::accounts::{
    FREE_FAILURES_PER_ACCOUNT_AND_CLIENT, FREE_FAILURES_PER_CLIENT, LoginRefused, NewAccount,
    THROTTLE_MAX_WAIT_SECONDS, throttle_wait,
};
use crate::testing::test_databases;
use crate::tests::org;
use crate::{Store, StoreError};

fn account(username: &str, role: Role, org: Option<&str>) -> NewAccount {
    NewAccount {
        username: username.into(),
        display_name: format!("{username} (test)"),
        email: Some(format!("{username}@example.org")),
        role,
        organisation: org.map(|o| Code::parse(o).unwrap()),
    }
}

async fn with_org(store: &Store) {
    store
        .apply("setup", vec![Change::Upsert(org("MOH", None))])
        .await
        .unwrap();
}

#[tokio::test]
async fn a_stakeholder_speaks_for_an_existing_organisation() {
    for db in test_databases().await {
        let on = db.backend();
        let store = db.open().await.unwrap();
        with_org(&store).await;
        let pw = "correct horse battery";
        store
            .add_account("setup", &account("uni", Role::Stakeholder, Some("MOH")), pw)
            .await
            .unwrap();
        let s = store.login("uni", pw, "client-a").await.unwrap().unwrap();
        let s = store.session(&s.cookie).await.unwrap().unwrap();
        assert_eq!(s.account.organisation.unwrap().as_str(), "MOH", "{on}");
        // One without an organisation still signs in, but cannot contribute.
        store
            .add_account("setup", &account("anyone", Role::Stakeholder, None), pw)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn accounts_sign_in_with_their_password_only_and_sessions_end_everywhere() {
    for db in test_databases().await {
        let on = db.backend();
        let store = db.open().await.unwrap();
        with_org(&store).await;
        let pw = "correct horse battery";
        store
            .add_account("setup", &account("ana", Role::Entity, Some("MOH")), pw)
            .await
            .unwrap();
        // Refusals name what is wrong.
        for (new, pw, why) in [
            (account("ana", Role::Admin, None), pw, "already taken"),
            (account("bo", Role::Admin, None), "short", "at least"),
            (account("bo", Role::Entity, None), pw, "organisation"),
            (account("bo", Role::Entity, Some("NOPE")), pw, "no such"),
            (
                account("bo", Role::Stakeholder, Some("NOPE")),
                pw,
                "no such",
            ),
            (account("bo", Role::Editor, Some("MOH")), pw, "only entity"),
            (account("b o", Role::Editor, None), pw, "username"),
        ] {
            let err = store
                .add_account("setup", &new, pw)
                .await
                .unwrap_err()
                .to_string();
            assert!(err.contains(why), "{on}: {err}");
        }
        let stored: String = sqlx::query_scalar("SELECT password_hash FROM users")
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert!(stored.starts_with("$argon2id$"), "{on}: {stored}");

        assert_eq!(
            store
                .login("ana", "wrong password!", "client-a")
                .await
                .unwrap()
                .unwrap_err(),
            LoginRefused::Invalid
        );
        assert_eq!(
            store
                .login("nobody", pw, "client-a")
                .await
                .unwrap()
                .unwrap_err(),
            LoginRefused::Invalid
        );
        let one = store.login("ana", pw, "client-a").await.unwrap().unwrap();
        let two = store.login("ana", pw, "client-a").await.unwrap().unwrap();
        let s = store.session(&one.cookie).await.unwrap().unwrap();
        assert_eq!(s.account.organisation.unwrap().as_str(), "MOH", "{on}");
        assert_eq!(s.csrf, one.csrf);
        assert!(store.session("forged").await.unwrap().is_none());
        // The cookie value is not what the database keeps.
        let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE id_hash = $1")
            .bind(&one.cookie)
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(kept, 0, "{on}");

        store.end_session(&one.cookie).await.unwrap();
        assert!(store.session(&one.cookie).await.unwrap().is_none(), "{on}");
        assert!(store.session(&two.cookie).await.unwrap().is_some(), "{on}");
        store.end_all_sessions("ana").await.unwrap();
        assert!(store.session(&two.cookie).await.unwrap().is_none(), "{on}");

        // Disabled accounts neither sign in nor keep sessions.
        let three = store.login("ana", pw, "client-a").await.unwrap().unwrap();
        store
            .set_account_disabled("root", "ana", true)
            .await
            .unwrap();
        assert!(
            store.session(&three.cookie).await.unwrap().is_none(),
            "{on}"
        );
        assert!(
            store.login("ana", pw, "client-a").await.unwrap().is_err(),
            "{on}"
        );

        // Account changes are in the audit chain, without secrets, and the chain holds.
        let audited: Vec<(String, String, Option<String>)> = sqlx::query_as(
            "SELECT actor, action, after FROM audit_log WHERE kind = 'account' ORDER BY seq",
        )
        .fetch_all(store.pool())
        .await
        .unwrap();
        let actions: Vec<&str> = audited.iter().map(|(_, a, _)| a.as_str()).collect();
        assert_eq!(actions, ["create", "update"], "{on}");
        assert_eq!(audited[1].0, "root", "{on}");
        assert!(audited.iter().all(|(_, _, after)| {
            let after = after.as_deref().unwrap_or("");
            !after.contains("argon2") && !after.contains("example.org")
        }));
        assert_eq!(store.verify_audit().await.unwrap(), None, "{on}");
        // Entity histories are not troubled by them.
        assert!(store.audit_records(None, None, 100).await.is_ok(), "{on}");
    }
}

#[test]
fn the_wait_doubles_with_each_failure_up_to_a_bound() {
    let free = FREE_FAILURES_PER_ACCOUNT_AND_CLIENT;
    assert!(throttle_wait(free - 1, free).is_zero());
    let waits: Vec<_> = (free..free + 12).map(|n| throttle_wait(n, free)).collect();
    assert!(waits[0] > chrono::Duration::zero());
    assert!(waits.windows(2).all(|w| w[1] >= w[0]));
    assert!(waits[1] > waits[0] && waits[2] > waits[1]);
    let most = chrono::Duration::seconds(THROTTLE_MAX_WAIT_SECONDS);
    assert_eq!(throttle_wait(1000, free), most);
}

#[tokio::test]
async fn failures_slow_the_client_that_fails_not_the_owner_elsewhere() {
    for db in test_databases().await {
        let on = db.backend();
        let store = db.open().await.unwrap();
        let pw = "correct horse battery";
        store
            .add_account("setup", &account("root", Role::Admin, None), pw)
            .await
            .unwrap();
        let t0 = chrono::Utc::now();
        let wrong = "guess guess guess";
        // The attacker's free failures are answered at once, then it is made to wait, even
        // with the right password.
        let mut now = t0;
        for _ in 0..FREE_FAILURES_PER_ACCOUNT_AND_CLIENT {
            let r = store
                .login_at("root", wrong, "attacker", now)
                .await
                .unwrap();
            assert_eq!(r.unwrap_err(), LoginRefused::Invalid, "{on}");
        }
        let throttled = |r: Result<_, LoginRefused>| match r {
            Err(LoginRefused::Throttled { retry_after }) => retry_after,
            Err(other) => panic!("{on}: {other:?} where throttling was expected"),
            Ok(_) => panic!("{on}: signed in where throttling was expected"),
        };
        let first = throttled(store.login_at("root", pw, "attacker", now).await.unwrap());
        assert!(first > 0, "{on}");
        // Once the wait has passed the attempt is checked again; each failure lengthens it.
        let mut waits = vec![first];
        for _ in 0..4 {
            now += chrono::Duration::seconds(*waits.last().unwrap());
            let r = store
                .login_at("root", wrong, "attacker", now)
                .await
                .unwrap();
            assert_eq!(r.unwrap_err(), LoginRefused::Invalid, "{on}");
            waits.push(throttled(
                store.login_at("root", pw, "attacker", now).await.unwrap(),
            ));
        }
        assert!(waits.windows(2).all(|w| w[1] > w[0]), "{on}: {waits:?}");
        // The owner, from another client, signs in meanwhile.
        let s = store.login_at("root", pw, "owner", now).await.unwrap();
        assert!(s.is_ok(), "{on}");
        // A client trying many accounts is slowed once past its free failures in all.
        for i in 0..FREE_FAILURES_PER_CLIENT {
            let user = format!("user{i}");
            let r = store.login_at(&user, wrong, "sprayer", now).await.unwrap();
            assert_eq!(r.unwrap_err(), LoginRefused::Invalid, "{on}");
        }
        throttled(store.login_at("root", pw, "sprayer", now).await.unwrap());
        assert!(
            store
                .login_at("root", pw, "owner", now)
                .await
                .unwrap()
                .is_ok()
        );
    }
}

#[tokio::test]
async fn an_account_under_attack_from_many_clients_still_lets_a_fresh_client_in() {
    for db in test_databases().await {
        let on = db.backend();
        let store = db.open().await.unwrap();
        let pw = "correct horse battery";
        store
            .add_account("setup", &account("root", Role::Admin, None), pw)
            .await
            .unwrap();
        let now = chrono::Utc::now();
        for i in 0..crate::accounts::ACCOUNT_UNDER_ATTACK {
            let r = store
                .login_at("root", "guess guess guess", &format!("bot{i}"), now)
                .await
                .unwrap();
            assert_eq!(r.unwrap_err(), LoginRefused::Invalid, "{on}");
        }
        // Under attack, one failure is enough to make a client wait …
        let r = store.login_at("root", "guess", "bot0", now).await.unwrap();
        assert!(matches!(r, Err(LoginRefused::Throttled { .. })), "{on}");
        // … but a client that has not failed is checked, and the owner gets in.
        assert!(
            store
                .login_at("root", pw, "owner", now)
                .await
                .unwrap()
                .is_ok()
        );
    }
}

#[tokio::test]
async fn tokens_are_shown_once_kept_hashed_and_revocable() {
    for db in test_databases().await {
        let on = db.backend();
        let store = db.open().await.unwrap();
        with_org(&store).await;
        let moh = Code::parse("MOH").unwrap();
        let (info, token) = store
            .create_token(&moh, "Statistics office", "ana")
            .await
            .unwrap();
        assert!(token.starts_with(&format!("agt_{}_", info.id)), "{on}");
        let found = store.token(&token).await.unwrap().unwrap();
        assert_eq!(found.organisation, moh);
        // A token with the right id but another secret opens nothing.
        let forged = format!("agt_{}_{}", info.id, "0".repeat(64));
        assert!(store.token(&forged).await.unwrap().is_none(), "{on}");
        let secret = token.rsplit('_').next().unwrap();
        let kept: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM api_tokens WHERE secret_hash = $1")
                .bind(secret)
                .fetch_one(store.pool())
                .await
                .unwrap();
        assert_eq!(kept, 0, "{on}");
        assert!(store.revoke_token("ana", &info.id).await.unwrap());
        assert!(store.token(&token).await.unwrap().is_none(), "{on}");
        assert!(!store.revoke_token("ana", &info.id).await.unwrap());
        let token_records: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE kind = 'api_token'")
                .fetch_one(store.pool())
                .await
                .unwrap();
        assert_eq!(token_records, 2, "{on}: created and revoked");
        assert_eq!(store.verify_audit().await.unwrap(), None, "{on}");
        assert_eq!(store.tokens(Some(&moh)).await.unwrap().len(), 1);
        assert!(
            store
                .create_token(&Code::parse("NOPE").unwrap(), "x", "ana")
                .await
                .is_err()
        );
    }
}

#[tokio::test]
async fn an_edit_from_an_old_version_is_refused_and_writes_nothing() {
    for db in test_databases().await {
        let on = db.backend();
        let store = db.open().await.unwrap();
        let key = |k: &str| (Kind::Organisation, k.to_owned());
        // A create expects version 0.
        let (k, c) = key("MOH");
        store
            .apply_checked("a", vec![Change::Upsert(org("MOH", None))], vec![(k, c, 0)])
            .await
            .unwrap();
        assert_eq!(
            store.version_of(Kind::Organisation, "MOH").await.unwrap(),
            Some(1)
        );
        let (k, c) = key("MOH");
        let err = store
            .apply_checked("b", vec![Change::Upsert(org("MOH", None))], vec![(k, c, 0)])
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Conflict { current: 1, .. }),
            "{on}: {err}"
        );
        let renamed = crate::tests::renamed("MOH", None, "Health");
        let (k, c) = key("MOH");
        store
            .apply_checked("a", vec![Change::Upsert(renamed.clone())], vec![(k, c, 1)])
            .await
            .unwrap();
        let audit = store.audit_len().await.unwrap();
        // The same content from the old version is still a stale edit.
        let (k, c) = key("MOH");
        let err = store
            .apply_checked("b", vec![Change::Upsert(renamed)], vec![(k, c, 1)])
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::Conflict {
                    expected: 1,
                    current: 2,
                    ..
                }
            ),
            "{on}"
        );
        assert_eq!(store.audit_len().await.unwrap(), audit, "{on}");
    }
}
