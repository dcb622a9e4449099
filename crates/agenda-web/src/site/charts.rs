//! Server-side SVG charts: a KPI against its path to target, sparklines, the roadmap and the
//! timeline of planned service releases. Each chart is an image with a title and description;
//! the pages also give the data as tables.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use agenda_core::catalogue::roadmap::Conflict;
use agenda_core::kpi_status::{expected_at, trajectory};
use agenda_core::{Date, Kpi, Observation, ObservationStatus, Release, ReleaseStatus, Snapshot};

use super::i18n::{t, t_args};
use super::pages::esc;

/// Texts of a KPI chart, in the page's language.
pub struct ChartLabels {
    /// Accessible title.
    pub title: String,
    /// Accessible description.
    pub desc: String,
    /// Legend: observed values.
    pub observed: String,
    /// Legend: path to target.
    pub path: String,
    /// Legend: today.
    pub today: String,
}

struct Scale {
    x0: f64,
    x1: f64,
    y0: f64,
    y1: f64,
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
}

impl Scale {
    fn x(&self, d: f64) -> f64 {
        self.left + (d - self.x0) / (self.x1 - self.x0).max(1.0) * (self.right - self.left)
    }

    fn y(&self, v: f64) -> f64 {
        self.bottom
            - (v - self.y0) / (self.y1 - self.y0).max(f64::EPSILON) * (self.bottom - self.top)
    }
}

fn nice_step(range: f64) -> f64 {
    let raw = range / 5.0;
    let mag = 10f64.powf(raw.abs().log10().floor());
    let f = raw / mag;
    let nice = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    (nice * mag).max(f64::EPSILON)
}

fn validated_totals<'a>(obs: impl Iterator<Item = &'a Observation>) -> Vec<&'a Observation> {
    obs.filter(|o| o.disaggregation.is_none() && o.status == ObservationStatus::Validated)
        .collect()
}

