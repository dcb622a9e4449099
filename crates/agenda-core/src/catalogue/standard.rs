//! Coverage of the digital service standard: how far each service meets each criterion.
//!
//! Only the **latest** assessment of a service against a criterion counts (by `assessed_on`);
//! a criterion with no assessment of the service is **not assessed**. Assessments of criteria
//! or services the catalogue does not know are not counted.

use std::collections::HashMap;

use serde::Serialize;
use utoipa::ToSchema;

use crate::model::{Assessment, AssessmentResult};
use crate::snapshot::Snapshot;
use crate::values::Code;

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
pub struct ServiceCoverage {
    /// The service.
    pub service: Code,
    /// Its criteria by latest result.
    #[serde(flatten)]
    pub counts: Counts,
}

/// One criterion across the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct CriterionCoverage {
    /// The criterion.
    pub criterion: Code,
    /// Services by their latest result against it.
    #[serde(flatten)]
    pub counts: Counts,
}

/// The standard coverage analysis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct StandardCoverage {
    /// Criteria in the standard.
    pub criteria_count: usize,
    /// Every service, in code order.
    pub services: Vec<ServiceCoverage>,
    /// Every criterion, in code order.
    pub criteria: Vec<CriterionCoverage>,
}

/// Computes the coverage of the standard.
pub fn standard(s: &Snapshot) -> StandardCoverage {
    let criteria: Vec<&Code> = s.standard_criteria.values().map(|c| &c.code).collect();
    let index: HashMap<&str, usize> = criteria
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i))
        .collect();
    let mut per_criterion = vec![Counts::default(); criteria.len()];
    let mut services = Vec::with_capacity(s.services.len());
    // The latest result of this service against each criterion, reused from service to service.
    let mut latest: Vec<Option<&Assessment>> = vec![None; criteria.len()];
    let mut from = String::new();
    let mut to = String::new();
    for v in s.services.values() {
        latest.iter_mut().for_each(|l| *l = None);
        if !s.assessments.is_empty() && !criteria.is_empty() {
            // Assessments are keyed `service:criterion:date`; ';' sorts right after ':'.
            from.clear();
            from.push_str(v.code.as_str());
            from.push(':');
            to.clear();
            to.push_str(v.code.as_str());
            to.push(';');
            for (_, a) in s.assessments.range::<_, String>(&from..&to) {
                if a.service != v.code {
                    continue;
                }
                if let Some(&i) = index.get(a.criterion.as_str())
                    && latest[i].is_none_or(|l| l.assessed_on <= a.assessed_on)
                {
                    latest[i] = Some(a);
                }
            }
        }
        let mut counts = Counts::default();
        for (i, l) in latest.iter().enumerate() {
            let r = l.map(|a| a.result);
            counts.add(r);
            per_criterion[i].add(r);
        }
        services.push(ServiceCoverage {
            service: v.code.clone(),
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
                criterion: c.clone(),
                counts,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::fixture::*;
    use crate::model::StandardCriterion;
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
