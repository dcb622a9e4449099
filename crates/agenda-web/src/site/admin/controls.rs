//! How each column of a record's form is edited, as a person needs it: a list of the allowed
//! values for a vocabulary (taken from the domain's enums), a list of the referenced records
//! by name for a reference, a date or number input, one input per language for a text.

use agenda_core::{Code, Kind, Snapshot};
use agenda_io::columns::{Column, Value};

use super::common::name_of;
use super::forms::Field;
use crate::site::i18n::{t, t_opt};

/// The control of a column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Control {
    Text,
    Area,
    Date,
    Number,
    /// A web address.
    Link,
    /// A telephone number.
    Phone,
    /// An e-mail address.
    Email,
    /// One of a closed list: the values and the prefix of their interface strings.
    Choice(Vec<&'static str>, &'static str),
    /// The code of a record of this kind.
    Ref(Kind),
    /// A UN SDG indicator's code.
    SdgIndicator,
    /// A UN SDG target's code.
    SdgTarget,
    /// An indicator of another framework, `<framework>:<code>`.
    FrameworkIndicator,
    /// Several of the above (a list column): ticked in a group of boxes.
    Many(Box<Control>),
}

/// The prefix of the interface strings of a vocabulary's values (`<prefix>-<value>`), by the
/// vocabulary's name in the column spec.
pub fn words_of(vocabulary: &str) -> &'static str {
    match vocabulary {
        "agenda_status" => "agenda-status",
        "action_line_status" => "al-status",
        "milestone_status" => "ms-status",
        "legal_status" => "legal-status",
        "legal_kind" => "legal-kind",
        "observation_status" => "obs-status",
        "observation_flag" => "obs-flag",
        "funding_source" => "funding-source",
        "report_status" => "report-status",
        "building_block_status" => "bb-status",
        "hosting" => "hosting",
        "formula" => "formula",
        "release_status" => "release-status",
        "org_kind" => "org-kind",
        "body_kind" => "admin-body-kind",
        "seat_role" => "seat-role",
        "decision_status" => "decision-status",
        "contribution_kind" => "cons-kind",
        "codesign_kind" => "codesign-kind",
        "direction" => "direction",
        "progress_measure" => "meth-measure",
        "frequency" => "frequency",
        "audience" | "event_audience" => "audience",
        "assessment_result" => "admin-result",
        "sector" => "cons-sector",
        "response_outcome" => "cons-outcome",
        "subject" => "subject",
        "unit" => "unit",
        "channel" => "channel",
        "maturity" => "maturity",
        "priority" => "admin-priority",
        _ => "",
    }
}

/// The control of a column, from what the column spec says it holds; `None` for a field
/// that is no column (a KPI's yearly targets, a justification).
pub fn control(column: Option<&Column>, multiline: bool) -> Control {
    use Control::*;
    let Some(c) = column else {
        return if multiline { Area } else { Text };
    };
    let one = match c.value {
        Value::Vocabulary { name, .. } | Value::Level { name, .. } => {
            Choice(c.allowed(), words_of(name))
        }
        Value::Bool => Choice(c.allowed(), "admin"),
        Value::Reference(k) => Ref(k),
        Value::Date => Date,
        Value::Number | Value::WholeNumber | Value::Percent | Value::Amount | Value::Year => Number,
        Value::Link => Link,
        Value::Phone => Phone,
        Value::Email => Email,
        // The spec's lists of SDG codes are of targets, its single codes of indicators.
        Value::SdgCode if c.list => SdgTarget,
        Value::SdgCode => SdgIndicator,
        Value::FrameworkCode => FrameworkIndicator,
        _ if c.multiline => Area,
        _ => Text,
    };
    match one {
        Choice(..) | Ref(_) | SdgTarget | FrameworkIndicator if c.list => Many(Box::new(one)),
        one => one,
    }
}

/// Lists longer than this get a filter box.
const SEARCHABLE: usize = 12;

pub use crate::site::views::Opt;

/// Every organisation as a choice, "name (code)" in `lang`, in alphabetical order.
pub fn organisation_options(s: &Snapshot, lang: &str) -> Vec<Opt> {
    let mut orgs: Vec<Opt> = s
        .organisations
        .values()
        .map(|o| Opt {
            value: o.code.to_string(),
            label: format!("{} ({})", o.name.get(lang), o.code),
            selected: false,
            lang: None,
        })
        .collect();
    orgs.sort_by_key(|a| a.label.to_lowercase());
    orgs
}

/// A field as the form template shows it.
#[derive(Debug, Clone)]
pub struct FieldView {
    pub id: String,
    pub name: String,
    pub label: String,
    /// The language of the text, for an input of a translatable text.
    pub lang: String,
    pub hint: Option<String>,
    pub value: String,
    pub required: bool,
    pub error: Option<String>,
    /// `text`, `area`, `date`, `number`, `url`, `select` or `checkboxes` (a list column).
    pub control: &'static str,
    pub options: Vec<Opt>,
    /// Whether the list is long enough for a filter box.
    pub search: bool,
    /// The ids of the hint and error, for `aria-describedby`.
    pub described: String,
}

