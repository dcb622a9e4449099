//! What a roadmap's "Required Resources" cell says, read the way people write money: "EUR
//! 45.000", "€45,000", "200k", "1.2M USD", "45 000 XOF", "USD 45k World Bank TA", "in-kind",
//! "TBD", "2 FTE + 10k".

use std::fmt;

use super::names::development_partner;

/// What kind of resource a cell asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceKind {
    /// Money: [`Resources::amount`] holds how much.
    Amount,
    /// Staff time or other contributions in kind, no money.
    InKind,
    /// Not decided yet ("TBD", "to be confirmed").
    ToBeDecided,
    /// Nothing is needed ("n/a", "none", "-").
    NotNeeded,
    /// Words that name no amount ("Grant", "service contract"): only the written form.
    Other,
}

impl fmt::Display for ResourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Amount => "amount",
            Self::InKind => "in kind",
            Self::ToBeDecided => "to be decided",
            Self::NotNeeded => "none needed",
            Self::Other => "no amount",
        })
    }
}

/// A "Required Resources" cell read.
#[derive(Debug, Clone, PartialEq)]
pub struct Resources {
    /// The cell as written (whitespace collapsed).
    pub written: String,
    /// The money asked for, in units of [`Resources::currency`]: the sum of the amounts of
    /// the cell ("10k + 5k"), counts of staff, days or months left out ("2 FTE + 10k" asks
    /// 10,000). `None` when the cell names no money, or amounts in different currencies.
    pub amount: Option<f64>,
    /// ISO 4217 code of the currency written in the cell; `None` when the cell names none
    /// (the platform's currency is meant) or one that is not a single currency ("FCFA").
    pub currency: Option<String>,
    /// What the cell asks for.
    pub kind: ResourceKind,
    /// The development partner the cell names as the source ("World Bank").
    pub partner: Option<String>,
}

/// Currency symbols and words, lower case, and the ISO 4217 code each stands for. `$` is the
/// US dollar, as development budgets write it.
const CURRENCY_WORDS: &[(&str, &str)] = &[
    ("€", "EUR"),
    ("eur", "EUR"),
    ("euro", "EUR"),
    ("euros", "EUR"),
    ("us$", "USD"),
    ("$", "USD"),
    ("usd", "USD"),
    ("dollar", "USD"),
    ("dollars", "USD"),
    ("£", "GBP"),
    ("gbp", "GBP"),
    ("pounds", "GBP"),
    ("¥", "JPY"),
    ("₦", "NGN"),
    ("naira", "NGN"),
    ("₹", "INR"),
    ("₵", "GHS"),
    ("cedis", "GHS"),
    ("₱", "PHP"),
    ("₩", "KRW"),
    ("r$", "BRL"),
    ("chf", "CHF"),
    ("shillings", ""),
    ("fcfa", ""),
    ("cfa", ""),
];

/// ISO 4217 codes, read when written in capitals ("45 000 XOF").
const ISO_4217: &[&str] = &[
    "AED", "AFN", "ALL", "AMD", "AOA", "ARS", "AUD", "AZN", "BAM", "BDT", "BGN", "BHD", "BIF",
    "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF", "CLP", "CNY",
    "COP", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR",
    "FJD", "GBP", "GEL", "GHS", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR",
    "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KRW",
    "KWD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK",
    "MNT", "MRU", "MUR", "MVR", "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR",
    "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB",
    "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SLE", "SOS", "SRD", "SSP", "STN", "SYP",
    "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD",
    "UYU", "UZS", "VES", "VND", "VUV", "WST", "XAF", "XCD", "XOF", "XPF", "YER", "ZAR", "ZMW",
    "ZWL",
];

/// Words after a number that make it a count, not money ("2 FTE", "500 consultancy days").
const NOT_MONEY: &[&str] = &[
    "fte",
    "ftes",
    "staff",
    "person",
    "persons",
    "people",
    "pax",
    "day",
    "days",
    "d",
    "month",
    "months",
    "week",
    "weeks",
    "year",
    "years",
    "yr",
    "yrs",
    "hour",
    "hours",
    "h",
    "hrs",
    "expert",
    "experts",
    "consultant",
    "consultants",
    "trainings",
    "training",
    "modules",
    "workshops",
    "workshop",
    "sessions",
    "participants",
    "laptops",
    "%",
    "x",
    "st",
    "nd",
    "rd",
    "th",
    "phase",
    "pm",
    "am",
];

/// Multipliers written after a number.
const MULTIPLIERS: &[(&str, f64)] = &[
    ("k", 1e3),
    ("thousand", 1e3),
    ("m", 1e6),
    ("mn", 1e6),
    ("mio", 1e6),
    ("million", 1e6),
    ("millions", 1e6),
    ("bn", 1e9),
    ("billion", 1e9),
];

