//! The pages of a record (`/admin/data/...`): its form, the confirmation after saving it, the
//! question before archiving it, and the question when a new record's key already exists.

use agenda_core::{Entity, Kind, Role, Snapshot};
use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;

use super::auth::{SignedIn, encode};
use super::common::{
    AdminBar, MenuItem, admin_render, chrome, kind_label, kinds_label, link, name_of,
};
use super::controls::{self, Block, ErrorLink, Viewer};
use super::forms::{self, Field};
use crate::AppState;
use crate::site::Lang;
use crate::site::i18n::{t, t_args};
use crate::site::views::Chrome;

/// The field where a change of a KPI's baseline or targets is justified.
pub const JUSTIFICATION: &str = "justification";

/// A field whose values differ, for a conflict or an existing record.
pub struct DiffRow {
    pub label: String,
    pub theirs: String,
    pub yours: String,
}

/// Everything a form page needs besides its fields.
pub struct FormPage<'a> {
    pub kind: Kind,
    /// `None` for a new entity.
    pub key: Option<&'a str>,
    pub version: u64,
    pub notice: Option<String>,
    pub problems: Vec<String>,
    pub diff: Option<Vec<DiffRow>>,
}

impl<'a> FormPage<'a> {
    pub fn new(kind: Kind, key: Option<&'a str>, version: u64) -> Self {
        Self {
            kind,
            key,
            version,
            notice: None,
            problems: Vec::new(),
            diff: None,
        }
    }
}

#[derive(Template)]
#[template(path = "admin/record_form.html")]
struct RecordForm {
    c: Chrome,
    a: AdminBar,
    errors: Vec<ErrorLink>,
    notice: Option<String>,
    problems: Vec<String>,
    diff: Option<Vec<DiffRow>>,
    action: String,
    csrf: String,
    version: u64,
    blocks: Vec<Block>,
    hidden: Vec<(String, String)>,
    back: String,
    archive: Option<String>,
    history: Option<String>,
}

/// Who fills the form, in which language.
pub fn viewer<'a>(lang: Lang, user: &'a SignedIn) -> Viewer<'a> {
    let a = user.account();
    Viewer {
        lang: lang.0,
        own_org: match a.role {
            Role::Entity => a.organisation.as_ref(),
            _ => None,
        },
    }
}

