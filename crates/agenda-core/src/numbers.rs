//! Numbers as people read them in each interface language: English and Arabic group
//! thousands with `,` and write `.`; French, Spanish and Portuguese group with a narrow no-break
//! space and write `,`. Arabic is written with Western digits (0–9) or, when the country
//! chooses so ([`set_arabic_digits`]), with Arabic-Indic digits (٠–٩) and their own separators.

use std::sync::atomic::{AtomicBool, Ordering};

/// The digits Arabic pages and mails write numbers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ArabicDigits {
    /// 0–9, with `,` and `.`, as most Arabic-speaking administrations in North Africa write.
    #[default]
    Western,
    /// ٠–٩, with the Arabic thousands (`٬`) and decimal (`٫`) separators.
    ArabicIndic,
}

impl ArabicDigits {
    /// The setting's words: `western` or `arabic-indic`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "western" => Some(Self::Western),
            "arabic-indic" => Some(Self::ArabicIndic),
            _ => None,
        }
    }
}

/// Whether Arabic is written with Arabic-Indic digits: one choice for the whole platform, made
/// once from the configuration at start-up.
static ARABIC_INDIC: AtomicBool = AtomicBool::new(false);

/// Chooses the digits of every Arabic number from now on.
pub fn set_arabic_digits(d: ArabicDigits) {
    ARABIC_INDIC.store(d == ArabicDigits::ArabicIndic, Ordering::Relaxed);
}

fn arabic_digits() -> ArabicDigits {
    if ARABIC_INDIC.load(Ordering::Relaxed) {
        ArabicDigits::ArabicIndic
    } else {
        ArabicDigits::Western
    }
}

/// Whether `lang` groups with `,` and writes `.` (else a narrow no-break space and `,`).
fn point_decimal(lang: &str) -> bool {
    matches!(lang, "en" | "ar")
}

/// `s` (written with 0–9, `,` and `.` as [`point_decimal`] languages write) in `lang`'s digits.
fn in_digits(lang: &str, s: String, digits: ArabicDigits) -> String {
    if lang != "ar" || digits == ArabicDigits::Western {
        return s;
    }
    s.chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32(0x0660 + (c as u32 - '0' as u32)).unwrap_or(c),
            '.' => '\u{066b}',
            ',' => '\u{066c}',
            c => c,
        })
        .collect()
}

/// Formats a number with at most one decimal, in the language's style: English groups
/// thousands with `,` and writes `.`; the others group with a narrow no-break space and write
/// `,`. Four-digit numbers are not grouped.
pub fn fmt_num(lang: &str, v: f64) -> String {
    fmt_num_in(lang, v, arabic_digits())
}

fn fmt_num_in(lang: &str, v: f64, digits: ArabicDigits) -> String {
    let rounded = (v * 10.0).round() / 10.0;
    let s = if rounded.fract() == 0.0 {
        format!("{}", rounded as i64)
    } else {
        format!("{rounded:.1}")
    };
    in_digits(
        lang,
        localise_point(lang, group_thousands(&s, group(lang))),
        digits,
    )
}

/// Formats a number rounded to exactly `decimals` decimals, in the language's style (see
/// [`fmt_num`]): the precision a figure deserves, never more.
pub fn fmt_dec(lang: &str, v: f64, decimals: u8) -> String {
    fmt_dec_in(lang, v, decimals, arabic_digits())
}

fn fmt_dec_in(lang: &str, v: f64, decimals: u8, digits: ArabicDigits) -> String {
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
    in_digits(
        lang,
        localise_point(lang, group_thousands(&s, group(lang))),
        digits,
    )
}

/// The thousands separator of `lang` (before [`in_digits`]).
fn group(lang: &str) -> char {
    if point_decimal(lang) { ',' } else { '\u{202f}' }
}

/// `s` with `lang`'s decimal mark.
fn localise_point(lang: &str, s: String) -> String {
    if point_decimal(lang) {
        s
    } else {
        s.replace('.', ",")
    }
}

/// How many decimals amounts in `currency` (an ISO 4217 code) are shown with: none for the
/// currencies without minor units (the CFA francs, the yen …), else two.
pub fn currency_decimals(currency: &str) -> u8 {
    const WHOLE: &[&str] = &[
        "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND",
        "VUV", "XAF", "XOF", "XPF",
    ];
    if WHOLE.contains(&currency) { 0 } else { 2 }
}

/// An amount of money with its currency code, in the language's style: `USD 1,250,000.50` in
/// English, `1 250 000,50 USD` in the others (narrow no-break spaces), with the currency's
/// decimals (see [`currency_decimals`]); computed from the exact amount, never through a float.
pub fn fmt_money(lang: &str, m: crate::values::Money, currency: &str) -> String {
    fmt_money_in(lang, m, currency, arabic_digits())
}

