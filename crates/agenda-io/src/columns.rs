//! The column spec of the native format: for each table, its columns in order, each with its
//! name, whether it is required, the kind of value it holds, whether it is a list, translatable
//! (one column per language) or written on several lines, what it means, and how it is read
//! into its record and written from it. Import, export, the record forms and the tables of
//! `docs/data-format.md` all come from here, so a column is added in one place: its line in
//! [`records`] (plus the struct field it fills, which the compiler then asks for).

pub mod docs;
mod records;

use std::collections::BTreeSet;
use std::marker::PhantomData;

use agenda_core::growth::ProgressMeasure;
use agenda_core::*;

use crate::native::{Item, Row, code, framework_code, link, sdg_code, token, year};
use crate::table::{Cell, OutTable};

pub use records::KpiTarget;

/// The kind of value a column holds.
#[derive(Debug, Clone, Copy)]
pub enum Value {
    /// The record's own code (its key, or part of it).
    Key,
    /// The code of a record of this kind.
    Reference(Kind),
    /// The code of a record of the kind named in the row's kind column (`subject_kind`,
    /// `changed_kind`).
    Subject,
    /// A calendar day, `YYYY-MM-DD`.
    Date,
    /// A year, quarter or month: `2026`, `2026-Q3`, `2026-09`.
    Period,
    /// A year, `2026`.
    Year,
    /// Any number.
    Number,
    /// A whole number, 0 or more.
    WholeNumber,
    /// A percentage, 0 to 100.
    Percent,
    /// An amount of money, exact to the cent (`1250000.5`).
    Amount,
    /// A whole number from `min` to `max` (maturity levels, priorities).
    Level {
        /// What the levels measure (`maturity`, `priority`), for an interface's words.
        name: &'static str,
        /// Lowest value.
        min: u8,
        /// Highest value.
        max: u8,
    },
    /// One of a closed list of names, those of a vocabulary of agenda-core.
    Vocabulary {
        /// The vocabulary's name (`org_kind`, `channel` …), for an interface's words.
        name: &'static str,
        /// Its names, in order.
        values: fn() -> Vec<&'static str>,
    },
    /// `yes` or `no`.
    Bool,
    /// Free text.
    Text,
    /// A web address, `https://…`.
    Link,
    /// A telephone number.
    Phone,
    /// An e-mail address.
    Email,
    /// A UN SDG target or indicator code (`16.9`, `9.c.1`).
    SdgCode,
    /// An indicator of another framework, `<framework>:<code>` (`wb-gtmi-2022:I-5`).
    FrameworkCode,
    /// A name of letters, digits, `-` and `_` (read lower-cased).
    Token,
    /// `dimension=value`, e.g. `sex=female`.
    Disaggregation,
}

/// One column of a table.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// Its name; for a translatable column the field name, written `<name>_<lang>`.
    pub name: &'static str,
    /// Whether every row must have a value (and the header row the column).
    pub required: bool,
    /// What it holds.
    pub value: Value,
    /// Whether the cell holds a `;`-separated list of such values.
    pub list: bool,
    /// Whether it holds a text per language, one column each (`title_en`, `title_fr` …).
    pub translatable: bool,
    /// Whether the text is written on several lines.
    pub multiline: bool,
    /// Whether export writes it (`false`: a shorthand only read on import).
    pub written: bool,
    /// What it means, beyond its type.
    pub doc: &'static str,
    en: &'static str,
}

impl Column {
    pub(crate) const fn new<C: Codec>(
        name: &'static str,
        en: &'static str,
        refers: Option<Kind>,
        multiline: bool,
        written: bool,
        doc: &'static str,
    ) -> Self {
        let value = match (C::VALUE, refers) {
            (Value::Key, Some(k)) => Value::Reference(k),
            (v, _) => v,
        };
        Self {
            name,
            required: C::REQUIRED,
            value,
            list: C::LIST,
            translatable: C::TRANSLATABLE,
            multiline,
            written,
            doc,
            en,
        }
    }

