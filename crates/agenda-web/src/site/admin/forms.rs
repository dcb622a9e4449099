//! Entity forms derived from the native data format: a form has the columns of the entity's
//! table, and a submitted form is parsed by the same code as an imported row. So every kind of
//! entity gets a form, and a form refuses exactly what an import would, with the same words,
//! shown next to the field.

use std::collections::BTreeMap;

use agenda_core::{Entity, ExpectedKind, InterimTarget, Kind, Snapshot};
use agenda_io::ImportError;
use agenda_io::native::{Item, parse_table, table_of, write_tables};
use agenda_io::table::{RawRow, RawTable};

use crate::site::i18n::{t, t_args, t_opt};

/// The pseudo-field of a KPI's yearly targets: one `YEAR: VALUE` per line.
pub const TARGETS_FIELD: &str = "targets";

/// Whether a field is written as several lines: a multiline column of the spec, or a KPI's
/// yearly targets.
fn multiline(table: &str, field: &str) -> bool {
    field == TARGETS_FIELD
        || agenda_io::columns::table(table)
            .and_then(|t| t.column_of(field))
            .is_some_and(|(c, _)| c.multiline)
}

/// One field of a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The column name, also the form field name.
    pub name: String,
    /// Its current (or submitted) value.
    pub value: String,
    /// Whether it is edited as several lines.
    pub multiline: bool,
    /// Whether the table requires it.
    pub required: bool,
    /// What is wrong with the value, if something is.
    pub error: Option<String>,
}

fn one(base: &Snapshot, entity: Option<&Entity>) -> Snapshot {
    // With the country's languages, so that the default language's column comes first.
    let mut s = Snapshot::empty(base.sdg.clone()).with_languages(base.languages.clone());
    if let Some(e) = entity {
        s.upsert(e.clone());
    }
    s
}

/// Whether the end of a column's name after its text's name is a language (`fr`, `pt-BR`,
/// `nb_NO`), not the rest of a longer name (`short_en`).
fn is_language_suffix(rest: &str) -> bool {
    agenda_core::Lang::parse(rest).is_ok()
        && rest
            .split_once('_')
            .is_none_or(|(_, region)| region.chars().any(|c| c.is_ascii_uppercase()))
}

/// The fields of `kind`'s form, filled from `entity` (empty for a new one).
pub fn fields(s: &Snapshot, kind: Kind, entity: Option<&Entity>) -> Vec<Field> {
    let table = table_of(kind);
    let tables = write_tables(&one(s, entity));
    let spec = agenda_io::columns::table(table);
    let default = s.languages.default_lang().as_str();
    // A required text is required in the default language; the other columns as the spec says.
    let required = |h: &str| {
        spec.and_then(|t| t.column_of(h))
            .is_some_and(|(c, l)| c.required && l.is_none_or(|l| l == default))
    };
    let mut out = Vec::new();
    for t in &tables {
        if t.name != table {
            continue;
        }
        let row = t.rows.first();
        let mut present: Vec<String> = t.headers.clone();
        // Offer every content language for translatable columns, in the country's order
        // (the default first, as the table writes it), then the languages a text holds
        // besides them.
        let langs = s.languages.langs();
        let default_suffix = format!("_{}", s.languages.default_lang());
        let mut i = 0;
        while i < present.len() {
            let base = present[i]
                .strip_suffix(&default_suffix)
                .filter(|b| agenda_io::columns::translatable(b))
                .map(str::to_owned);
            if let Some(base) = base {
                let prefix = format!("{base}_");
                let default_column = present[i].clone();
                let is_lang_column =
                    |h: &str| h.strip_prefix(&prefix).is_some_and(is_language_suffix);
                let others: Vec<String> = present[i + 1..]
                    .iter()
                    .filter(|h| {
                        is_lang_column(h)
                            && !langs
                                .iter()
                                .any(|c| h.strip_prefix(&prefix) == Some(c.as_str()))
                    })
                    .cloned()
                    .collect();
                present.retain(|h| !is_lang_column(h) || *h == default_column);
                let mut group: Vec<String> = langs
                    .iter()
                    .skip(1)
                    .map(|l| format!("{base}_{l}"))
                    .collect();
                group.extend(others);
                let n = group.len();
                for (k, h) in group.into_iter().enumerate() {
                    present.insert(i + 1 + k, h);
                }
                i += n;
            }
            i += 1;
        }
        for h in present {
            let value = t
                .headers
                .iter()
                .position(|x| *x == h)
                .and_then(|i| row.map(|r| r[i].as_text()))
                .unwrap_or_default();
            out.push(Field {
                required: required(&h),
                multiline: multiline(table, &h),
                name: h,
                value,
                error: None,
            });
        }
    }
    if kind == Kind::Kpi {
        let targets = match entity {
            Some(Entity::Kpi(k)) => k
                .targets
                .iter()
                .map(|t| format!("{}: {}", t.year, t.target_value))
                .collect::<Vec<_>>()
                .join("\n"),
            _ => String::new(),
        };
        out.push(Field {
            name: TARGETS_FIELD.into(),
            value: targets,
            multiline: true,
            required: false,
            error: None,
        });
    }
    out
}

