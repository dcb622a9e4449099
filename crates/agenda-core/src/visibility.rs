//! What the public may see. Nothing in draft is ever shown: observations are public once
//! validated, progress reports once approved (or published).

use crate::model::{ObservationStatus, ReportStatus};
use crate::snapshot::Snapshot;

/// Whether an observation in this state is public.
pub fn observation_is_public(status: ObservationStatus) -> bool {
    status == ObservationStatus::Validated
}

/// Whether a progress report in this state is public.
pub fn report_is_public(status: ReportStatus) -> bool {
    matches!(status, ReportStatus::Approved | ReportStatus::Published)
}

/// The snapshot as the public sees it.
pub fn public_view(s: &Snapshot) -> Snapshot {
    // Few records are not public: remove those rather than rebuild the maps.
    let mut p = s.clone();
    let hidden: Vec<String> = s
        .observations
        .iter()
        .filter(|(_, o)| !observation_is_public(o.status))
        .map(|(k, _)| k.clone())
        .collect();
    for k in hidden {
        p.observations.remove(&k);
    }
    let hidden: Vec<String> = s
        .progress_reports
        .iter()
        .filter(|(_, r)| !report_is_public(r.status))
        .map(|(k, _)| k.clone())
        .collect();
    for k in hidden {
        p.progress_reports.remove(&k);
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_validated_observations_and_approved_reports_are_public() {
        assert!(observation_is_public(ObservationStatus::Validated));
        assert!(!observation_is_public(ObservationStatus::Submitted));
        assert!(!observation_is_public(ObservationStatus::Draft));
        assert!(report_is_public(ReportStatus::Approved));
        assert!(report_is_public(ReportStatus::Published));
        assert!(!report_is_public(ReportStatus::Returned));
        assert!(!report_is_public(ReportStatus::Draft));
    }
}
