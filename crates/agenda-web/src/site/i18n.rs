//! Interface strings from the Fluent files in `locales/` (compiled into the binary).

use std::collections::{BTreeSet, HashMap};
use std::sync::{LazyLock, Mutex, PoisonError};

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // Unicode isolation marks around arguments would show up in titles and CSV names; in a
        // language written right to left they keep a date, a code or a number whole (without
        // them `2026-01-31` reads `31-01-2026` after Arabic words).
        customise: |bundle| {
            let rtl = bundle
                .locales
                .first()
                .is_some_and(|l| agenda_core::languages::direction(l.language.as_str()) == "rtl");
            bundle.set_use_isolating(rtl)
        },
    };
}

/// The interface languages, English (the fallback) first.
pub use agenda_core::languages::LANGS;

static IDS: LazyLock<HashMap<&'static str, LanguageIdentifier>> = LazyLock::new(|| {
    LANGS
        .iter()
        .filter_map(|l| l.parse().ok().map(|id| (*l, id)))
        .collect()
});

fn id(lang: &str) -> &'static LanguageIdentifier {
    IDS.get(lang)
        .or_else(|| IDS.get("en"))
        .unwrap_or_else(|| unreachable!("en parses"))
}

/// Keys asked for that no language has, since the process started.
static MISSING: LazyLock<Mutex<BTreeSet<String>>> = LazyLock::new(Mutex::default);

/// What a visitor sees for a key no language has: its words, not the key itself. The miss is
/// logged once and kept, so that tests rendering every page can fail on it.
fn missing(key: &str) -> String {
    let first = MISSING
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(key.to_owned());
    if first {
        tracing::error!(key, "interface string missing in every language");
    }
    let words = key.rsplit('-').next().unwrap_or(key);
    words.replace('_', " ")
}

/// The keys asked for since the process started that no language has.
#[cfg(test)]
pub fn missing_keys() -> Vec<String> {
    MISSING
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .cloned()
        .collect()
}

/// The interface string `key` in `lang` (English when missing there).
pub fn t(lang: &str, key: &str) -> String {
    LOCALES
        .try_lookup(id(lang), key)
        .unwrap_or_else(|| missing(key))
}

/// The interface string `key` in `lang` (or English), if the key exists at all.
pub fn t_opt(lang: &str, key: &str) -> Option<String> {
    LOCALES.try_lookup(id(lang), key)
}

/// The interface string `key` with arguments.
pub fn t_args(lang: &str, key: &str, args: &[(&str, String)]) -> String {
    let map: HashMap<std::borrow::Cow<'static, str>, FluentValue<'_>> = args
        .iter()
        .map(|(k, v)| {
            (
                std::borrow::Cow::Owned((*k).to_owned()),
                FluentValue::from(v.clone()),
            )
        })
        .collect();
    LOCALES
        .try_lookup_with_args(id(lang), key, &map)
        .unwrap_or_else(|| missing(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `key = value` lines of every Fluent file of `lang`, by key.
    fn keys_of(lang: &str) -> std::collections::BTreeSet<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("locales")
            .join(lang);
        let mut keys = std::collections::BTreeSet::new();
        for entry in std::fs::read_dir(&dir).expect("locale directory") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "ftl") {
                let text = std::fs::read_to_string(&path).expect("Fluent file");
                keys.extend(
                    text.lines()
                        .filter(|l| !l.starts_with([' ', '#', '.', '-', '\t']))
                        .filter_map(|l| l.split_once('=').map(|(k, _)| k.trim().to_owned()))
                        .filter(|k| !k.is_empty()),
                );
            }
        }
        keys
    }

    #[test]
    fn every_key_of_english_exists_in_every_language() {
        let en = keys_of("en");
        assert!(en.len() > 50);
        for lang in LANGS.iter().skip(1) {
            let other = keys_of(lang);
            let lacking: Vec<_> = en.difference(&other).collect();
            assert!(lacking.is_empty(), "{lang} lacks {lacking:?}");
            let extra: Vec<_> = other.difference(&en).collect();
            assert!(extra.is_empty(), "{lang} has keys English lacks: {extra:?}");
        }
        assert_eq!(t("fr", "nav-kpis"), "Indicateurs");
    }
}
