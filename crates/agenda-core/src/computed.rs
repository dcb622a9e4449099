//! KPIs that count themselves: a KPI defined by a formula over the services catalogue instead of
//! typed figures. Its value for a period is computed from the catalogue as it stands while the
//! period runs and recorded as an observation that says where it came from ("computed from 121
//! services on 2026-12-31"); once the period is over the last value computed in it stays, as the
//! catalogue stood then.
//!
//! While its period runs, the observation is flagged `provisional` and follows the catalogue;
//! when the period has ended, the flag is lifted and the figure is never recomputed. A period
//! that ended before the KPI was computed has no figure: the catalogue as it stood then is not
//! known.

use serde::Serialize;

use crate::Frequency;
use crate::catalogue::{freshness, once_only, standard};
use crate::model::{Kpi, Observation, ObservationFlag, ObservationStatus, Unit};
use crate::snapshot::Snapshot;
use crate::values::{Date, Maturity, Period, vocabulary};

vocabulary!(
    /// What a computed KPI counts in the catalogue.
    Formula {
        /// Share of the catalogue's services at GovStack level 4 (100 % online), in %.
        ServicesFullyOnline = "services_fully_online",
        /// Share of the transactions a year completed digitally, each service's transactions
        /// weighted by its digital take-up, in % (services with both figures).
        DigitalTransactions = "digital_transactions",
        /// Share of life and business events whose every service is at level 4, in %.
        LifeEventsFullyOnline = "life_events_fully_online",
        /// Requests a year that ask people for data a base registry already holds.
        OnceOnlyRequestsAsked = "once_only_requests_asked",
        /// Share of the evidence services already obtain from registries rather than ask, in %.
        OnceOnlyCoverage = "once_only_coverage",
        /// Services that met every criterion of the digital service standard.
        ServicesPassingStandard = "services_passing_standard",
        /// Services whose information sheet was reviewed within the governance period.
        ServicesReviewed = "services_reviewed"
    }
);

impl Formula {
    /// The unit its value is in.
    pub fn unit(self) -> Unit {
        match self {
            Self::ServicesFullyOnline
            | Self::DigitalTransactions
            | Self::LifeEventsFullyOnline
            | Self::OnceOnlyCoverage => Unit::Percent,
            Self::OnceOnlyRequestsAsked
            | Self::ServicesPassingStandard
            | Self::ServicesReviewed => Unit::Count,
        }
    }
}

/// A value computed from the catalogue, with what it was computed from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Computed {
    /// The value, in the formula's unit.
    pub value: f64,
    /// How many records it was computed from.
    pub basis: usize,
    /// What those records are (`services`, `life events`).
    pub of: &'static str,
}

impl Computed {
    /// The provenance an observation carries: "computed from 121 services on 2026-12-31".
    pub fn provenance(&self, day: Date) -> String {
        format!("computed from {} {} on {day}", self.basis, self.of)
    }
}

fn share(part: f64, whole: f64) -> Option<f64> {
    // Rounded as figures are kept: to a hundredth.
    (whole > 0.0).then(|| (part / whole * 10_000.0).round() / 100.0)
}

/// The value of `formula` over the catalogue on `day`; `None` when there is nothing to compute
/// it from (no services, no transactions).
pub fn compute(formula: Formula, s: &Snapshot, day: Date) -> Option<Computed> {
    let services = s.services.len();
    let of_services = |value: f64| Computed {
        value,
        basis: services,
        of: "services",
    };
    let full = Maturity::parse("4").expect("level 4 exists");
    match formula {
        Formula::ServicesFullyOnline => {
            let online = s.services.values().filter(|v| v.maturity == full).count();
            share(online as f64, services as f64).map(of_services)
        }
        Formula::DigitalTransactions => {
            let (mut digital, mut all, mut counted) = (0.0, 0.0, 0);
            for v in s.services.values() {
                if let (Some(tx), Some(pct)) = (v.annual_transactions, v.digital_share_pct) {
                    all += tx as f64;
                    digital += tx as f64 * pct.value() / 100.0;
                    counted += 1;
                }
            }
            share(digital, all).map(|value| Computed {
                value,
                basis: counted,
                of: "services",
            })
        }
        Formula::LifeEventsFullyOnline => {
            let mut events: Vec<(usize, usize)> = vec![(0, 0); s.life_events.len()];
            let keys: Vec<&String> = s.life_events.keys().collect();
            for v in s.services.values() {
                for e in &v.life_event {
                    if let Ok(i) = keys.binary_search_by(|k| k.as_str().cmp(e.as_str())) {
                        events[i].1 += 1;
                        if v.maturity == full {
                            events[i].0 += 1;
                        }
                    }
                }
            }
            let with_services = events.iter().filter(|(_, n)| *n > 0).count();
            let done = events.iter().filter(|(f, n)| *n > 0 && f == n).count();
            share(done as f64, with_services as f64).map(|value| Computed {
                value,
                basis: with_services,
                of: "life events",
            })
        }
        Formula::OnceOnlyRequestsAsked => (services > 0)
            .then(|| of_services(once_only::once_only(s).summary.annual_requests as f64)),
        Formula::OnceOnlyCoverage => once_only::once_only(s)
            .summary
            .fetched_share_pct
            .map(|p| of_services((p * 100.0).round() / 100.0)),
        Formula::ServicesPassingStandard => {
            let c = standard::standard(s);
            let passed = c
                .services
                .iter()
                .filter(|v| c.criteria_count > 0 && v.counts.met == c.criteria_count)
                .count();
            (services > 0).then(|| of_services(passed as f64))
        }
        Formula::ServicesReviewed => {
            let f = freshness::freshness(s, day, freshness::DEFAULT_MONTHS);
            (services > 0).then(|| of_services((f.services - f.items.len()) as f64))
        }
    }
}

