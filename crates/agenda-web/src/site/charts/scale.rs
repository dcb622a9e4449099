//! The scales and steps the charts share.

use agenda_core::{Observation, ObservationStatus};

use crate::site::svg::{F1, Svg};

const GRID: &str = "#d0d4d9";
const INK: &str = "#333";

pub(super) struct Scale {
    pub(super) x0: f64,
    pub(super) x1: f64,
    pub(super) y0: f64,
    pub(super) y1: f64,
    pub(super) left: f64,
    pub(super) right: f64,
    pub(super) top: f64,
    pub(super) bottom: f64,
}

impl Scale {
    pub(super) fn x(&self, d: f64) -> f64 {
        self.left + (d - self.x0) / (self.x1 - self.x0).max(1.0) * (self.right - self.left)
    }

    pub(super) fn y(&self, v: f64) -> f64 {
        self.bottom
            - (v - self.y0) / (self.y1 - self.y0).max(f64::EPSILON) * (self.bottom - self.top)
    }
}

pub(super) fn nice_step(range: f64) -> f64 {
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

pub(super) fn validated_totals<'a>(
    obs: impl Iterator<Item = &'a Observation>,
) -> Vec<&'a Observation> {
    obs.filter(|o| o.disaggregation.is_none() && o.status == ObservationStatus::Validated)
        .collect()
}

/// The horizontal grid lines of a chart every `step` from `s.y0` to `s.y1`, each labelled with
/// its value on the left.
pub(super) fn value_grid(svg: &mut Svg, s: &Scale, step: f64) {
    let mut v = s.y0;
    while v <= s.y1 + step / 2.0 {
        let y = s.y(v);
        svg.leaf(
            "line",
            &[
                ("x1", &F1(s.left)),
                ("x2", &F1(s.right)),
                ("y1", &F1(y)),
                ("y2", &F1(y)),
                ("stroke", &GRID),
            ],
        );
        svg.text(
            "text",
            &[
                ("x", &F1(s.left - 6.0)),
                ("y", &F1(y + 4.0)),
                ("text-anchor", &"end"),
                ("font-size", &12),
                ("fill", &INK),
            ],
            &trim_num(v),
        );
        v += step;
    }
}

/// A value label: whole numbers without decimals, others with one.
fn trim_num(v: f64) -> String {
    if v.abs() >= 1000.0 || v.fract() == 0.0 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.1}")
    }
}