/// The title of a record's page: "New service", or "Service: Register a birth".
pub fn form_title(s: &Snapshot, lang: Lang, kind: Kind, key: Option<&str>) -> String {
    let l = lang.0;
    match key {
        Some(k) => t_args(
            l,
            "admin-edit-record",
            &[
                ("kind", capitalised(&kind_label(l, kind))),
                ("name", super::common::name_in(s, kind, k, l)),
            ],
        ),
        None => t_args(l, "admin-new-record", &[("kind", kind_label(l, kind))]),
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The path of a record's form.
pub fn record_path(kind: Kind, key: &str) -> String {
    format!("/admin/data/{}/{}", kind.collection(), encode(key))
}

/// A record's form, with the errors of its fields summarised at the top.
pub fn form_page(
    state: &AppState,
    lang: Lang,
    user: &SignedIn,
    status: StatusCode,
    p: FormPage<'_>,
    fields: &[Field],
) -> Response {
    let s = state.store.snapshot();
    let collection = p.kind.collection();
    let v = viewer(lang, user);
    let (blocks, hidden, errors) = controls::blocks(&s, p.kind, fields, &v);
    let action = match p.key {
        Some(k) => link(lang, &record_path(p.kind, k)),
        None => link(lang, &format!("/admin/data/{collection}/new")),
    };
    let page = RecordForm {
        c: chrome(state, lang, form_title(&s, lang, p.kind, p.key)),
        a: AdminBar::now(state, lang),
        errors,
        notice: p.notice,
        problems: p.problems,
        diff: p.diff,
        action,
        csrf: user.0.csrf.clone(),
        version: p.version,
        blocks,
        hidden,
        back: link(lang, &format!("/admin/data/{collection}")),
        archive: p
            .key
            .map(|k| link(lang, &format!("{}/archive", record_path(p.kind, k)))),
        history: p
            .key
            .map(|k| link(lang, &format!("/history/{collection}/{}", encode(k)))),
    };
    admin_render(status, &page)
}

/// The fields of `yours` whose value differs from the record `theirs`.
pub fn differences(
    state: &AppState,
    lang: Lang,
    kind: Kind,
    theirs: Option<&Entity>,
    yours: &[Field],
) -> Vec<DiffRow> {
    let s = state.store.snapshot();
    let current = forms::fields(&s, kind, theirs);
    yours
        .iter()
        .filter(|f| f.name != JUSTIFICATION)
        .filter_map(|f| {
            let other = current
                .iter()
                .find(|c| c.name == f.name)
                .map(|c| c.value.as_str())
                .unwrap_or("");
            (other.trim() != f.value.trim()).then(|| DiffRow {
                label: forms::label(lang.0, &f.name),
                theirs: other.to_owned(),
                yours: f.value.clone(),
            })
        })
        .collect()
}

#[derive(Template)]
#[template(path = "admin/exists.html")]
struct ExistsPage {
    c: Chrome,
    a: AdminBar,
    message: String,
    rows: Vec<DiffRow>,
    action: String,
    csrf: String,
    version: u64,
    hidden: Vec<(String, String)>,
    existing: String,
    cancel: String,
}

/// The answer to a new record whose key is taken: says so, shows both, offers to replace
/// the existing record (the form carries its version, so a change meanwhile is still caught).
#[allow(clippy::too_many_arguments)]
pub fn exists_page(
    state: &AppState,
    lang: Lang,
    user: &SignedIn,
    kind: Kind,
    existing: &Entity,
    version: u64,
    fields: &[Field],
) -> Response {
    let s = state.store.snapshot();
    let l = lang.0;
    let key = existing.key();
    let message = match existing {
        Entity::Observation(o) => t_args(
            l,
            "admin-exists-observation",
            &[
                ("period", o.period.to_string()),
                (
                    "kpi",
                    super::common::name_in(&s, Kind::Kpi, o.kpi.as_str(), l),
                ),
            ],
        ),
        Entity::ProgressReport(r) => t_args(
            l,
            "admin-exists-report",
            &[
                ("period", r.period.to_string()),
                (
                    "line",
                    super::common::name_in(&s, Kind::ActionLine, r.action_line.as_str(), l),
                ),
            ],
        ),
        e => t_args(
            l,
            "admin-exists",
            &[
                ("kind", kind_label(l, kind)),
                ("name", name_of(e, l)),
                ("key", key.clone()),
            ],
        ),
    };
    let page = ExistsPage {
        c: chrome(state, lang, t(l, "admin-exists-title")),
        a: AdminBar::now(state, lang),
        message,
        rows: differences(state, lang, kind, Some(existing), fields),
        action: link(lang, &record_path(kind, &key)),
        csrf: user.0.csrf.clone(),
        version,
        hidden: fields
            .iter()
            .map(|f| (f.name.clone(), f.value.clone()))
            .collect(),
        existing: link(lang, &record_path(kind, &key)),
        cancel: link(lang, &format!("/admin/data/{}", kind.collection())),
    };
    // A question, not a refusal: nothing was written and nothing conflicts yet.
    admin_render(StatusCode::OK, &page)
}

/// One value of a saved record, as the person chose it.
pub struct SavedRow {
    pub label: String,
    pub value: String,
}

#[derive(Template)]
#[template(path = "admin/saved.html")]
struct SavedPage {
    c: Chrome,
    a: AdminBar,
    message: String,
    rows: Vec<SavedRow>,
    links: Vec<MenuItem>,
}

/// The public page of a record, for the kinds that have one.
fn public_path(kind: Kind, key: &str) -> Option<String> {
    let base = match kind {
        Kind::ActionLine => "/action-lines",
        Kind::Kpi => "/kpis",
        Kind::Service => "/services",
        Kind::Organisation => "/organisations",
        Kind::LifeEvent => "/life-events",
        Kind::BuildingBlock => "/building-blocks",
        Kind::Consultation => "/consultations",
        _ => return None,
    };
    Some(format!("{base}/{}", encode(key)))
}

/// The confirmation after a record was saved: what it now holds, and where to go next.
pub fn saved_page(
    state: &AppState,
    lang: Lang,
    user: &SignedIn,
    kind: Kind,
    entity: &Entity,
) -> Response {
    let s = state.store.snapshot();
    let l = lang.0;
    let key = entity.key();
    let fields = forms::fields(&s, kind, Some(entity));
    let v = viewer(lang, user);
    let (blocks, _, _) = controls::blocks(&s, kind, &fields, &v);
    let mut rows = Vec::new();
    for b in blocks {
        let (prefix, list) = match b.group {
            Some(g) => (Some(g.legend), g.fields),
            None => (None, b.fields),
        };
        for f in list {
            let value = match f.options.iter().find(|o| o.selected) {
                Some(o) if f.control == "select" => o.label.clone(),
                _ => f.value.clone(),
            };
            if value.trim().is_empty() {
                continue;
            }
            let label = match &prefix {
                Some(p) => format!("{p} ({})", f.label),
                None => f.label,
            };
            rows.push(SavedRow { label, value });
        }
    }
    let collection = kind.collection();
    let item = |href: String, key: &str| MenuItem {
        href,
        label: t(l, key),
        current: false,
    };
    let mut links = Vec::new();
    if let Some(p) = public_path(kind, &key) {
        links.push(item(link(lang, &p), "admin-view-public"));
    }
    links.push(item(
        link(lang, &record_path(kind, &key)),
        "admin-edit-again",
    ));
    links.push(MenuItem {
        href: link(lang, &format!("/admin/data/{collection}")),
        label: t_args(l, "admin-back-to-list", &[("kinds", kinds_label(l, kind))]),
        current: false,
    });
    links.push(MenuItem {
        href: link(lang, &format!("/admin/data/{collection}/new")),
        label: t_args(l, "admin-add-another", &[("kind", kind_label(l, kind))]),
        current: false,
    });
    let page = SavedPage {
        c: chrome(state, lang, t(l, "admin-saved-title")),
        a: AdminBar::now(state, lang),
        message: t_args(
            l,
            "admin-saved",
            &[
                ("kind", capitalised(&kind_label(l, kind))),
                ("name", name_of(entity, l)),
            ],
        ),
        rows,
        links,
    };
    admin_render(StatusCode::OK, &page)
}

#[derive(Template)]
#[template(path = "admin/confirm_archive.html")]
struct ConfirmArchive {
    c: Chrome,
    a: AdminBar,
    message: String,
    action: String,
    csrf: String,
    version: u64,
    cancel: String,
}

/// The question before a record is archived.
pub fn archive_question(
    state: &AppState,
    lang: Lang,
    user: &SignedIn,
    kind: Kind,
    entity: &Entity,
    version: u64,
) -> Response {
    let l = lang.0;
    let key = entity.key();
    let name = name_of(entity, l);
    let page = ConfirmArchive {
        c: chrome(
            state,
            lang,
            t_args(l, "admin-archive-title", &[("name", name.clone())]),
        ),
        a: AdminBar::now(state, lang),
        message: t_args(
            l,
            "admin-archive-explain",
            &[("kind", kind_label(l, kind)), ("name", name)],
        ),
        action: link(lang, &format!("{}/archive", record_path(kind, &key))),
        csrf: user.0.csrf.clone(),
        version,
        cancel: link(lang, &record_path(kind, &key)),
    };
    admin_render(StatusCode::OK, &page)
}
