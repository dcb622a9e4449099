//! The timeline of planned service releases.

use std::collections::{BTreeMap, BTreeSet};

use agenda_core::catalogue::roadmap::Conflict;
use agenda_core::{Date, Release, ReleaseStatus};

use super::scale::Scale;
use crate::site::i18n::{t, t_args};
use crate::site::svg::{F1, Svg, SvgImage};

/// At most this many rows in the release timeline; the other organisations (those with fewer
/// conflicts, then fewer releases) are summed up in a note, so a national catalogue keeps the
/// chart readable and bounded.
pub(super) const TIMELINE_MAX_ROWS: usize = 30;

/// At most this many time buckets across the release timeline: a month each while the period
/// allows, else a quarter, half-year or year.
pub(super) const TIMELINE_MAX_BUCKETS: i64 = 72;

/// Height of a line of the release timeline's legend.
const LEGEND_LINE: f64 = 22.0;

/// Up to this many services, the release timeline has one row per service.
const TIMELINE_FEW_SERVICES: usize = 6;

/// Fill colours of the release marks, by target maturity level 1–4 (each level has its own
/// shape too).
const LEVEL_COLOURS: [&str; 4] = ["#8a5a00", "#005a9c", "#6b4fa1", "#2e7d32"];

/// The SVG shape of a release mark of maturity `level` centred on (`x`, `y`): a circle, a
/// square, a triangle and a diamond for levels 1 to 4.
fn level_shape(svg: &mut Svg, level: u8, x: f64, y: f64) {
    let i = usize::from(level.clamp(1, 4) - 1);
    let fill = LEVEL_COLOURS[i];
    let (stroke, width) = ("#111", 1);
    match i {
        0 => svg.leaf(
            "circle",
            &[
                ("cx", &F1(x)),
                ("cy", &F1(y)),
                ("r", &5),
                ("fill", &fill),
                ("stroke", &stroke),
                ("stroke-width", &width),
            ],
        ),
        1 => svg.leaf(
            "rect",
            &[
                ("x", &F1(x - 4.5)),
                ("y", &F1(y - 4.5)),
                ("width", &9),
                ("height", &9),
                ("fill", &fill),
                ("stroke", &stroke),
                ("stroke-width", &width),
            ],
        ),
        2 => svg.leaf(
            "path",
            &[
                ("d", &format_args!("M{x:.1} {:.1} l5.5 10 h-11 z", y - 5.5)),
                ("fill", &fill),
                ("stroke", &stroke),
                ("stroke-width", &width),
            ],
        ),
        _ => svg.leaf(
            "path",
            &[
                (
                    "d",
                    &format_args!("M{x:.1} {:.1} l6 6 l-6 6 l-6 -6 z", y - 6.0),
                ),
                ("fill", &fill),
                ("stroke", &stroke),
                ("stroke-width", &width),
            ],
        ),
    };
}

/// The ring drawn around a mark whose releases include a conflict: a shape, not only a colour.
fn conflict_ring(svg: &mut Svg, x: f64, y: f64) {
    svg.leaf(
        "circle",
        &[
            ("cx", &F1(x)),
            ("cy", &F1(y)),
            ("r", &9),
            ("fill", &"none"),
            ("stroke", &"#b00020"),
            ("stroke-width", &2.5),
            ("stroke-dasharray", &"4 2"),
        ],
    );
}

/// Months since year 0 of a date (January 0000 = 0).
pub(super) fn month_index(d: Date) -> i64 {
    i64::from(d.year()) * 12 + i64::from(d.month()) - 1
}

/// The first day of month `m` (as counted by [`month_index`]).
fn month_start(m: i64) -> Date {
    let (y, mo) = (m.div_euclid(12), m.rem_euclid(12) + 1);
    Date::from_ymd(y as i32, mo as u32, 1).unwrap_or_else(|| unreachable!("a valid month"))
}