/// The period of `frequency` that `day` falls in.
pub fn period_of(frequency: Frequency, day: Date) -> Period {
    let (y, m) = (day.year(), day.month() as u8);
    match frequency {
        Frequency::Yearly => Period::Year(y),
        Frequency::Quarterly => Period::Quarter(y, (m - 1) / 3 + 1),
        Frequency::Monthly => Period::Month(y, m),
    }
}

/// The observations to write so that every computed KPI has its figure on `day`: the current
/// period's, computed now and provisional, where it is new or differs; and the figures of
/// periods that have ended, still provisional, made final as they are. Figures of ended periods
/// are never recomputed, and typed figures of a KPI before it was computed are left alone.
pub fn due(s: &Snapshot, day: Date) -> Vec<Observation> {
    let mut out = Vec::new();
    for k in s.kpis.values() {
        let Some(formula) = k.computed else { continue };
        out.extend(finals(s, k, day));
        let period = period_of(k.frequency, day);
        let Some(c) = compute(formula, s, day) else {
            continue;
        };
        let o = Observation {
            kpi: k.code.clone(),
            period,
            value: c.value,
            status: ObservationStatus::Validated,
            disaggregation: None,
            note: Some(c.provenance(day)),
            flag: Some(ObservationFlag::Provisional),
        };
        let key = crate::snapshot::Record::key(&o);
        match s.observations.get(&key) {
            // Same value: the provenance's day need not move every run.
            Some(old) if old.value == o.value && old.flag == o.flag => {}
            // A figure someone typed for the running period before the KPI was computed is
            // left as it is.
            Some(old) if old.flag != Some(ObservationFlag::Provisional) => {}
            _ => out.push(o),
        }
    }
    out
}