/// A translatable text: one input per language, under one legend.
#[derive(Debug, Clone)]
pub struct Group {
    pub id: String,
    pub legend: String,
    pub required: bool,
    pub fields: Vec<FieldView>,
}

/// A field alone or a group of them.
#[derive(Debug, Clone)]
pub struct Block {
    pub group: Option<Group>,
    pub fields: Vec<FieldView>,
}

/// A field in error, for the summary at the top of the form.
#[derive(Debug, Clone)]
pub struct ErrorLink {
    pub id: String,
    pub label: String,
    pub message: String,
}

/// What the form of a record needs to know about who fills it and in which language.
pub struct Viewer<'a> {
    pub lang: &'a str,
    /// An entity user's own organisation: the only one it may name.
    pub own_org: Option<&'a Code>,
}

fn options_of(
    s: &Snapshot,
    control: &Control,
    value: &str,
    required: bool,
    v: &Viewer<'_>,
) -> Vec<Opt> {
    if let Control::Many(one) = control {
        // Every possible code, those of the record ticked; a code that is not (or no longer)
        // among them is kept, ticked, rather than dropped on saving.
        let chosen: Vec<&str> = value
            .split(';')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        let all_of = Viewer {
            own_org: None,
            ..*v
        };
        let mut out: Vec<Opt> = options_of(s, one, "", true, &all_of)
            .into_iter()
            .filter(|o| !o.value.is_empty())
            .map(|o| Opt {
                selected: chosen.contains(&o.value.as_str()),
                ..o
            })
            .collect();
        for c in chosen.iter().rev() {
            if !out.iter().any(|o| o.value == *c) {
                out.insert(
                    0,
                    Opt {
                        value: (*c).to_owned(),
                        label: (*c).to_owned(),
                        selected: true,
                        lang: None,
                    },
                );
            }
        }
        return out;
    }
    let mut out: Vec<Opt> = match control {
        Control::Choice(values, prefix) => values
            .iter()
            .map(|val| {
                let key = match (*prefix, *val) {
                    ("unit", "%") => "unit-percent".to_owned(),
                    (p, val) => format!("{p}-{val}"),
                };
                Opt {
                    value: (*val).to_owned(),
                    label: t_opt(v.lang, &key).unwrap_or_else(|| (*val).to_owned()),
                    selected: *val == value,
                    lang: None,
                }
            })
            .collect(),
        Control::Ref(Kind::Organisation) if v.own_org.is_some() => {
            let own = v.own_org.map(|o| o.as_str()).unwrap_or_default();
            vec![Opt {
                value: own.to_owned(),
                label: ref_label(s, Kind::Organisation, own, v.lang),
                selected: true,
                lang: None,
            }]
        }
        Control::Ref(kind) => {
            let mut list: Vec<Opt> = s
                .entities(*kind)
                .map(|e| {
                    let key = e.key();
                    Opt {
                        label: format!("{} ({key})", name_of(&e, v.lang)),
                        selected: key == value,
                        value: key,
                        lang: None,
                    }
                })
                .collect();
            list.sort_by_key(|a| a.label.to_lowercase());
            list
        }
        // An SDG indicator or target as "code title".
        Control::SdgIndicator => s
            .sdg
            .indicators
            .values()
            .map(|i| sdg_opt(&i.code, i.title.get(v.lang), value))
            .collect(),
        Control::SdgTarget => s
            .sdg
            .targets
            .values()
            .map(|i| sdg_opt(&i.code, i.title.get(v.lang), value))
            .collect(),
        // A framework indicator as "framework code name", in English (the frameworks' only
        // language), framework by framework in their order.
        Control::FrameworkIndicator => s
            .frameworks
            .iter()
            .flat_map(|f| {
                f.indicators.iter().map(move |i| {
                    let key = i.key();
                    Opt {
                        label: format!("{} {} — {}", f.short, i.code, i.name),
                        selected: key == value,
                        value: key,
                        lang: (v.lang != "en").then_some("en"),
                    }
                })
            })
            .collect(),
        _ => return Vec::new(),
    };
    // A stored value outside the list is kept, not silently replaced by the first choice.
    if !value.is_empty() && !out.iter().any(|o| o.selected) {
        out.insert(
            0,
            Opt {
                value: value.to_owned(),
                label: value.to_owned(),
                selected: true,
                lang: None,
            },
        );
    }
    if value.is_empty() || !required {
        let fixed = matches!(control, Control::Ref(Kind::Organisation)) && v.own_org.is_some();
        if !fixed {
            out.insert(
                0,
                Opt {
                    value: String::new(),
                    label: t(
                        v.lang,
                        if required {
                            "admin-choose"
                        } else {
                            "admin-none-chosen"
                        },
                    ),
                    selected: value.is_empty(),
                    lang: None,
                },
            );
        }
    }
    out
}

fn ref_label(s: &Snapshot, kind: Kind, key: &str, lang: &str) -> String {
    match s.get(kind, key) {
        Some(e) => format!("{} ({key})", name_of(&e, lang)),
        None => key.to_owned(),
    }
}

