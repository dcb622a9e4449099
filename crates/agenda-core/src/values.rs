//! Constrained values: each one is parsed once, at the edge, into a type that cannot hold an
//! invalid value. Every `parse` error is a short phrase saying what was expected, so that an
//! importer can print "row 14, column maturity: `5` — expected …".

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What a value should have looked like, as a key: an interface shows it in its own words
/// (translated by key), and its `Display` is the English phrase that follows "expected" in
/// import messages and API errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExpectedKind {
    /// Any value: the column is required.
    Required,
    /// A number: the column is required.
    NumberRequired,
    /// A finite decimal number.
    Number,
    /// A date shaped `YYYY-MM-DD`.
    Date,
    /// A date shaped right that is not a real day (`2026-02-30`).
    RealDate,
    /// A reporting period.
    Period,
    /// A percentage, 0–100.
    Percent,
    /// A whole number, 0 or more.
    Count,
    /// `yes` or `no`.
    YesNo,
    /// A GovStack maturity level, 1–4.
    Maturity,
    /// A priority, 1–3.
    Priority,
    /// A text with the country's default language (its tag, such as `fr`).
    DefaultLanguage(&'static str),
    /// A year.
    Year,
    /// A UN SDG target or indicator code.
    Sdg,
    /// A framework indicator, `<framework>:<code>`.
    FrameworkCode,
    /// A code (natural key).
    Code,
    /// A language tag.
    Lang,
    /// A name of letters, digits, `-` and `_`.
    Token,
    /// A web address (`https://…`).
    Link,
    /// A telephone number.
    Phone,
    /// An e-mail address.
    Email,
    /// Empty, or `dimension=value`.
    Disaggregation,
    /// An organisation, for a user with the entity role.
    EntityOrganisation,
    /// One of a closed list of names, given in order.
    OneOf(&'static [&'static str]),
    /// A yearly number of transactions as a GovStack workbook writes it.
    Transactions,
    /// A GovStack workbook's digitalisation level.
    DigitalisationLevel,
    /// A GovStack workbook's recipients (Individual, Business, Other government agency).
    WorkbookAudience,
    /// A GovStack workbook's channels.
    WorkbookChannels,
    /// A GovStack workbook's `Yes` or `No`.
    WorkbookYesNo,
    /// An amount of money, exact to the cent.
    Amount,
}

impl ExpectedKind {
    /// Every kind, with an example list for [`Self::OneOf`] (for checks that each kind is
    /// described in every language).
    pub const ALL: &'static [Self] = &[
        Self::Required,
        Self::NumberRequired,
        Self::Number,
        Self::Date,
        Self::RealDate,
        Self::Period,
        Self::Percent,
        Self::Count,
        Self::YesNo,
        Self::Maturity,
        Self::Priority,
        Self::DefaultLanguage("fr"),
        Self::Year,
        Self::Sdg,
        Self::FrameworkCode,
        Self::Code,
        Self::Lang,
        Self::Token,
        Self::Link,
        Self::Phone,
        Self::Email,
        Self::Disaggregation,
        Self::EntityOrganisation,
        Self::OneOf(&["monthly", "quarterly", "yearly"]),
        Self::Transactions,
        Self::DigitalisationLevel,
        Self::WorkbookAudience,
        Self::WorkbookChannels,
        Self::WorkbookYesNo,
        Self::Amount,
    ];

    /// The English phrase after "expected".
    pub fn phrase(self) -> std::borrow::Cow<'static, str> {
        use std::borrow::Cow::Borrowed;
        Borrowed(match self {
            Self::Required => "a value (this column is required)",
            Self::NumberRequired => "a number (this column is required)",
            Self::Number => "a number",
            Self::Date => "a date as YYYY-MM-DD",
            Self::RealDate => "a real calendar date as YYYY-MM-DD",
            Self::Period => "a period as YYYY, YYYY-Qn or YYYY-MM",
            Self::Percent => "a percentage from 0 to 100",
            Self::Count => "a whole number of 0 or more",
            Self::YesNo => "yes or no",
            Self::Maturity => "a GovStack maturity level from 1 to 4",
            Self::Priority => "a priority from 1 (highest) to 3",
            Self::DefaultLanguage(tag) => {
                return std::borrow::Cow::Owned(match crate::languages::english_name(tag) {
                    Some(name) => {
                        format!("a text in {name} ({tag}, the default language, is required)")
                    }
                    None => format!("a text in {tag} (the default language, is required)"),
                });
            }
            Self::Year => "a year such as 2026",
            Self::Sdg => "a UN SDG code such as 16.9 or 16.9.1",
            Self::FrameworkCode => {
                "a framework indicator as framework:code, such as wb-gtmi-2022:I-5"
            }
            Self::Code => "a code of letters, digits, '.', '-' or '_' (at most 64), e.g. AL-1.2",
            Self::Lang => "a language tag such as en, fr or zh-Hans",
            Self::Token => "a name of letters, digits, '-' or '_'",
            Self::Link => "a web address starting with https://",
            Self::Phone => {
                "a telephone number: digits, spaces, a leading + and - ( ) . (e.g. +999 20 100 100)"
            }
            Self::Email => "an e-mail address such as help@agency.gov.example",
            Self::Disaggregation => {
                "empty for the total, or dimension=value such as sex=female (several joined by ;, each dimension once)"
            }
            Self::EntityOrganisation => "an organisation for a user with the entity role",
            Self::OneOf(list) => {
                return std::borrow::Cow::Owned(format!("one of {}", list.join(", ")));
            }
            Self::Transactions => "a whole number of transactions per year, such as 1,102,000",
            Self::DigitalisationLevel => {
                "a digitalisation level: Level 1: Information Sheet, Level 2: Downloadable \
                 form, Level 3: Submit Webform or Level 4: 100% online"
            }
            Self::WorkbookAudience => {
                "Individual, Business or Other government agency (several separated by commas)"
            }
            Self::WorkbookChannels => "channels among Online, In person/Offline, Phone and Post",
            Self::WorkbookYesNo => "Yes or No",
            Self::Amount => {
                "an amount with at most two decimals and no thousands separators, such as 1250000.50"
            }
        })
    }
}

