//! Coverage of the digital service standard: how far each service meets each criterion.
//!
//! Only the **latest** assessment of a service against a criterion counts (by `assessed_on`);
//! a criterion with no assessment of the service is **not assessed**. Assessments of criteria
//! or services the catalogue does not know are not counted.

use serde::Serialize;
use utoipa::ToSchema;

use crate::model::AssessmentResult;
use crate::snapshot::Snapshot;
use crate::values::{Code, Date};

/// Counts of results against the criteria of the standard.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct Counts {
    /// Met.
    pub met: usize,
    /// Partly met.
    pub partly_met: usize,
    /// Not met.
    pub not_met: usize,
    /// Not assessed.
    pub not_assessed: usize,
}

impl Counts {
    fn add(&mut self, r: Option<AssessmentResult>) {
        match r {
            Some(AssessmentResult::Met) => self.met += 1,
            Some(AssessmentResult::PartlyMet) => self.partly_met += 1,
            Some(AssessmentResult::NotMet) => self.not_met += 1,
            None => self.not_assessed += 1,
        }
    }
}

/// One service against the whole standard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ServiceCoverage<'a> {
    /// The service.
    pub service: &'a Code,
    /// Its criteria by latest result.
    #[serde(flatten)]
    pub counts: Counts,
}

/// One criterion across the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct CriterionCoverage<'a> {
    /// The criterion.
    pub criterion: &'a Code,
    /// Services by their latest result against it.
    #[serde(flatten)]
    pub counts: Counts,
}

/// The standard coverage analysis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct StandardCoverage<'a> {
    /// Criteria in the standard.
    pub criteria_count: usize,
    /// Every service, in code order.
    pub services: Vec<ServiceCoverage<'a>>,
    /// Every criterion, in code order.
    pub criteria: Vec<CriterionCoverage<'a>>,
}

/// The latest result of one service against each criterion (by criterion index).
struct Latest<'a> {
    service: &'a Code,
    results: Vec<Option<(Date, AssessmentResult)>>,
}

/// The latest result of each assessed service against each criterion, in service code order.
///
/// One walk of the assessments: they are keyed `service:criterion:date`, so each service's are
/// together. That key order is not quite the services' code order (`SVC-10:` sorts before
/// `SVC-1:`), hence the sort, which finds the runs already in order and merely merges them.
fn latest<'a>(s: &'a Snapshot, criteria: &[&Code]) -> Vec<Latest<'a>> {
    let mut out: Vec<Latest> = Vec::new();
    if criteria.is_empty() {
        return out;
    }
    // A service's assessments come in criterion order, so the criterion is nearly always the
    // one after the previous: try that before searching (string comparisons are most of the
    // time of this walk on a national catalogue).
    let mut hint = 0;
    for a in s.assessments.values() {
        let i = if criteria.get(hint + 1).is_some_and(|c| **c == a.criterion) {
            hint + 1
        } else if criteria.get(hint).is_some_and(|c| **c == a.criterion) {
            hint
        } else {
            match criteria.binary_search_by(|c| c.as_str().cmp(a.criterion.as_str())) {
                Ok(i) => i,
                Err(_) => continue,
            }
        };
        hint = i;
        if out.last().is_none_or(|l| *l.service != a.service) {
            out.push(Latest {
                service: &a.service,
                results: vec![None; criteria.len()],
            });
        }
        let slot = &mut out.last_mut().expect("pushed").results[i];
        // On the same day the later in key order counts, as everywhere else.
        if slot.is_none_or(|(on, _)| on <= a.assessed_on) {
            *slot = Some((a.assessed_on, a.result));
        }
    }
    out.sort_by(|a, b| a.service.cmp(b.service));
    out
}

/// Computes the coverage of the standard.
pub fn standard(s: &Snapshot) -> StandardCoverage<'_> {
    let criteria: Vec<&Code> = s.standard_criteria.values().map(|c| &c.code).collect();
    let assessed = latest(s, &criteria);
    let mut assessed = assessed.iter().peekable();
    let mut per_criterion = vec![Counts::default(); criteria.len()];
    let mut services = Vec::with_capacity(s.services.len());
    let mut results: Vec<Option<(Date, AssessmentResult)>> = vec![None; criteria.len()];
    for v in s.services.values() {
        results.iter_mut().for_each(|r| *r = None);
        // Assessments of services the catalogue does not know are passed over.
        while assessed.next_if(|l| *l.service < v.code).is_some() {}
        while let Some(l) = assessed.next_if(|l| *l.service == v.code) {
            for (r, new) in results.iter_mut().zip(&l.results) {
                if let Some((on, _)) = new
                    && r.is_none_or(|(was, _)| was <= *on)
                {
                    *r = *new;
                }
            }
        }
        let mut counts = Counts::default();
        for (i, r) in results.iter().enumerate() {
            let r = r.map(|(_, r)| r);
            counts.add(r);
            per_criterion[i].add(r);
        }
        services.push(ServiceCoverage {
            service: &v.code,
            counts,
        });
    }
    StandardCoverage {
        criteria_count: criteria.len(),
        services,
        criteria: criteria
            .into_iter()
            .zip(per_criterion)
            .map(|(c, counts)| CriterionCoverage {
                criterion: c,
                counts,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::fixture::*;
    use crate::model::{Assessment, StandardCriterion};
    use crate::values::Text;

    fn criterion(code: &str) -> crate::Entity {
        StandardCriterion {
            code: c(code),
            title: Text::en(code).unwrap(),
            description: None,
        }
        .into()
    }

    fn assessed(
        service: &str,
        criterion: &str,
        on: &str,
        result: AssessmentResult,
    ) -> crate::Entity {
        Assessment {
            service: c(service),
            criterion: c(criterion),
            assessed_on: d(on),
            result,
            assessor_org: None,
            note: None,
        }
        .into()
    }

    #[test]
    fn the_latest_assessment_of_each_criterion_counts() {
        use AssessmentResult::*;
        let s = snapshot([
            criterion("STD-01"),
            criterion("STD-02"),
            criterion("STD-03"),
            service("SVC-1", None, "", "").into(),
            service("SVC-2", None, "", "").into(),
            // SVC-1: STD-01 not met, then met later → met; STD-02 partly met; STD-03 not assessed.
            assessed("SVC-1", "STD-01", "2025-01-10", NotMet),
            assessed("SVC-1", "STD-01", "2026-02-01", Met),
            assessed("SVC-1", "STD-02", "2026-02-01", PartlyMet),
            // SVC-2: STD-01 met, then not met later → not met. A criterion unknown to the
            // standard is ignored.
            assessed("SVC-2", "STD-01", "2025-05-05", Met),
            assessed("SVC-2", "STD-01", "2026-05-05", NotMet),
            assessed("SVC-2", "STD-99", "2026-05-05", Met),
        ]);
        let cov = standard(&s);
        assert_eq!(cov.criteria_count, 3);
        let c1 = &cov.services[0].counts;
        assert_eq!(
            (c1.met, c1.partly_met, c1.not_met, c1.not_assessed),
            (1, 1, 0, 1)
        );
        let c2 = &cov.services[1].counts;
        assert_eq!(
            (c2.met, c2.partly_met, c2.not_met, c2.not_assessed),
            (0, 0, 1, 2)
        );
        let per: Vec<(&str, usize, usize)> = cov
            .criteria
            .iter()
            .map(|c| (c.criterion.as_str(), c.counts.met, c.counts.not_assessed))
            .collect();
        assert_eq!(per, [("STD-01", 1, 0), ("STD-02", 0, 1), ("STD-03", 0, 2)]);
    }
}