const TO_BE_DECIDED: &[&str] = &[
    "tbd",
    "tbc",
    "tba",
    "to be determined",
    "to be decided",
    "to be defined",
    "to be confirmed",
    "to be estimated",
    "unknown",
    "?",
];

const NOT_NEEDED: &[&str] = &[
    "n/a",
    "na",
    "n.a",
    "none",
    "nil",
    "-",
    "–",
    "—",
    "not applicable",
    "no cost",
    "no costs",
    "not needed",
    "0",
];

/// Words of contributions in kind.
const IN_KIND: &[&str] = &[
    "in-kind",
    "inkind",
    "staff",
    "fte",
    "ftes",
    "secondment",
    "volunteer",
    "volunteers",
];

/// Phrases of contributions in kind.
const IN_KIND_PHRASES: &[&str] = &["in kind", "own resources", "existing resources"];

/// Words that say money is involved though no amount is written.
const MONEY_WORDS: &[&str] = &[
    "contract",
    "grant",
    "fund",
    "budget",
    "procure",
    "consultan",
    "loan",
    "cost",
];

/// One number of the text and what surrounds it.
struct Number {
    value: f64,
    /// A multiplier (k, M) was written after it.
    scaled: bool,
    /// The currency written right before or after it: `Some("")` for one that is no single
    /// ISO currency.
    currency: Option<&'static str>,
    /// Counts people, days or months.
    count: bool,
    /// Looks like a year (2022) standing alone.
    year: bool,
}

/// Reads a number's digits and separators: "45.000" and "45,000" (three digits after one
/// separator) are forty-five thousand, "1.5" and "1,5" one and a half; with both separators
/// the last one is the decimal mark ("1.234,56", "1,234.56"); spaces and `'` group thousands.
fn number_value(raw: &str) -> Option<f64> {
    let s: String = raw
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\''))
        .collect();
    let dots = s.matches('.').count();
    let commas = s.matches(',').count();
    let plain = if dots > 0 && commas > 0 {
        let decimal = if s.rfind('.') > s.rfind(',') {
            '.'
        } else {
            ','
        };
        let thousands = if decimal == '.' { ',' } else { '.' };
        s.replace(thousands, "").replace(decimal, ".")
    } else if dots + commas == 0 {
        s
    } else {
        let sep = if dots > 0 { '.' } else { ',' };
        let (int, frac) = s.rsplit_once(sep)?;
        if dots + commas > 1 || (frac.len() == 3 && int != "0") {
            s.replace(sep, "")
        } else {
            format!("{int}.{frac}")
        }
    };
    plain.parse().ok()
}

fn currency_word(w: &str) -> Option<&'static str> {
    let lower = w.to_lowercase();
    if let Some((_, c)) = CURRENCY_WORDS.iter().find(|(x, _)| *x == lower) {
        return Some(c);
    }
    // A code counts only in capitals: "ALL", "TOP" and "CUP" are words too.
    ISO_4217.iter().find(|c| **c == w).copied()
}

/// Splits the text into words, symbols and numbers: "€45,000" is `€`, `45,000`; "1.2M" is
/// `1.2`, `M`; "45 000 XOF" is `45 000`, `XOF`.
fn tokens(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() {
                let d = chars[i];
                let next_digit = chars.get(i + 1).is_some_and(char::is_ascii_digit);
                if d.is_ascii_digit() || (matches!(d, '.' | ',' | '\'') && next_digit) {
                    i += 1;
                } else if matches!(d, ' ' | '\u{a0}' | '\u{202f}')
                    && chars.get(i + 1..i + 4).is_some_and(|g| {
                        g.iter().all(char::is_ascii_digit)
                            && !chars.get(i + 4).is_some_and(char::is_ascii_digit)
                    })
                {
                    // "45 000": a space grouping thousands.
                    i += 1;
                } else {
                    break;
                }
            }
            out.push(chars[start..i].iter().collect());
        } else if c.is_alphabetic() {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphabetic() || (chars[i] == '-' && i > start) || chars[i] == '$')
            {
                i += 1;
            }
            out.push(chars[start..i].iter().collect::<String>());
        } else {
            // "US$" and "R$" stay one token; other symbols stand alone.
            out.push(c.to_string());
            i += 1;
        }
    }
    out
}