/// A KPI's chart: the path from baseline through the interim targets to the final target
/// (dashed), the validated observations (solid, with points) and today.
pub fn kpi_chart<'a>(
    k: &Kpi,
    obs: impl Iterator<Item = &'a Observation>,
    today: Date,
    l: &ChartLabels,
) -> String {
    let obs = validated_totals(obs);
    let path = trajectory(k);
    let (w, h) = (640.0, 280.0);
    let first = path.first().map(|p| p.0).unwrap_or(k.baseline_date);
    let last = path.last().map(|p| p.0).unwrap_or(k.target_date);
    let x0 = first.day_number().min(
        obs.first()
            .map(|o| o.period.end().day_number())
            .unwrap_or(i64::MAX),
    ) as f64;
    let x1 = last
        .day_number()
        .max(obs.last().map(|o| o.period.end().day_number()).unwrap_or(0)) as f64;
    let values = path.iter().map(|p| p.1).chain(obs.iter().map(|o| o.value));
    let (mut lo, mut hi) = values.fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if lo > hi {
        (lo, hi) = (0.0, 1.0);
    }
    lo = lo.min(0.0);
    let step = nice_step(hi - lo);
    let y1 = (hi / step).ceil() * step;
    let y0 = (lo / step).floor() * step;
    let s = Scale {
        x0,
        x1,
        y0,
        y1: if y1 > y0 { y1 } else { y0 + 1.0 },
        left: 56.0,
        right: w - 16.0,
        top: 16.0,
        bottom: h - 48.0,
    };
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg class=\"chart\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"chart-title chart-desc\" xmlns=\"http://www.w3.org/2000/svg\">\
         <title id=\"chart-title\">{}</title><desc id=\"chart-desc\">{}</desc>",
        esc(&l.title),
        esc(&l.desc)
    );
    // Horizontal grid and value labels.
    let mut v = s.y0;
    while v <= s.y1 + step / 2.0 {
        let y = s.y(v);
        let _ = write!(
            out,
            "<line x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#d0d4d9\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" font-size=\"12\" fill=\"#333\">{}</text>",
            s.left,
            s.right,
            s.left - 6.0,
            y + 4.0,
            trim_num(v)
        );
        v += step;
    }
    // Years along the time axis.
    let (ya, yb) = (
        Date::from_ymd(
            first
                .year()
                .min(obs.first().map(|o| o.period.year()).unwrap_or(i32::MAX)),
            1,
            1,
        ),
        last.year()
            .max(obs.last().map(|o| o.period.year()).unwrap_or(0)),
    );
    if let Some(ya) = ya {
        let span = (yb - ya.year()).max(1);
        let every = if span > 12 { (span / 8).max(1) } else { 1 };
        for y in (ya.year()..=yb + 1).step_by(every as usize) {
            if let Some(d) = Date::from_ymd(y, 1, 1) {
                let x = s.x(d.day_number() as f64);
                if x >= s.left && x <= s.right {
                    let _ = write!(
                        out,
                        "<line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#555\"/>\
                         <text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"12\" fill=\"#333\">{y}</text>",
                        s.bottom,
                        s.bottom + 5.0,
                        s.bottom + 18.0
                    );
                }
            }
        }
    }
    let _ = write!(
        out,
        "<line x1=\"{l:.1}\" x2=\"{r:.1}\" y1=\"{b:.1}\" y2=\"{b:.1}\" stroke=\"#555\"/>",
        l = s.left,
        r = s.right,
        b = s.bottom
    );
    // Path to target.
    let pts: Vec<String> = path
        .iter()
        .map(|(d, v)| format!("{:.1},{:.1}", s.x(d.day_number() as f64), s.y(*v)))
        .collect();
    let _ = write!(
        out,
        "<polyline points=\"{}\" fill=\"none\" stroke=\"#6b4fa1\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>",
        pts.join(" ")
    );
    // Observations.
    if !obs.is_empty() {
        let pts: Vec<String> = obs
            .iter()
            .map(|o| {
                format!(
                    "{:.1},{:.1}",
                    s.x(o.period.end().day_number() as f64),
                    s.y(o.value)
                )
            })
            .collect();
        let _ = write!(
            out,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"#005a9c\" stroke-width=\"2.5\"/>",
            pts.join(" ")
        );
        for p in &pts {
            if let Some((x, y)) = p.split_once(',') {
                let _ = write!(
                    out,
                    "<circle cx=\"{x}\" cy=\"{y}\" r=\"3\" fill=\"#005a9c\"/>"
                );
            }
        }
    }
    // Today.
    let tx = s.x(today.day_number() as f64);
    if tx >= s.left && tx <= s.right {
        let _ = write!(
            out,
            "<line x1=\"{tx:.1}\" x2=\"{tx:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#b00020\" stroke-width=\"1.5\"/>",
            s.top, s.bottom
        );
    }
    // Legend.
    let ly = h - 12.0;
    let _ = write!(
        out,
        "<line x1=\"56\" x2=\"84\" y1=\"{ly}\" y2=\"{ly}\" stroke=\"#005a9c\" stroke-width=\"2.5\"/>\
         <text x=\"90\" y=\"{ty}\" font-size=\"12\" fill=\"#333\">{}</text>\
         <line x1=\"230\" x2=\"258\" y1=\"{ly}\" y2=\"{ly}\" stroke=\"#6b4fa1\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>\
         <text x=\"264\" y=\"{ty}\" font-size=\"12\" fill=\"#333\">{}</text>\
         <line x1=\"440\" x2=\"440\" y1=\"{a}\" y2=\"{b}\" stroke=\"#b00020\" stroke-width=\"1.5\"/>\
         <text x=\"446\" y=\"{ty}\" font-size=\"12\" fill=\"#333\">{}</text></svg>",
        esc(&l.observed),
        esc(&l.path),
        esc(&l.today),
        ty = ly + 4.0,
        a = ly - 7.0,
        b = ly + 7.0,
    );
    out
}

fn trim_num(v: f64) -> String {
    if v.abs() >= 1000.0 || v.fract() == 0.0 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.1}")
    }
}

/// A small decorative line of the validated values next to the expected path (the same
/// figures are in the table beside it, so it is hidden from assistive technologies).
pub fn sparkline<'a>(k: &Kpi, obs: impl Iterator<Item = &'a Observation>) -> String {
    let obs = validated_totals(obs);
    if obs.len() < 2 {
        return String::new();
    }
    let (w, h) = (120.0, 32.0);
    let expected: Vec<f64> = obs.iter().map(|o| expected_at(k, o.period.end())).collect();
    let all = obs.iter().map(|o| o.value).chain(expected.iter().copied());
    let (lo, hi) = all.fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let s = Scale {
        x0: 0.0,
        x1: (obs.len() - 1) as f64,
        y0: lo,
        y1: if hi > lo { hi } else { lo + 1.0 },
        left: 2.0,
        right: w - 2.0,
        top: 3.0,
        bottom: h - 3.0,
    };
    let line = |vals: &mut dyn Iterator<Item = f64>| {
        vals.enumerate()
            .map(|(i, v)| format!("{:.1},{:.1}", s.x(i as f64), s.y(v)))
            .collect::<Vec<_>>()
            .join(" ")
    };
    format!(
        "<svg class=\"spark\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" aria-hidden=\"true\" focusable=\"false\" xmlns=\"http://www.w3.org/2000/svg\">\
         <polyline points=\"{}\" fill=\"none\" stroke=\"#6b4fa1\" stroke-width=\"1.5\" stroke-dasharray=\"3 2\"/>\
         <polyline points=\"{}\" fill=\"none\" stroke=\"#005a9c\" stroke-width=\"2\"/></svg>",
        line(&mut expected.iter().copied()),
        line(&mut obs.iter().map(|o| o.value))
    )
}

