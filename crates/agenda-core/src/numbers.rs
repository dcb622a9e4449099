//! Numbers as people read them in each interface language.

/// Formats a number with at most one decimal, in the language's style: English groups
/// thousands with `,` and writes `.`; the others group with a narrow no-break space and write
/// `,`. Four-digit numbers are not grouped.
pub fn fmt_num(lang: &str, v: f64) -> String {
    let rounded = (v * 10.0).round() / 10.0;
    let s = if rounded.fract() == 0.0 {
        format!("{}", rounded as i64)
    } else {
        format!("{rounded:.1}")
    };
    let s = group_thousands(&s, if lang == "en" { ',' } else { '\u{202f}' });
    if lang == "en" { s } else { s.replace('.', ",") }
}

/// Formats a number rounded to exactly `decimals` decimals, in the language's style (see
/// [`fmt_num`]): the precision a figure deserves, never more.
pub fn fmt_dec(lang: &str, v: f64, decimals: u8) -> String {
    let d = usize::from(decimals);
    // Half away from zero, as people round (formatting alone rounds half to even).
    let scale = 10f64.powi(i32::from(decimals));
    let rounded = (v * scale).round() / scale;
    let mut s = format!("{rounded:.d$}");
    // -0 reads as a sign error.
    if s.trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        s = s.trim_start_matches('-').to_owned();
    }
    let s = group_thousands(&s, if lang == "en" { ',' } else { '\u{202f}' });
    if lang == "en" { s } else { s.replace('.', ",") }
}

fn group_thousands(s: &str, sep: char) -> String {
    let (neg, s) = s.strip_prefix('-').map_or((false, s), |r| (true, r));
    let (int, frac) = s.split_once('.').map_or((s, None), |(i, f)| (i, Some(f)));
    if int.len() <= 4 {
        return format!("{}{s}", if neg { "-" } else { "" });
    }
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(sep);
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    format!("{}{out}", if neg { "-" } else { "" })
}

#[cfg(test)]
mod tests {
    use super::{fmt_dec, fmt_num};

    #[test]
    fn figures_keep_the_decimals_asked_for() {
        assert_eq!(fmt_dec("en", 1_531_499.9, 0), "1,531,500");
        assert_eq!(fmt_dec("en", 6.5, 0), "7");
        assert_eq!(fmt_dec("en", 53.66, 1), "53.7");
        assert_eq!(fmt_dec("en", 50.0, 1), "50.0");
        assert_eq!(fmt_dec("fr", 12_345.678, 2), "12\u{202f}345,68");
        assert_eq!(fmt_dec("en", -0.04, 1), "0.0");
        assert_eq!(fmt_dec("es", -98_765.4, 0), "-98\u{202f}765");
    }

    #[test]
    fn numbers_follow_the_language() {
        assert_eq!(fmt_num("en", 1234.0), "1234");
        assert_eq!(fmt_num("en", 1_234_567.25), "1,234,567.3");
        assert_eq!(fmt_num("fr", 12_345.5), "12\u{202f}345,5");
        assert_eq!(fmt_num("es", -98_765.0), "-98\u{202f}765");
    }
}