/// Copies submitted values into `fields` (unknown names are ignored). A column holding a list
/// takes every value sent under its name (the boxes ticked, or `A;B` typed), written `A;B`
/// in the order the record had them, new ones after: saving without a change changes nothing.
pub fn fill(
    kind: Kind,
    fields: &mut [Field],
    submitted: &BTreeMap<String, String>,
    all: &[(String, String)],
) {
    let spec = agenda_io::columns::table(table_of(kind));
    for f in fields {
        let list = spec
            .and_then(|t| t.column_of(&f.name))
            .is_some_and(|(c, _)| c.list);
        if !list {
            f.value = submitted.get(&f.name).cloned().unwrap_or_default();
            continue;
        }
        let mut chosen: Vec<&str> = Vec::new();
        for v in all.iter().filter(|(n, _)| *n == f.name).map(|(_, v)| v) {
            for part in v.split(';').map(str::trim).filter(|p| !p.is_empty()) {
                if !chosen.contains(&part) {
                    chosen.push(part);
                }
            }
        }
        let before: Vec<&str> = f.value.split(';').map(str::trim).collect();
        let mut ordered: Vec<&str> = before
            .iter()
            .copied()
            .filter(|b| chosen.contains(b))
            .collect();
        ordered.extend(chosen.iter().filter(|c| !before.contains(c)));
        f.value = ordered.join(";");
    }
}

/// The label of a field in the interface language: its translated name, and for a text in one
/// language, which language; the column name when there is no translation.
pub fn label(lang: &str, name: &str) -> String {
    let (base, in_lang) = match name.rsplit_once('_') {
        Some((b, l))
            if agenda_io::columns::translatable(b) && agenda_core::Lang::parse(l).is_ok() =>
        {
            (b, Some(l))
        }
        _ => (name, None),
    };
    let text = t_opt(lang, &format!("field-{}", base.replace('_', "-")))
        .unwrap_or_else(|| base.to_owned());
    match in_lang {
        Some(l) => {
            let language = field_language(lang, l);
            t_args(
                lang,
                "field-in-lang",
                &[("field", text), ("lang", language)],
            )
        }
        None => text,
    }
}

/// The language of a field in `tag` as a label names it for a reader of `lang`: an interface
/// language by its own name (`Français`), any other as the interface names it (`Wolof`).
pub fn field_language(lang: &str, tag: &str) -> String {
    t_opt(tag, "language-name")
        .filter(|_| crate::site::i18n::LANGS.contains(&tag))
        .unwrap_or_else(|| crate::site::views::language_name(lang, tag))
}

/// The interface string of what a value was expected to be (`expected-…`).
pub fn expected_key(kind: ExpectedKind) -> &'static str {
    use ExpectedKind as E;
    match kind {
        E::Required => "expected-required",
        E::NumberRequired => "expected-number-required",
        E::Number => "expected-number",
        E::Date => "expected-date",
        E::RealDate => "expected-real-date",
        E::Period => "expected-period",
        E::Percent => "expected-percent",
        E::Count => "expected-count",
        E::YesNo => "expected-yes-no",
        E::Maturity => "expected-maturity",
        E::Priority => "expected-priority",
        E::DefaultLanguage(_) => "expected-default-language",
        E::Year => "expected-year",
        E::Sdg => "expected-sdg",
        E::FrameworkCode => "expected-framework-code",
        E::Code => "expected-code",
        E::Lang => "expected-lang",
        E::Token => "expected-token",
        E::Link => "expected-link",
        E::Phone => "expected-phone",
        E::Email => "expected-email",
        E::Disaggregation => "expected-disaggregation",
        E::EntityOrganisation => "expected-entity-organisation",
        E::OneOf(_) => "expected-one-of",
        E::Transactions => "expected-transactions",
        E::DigitalisationLevel => "expected-digitalisation-level",
        E::WorkbookAudience => "expected-workbook-audience",
        E::WorkbookChannels => "expected-workbook-channels",
        E::WorkbookYesNo => "expected-workbook-yes-no",
        E::Amount => "expected-amount",
    }
}

