//! Translating content: which translatable texts lack a language, changing one language of a
//! record's texts and nothing else, and the XLIFF 2.0 files translators work in.
//!
//! What is translatable comes from the column spec (every translatable column of every table),
//! and a record's texts are read and changed through its stored JSON body, whose field names
//! are those of the columns; so a translatable field added to the model is offered here
//! without a change to this module.

use std::collections::BTreeMap;
use std::fmt;

use agenda_core::{Entity, Kind, Snapshot};
use quick_xml::events::{BytesDecl, BytesStart, BytesText, Event};

use crate::columns::{self, Column};

/// The translatable fields of records of `kind`, in the order of their table's columns.
pub fn fields(kind: Kind) -> Vec<&'static Column> {
    columns::spec(kind)
        .iter()
        .filter(|c| c.translatable && c.written)
        .collect()
}

/// The kinds of record that hold translatable text, in the order of [`Kind::ALL`].
pub fn kinds() -> Vec<Kind> {
    Kind::ALL
        .iter()
        .copied()
        .filter(|k| !fields(*k).is_empty())
        .collect()
}

/// The texts of a record's translatable fields, by language, each with its column.
pub fn texts(e: &Entity) -> Vec<(&'static Column, BTreeMap<String, String>)> {
    let body: serde_json::Value = serde_json::from_str(&e.to_json()).unwrap_or_default();
    fields(e.kind())
        .into_iter()
        .map(|c| {
            let by_lang = body
                .get(c.name)
                .and_then(|v| v.as_object())
                .map(|o| {
                    o.iter()
                        .filter_map(|(l, t)| Some((l.clone(), t.as_str()?.to_owned())))
                        .collect()
                })
                .unwrap_or_default();
            (c, by_lang)
        })
        .collect()
}

/// One translatable text of one record: its text in the source language and, if it has one,
/// in the target language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The kind of record.
    pub kind: Kind,
    /// The record's key.
    pub key: String,
    /// The field (column) name, e.g. `title`.
    pub field: &'static str,
    /// Whether the field is written on several lines.
    pub multiline: bool,
    /// The text in the source language.
    pub source: String,
    /// The text in the target language, if translated.
    pub target: Option<String>,
}

impl Entry {
    /// The text's identifier in an XLIFF file: `kind/key/field`.
    pub fn path(&self) -> String {
        unit_path(self.kind, &self.key, self.field)
    }
}

/// `kind/key/field`, how a text is named in files and reports.
pub fn unit_path(kind: Kind, key: &str, field: &str) -> String {
    format!("{}/{key}/{field}", kind.as_str())
}

/// The texts of one record that have a `source` text, with their `target` text.
pub fn entries_of(e: &Entity, source: &str, target: &str) -> Vec<Entry> {
    let key = e.key();
    texts(e)
        .into_iter()
        .filter_map(|(c, by_lang)| {
            Some(Entry {
                kind: e.kind(),
                key: key.clone(),
                field: c.name,
                multiline: c.multiline,
                source: by_lang.get(source)?.clone(),
                target: by_lang.get(target).cloned(),
            })
        })
        .collect()
}

/// Every text of `s` that has a `source` text, with its `target` text: by kind, record, field.
pub fn entries(s: &Snapshot, source: &str, target: &str) -> Vec<Entry> {
    kinds()
        .into_iter()
        .flat_map(|k| s.entities(k).collect::<Vec<_>>())
        .flat_map(|e| entries_of(&e, source, target))
        .collect()
}

/// Per kind, how many texts lack `target` (kinds without any text left out).
pub fn missing_counts(s: &Snapshot, source: &str, target: &str) -> Vec<(Kind, usize, usize)> {
    let mut out: Vec<(Kind, usize, usize)> = Vec::new();
    for e in entries(s, source, target) {
        match out.last_mut() {
            Some((k, missing, all)) if *k == e.kind => {
                *all += 1;
                *missing += usize::from(e.target.is_none());
            }
            _ => out.push((e.kind, usize::from(e.target.is_none()), 1)),
        }
    }
    out
}

/// Why a translation cannot be set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TranslateError {
    /// The field is not a translatable field of the record's kind.
    NotTranslatable,
    /// The field has no text yet, so there is nothing to translate.
    NoText,
    /// The language is the one a text must always have; it is not removed here.
    Required,
    /// The record would not read back (a model rule refused it).
    Refused(String),
}

