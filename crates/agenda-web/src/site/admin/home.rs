//! The administration's home (`/admin`): what the signed-in person may work on.

use agenda_core::{Kind, ObservationStatus, Role};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::auth::SignedIn;
use super::common::{AdminBar, MenuItem, admin_render, chrome, kinds_label, link};
use crate::AppState;
use crate::site::Lang;
use crate::site::i18n::t;
use crate::site::views::Chrome;

#[derive(Template)]
#[template(path = "admin/home.html")]
struct HomePage {
    c: Chrome,
    a: AdminBar,
    work: Vec<MenuItem>,
    /// For those who keep the regulatory plan: action lines that need a legal instrument and
    /// have none, and instruments past their target date, each with its form.
    gaps: Vec<(String, String)>,
    late: Vec<(String, String, String)>,
    /// For reviewers: the figures and budget lines submitted and not yet validated, each
    /// kind with the link to its list of them and how many there are.
    awaiting: Vec<(String, String, usize)>,
}

pub async fn home(State(state): State<AppState>, lang: Lang, user: SignedIn) -> Response {
    // An entity's home is the list of what it owes this cycle.
    if user.account().role == Role::Entity {
        return Redirect::to(&link(lang, "/admin/tasks")).into_response();
    }
    let a = AdminBar::now(&state, lang);
    // The work links are the menu's, without the home itself.
    let work = a
        .menu
        .iter()
        .skip(1)
        .map(|m| MenuItem {
            href: m.href.clone(),
            label: m.label.clone(),
            current: false,
        })
        .collect();
    let l = lang.0;
    let (mut gaps, mut late) = (Vec::new(), Vec::new());
    if matches!(
        user.account().role,
        Role::Legal | Role::Admin | Role::Editor
    ) {
        let s = state.store.snapshot();
        gaps = agenda_core::governance::regulatory_gaps(&s)
            .into_iter()
            .map(|a| (a.code.to_string(), a.title.get(l).to_owned()))
            .collect();
        late = agenda_core::governance::instruments_past_target(&s, state.today())
            .into_iter()
            .map(|x| {
                (
                    x.code.to_string(),
                    x.title.get(l).to_owned(),
                    x.target_date.map(|d| d.to_string()).unwrap_or_default(),
                )
            })
            .collect();
    }
    let mut awaiting = Vec::new();
    if matches!(user.account().role, Role::Admin | Role::Editor) {
        let s = state.store.snapshot();
        let submitted = |st: ObservationStatus| st == ObservationStatus::Submitted;
        for (kind, n) in [
            (
                Kind::Observation,
                s.observations
                    .values()
                    .filter(|o| submitted(o.status))
                    .count(),
            ),
            (
                Kind::Budget,
                s.budgets.values().filter(|b| submitted(b.status)).count(),
            ),
        ] {
            if n > 0 {
                awaiting.push((
                    link(
                        lang,
                        &format!("/admin/data/{}?status=submitted", kind.collection()),
                    ),
                    kinds_label(l, kind),
                    n,
                ));
            }
        }
    }
    admin_render(
        StatusCode::OK,
        &HomePage {
            c: chrome(&state, lang, t(l, "admin-title")),
            a,
            work,
            gaps,
            late,
            awaiting,
        },
    )
}
