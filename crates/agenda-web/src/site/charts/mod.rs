//! Server-side SVG charts: a KPI against its path to target, sparklines, the roadmap and the
//! timeline of planned service releases. Each chart is an image with a title and description;
//! the pages also give the data as tables.

use std::fmt::Write as _;

use agenda_core::kpi_status::{expected_at, trajectory};
use agenda_core::{Date, Kpi, Observation, Snapshot};

use super::views::esc;

mod scale;
#[cfg(test)]
mod tests;
mod timeline;

use scale::{Scale, nice_step, validated_totals};
pub use timeline::release_timeline;

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