impl fmt::Display for TranslateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotTranslatable => f.write_str("not a translatable field"),
            Self::NoText => f.write_str("the field has no text to translate"),
            Self::Required => f.write_str("the text cannot lose this language"),
            Self::Refused(why) => write!(f, "refused: {why}"),
        }
    }
}

/// `e` with its `field` text in `lang` set to `text` (trimmed), or removed when `text` is
/// empty; every other value is kept as it is.
pub fn with_translation(
    e: &Entity,
    field: &str,
    lang: &str,
    text: &str,
) -> Result<Entity, TranslateError> {
    if !fields(e.kind()).iter().any(|c| c.name == field) {
        return Err(TranslateError::NotTranslatable);
    }
    let mut body: serde_json::Value = serde_json::from_str(&e.to_json())
        .map_err(|err| TranslateError::Refused(err.to_string()))?;
    let Some(by_lang) = body.get_mut(field).and_then(|v| v.as_object_mut()) else {
        return Err(TranslateError::NoText);
    };
    let text = text.trim();
    if text.is_empty() {
        // Every text keeps the country's default language (its translations' source).
        if lang
            == agenda_core::languages::process_content()
                .default_lang()
                .as_str()
        {
            return Err(TranslateError::Required);
        }
        by_lang.remove(lang);
    } else {
        by_lang.insert(lang.to_owned(), serde_json::Value::String(text.to_owned()));
    }
    Entity::from_json(e.kind(), &body.to_string()).map_err(|err| {
        if text.is_empty() {
            TranslateError::Required
        } else {
            TranslateError::Refused(err.to_string())
        }
    })
}

// ---------------------------------------------------------------------------------------------
// XLIFF 2.0

/// The namespace of XLIFF 2.0 documents.
pub const XLIFF_NS: &str = "urn:oasis:names:tc:xliff:document:2.0";

/// An XLIFF 2.0 document of one source and one target language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Xliff {
    /// `srcLang`: the language of every source text.
    pub source_lang: String,
    /// `trgLang`: the language of every target text.
    pub target_lang: String,
    /// Its units, one per text.
    pub units: Vec<Unit>,
}

/// One unit: one text of one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// `kind/key/field` (the unit's `name`; its `id` is the same, escaped to an XML name token).
    pub path: String,
    /// The source text.
    pub source: String,
    /// The target text, if there is one.
    pub target: Option<String>,
}

/// Why an XLIFF document could not be written or read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XliffError(pub String);

impl fmt::Display for XliffError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for XliffError {}

fn err(m: impl Into<String>) -> XliffError {
    XliffError(m.into())
}

/// A unit's `id`: its path with every character an XML name token cannot hold, and `_`, written
/// `_` and two hexadecimal digits per byte (`service/SVC-001/title` → `service_2FSVC-001_2Ftitle`).
pub fn unit_id(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 8);
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b':') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("_{b:02X}"));
        }
    }
    out
}

/// The path a unit `id` was made from, if it is one.
pub fn path_of_id(id: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(id.len());
    let mut it = id.bytes();
    while let Some(b) = it.next() {
        if b == b'_' {
            let hex = [it.next()?, it.next()?];
            bytes.push(u8::from_str_radix(std::str::from_utf8(&hex).ok()?, 16).ok()?);
        } else {
            bytes.push(b);
        }
    }
    String::from_utf8(bytes).ok()
}

/// Whether XML 1.0 can carry `c` at all (even as a character reference).
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
        || c >= '\u{10000}'
}

/// Element content, escaped: `&`, `<`, `>` and quotes by quick-xml, and a carriage return as a
/// character reference, since a reader turns a literal one into a line feed.
fn content(path: &str, s: &str) -> Result<String, XliffError> {
    if let Some(c) = s.chars().find(|c| !xml_char(*c)) {
        return Err(err(format!(
            "{path}: the text holds the control character U+{:04X}, which XML cannot carry",
            u32::from(c)
        )));
    }
    Ok(quick_xml::escape::escape(s).replace('\r', "&#13;"))
}

impl Xliff {
    /// The document of `entries`, translated from `source_lang` into `target_lang`.
    pub fn of(source_lang: &str, target_lang: &str, entries: &[Entry]) -> Self {
        Self {
            source_lang: source_lang.to_owned(),
            target_lang: target_lang.to_owned(),
            units: entries
                .iter()
                .map(|e| Unit {
                    path: e.path(),
                    source: e.source.clone(),
                    target: e.target.clone(),
                })
                .collect(),
        }
    }

