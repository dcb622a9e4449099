//! The translatable texts of the model and the XLIFF 2.0 writer and reader.

use std::sync::Arc;

use agenda_core::{Entity, Kind, Snapshot};

use super::*;

fn demo() -> Snapshot {
    let sdg = Arc::new(crate::embedded::sdg().unwrap());
    let empty =
        Snapshot::empty(sdg).with_frameworks(Arc::new(crate::embedded::frameworks().unwrap()));
    let plan = crate::plan_import(&empty, &crate::embedded::demo_tables().unwrap()).unwrap();
    crate::apply_in_memory(&empty, &plan)
}

#[test]
fn every_translatable_column_is_read_from_the_record_as_the_native_export_writes_it() {
    let s = demo();
    let tables = crate::native::write_tables(&s);
    let mut checked = 0;
    for kind in kinds() {
        let table = tables
            .iter()
            .find(|t| t.name == crate::native::table_of(kind))
            .unwrap();
        for (row, e) in table.rows.iter().zip(s.entities(kind)) {
            for (c, by_lang) in texts(&e) {
                for (i, h) in table.headers.iter().enumerate() {
                    let Some(lang) = h.strip_prefix(c.name).and_then(|r| r.strip_prefix('_'))
                    else {
                        continue;
                    };
                    if agenda_core::Lang::parse(lang).is_err() {
                        continue;
                    }
                    let cell = row[i].as_text();
                    assert_eq!(
                        by_lang.get(lang).cloned().unwrap_or_default(),
                        cell,
                        "{kind:?} {} {h}",
                        e.key()
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 500, "{checked}");
    // The kinds the issue names are among those found in the model.
    for k in [
        Kind::Service,
        Kind::ActionLine,
        Kind::Kpi,
        Kind::LifeEvent,
        Kind::Objective,
    ] {
        assert!(kinds().contains(&k), "{k:?}");
    }
}

#[test]
fn a_translation_changes_that_language_of_that_field_and_nothing_else() {
    let s = demo();
    let e = s.get(Kind::Service, "SVC-001").unwrap();
    let after = with_translation(&e, "summary", "fr", "  Déclarer <vite> & \"bien\"\n ").unwrap();
    let (old, new) = (texts(&e), texts(&after));
    for ((c, a), (_, b)) in old.iter().zip(&new) {
        if c.name == "summary" {
            assert_eq!(b.get("fr").unwrap(), "Déclarer <vite> & \"bien\"");
            assert_eq!(a.get("en"), b.get("en"));
        } else {
            assert_eq!(a, b, "{}", c.name);
        }
    }
    // Back without the translation: the record as it was.
    let back = with_translation(&after, "summary", "fr", "").unwrap();
    assert_eq!(back, e);
    assert_eq!(
        with_translation(&e, "code", "fr", "x"),
        Err(TranslateError::NotTranslatable)
    );
    assert_eq!(
        with_translation(&e, "title", "en", ""),
        Err(TranslateError::Required)
    );
}

#[test]
fn the_counts_are_those_of_the_texts_lacking_the_language() {
    let s = demo();
    let all = entries(&s, "en", "fr");
    let counts = missing_counts(&s, "en", "fr");
    let total: usize = counts.iter().map(|(_, m, _)| m).sum();
    assert_eq!(total, all.iter().filter(|e| e.target.is_none()).count());
    assert!(total > 0);
    let services = counts.iter().find(|(k, _, _)| *k == Kind::Service).unwrap();
    assert_eq!(
        services.2,
        all.iter().filter(|e| e.kind == Kind::Service).count()
    );
}

fn doc(units: Vec<Unit>) -> Xliff {
    Xliff {
        source_lang: "en".into(),
        target_lang: "fr".into(),
        units,
    }
}

#[test]
fn texts_come_back_exactly_through_a_file() {
    let tricky = [
        "plain",
        "  leading and trailing spaces  ",
        "line one\nline two\n\n  indented\tand tabbed",
        "windows\r\nline ends\rand a lone return",
        "markup-like <b>bold</b> & 'quotes' \"double\" ]]> <!-- no --> &amp;",
        "emoji 👩🏽‍💻 🇸🇳 and Arabic مرحبا and combining é",
        "",
    ];
    let units: Vec<Unit> = tricky
        .iter()
        .enumerate()
        .map(|(i, t)| Unit {
            path: format!("service/SVC-{i}:2024=x y/title"),
            source: (*t).to_owned(),
            target: (i % 2 == 0).then(|| format!("{t} (fr)")),
        })
        .collect();
    let d = doc(units);
    let text = d.write().unwrap();
    assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    assert!(text.contains(r#"<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="fr">"#));
    assert!(text.contains("&lt;b&gt;bold&lt;/b&gt; &amp; "), "{text}");
    assert!(text.contains("&#13;"));
    let back = Xliff::read(&text).unwrap();
    // A text without a translation is written with an empty target, for the translator.
    let mut expected = d.clone();
    for u in &mut expected.units {
        u.target.get_or_insert_with(String::new);
    }
    assert_eq!(back, expected);
}

#[test]
fn unit_ids_are_name_tokens_that_give_back_their_path() {
    for p in [
        "service/SVC-001/title",
        "observation/KPI-1:2024:sex=female/narrative",
        "a_b/é/c",
    ] {
        let id = unit_id(p);
        assert!(
            id.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | ':' | '_')),
            "{id}"
        );
        assert_eq!(path_of_id(&id).as_deref(), Some(p));
    }
}

#[test]
fn a_file_written_by_another_tool_is_read() {
    // No name attribute, an empty target, a CDATA section, references, a literal CRLF, notes.
    let text = "<?xml version=\"1.0\"?>\r\n<xliff xmlns=\"urn:oasis:names:tc:xliff:document:2.0\" \
        version=\"2.0\" srcLang=\"en\" trgLang=\"pt\"><file id=\"f\"><notes><note>n</note></notes>\
        <unit id=\"service_2FSVC-001_2Ftitle\"><segment><source>A &lt;b&gt; &#x1F600;</source>\
        <target><![CDATA[<b> ok]]>&#10;two\r\nthree</target></segment></unit>\
        <unit id=\"u2\" name=\"kpi/KPI-01/title\"><segment><source>B</source><target/></segment></unit>\
        </file></xliff>";
    let d = Xliff::read(text).unwrap();
    assert_eq!(d.target_lang, "pt");
    assert_eq!(d.units[0].path, "service/SVC-001/title");
    assert_eq!(d.units[0].source, "A <b> 😀");
    assert_eq!(d.units[0].target.as_deref(), Some("<b> ok\ntwo\nthree"));
    assert_eq!(d.units[1].path, "kpi/KPI-01/title");
    assert_eq!(d.units[1].target.as_deref(), Some(""));
}

#[test]
fn bad_files_are_refused_with_a_reason() {
    let cases = [
        ("not xml at all <", "not"),
        ("<html></html>", "not an XLIFF"),
        (
            "<xliff version=\"1.2\" srcLang=\"en\" trgLang=\"fr\"></xliff>",
            "only XLIFF 2.0",
        ),
        ("<xliff version=\"2.0\"></xliff>", "srcLang"),
        (
            "<xliff version=\"2.0\" srcLang=\"en\" trgLang=\"fr\"><file><unit id=\"a\"><segment>\
             <source>x <ph id=\"1\"/></source></segment></unit></file></xliff>",
            "inline markup",
        ),
        (
            "<xliff version=\"2.0\" srcLang=\"en\" trgLang=\"fr\"><file><unit id=\"a\"><segment>\
             <source>x</source><target>y</segment></unit></file></xliff>",
            "not well-formed",
        ),
    ];
    for (text, says) in cases {
        let e = Xliff::read(text).unwrap_err();
        assert!(e.0.contains(says), "{text}: {e}");
    }
    let bad = doc(vec![Unit {
        path: "service/S/title".into(),
        source: "bell \u{7}".into(),
        target: None,
    }]);
    assert!(bad.write().unwrap_err().0.contains("U+0007"));
}

#[test]
fn an_import_fills_only_targets_and_reports_what_it_cannot_apply() {
    let s = demo();
    let missing: Vec<Entry> = entries(&s, "en", "fr")
        .into_iter()
        .filter(|e| e.target.is_none())
        .collect();
    let mut d = Xliff::of("en", "fr", &missing);
    assert_eq!(d.units.len(), missing.len());
    for u in &mut d.units {
        u.target = Some(format!("FR {}", u.source));
    }
    // A translated text, one translated from an older source, an unknown record, an
    // untranslated unit and one the importer may not change.
    let (refused_kind, refused_key) = (missing[2].kind, missing[2].key.clone());
    let first = entries(&s, "en", "fr")
        .into_iter()
        .find(|e| e.target.is_some() && (e.kind, &e.key) != (refused_kind, &refused_key))
        .unwrap();
    d.units.push(Unit {
        path: first.path(),
        source: first.source.clone(),
        target: Some("Nouveau".into()),
    });
    d.units[0].source.push_str(" (old)");
    d.units.push(Unit {
        path: "service/NOPE/title".into(),
        source: "x".into(),
        target: Some("y".into()),
    });
    d.units[1].target = Some("   ".into());
    // Every unit of that record past the first two is refused.
    let refused = d.units[2..missing.len()]
        .iter()
        .filter(|u| {
            split_path(&u.path).is_some_and(|(k, key, _)| k == refused_kind && key == refused_key)
        })
        .count();
    let plan = plan_translations(&s, "en", &d, |e| {
        if e.kind() == refused_kind && e.key() == refused_key {
            Err("not yours".into())
        } else {
            Ok(())
        }
    })
    .unwrap();
    assert_eq!(
        plan.count(|o| *o == Outcome::Added),
        missing.len() - 2 - refused
    );
    assert_eq!(plan.count(|o| *o == Outcome::Changed), 1);
    assert_eq!(plan.count(|o| *o == Outcome::Untranslated), 1);
    assert_eq!(plan.count(|o| *o == Outcome::Unknown), 1);
    assert_eq!(plan.count(|o| matches!(o, Outcome::Refused(_))), refused);
    assert!(matches!(plan.units[0].1, Outcome::SourceChanged { .. }));
    assert!(matches!(plan.units[2].1, Outcome::Refused(_)));
    assert_eq!(plan.problems().count(), 2 + refused);
    // Applied, the snapshot differs from the demo only in French texts.
    let mut after = s.clone();
    for e in &plan.changes {
        after.upsert(e.clone());
    }
    for kind in Kind::ALL.iter().copied() {
        for e in s.entities(kind) {
            let a = after.get(kind, &e.key()).unwrap();
            let strip = |x: &Entity| {
                let mut v: serde_json::Value = serde_json::from_str(&x.to_json()).unwrap();
                for c in fields(kind) {
                    if let Some(o) = v.get_mut(c.name).and_then(|t| t.as_object_mut()) {
                        o.remove("fr");
                    }
                }
                v
            };
            assert_eq!(strip(&e), strip(&a), "{kind:?} {}", e.key());
        }
    }
    let left = entries(&after, "en", "fr")
        .into_iter()
        .filter(|e| e.target.is_none())
        .count();
    assert_eq!(left, 2 + refused);
    // A file from another source language is refused as a whole.
    let mut other = d.clone();
    other.source_lang = "es".into();
    assert!(plan_translations(&s, "en", &other, |_| Ok(())).is_err());
}