/// The provisional computed figures of `k` whose period has ended, made final.
fn finals(s: &Snapshot, k: &Kpi, day: Date) -> Vec<Observation> {
    let prefix = format!("{}:", k.code);
    s.observations
        .range(prefix.clone()..)
        .take_while(|(key, _)| key.starts_with(&prefix))
        .map(|(_, o)| o)
        .filter(|o| {
            o.disaggregation.is_none()
                && o.flag == Some(ObservationFlag::Provisional)
                && o.note
                    .as_deref()
                    .is_some_and(|n| n.starts_with("computed from "))
                && o.period.end() < day
        })
        .map(|o| Observation {
            flag: None,
            ..o.clone()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::EventAudience;
    use crate::catalogue::fixture::*;
    use crate::model::{Direction, LifeEvent, OrgKind, Organisation};
    use crate::values::{Code, Percent, Text};

    fn catalogue() -> Snapshot {
        let mut s = Snapshot::default();
        s.upsert(
            Organisation {
                code: c("ORG-A"),
                name: Text::en("A").unwrap(),
                kind: OrgKind::Ministry,
                parent_code: None,
                website: None,
            }
            .into(),
        );
        for e in ["LE-A", "LE-B", "LE-EMPTY"] {
            s.upsert(
                LifeEvent {
                    code: c(e),
                    title: Text::en(e).unwrap(),
                    audience: EventAudience::Citizen,
                }
                .into(),
            );
        }
        // Three services at level 2, one at level 4; LE-A's only service is fully online.
        for (code, level, tx, pct, event) in [
            ("SVC-1", "4", 1_000, 90.0, "LE-A"),
            ("SVC-2", "2", 3_000, 10.0, "LE-B"),
            ("SVC-3", "2", 0, 0.0, "LE-B"),
            ("SVC-4", "2", 500, 50.0, ""),
        ] {
            let mut v = service(code, Some(tx), "", "");
            v.maturity = Maturity::parse(level).unwrap();
            v.digital_share_pct = Some(Percent::new(pct).unwrap());
            v.life_event = codes(event);
            v.last_reviewed = (code == "SVC-1").then(|| d("2026-06-01"));
            s.upsert(v.into());
        }
        let mut k = crate::kpi_status::tests::kpi("KPI-1", Direction::Increase, 0.0, 100.0);
        k.computed = Some(Formula::ServicesFullyOnline);
        k.frequency = Frequency::Quarterly;
        s.upsert(k.into());
        s
    }

    #[test]
    fn formulas_count_the_catalogue() {
        let s = catalogue();
        let day = d("2026-11-26");
        let v = |f| compute(f, &s, day).map(|c| (c.value, c.basis, c.of));
        assert_eq!(v(Formula::ServicesFullyOnline), Some((25.0, 4, "services")));
        // (900 + 300 + 0 + 250) of 4,500 transactions.
        assert_eq!(
            v(Formula::DigitalTransactions),
            Some((32.22, 4, "services"))
        );
        // LE-A is fully online, LE-B is not, LE-EMPTY has no service and does not count.
        assert_eq!(
            v(Formula::LifeEventsFullyOnline),
            Some((50.0, 2, "life events"))
        );
        assert_eq!(v(Formula::ServicesReviewed), Some((1.0, 4, "services")));
        assert_eq!(
            v(Formula::ServicesPassingStandard),
            Some((0.0, 4, "services"))
        );
        assert_eq!(
            compute(Formula::ServicesFullyOnline, &Snapshot::default(), day),
            None
        );
        assert_eq!(
            compute(Formula::ServicesFullyOnline, &s, day)
                .unwrap()
                .provenance(day),
            "computed from 4 services on 2026-11-26"
        );
    }

    #[test]
    fn the_running_period_follows_the_catalogue_and_an_ended_one_is_kept_as_it_stood() {
        let mut s = catalogue();
        let day = d("2026-11-26");
        let due1 = due(&s, day);
        assert_eq!(due1.len(), 1);
        let o = &due1[0];
        assert_eq!(o.period.to_string(), "2026-Q4");
        assert_eq!(o.value, 25.0);
        assert_eq!(o.flag, Some(ObservationFlag::Provisional));
        assert_eq!(o.status, ObservationStatus::Validated);
        s.upsert(o.clone().into());
        // Nothing changed: nothing to write.
        assert!(due(&s, d("2026-11-27")).is_empty());

        // A second service goes fully online: the running quarter follows.
        let mut v = s.services["SVC-2"].clone();
        v.maturity = Maturity::parse("4").unwrap();
        s.upsert(v.into());
        let due2 = due(&s, d("2026-12-31"));
        assert_eq!(due2.len(), 1);
        assert_eq!(due2[0].value, 50.0);
        s.upsert(due2[0].clone().into());

        // The next quarter: Q4 is made final as it stood, never recomputed, and Q1 begins.
        let mut v = s.services["SVC-3"].clone();
        v.maturity = Maturity::parse("4").unwrap();
        s.upsert(v.into());
        let due3 = due(&s, d("2027-01-02"));
        let got: Vec<(String, f64, Option<ObservationFlag>)> = due3
            .iter()
            .map(|o| (o.period.to_string(), o.value, o.flag))
            .collect();
        assert_eq!(
            got,
            vec![
                ("2026-Q4".to_owned(), 50.0, None),
                (
                    "2027-Q1".to_owned(),
                    75.0,
                    Some(ObservationFlag::Provisional)
                ),
            ]
        );
        assert_eq!(
            due3[0].note.as_deref(),
            Some("computed from 4 services on 2026-12-31")
        );
    }

    #[test]
    fn a_figure_typed_before_the_kpi_was_computed_is_left_alone() {
        let mut s = catalogue();
        s.upsert(
            Observation {
                kpi: Code::parse("KPI-1").unwrap(),
                period: Period::parse("2026-Q4").unwrap(),
                value: 12.0,
                status: ObservationStatus::Validated,
                disaggregation: None,
                note: None,
                flag: None,
            }
            .into(),
        );
        assert!(due(&s, d("2026-11-26")).is_empty());
    }
}