fn numbers(text: &str) -> Vec<Number> {
    let t = tokens(text);
    let mut out = Vec::new();
    for (i, tok) in t.iter().enumerate() {
        if !tok.starts_with(|c: char| c.is_ascii_digit()) {
            continue;
        }
        let Some(mut value) = number_value(tok) else {
            continue;
        };
        let mut after = i + 1;
        let mut scaled = false;
        if let Some(next) = t.get(after)
            && let Some((_, m)) = MULTIPLIERS
                .iter()
                .find(|(w, _)| next.eq_ignore_ascii_case(w))
        {
            value *= m;
            scaled = true;
            after += 1;
            // "1,5 Mio. EUR"
            if t.get(after).is_some_and(|x| x == ".") {
                after += 1;
            }
        }
        let before = i.checked_sub(1).and_then(|b| t.get(b));
        let currency = before
            .and_then(|b| currency_word(b))
            .or_else(|| t.get(after).and_then(|a| currency_word(a)));
        let count = !scaled
            && currency.is_none()
            && t.get(after)
                .iter()
                .chain(t.get(after + 1).iter())
                .any(|w| NOT_MONEY.contains(&w.to_lowercase().as_str()));
        let year = !scaled
            && currency.is_none()
            && tok.len() == 4
            && tok.chars().all(|c| c.is_ascii_digit())
            && (1990.0..=2100.0).contains(&value);
        out.push(Number {
            value,
            scaled,
            currency,
            count,
            year,
        });
    }
    out
}

/// Reads a "Required Resources" cell.
pub fn resources(text: &str) -> Resources {
    let written = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let lower = written.to_lowercase();
    let bare = lower.trim_end_matches('.').trim();
    let partner = development_partner(&written).map(str::to_owned);
    let mut r = Resources {
        written: written.clone(),
        amount: None,
        currency: None,
        kind: ResourceKind::Other,
        partner,
    };
    let all = numbers(&written);
    let alone = all.len() == 1
        && written
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | ' ' | '\''));
    // Money: a number with a currency or a multiplier, any number of four digits or more that
    // counts nothing, or a cell that is a number alone.
    let money: Vec<&Number> = all
        .iter()
        .filter(|n| {
            !n.count
                && !n.year
                && (n.currency.is_some() || n.scaled || n.value >= 1000.0 || alone)
                && n.value > 0.0
        })
        .collect();
    if !money.is_empty() {
        let named: Vec<&str> = money.iter().filter_map(|n| n.currency).collect();
        let one = named.first().copied();
        r.kind = ResourceKind::Amount;
        if named.iter().all(|c| Some(*c) == one) {
            let sum: f64 = money.iter().map(|n| n.value).sum();
            // To the cent: "1.2M" is 1,200,000, not a float's neighbour of it.
            r.amount = Some((sum * 100.0).round() / 100.0);
            r.currency = one.filter(|c| !c.is_empty()).map(str::to_owned);
        }
        return r;
    }
    let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    let words: Vec<String> = tokens(&lower);
    let in_kind = words.iter().any(|w| IN_KIND.contains(&w.as_str())) || has(IN_KIND_PHRASES);
    r.kind = if TO_BE_DECIDED.contains(&bare)
        || bare.starts_with("tbd")
        || bare.starts_with("(tbd")
        || bare.starts_with("tbc")
        || bare.starts_with("to be ")
    {
        ResourceKind::ToBeDecided
    } else if NOT_NEEDED.contains(&bare) {
        ResourceKind::NotNeeded
    } else if in_kind && !has(MONEY_WORDS) {
        ResourceKind::InKind
    } else {
        ResourceKind::Other
    };
    r
}

