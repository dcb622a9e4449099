//! A roadmap's week cells, marked the way people mark them: "x", "✓", "1", a number of days
//! ("3", "5d"), "done", a colour only, or a note of what happened ("12/03 kickoff held",
//! "2022-03-14: contract signed").

use agenda_core::Date;
use calamine::Data;

use crate::table::cell_text;

/// What one week cell of an activity says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Week {
    /// Nothing, or a value that says the week is not worked ("0", "-", "no").
    Empty,
    /// The activity runs this week.
    Marked,
    /// The activity runs this week, and the cell tells what happened, on the day the note
    /// names (else the week's first day).
    Note { on: Date, text: String },
}

/// Values that leave a week unmarked.
const UNMARKED: &[&str] = &["0", "-", "–", "—", "no", "n/a", "na", "none", "."];

/// Words that mark a week and say nothing more.
const MARK_WORDS: &[&str] = &[
    "x",
    "xx",
    "✓",
    "✔",
    "☑",
    "✅",
    "✗",
    "●",
    "•",
    "*",
    "+",
    "yes",
    "y",
    "ok",
    "done",
    "completed",
    "complete",
    "ongoing",
    "in progress",
    "started",
    "planned",
    "active",
    "wip",
];

/// Units of a number of days or hours written in a week cell ("5d", "3 days", "0.5 FTE").
const DAY_UNITS: &[&str] = &[
    "d", "day", "days", "h", "hr", "hrs", "hour", "hours", "pd", "md", "fte", "%", "w", "wk",
];

/// Reads one week cell; `filled` when it is coloured in, `week` the date its column stands
/// for.
pub(super) fn week_cell(d: &Data, filled: bool, week: Date) -> Week {
    let text = match d {
        Data::Empty => String::new(),
        Data::String(s) => s.split_whitespace().collect::<Vec<_>>().join(" "),
        Data::Float(f) if *f == 0.0 => return Week::Empty,
        Data::Int(0) | Data::Bool(false) => return Week::Empty,
        // A number (of days), a date, a tick box: the week is worked.
        _ => cell_text(d).trim().to_owned(),
    };
    if text.is_empty() {
        return if filled { Week::Marked } else { Week::Empty };
    }
    if !matches!(d, Data::String(_)) {
        return Week::Marked;
    }
    let lower = text.to_lowercase();
    if UNMARKED.contains(&lower.as_str()) {
        return if filled { Week::Marked } else { Week::Empty };
    }
    if is_plain_mark(&lower) {
        return Week::Marked;
    }
    match find_date(&text, week) {
        Some((on, start, end)) => {
            let rest = format!("{} {}", &text[..start], &text[end..]);
            let rest = rest
                .trim_matches(|c: char| {
                    c.is_whitespace() || matches!(c, ':' | '-' | '–' | '—' | ',' | ';' | '.' | '|')
                })
                .to_owned();
            if rest.is_empty() || is_plain_mark(&rest.to_lowercase()) {
                Week::Marked
            } else {
                Week::Note {
                    on,
                    text: rest.split_whitespace().collect::<Vec<_>>().join(" "),
                }
            }
        }
        None => Week::Note { on: week, text },
    }
}

/// A mark word, or a number of days ("3", "5d", "2.5 days", "50%").
fn is_plain_mark(lower: &str) -> bool {
    if MARK_WORDS.contains(&lower) {
        return true;
    }
    let digits_end = lower
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | ',')))
        .unwrap_or(lower.len());
    let (n, unit) = lower.split_at(digits_end);
    !n.is_empty() && n.starts_with(|c: char| c.is_ascii_digit()) && {
        let unit = unit.trim();
        unit.is_empty() || DAY_UNITS.contains(&unit)
    }
}

const MONTHS: &[&str] = &[
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

fn month_of(word: &str) -> Option<u32> {
    let w = word.to_lowercase();
    let w = w.trim_end_matches('.');
    if w.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| w.starts_with(m))
        .filter(|&i| {
            // The whole word must be the month's name or its abbreviation ("mar", "march",
            // "sept"), not "market".
            const FULL: &[&str] = &[
                "january",
                "february",
                "march",
                "april",
                "may",
                "june",
                "july",
                "august",
                "september",
                "october",
                "november",
                "december",
            ];
            FULL[i].starts_with(w)
        })
        .map(|i| i as u32 + 1)
}