/// The translatable base and language of a column (`title_fr` → `title`, `fr`).
pub fn split_lang(name: &str) -> Option<(&str, &str)> {
    match name.rsplit_once('_') {
        Some((b, l))
            if agenda_io::columns::translatable(b) && agenda_core::Lang::parse(l).is_ok() =>
        {
            Some((b, l))
        }
        _ => None,
    }
}

fn view(s: &Snapshot, table: &str, f: &Field, v: &Viewer<'_>) -> FieldView {
    let column = agenda_io::columns::table(table)
        .and_then(|t| t.column_of(&f.name))
        .map(|(c, _)| c);
    let c = control(column, f.multiline);
    let options = options_of(s, &c, &f.value, f.required, v);
    let plain = || {
        t_opt(v.lang, &format!("admin-field-{}", f.name.replace('_', "-")))
            .unwrap_or_else(|| super::forms::label(v.lang, &f.name))
    };
    let (control, label, lang) = match (&c, split_lang(&f.name)) {
        (_, Some((_, l))) => (
            if f.multiline { "area" } else { "text" },
            t_opt(l, "language-name").unwrap_or_else(|| l.to_owned()),
            l.to_owned(),
        ),
        (
            Control::Choice(..)
            | Control::Ref(_)
            | Control::SdgIndicator
            | Control::SdgTarget
            | Control::FrameworkIndicator,
            None,
        ) => ("select", plain(), String::new()),
        (Control::Many(_), None) => ("checkboxes", plain(), String::new()),
        (Control::Date, None) => ("date", plain(), String::new()),
        (Control::Number, None) => ("number", plain(), String::new()),
        (Control::Link, None) => ("url", plain(), String::new()),
        (Control::Phone, None) => ("tel", plain(), String::new()),
        (Control::Email, None) => ("email", plain(), String::new()),
        (Control::Area, None) => ("area", plain(), String::new()),
        (Control::Text, None) => ("text", plain(), String::new()),
    };
    let id = format!("f-{}", f.name);
    let hint = if lang.is_empty() {
        t_opt(v.lang, &format!("admin-hint-{}", f.name.replace('_', "-")))
    } else {
        None
    };
    let mut described = Vec::new();
    if hint.is_some() {
        described.push(format!("{id}-hint"));
    }
    if f.error.is_some() {
        described.push(format!("{id}-error"));
    }
    FieldView {
        described: described.join(" "),
        id,
        name: f.name.clone(),
        label,
        lang,
        hint,
        value: f.value.clone(),
        required: f.required,
        error: f.error.clone(),
        control,
        search: options.len() > SEARCHABLE,
        options,
    }
}

/// The blocks of a record's form, the hidden values of texts in languages that are not the
/// country's content languages (kept as they are), and the summary of the fields in error.
pub fn blocks(
    s: &Snapshot,
    kind: Kind,
    fields: &[Field],
    v: &Viewer<'_>,
) -> (Vec<Block>, Vec<(String, String)>, Vec<ErrorLink>) {
    let table = agenda_io::native::table_of(kind);
    let mut out: Vec<Block> = Vec::new();
    let mut hidden = Vec::new();
    let mut errors = Vec::new();
    let content = s.languages.langs();
    for f in fields {
        let fv = view(s, table, f, v);
        if let Some(e) = &fv.error {
            let label = match split_lang(&f.name) {
                Some(_) => super::forms::label(v.lang, &f.name),
                None => fv.label.clone(),
            };
            errors.push(ErrorLink {
                id: fv.id.clone(),
                label,
                message: e.clone(),
            });
        }
        match split_lang(&f.name) {
            Some((_, l)) if !content.iter().any(|x| x.as_str() == l) => {
                hidden.push((f.name.clone(), f.value.clone()));
            }
            Some((base, _)) => {
                let gid = format!("g-{base}");
                let same = out
                    .last()
                    .and_then(|b| b.group.as_ref())
                    .is_some_and(|g| g.id == gid);
                match out.last_mut().and_then(|b| b.group.as_mut()) {
                    Some(g) if same => g.fields.push(fv),
                    _ => out.push(Block {
                        group: Some(Group {
                            id: gid,
                            legend: t_opt(v.lang, &format!("field-{}", base.replace('_', "-")))
                                .unwrap_or_else(|| base.to_owned()),
                            required: f.required,
                            fields: vec![fv],
                        }),
                        fields: Vec::new(),
                    }),
                }
            }
            None => out.push(Block {
                group: None,
                fields: vec![fv],
            }),
        }
    }
    // The default language first, then the other content languages in the country's order.
    let rank = |l: &str| {
        content
            .iter()
            .position(|x| x.as_str() == l)
            .unwrap_or(usize::MAX)
    };
    for g in out.iter_mut().filter_map(|b| b.group.as_mut()) {
        g.fields.sort_by_key(|f| rank(&f.lang));
    }
    (out, hidden, errors)
}

/// An SDG code with its title as a choice, selected when it is `value`.
fn sdg_opt(code: &str, title: &str, value: &str) -> Opt {
    Opt {
        label: format!("{code} {title}"),
        selected: code == value,
        value: code.to_owned(),
        lang: None,
    }
}