impl fmt::Display for Resources {
    /// "EUR 45.000" → `"EUR 45.000": 45000 EUR`; the partner and kind when the cell says them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: ", self.written)?;
        match (self.amount, &self.currency) {
            (Some(a), Some(c)) => write!(f, "{} {c}", agenda_core::numbers::fmt_num("en", a))?,
            (Some(a), None) => write!(
                f,
                "{} (no currency written)",
                agenda_core::numbers::fmt_num("en", a)
            )?,
            (None, _) if self.kind == ResourceKind::Amount => {
                f.write_str("amounts in different currencies")?;
            }
            (None, _) => write!(f, "{}", self.kind)?,
        }
        if let Some(p) = &self.partner {
            write!(f, ", partner {p}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(s: &str) -> (Option<f64>, Option<String>, ResourceKind, Option<String>) {
        let r = resources(s);
        (r.amount, r.currency, r.kind, r.partner)
    }

    fn money(s: &str) -> (Option<f64>, Option<String>) {
        let r = resources(s);
        assert_eq!(r.kind, ResourceKind::Amount, "{s}");
        (r.amount, r.currency)
    }

    fn c(code: &str) -> Option<String> {
        Some(code.to_owned())
    }

    #[test]
    fn amounts_are_read_in_european_and_english_styles() {
        assert_eq!(money("EUR 45.000"), (Some(45_000.0), c("EUR")));
        assert_eq!(money("€45,000"), (Some(45_000.0), c("EUR")));
        assert_eq!(money("45,000 €"), (Some(45_000.0), c("EUR")));
        assert_eq!(money("200k"), (Some(200_000.0), None));
        assert_eq!(money("200 K"), (Some(200_000.0), None));
        assert_eq!(money("1.2M USD"), (Some(1_200_000.0), c("USD")));
        assert_eq!(money("1.5M"), (Some(1_500_000.0), None));
        assert_eq!(money("1,5 Mio. EUR"), (Some(1_500_000.0), c("EUR")));
        assert_eq!(money("USD 2.5 million"), (Some(2_500_000.0), c("USD")));
        assert_eq!(money("45 000 XOF"), (Some(45_000.0), c("XOF")));
        assert_eq!(money("1 250 000 KES"), (Some(1_250_000.0), c("KES")));
        assert_eq!(money("1.234.567,89 EUR"), (Some(1_234_567.89), c("EUR")));
        assert_eq!(money("USD 1,234,567.89"), (Some(1_234_567.89), c("USD")));
        assert_eq!(money("CHF 45'000"), (Some(45_000.0), c("CHF")));
        assert_eq!(money("US$ 30,000"), (Some(30_000.0), c("USD")));
        assert_eq!(money("$30k"), (Some(30_000.0), c("USD")));
        assert_eq!(money("£12,500"), (Some(12_500.0), c("GBP")));
        assert_eq!(money("45000"), (Some(45_000.0), None));
        assert_eq!(money("1.5"), (Some(1.5), None));
        assert_eq!(money("usd45k"), (Some(45_000.0), c("USD")));
        assert_eq!(money("EUR 0.5M"), (Some(500_000.0), c("EUR")));
        // FCFA is two currencies (XOF, XAF): the amount is kept, the currency left to the
        // platform's setting.
        assert_eq!(money("45 000 FCFA"), (Some(45_000.0), None));
    }

    #[test]
    fn the_partner_and_the_counts_beside_an_amount_are_told_apart() {
        assert_eq!(
            read("USD 45k World Bank TA"),
            (
                Some(45_000.0),
                Some("USD".into()),
                ResourceKind::Amount,
                Some("World Bank".into())
            )
        );
        assert_eq!(
            read("2 FTE + 10k"),
            (Some(10_000.0), None, ResourceKind::Amount, None)
        );
        assert_eq!(
            read("EUR 10k + EUR 5k (GIZ)"),
            (
                Some(15_000.0),
                Some("EUR".into()),
                ResourceKind::Amount,
                Some("GIZ".into())
            )
        );
        assert_eq!(money("10k + 5k"), (Some(15_000.0), None));
        assert_eq!(money("EUR 10k + 5k"), (Some(15_000.0), c("EUR")));
        // Two currencies are not added up: the written form stays.
        assert_eq!(
            read("EUR 10k and USD 5k"),
            (None, None, ResourceKind::Amount, None)
        );
        assert_eq!(
            read("500 consultancy days"),
            (None, None, ResourceKind::Other, None)
        );
        assert_eq!(
            read("3 experts for 6 months, 2022 budget EUR 20,000"),
            (
                Some(20_000.0),
                Some("EUR".into()),
                ResourceKind::Amount,
                None
            )
        );
        assert_eq!(read("Phase 2 grant").0, None);
    }

    #[test]
    fn words_without_an_amount_say_what_kind_of_resource_it_is() {
        let kind = |s: &str| {
            let r = resources(s);
            assert_eq!(r.amount, None, "{s}");
            r.kind
        };
        for s in [
            "in-kind",
            "In kind",
            "Staff",
            "staff time",
            "2 FTE",
            "own resources",
        ] {
            assert_eq!(kind(s), ResourceKind::InKind, "{s}");
        }
        for s in [
            "TBD",
            "tbc",
            "(TBD on proposal dev.)",
            "To be confirmed",
            "?",
        ] {
            assert_eq!(kind(s), ResourceKind::ToBeDecided, "{s}");
        }
        for s in ["n/a", "N/A", "none", "-", "Not applicable"] {
            assert_eq!(kind(s), ResourceKind::NotNeeded, "{s}");
        }
        for s in ["Grant", "staff/service contract", "service contract"] {
            assert_eq!(kind(s), ResourceKind::Other, "{s}");
        }
        assert_eq!(
            resources(" Grant  (EU) ").partner.as_deref(),
            Some("European Union")
        );
        assert_eq!(resources(" Grant  (EU) ").written, "Grant (EU)");
    }

    #[test]
    fn the_report_line_says_what_was_read() {
        assert_eq!(
            resources("USD 45k World Bank TA").to_string(),
            "\"USD 45k World Bank TA\": 45,000 USD, partner World Bank"
        );
        assert_eq!(
            resources("200k").to_string(),
            "\"200k\": 200,000 (no currency written)"
        );
        assert_eq!(resources("TBD").to_string(), "\"TBD\": to be decided");
    }
}