    /// The header that must be present when the column is required: `title_en` for a
    /// translatable column (a bare `title` also satisfies it), else the name.
    pub fn header(&self) -> &'static str {
        if self.translatable {
            self.en
        } else {
            self.name
        }
    }

    /// The allowed values of a vocabulary or level column (empty for others).
    pub fn allowed(&self) -> Vec<&'static str> {
        const LEVELS: [&str; 9] = ["1", "2", "3", "4", "5", "6", "7", "8", "9"];
        match self.value {
            Value::Vocabulary { values, .. } => values(),
            Value::Level { min, max, .. } => {
                LEVELS[usize::from(min.max(1)) - 1..usize::from(max.min(9))].to_vec()
            }
            Value::Bool => vec!["yes", "no"],
            _ => Vec::new(),
        }
    }
}

/// One table of the native format.
#[derive(Clone, Copy)]
pub struct Table {
    /// Its name: the CSV file name without `.csv`, and the sheet name.
    pub name: &'static str,
    /// The kind of record a row holds (`None` for `kpi_targets`, rows of a KPI's targets).
    pub kind: Option<Kind>,
    /// Its columns, in the order they are written.
    pub columns: &'static [Column],
    pub(crate) read: fn(&mut Row<'_>) -> Option<Vec<Item>>,
    pub(crate) write: fn(&Snapshot) -> OutTable,
}

impl std::fmt::Debug for Table {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Table")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("columns", &self.columns)
            .finish_non_exhaustive()
    }
}

/// The names of the tables, in order.
pub(crate) const TABLE_NAMES: [&str; records::TABLES.len()] = {
    let mut out = [""; records::TABLES.len()];
    let mut i = 0;
    while i < out.len() {
        out[i] = records::TABLES[i].name;
        i += 1;
    }
    out
};

/// Every table of the native format, in the order they are written and checked.
pub fn tables() -> &'static [Table] {
    records::TABLES
}

/// The table of that name.
pub fn table(name: &str) -> Option<&'static Table> {
    records::TABLES.iter().find(|t| t.name == name)
}

impl Table {
    /// The column a header of this table names, with the language of a translatable
    /// column's header (`title_fr` → `title`, `fr`).
    pub fn column_of<'h>(&self, header: &'h str) -> Option<(&'static Column, Option<&'h str>)> {
        self.columns.iter().find_map(|c| {
            if c.translatable {
                let lang = header
                    .strip_prefix(c.name)
                    .and_then(|r| r.strip_prefix('_'))
                    .filter(|l| Lang::parse(l).is_ok());
                match lang {
                    Some(l) => Some((c, Some(l))),
                    None if header == c.name => Some((c, Some("en"))),
                    None => None,
                }
            } else {
                (c.name == header).then_some((c, None))
            }
        })
    }
}

/// Whether `name` is a translatable column of some table (written `<name>_<lang>`).
pub fn translatable(name: &str) -> bool {
    records::TABLES
        .iter()
        .flat_map(|t| t.columns)
        .any(|c| c.translatable && c.name == name)
}

/// The columns of the table that holds records of `kind`.
pub fn spec(kind: Kind) -> &'static [Column] {
    records::TABLES
        .iter()
        .find(|t| t.kind == Some(kind))
        .map_or(&[], |t| t.columns)
}

// ---------------------------------------------------------------------------------------------
// How a column is read and written, by the type of its field.

/// What a column writes: a cell, or a text that becomes one cell per language.
pub(crate) enum Out<'a> {
    Cell(Cell),
    Text(Option<&'a Text>),
}

/// Reads a field's value from its cell(s) and writes it back. `read` gives `None` when the
/// cell is wrong (the problem is then recorded on the row).
pub(crate) trait Codec {
    type V;
    const REQUIRED: bool;
    const VALUE: Value;
    const LIST: bool = false;
    const TRANSLATABLE: bool = false;
    fn read(r: &mut Row<'_>, col: &'static str) -> Option<Self::V>;
    fn write(v: &Self::V) -> Out<'_>;
}

fn s(v: impl ToString) -> Out<'static> {
    Out::Cell(Cell::Text(v.to_string()))
}

fn o<V: ToString>(v: &Option<V>) -> Out<'static> {
    Out::Cell(
        v.as_ref()
            .map_or(Cell::Empty, |v| Cell::Text(v.to_string())),
    )
}