impl fmt::Display for ExpectedKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.phrase())
    }
}

/// What a value should have looked like; shown to the person who typed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("expected {kind}")]
pub struct Expected {
    /// What was expected, e.g. [`ExpectedKind::Date`].
    pub kind: ExpectedKind,
}

impl Expected {
    /// An error saying what was expected.
    pub const fn new(kind: ExpectedKind) -> Self {
        Self { kind }
    }

    /// The English phrase after "expected", e.g. "a date as YYYY-MM-DD".
    pub fn phrase(&self) -> String {
        self.kind.phrase().into_owned()
    }
}

/// Implements `Serialize`/`Deserialize` through the type's string form, so stored JSON and the
/// API can never carry a value that `parse` would reject.
macro_rules! string_serde {
    ($t:ty) => {
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                // Parsed from the borrowed text: no string is allocated on the way.
                struct V;
                impl serde::de::Visitor<'_> for V {
                    type Value = $t;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str(<$t>::DESCRIPTION)
                    }
                    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<$t, E> {
                        <$t>::parse(s).map_err(E::custom)
                    }
                }
                d.deserialize_str(V)
            }
        }
        impl utoipa::PartialSchema for $t {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .description(Some(<$t>::DESCRIPTION))
                    .into()
            }
        }
        impl utoipa::ToSchema for $t {}
    };
}

/// A stable natural key such as `AL-1.2`, `KPI-07`, `SVC-042`, `BB-ID` or `DI-ADDR`.
///
/// Codes appear in URLs, file names and imports, so they are limited to ASCII letters, digits,
/// `.`, `-` and `_`, start with a letter or digit, and are at most 64 characters long.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Code(String);

impl Code {
    const KIND: ExpectedKind = ExpectedKind::Code;
    const DESCRIPTION: &'static str =
        "a code of letters, digits, '.', '-' or '_' (at most 64), e.g. AL-1.2";

    /// Parses a code, trimming surrounding spaces.
    pub fn parse(s: &str) -> Result<Self, Expected> {
        let s = s.trim();
        let ok = !s.is_empty()
            && s.len() <= 64
            && s.starts_with(|c: char| c.is_ascii_alphanumeric())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(Expected::new(Self::KIND))
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Code {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
string_serde!(Code);

/// A calendar date, written ISO 8601 `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(chrono::NaiveDate);

impl Date {
    const KIND: ExpectedKind = ExpectedKind::Date;
    const DESCRIPTION: &'static str = "a date as YYYY-MM-DD";

    /// Parses exactly `YYYY-MM-DD` (a real calendar day).
    pub fn parse(s: &str) -> Result<Self, Expected> {
        let s = s.trim();
        let shape = s.len() == 10
            && s.bytes().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            });
        if !shape {
            return Err(Expected::new(Self::KIND));
        }
        chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(Self)
            .map_err(|_| Expected::new(ExpectedKind::RealDate))
    }

    /// A calendar date (for callers that read the clock: the core never does).
    pub fn from_naive(d: chrono::NaiveDate) -> Self {
        Self(d)
    }

    /// A date from its parts, if they form a real day.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Self> {
        chrono::NaiveDate::from_ymd_opt(year, month, day).map(Self)
    }

    /// The year.
    pub fn year(self) -> i32 {
        chrono::Datelike::year(&self.0)
    }

    /// The month, 1–12.
    pub fn month(self) -> u32 {
        chrono::Datelike::month(&self.0)
    }

    /// Days since 0001-01-01 (day 1), for interpolation and differences.
    pub fn day_number(self) -> i64 {
        i64::from(chrono::Datelike::num_days_from_ce(&self.0))
    }

