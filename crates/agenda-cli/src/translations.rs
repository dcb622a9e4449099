//! `agenda export --format xliff` and `agenda import FILE.xlf`: the content's texts as XLIFF 2.0
//! files for translators, one target language per file, and their translations back.

use std::path::Path;
use std::process::ExitCode;

use agenda_core::Change;
use agenda_io::translations::{self as tr, Outcome, Xliff};
use agenda_store::{StoreError, Writer};
use anyhow::{Context, bail};

use crate::config::Config;

/// The content languages, the default (every text's source) first.
// The one place the command reads which languages content is translated between.
pub fn content_languages(config: &Config) -> (String, Vec<String>) {
    let mut all = config.content.langs().iter().map(ToString::to_string);
    let default = all.next().unwrap_or_else(|| "en".to_owned());
    (default, all.collect())
}

/// Whether `path` is an XLIFF file: by its extension, else by an `<xliff` element near the
/// start.
pub fn is_xliff(path: &Path) -> bool {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    if matches!(ext.as_deref(), Some("xlf" | "xliff")) {
        return true;
    }
    if path.is_dir() || matches!(ext.as_deref(), Some("csv" | "xlsx")) {
        return false;
    }
    std::fs::read(path).is_ok_and(|b| {
        let head = String::from_utf8_lossy(&b[..b.len().min(1024)]).into_owned();
        head.contains("<xliff")
    })
}

/// Writes the texts lacking `lang` (or all texts, `all`) as an XLIFF 2.0 file.
pub fn export(
    config: &Config,
    s: &agenda_core::Snapshot,
    lang: Option<&str>,
    all: bool,
    out: &Path,
) -> anyhow::Result<ExitCode> {
    let (source, targets) = content_languages(config);
    let Some(target) = lang else {
        bail!(
            "--lang is needed with --format xliff: the language to translate into ({})",
            targets.join(", ")
        );
    };
    if !targets.iter().any(|t| t == target) {
        bail!(
            "--lang {target}: not a language to translate into; the platform's languages are {} \
             ({source} is the one texts are written in)",
            config.languages.join(", ")
        );
    }
    let entries: Vec<tr::Entry> = tr::entries(s, &source, target)
        .into_iter()
        .filter(|e| all || e.target.is_none())
        .collect();
    let text = Xliff::of(&source, target, &entries)
        .write()
        .map_err(|e| anyhow::anyhow!("cannot write the file: {e}"))?;
    std::fs::write(out, text).with_context(|| format!("cannot write {}", out.display()))?;
    println!(
        "wrote {} texts to translate from {source} into {target} to {}",
        entries.len(),
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Reads an XLIFF 2.0 file and saves its translations in one write; what it cannot apply is
/// listed, and nothing is written when `dry_run`.
pub async fn import(
    config: &Config,
    path: &Path,
    actor: String,
    dry_run: bool,
) -> anyhow::Result<ExitCode> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let doc = match Xliff::read(text.trim_start_matches('\u{feff}')) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{}: {e}", path.display());
            eprintln!("nothing was imported");
            return Ok(ExitCode::FAILURE);
        }
    };
    let (source, targets) = content_languages(config);
    if !targets.contains(&doc.target_lang) {
        eprintln!(
            "{}: translates into {:?}, not one of the languages to translate into ({})",
            path.display(),
            doc.target_lang,
            targets.join(", ")
        );
        eprintln!("nothing was imported");
        return Ok(ExitCode::FAILURE);
    }
    let store = crate::open(config).await?;
    let s = store.snapshot();
    let plan = match tr::plan_translations(&s, &source, &doc, |_| Ok(())) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{}: {e}", path.display());
            eprintln!("nothing was imported");
            return Ok(ExitCode::FAILURE);
        }
    };
    for (unit, o) in plan.problems() {
        let why = match o {
            Outcome::Unknown => "no such record or translatable text".to_owned(),
            Outcome::SourceChanged { now } => {
                format!("the source text changed since the export; it now reads {now:?}")
            }
            Outcome::Refused(w) | Outcome::Invalid(w) => w.clone(),
            _ => continue,
        };
        eprintln!("{unit}: {why} (not applied)");
    }
    if dry_run {
        println!("{}; dry run: nothing was written", plan.summary());
        return Ok(ExitCode::SUCCESS);
    }
    if !plan.changes.is_empty() {
        // Each record is expected at the version the plan read it at: a change made meanwhile
        // refuses the whole write instead of being overwritten.
        let mut expected = Vec::with_capacity(plan.changes.len());
        for e in &plan.changes {
            let (kind, key) = (e.kind(), e.key());
            let (stored, version) = store.versioned(kind, &key).await?;
            if stored != s.get(kind, &key) {
                bail!(
                    "{} {key} changed while the file was read; import it again",
                    kind.as_str()
                );
            }
            expected.push((kind, key, version));
        }
        let changes = plan.changes.iter().cloned().map(Change::Upsert).collect();
        match store
            .apply_as(Writer::system(&actor), changes, expected)
            .await
        {
            Ok(_) => {}
            Err(StoreError::Conflict { kind, code, .. }) => {
                bail!("{kind} {code} changed while the file was read; import it again")
            }
            Err(StoreError::Invalid(problems)) => {
                for p in &problems {
                    eprintln!("{p}");
                }
                eprintln!("{} problems; nothing was imported", problems.len());
                return Ok(ExitCode::FAILURE);
            }
            Err(e) => return Err(e.into()),
        }
    }
    println!(
        "translations into {}: {}; {} records changed",
        doc.target_lang,
        plan.summary(),
        plan.changes.len()
    );
    Ok(ExitCode::SUCCESS)
}
