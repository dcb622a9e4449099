//! The languages of the public site (and of the mails that link to it), and how a page's URL
//! names its language: English pages have no prefix, the others `/fr/…`, `/es/…`.

/// The interface languages, English (the default, unprefixed) first.
pub const LANGS: &[&str] = &["en", "fr", "es", "ar", "pt"];

/// `lang` if it is one of [`LANGS`], else English.
pub fn known(lang: &str) -> &'static str {
    LANGS.iter().find(|l| **l == lang).copied().unwrap_or("en")
}

/// The prefix of the site's URLs in `lang`: `""` for English (and for a language the site does
/// not have), else `/` and the language (`/fr`).
pub fn url_prefix(lang: &str) -> &'static str {
    match known(lang) {
        "fr" => "/fr",
        "es" => "/es",
        "ar" => "/ar",
        "pt" => "/pt",
        _ => "",
    }
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
        assert_eq!(url_prefix("de"), "");
        for l in LANGS.iter().skip(1) {
            assert_eq!(url_prefix(l), format!("/{l}"));
        }
        assert_eq!(known("es"), "es");
        assert_eq!(known("de"), "en");
    }

    #[test]
    fn a_prefixed_path_gives_its_language_and_the_path_without_it() {
        assert_eq!(
            split_url_prefix("/fr/kpis/KPI-01"),
            Some(("fr", "/kpis/KPI-01"))
        );
        assert_eq!(split_url_prefix("/es"), Some(("es", "/")));
        assert_eq!(split_url_prefix("/fr/"), Some(("fr", "/")));
        assert_eq!(split_url_prefix("/kpis"), None);
        assert_eq!(split_url_prefix("/"), None);
        // A path that only starts with the same letters is not prefixed.
        assert_eq!(split_url_prefix("/french"), None);
        assert_eq!(split_url_prefix("/es-mx/x"), None);
        for l in LANGS {
            let page = format!("{}/kpis", url_prefix(l));
            let lang = split_url_prefix(&page).map_or("en", |(l, _)| l);
            assert_eq!(lang, *l);
        }
    }
}