    /// The document as XLIFF 2.0 text; whitespace is preserved (`xml:space="preserve"`).
    pub fn write(&self) -> Result<String, XliffError> {
        let mut w = quick_xml::Writer::new_with_indent(Vec::new(), b' ', 2);
        let io = |e: std::io::Error| err(e.to_string());
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
            .map_err(io)?;
        let root = BytesStart::new("xliff").with_attributes([
            ("xmlns", XLIFF_NS),
            ("version", "2.0"),
            ("srcLang", self.source_lang.as_str()),
            ("trgLang", self.target_lang.as_str()),
        ]);
        w.write_event(Event::Start(root.borrow())).map_err(io)?;
        let file = BytesStart::new("file").with_attributes([("id", "content")]);
        w.write_event(Event::Start(file.borrow())).map_err(io)?;
        for u in &self.units {
            let id = unit_id(&u.path);
            let unit = BytesStart::new("unit")
                .with_attributes([("id", id.as_str()), ("name", u.path.as_str())]);
            w.write_event(Event::Start(unit.borrow())).map_err(io)?;
            w.write_event(Event::Start(BytesStart::new("segment")))
                .map_err(io)?;
            let mut text = |tag: &str, lang: &str, s: &str| -> Result<(), XliffError> {
                let start = BytesStart::new(tag)
                    .with_attributes([("xml:lang", lang), ("xml:space", "preserve")]);
                w.write_event(Event::Start(start.borrow())).map_err(io)?;
                w.write_event(Event::Text(BytesText::from_escaped(content(&u.path, s)?)))
                    .map_err(io)?;
                w.write_event(Event::End(start.to_end())).map_err(io)
            };
            text("source", &self.source_lang, &u.source)?;
            text(
                "target",
                &self.target_lang,
                u.target.as_deref().unwrap_or_default(),
            )?;
            w.write_event(Event::End(BytesStart::new("segment").to_end()))
                .map_err(io)?;
            w.write_event(Event::End(unit.to_end())).map_err(io)?;
        }
        w.write_event(Event::End(file.to_end())).map_err(io)?;
        w.write_event(Event::End(root.to_end())).map_err(io)?;
        let mut out = String::from_utf8(w.into_inner()).map_err(|e| err(e.to_string()))?;
        out.push('\n');
        Ok(out)
    }