/// The day among `candidates` (year, month, day; a year of `None` is the one that puts the
/// day nearest the week) nearest to `week`.
fn nearest(candidates: &[(Option<i32>, u32, u32)], week: Date) -> Option<Date> {
    let mut best: Option<(i64, Date)> = None;
    for &(y, m, d) in candidates {
        let years = match y {
            Some(y) => vec![y],
            None => vec![week.year() - 1, week.year(), week.year() + 1],
        };
        for y in years {
            if let Some(date) = Date::from_ymd(y, m, d) {
                let gap = (date.day_number() - week.day_number()).abs();
                if best.is_none_or(|(g, _)| gap < g) {
                    best = Some((gap, date));
                }
            }
        }
    }
    best.map(|(_, d)| d)
}

fn year_of(s: &str) -> Option<i32> {
    let y: i32 = s.parse().ok()?;
    match s.len() {
        2 => Some(2000 + y),
        4 if (1990..=2100).contains(&y) => Some(y),
        _ => None,
    }
}

/// The first date written in a text, with where it is (byte range): `2022-03-14`,
/// `14/03/2022`, `12/03` or `12.03.` (day and month, or month and day — whichever is nearer the
/// week; the year the week's), `14 March`, `March 14, 2022`.
pub(super) fn find_date(text: &str, week: Date) -> Option<(Date, usize, usize)> {
    // Runs of digits and of letters, with their byte ranges.
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut start: Option<usize> = None;
    let mut last_kind = 0u8;
    for (i, c) in text.char_indices() {
        let kind = if c.is_ascii_digit() {
            1
        } else if c.is_alphabetic() {
            2
        } else {
            0
        };
        if kind != last_kind {
            if let Some(s) = start.take() {
                runs.push((s, i));
            }
            if kind != 0 {
                start = Some(i);
            }
            last_kind = kind;
        }
    }
    if let Some(s) = start {
        runs.push((s, text.len()));
    }
    let run = |k: usize| runs.get(k).map(|&(a, b)| &text[a..b]);
    let between = |k: usize| -> &str {
        match (runs.get(k), runs.get(k + 1)) {
            (Some(&(_, a)), Some(&(b, _))) => &text[a..b],
            _ => "",
        }
    };
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    for k in 0..runs.len() {
        let Some(a) = run(k) else { continue };
        let (s0, _) = runs[k];
        if digits(a) {
            let sep = between(k);
            // Numeric: a sep b (sep c).
            if matches!(sep, "/" | "." | "-")
                && let Some(b) = run(k + 1).filter(|b| digits(b) && b.len() <= 2)
            {
                let third = (between(k + 1) == sep)
                    .then(|| run(k + 2))
                    .flatten()
                    .filter(|c| digits(c));
                let (b, end_k) = (
                    b.parse::<u32>().ok()?,
                    if third.is_some() { k + 2 } else { k + 1 },
                );
                let end = runs[end_k].1;
                let end = if sep == "." && text[end..].starts_with('.') {
                    end + 1
                } else {
                    end
                };
                if a.len() == 4 {
                    // 2022-03-14
                    let (Some(y), Some(d)) = (year_of(a), third.and_then(|c| c.parse().ok()))
                    else {
                        continue;
                    };
                    if let Some(date) = Date::from_ymd(y, b, d) {
                        return Some((date, s0, end));
                    }
                    continue;
                }
                if a.len() > 2 {
                    continue;
                }
                let a: u32 = a.parse().ok()?;
                let y = match third {
                    Some(c) => match year_of(c) {
                        Some(y) => Some(y),
                        None => continue,
                    },
                    None => None,
                };
                if let Some(date) = nearest(&[(y, b, a), (y, a, b)], week) {
                    return Some((date, s0, end));
                }
                continue;
            }
            // 14 March (2022), 14th Mar
            if a.len() <= 2 {
                let mut m_k = k + 1;
                if run(m_k)
                    .is_some_and(|w| matches!(w.to_lowercase().as_str(), "st" | "nd" | "rd" | "th"))
                    && between(k).is_empty()
                {
                    m_k += 1;
                }
                if let Some(m) = run(m_k).and_then(month_of)
                    && between(m_k - 1).trim().is_empty()
                {
                    let d: u32 = a.parse().ok()?;
                    let (y, end) = match run(m_k + 1) {
                        Some(c) if digits(c) && c.len() == 4 && between(m_k).trim().is_empty() => {
                            (year_of(c), runs[m_k + 1].1)
                        }
                        _ => (None, runs[m_k].1),
                    };
                    if let Some(date) = nearest(&[(y, m, d)], week) {
                        return Some((date, s0, end));
                    }
                }
            }
        } else if let Some(m) = month_of(a) {
            // March 14(, 2022)
            if let Some(d) = run(k + 1).filter(|d| digits(d) && d.len() <= 2)
                && between(k).trim_end_matches('.').trim().is_empty()
            {
                let d: u32 = d.parse().ok()?;
                let mut end = runs[k + 1].1;
                let mut next = k + 2;
                if run(next)
                    .is_some_and(|w| matches!(w.to_lowercase().as_str(), "st" | "nd" | "rd" | "th"))
                {
                    end = runs[next].1;
                    next += 1;
                }
                let y = match run(next) {
                    Some(c)
                        if digits(c)
                            && c.len() == 4
                            && matches!(between(next - 1).trim(), "" | ",") =>
                    {
                        end = runs[next].1;
                        year_of(c)
                    }
                    _ => None,
                };
                if let Some(date) = nearest(&[(y, m, d)], week) {
                    return Some((date, s0, end));
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    fn cell(s: &str) -> Week {
        week_cell(&Data::String(s.to_owned()), false, day("2022-03-07"))
    }

    fn note(on: &str, text: &str) -> Week {
        Week::Note {
            on: day(on),
            text: text.to_owned(),
        }
    }

    #[test]
    fn every_usual_mark_marks_the_week() {
        for m in [
            "x", "X", "✓", "✔", "1", "3", "5d", "5 d", "2.5 days", "done", "Done", "ongoing", "50%",
        ] {
            assert_eq!(cell(m), Week::Marked, "{m}");
        }
        let w = day("2022-03-07");
        assert_eq!(week_cell(&Data::Float(3.0), false, w), Week::Marked);
        assert_eq!(week_cell(&Data::Empty, true, w), Week::Marked);
        assert_eq!(week_cell(&Data::Empty, false, w), Week::Empty);
        assert_eq!(week_cell(&Data::Float(0.0), false, w), Week::Empty);
        for unmarked in ["0", "-", "no", "n/a", " "] {
            assert_eq!(cell(unmarked), Week::Empty, "{unmarked}");
        }
        // A date alone marks the week and tells nothing more.
        assert_eq!(cell("12/03"), Week::Marked);
    }

    #[test]
    fn a_note_is_dated_by_the_day_it_names_else_by_its_week() {
        assert_eq!(
            cell("12/03 kickoff held"),
            note("2022-03-12", "kickoff held")
        );
        // Month first when only that is near the week.
        assert_eq!(cell("03/09: workshop"), note("2022-03-09", "workshop"));
        assert_eq!(
            cell("2022-03-14: contract signed"),
            note("2022-03-14", "contract signed")
        );
        assert_eq!(
            cell("Contract signed on 14 March 2022"),
            note("2022-03-14", "Contract signed on")
        );
        assert_eq!(
            cell("8 Mar - MoU drafted"),
            note("2022-03-08", "MoU drafted")
        );
        assert_eq!(
            cell("March 10th, 2022: steering committee"),
            note("2022-03-10", "steering committee")
        );
        assert_eq!(cell("10.03. Validation"), note("2022-03-10", "Validation"));
        assert_eq!(cell("14/03/22 go-live"), note("2022-03-14", "go-live"));
        // Around new year the nearer year is meant.
        assert_eq!(
            week_cell(
                &Data::String("30/12 closing".into()),
                false,
                day("2023-01-02")
            ),
            note("2022-12-30", "closing")
        );
        // No date: the week's own.
        assert_eq!(cell("kickoff held"), note("2022-03-07", "kickoff held"));
        assert_eq!(
            cell("Market study started"),
            note("2022-03-07", "Market study started")
        );
    }
}