    /// This date moved by a number of days (negative moves back); saturates at the calendar's ends.
    pub fn add_days(self, days: i64) -> Self {
        Self(
            self.0
                .checked_add_signed(chrono::TimeDelta::days(days))
                .unwrap_or(self.0),
        )
    }

    /// The same day `months` months earlier, clamped to the month's last day.
    pub fn months_before(self, months: u32) -> Self {
        Self(
            self.0
                .checked_sub_months(chrono::Months::new(months))
                .unwrap_or(self.0),
        )
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}
string_serde!(Date);

/// A reporting period: a year (`2025`), a quarter (`2026-Q3`) or a month (`2026-09`).
/// A period stands for its last day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Period {
    /// A calendar year.
    Year(i32),
    /// A quarter, 1–4.
    Quarter(i32, u8),
    /// A month, 1–12.
    Month(i32, u8),
}

impl Period {
    const KIND: ExpectedKind = ExpectedKind::Period;
    const DESCRIPTION: &'static str = "a period as YYYY, YYYY-Qn or YYYY-MM";

    /// Parses `YYYY`, `YYYY-Q1`…`YYYY-Q4` or `YYYY-01`…`YYYY-12`.
    pub fn parse(s: &str) -> Result<Self, Expected> {
        let s = s.trim();
        let err = || Expected::new(Self::KIND);
        let year = |y: &str| -> Result<i32, Expected> {
            if y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()) {
                y.parse().map_err(|_| err())
            } else {
                Err(err())
            }
        };
        match s.split_once('-') {
            None => Ok(Self::Year(year(s)?)),
            Some((y, rest)) => {
                let y = year(y)?;
                if let Some(q) = rest.strip_prefix('Q').or_else(|| rest.strip_prefix('q')) {
                    match q {
                        "1" | "2" | "3" | "4" => Ok(Self::Quarter(y, q.as_bytes()[0] - b'0')),
                        _ => Err(err()),
                    }
                } else if rest.len() == 2 && rest.bytes().all(|b| b.is_ascii_digit()) {
                    let m: u8 = rest.parse().map_err(|_| err())?;
                    if (1..=12).contains(&m) {
                        Ok(Self::Month(y, m))
                    } else {
                        Err(err())
                    }
                } else {
                    Err(err())
                }
            }
        }
    }

    /// The frequency this period belongs to.
    pub fn frequency(self) -> Frequency {
        match self {
            Self::Year(_) => Frequency::Yearly,
            Self::Quarter(..) => Frequency::Quarterly,
            Self::Month(..) => Frequency::Monthly,
        }
    }

    /// The year the period falls in.
    pub fn year(self) -> i32 {
        match self {
            Self::Year(y) | Self::Quarter(y, _) | Self::Month(y, _) => y,
        }
    }

    /// The last day of the period, which the period stands for.
    pub fn end(self) -> Date {
        let (y, last_month) = match self {
            Self::Year(y) => (y, 12),
            Self::Quarter(y, q) => (y, u32::from(q) * 3),
            Self::Month(y, m) => (y, u32::from(m)),
        };
        let first_of_next = if last_month == 12 {
            Date::from_ymd(y + 1, 1, 1)
        } else {
            Date::from_ymd(y, last_month + 1, 1)
        };
        first_of_next
            .map(|d| d.add_days(-1))
            .unwrap_or(Date(chrono::NaiveDate::MAX))
    }

    /// The period before this one, at the same frequency.
    pub fn previous(self) -> Self {
        match self {
            Self::Year(y) => Self::Year(y - 1),
            Self::Quarter(y, 1) => Self::Quarter(y - 1, 4),
            Self::Quarter(y, q) => Self::Quarter(y, q - 1),
            Self::Month(y, 1) => Self::Month(y - 1, 12),
            Self::Month(y, m) => Self::Month(y, m - 1),
        }
    }

    /// The latest period of `frequency` that has ended on or before `today`.
    pub fn last_ended(frequency: Frequency, today: Date) -> Self {
        let (y, m) = (today.year(), today.month() as u8);
        let current = match frequency {
            Frequency::Yearly => Self::Year(y),
            Frequency::Quarterly => Self::Quarter(y, (m - 1) / 3 + 1),
            Frequency::Monthly => Self::Month(y, m),
        };
        if current.end() <= today {
            current
        } else {
            current.previous()
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Year(y) => write!(f, "{y:04}"),
            Self::Quarter(y, q) => write!(f, "{y:04}-Q{q}"),
            Self::Month(y, m) => write!(f, "{y:04}-{m:02}"),
        }
    }
}
string_serde!(Period);

/// A percentage between 0 and 100 inclusive.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, utoipa::ToSchema)]
#[serde(into = "f64", try_from = "f64")]
#[schema(value_type = f64, minimum = 0, maximum = 100)]
pub struct Percent(f64);

