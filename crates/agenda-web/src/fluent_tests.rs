//! The interface's Fluent files, checked as CI checks them: each file parses; every language
//! has exactly the messages of English, each with the same variables; and no English message
//! is left unused by the templates and sources — of the site (`locales/`) and of the mails
//! (`agenda-jobs/locales/`).
//!
//! A key counts as used when a template or a Rust source names it in quotes, or when it starts
//! with a prefix the code completes at run time (`format!("kind-{…}")`, `c.status("ms-status",
//! …)`): those prefixes are read from the sources themselves, and the few built another way
//! are listed in [`BUILT_PREFIXES`], each with where it is built.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use fluent_syntax::ast;

use crate::site::i18n::LANGS;

/// Prefixes of keys (or whole keys) put together in ways the scan of the sources does not see.
const BUILT_PREFIXES: &[&str] = &[
    // The words of a vocabulary's values in the record forms: `words_of` in
    // site/admin/controls.rs gives the prefix, the value completes it.
    "obs-status-",
    "admin-result-",
    "admin-priority-",
    // A yes/no column's words: prefix `admin` in site/admin/controls.rs (`Value::Bool`).
    "admin-yes",
    "admin-no",
    // A ticket's state explained: `status_key` in site/feedback.rs, then `-text`.
    "ticket-status-",
];

/// A language's messages (and terms, `-name`): each with the variables it uses.
type Messages = BTreeMap<String, BTreeSet<String>>;

fn locales(crate_dir: &Path, lang: &str) -> PathBuf {
    crate_dir.join("locales").join(lang)
}

fn web_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn jobs_dir() -> PathBuf {
    web_dir().join("../agenda-jobs")
}

/// The messages of every `.ftl` file in `dir`; syntax errors are pushed to `errors`.
fn messages_in(dir: &Path, errors: &mut Vec<String>) -> Messages {
    let mut out = Messages::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        errors.push(format!("{}: no such directory", dir.display()));
        return out;
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "ftl"))
        .collect();
    files.sort();
    for path in files {
        let text = std::fs::read_to_string(&path).expect("a Fluent file");
        let resource = match fluent_syntax::parser::parse(text.as_str()) {
            Ok(r) => r,
            Err((r, errs)) => {
                for e in errs {
                    let line = text[..e.pos.start.min(text.len())].lines().count().max(1);
                    errors.push(format!("{}:{line}: {:?}", path.display(), e.kind));
                }
                r
            }
        };
        for entry in &resource.body {
            let (id, value, attributes) = match entry {
                ast::Entry::Message(m) => (m.id.name.to_owned(), m.value.as_ref(), &m.attributes),
                ast::Entry::Term(t) => (format!("-{}", t.id.name), Some(&t.value), &t.attributes),
                ast::Entry::Junk { content } => {
                    let first = content.lines().next().unwrap_or_default();
                    errors.push(format!("{}: cannot read {first:?}", path.display()));
                    continue;
                }
                _ => continue,
            };
            let mut vars = BTreeSet::new();
            if let Some(p) = value {
                pattern_vars(p, &mut vars);
            }
            for a in attributes {
                pattern_vars(&a.value, &mut vars);
            }
            if out.insert(id.clone(), vars).is_some() {
                errors.push(format!("{}: {id} is defined twice", path.display()));
            }
        }
    }
    out
}

fn pattern_vars(p: &ast::Pattern<&str>, vars: &mut BTreeSet<String>) {
    for el in &p.elements {
        if let ast::PatternElement::Placeable { expression } = el {
            expression_vars(expression, vars);
        }
    }
}

fn expression_vars(e: &ast::Expression<&str>, vars: &mut BTreeSet<String>) {
    match e {
        ast::Expression::Select { selector, variants } => {
            inline_vars(selector, vars);
            for v in variants {
                pattern_vars(&v.value, vars);
            }
        }
        ast::Expression::Inline(i) => inline_vars(i, vars),
    }
}

fn inline_vars(i: &ast::InlineExpression<&str>, vars: &mut BTreeSet<String>) {
    match i {
        ast::InlineExpression::VariableReference { id } => {
            vars.insert(id.name.to_owned());
        }
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            for a in &arguments.positional {
                inline_vars(a, vars);
            }
            for a in &arguments.named {
                inline_vars(&a.value, vars);
            }
        }
        ast::InlineExpression::Placeable { expression } => expression_vars(expression, vars),
        _ => {}
    }
}