/// `YYYY-MM` of month `m`.
pub(super) fn month_label(m: i64) -> String {
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
) -> SvgImage {
    let planned: Vec<&Release> = releases
        .iter()
        .copied()
        .filter(|r| r.status == ReleaseStatus::Planned)
        .collect();
    let (Some(first), Some(last)) = (
        planned.iter().map(|r| r.target_date).min(),
        planned.iter().map(|r| r.target_date).max(),
    ) else {
        return SvgImage::empty();
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
    let mut svg = Svg::for_dir(
        &[
            ("class", &"chart timeline"),
            ("viewBox", &format_args!("0 0 {w} {h}")),
            ("role", &"img"),
            ("aria-labelledby", &"timeline-title timeline-desc"),
            ("data-months", &per),
        ],
        agenda_core::languages::direction(lang),
        w,
        true,
    );
    svg.text(
        "title",
        &[("id", &"timeline-title")],
        &t(lang, "timeline-title"),
    );
    svg.text("desc", &[("id", &"timeline-desc")], &desc);
    // Year ticks.
    let (y0, y1) = (m0 / 12, m1 / 12);
    let every = ((y1 - y0) / 12 + 1) as usize;
    for y in (y0..=y1).step_by(every) {
        let x = sc.x(month_start(y * 12).day_number() as f64);
        svg.leaf(
            "line",
            &[
                ("x1", &F1(x)),
                ("x2", &F1(x)),
                ("y1", &F1(top - 8.0)),
                ("y2", &F1(plot_bottom)),
                ("stroke", &"#d0d4d9"),
            ],
        );
        if y < y1 {
            svg.text(
                "text",
                &[
                    ("x", &F1(x + 3.0)),
                    ("y", &F1(top - 12.0)),
                    ("font-size", &12),
                    ("fill", &"#333"),
                ],
                &y,
            );
        }
    }
    // Rows and their marks.
    for (i, (label, rel)) in rows.iter().enumerate() {
        let cy = top + row * i as f64 + row / 2.0;
        if i % 2 == 0 {
            svg.leaf(
                "rect",
                &[
                    ("x", &F1(sc.left)),
                    ("y", &F1(cy - row / 2.0)),
                    ("width", &F1(sc.right - sc.left)),
                    ("height", &row),
                    ("fill", &"#f3f5f7"),
                ],
            );
        }
        svg.text(
            "text",
            &[
                ("x", &4),
                ("y", &F1(cy + 4.0)),
                ("font-size", &12),
                ("fill", &"#333"),
            ],
            label,
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
            svg.open(
                "g",
                &[
                    ("class", &if k > 0 { "mark conflict" } else { "mark" }),
                    ("data-row", label),
                    ("data-from", &month_label(from)),
                    ("data-count", &rs.len()),
                    ("data-conflicts", &k),
                ],
            );
            svg.text("title", &[], &tip);
            level_shape(&mut svg, level, x, cy);
            if k > 0 {
                conflict_ring(&mut svg, x, cy);
            }
            if rs.len() > 1 {
                svg.text(
                    "text",
                    &[
                        ("x", &F1(x)),
                        ("y", &F1(cy + 12.5)),
                        ("text-anchor", &"middle"),
                        ("font-size", &9),
                        ("fill", &"#111"),
                    ],
                    &rs.len(),
                );
            }
            svg.close();
        }
    }
    svg.leaf(
        "line",
        &[
            ("x1", &F1(sc.left)),
            ("x2", &F1(sc.right)),
            ("y1", &F1(plot_bottom)),
            ("y2", &F1(plot_bottom)),
            ("stroke", &"#555"),
        ],
    );
    // Today.
    let tx = sc.x(today.day_number() as f64);
    svg.leaf(
        "line",
        &[
            ("class", &"today"),
            ("x1", &F1(tx)),
            ("x2", &F1(tx)),
            ("y1", &F1(top - 22.0)),
            ("y2", &F1(plot_bottom)),
            ("stroke", &"#111"),
            ("stroke-width", &1.5),
            ("stroke-dasharray", &"5 3"),
        ],
    );
    svg.text(
        "text",
        &[
            ("x", &F1(tx + 3.0)),
            ("y", &F1(top - 24.0)),
            ("font-size", &12),
            ("fill", &"#111"),
        ],
        &t(lang, "chart-today"),
    );
    // Legend, two columns: the four levels, then the conflict ring and today.
    for i in 0..6u8 {
        let (x, y) = (
            14.0 + 370.0 * f64::from(i % 2),
            legend_y + LEGEND_LINE * f64::from(i / 2),
        );
        let label = match i {
            0..=3 => {
                level_shape(&mut svg, i + 1, x, y);
                t_args(
                    lang,
                    "timeline-level",
                    &[
                        ("level", (i + 1).to_string()),
                        ("label", t(lang, &format!("maturity-{}", i + 1))),
                    ],
                )
            }
            4 => {
                conflict_ring(&mut svg, x, y);
                t(lang, "timeline-conflict")
            }
            _ => {
                svg.leaf(
                    "line",
                    &[
                        ("x1", &F1(x)),
                        ("x2", &F1(x)),
                        ("y1", &F1(y - 8.0)),
                        ("y2", &F1(y + 8.0)),
                        ("stroke", &"#111"),
                        ("stroke-width", &1.5),
                        ("stroke-dasharray", &"5 3"),
                    ],
                );
                t(lang, "chart-today")
            }
        };
        svg.text(
            "text",
            &[
                ("x", &F1(x + 14.0)),
                ("y", &F1(y + 4.0)),
                ("font-size", &11),
                ("fill", &"#333"),
            ],
            &label,
        );
    }
    if !hidden.is_empty() {
        svg.text(
            "text",
            &[
                ("class", &"more"),
                ("x", &4),
                ("y", &F1(legend_y + LEGEND_LINE * 3.0 + 4.0)),
                ("font-size", &12),
                ("fill", &"#333"),
            ],
            &t_args(
                lang,
                "timeline-more",
                &[
                    ("rows", hidden.len().to_string()),
                    ("releases", hidden_releases.to_string()),
                ],
            ),
        );
    }
    svg.finish()
}