impl Percent {
    /// A percentage if `v` is a finite number in 0–100.
    pub fn new(v: f64) -> Result<Self, Expected> {
        if v.is_finite() && (0.0..=100.0).contains(&v) {
            Ok(Self(v))
        } else {
            Err(Expected::new(ExpectedKind::Percent))
        }
    }

    /// Parses a number in 0–100.
    pub fn parse(s: &str) -> Result<Self, Expected> {
        Self::new(parse_number(s).map_err(|_| Expected::new(ExpectedKind::Percent))?)
    }

    /// The value, 0–100.
    pub fn value(self) -> f64 {
        self.0
    }
}

impl From<Percent> for f64 {
    fn from(p: Percent) -> f64 {
        p.0
    }
}

impl TryFrom<f64> for Percent {
    type Error = Expected;
    fn try_from(v: f64) -> Result<Self, Expected> {
        Self::new(v)
    }
}

impl<'de> Deserialize<'de> for Percent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Self::new(f64::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// An amount of money in the country's currency, exact to the cent: a whole number of
/// hundredths, so that sums are exact and an amount reads back from a file as it was written.
/// Written as a decimal with a `.` and only the decimals it needs (`1250000.5`); stored and
/// served as that text, since a JSON number would pass through floating point.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(i128);

impl Money {
    const DESCRIPTION: &'static str =
        "an amount with at most two decimals, written with a `.` (`1250000.5`)";

    /// Nothing.
    pub const ZERO: Self = Self(0);

    /// At most this many digits before the decimal point: far beyond any budget, and every
    /// sum of amounts stays exact.
    const MAX_DIGITS: usize = 18;

    /// The amount of `cents` hundredths.
    pub const fn from_cents(cents: i128) -> Self {
        Self(cents)
    }

    /// The amount in hundredths.
    pub const fn cents(self) -> i128 {
        self.0
    }

    /// Parses `1250000`, `1250000.5` or `-3.25`; decimals beyond the second must be zeros
    /// (`12.500`, as spreadsheets may write it). No thousands separators, no exponent: an
    /// amount is taken exactly as written or refused.
    pub fn parse(s: &str) -> Result<Self, Expected> {
        let bad = || Expected::new(ExpectedKind::Amount);
        let s = s.trim();
        let (negative, digits) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s.strip_prefix('+').unwrap_or(s)),
        };
        let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
        let all_digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty()
            || whole.len() > Self::MAX_DIGITS
            || !all_digits(whole)
            || !all_digits(frac)
            || (digits.contains('.') && frac.is_empty())
            || frac.bytes().skip(2).any(|b| b != b'0')
        {
            return Err(bad());
        }
        let whole: i128 = whole.parse().map_err(|_| bad())?;
        let mut cents = 0i128;
        for (i, b) in frac.bytes().take(2).enumerate() {
            cents += i128::from(b - b'0') * if i == 0 { 10 } else { 1 };
        }
        let v = whole * 100 + cents;
        Ok(Self(if negative { -v } else { v }))
    }

    /// The amount as a floating-point number, for proportions and charts (never for sums).
    pub fn as_f64(self) -> f64 {
        self.0 as f64 / 100.0
    }

    /// Whether it is below zero.
    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// The whole units and the hundredths, the sign apart.
    pub fn parts(self) -> (bool, u128, u8) {
        let a = self.0.unsigned_abs();
        (self.0 < 0, a / 100, (a % 100) as u8)
    }
}

impl std::ops::Add for Money {
    type Output = Self;
    fn add(self, o: Self) -> Self {
        Self(self.0 + o.0)
    }
}

impl std::ops::AddAssign for Money {
    fn add_assign(&mut self, o: Self) {
        self.0 += o.0;
    }
}

impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::ZERO, |a, b| a + b)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (negative, whole, cents) = self.parts();
        if negative {
            f.write_str("-")?;
        }
        match cents {
            0 => write!(f, "{whole}"),
            c if c % 10 == 0 => write!(f, "{whole}.{}", c / 10),
            c => write!(f, "{whole}.{c:02}"),
        }
    }
}

string_serde!(Money);

/// Parses a finite decimal number written with a `.` decimal point.
pub fn parse_number(s: &str) -> Result<f64, Expected> {
    let s = s.trim();
    let ok_chars = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'));
    match s.parse::<f64>() {
        Ok(v) if ok_chars && v.is_finite() => Ok(v),
        _ => Err(Expected::new(ExpectedKind::Number)),
    }
}

/// Parses a non-negative whole number.
pub fn parse_count(s: &str) -> Result<u64, Expected> {
    let s = s.trim();
    // Spreadsheets write whole numbers as `240000.0`; accept that, nothing fractional.
    let s = s.strip_suffix(".0").unwrap_or(s);
    s.parse::<u64>()
        .map_err(|_| Expected::new(ExpectedKind::Count))
}