/// What a value was expected to be, in the interface language.
pub fn expected_in(lang: &str, kind: ExpectedKind) -> String {
    match kind {
        // The names are those written in files and forms' values, so they stay as they are.
        ExpectedKind::OneOf(list) => t_args(lang, expected_key(kind), &[("list", list.join(", "))]),
        ExpectedKind::DefaultLanguage(tag) => t_args(
            lang,
            expected_key(kind),
            &[
                ("language", crate::site::views::language_name(lang, tag)),
                ("tag", tag.to_owned()),
            ],
        ),
        _ => t(lang, expected_key(kind)),
    }
}

/// What an import problem expected, in the interface language when its parser gave a kind
/// (the others, such as checks across records, are worded by the domain).
fn expected_of(lang: &str, e: &ImportError) -> String {
    e.kind
        .as_deref()
        .map_or_else(|| e.expected.clone(), |k| expected_in(lang, *k))
}

fn message(lang: &str, e: &ImportError) -> String {
    let expected = expected_of(lang, e);
    match &e.value {
        Some(v) if !v.is_empty() => t_args(
            lang,
            "field-error",
            &[("value", v.clone()), ("expected", expected)],
        ),
        _ => t_args(lang, "field-error-empty", &[("expected", expected)]),
    }
}

/// Parses filled `fields` into an entity of `kind`; on failure, the fields carry their errors.
pub fn parse(s: &Snapshot, kind: Kind, fields: &mut [Field], lang: &str) -> Option<Entity> {
    let table = table_of(kind);
    let columns: Vec<&Field> = fields.iter().filter(|f| f.name != TARGETS_FIELD).collect();
    let raw = RawTable {
        label: "form".into(),
        name: table.into(),
        headers: columns.iter().map(|f| f.name.clone()).collect(),
        rows: vec![RawRow {
            row: 2,
            cells: columns.iter().map(|f| f.value.trim().to_owned()).collect(),
        }],
        decimal_comma: false,
    };
    let mut errors = Vec::new();
    let parsed = parse_table(&raw, &s.languages, &mut errors);
    let mut entity = parsed.into_iter().find_map(|p| match p.item {
        Item::Entity(e) => Some(e),
        Item::Target(..) => None,
    });
    // Checked even when the other fields fail, so that every problem shows at once.
    if kind == Kind::Kpi {
        match parse_targets(fields, lang) {
            Ok(t) => {
                if let Some(Entity::Kpi(k)) = &mut entity {
                    k.targets = t;
                }
            }
            Err(e) => errors.push(e),
        }
    }
    let mut unplaced = Vec::new();
    for e in &errors {
        let target = e
            .column
            .as_deref()
            .and_then(|c| fields.iter_mut().find(|f| f.name == c));
        match target {
            Some(f) => {
                let m = message(lang, e);
                f.error = Some(match f.error.take() {
                    Some(prev) => format!("{prev}; {m}"),
                    None => m,
                });
            }
            None => unplaced.push(message(lang, e)),
        }
    }
    if !unplaced.is_empty()
        && let Some(f) = fields.first_mut()
    {
        f.error = Some(unplaced.join("; "));
    }
    if errors.is_empty() { entity } else { None }
}