/// The roadmap: one bar per action line over the agenda's period, its milestones as marks
/// (filled when done), and a line for today.
pub fn roadmap_chart(s: &Snapshot, today: Date, today_label: &str, title: &str) -> String {
    let lines: Vec<_> = s.action_lines.values().collect();
    let start = s
        .the_agenda()
        .map(|a| a.start)
        .or_else(|| lines.iter().map(|a| a.start).min())
        .unwrap_or(today);
    let end = s
        .the_agenda()
        .map(|a| a.end)
        .or_else(|| lines.iter().map(|a| a.end).max())
        .unwrap_or(today);
    let row = 22.0;
    let (w, top) = (760.0, 44.0);
    let h = top + row * lines.len() as f64 + 12.0;
    let sc = Scale {
        x0: start.day_number() as f64,
        x1: end.day_number() as f64,
        y0: 0.0,
        y1: 1.0,
        left: 80.0,
        right: w - 10.0,
        top,
        bottom: h,
    };
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg class=\"chart roadmap\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"roadmap-title\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"roadmap-title\">{}</title>",
        esc(title)
    );
    for y in start.year()..=end.year() {
        if let Some(d) = Date::from_ymd(y, 1, 1) {
            let x = sc.x(d.day_number() as f64).max(sc.left);
            let _ = write!(
                out,
                "<line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{:.1}\" y2=\"{h}\" stroke=\"#d0d4d9\"/><text x=\"{:.1}\" y=\"14\" font-size=\"12\" fill=\"#333\">{y}</text>",
                top - 26.0,
                x + 3.0
            );
        }
    }
    for (i, a) in lines.iter().enumerate() {
        let y = top + row * i as f64;
        let (x1, x2) = (
            sc.x(a.start.day_number() as f64),
            sc.x(a.end.day_number() as f64),
        );
        let fill = match a.status.as_str() {
            "completed" => "#2e7d32",
            "delayed" => "#b00020",
            "not_started" => "#8a8f96",
            "cancelled" => "#8a8f96",
            _ => "#005a9c",
        };
        let _ = write!(
            out,
            "<text x=\"4\" y=\"{:.1}\" font-size=\"12\" fill=\"#333\">{}</text><rect x=\"{x1:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"12\" rx=\"3\" fill=\"{fill}\" fill-opacity=\"0.85\"/>",
            y + 14.0,
            esc(a.code.as_str()),
            y + 4.0,
            (x2 - x1).max(2.0)
        );
        for m in s.milestones.values().filter(|m| m.action_line == a.code) {
            let x = sc.x(m.due.day_number() as f64);
            let done = m.status.as_str() == "done";
            let _ = write!(
                out,
                "<path d=\"M{x:.1} {:.1} l5 5 l-5 5 l-5 -5 z\" fill=\"{}\" stroke=\"#111\" stroke-width=\"1\"/>",
                y + 5.0,
                if done { "#111" } else { "#fff" }
            );
        }
    }
    let tx = sc.x(today.day_number() as f64);
    let _ = write!(
        out,
        "<line x1=\"{tx:.1}\" x2=\"{tx:.1}\" y1=\"{:.1}\" y2=\"{h}\" stroke=\"#b00020\" stroke-width=\"2\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" fill=\"#b00020\">{}</text></svg>",
        top - 18.0,
        tx + 3.0,
        top - 6.0,
        esc(today_label)
    );
    out
}

/// At most this many rows in the release timeline; the other organisations (those with fewer
/// conflicts, then fewer releases) are summed up in a note, so a national catalogue keeps the
/// chart readable and bounded.
const TIMELINE_MAX_ROWS: usize = 30;

/// At most this many time buckets across the release timeline: a month each while the period
/// allows, else a quarter, half-year or year.
const TIMELINE_MAX_BUCKETS: i64 = 72;

/// Height of a line of the release timeline's legend.
const LEGEND_LINE: f64 = 22.0;

/// Up to this many services, the release timeline has one row per service.
const TIMELINE_FEW_SERVICES: usize = 6;

/// Fill colours of the release marks, by target maturity level 1–4 (each level has its own
/// shape too).
const LEVEL_COLOURS: [&str; 4] = ["#8a5a00", "#005a9c", "#6b4fa1", "#2e7d32"];