/// Checks a web address people are sent to: `https://` and a host, no spaces — so that no
/// `javascript:` or plain `http:` link reaches a page.
pub fn parse_link(s: &str) -> Result<String, Expected> {
    let host = s
        .get(..8)
        .filter(|p| p.eq_ignore_ascii_case("https://"))
        .map(|_| &s[8..])
        .unwrap_or("");
    let ok = host.starts_with(|c: char| c.is_alphanumeric())
        && !s.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(s.to_owned())
    } else {
        Err(Expected::new(ExpectedKind::Link))
    }
}

/// Checks a telephone number as people write it (`+999 20 100 100`, `(020) 100-100`, `1500`):
/// 3 to 20 digits, with spaces, a leading `+` and `-` `(` `)` `.` between them.
pub fn parse_phone(s: &str) -> Result<String, Expected> {
    let s = s.trim();
    let digits = s.chars().filter(char::is_ascii_digit).count();
    let body = s.strip_prefix('+').unwrap_or(s);
    let ok = (3..=20).contains(&digits)
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')' | '.'));
    if ok {
        Ok(s.to_owned())
    } else {
        Err(Expected::new(ExpectedKind::Phone))
    }
}

/// The number to dial for a telephone number as written: its digits, after a `+` if it has one.
pub fn dial_number(phone: &str) -> String {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    if phone.trim_start().starts_with('+') {
        format!("+{digits}")
    } else {
        digits
    }
}

/// Checks an e-mail address: one `@`, something before it, a dotted domain after it, no
/// spaces or characters that would break a `mailto:` link.
pub fn parse_email(s: &str) -> Result<String, Expected> {
    let s = s.trim();
    let ok = match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s
                    .chars()
                    .any(|c| c.is_whitespace() || c.is_control() || "<>\"?#&,;:()[]\\".contains(c))
                && !domain.contains('@')
        }
        None => false,
    };
    if ok {
        Ok(s.to_owned())
    } else {
        Err(Expected::new(ExpectedKind::Email))
    }
}

/// Parses `yes`/`no` (also `true`/`false`, `1`/`0`).
pub fn parse_bool(s: &str) -> Result<bool, Expected> {
    match s.trim().to_ascii_lowercase().as_str() {
        "yes" | "true" | "1" | "y" => Ok(true),
        "no" | "false" | "0" | "n" => Ok(false),
        _ => Err(Expected::new(ExpectedKind::YesNo)),
    }
}

/// Defines a closed vocabulary: a `Copy` enum with its snake_case names, a `parse` that says
/// which names are allowed, `as_str`, `ALL`, string serde and an OpenAPI enum schema.
macro_rules! vocabulary {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $($(#[$vm])* $variant),+
        }

        impl $name {
            /// Every value, in order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The value's name as written in files and JSON.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text),+
                }
            }

            /// Parses a name (case-insensitive, spaces and dashes read as `_`).
            pub fn parse(s: &str) -> Result<Self, $crate::values::Expected> {
                let norm = s.trim().to_ascii_lowercase().replace([' ', '-'], "_");
                match norm.as_str() {
                    $($text => Ok(Self::$variant),)+
                    _ => Err($crate::values::Expected::new(
                        $crate::values::ExpectedKind::OneOf(&[$($text),+]),
                    )),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = std::borrow::Cow::<str>::deserialize(d)?;
                Self::parse(&s).map_err(serde::de::Error::custom)
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($text),+]))
                    .into()
            }
        }
        impl utoipa::ToSchema for $name {}
    };
}
pub(crate) use vocabulary;

vocabulary!(
    /// How often a KPI is measured; decides the shape of its observation periods.
    Frequency { Monthly = "monthly", Quarterly = "quarterly", Yearly = "yearly" }
);

/// A GovStack service maturity level: 1 Informative, 2 Downloadable forms, 3 Webform
/// submission, 4 100 % online.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, utoipa::ToSchema)]
#[serde(into = "u8")]
#[schema(value_type = u8, minimum = 1, maximum = 4)]
pub struct Maturity(u8);

impl Maturity {
    /// Parses 1–4 (also "Level 3: …" as written in GovStack's RFI workbook).
    pub fn parse(s: &str) -> Result<Self, Expected> {
        let s = s.trim();
        let digits = s.strip_prefix("Level ").unwrap_or(s);
        let digits = digits.split([':', ' ']).next().unwrap_or("");
        let digits = digits.strip_suffix(".0").unwrap_or(digits);
        match digits {
            "1" | "2" | "3" | "4" => Ok(Self(digits.as_bytes()[0] - b'0')),
            _ => Err(Expected::new(ExpectedKind::Maturity)),
        }
    }

    /// The level, 1–4.
    pub fn level(self) -> u8 {
        self.0
    }
}

impl From<Maturity> for u8 {
    fn from(m: Maturity) -> u8 {
        m.0
    }
}

impl<'de> Deserialize<'de> for Maturity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = u8::deserialize(d)?;
        Self::parse(&v.to_string()).map_err(serde::de::Error::custom)
    }
}

