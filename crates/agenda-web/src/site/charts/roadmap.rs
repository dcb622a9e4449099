//! The roadmap as a Gantt chart (wide screens; phones get the list by year of the page).

use agenda_core::{Date, Snapshot};

use super::scale::Scale;
use crate::site::svg::{F1, Svg, SvgImage};

/// The roadmap: one bar per action line over the agenda's period, its milestones as marks
/// (filled when done), and a line for today.
pub fn roadmap_chart(
    s: &Snapshot,
    today: Date,
    today_label: &str,
    title: &str,
    dir: &str,
) -> SvgImage {
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
    let mut svg = Svg::for_dir(
        &[
            ("class", &"chart roadmap"),
            ("viewBox", &format_args!("0 0 {w} {h}")),
            ("role", &"img"),
            ("aria-labelledby", &"roadmap-title"),
        ],
        dir,
        w,
        true,
    );
    svg.text("title", &[("id", &"roadmap-title")], &title);
    for y in start.year()..=end.year() {
        if let Some(d) = Date::from_ymd(y, 1, 1) {
            let x = sc.x(d.day_number() as f64).max(sc.left);
            svg.leaf(
                "line",
                &[
                    ("x1", &F1(x)),
                    ("x2", &F1(x)),
                    ("y1", &F1(top - 26.0)),
                    ("y2", &h),
                    ("stroke", &"#d0d4d9"),
                ],
            );
            svg.text(
                "text",
                &[
                    ("x", &F1(x + 3.0)),
                    ("y", &14),
                    ("font-size", &12),
                    ("fill", &"#333"),
                ],
                &y,
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
        svg.text(
            "text",
            &[
                ("x", &4),
                ("y", &F1(y + 14.0)),
                ("font-size", &12),
                ("fill", &"#333"),
            ],
            &a.code,
        );
        svg.leaf(
            "rect",
            &[
                ("x", &F1(x1)),
                ("y", &F1(y + 4.0)),
                ("width", &F1((x2 - x1).max(2.0))),
                ("height", &12),
                ("rx", &3),
                ("fill", &fill),
                ("fill-opacity", &0.85),
            ],
        );
        for m in s.milestones.values().filter(|m| m.action_line == a.code) {
            let x = sc.x(m.due.day_number() as f64);
            let done = m.status.as_str() == "done";
            svg.leaf(
                "path",
                &[
                    (
                        "d",
                        &format_args!("M{x:.1} {:.1} l5 5 l-5 5 l-5 -5 z", y + 5.0),
                    ),
                    ("fill", &if done { "#111" } else { "#fff" }),
                    ("stroke", &"#111"),
                    ("stroke-width", &1),
                ],
            );
        }
    }
    let tx = sc.x(today.day_number() as f64);
    svg.leaf(
        "line",
        &[
            ("x1", &F1(tx)),
            ("x2", &F1(tx)),
            ("y1", &F1(top - 18.0)),
            ("y2", &h),
            ("stroke", &"#b00020"),
            ("stroke-width", &2),
        ],
    );
    svg.text(
        "text",
        &[
            ("x", &F1(tx + 3.0)),
            ("y", &F1(top - 6.0)),
            ("font-size", &12),
            ("fill", &"#b00020"),
        ],
        &today_label,
    );
    svg.finish()
}
