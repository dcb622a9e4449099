//! The texts of the mails and of the changes they tell of, in the interface languages.

use std::collections::HashMap;
use std::sync::LazyLock;

// Mails are written in the site's languages, English (the fallback) first.
use agenda_core::languages::LANGS;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // Unicode isolation marks around arguments would show up in subjects and titles.
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

/// The text `key` in `lang` (or English).
pub(crate) fn t(lang: &str, key: &str) -> String {
    LOCALES.lookup(id(lang), key)
}

/// The text `key` with arguments.
pub(crate) fn t_args(lang: &str, key: &str, args: &[(&str, String)]) -> String {
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

    fn keys(ftl: &str) -> Vec<&str> {
        ftl.lines()
            .filter_map(|l| l.split_once(" = ").map(|(k, _)| k.trim()))
            .collect()
    }

    #[test]
    fn every_language_has_every_text() {
        let en = keys(include_str!("../locales/en/mail.ftl"));
        assert!(en.len() > 10);
        for lang in LANGS.iter().skip(1) {
            let path = format!("{}/locales/{lang}/mail.ftl", env!("CARGO_MANIFEST_DIR"));
            let text = std::fs::read_to_string(&path).expect("every language has mails");
            assert_eq!(keys(&text), en, "{lang}");
        }
        for lang in LANGS {
            assert_ne!(t(lang, "sub-mail-manage"), "sub-mail-manage", "{lang}");
        }
        assert_ne!(t("fr", "sub-mail-manage"), t("en", "sub-mail-manage"));
    }
}