/// An action line's priority: 1 (highest) to 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, utoipa::ToSchema)]
#[serde(into = "u8")]
#[schema(value_type = u8, minimum = 1, maximum = 3)]
pub struct Priority(u8);

impl Priority {
    /// Parses 1, 2 or 3.
    pub fn parse(s: &str) -> Result<Self, Expected> {
        let s = s.trim();
        let s = s.strip_suffix(".0").unwrap_or(s);
        match s {
            "1" | "2" | "3" => Ok(Self(s.as_bytes()[0] - b'0')),
            _ => Err(Expected::new(ExpectedKind::Priority)),
        }
    }

    /// The priority, 1–3.
    pub fn value(self) -> u8 {
        self.0
    }
}

impl From<Priority> for u8 {
    fn from(p: Priority) -> u8 {
        p.0
    }
}

impl<'de> Deserialize<'de> for Priority {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = u8::deserialize(d)?;
        Self::parse(&v.to_string()).map_err(serde::de::Error::custom)
    }
}

/// A language tag such as `en`, `fr`, `es`, `nb_NO` or `zh-Hans`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Lang(String);

impl Lang {
    const KIND: ExpectedKind = ExpectedKind::Lang;
    const DESCRIPTION: &'static str = "a language tag such as en, fr or zh-Hans";

    /// Parses a short language tag.
    pub fn parse(s: &str) -> Result<Self, Expected> {
        let s = s.trim();
        let ok = (2..=12).contains(&s.len())
            && s.starts_with(|c: char| c.is_ascii_lowercase())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(Expected::new(Self::KIND))
        }
    }

    /// English.
    pub fn en() -> Self {
        Self("en".to_owned())
    }

    /// The tag as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
string_serde!(Lang);

/// Translatable text: language → text, with at least one language and no empty entries.
/// Which language a text must have (the country's default) is checked where the text is
/// written, never where it is read: stored data reads back whatever the configuration.
///
/// Kept as a slice sorted by language, exactly as long as it needs to be: a national catalogue
/// holds hundreds of thousands of texts, mostly of one or two languages, for which a map's
/// nodes would cost several times the text itself.
#[derive(Debug, Clone, PartialEq, Eq, utoipa::ToSchema)]
#[schema(value_type = BTreeMap<String, String>, example = json!({"en": "Digital identity", "fr": "Identité numérique"}))]
pub struct Text(Box<[(Lang, String)]>);

impl Text {
    /// Builds a text from translations; fails when no entry has text. Of two entries for one
    /// language the last is kept.
    pub fn new(entries: impl IntoIterator<Item = (Lang, String)>) -> Result<Self, Expected> {
        let map: BTreeMap<Lang, String> = entries
            .into_iter()
            .map(|(l, s)| (l, s.trim().to_owned()))
            .filter(|(_, s)| !s.is_empty())
            .collect();
        if map.is_empty() {
            Err(Expected::new(ExpectedKind::Required))
        } else {
            Ok(Self(map.into_iter().collect()))
        }
    }

    /// Builds a text that has the default language of `langs`, as every text written must.
    pub fn new_in(
        entries: impl IntoIterator<Item = (Lang, String)>,
        langs: &crate::languages::ContentLanguages,
    ) -> Result<Self, Expected> {
        match Self::new(entries) {
            Ok(t) if t.exact(langs.default_lang()).is_some() => Ok(t),
            _ => Err(langs.missing_default()),
        }
    }

    /// An English-only text.
    pub fn en(s: impl Into<String>) -> Result<Self, Expected> {
        Self::new([(Lang::en(), s.into())])
    }

    /// The text in `lang`, else along the process's fallback chain (see
    /// [`crate::languages::process_content`]), else in its first language.
    pub fn get(&self, lang: &str) -> &str {
        self.along(lang, crate::languages::process_content()).1
    }

    /// The text in `lang`, else along the chain of `langs`, else in its first language; with
    /// the language it is in.
    pub fn along<'a>(
        &'a self,
        lang: &str,
        langs: &crate::languages::ContentLanguages,
    ) -> (&'a Lang, &'a str) {
        langs
            .chain(lang)
            .into_iter()
            .find_map(|l| self.0.iter().find(|(x, _)| x.as_str() == l))
            .or_else(|| self.0.first())
            .map(|(l, s)| (l, s.as_str()))
            .unwrap_or_else(|| (empty_lang(), ""))
    }

    /// The text in `lang` or along the process's chain, with the language it is in.
    pub fn get_with_lang(&self, lang: &str) -> (&Lang, &str) {
        self.along(lang, crate::languages::process_content())
    }

    /// Whether the text has the default language of `langs`.
    pub fn has_default(&self, langs: &crate::languages::ContentLanguages) -> bool {
        self.exact(langs.default_lang()).is_some()
    }

    /// The text in exactly `lang`, if translated.
    pub fn exact(&self, lang: &Lang) -> Option<&str> {
        self.0
            .binary_search_by(|(l, _)| l.cmp(lang))
            .ok()
            .map(|i| self.0[i].1.as_str())
    }

    /// The languages this text is available in, in order.
    pub fn langs(&self) -> impl Iterator<Item = &Lang> {
        self.0.iter().map(|(l, _)| l)
    }
}