/// The SVG shape of a release mark of maturity `level` centred on (`x`, `y`): a circle, a
/// square, a triangle and a diamond for levels 1 to 4.
fn level_shape(level: u8, x: f64, y: f64) -> String {
    let i = usize::from(level.clamp(1, 4) - 1);
    let fill = LEVEL_COLOURS[i];
    let stroke = "stroke=\"#111\" stroke-width=\"1\"";
    match i {
        0 => format!("<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"5\" fill=\"{fill}\" {stroke}/>"),
        1 => format!(
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"9\" height=\"9\" fill=\"{fill}\" {stroke}/>",
            x - 4.5,
            y - 4.5
        ),
        2 => format!(
            "<path d=\"M{x:.1} {:.1} l5.5 10 h-11 z\" fill=\"{fill}\" {stroke}/>",
            y - 5.5
        ),
        _ => format!(
            "<path d=\"M{x:.1} {:.1} l6 6 l-6 6 l-6 -6 z\" fill=\"{fill}\" {stroke}/>",
            y - 6.0
        ),
    }
}

/// The ring drawn around a mark whose releases include a conflict: a shape, not only a colour.
fn conflict_ring(x: f64, y: f64) -> String {
    format!(
        "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"9\" fill=\"none\" stroke=\"#b00020\" stroke-width=\"2.5\" stroke-dasharray=\"4 2\"/>"
    )
}

/// Months since year 0 of a date (January 0000 = 0).
fn month_index(d: Date) -> i64 {
    i64::from(d.year()) * 12 + i64::from(d.month()) - 1
}

/// The first day of month `m` (as counted by [`month_index`]).
fn month_start(m: i64) -> Date {
    let (y, mo) = (m.div_euclid(12), m.rem_euclid(12) + 1);
    Date::from_ymd(y as i32, mo as u32, 1).unwrap_or_else(|| unreachable!("a valid month"))
}

/// `YYYY-MM` of month `m`.
fn month_label(m: i64) -> String {
    format!("{:04}-{:02}", m.div_euclid(12), m.rem_euclid(12) + 1)
}