fn l<V: ToString>(v: &[V]) -> Out<'static> {
    Out::Cell(if v.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(
            v.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(";"),
        )
    })
}

fn n(v: f64) -> Out<'static> {
    Out::Cell(Cell::Number(v))
}

fn on(v: Option<f64>) -> Out<'static> {
    Out::Cell(v.map_or(Cell::Empty, Cell::Number))
}

/// An amount as a number cell when the number a spreadsheet keeps (a double) reads back as
/// the very same amount, which holds for any amount of up to 15 significant digits; else as
/// text, so that no amount is ever rounded on its way through a workbook.
fn amount(m: Money) -> Out<'static> {
    let n = m.as_f64();
    Out::Cell(if Money::parse(&format!("{n}")) == Ok(m) {
        Cell::Number(n)
    } else {
        Cell::Text(m.to_string())
    })
}

fn yn(b: bool) -> Out<'static> {
    s(if b { "yes" } else { "no" })
}

/// A closed vocabulary of agenda-core, as columns read and write it.
pub(crate) trait Vocabulary: Copy + 'static {
    /// Its name, for an interface's words.
    const NAME: &'static str;
    fn parse(s: &str) -> Result<Self, Expected>;
    fn name(self) -> &'static str;
    fn values() -> Vec<&'static str>;
}

macro_rules! vocabularies {
    ($($t:ty = $name:literal),* $(,)?) => {$(
        impl Vocabulary for $t {
            const NAME: &'static str = $name;
            fn parse(s: &str) -> Result<Self, Expected> {
                <$t>::parse(s)
            }
            fn name(self) -> &'static str {
                self.as_str()
            }
            fn values() -> Vec<&'static str> {
                <$t>::ALL.iter().map(|v| v.as_str()).collect()
            }
        }
    )*};
}

vocabularies!(
    OrgKind = "org_kind",
    AgendaStatus = "agenda_status",
    ActionLineStatus = "action_line_status",
    MilestoneStatus = "milestone_status",
    LegalKind = "legal_kind",
    LegalStatus = "legal_status",
    Direction = "direction",
    Frequency = "frequency",
    ObservationStatus = "observation_status",
    ReportStatus = "report_status",
    Audience = "audience",
    EventAudience = "event_audience",
    Channel = "channel",
    BuildingBlockStatus = "building_block_status",
    Hosting = "hosting",
    Formula = "formula",
    ReleaseStatus = "release_status",
    AssessmentResult = "assessment_result",
    BodyKind = "body_kind",
    SeatRole = "seat_role",
    DecisionStatus = "decision_status",
    Subject = "subject",
    ContributionKind = "contribution_kind",
    Sector = "sector",
    ResponseOutcome = "response_outcome",
    CoDesignKind = "codesign_kind",
    ProgressMeasure = "progress_measure",
    ObservationFlag = "observation_flag",
    FundingSource = "funding_source",
);

impl Vocabulary for Unit {
    const NAME: &'static str = "unit";
    fn parse(s: &str) -> Result<Self, Expected> {
        Unit::parse(s)
    }
    fn name(self) -> &'static str {
        self.as_str()
    }
    fn values() -> Vec<&'static str> {
        [Unit::Percent, Unit::Count, Unit::Days, Unit::Currency]
            .map(Unit::as_str)
            .to_vec()
    }
}

