//! The languages of the public site (and of the mails that link to it), and how a page's URL
//! names its language: English pages have no prefix, every other language `/` and its code
//! (`/fr/…`, `/pt/…`, `/ar/…`).

/// The interface languages, English (the default, unprefixed) first.
pub const LANGS: &[&str] = &["en", "fr", "es", "pt", "ar"];

/// The interface languages written right to left.
const RTL: &[&str] = &["ar"];

/// `lang` if it is one of [`LANGS`], else English.
pub fn known(lang: &str) -> &'static str {
    LANGS.iter().find(|l| **l == lang).copied().unwrap_or("en")
}

/// The direction `lang` is written in, as HTML's `dir` names it: `rtl` or `ltr`. Only the
/// primary subtag counts (`ar-MA` is right to left), so it serves content languages too.
pub fn direction(lang: &str) -> &'static str {
    let primary = lang.split(['-', '_']).next().unwrap_or(lang);
    // Other scripts written right to left, for content in a language the interface lacks.
    const OTHER_RTL: &[&str] = &["he", "fa", "ur", "ps", "dv", "yi", "ckb", "sd", "ug"];
    if RTL.contains(&primary) || OTHER_RTL.contains(&primary) {
        "rtl"
    } else {
        "ltr"
    }
}

/// The prefix of the site's URLs in `lang`: `""` for English (and for a language the site does
/// not have), else `/` and the language (`/fr`).
pub fn url_prefix(lang: &str) -> &'static str {
    // One prefix per language, made once: the prefixes live as long as the program.
    static PREFIXES: std::sync::LazyLock<Vec<(&'static str, &'static str)>> =
        std::sync::LazyLock::new(|| {
            LANGS
                .iter()
                .skip(1)
                .map(|l| {
                    let prefix: &'static str = format!("/{l}").leak();
                    (*l, prefix)
                })
                .collect()
        });
    let lang = known(lang);
    PREFIXES
        .iter()
        .find(|(l, _)| *l == lang)
        .map_or("", |(_, p)| p)
}

/// The language a site path names by its prefix, and the path without it (`/fr/kpis` →
/// `("fr", "/kpis")`, `/fr` → `("fr", "/")`); `None` for an unprefixed (English) path.
pub fn split_url_prefix(path: &str) -> Option<(&'static str, &str)> {
    LANGS.iter().find_map(|&l| {
        let prefix = url_prefix(l);
        let rest = path.strip_prefix(prefix).filter(|_| !prefix.is_empty())?;
        match rest {
            "" => Some((l, "/")),
            _ if rest.starts_with('/') => Some((l, rest)),
            _ => None,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_but_english_prefixes_its_urls() {
        assert_eq!(url_prefix("en"), "");
        assert_eq!(url_prefix("fr"), "/fr");
        assert_eq!(url_prefix("es"), "/es");
        assert_eq!(url_prefix("pt"), "/pt");
        assert_eq!(url_prefix("ar"), "/ar");
        assert_eq!(url_prefix("de"), "");
        for l in LANGS.iter().skip(1) {
            assert_eq!(url_prefix(l), format!("/{l}"));
        }
        assert_eq!(known("es"), "es");
        assert_eq!(known("de"), "en");
    }

    #[test]
    fn arabic_is_written_right_to_left() {
        assert_eq!(direction("ar"), "rtl");
        assert_eq!(direction("ar-MA"), "rtl");
        assert_eq!(direction("he"), "rtl");
        for l in ["en", "fr", "es", "pt", "pt-BR", "sw"] {
            assert_eq!(direction(l), "ltr", "{l}");
        }
    }

    #[test]
    fn a_prefixed_path_gives_its_language_and_the_path_without_it() {
        assert_eq!(
            split_url_prefix("/fr/kpis/KPI-01"),
            Some(("fr", "/kpis/KPI-01"))
        );
        assert_eq!(split_url_prefix("/es"), Some(("es", "/")));
        assert_eq!(split_url_prefix("/fr/"), Some(("fr", "/")));
        assert_eq!(split_url_prefix("/ar/services"), Some(("ar", "/services")));
        assert_eq!(split_url_prefix("/pt"), Some(("pt", "/")));
        assert_eq!(split_url_prefix("/kpis"), None);
        assert_eq!(split_url_prefix("/"), None);
        // A path that only starts with the same letters is not prefixed.
        assert_eq!(split_url_prefix("/french"), None);
        assert_eq!(split_url_prefix("/es-mx/x"), None);
        assert_eq!(split_url_prefix("/api/v1"), None);
        assert_eq!(split_url_prefix("/arabic"), None);
        for l in LANGS {
            let page = format!("{}/kpis", url_prefix(l));
            let lang = split_url_prefix(&page).map_or("en", |(l, _)| l);
            assert_eq!(lang, *l);
        }
    }
}
