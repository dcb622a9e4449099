//! The impact × feasibility quadrant of the priorities analysis.

use crate::site::svg::{F1, Svg, SvgImage};

/// Texts of the quadrant, in the page's language.
pub struct QuadrantLabels {
    /// Accessible title.
    pub title: String,
    /// The horizontal axis.
    pub feasibility: String,
    /// The vertical axis.
    pub impact: String,
}

/// One point per service at (feasibility, impact), both on 0–100, with the quadrants' lines.
pub fn quadrant(
    points: impl Iterator<Item = (f64, f64)>,
    l: &QuadrantLabels,
    dir: &str,
) -> SvgImage {
    let (w, h, m) = (420.0, 420.0, 48.0);
    let side = w - m - 8.0;
    let (mid_x, mid_y) = (m + side / 2.0, 8.0 + side / 2.0);
    let mut svg = Svg::for_dir(
        &[
            ("class", &"chart quadrant"),
            ("viewBox", &format_args!("0 0 {w} {h}")),
            ("role", &"img"),
            ("aria-labelledby", &"q-title"),
        ],
        dir,
        w,
        false,
    );
    svg.text("title", &[("id", &"q-title")], &l.title);
    svg.leaf(
        "rect",
        &[
            ("x", &m),
            ("y", &8),
            ("width", &side),
            ("height", &side),
            ("fill", &"#f3f5f8"),
            ("stroke", &"#555"),
        ],
    );
    svg.leaf(
        "line",
        &[
            ("x1", &mid_x),
            ("x2", &mid_x),
            ("y1", &8),
            ("y2", &(w - m)),
            ("stroke", &"#555"),
            ("stroke-dasharray", &"4 3"),
        ],
    );
    svg.leaf(
        "line",
        &[
            ("x1", &m),
            ("x2", &(w - 8.0)),
            ("y1", &mid_y),
            ("y2", &mid_y),
            ("stroke", &"#555"),
            ("stroke-dasharray", &"4 3"),
        ],
    );
    svg.text(
        "text",
        &[
            ("x", &mid_x),
            ("y", &(h - 14.0)),
            ("text-anchor", &"middle"),
            ("font-size", &13),
            ("fill", &"#222"),
        ],
        &l.feasibility,
    );
    svg.text(
        "text",
        &[
            ("x", &14),
            ("y", &mid_y),
            ("transform", &format_args!("rotate(-90 14 {mid_y})")),
            ("text-anchor", &"middle"),
            ("font-size", &13),
            ("fill", &"#222"),
        ],
        &l.impact,
    );
    for (feasibility, impact) in points {
        let x = m + feasibility / 100.0 * side;
        let y = 8.0 + (1.0 - impact / 100.0) * side;
        svg.leaf(
            "circle",
            &[
                ("cx", &F1(x)),
                ("cy", &F1(y)),
                ("r", &4),
                ("fill", &"#005a9c"),
                ("fill-opacity", &0.7),
            ],
        );
    }
    svg.finish()
}