    /// Reads an XLIFF 2.0 document of one file: its languages and every unit's path, source
    /// and target. A unit of several segments reads as their texts joined; inline markup
    /// (`<ph/>`, `<pc>` …) is refused, since the platform's texts hold none.
    pub fn read(text: &str) -> Result<Self, XliffError> {
        let mut r = quick_xml::Reader::from_str(text);
        let mut doc = Xliff {
            source_lang: String::new(),
            target_lang: String::new(),
            units: Vec::new(),
        };
        let mut seen_root = false;
        let mut unit: Option<Unit> = None;
        // The element whose text is being read, and what was read of it.
        let mut reading: Option<(&'static str, String)> = None;
        let at = |r: &quick_xml::Reader<&[u8]>| {
            let pos = usize::try_from(r.buffer_position()).unwrap_or(usize::MAX);
            let line = text
                .get(..pos.min(text.len()))
                .map_or(0, |t| t.lines().count());
            format!("line {}", line.max(1))
        };
        loop {
            let ev = r
                .read_event()
                .map_err(|e| err(format!("{}: not well-formed XML: {e}", at(&r))))?;
            match ev {
                Event::Start(s) | Event::Empty(s) if !seen_root => {
                    if s.local_name().as_ref() != "xliff" {
                        return Err(err("not an XLIFF document (its root is not <xliff>)"));
                    }
                    let a = attrs(&s)?;
                    if a.get("version").map(String::as_str) != Some("2.0") {
                        return Err(err(format!(
                            "only XLIFF 2.0 is read; this file says version {:?}",
                            a.get("version").map_or("", String::as_str)
                        )));
                    }
                    doc.source_lang = a.get("srcLang").cloned().unwrap_or_default();
                    doc.target_lang = a.get("trgLang").cloned().unwrap_or_default();
                    if doc.source_lang.is_empty() || doc.target_lang.is_empty() {
                        return Err(err("the <xliff> element needs srcLang and trgLang"));
                    }
                    seen_root = true;
                }
                Event::Start(s) => match s.local_name().as_ref() {
                    "unit" => {
                        let a = attrs(&s)?;
                        let path = match (a.get("name"), a.get("id")) {
                            (Some(n), _) if !n.is_empty() => n.clone(),
                            (_, Some(id)) => path_of_id(id).unwrap_or_else(|| id.clone()),
                            _ => return Err(err(format!("{}: a <unit> without id", at(&r)))),
                        };
                        unit = Some(Unit {
                            path,
                            source: String::new(),
                            target: None,
                        });
                    }
                    "source" | "target" if unit.is_some() => {
                        let tag = if s.local_name().as_ref() == "source" {
                            "source"
                        } else {
                            "target"
                        };
                        reading = Some((tag, String::new()));
                    }
                    other if reading.is_some() => {
                        return Err(err(format!(
                            "{}: inline markup <{}> in a text is not supported",
                            at(&r),
                            other
                        )));
                    }
                    _ => {}
                },
                Event::Empty(s) => {
                    if reading.is_some() {
                        return Err(err(format!(
                            "{}: inline markup <{}/> in a text is not supported",
                            at(&r),
                            s.local_name().as_ref()
                        )));
                    }
                    if s.local_name().as_ref() == "target"
                        && let Some(u) = &mut unit
                    {
                        u.target.get_or_insert_with(String::new);
                    }
                }
                Event::Text(t) => {
                    if let Some((_, buf)) = &mut reading {
                        buf.push_str(&t.xml10_content());
                    }
                }
                Event::CData(t) => {
                    if let Some((_, buf)) = &mut reading {
                        buf.push_str(&t.xml10_content());
                    }
                }
                Event::GeneralRef(g) => {
                    if let Some((_, buf)) = &mut reading {
                        let c = match g.resolve_char_ref() {
                            Ok(Some(c)) => c,
                            Ok(None) => match g.as_ref() {
                                "lt" => '<',
                                "gt" => '>',
                                "amp" => '&',
                                "apos" => '\'',
                                "quot" => '"',
                                other => {
                                    return Err(err(format!(
                                        "{}: unknown entity &{other};",
                                        at(&r)
                                    )));
                                }
                            },
                            Err(e) => return Err(err(format!("{}: {e}", at(&r)))),
                        };
                        buf.push(c);
                    }
                }
                Event::End(e) => match e.local_name().as_ref() {
                    "source" | "target" => {
                        if let (Some((tag, buf)), Some(u)) = (reading.take(), &mut unit) {
                            if tag == "source" {
                                u.source.push_str(&buf);
                            } else {
                                u.target.get_or_insert_with(String::new).push_str(&buf);
                            }
                        }
                    }
                    "unit" => doc.units.extend(unit.take()),
                    _ => {}
                },
                Event::Eof => break,
                _ => {}
            }
        }
        if !seen_root {
            return Err(err("not an XLIFF document (no <xliff> element)"));
        }
        Ok(doc)
    }
}

fn attrs(s: &BytesStart<'_>) -> Result<BTreeMap<String, String>, XliffError> {
    let mut out = BTreeMap::new();
    for a in s.attributes() {
        let a = a.map_err(|e| err(format!("a bad attribute: {e}")))?;
        let name = a.key.local_name().as_ref().to_owned();
        let value = a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| err(format!("a bad attribute value: {e}")))?
            .into_owned();
        out.insert(name, value);
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Importing translations

/// What a unit of an imported file became.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Its target fills a text that lacked the language.
    Added,
    /// Its target replaces the text's translation.
    Changed,
    /// Its target is the text's translation already.
    Unchanged,
    /// It has no target (not yet translated).
    Untranslated,
    /// No record or translatable field of that name.
    Unknown,
    /// The source text is no longer the record's: translated from an older text.
    SourceChanged {
        /// The record's text now.
        now: String,
    },
    /// The person may not change that record.
    Refused(String),
    /// The text could not be set.
    Invalid(String),
}

/// The plan of an imported file: every unit's outcome, and the records it changes.
#[derive(Debug, Clone, Default)]
pub struct TranslationPlan {
    /// Each unit's path and outcome, in the file's order.
    pub units: Vec<(String, Outcome)>,
    /// The changed records, each with every translation of the file applied.
    pub changes: Vec<Entity>,
}

impl TranslationPlan {
    /// How many units had this outcome.
    pub fn count(&self, f: impl Fn(&Outcome) -> bool) -> usize {
        self.units.iter().filter(|(_, o)| f(o)).count()
    }