fn fmt_money_in(
    lang: &str,
    m: crate::values::Money,
    currency: &str,
    digits: ArabicDigits,
) -> String {
    let (negative, mut whole, cents) = m.parts();
    let amount = if currency_decimals(currency) == 0 {
        // Half away from zero, as people round.
        if cents >= 50 {
            whole += 1;
        }
        whole.to_string()
    } else {
        format!("{whole}.{cents:02}")
    };
    let zero = amount.chars().all(|c| c == '0' || c == '.');
    let sign = if negative && !zero { "-" } else { "" };
    // Amounts are grouped from four digits on, unlike counts: 1,250.00 reads as money.
    let grouped = group_digits(&amount, group(lang));
    match lang {
        "en" => format!("{currency}\u{a0}{sign}{grouped}"),
        // The code follows the amount in Arabic, as in the other languages.
        "ar" => format!("{sign}{}\u{a0}{currency}", in_digits(lang, grouped, digits)),
        _ => format!("{sign}{}\u{a0}{currency}", grouped.replace('.', ",")),
    }
}

/// `digits` (`1234567.89`) with its whole part grouped by threes.
fn group_digits(digits: &str, sep: char) -> String {
    let (int, frac) = digits
        .split_once('.')
        .map_or((digits, None), |(i, f)| (i, Some(f)));
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
    out
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
    use super::*;

    #[test]
    fn portuguese_writes_a_decimal_comma_and_arabic_its_chosen_digits() {
        assert_eq!(fmt_num("pt", 12_345.5), "12\u{202f}345,5");
        assert_eq!(fmt_dec("pt", 0.25, 2), "0,25");
        let w = ArabicDigits::Western;
        let i = ArabicDigits::ArabicIndic;
        assert_eq!(fmt_num_in("ar", 1_234_567.25, w), "1,234,567.3");
        assert_eq!(fmt_num_in("ar", 1_234_567.25, i), "١٬٢٣٤٬٥٦٧٫٣");
        assert_eq!(fmt_dec_in("ar", -98_765.4, 0, i), "-٩٨٬٧٦٥");
        assert_eq!(fmt_dec_in("ar", 53.66, 1, w), "53.7");
        // Only Arabic changes its digits.
        assert_eq!(fmt_num_in("fr", 41.55, i), "41,6");
        let m = crate::values::Money::parse("1250000.5").unwrap();
        assert_eq!(fmt_money_in("ar", m, "MAD", w), "1,250,000.50\u{a0}MAD");
        assert_eq!(fmt_money_in("ar", m, "MAD", i), "١٬٢٥٠٬٠٠٠٫٥٠\u{a0}MAD");
        assert_eq!(
            fmt_money("pt", m, "AOA"),
            "1\u{202f}250\u{202f}000,50\u{a0}AOA"
        );
        assert_eq!(ArabicDigits::parse("arabic-indic"), Some(i));
        assert_eq!(ArabicDigits::parse("western"), Some(w));
        assert_eq!(ArabicDigits::parse("eastern"), None);
        assert_eq!(ArabicDigits::default(), w);
    }

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
    fn amounts_show_their_currency_and_its_decimals_in_the_languages_style() {
        use super::{currency_decimals, fmt_money};
        use crate::values::Money;
        let m = |s: &str| Money::parse(s).unwrap();
        assert_eq!(
            fmt_money("en", m("1250000.5"), "USD"),
            "USD\u{a0}1,250,000.50"
        );
        assert_eq!(
            fmt_money("fr", m("1250000.5"), "EUR"),
            "1\u{202f}250\u{202f}000,50\u{a0}EUR"
        );
        assert_eq!(
            fmt_money("es", m("1250"), "USD"),
            "1\u{202f}250,00\u{a0}USD"
        );
        assert_eq!(fmt_money("en", m("0"), "USD"), "USD\u{a0}0.00");
        // The CFA franc has no minor unit: rounded half away from zero.
        assert_eq!(currency_decimals("XOF"), 0);
        assert_eq!(
            fmt_money("fr", m("1999999.5"), "XOF"),
            "2\u{202f}000\u{202f}000\u{a0}XOF"
        );
        assert_eq!(fmt_money("en", m("999.49"), "XOF"), "XOF\u{a0}999");
        assert_eq!(fmt_money("en", m("-0.4"), "XOF"), "XOF\u{a0}0");
        assert_eq!(fmt_money("en", m("-12.5"), "USD"), "USD\u{a0}-12.50");
        // Beyond what a float holds exactly, still to the cent.
        assert_eq!(
            fmt_money("en", m("123456789012345678.91"), "USD"),
            "USD\u{a0}123,456,789,012,345,678.91"
        );
    }

    #[test]
    fn numbers_follow_the_language() {
        assert_eq!(fmt_num("en", 1234.0), "1234");
        assert_eq!(fmt_num("en", 1_234_567.25), "1,234,567.3");
        assert_eq!(fmt_num("fr", 12_345.5), "12\u{202f}345,5");
        assert_eq!(fmt_num("es", -98_765.0), "-98\u{202f}765");
    }
}