macro_rules! codec {
    ($(#[$m:meta])* $name:ident $(<$g:ident: $b:ident>)?: $v:ty, required $req:literal, $value:expr,
     $(list $list:literal,)? $(translatable $tr:literal,)?
     read |$r:ident, $col:ident| $read:expr, write |$x:ident| $write:expr) => {
        $(#[$m])*
        pub(crate) struct $name$(<$g>)?(PhantomData<($($g,)?)>);
        impl$(<$g: $b>)? Codec for $name$(<$g>)? {
            type V = $v;
            const REQUIRED: bool = $req;
            const VALUE: Value = $value;
            $(const LIST: bool = $list;)?
            $(const TRANSLATABLE: bool = $tr;)?
            fn read($r: &mut Row<'_>, $col: &'static str) -> Option<$v> {
                $read
            }
            fn write($x: &$v) -> Out<'_> {
                $write
            }
        }
    };
}

codec!(
    /// The record's code.
    Key: Code, required true, Value::Key,
    read |r, c| r.req(c, code), write |x| s(x)
);
codec!(
    /// A required reference.
    Ref: Code, required true, Value::Key,
    read |r, c| r.req(c, code), write |x| s(x)
);
codec!(
    /// An optional reference.
    OptRef: Option<Code>, required false, Value::Key,
    read |r, c| opt(r, c, code), write |x| o(x)
);
codec!(
    /// A list of references.
    Refs: Vec<Code>, required false, Value::Key, list true,
    read |r, c| Some(r.list(c, code)), write |x| l(x)
);
codec!(
    /// An optional reference to a record of the kind another column names.
    SubjectRef: Option<Code>, required false, Value::Subject,
    read |r, c| opt(r, c, code), write |x| o(x)
);
codec!(
    /// A required text per language.
    Tr: Text, required true, Value::Text, translatable true,
    read |r, c| r.text(c), write |x| Out::Text(Some(x))
);
codec!(
    /// An optional text per language.
    OptTr: Option<Text>, required false, Value::Text, translatable true,
    read |r, c| opt_text(r, c), write |x| Out::Text(x.as_ref())
);
codec!(
    /// A required free text, in one language.
    Free: String, required true, Value::Text,
    read |r, c| r.req(c, |v| Ok(v.to_owned())), write |x| s(x)
);
codec!(
    /// An optional free text, in one language.
    OptFree: Option<String>, required false, Value::Text,
    read |r, c| Some(r.string(c)), write |x| o(x)
);
codec!(
    /// A required vocabulary value.
    Vocab<E: Vocabulary>: E, required true, Value::Vocabulary { name: E::NAME, values: E::values },
    read |r, c| r.req(c, E::parse), write |x| s(x.name())
);
codec!(
    /// An optional vocabulary value.
    OptVocab<E: Vocabulary>: Option<E>, required false, Value::Vocabulary { name: E::NAME, values: E::values },
    read |r, c| opt(r, c, E::parse), write |x| o(&x.map(E::name))
);
codec!(
    /// A list of vocabulary values.
    Vocabs<E: Vocabulary>: Vec<E>, required false, Value::Vocabulary { name: E::NAME, values: E::values }, list true,
    read |r, c| Some(r.list(c, E::parse)), write |x| l(&x.iter().map(|v| v.name()).collect::<Vec<_>>())
);
codec!(
    /// A list of vocabulary values with at least one.
    SomeVocabs<E: Vocabulary>: Vec<E>, required true, Value::Vocabulary { name: E::NAME, values: E::values }, list true,
    read |r, c| r.some(c, E::parse), write |x| l(&x.iter().map(|v| v.name()).collect::<Vec<_>>())
);
codec!(
    /// An optional web address.
    OptLink: Option<String>, required false, Value::Link,
    read |r, c| opt(r, c, link), write |x| o(x)
);
codec!(
    /// An optional telephone number.
    OptPhone: Option<String>, required false, Value::Phone,
    read |r, c| opt(r, c, parse_phone), write |x| o(x)
);
codec!(
    /// An optional e-mail address.
    OptEmail: Option<String>, required false, Value::Email,
    read |r, c| opt(r, c, parse_email), write |x| o(x)
);
codec!(
    /// A required date.
    Day: Date, required true, Value::Date,
    read |r, c| r.req(c, Date::parse), write |x| s(x)
);
codec!(
    /// An optional date.
    OptDay: Option<Date>, required false, Value::Date,
    read |r, c| opt(r, c, Date::parse), write |x| o(x)
);
codec!(
    /// A required period.
    PeriodOf: Period, required true, Value::Period,
    read |r, c| r.req(c, Period::parse), write |x| s(x)
);
codec!(
    /// A required year.
    YearOf: i32, required true, Value::Year,
    read |r, c| r.req(c, year), write |x| n(f64::from(*x))
);
codec!(
    /// A required number.
    Num: f64, required true, Value::Number,
    read |r, c| r.num(c), write |x| n(*x)
);
codec!(
    /// An optional number, 0 or more where the model says so.
    OptNum: Option<f64>, required false, Value::Number,
    read |r, c| opt_num(r, c, parse_number), write |x| on(*x)
);
codec!(
    /// A required amount of money.
    Amount: Money, required true, Value::Amount,
    read |r, c| r.amount(c), write |x| amount(*x)
);
codec!(
    /// An amount of money, 0 when empty.
    AmountOrZero: Money, required false, Value::Amount,
    read |r, c| if r.raw(c).is_empty() { Some(Money::ZERO) } else { r.amount(c) },
    write |x| amount(*x)
);
codec!(
    /// An optional percentage.
    OptPct: Option<Percent>, required false, Value::Percent,
    read |r, c| {
        let v = r.raw(c);
        let p = r.opt_percent(c);
        (p.is_some() || v.is_empty()).then_some(p)
    },
    write |x| on(x.map(Percent::value))
);
codec!(
    /// An optional count.
    OptCount: Option<u64>, required false, Value::WholeNumber,
    read |r, c| opt_num(r, c, |s| parse_count(s).map(|n| n as f64)).map(|n| n.map(|n| n as u64)),
    write |x| on(x.map(|v| v as f64))
);
codec!(
    /// An optional number of days.
    OptDays: Option<u32>, required false, Value::WholeNumber,
    read |r, c| opt_num(r, c, |s| parse_count(s).map(|n| n as f64))
        .map(|d| d.map(|d| d.min(f64::from(u32::MAX)) as u32)),
    write |x| on(x.map(f64::from))
);
codec!(
    /// A required maturity level.
    MaturityLevel: Maturity, required true, Value::Level { name: "maturity", min: 1, max: 4 },
    read |r, c| r.req(c, Maturity::parse), write |x| n(f64::from(x.level()))
);
codec!(
    /// An optional maturity level.
    OptMaturityLevel: Option<Maturity>, required false, Value::Level { name: "maturity", min: 1, max: 4 },
    read |r, c| opt(r, c, Maturity::parse), write |x| on(x.map(|m| f64::from(m.level())))
);
codec!(
    /// A required priority.
    PriorityLevel: Priority, required true, Value::Level { name: "priority", min: 1, max: 3 },
    read |r, c| r.req(c, Priority::parse), write |x| n(f64::from(x.value()))
);
codec!(
    /// A required yes/no.
    YesNo: bool, required true, Value::Bool,
    read |r, c| r.req(c, parse_bool), write |x| yn(*x)
);
/// A vocabulary with a value an empty cell stands for.
pub(crate) trait DefaultVocabulary: Vocabulary + Default {}
impl DefaultVocabulary for DecisionStatus {}

codec!(
    /// A vocabulary value, its default when empty.
    VocabOrDefault<E: DefaultVocabulary>: E, required false, Value::Vocabulary { name: E::NAME, values: E::values },
    read |r, c| opt(r, c, E::parse).map(Option::unwrap_or_default), write |x| s(x.name())
);
codec!(
    /// An optional yes/no, `no` when empty.
    YesNoOrNo: bool, required false, Value::Bool,
    read |r, c| opt(r, c, parse_bool).map(|b| b.unwrap_or(false)), write |x| yn(*x)
);
codec!(
    /// A list of free texts, separated by `;`.
    Texts: Vec<String>, required false, Value::Text, list true,
    read |r, c| Some(r.list(c, |v| Ok(v.to_owned()))), write |x| l(x)
);
codec!(
    /// An optional yes/no: empty when not known.
    OptYesNo: Option<bool>, required false, Value::Bool,
    read |r, c| opt(r, c, parse_bool), write |x| o(&x.map(|b| if b { "yes" } else { "no" }))
);
codec!(
    /// An optional SDG code.
    OptSdg: Option<String>, required false, Value::SdgCode,
    read |r, c| opt(r, c, sdg_code), write |x| o(x)
);
codec!(
    /// A list of SDG codes.
    Sdgs: Vec<String>, required false, Value::SdgCode, list true,
    read |r, c| Some(r.list(c, sdg_code)), write |x| l(x)
);
codec!(
    /// A list of framework indicators.
    FrameworkCodes: Vec<String>, required false, Value::FrameworkCode, list true,
    read |r, c| Some(r.list(c, framework_code)), write |x| l(x)
);
codec!(
    /// A required token.
    TokenOf: String, required true, Value::Token,
    read |r, c| r.req(c, token), write |x| s(x)
);
codec!(
    /// An optional token.
    OptTokenOf: Option<String>, required false, Value::Token,
    read |r, c| opt(r, c, token), write |x| o(x)
);
codec!(
    /// An optional disaggregation.
    OptDisaggregation: Option<Disaggregation>, required false, Value::Disaggregation,
    read |r, c| opt(r, c, Disaggregation::parse), write |x| o(x)
);

/// An optional cell: `Some(None)` when empty, `None` when it does not parse.
fn opt<T>(
    r: &mut Row<'_>,
    col: &'static str,
    f: impl Fn(&str) -> Result<T, Expected>,
) -> Option<Option<T>> {
    let empty = r.raw(col).is_empty();
    let v = r.opt(col, f);
    (v.is_some() || empty).then_some(v)
}

fn opt_num(
    r: &mut Row<'_>,
    col: &'static str,
    f: impl Fn(&str) -> Result<f64, Expected>,
) -> Option<Option<f64>> {
    let empty = r.raw(col).is_empty();
    let v = r.opt_num(col, f);
    (v.is_some() || empty).then_some(v)
}

fn opt_text(r: &mut Row<'_>, col: &'static str) -> Option<Option<Text>> {
    let before = r.failed;
    let v = r.opt_text(col);
    (v.is_some() || r.failed == before).then_some(v)
}

// ---------------------------------------------------------------------------------------------
// Records: a struct and its columns.

/// A column's writer: its name, and the cell(s) it writes for a record.
pub(crate) struct Writer<T> {
    pub(crate) name: &'static str,
    pub(crate) write: for<'a> fn(&'a T) -> Out<'a>,
}