/// What every language of `crate_dir`'s locales lacks, adds or changes against English.
fn compare(crate_dir: &Path, errors: &mut Vec<String>) -> Messages {
    let en = messages_in(&locales(crate_dir, "en"), errors);
    assert!(
        en.len() > 10,
        "{}: English has too few messages",
        crate_dir.display()
    );
    for lang in LANGS.iter().skip(1) {
        let other = messages_in(&locales(crate_dir, lang), errors);
        for (key, vars) in &en {
            match other.get(key) {
                None => errors.push(format!("{lang}: {key} is missing")),
                Some(v) if v != vars => errors.push(format!(
                    "{lang}: {key} uses the variables {v:?}, English {vars:?}"
                )),
                Some(_) => {}
            }
        }
        for key in other.keys().filter(|k| !en.contains_key(*k)) {
            errors.push(format!("{lang}: {key} is not in English"));
        }
    }
    en
}

/// The text of every file under `dir` ending in one of `exts`.
fn sources(dir: &Path, exts: &[&str], out: &mut String) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.filter_map(Result::ok) {
        let path = e.path();
        if path.is_dir() {
            sources(&path, exts, out);
        } else if path
            .extension()
            .and_then(|x| x.to_str())
            .is_some_and(|x| exts.contains(&x))
        {
            out.push_str(&std::fs::read_to_string(&path).unwrap_or_default());
            out.push('\n');
        }
    }
}

/// The prefixes the code completes at run time: `"prefix-{` in a format string and the first
/// argument of `status("prefix", …)`, followed by `-`.
fn dynamic_prefixes(code: &str) -> BTreeSet<String> {
    let key_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
    let mut out: BTreeSet<String> = BUILT_PREFIXES.iter().map(|p| (*p).to_owned()).collect();
    for (i, _) in code.match_indices("-{") {
        let start = code[..i]
            .char_indices()
            .rev()
            .find(|(_, c)| !key_char(*c))
            .map_or(0, |(s, c)| s + c.len_utf8());
        if code[..start].ends_with('"') && start < i {
            out.insert(code[start..=i].to_owned());
        }
    }
    for (i, m) in code.match_indices("status(\"") {
        let rest = &code[i + m.len()..];
        if let Some(end) = rest.find('"') {
            out.insert(format!("{}-", &rest[..end]));
        }
    }
    out
}

/// The English keys no template or source uses.
fn unused(en: &Messages, code: &str) -> Vec<String> {
    let prefixes = dynamic_prefixes(code);
    en.keys()
        .filter(|k| !k.starts_with('-'))
        .filter(|k| !code.contains(&format!("\"{k}\"")))
        .filter(|k| !prefixes.iter().any(|p| k.starts_with(p.as_str())))
        .cloned()
        .collect()
}

#[test]
fn every_language_has_the_messages_and_variables_of_english_and_every_message_is_used() {
    let mut errors = Vec::new();
    let web = compare(&web_dir(), &mut errors);
    let jobs = compare(&jobs_dir(), &mut errors);

    let mut web_code = String::new();
    sources(&web_dir().join("src"), &["rs"], &mut web_code);
    sources(
        &web_dir().join("templates"),
        &["html", "xml", "txt"],
        &mut web_code,
    );
    for key in unused(&web, &web_code) {
        errors.push(format!("{key} (site) is used nowhere"));
    }
    let mut jobs_code = String::new();
    sources(&jobs_dir().join("src"), &["rs"], &mut jobs_code);
    for key in unused(&jobs, &jobs_code) {
        errors.push(format!("{key} (mails) is used nowhere"));
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn the_check_finds_what_it_is_for() {
    let dir = std::env::temp_dir().join(format!("agenda-fluent-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("a.ftl"),
        "hello = Hi { $name }\ncount = { $n ->\n    [one] one\n   *[other] { $n } of { $total }\n}\n",
    )
    .unwrap();
    let mut errors = Vec::new();
    let m = messages_in(&dir, &mut errors);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(m["hello"], BTreeSet::from(["name".to_owned()]));
    assert_eq!(
        m["count"],
        BTreeSet::from(["n".to_owned(), "total".to_owned()])
    );
    std::fs::write(dir.join("b.ftl"), "broken = { $x\nfine = yes\n").unwrap();
    messages_in(&dir, &mut errors);
    assert!(!errors.is_empty());
    std::fs::remove_dir_all(&dir).unwrap();

    let code = r#"t(lang, "hello"); let k = format!("kind-{}", x); c.status("ms-status", s)"#;
    let en: Messages = ["hello", "count", "kind-kpi", "ms-status-done", "-brand"]
        .into_iter()
        .map(|k| (k.to_owned(), BTreeSet::new()))
        .collect();
    assert_eq!(unused(&en, code), ["count"]);
}
