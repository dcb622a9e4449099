//! A service's performance over time: digital take-up, satisfaction and completion rate, in %,
//! one line each across its periods.

use agenda_core::ServiceFigure;

use super::scale::{Scale, value_grid};
use crate::site::svg::{F1, Svg, SvgImage};

/// Texts of a service chart, in the page's language.
pub struct ServiceChartLabels {
    /// Accessible title.
    pub title: String,
    /// Accessible description.
    pub desc: String,
    /// Legend of each line: digital take-up, satisfaction, completion rate.
    pub series: [String; 3],
}

const AXIS: &str = "#555";
const INK: &str = "#333";
/// One colour and dash pattern per line, told apart without colour too.
const LINES: [(&str, &str); 3] = [("#005a9c", "none"), ("#1b7a3a", "6 4"), ("#8a4b00", "2 3")];

/// The chart of `figures` (in period order); empty when no figure has a percentage.
pub fn service_chart(figures: &[&ServiceFigure], l: &ServiceChartLabels, dir: &str) -> SvgImage {
    let value = |f: &ServiceFigure, i: usize| {
        [
            f.digital_share_pct,
            f.satisfaction_pct,
            f.completion_rate_pct,
        ][i]
            .map(|p| p.value())
    };
    if figures.len() < 2
        || !figures
            .iter()
            .any(|f| (0..3).any(|i| value(f, i).is_some()))
    {
        return SvgImage::empty();
    }
    let (w, h) = (640.0, 340.0);
    let s = Scale {
        x0: 0.0,
        x1: (figures.len() - 1) as f64,
        y0: 0.0,
        y1: 100.0,
        left: 48.0,
        right: w - 40.0,
        top: 16.0,
        bottom: 232.0,
    };
    let mut svg = Svg::for_dir(
        &[
            ("class", &"chart"),
            ("viewBox", &format_args!("0 0 {w} {h}")),
            ("role", &"img"),
            ("aria-labelledby", &"perf-title perf-desc"),
        ],
        dir,
        w,
        true,
    );
    svg.text("title", &[("id", &"perf-title")], &l.title);
    svg.text("desc", &[("id", &"perf-desc")], &l.desc);
    value_grid(&mut svg, &s, 20.0);
    svg.leaf(
        "line",
        &[
            ("x1", &F1(s.left)),
            ("x2", &F1(s.right)),
            ("y1", &F1(s.bottom)),
            ("y2", &F1(s.bottom)),
            ("stroke", &AXIS),
        ],
    );
    // Periods along the axis; on a long series only some are labelled, and every other label
    // is `minor` (phones hide those).
    let every = figures.len().div_ceil(12).max(1);
    for (n, (i, f)) in figures.iter().enumerate().step_by(every).enumerate() {
        svg.text(
            "text",
            &[
                ("class", &if n % 2 == 1 { "minor" } else { "major" }),
                ("x", &F1(s.x(i as f64))),
                ("y", &F1(s.bottom + 18.0)),
                ("text-anchor", &"middle"),
                ("font-size", &12),
                ("fill", &INK),
            ],
            &f.period,
        );
    }
    for (k, (colour, dash)) in LINES.iter().enumerate() {
        let pts: Vec<String> = figures
            .iter()
            .enumerate()
            .filter_map(|(i, f)| value(f, k).map(|v| format!("{:.1},{:.1}", s.x(i as f64), s.y(v))))
            .collect();
        if pts.is_empty() {
            continue;
        }
        svg.leaf(
            "polyline",
            &[
                ("points", &pts.join(" ")),
                ("fill", &"none"),
                ("stroke", colour),
                ("stroke-width", &2.5),
                ("stroke-dasharray", dash),
            ],
        );
    }
    svg.open("g", &[("class", &"legend")]);
    for (k, ((colour, dash), label)) in LINES.iter().zip(&l.series).enumerate() {
        let ly = s.bottom + 40.0 + 24.0 * k as f64;
        svg.leaf(
            "line",
            &[
                ("x1", &F1(s.left)),
                ("x2", &F1(s.left + 28.0)),
                ("y1", &F1(ly)),
                ("y2", &F1(ly)),
                ("stroke", colour),
                ("stroke-width", &2.5),
                ("stroke-dasharray", dash),
            ],
        );
        svg.text(
            "text",
            &[
                ("x", &F1(s.left + 36.0)),
                ("y", &F1(ly + 4.0)),
                ("font-size", &12),
                ("fill", &INK),
            ],
            label,
        );
    }
    svg.close();
    svg.finish()
}