    /// The units that were not applied for a reason to tell (unknown, source changed,
    /// refused, invalid).
    pub fn problems(&self) -> impl Iterator<Item = &(String, Outcome)> {
        self.units.iter().filter(|(_, o)| {
            matches!(
                o,
                Outcome::Unknown
                    | Outcome::SourceChanged { .. }
                    | Outcome::Refused(_)
                    | Outcome::Invalid(_)
            )
        })
    }

    /// A one-line summary: `3 added, 1 changed, 2 unchanged, 0 untranslated, 1 not applied`.
    pub fn summary(&self) -> String {
        format!(
            "{} added, {} changed, {} unchanged, {} untranslated, {} not applied",
            self.count(|o| *o == Outcome::Added),
            self.count(|o| *o == Outcome::Changed),
            self.count(|o| *o == Outcome::Unchanged),
            self.count(|o| *o == Outcome::Untranslated),
            self.problems().count()
        )
    }
}

/// Splits `kind/key/field`.
fn split_path(path: &str) -> Option<(Kind, &str, &str)> {
    let (kind, rest) = path.split_once('/')?;
    let (key, field) = rest.rsplit_once('/')?;
    let kind = Kind::ALL.iter().copied().find(|k| k.as_str() == kind)?;
    Some((kind, key, field))
}

/// Plans the import of `doc` into `s`, whose texts' source language is `source_lang`: fills
/// or changes only target-language texts; `may_change` says whether the importer may change a
/// record. A unit whose source differs from the record's text now is reported, not applied.
pub fn plan_translations(
    s: &Snapshot,
    source_lang: &str,
    doc: &Xliff,
    may_change: impl Fn(&Entity) -> Result<(), String>,
) -> Result<TranslationPlan, XliffError> {
    if doc.source_lang != source_lang {
        return Err(err(format!(
            "the file is translated from {:?}, but the texts' source language is {source_lang:?}",
            doc.source_lang
        )));
    }
    if doc.target_lang == source_lang {
        return Err(err(format!(
            "the file's target language is the source language ({source_lang:?})"
        )));
    }
    agenda_core::Lang::parse(&doc.target_lang)
        .map_err(|_| err(format!("{:?} is not a language tag", doc.target_lang)))?;
    let lang = doc.target_lang.as_str();
    let mut plan = TranslationPlan::default();
    // The records changed so far, by kind and key, each carrying every translation applied.
    let mut changed: BTreeMap<(Kind, String), Entity> = BTreeMap::new();
    for u in &doc.units {
        let outcome = (|| {
            let Some((kind, key, field)) = split_path(&u.path) else {
                return Outcome::Unknown;
            };
            let Some(record) = changed
                .get(&(kind, key.to_owned()))
                .cloned()
                .or_else(|| s.get(kind, key))
            else {
                return Outcome::Unknown;
            };
            let Some((_, by_lang)) = texts(&record).into_iter().find(|(c, _)| c.name == field)
            else {
                return Outcome::Unknown;
            };
            let Some(now) = by_lang.get(source_lang) else {
                return Outcome::SourceChanged { now: String::new() };
            };
            if *now != u.source {
                return Outcome::SourceChanged { now: now.clone() };
            }
            let target = u.target.as_deref().unwrap_or_default().trim();
            if target.is_empty() {
                return Outcome::Untranslated;
            }
            let before = by_lang.get(lang);
            if before.map(String::as_str) == Some(target) {
                return Outcome::Unchanged;
            }
            if let Err(why) = may_change(&record) {
                return Outcome::Refused(why);
            }
            match with_translation(&record, field, lang, target) {
                Ok(e) => {
                    changed.insert((kind, key.to_owned()), e);
                    if before.is_some() {
                        Outcome::Changed
                    } else {
                        Outcome::Added
                    }
                }
                Err(e) => Outcome::Invalid(e.to_string()),
            }
        })();
        plan.units.push((u.path.clone(), outcome));
    }
    plan.changes = changed.into_values().collect();
    Ok(plan)
}

#[cfg(test)]
mod tests;