/// The planned releases on a time axis, in `lang`: one row per responsible organisation (per
/// service when there are only a few), one mark per row and time bucket (a month while the
/// period allows) shaped and coloured by the highest target level in it, with the number of
/// releases when there are several; a dashed ring marks a bucket with a release planned before
/// a building block it needs goes live (`conflicts`, from the roadmap analysis), a dashed line
/// today. Empty when nothing is planned.
///
/// Each mark carries `data-row`, `data-from` (its first month), `data-count` and
/// `data-conflicts`; the root carries `data-months`, the months per bucket.
pub fn release_timeline(
    releases: &[&Release],
    conflicts: &[Conflict],
    today: Date,
    lang: &str,
) -> String {
    let planned: Vec<&Release> = releases
        .iter()
        .copied()
        .filter(|r| r.status == ReleaseStatus::Planned)
        .collect();
    let (Some(first), Some(last)) = (
        planned.iter().map(|r| r.target_date).min(),
        planned.iter().map(|r| r.target_date).max(),
    ) else {
        return String::new();
    };
    let in_conflict: BTreeSet<&str> = conflicts.iter().map(|c| c.release.as_str()).collect();
    let services: BTreeSet<&str> = planned.iter().map(|r| r.service.as_str()).collect();
    let by_service = services.len() <= TIMELINE_FEW_SERVICES;
    let mut rows: BTreeMap<&str, Vec<&Release>> = BTreeMap::new();
    for r in &planned {
        let key = if by_service {
            r.service.as_str()
        } else {
            r.responsible_org.as_str()
        };
        rows.entry(key).or_default().push(r);
    }
    // Keep the rows with the most releases; the others go into the note.
    let mut ranked: Vec<(&str, usize, usize)> = rows
        .iter()
        .map(|(k, v)| {
            let k_conflicts = v
                .iter()
                .filter(|r| in_conflict.contains(r.code.as_str()))
                .count();
            (*k, k_conflicts, v.len())
        })
        .collect();
    ranked.sort_by(|a, b| (b.1, b.2).cmp(&(a.1, a.2)).then(a.0.cmp(b.0)));
    let hidden = ranked.split_off(ranked.len().min(TIMELINE_MAX_ROWS));
    let hidden_releases: usize = hidden.iter().map(|h| h.2).sum();
    let shown: BTreeSet<&str> = ranked.iter().map(|r| r.0).collect();
    rows.retain(|k, _| shown.contains(k));

    // Whole years from the earlier of today and the first release to the later of today and
    // the last one.
    let m0 = i64::from(first.min(today).year()) * 12;
    let m1 = (i64::from(last.max(today).year()) + 1) * 12;
    let per = [1, 3, 6, 12]
        .into_iter()
        .find(|g| (m1 - m0) / g <= TIMELINE_MAX_BUCKETS)
        .unwrap_or(12 * ((m1 - m0) / 12 / TIMELINE_MAX_BUCKETS + 1));
    let (w, top, row) = (760.0, 40.0, 26.0);
    let plot_bottom = top + row * rows.len() as f64;
    let legend_y = plot_bottom + 26.0;
    let lines = if hidden.is_empty() { 3.0 } else { 4.0 };
    let h = legend_y + LEGEND_LINE * (lines - 1.0) + 16.0;
    let sc = Scale {
        x0: month_start(m0).day_number() as f64,
        x1: month_start(m1).day_number() as f64,
        y0: 0.0,
        y1: 1.0,
        left: 76.0,
        right: w - 12.0,
        top,
        bottom: plot_bottom,
    };

    let n_conflicts = planned
        .iter()
        .filter(|r| in_conflict.contains(r.code.as_str()))
        .count();
    let desc = t_args(
        lang,
        if by_service {
            "timeline-desc-services"
        } else {
            "timeline-desc"
        },
        &[
            ("releases", planned.len().to_string()),
            ("rows", rows.len().to_string()),
            ("from", first.to_string()),
            ("to", last.to_string()),
            ("conflicts", n_conflicts.to_string()),
        ],
    );
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg class=\"chart timeline\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"timeline-title timeline-desc\" data-months=\"{per}\" xmlns=\"http://www.w3.org/2000/svg\">\
         <title id=\"timeline-title\">{}</title><desc id=\"timeline-desc\">{}</desc>",
        esc(&t(lang, "timeline-title")),
        esc(&desc)
    );
    // Year ticks.
    let (y0, y1) = (m0 / 12, m1 / 12);
    let every = ((y1 - y0) / 12 + 1) as usize;
    for y in (y0..=y1).step_by(every) {
        let x = sc.x(month_start(y * 12).day_number() as f64);
        let _ = write!(
            out,
            "<line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{:.1}\" y2=\"{plot_bottom:.1}\" stroke=\"#d0d4d9\"/>",
            top - 8.0
        );
        if y < y1 {
            let _ = write!(
                out,
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" fill=\"#333\">{y}</text>",
                x + 3.0,
                top - 12.0
            );
        }
    }
    // Rows and their marks.
    for (i, (label, rel)) in rows.iter().enumerate() {
        let cy = top + row * i as f64 + row / 2.0;
        if i % 2 == 0 {
            let _ = write!(
                out,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{row}\" fill=\"#f3f5f7\"/>",
                sc.left,
                cy - row / 2.0,
                sc.right - sc.left
            );
        }
        let _ = write!(
            out,
            "<text x=\"4\" y=\"{:.1}\" font-size=\"12\" fill=\"#333\">{}</text>",
            cy + 4.0,
            esc(label)
        );
        let mut buckets: BTreeMap<i64, Vec<&Release>> = BTreeMap::new();
        for r in rel {
            let b = (month_index(r.target_date) - m0).div_euclid(per);
            buckets.entry(b).or_default().push(r);
        }
        for (b, rs) in buckets {
            let from = m0 + b * per;
            let x = sc.x(
                (month_start(from).day_number() + month_start(from + per).day_number()) as f64
                    / 2.0,
            );
            let level = rs
                .iter()
                .map(|r| r.target_maturity.level())
                .max()
                .unwrap_or(1);
            let k = rs
                .iter()
                .filter(|r| in_conflict.contains(r.code.as_str()))
                .count();
            let tip = if let [r] = rs.as_slice() {
                t_args(
                    lang,
                    "timeline-mark-one",
                    &[
                        ("release", r.code.to_string()),
                        ("service", r.service.to_string()),
                        ("date", r.target_date.to_string()),
                        ("level", level.to_string()),
                    ],
                )
            } else {
                let period = if per == 1 {
                    month_label(from)
                } else {
                    format!("{} – {}", month_label(from), month_label(from + per - 1))
                };
                t_args(
                    lang,
                    "timeline-mark-many",
                    &[
                        ("count", rs.len().to_string()),
                        ("row", (*label).to_owned()),
                        ("period", period),
                        ("level", level.to_string()),
                    ],
                )
            };
            let tip = if k > 0 {
                format!(
                    "{tip} {}",
                    t_args(lang, "timeline-mark-conflicts", &[("count", k.to_string())])
                )
            } else {
                tip
            };
            let _ = write!(
                out,
                "<g class=\"mark{}\" data-row=\"{}\" data-from=\"{}\" data-count=\"{}\" data-conflicts=\"{k}\"><title>{}</title>{}",
                if k > 0 { " conflict" } else { "" },
                esc(label),
                month_label(from),
                rs.len(),
                esc(&tip),
                level_shape(level, x, cy)
            );
            if k > 0 {
                out.push_str(&conflict_ring(x, cy));
            }
            if rs.len() > 1 {
                let _ = write!(
                    out,
                    "<text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"9\" fill=\"#111\">{}</text>",
                    cy + 12.5,
                    rs.len()
                );
            }
            out.push_str("</g>");
        }
    }
    let _ = write!(
        out,
        "<line x1=\"{l:.1}\" x2=\"{r:.1}\" y1=\"{plot_bottom:.1}\" y2=\"{plot_bottom:.1}\" stroke=\"#555\"/>",
        l = sc.left,
        r = sc.right
    );
    // Today.
    let tx = sc.x(today.day_number() as f64);
    let _ = write!(
        out,
        "<line class=\"today\" x1=\"{tx:.1}\" x2=\"{tx:.1}\" y1=\"{:.1}\" y2=\"{plot_bottom:.1}\" stroke=\"#111\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\"/>\
         <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" fill=\"#111\">{}</text>",
        top - 22.0,
        tx + 3.0,
        top - 24.0,
        esc(&t(lang, "chart-today"))
    );
    // Legend, two columns: the four levels, then the conflict ring and today.
    for i in 0..6u8 {
        let (x, y) = (
            14.0 + 370.0 * f64::from(i % 2),
            legend_y + LEGEND_LINE * f64::from(i / 2),
        );
        let (shape, label) = match i {
            0..=3 => (
                level_shape(i + 1, x, y),
                t_args(
                    lang,
                    "timeline-level",
                    &[
                        ("level", (i + 1).to_string()),
                        ("label", t(lang, &format!("maturity-{}", i + 1))),
                    ],
                ),
            ),
            4 => (conflict_ring(x, y), t(lang, "timeline-conflict")),
            _ => (
                format!(
                    "<line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#111\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\"/>",
                    y - 8.0,
                    y + 8.0
                ),
                t(lang, "chart-today"),
            ),
        };
        let _ = write!(
            out,
            "{shape}<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" fill=\"#333\">{}</text>",
            x + 14.0,
            y + 4.0,
            esc(&label)
        );
    }
    if !hidden.is_empty() {
        let _ = write!(
            out,
            "<text class=\"more\" x=\"4\" y=\"{:.1}\" font-size=\"12\" fill=\"#333\">{}</text>",
            legend_y + LEGEND_LINE * 3.0 + 4.0,
            esc(&t_args(
                lang,
                "timeline-more",
                &[
                    ("rows", hidden.len().to_string()),
                    ("releases", hidden_releases.to_string()),
                ]
            ))
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use agenda_core::catalogue::roadmap::conflicts;
    use agenda_core::{Code, Maturity};

    use super::*;

    /// An element of an SVG document: its name and attributes (entities left as written).
    #[derive(Debug)]
    struct Element {
        name: String,
        attrs: BTreeMap<String, String>,
    }

    impl Element {
        fn attr(&self, k: &str) -> &str {
            self.attrs.get(k).map(String::as_str).unwrap_or("")
        }
    }

    /// Checks that `s` is one well-formed XML element (the subset the charts write: elements,
    /// double-quoted attributes, text, the five predefined entities and numeric references)
    /// and returns its elements in document order.
    fn well_formed(s: &str) -> Result<Vec<Element>, String> {
        fn check_text(t: &str) -> Result<(), String> {
            let mut rest = t;
            while let Some(i) = rest.find('&') {
                let end = rest[i..]
                    .find(';')
                    .ok_or(format!("unterminated & in {t:?}"))?;
                let entity = &rest[i + 1..i + end];
                let known = ["amp", "lt", "gt", "quot", "apos"].contains(&entity)
                    || entity.strip_prefix('#').is_some_and(|n| {
                        n.parse::<u32>().is_ok()
                            || n.strip_prefix('x')
                                .is_some_and(|h| u32::from_str_radix(h, 16).is_ok())
                    });
                if !known {
                    return Err(format!("unknown entity &{entity};"));
                }
                rest = &rest[i + end + 1..];
            }
            if t.contains('<') {
                return Err(format!("raw < in {t:?}"));
            }
            Ok(())
        }
        let name_ok = |n: &str| {
            !n.is_empty()
                && n.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_:.".contains(c))
        };
        let mut out = Vec::new();
        let mut open: Vec<String> = Vec::new();
        let mut rest = s;
        let mut roots = 0;
        while !rest.is_empty() {
            let Some(lt) = rest.find('<') else {
                check_text(rest)?;
                if !rest.trim().is_empty() && open.is_empty() {
                    return Err("text outside the root".into());
                }
                break;
            };
            let text = &rest[..lt];
            check_text(text)?;
            if !text.trim().is_empty() && open.is_empty() {
                return Err("text outside the root".into());
            }
            let gt = rest[lt..].find('>').ok_or("unterminated tag")? + lt;
            let tag = &rest[lt + 1..gt];
            rest = &rest[gt + 1..];
            if let Some(name) = tag.strip_prefix('/') {
                match open.pop() {
                    Some(o) if o == name => continue,
                    o => return Err(format!("</{name}> closes {o:?}")),
                }
            }
            let (body, empty) = match tag.strip_suffix('/') {
                Some(b) => (b, true),
                None => (tag, false),
            };
            let (name, mut attrs_src) = body.split_once(' ').unwrap_or((body, ""));
            if !name_ok(name) {
                return Err(format!("bad element name {name:?}"));
            }
            if open.is_empty() {
                roots += 1;
            }
            let mut attrs = BTreeMap::new();
            loop {
                attrs_src = attrs_src.trim_start();
                if attrs_src.is_empty() {
                    break;
                }
                let eq = attrs_src
                    .find("=\"")
                    .ok_or(format!("bad attribute in <{tag}>"))?;
                let k = &attrs_src[..eq];
                let close = attrs_src[eq + 2..].find('"').ok_or("unterminated value")? + eq + 2;
                let v = &attrs_src[eq + 2..close];
                if !name_ok(k) {
                    return Err(format!("bad attribute name {k:?}"));
                }
                check_text(v)?;
                if attrs.insert(k.to_owned(), v.to_owned()).is_some() {
                    return Err(format!("attribute {k} twice in <{name}>"));
                }
                attrs_src = &attrs_src[close + 1..];
            }
            out.push(Element {
                name: name.to_owned(),
                attrs,
            });
            if !empty {
                open.push(name.to_owned());
            }
        }
        if !open.is_empty() {
            return Err(format!("unclosed {open:?}"));
        }
        if roots != 1 {
            return Err(format!("{roots} root elements"));
        }
        Ok(out)
    }

    fn demo() -> Snapshot {
        let base = Snapshot::empty(Arc::new(agenda_io::embedded::sdg().unwrap()));
        let plan =
            agenda_io::plan_import(&base, &agenda_io::embedded::demo_tables().unwrap()).unwrap();
        agenda_io::apply_in_memory(&base, &plan)
    }

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    fn release(code: &str, service: &str, org: &str, date: Date, level: &str) -> Release {
        Release {
            code: Code::parse(code).unwrap(),
            service: Code::parse(service).unwrap(),
            target_maturity: Maturity::parse(level).unwrap(),
            target_date: date,
            responsible_org: Code::parse(org).unwrap(),
            status: ReleaseStatus::Planned,
        }
    }

    fn marks(elements: &[Element]) -> Vec<&Element> {
        elements
            .iter()
            .filter(|e| e.name == "g" && e.attr("class").split(' ').any(|c| c == "mark"))
            .collect()
    }

    #[test]
    fn the_demo_timeline_has_a_mark_per_bucket_and_the_conflicts_of_the_analysis() {
        let s = demo();
        let all: Vec<&Release> = s.releases.values().collect();
        let found = conflicts(&s);
        let svg = release_timeline(&all, &found, d("2026-05-15"), "en");
        let elements = well_formed(&svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
        let root = &elements[0];
        assert_eq!(root.name, "svg");
        assert_eq!(root.attr("role"), "img");
        assert_eq!(root.attr("aria-labelledby"), "timeline-title timeline-desc");
        let title = elements.iter().position(|e| e.name == "title").unwrap();
        assert_eq!(elements[title].attr("id"), "timeline-title");
        assert_eq!(elements[title + 1].attr("id"), "timeline-desc");
        assert!(svg.contains(">Planned releases over time</title>"), "{svg}");
        assert_eq!(root.attr("data-months"), "1", "the demo fits in months");

        let planned: Vec<&Release> = all
            .iter()
            .copied()
            .filter(|r| r.status == ReleaseStatus::Planned)
            .collect();
        let in_conflict: BTreeSet<&str> = found.iter().map(|c| c.release.as_str()).collect();
        assert!(planned.len() > 20 && !in_conflict.is_empty());
        // Expected buckets: (organisation, month) → (releases, releases in conflict).
        let mut expected: BTreeMap<(String, String), (usize, usize)> = BTreeMap::new();
        for r in &planned {
            let e = expected
                .entry((
                    r.responsible_org.to_string(),
                    month_label(month_index(r.target_date)),
                ))
                .or_default();
            e.0 += 1;
            e.1 += usize::from(in_conflict.contains(r.code.as_str()));
        }
        let marks = marks(&elements);
        let drawn: BTreeMap<(String, String), (usize, usize)> = marks
            .iter()
            .map(|m| {
                (
                    (
                        m.attr("data-row").to_owned(),
                        m.attr("data-from").to_owned(),
                    ),
                    (
                        m.attr("data-count").parse().unwrap(),
                        m.attr("data-conflicts").parse().unwrap(),
                    ),
                )
            })
            .collect();
        assert_eq!(drawn.len(), marks.len(), "one mark per bucket");
        assert_eq!(drawn, expected);
        let total: usize = drawn.values().map(|v| v.0).sum();
        assert_eq!(total, planned.len());
        // The marks flagged as conflicts are exactly those holding a release in conflict.
        let flagged = marks
            .iter()
            .filter(|m| m.attr("class") == "mark conflict")
            .count();
        assert_eq!(flagged, expected.values().filter(|v| v.1 > 0).count());
        let rings = svg.matches("stroke=\"#b00020\"").count();
        assert_eq!(
            rings,
            flagged + 1,
            "one ring per flagged mark and the legend's"
        );
        // Today's line, year ticks, and no rows left out.
        assert_eq!(svg.matches("class=\"today\"").count(), 1);
        assert!(svg.contains(">2026</text>") && svg.contains(">2027</text>"));
        assert!(!svg.contains("class=\"more\""));
    }

    #[test]
    fn the_timeline_speaks_the_page_language() {
        let s = demo();
        let all: Vec<&Release> = s.releases.values().collect();
        let found = conflicts(&s);
        for (lang, title, level) in [
            (
                "fr",
                "Évolutions prévues dans le temps",
                "Niveau 4 : Entièrement en ligne",
            ),
            ("es", "Lanzamientos previstos en el tiempo", "Nivel 1: "),
        ] {
            let svg = release_timeline(&all, &found, d("2026-05-15"), lang);
            well_formed(&svg).unwrap();
            assert!(svg.contains(title), "{lang}");
            assert!(svg.contains(level), "{lang}: {svg}");
            assert!(!svg.contains(">timeline-"), "{lang}: a key untranslated");
            assert!(!svg.contains("Planned before"), "{lang}: English left");
        }
    }

    #[test]
    fn a_national_catalogue_is_aggregated_and_capped() {
        // 6,000 planned releases of 3,000 services by 200 organisations over 12 years.
        let owned: Vec<Release> = (0..6000)
            .map(|i| {
                release(
                    &format!("R-{i}"),
                    &format!("SVC-{}", i % 3000),
                    &format!("ORG-{}", (i * 7) % 200),
                    d("2026-01-01").add_days((i * 37 % 4380) as i64),
                    &(1 + i % 4).to_string(),
                )
            })
            .collect();
        let all: Vec<&Release> = owned.iter().collect();
        let svg = release_timeline(&all, &[], d("2026-05-15"), "en");
        let elements = well_formed(&svg).unwrap();
        let marks = marks(&elements);
        let rows: BTreeSet<&str> = marks.iter().map(|m| m.attr("data-row")).collect();
        assert_eq!(rows.len(), TIMELINE_MAX_ROWS);
        let months: i64 = elements[0].attr("data-months").parse().unwrap();
        assert!(months > 1, "twelve years are not drawn month by month");
        assert!(marks.len() as i64 <= TIMELINE_MAX_ROWS as i64 * TIMELINE_MAX_BUCKETS);
        // What is drawn and what the note sums up add up to every release.
        let drawn: usize = marks
            .iter()
            .map(|m| m.attr("data-count").parse::<usize>().unwrap())
            .sum();
        let hidden_rows = 200 - TIMELINE_MAX_ROWS;
        let note = format!(
            "…and {hidden_rows} more organisations with {} planned releases",
            6000 - drawn
        );
        assert!(svg.contains(&note), "{note}");
        assert!(svg.len() < 300_000, "{} bytes", svg.len());
    }

    #[test]
    fn a_few_services_get_a_row_each_and_nothing_planned_draws_nothing() {
        let mut done = release("R-0", "SVC-1", "CRA", d("2025-01-10"), "2");
        done.status = ReleaseStatus::Released;
        let a = release("R-1", "SVC-1", "CRA", d("2026-03-10"), "3");
        let b = release("R-2", "SVC-2", "CRA", d("2026-03-20"), "4");
        let svg = release_timeline(&[&done, &a, &b], &[], d("2026-01-01"), "en");
        let elements = well_formed(&svg).unwrap();
        let rows: Vec<&str> = marks(&elements)
            .iter()
            .map(|m| m.attr("data-row"))
            .collect();
        assert_eq!(
            rows,
            ["SVC-1", "SVC-2"],
            "only planned releases, a row per service"
        );
        assert!(svg.contains("one row per service"));
        assert_eq!(release_timeline(&[&done], &[], d("2026-01-01"), "en"), "");
    }
}
