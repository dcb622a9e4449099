//! A KPI's figures broken down by one dimension (sex, region, age…): one line per category
//! over time, each with its own colour and dash so that colour is never the only cue. The page
//! shows the same figures in a table.

use agenda_core::{Observation, ObservationStatus};

use super::scale::{Scale, nice_step, value_grid};
use crate::site::svg::{F1, Svg, SvgImage};

/// Colours of the categories (Okabe and Ito's palette, told apart by colour-blind readers).
const COLOURS: [&str; 7] = [
    "#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000",
];
/// Dash patterns, cycled with the colours.
const DASHES: [&str; 4] = ["none", "8 4", "2 3", "10 3 2 3"];
const INK: &str = "#333";

/// The validated figures broken down by exactly the dimensions `dims` (in name order: one, or
/// several combined), by category in name order; a combined category reads `north × female`.
pub fn breakdown_series<'a>(
    obs: impl Iterator<Item = &'a Observation>,
    dims: &[&str],
) -> Vec<(String, Vec<&'a Observation>)> {
    let mut out: Vec<(String, Vec<&Observation>)> = Vec::new();
    for o in obs.filter(|o| o.status == ObservationStatus::Validated) {
        let Some(d) = o.disaggregation.as_ref().filter(|d| d.dimensions() == dims) else {
            continue;
        };
        let category = d.pairs().map(|(_, v)| v).collect::<Vec<_>>().join(" × ");
        match out.iter_mut().find(|(c, _)| *c == category) {
            Some((_, v)) => v.push(o),
            None => out.push((category, vec![o])),
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    for (_, v) in &mut out {
        v.sort_by_key(|o| o.period);
    }
    out
}

/// The chart of `series` (see [`breakdown_series`]), titled and described for assistive
/// technologies; the legend names each category under the plot.
pub fn breakdown_chart(
    series: &[(String, Vec<&Observation>)],
    title: &str,
    desc: &str,
    dir: &str,
) -> SvgImage {
    let all = series.iter().flat_map(|(_, v)| v.iter());
    let (mut x0, mut x1, mut lo, mut hi) = (i64::MAX, i64::MIN, f64::MAX, f64::MIN);
    for o in all {
        let d = o.period.end().day_number();
        (x0, x1) = (x0.min(d), x1.max(d));
        (lo, hi) = (lo.min(o.value), hi.max(o.value));
    }
    if x0 > x1 {
        return SvgImage::empty();
    }
    lo = lo.min(0.0);
    let step = nice_step((hi - lo).max(1.0));
    let y1 = (hi / step).ceil() * step;
    let y0 = (lo / step).floor() * step;
    let rows = series.len() as f64;
    // Legend lines large enough to read when a phone shrinks the chart.
    let (w, h) = (640.0, 250.0 + 34.0 * rows);
    let s = Scale {
        x0: x0 as f64,
        x1: if x1 > x0 { x1 as f64 } else { x0 as f64 + 1.0 },
        y0,
        y1: if y1 > y0 { y1 } else { y0 + 1.0 },
        left: 64.0,
        right: w - 24.0,
        top: 16.0,
        bottom: 216.0,
    };
    let mut svg = Svg::for_dir(
        &[
            ("class", &"chart"),
            ("viewBox", &format_args!("0 0 {w} {}", F1(h))),
            ("role", &"img"),
            ("aria-labelledby", &"breakdown-title breakdown-desc"),
        ],
        dir,
        w,
        true,
    );
    svg.text("title", &[("id", &"breakdown-title")], &title);
    svg.text("desc", &[("id", &"breakdown-desc")], &desc);
    value_grid(&mut svg, &s, step);
    // The first and last periods under the axis.
    let ends = series
        .iter()
        .flat_map(|(_, v)| v.iter().map(|o| o.period))
        .fold(None, |acc: Option<(_, _)>, p| match acc {
            None => Some((p, p)),
            Some((a, b)) => Some((a.min(p), b.max(p))),
        });
    if let Some((first, last)) = ends {
        for (p, anchor) in [(first, "start"), (last, "end")] {
            svg.text(
                "text",
                &[
                    ("x", &F1(s.x(p.end().day_number() as f64))),
                    ("y", &F1(s.bottom + 18.0)),
                    ("text-anchor", &anchor),
                    ("font-size", &12),
                    ("fill", &INK),
                ],
                &p,
            );
        }
    }
    for (i, (category, obs)) in series.iter().enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        let dash = DASHES[i % DASHES.len()];
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
        svg.leaf(
            "polyline",
            &[
                ("points", &pts.join(" ")),
                ("fill", &"none"),
                ("stroke", &colour),
                ("stroke-width", &2.5),
                ("stroke-dasharray", &dash),
            ],
        );
        let ly = s.bottom + 48.0 + 34.0 * i as f64;
        svg.leaf(
            "line",
            &[
                ("x1", &F1(s.left)),
                ("x2", &F1(s.left + 36.0)),
                ("y1", &F1(ly)),
                ("y2", &F1(ly)),
                ("stroke", &colour),
                ("stroke-width", &2.5),
                ("stroke-dasharray", &dash),
            ],
        );
        svg.text(
            "text",
            &[
                ("x", &F1(s.left + 46.0)),
                ("y", &F1(ly + 7.0)),
                ("font-size", &20),
                ("fill", &INK),
            ],
            category,
        );
    }
    svg.finish()
}