/// The `targets` field: one `YEAR: VALUE` per line, parsed as rows of `kpi_targets`.
fn parse_targets(fields: &[Field], lang: &str) -> Result<Vec<InterimTarget>, ImportError> {
    let text = fields
        .iter()
        .find(|f| f.name == TARGETS_FIELD)
        .map(|f| f.value.as_str())
        .unwrap_or("");
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let (y, v) = line.split_once([':', '=']).unwrap_or((line, ""));
        rows.push(RawRow {
            row: i + 1,
            cells: vec!["X".into(), y.trim().into(), v.trim().into()],
        });
    }
    let raw = RawTable {
        label: "targets".into(),
        name: "kpi_targets".into(),
        headers: vec!["kpi".into(), "year".into(), "target_value".into()],
        rows,
        decimal_comma: false,
    };
    let mut errors = Vec::new();
    let parsed = parse_table(&raw, &Default::default(), &mut errors);
    if let Some(e) = errors.first() {
        return Err(ImportError {
            column: Some(TARGETS_FIELD.into()),
            expected: format!(
                "{} — {}",
                expected_of(lang, e),
                t_args(lang, "field-line", &[("n", e.row.unwrap_or(0).to_string())])
            ),
            kind: None,
            ..e.clone()
        });
    }
    let mut targets: Vec<InterimTarget> = parsed
        .into_iter()
        .filter_map(|p| match p.item {
            Item::Target(_, t) => Some(t),
            Item::Entity(_) => None,
        })
        .collect();
    targets.sort_by_key(|t| t.year);
    if let Some(w) = targets.windows(2).find(|w| w[0].year == w[1].year) {
        return Err(ImportError {
            file: "targets".into(),
            row: None,
            column: Some(TARGETS_FIELD.into()),
            value: Some(w[0].year.to_string()),
            expected: t(lang, "expected-one-target-per-year"),
            kind: None,
        });
    }
    Ok(targets)
}

/// The KPI fields whose change is a target revision and needs a justification.
pub fn revised(before: &Entity, after: &Entity) -> Vec<&'static str> {
    let (Entity::Kpi(b), Entity::Kpi(a)) = (before, after) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if b.baseline_value != a.baseline_value {
        out.push("baseline_value");
    }
    if b.baseline_date != a.baseline_date {
        out.push("baseline_date");
    }
    if b.target_value != a.target_value {
        out.push("target_value");
    }
    if b.target_date != a.target_date {
        out.push("target_date");
    }
    if b.targets != a.targets {
        out.push(TARGETS_FIELD);
    }
    out
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn demo() -> Snapshot {
        let sdg = Arc::new(agenda_io::embedded::sdg().unwrap());
        let empty = Snapshot::empty(sdg)
            .with_frameworks(Arc::new(agenda_io::embedded::frameworks().unwrap()));
        let plan =
            agenda_io::plan_import(&empty, &agenda_io::embedded::demo_tables().unwrap()).unwrap();
        agenda_io::apply_in_memory(&empty, &plan)
    }

    #[test]
    fn every_record_of_the_demo_comes_back_unchanged_through_its_form() {
        let s = demo();
        for &kind in Kind::ALL {
            for e in s.entities(kind).take(200) {
                let mut f = fields(&s, kind, Some(&e));
                let back = parse(&s, kind, &mut f, "en");
                let errors: Vec<_> = f.iter().filter_map(|x| x.error.clone()).collect();
                assert_eq!(back.as_ref(), Some(&e), "{kind:?} {}: {errors:?}", e.key());
            }
        }
    }

    #[test]
    fn every_kind_of_expected_value_is_worded_in_every_language() {
        for &kind in ExpectedKind::ALL {
            let key = expected_key(kind);
            for lang in ["en", "fr", "es"] {
                assert!(
                    t_opt(lang, key).is_some()
                        || matches!(
                            kind,
                            ExpectedKind::OneOf(_) | ExpectedKind::DefaultLanguage(_)
                        ),
                    "{key} has no {lang} text"
                );
                let text = expected_in(lang, kind);
                assert!(!text.is_empty() && !text.contains(key), "{lang}: {text}");
            }
        }
        assert_eq!(
            expected_in("fr", ExpectedKind::OneOf(&["a", "b"])),
            "l’une des valeurs a, b"
        );
    }

    #[test]
    fn a_bad_value_is_reported_next_to_its_field() {
        let s = demo();
        let e = s.entities(Kind::Kpi).next().unwrap();
        let mut f = fields(&s, Kind::Kpi, Some(&e));
        for x in f.iter_mut() {
            match x.name.as_str() {
                "baseline_date" => x.value = "31/12/2023".into(),
                TARGETS_FIELD => x.value = "2027: 40\n2028 forty".into(),
                _ => {}
            }
        }
        assert!(parse(&s, Kind::Kpi, &mut f, "fr").is_none());
        let err = |n: &str| f.iter().find(|x| x.name == n).unwrap().error.clone();
        let date = err("baseline_date").unwrap();
        assert!(
            date.contains("31/12/2023") && date.contains("attendu une date"),
            "{date}"
        );
        assert!(err(TARGETS_FIELD).unwrap().contains("ligne 2"));
        assert!(err("title_en").is_none());
    }
}