/// The language of no text, which a [`Text`] (never empty) does not return in practice.
fn empty_lang() -> &'static Lang {
    static EN: std::sync::OnceLock<Lang> = std::sync::OnceLock::new();
    EN.get_or_init(Lang::en)
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(l, t)| (l, t)))
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Read into the slice it is kept as, without a map in between.
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("texts by language")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<Text, A::Error> {
                let mut entries: Vec<(Lang, String)> =
                    Vec::with_capacity(m.size_hint().unwrap_or(1));
                while let Some((lang, text)) = m.next_entry::<Lang, String>()? {
                    let text = match text.trim() {
                        t if t.len() == text.len() => text,
                        t => t.to_owned(),
                    };
                    if text.is_empty() {
                        continue;
                    }
                    // Of two entries for one language the last is kept.
                    match entries.iter_mut().find(|(l, _)| *l == lang) {
                        Some(e) => e.1 = text,
                        None => entries.push((lang, text)),
                    }
                }
                entries.sort_by(|a, b| a.0.cmp(&b.0));
                // Any language reads back: which one is required is a rule for writing.
                if entries.is_empty() {
                    Err(serde::de::Error::custom(Expected::new(
                        ExpectedKind::Required,
                    )))
                } else {
                    Ok(Text(entries.into_boxed_slice()))
                }
            }
        }
        d.deserialize_map(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_accept_natural_keys_and_refuse_what_would_break_a_url() {
        for ok in [
            "AL-1.2", "KPI-07", "SVC-042", "BB-ID", "DI-ADDR", "P1", "NDA-2028",
        ] {
            assert_eq!(Code::parse(ok).unwrap().as_str(), ok);
        }
        for bad in ["", "-AL", "AL 1", "AL/1", "é", &"A".repeat(65)] {
            assert!(Code::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn dates_must_be_iso_and_real() {
        assert_eq!(Date::parse("2026-02-28").unwrap().to_string(), "2026-02-28");
        assert!(Date::parse("2026-02-30").is_err());
        assert!(Date::parse("28/02/2026").is_err());
        assert!(Date::parse("2026-2-28").is_err());
    }

    #[test]
    fn periods_round_trip_and_stand_for_their_last_day() {
        for (s, end) in [
            ("2026-Q3", "2026-09-30"),
            ("2026-02", "2026-02-28"),
            ("2024-02", "2024-02-29"),
            ("2025", "2025-12-31"),
            ("2026-Q4", "2026-12-31"),
        ] {
            let p = Period::parse(s).unwrap();
            assert_eq!(p.to_string(), s);
            assert_eq!(p.end().to_string(), end);
        }
        for bad in ["2026-Q5", "2026-13", "26-Q1", "2026-Q", "2026-1"] {
            assert!(Period::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn last_ended_period_is_the_latest_complete_one() {
        let today = Date::parse("2026-11-26").unwrap();
        assert_eq!(
            Period::last_ended(Frequency::Quarterly, today).to_string(),
            "2026-Q3"
        );
        assert_eq!(
            Period::last_ended(Frequency::Monthly, today).to_string(),
            "2026-10"
        );
        assert_eq!(
            Period::last_ended(Frequency::Yearly, today).to_string(),
            "2025"
        );
        let eoq = Date::parse("2026-09-30").unwrap();
        assert_eq!(
            Period::last_ended(Frequency::Quarterly, eoq).to_string(),
            "2026-Q3"
        );
    }

    #[test]
    fn bounded_numbers_refuse_values_out_of_range() {
        assert!(Percent::parse("100").is_ok());
        assert!(Percent::parse("100.1").is_err());
        assert!(Percent::parse("-1").is_err());
        assert!(Percent::parse("NaN").is_err());
        assert_eq!(Maturity::parse("Level 4: 100% online").unwrap().level(), 4);
        assert!(Maturity::parse("5").is_err());
        assert!(Priority::parse("0").is_err());
        assert_eq!(parse_count("240000").unwrap(), 240_000);
        assert!(parse_count("-3").is_err());
        assert!(parse_number("1,5").is_err());
    }

    #[test]
    fn text_requires_the_default_language_when_written_and_falls_back_along_the_chain() {
        use crate::languages::ContentLanguages;
        let fr = || Lang::parse("fr").unwrap();
        let t = Text::new([(fr(), "Bonjour".into()), (Lang::en(), "Hello".into())]).unwrap();
        let en_default = ContentLanguages::default();
        let fr_default = ContentLanguages::only(fr());
        assert_eq!(t.along("fr", &en_default).1, "Bonjour");
        assert_eq!(t.along("es", &en_default), (&Lang::en(), "Hello"));
        assert_eq!(t.along("es", &fr_default), (&fr(), "Bonjour"));
        // A text without the chain's languages is shown in its own.
        let french_only = Text::new([(fr(), "Bonjour".into())]).unwrap();
        assert_eq!(french_only.along("es", &en_default), (&fr(), "Bonjour"));
        assert_eq!(french_only.get("en"), "Bonjour");
        assert_eq!(
            Text::new_in([(fr(), "Bonjour".into())], &en_default)
                .unwrap_err()
                .kind,
            ExpectedKind::DefaultLanguage("en")
        );
        assert!(Text::new_in([(fr(), "Bonjour".into())], &fr_default).is_ok());
        assert!(Text::en("   ").is_err());
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(json, r#"{"en":"Hello","fr":"Bonjour"}"#);
        // Stored text reads back in any language, whatever the configuration.
        assert_eq!(
            serde_json::from_str::<Text>(r#"{"fr":"Bonjour"}"#).unwrap(),
            french_only
        );
        assert!(serde_json::from_str::<Text>(r#"{"fr":" "}"#).is_err());
        // Stored in language order whatever the order given; exact lookups by language.
        let back: Text = serde_json::from_str(r#"{"fr":"Bonjour","en":"Hello"}"#).unwrap();
        assert_eq!(back, t);
        assert_eq!(back.exact(&Lang::parse("fr").unwrap()), Some("Bonjour"));
        assert_eq!(back.exact(&Lang::parse("es").unwrap()), None);
        assert_eq!(
            back.langs().map(Lang::as_str).collect::<Vec<_>>(),
            ["en", "fr"]
        );
    }

    #[test]
    fn each_kind_keeps_the_phrase_of_its_value_type() {
        // The phrases are the words of import messages and API errors, which stay as they are.
        for (kind, desc) in [
            (ExpectedKind::Code, Code::DESCRIPTION),
            (ExpectedKind::Date, Date::DESCRIPTION),
            (ExpectedKind::Period, Period::DESCRIPTION),
            (ExpectedKind::Lang, Lang::DESCRIPTION),
        ] {
            assert_eq!(kind.phrase(), desc);
        }
        assert_eq!(
            Date::parse("2026-02-30").unwrap_err().kind,
            ExpectedKind::RealDate
        );
        assert_eq!(parse_count("x").unwrap_err().kind, ExpectedKind::Count);
    }

    #[test]
    fn vocabularies_name_the_allowed_values() {
        let err = Frequency::parse("weekly").unwrap_err();
        assert_eq!(
            err.kind,
            ExpectedKind::OneOf(&["monthly", "quarterly", "yearly"])
        );
        assert_eq!(err.phrase(), "one of monthly, quarterly, yearly");
        assert_eq!(
            err.to_string(),
            "expected one of monthly, quarterly, yearly"
        );
        assert_eq!(Frequency::parse("Quarterly").unwrap(), Frequency::Quarterly);
    }

    #[test]
    fn amounts_are_exact_to_the_cent_and_read_back_as_written() {
        for (text, cents, shown) in [
            ("0", 0, "0"),
            ("1250000", 125_000_000, "1250000"),
            ("1250000.5", 125_000_050, "1250000.5"),
            ("1250000.50", 125_000_050, "1250000.5"),
            ("1250000.500", 125_000_050, "1250000.5"),
            ("0.07", 7, "0.07"),
            (" 12.34 ", 1234, "12.34"),
            ("+3", 300, "3"),
            ("-3.25", -325, "-3.25"),
            (
                "999999999999999999.99",
                99_999_999_999_999_999_999,
                "999999999999999999.99",
            ),
        ] {
            let m = Money::parse(text).unwrap();
            assert_eq!(m.cents(), cents, "{text:?}");
            assert_eq!(m.to_string(), shown, "{text:?}");
            assert_eq!(Money::parse(&m.to_string()).unwrap(), m);
        }
        for bad in [
            "",
            "-",
            ".5",
            "5.",
            "1,250,000",
            "1 250",
            "1.25E6",
            "12.345",
            "0.001",
            "abc",
            "1e3",
            "NaN",
            &"9".repeat(19),
        ] {
            assert_eq!(
                Money::parse(bad).unwrap_err().kind,
                ExpectedKind::Amount,
                "{bad:?} should be refused"
            );
        }
        // Sums are exact where floating point is not: 0.1 + 0.2.
        let sum: Money = ["0.1", "0.2"]
            .iter()
            .map(|s| Money::parse(s).unwrap())
            .sum();
        assert_eq!(sum, Money::parse("0.3").unwrap());
        assert_eq!(
            serde_json::to_string(&Money::parse("10.05").unwrap()).unwrap(),
            "\"10.05\""
        );
        assert_eq!(
            serde_json::from_str::<Money>("\"10.05\"").unwrap().cents(),
            1005
        );
    }
}
