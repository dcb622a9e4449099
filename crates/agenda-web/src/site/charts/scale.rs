//! The scales and steps the charts share.

use agenda_core::{Observation, ObservationStatus};

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
