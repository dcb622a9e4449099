//! A KPI against its path to target, and the sparklines of the KPI lists.

use agenda_core::kpi_status::{expected_at, trajectory};
use agenda_core::{Date, Kpi, Observation};

use super::scale::{Scale, nice_step, validated_totals, value_grid};
use crate::site::svg::{F1, Svg, SvgImage};

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
    /// Legend: a figure with a data-quality flag (drawn hollow).
    pub flagged: String,
}

const AXIS: &str = "#555";
const INK: &str = "#333";
const OBSERVED: &str = "#005a9c";
const PATH: &str = "#6b4fa1";
const TODAY: &str = "#b00020";

/// A KPI's chart: the path from baseline through the interim targets to the final target
/// (dashed), the validated observations (solid, with points) and today. The legend is one
/// entry a line under the plot, so that its texts keep their size on a narrow screen; labels
/// of every other year carry the class `minor`, which phones hide.
pub fn kpi_chart<'a>(
    k: &Kpi,
    obs: impl Iterator<Item = &'a Observation>,
    today: Date,
    l: &ChartLabels,
    dir: &str,
) -> SvgImage {
    let obs = validated_totals(obs);
    let path = trajectory(k);
    let any_flagged = obs.iter().any(|o| o.flag.is_some());
    // One more legend line when a figure is flagged.
    let (w, h) = (640.0, if any_flagged { 377.0 } else { 350.0 });
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
        left: 64.0,
        right: w - 16.0,
        top: 16.0,
        bottom: 232.0,
    };
    let mut svg = Svg::for_dir(
        &[
            ("class", &"chart"),
            ("viewBox", &format_args!("0 0 {w} {h}")),
            ("role", &"img"),
            ("aria-labelledby", &"chart-title chart-desc"),
        ],
        dir,
        w,
        true,
    );
    svg.text("title", &[("id", &"chart-title")], &l.title);
    svg.text("desc", &[("id", &"chart-desc")], &l.desc);
    value_grid(&mut svg, &s, step);
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
        for (n, y) in (ya.year()..=yb + 1).step_by(every as usize).enumerate() {
            if let Some(d) = Date::from_ymd(y, 1, 1) {
                let x = s.x(d.day_number() as f64);
                if x >= s.left && x <= s.right {
                    svg.leaf(
                        "line",
                        &[
                            ("x1", &F1(x)),
                            ("x2", &F1(x)),
                            ("y1", &F1(s.bottom)),
                            ("y2", &F1(s.bottom + 5.0)),
                            ("stroke", &AXIS),
                        ],
                    );
                    svg.text(
                        "text",
                        &[
                            ("class", &if n % 2 == 1 { "minor" } else { "major" }),
                            ("x", &F1(x)),
                            ("y", &F1(s.bottom + 18.0)),
                            ("text-anchor", &"middle"),
                            ("font-size", &12),
                            ("fill", &INK),
                        ],
                        &y,
                    );
                }
            }
        }
    }
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
    // Path to target.
    let pts: Vec<String> = path
        .iter()
        .map(|(d, v)| format!("{:.1},{:.1}", s.x(d.day_number() as f64), s.y(*v)))
        .collect();
    svg.leaf(
        "polyline",
        &[
            ("points", &pts.join(" ")),
            ("fill", &"none"),
            ("stroke", &PATH),
            ("stroke-width", &2),
            ("stroke-dasharray", &"6 4"),
        ],
    );
    // Observations.
    if !obs.is_empty() {
        let xy: Vec<(f64, f64, bool)> = obs
            .iter()
            .map(|o| {
                (
                    s.x(o.period.end().day_number() as f64),
                    s.y(o.value),
                    o.flag.is_some(),
                )
            })
            .collect();
        let pts: Vec<String> = xy
            .iter()
            .map(|(x, y, _)| format!("{x:.1},{y:.1}"))
            .collect();
        svg.leaf(
            "polyline",
            &[
                ("points", &pts.join(" ")),
                ("fill", &"none"),
                ("stroke", &OBSERVED),
                ("stroke-width", &2.5),
            ],
        );
        for (x, y, flagged) in xy {
            // A flagged figure (estimated, provisional, break in series) is drawn hollow; the
            // table below names its flag.
            if flagged {
                svg.leaf(
                    "circle",
                    &[
                        ("class", &"flagged"),
                        ("cx", &F1(x)),
                        ("cy", &F1(y)),
                        ("r", &4.5),
                        ("fill", &"#fff"),
                        ("stroke", &OBSERVED),
                        ("stroke-width", &2),
                    ],
                );
            } else {
                svg.leaf(
                    "circle",
                    &[
                        ("cx", &F1(x)),
                        ("cy", &F1(y)),
                        ("r", &3),
                        ("fill", &OBSERVED),
                    ],
                );
            }
        }
    }
    // Today.
    let tx = s.x(today.day_number() as f64);
    if tx >= s.left && tx <= s.right {
        svg.leaf(
            "line",
            &[
                ("x1", &F1(tx)),
                ("x2", &F1(tx)),
                ("y1", &F1(s.top)),
                ("y2", &F1(s.bottom)),
                ("stroke", &TODAY),
                ("stroke-width", &1.5),
            ],
        );
    }
    // Legend, one entry a line.
    svg.open("g", &[("class", &"legend")]);
    let entries: [(&str, &dyn std::fmt::Display, &str, &String); 3] = [
        (OBSERVED, &2.5, "", &l.observed),
        (PATH, &2, "6 4", &l.path),
        (TODAY, &1.5, "", &l.today),
    ];
    for (i, (colour, width, dash, label)) in entries.into_iter().enumerate() {
        let ly = s.bottom + 40.0 + 27.0 * i as f64;
        if i == 2 {
            svg.leaf(
                "line",
                &[
                    ("x1", &F1(s.left + 14.0)),
                    ("x2", &F1(s.left + 14.0)),
                    ("y1", &F1(ly - 8.0)),
                    ("y2", &F1(ly + 8.0)),
                    ("stroke", &colour),
                    ("stroke-width", width),
                ],
            );
        } else {
            svg.leaf(
                "line",
                &[
                    ("x1", &F1(s.left)),
                    ("x2", &F1(s.left + 28.0)),
                    ("y1", &F1(ly)),
                    ("y2", &F1(ly)),
                    ("stroke", &colour),
                    ("stroke-width", width),
                    (
                        "stroke-dasharray",
                        &if dash.is_empty() { "none" } else { dash },
                    ),
                ],
            );
        }
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
    if any_flagged {
        let ly = s.bottom + 40.0 + 27.0 * 3.0;
        svg.leaf(
            "circle",
            &[
                ("cx", &F1(s.left + 14.0)),
                ("cy", &F1(ly)),
                ("r", &4.5),
                ("fill", &"#fff"),
                ("stroke", &OBSERVED),
                ("stroke-width", &2),
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
            &l.flagged,
        );
    }
    svg.finish()
}

/// A small decorative line of the validated values next to the expected path (the same
/// figures are in the table beside it, so it is hidden from assistive technologies).
pub fn sparkline<'a>(k: &Kpi, obs: impl Iterator<Item = &'a Observation>, dir: &str) -> SvgImage {
    let obs = validated_totals(obs);
    if obs.len() < 2 {
        return SvgImage::empty();
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
    let mut svg = Svg::for_dir(
        &[
            ("class", &"spark"),
            ("viewBox", &format_args!("0 0 {w} {h}")),
            ("width", &w),
            ("height", &h),
            ("aria-hidden", &"true"),
            ("focusable", &"false"),
        ],
        dir,
        w,
        true,
    );
    svg.leaf(
        "polyline",
        &[
            ("points", &line(&mut expected.iter().copied())),
            ("fill", &"none"),
            ("stroke", &PATH),
            ("stroke-width", &1.5),
            ("stroke-dasharray", &"3 2"),
        ],
    );
    svg.leaf(
        "polyline",
        &[
            ("points", &line(&mut obs.iter().map(|o| o.value))),
            ("fill", &"none"),
            ("stroke", &OBSERVED),
            ("stroke-width", &2),
        ],
    );
    svg.finish()
}
