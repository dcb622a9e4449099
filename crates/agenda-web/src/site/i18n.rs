//! Interface strings from the Fluent files in `locales/` (compiled into the binary).

use std::collections::HashMap;
use std::sync::LazyLock;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // Unicode isolation marks around arguments would show up in titles and CSV names.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The interface languages, English (the fallback) first.
pub const LANGS: &[&str] = &["en", "fr", "es"];

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

/// The interface string `key` in `lang` (English when missing there).
pub fn t(lang: &str, key: &str) -> String {
    LOCALES.lookup(id(lang), key)
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
    LOCALES.lookup_with_args(id(lang), key, &map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_of_english_exists_in_every_language() {
        let en = include_str!("../../locales/en/main.ftl");
        let keys: Vec<&str> = en
            .lines()
            .filter_map(|l| l.split_once(" = ").map(|(k, _)| k.trim()))
            .filter(|k| !k.starts_with('#') && !k.is_empty() && !k.starts_with('.'))
            .collect();
        assert!(keys.len() > 50);
        for (lang, file) in [
            ("fr", include_str!("../../locales/fr/main.ftl")),
            ("es", include_str!("../../locales/es/main.ftl")),
        ] {
            for k in &keys {
                assert!(
                    file.lines().any(|l| l.starts_with(&format!("{k} ="))),
                    "{lang} lacks {k}"
                );
            }
        }
        assert_eq!(t("fr", "nav-kpis"), "Indicateurs");
    }
}
