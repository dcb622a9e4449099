//! Translating the content through XLIFF 2.0 files with the real binary, on each database:
//! export what lacks French, translate every text, import, and nothing but those texts changes.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use agenda_io::translations::Xliff;
use common::{Db, each_backend, repo};

fn ok(db: &Db, args: &[&str]) -> String {
    let out = common::run(&db.url, args);
    assert!(
        out.status.success(),
        "[{}] agenda {args:?} failed:\n{}\n{}",
        db.label,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A native CSV export: per table, per row (by its first cells up to the first text column's
/// position are not assumed: rows keep their order), each cell by its header.
type Export = BTreeMap<String, Vec<BTreeMap<String, String>>>;

fn read_export(dir: &Path) -> Export {
    let mut out = Export::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_none_or(|x| x != "csv") {
            continue;
        }
        let mut r = csv::Reader::from_path(&p).unwrap();
        let headers: Vec<String> = r.headers().unwrap().iter().map(str::to_owned).collect();
        let rows = r
            .records()
            .map(|rec| {
                let rec = rec.unwrap();
                headers
                    .iter()
                    .cloned()
                    .zip(rec.iter().map(str::to_owned))
                    .filter(|(_, v)| !v.is_empty())
                    .collect()
            })
            .collect();
        out.insert(p.file_name().unwrap().to_string_lossy().into_owned(), rows);
    }
    out
}

/// The translation a translator would give: markup-like characters, quotes and emoji around
/// the source, whose lines and inner spaces are kept.
fn translated(source: &str) -> String {
    format!("« {source} » <fr> & \"ok\" 🙂")
}

#[test]
fn french_texts_filled_through_xliff_change_nothing_else() {
    each_backend(|fresh| {
        let db = fresh();
        let tmp = tempfile::tempdir().unwrap();
        ok(&db, &["import", path(&repo().join("data/demo"))]);
        let before = tmp.path().join("before");
        ok(&db, &["export", "--format", "csv", "--out", path(&before)]);

        let file = tmp.path().join("fr.xlf");
        let said = ok(
            &db,
            &[
                "export",
                "--format",
                "xliff",
                "--lang",
                "fr",
                "--out",
                path(&file),
            ],
        );
        let mut doc = Xliff::read(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let n = doc.units.len();
        assert!(n > 100, "[{}] only {n} texts lack French", db.label);
        assert!(said.contains(&format!("wrote {n} texts")), "{said}");
        assert_eq!(
            (doc.source_lang.as_str(), doc.target_lang.as_str()),
            ("en", "fr")
        );
        assert!(
            doc.units
                .iter()
                .all(|u| u.target.as_deref().unwrap_or("").is_empty())
        );
        // Every target filled, by kind/key/field.
        let mut expected: BTreeMap<String, String> = BTreeMap::new();
        for u in &mut doc.units {
            let t = translated(&u.source);
            expected.insert(u.path.clone(), t.clone());
            u.target = Some(t);
        }
        std::fs::write(&file, doc.write().unwrap()).unwrap();
        let said = ok(&db, &["import", path(&file)]);
        assert!(
            said.contains(&format!(
                "{n} added, 0 changed, 0 unchanged, 0 untranslated, 0 not applied"
            )),
            "[{}] {said}",
            db.label
        );

        // The native export before and after differs only in the French texts the file held.
        let after = tmp.path().join("after");
        ok(&db, &["export", "--format", "csv", "--out", path(&after)]);
        let (b, a) = (read_export(&before), read_export(&after));
        assert_eq!(b.keys().collect::<Vec<_>>(), a.keys().collect::<Vec<_>>());
        let mut filled = 0;
        for (table, rows) in &b {
            assert_eq!(rows.len(), a[table].len(), "[{}] {table}", db.label);
            for (rb, ra) in rows.iter().zip(&a[table]) {
                let mut rb = rb.clone();
                for (h, v) in ra {
                    if rb.get(h) == Some(v) {
                        continue;
                    }
                    let Some(field) = h.strip_suffix("_fr") else {
                        panic!(
                            "[{}] {table}: {h} changed: {:?} → {v:?}",
                            db.label,
                            rb.get(h)
                        );
                    };
                    assert!(
                        !rb.contains_key(h),
                        "[{}] {table}: an existing {h} changed",
                        db.label
                    );
                    let en = rb.get(&format!("{field}_en")).unwrap();
                    assert_eq!(*v, translated(en), "[{}] {table} {h}", db.label);
                    rb.insert(h.clone(), v.clone());
                    filled += 1;
                }
                assert_eq!(&rb, ra, "[{}] {table}: something else changed", db.label);
            }
        }
        assert_eq!(
            filled, n,
            "[{}] every text of the file was filled",
            db.label
        );

        // Nothing lacks French any more; the same file again changes nothing.
        let again = tmp.path().join("again.xlf");
        ok(
            &db,
            &[
                "export",
                "--format",
                "xliff",
                "--lang",
                "fr",
                "--out",
                path(&again),
            ],
        );
        assert!(
            Xliff::read(&std::fs::read_to_string(&again).unwrap())
                .unwrap()
                .units
                .is_empty()
        );
        let said = ok(&db, &["import", path(&file)]);
        assert!(
            said.contains(&format!("0 added, 0 changed, {n} unchanged")),
            "{said}"
        );
        let all = tmp.path().join("all.xlf");
        ok(
            &db,
            &["export", "--lang", "fr", "--all", "--out", path(&all)],
        );
        let every = Xliff::read(&std::fs::read_to_string(&all).unwrap()).unwrap();
        for u in &every.units {
            if let Some(t) = expected.get(&u.path) {
                assert_eq!(u.target.as_ref(), Some(t), "exact round trip of {}", u.path);
            }
        }
    });
}

#[test]
fn a_file_translated_from_changed_texts_is_reported_and_bad_files_refused() {
    each_backend(|fresh| {
        let db = fresh();
        let tmp = tempfile::tempdir().unwrap();
        ok(&db, &["import", path(&repo().join("data/demo"))]);
        let file = tmp.path().join("es.xlf");
        ok(
            &db,
            &[
                "export",
                "--format",
                "xliff",
                "--lang",
                "es",
                "--out",
                path(&file),
            ],
        );
        let mut doc = Xliff::read(&std::fs::read_to_string(&file).unwrap()).unwrap();
        for u in &mut doc.units {
            u.target = Some(format!("ES {}", u.source));
        }
        doc.units[0].source.push_str(" (since changed)");
        doc.units[1].path = "service/NO-SUCH/title".into();
        std::fs::write(&file, doc.write().unwrap()).unwrap();
        let out = common::run(&db.url, &["import", path(&file)]);
        assert!(out.status.success());
        let (stdout, stderr) = (
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
        assert!(stdout.contains("2 not applied"), "{stdout}");
        assert!(
            stderr.contains(&format!(
                "{}: the source text changed since the export",
                doc.units[0].path
            )),
            "{stderr}"
        );
        assert!(
            stderr.contains("service/NO-SUCH/title: no such record"),
            "{stderr}"
        );

        // Not XLIFF, a language the platform lacks, an option of another format.
        let bad = tmp.path().join("bad.xlf");
        std::fs::write(&bad, "<xliff version=\"1.2\"/>").unwrap();
        let out = common::run(&db.url, &["import", path(&bad)]);
        assert_eq!(out.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&out.stderr).contains("only XLIFF 2.0"));
        let out = common::run(
            &db.url,
            &[
                "export",
                "--format",
                "xliff",
                "--lang",
                "de",
                "--out",
                path(&bad),
            ],
        );
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("--lang de"));
        let out = common::run(
            &db.url,
            &[
                "export",
                "--format",
                "csv",
                "--lang",
                "fr",
                "--out",
                path(tmp.path()),
            ],
        );
        assert!(!out.status.success());
    });
}