/// A record type and its table's columns (implemented by `record!`).
pub(crate) trait Record: Sized + 'static {
    const TABLE: &'static str;
    const COLUMNS: &'static [Column];
    const WRITERS: &'static [Writer<Self>];
    fn read(r: &mut Row<'_>) -> Option<Vec<Item>>;
}

/// Declares the columns of a record's table, in order. Each line is
/// `field: Codec [=> ReferencedKind] [, multiline] = "meaning";` for a column read into the
/// field of that name and written from it; `read_only name: Codec = "…";` for a column only
/// read (the `finish` function uses it); `fixed field = expr;` for a field no column fills.
/// The struct literal it builds names every column field, so a field missing from the list
/// does not compile.
macro_rules! record {
    ($ty:ident, $table:literal, $finish:path; $($body:tt)*) => {
        record!(@m $ty, $table, $finish; [] [] [] [] []; $($body)*);
    };
    (@m $ty:ident, $table:literal, $finish:path;
        [$($c:tt)*] [$($r:tt)*] [$($l:tt)*] [$($x:tt)*] [$($w:tt)*];
        read_only $f:ident: $codec:ty = $doc:literal; $($rest:tt)*) => {
        record!(@m $ty, $table, $finish;
            [$($c)* Column::new::<$codec>(
                stringify!($f), concat!(stringify!($f), "_en"), None, false, false, $doc),]
            [$($r)* ($f $codec)] [$($l)*] [$($x)*] [$($w)*]; $($rest)*);
    };
    (@m $ty:ident, $table:literal, $finish:path;
        [$($c:tt)*] [$($r:tt)*] [$($l:tt)*] [$($x:tt)*] [$($w:tt)*];
        fixed $f:ident = $e:expr; $($rest:tt)*) => {
        record!(@m $ty, $table, $finish;
            [$($c)*] [$($r)*] [$($l)*] [$($x)* $f = $e,] [$($w)*]; $($rest)*);
    };
    (@m $ty:ident, $table:literal, $finish:path;
        [$($c:tt)*] [$($r:tt)*] [$($l:tt)*] [$($x:tt)*] [$($w:tt)*];
        $f:ident: $codec:ty $(=> $k:ident)? $(, $ml:ident)? = $doc:literal; $($rest:tt)*) => {
        record!(@m $ty, $table, $finish;
            [$($c)* Column::new::<$codec>(
                stringify!($f), concat!(stringify!($f), "_en"),
                record!(@kind $($k)?), record!(@ml $($ml)?), true, $doc),]
            [$($r)* ($f $codec)]
            [$($l)* $f,]
            [$($x)*]
            [$($w)* Writer {
                name: stringify!($f),
                write: |x: &$ty| <$codec as Codec>::write(&x.$f),
            },];
            $($rest)*);
    };
    (@m $ty:ident, $table:literal, $finish:path;
        [$($c:tt)*] [$(($rf:ident $rc:ty))*] [$($lf:ident,)*] [$($xf:ident = $xe:expr,)*]
        [$($w:tt)*];) => {
        impl Record for $ty {
            const TABLE: &'static str = $table;
            const COLUMNS: &'static [Column] = &[$($c)*];
            const WRITERS: &'static [Writer<Self>] = &[$($w)*];
            #[allow(unused_variables, reason = "read-only columns are used by `finish`")]
            fn read(r: &mut Row<'_>) -> Option<Vec<Item>> {
                $(let $rf = <$rc as Codec>::read(r, stringify!($rf));)*
                $finish($ty { $($lf: $lf?,)* $($xf: $xe,)* }, r)
            }
        }
    };
    (@kind) => { None };
    (@kind $k:ident) => { Some(Kind::$k) };
    (@ml) => { false };
    (@ml multiline) => { true };
}
use record;

/// A record that is one entity.
fn entity<T: Into<Entity>>(x: T, _: &mut Row<'_>) -> Option<Vec<Item>> {
    Some(vec![Item::Entity(x.into())])
}

/// A table's type-erased entry, for [`tables`].
const fn entry<T: Record>(kind: Option<Kind>, write: fn(&Snapshot) -> OutTable) -> Table {
    Table {
        name: T::TABLE,
        kind,
        columns: T::COLUMNS,
        read: T::read,
        write,
    }
}

type CellFn<'a, T> = Box<dyn Fn(&T) -> Cell + 'a>;

/// Writes records as a table: a translatable column once per language present in the table,
/// the snapshot's default language first (always written, so that the table reads back).
fn out<'a, T: Record>(s: &Snapshot, items: impl Iterator<Item = &'a T>) -> OutTable {
    let default = s.languages.default_lang().clone();
    let items: Vec<&T> = items.collect();
    let mut expanded: Vec<(String, CellFn<'_, T>)> = Vec::new();
    for (col, w) in T::COLUMNS.iter().filter(|c| c.written).zip(T::WRITERS) {
        debug_assert_eq!(col.name, w.name);
        let f = w.write;
        if !col.translatable {
            expanded.push((
                col.name.to_owned(),
                Box::new(move |i: &T| match f(i) {
                    Out::Cell(c) => c,
                    Out::Text(_) => Cell::Empty,
                }),
            ));
            continue;
        }
        let text = move |i: &'a T| match f(i) {
            Out::Text(t) => t,
            Out::Cell(_) => None,
        };
        let mut langs: BTreeSet<Lang> = items
            .iter()
            .filter_map(|i| text(i))
            .flat_map(|t| t.langs().cloned().collect::<Vec<_>>())
            .collect();
        langs.remove(&default);
        for lang in std::iter::once(default.clone()).chain(langs) {
            expanded.push((
                format!("{}_{lang}", col.name),
                Box::new(move |i: &T| match f(i) {
                    Out::Text(t) => t
                        .and_then(|t| t.exact(&lang))
                        .map_or(Cell::Empty, |v| Cell::Text(v.to_owned())),
                    Out::Cell(_) => Cell::Empty,
                }),
            ));
        }
    }
    OutTable {
        name: T::TABLE,
        headers: expanded.iter().map(|(h, _)| h.clone()).collect(),
        rows: items
            .into_iter()
            .map(|i| expanded.iter().map(|(_, f)| f(i)).collect())
            .collect(),
    }
}

#[cfg(test)]
mod tests;
