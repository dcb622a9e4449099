//! Which services to digitise first: the GovStack playbook's impact × feasibility ranking,
//! with weights a country can change ([`PriorityWeights`]).
//!
//! Every criterion is a score from 0 to 100:
//!
//! - **impact** criteria
//!   - *demand*: annual transactions on a log scale against the busiest service of the
//!     catalogue, `ln(1 + t) / ln(1 + max) × 100` (unknown transactions count 0);
//!   - *complexity of access*: how hard the service is to use today, half from the evidence the
//!     person must provide (each item asked counts `100 / `[`EVIDENCE_SATURATION`], at most 100)
//!     and half from having no digital channel at all (100 when none of its channels is in
//!     [`DIGITAL_CHANNELS`], else 0);
//!   - *alignment* with the agenda: 50 when the service belongs to a life or business event,
//!     plus 50 when its owner leads or contributes to an action line that is not cancelled;
//! - **feasibility** criteria
//!   - *reuse*: the share of the building blocks it needs that are in production (100 when it
//!     needs none);
//!   - *readiness*: its current maturity, level 1 → 0, 2 → 33.3, 3 → 66.7.
//!
//! Impact and feasibility are the weighted means of their criteria; the **score** that ranks
//! services is `impact × feasibility / 100`. The **quadrant** splits both axes at
//! [`QUADRANT_SPLIT`]: a score exactly on the split counts as high. Services already 100 %
//! online (maturity 4) have nothing left to digitise and are left out.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{annual_transactions, evidence_asked};
use crate::model::{ActionLineStatus, BuildingBlockStatus, Channel, Service};
use crate::snapshot::Snapshot;
use crate::values::{Code, Maturity, vocabulary};

/// Where impact and feasibility are split into low and high; a score equal to it is high.
pub const QUADRANT_SPLIT: f64 = 50.0;

/// Number of evidence items at which the documents half of complexity is full.
pub const EVIDENCE_SATURATION: usize = 5;

/// Channels through which a person can use a service without going anywhere or talking to an
/// official; phone, in person and post are the others.
pub const DIGITAL_CHANNELS: &[Channel] = &[
    Channel::Web,
    Channel::MobileApp,
    Channel::Chatbot,
    Channel::Voice,
    Channel::Ussd,
    Channel::Email,
];

/// Maturity level of a service that is already 100 % online: it is left out of the ranking.
pub const FULLY_ONLINE_LEVEL: u8 = 4;

/// The relative weights of the criteria. Only ratios matter within each axis; every weight must
/// be a finite number of 0 or more, and each axis needs at least one weight above 0.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PriorityWeights {
    /// Impact: demand (default 2).
    pub demand: f64,
    /// Impact: complexity of access (default 1).
    pub complexity: f64,
    /// Impact: alignment with the agenda (default 1).
    pub alignment: f64,
    /// Feasibility: reuse of building blocks in production (default 1).
    pub reuse: f64,
    /// Feasibility: current maturity (default 1).
    pub readiness: f64,
}

impl Default for PriorityWeights {
    /// Demand counts twice as much as each other impact criterion; both feasibility criteria
    /// count the same.
    fn default() -> Self {
        Self {
            demand: 2.0,
            complexity: 1.0,
            alignment: 1.0,
            reuse: 1.0,
            readiness: 1.0,
        }
    }
}

/// Why a set of weights cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WeightsError {
    /// A weight is negative, infinite or not a number.
    #[error("weight {0} must be a number of 0 or more")]
    Invalid(&'static str),
    /// Every weight of an axis is 0.
    #[error("at least one {0} weight must be above 0")]
    AllZero(&'static str),
}

impl PriorityWeights {
    /// Checks the weights (see the type's rule).
    pub fn validate(&self) -> Result<(), WeightsError> {
        for (name, w) in [
            ("demand", self.demand),
            ("complexity", self.complexity),
            ("alignment", self.alignment),
            ("reuse", self.reuse),
            ("readiness", self.readiness),
        ] {
            if !w.is_finite() || w < 0.0 {
                return Err(WeightsError::Invalid(name));
            }
        }
        if self.demand + self.complexity + self.alignment <= 0.0 {
            return Err(WeightsError::AllZero("impact"));
        }
        if self.reuse + self.readiness <= 0.0 {
            return Err(WeightsError::AllZero("feasibility"));
        }
        Ok(())
    }
}

vocabulary!(
    /// Where a service falls on the impact × feasibility chart.
    Quadrant {
        /// High impact, high feasibility: do first.
        QuickWin = "quick_win",
        /// High impact, low feasibility: plan carefully.
        MajorProject = "major_project",
        /// Low impact, high feasibility: do when there is room.
        FillIn = "fill_in",
        /// Low impact, low feasibility: leave for later.
        Thankless = "thankless"
    }
);

/// The quadrant of an (impact, feasibility) pair, split at [`QUADRANT_SPLIT`].
pub fn quadrant(impact: f64, feasibility: f64) -> Quadrant {
    match (impact >= QUADRANT_SPLIT, feasibility >= QUADRANT_SPLIT) {
        (true, true) => Quadrant::QuickWin,
        (true, false) => Quadrant::MajorProject,
        (false, true) => Quadrant::FillIn,
        (false, false) => Quadrant::Thankless,
    }
}

/// One service's scores (codes borrowed from the snapshot).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PriorityItem<'a> {
    /// Position in the ranking, from 1.
    pub rank: usize,
    /// The service.
    pub service: &'a Code,
    /// Its responsible organisation.
    pub owner_code: &'a Code,
    /// Its maturity today.
    pub maturity: Maturity,
    /// Its annual transactions (0 when unknown).
    pub annual_transactions: u64,
    /// Demand score, 0–100.
    pub demand: f64,
    /// Complexity-of-access score, 0–100.
    pub complexity: f64,
    /// Alignment score, 0–100.
    pub alignment: f64,
    /// Reuse score, 0–100.
    pub reuse: f64,
    /// Readiness (maturity) score, 0–100.
    pub readiness: f64,
    /// Impact, 0–100.
    pub impact: f64,
    /// Feasibility, 0–100.
    pub feasibility: f64,
    /// `impact × feasibility / 100`, 0–100: the ranking score.
    pub score: f64,
    /// Quadrant.
    pub quadrant: Quadrant,
}

/// How many services fall in each quadrant.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct QuadrantCounts {
    /// Quick wins.
    pub quick_win: usize,
    /// Major projects.
    pub major_project: usize,
    /// Fill-ins.
    pub fill_in: usize,
    /// Thankless tasks.
    pub thankless: usize,
}

/// The prioritisation: the weights used, the ranked services and the quadrant counts.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Priorities<'a> {
    /// The weights used.
    pub weights: PriorityWeights,
    /// Services below maturity 4, highest score first (ties: higher impact, then code).
    pub items: Vec<PriorityItem<'a>>,
    /// Services per quadrant.
    pub quadrants: QuadrantCounts,
}

fn weighted(pairs: &[(f64, f64)]) -> f64 {
    let total: f64 = pairs.iter().map(|(w, _)| w).sum();
    if total <= 0.0 {
        return 0.0;
    }
    pairs.iter().map(|(w, v)| w * v).sum::<f64>() / total
}

/// The demand score of `transactions` against the catalogue's busiest service.
pub fn demand_score(transactions: u64, max: u64) -> f64 {
    if max == 0 {
        return 0.0;
    }
    ((1.0 + transactions as f64).ln() / (1.0 + max as f64).ln() * 100.0).clamp(0.0, 100.0)
}

/// The complexity-of-access score of a service.
pub fn complexity_score(v: &Service) -> f64 {
    let asked = evidence_asked(v).count().min(EVIDENCE_SATURATION);
    let documents = asked as f64 * 100.0 / EVIDENCE_SATURATION as f64;
    let offline = if v.channels.iter().any(|c| DIGITAL_CHANNELS.contains(c)) {
        0.0
    } else {
        100.0
    };
    (documents + offline) / 2.0
}

/// The readiness score of a maturity level: `(level − 1) / 3 × 100`.
pub fn readiness_score(m: Maturity) -> f64 {
    f64::from(m.level().saturating_sub(1)) * 100.0 / 3.0
}

/// Ranks the services of a catalogue. Fails only on invalid weights.
pub fn priorities(s: &Snapshot, weights: PriorityWeights) -> Result<Priorities<'_>, WeightsError> {
    weights.validate()?;
    let max = s
        .services
        .values()
        .map(annual_transactions)
        .max()
        .unwrap_or(0);
    // Blocks in production and organisations in the agenda, sorted for binary searches: a
    // handful of codes looked up once or more per service.
    let in_production: Vec<&str> = s
        .building_blocks
        .values()
        .filter(|b| b.status == BuildingBlockStatus::Production)
        .map(|b| b.code.as_str())
        .collect();
    let mut in_agenda: Vec<&str> = s
        .action_lines
        .values()
        .filter(|a| a.status != ActionLineStatus::Cancelled)
        .flat_map(|a| std::iter::once(&a.lead_org).chain(&a.contributing_orgs))
        .map(Code::as_str)
        .collect();
    in_agenda.sort_unstable();
    in_agenda.dedup();
    let mut items: Vec<PriorityItem> = Vec::new();
    let mut quadrants = QuadrantCounts::default();
    for v in s.services.values() {
        if v.maturity.level() >= FULLY_ONLINE_LEVEL {
            continue;
        }
        let tx = annual_transactions(v);
        let demand = demand_score(tx, max);
        let complexity = complexity_score(v);
        let alignment = if v.life_event.is_empty() { 0.0 } else { 50.0 }
            + if in_agenda.binary_search(&v.owner_code.as_str()).is_ok() {
                50.0
            } else {
                0.0
            };
        let needed = v.building_blocks.len();
        let reuse = if needed == 0 {
            100.0
        } else {
            let ready = v
                .building_blocks
                .iter()
                .filter(|b| in_production.binary_search(&b.as_str()).is_ok())
                .count();
            ready as f64 * 100.0 / needed as f64
        };
        let readiness = readiness_score(v.maturity);
        let impact = weighted(&[
            (weights.demand, demand),
            (weights.complexity, complexity),
            (weights.alignment, alignment),
        ]);
        let feasibility = weighted(&[(weights.reuse, reuse), (weights.readiness, readiness)]);
        let q = quadrant(impact, feasibility);
        match q {
            Quadrant::QuickWin => quadrants.quick_win += 1,
            Quadrant::MajorProject => quadrants.major_project += 1,
            Quadrant::FillIn => quadrants.fill_in += 1,
            Quadrant::Thankless => quadrants.thankless += 1,
        }
        items.push(PriorityItem {
            rank: 0,
            service: &v.code,
            owner_code: &v.owner_code,
            maturity: v.maturity,
            annual_transactions: tx,
            demand,
            complexity,
            alignment,
            reuse,
            readiness,
            impact,
            feasibility,
            score: impact * feasibility / 100.0,
            quadrant: q,
        });
    }
    // Services come in code order, so ties on score and impact keep it: sort the small keys
    // rather than the items, then place each item once.
    let mut order: Vec<(f64, f64, u32)> = items
        .iter()
        .enumerate()
        .map(|(i, it)| (it.score, it.impact, i as u32))
        .collect();
    order.sort_unstable_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then(b.1.total_cmp(&a.1))
            .then(a.2.cmp(&b.2))
    });
    // A clone copies references and numbers: nothing is allocated but the vector.
    let items = order
        .iter()
        .enumerate()
        .map(|(rank, &(_, _, i))| PriorityItem {
            rank: rank + 1,
            ..items[i as usize].clone()
        })
        .collect();
    Ok(Priorities {
        weights,
        items,
        quadrants,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::fixture::*;
    use crate::model::BuildingBlockStatus::*;
    use crate::model::{ActionLine, ActionLineStatus};
    use crate::values::{Priority, Text};

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    /// BUSY: 999,999 a year (the max), 2 documents, web only, in a life event, owner ORG-A leads
    /// an action line, needs BB-ID (production) and BB-SIGN (pilot), maturity 3.
    /// QUIET: 999 a year, 6 documents, in person and post only, in a life event, owner ORG-B
    /// (in no action line), needs nothing, maturity 1. DONE: maturity 4, left out.
    fn catalogue() -> Snapshot {
        let mut busy = service("SVC-BUSY", Some(999_999), "DI-1;DI-2", "BB-ID;BB-SIGN");
        busy.life_event = codes("LE-CHILD");
        busy.maturity = Maturity::parse("3").unwrap();
        let mut quiet = service("SVC-QUIET", Some(999), "DI-1;DI-2;DI-3;DI-4;DI-5;DI-6", "");
        quiet.owner_code = c("ORG-B");
        quiet.life_event = codes("BE-START");
        quiet.channels = vec![Channel::InPerson, Channel::Post];
        quiet.maturity = Maturity::parse("1").unwrap();
        let mut done = service("SVC-DONE", Some(5), "", "");
        done.maturity = Maturity::parse("4").unwrap();
        let al = ActionLine {
            code: c("AL-1"),
            pillar_code: c("P1"),
            title: Text::en("x").unwrap(),
            description: None,
            lead_org: c("ORG-A"),
            contributing_orgs: vec![],
            start: d("2025-01-01"),
            end: d("2028-12-31"),
            priority: Priority::parse("1").unwrap(),
            status: ActionLineStatus::InProgress,
            sdg_targets: vec![],
            needs_legal_instrument: false,
        };
        snapshot([
            block("BB-ID", Production, Some("2024-01-01")).into(),
            block("BB-SIGN", Pilot, Some("2027-03-01")).into(),
            busy.into(),
            quiet.into(),
            done.into(),
            al.into(),
        ])
    }

    #[test]
    fn scores_each_criterion_as_documented() {
        let snapshot = catalogue();
        let p = priorities(&snapshot, PriorityWeights::default()).unwrap();
        assert_eq!(p.items.len(), 2, "the level-4 service is left out");
        let busy = p
            .items
            .iter()
            .find(|i| i.service.as_str() == "SVC-BUSY")
            .unwrap();
        // Demand: the max → 100. Complexity: 2 of 5 documents → 40, has web → 0; mean 20.
        // Alignment 50 + 50. Reuse: 1 of 2 blocks → 50. Readiness: level 3 → 66.67.
        assert!(close(busy.demand, 100.0));
        assert!(close(busy.complexity, 20.0));
        assert!(close(busy.alignment, 100.0));
        assert!(close(busy.reuse, 50.0));
        assert!(close(busy.readiness, 200.0 / 3.0));
        // Impact (2×100 + 20 + 100) / 4 = 80; feasibility (50 + 66.67) / 2 = 58.33.
        assert!(close(busy.impact, 80.0));
        assert!(close(busy.feasibility, 175.0 / 3.0));
        assert!(close(busy.score, 80.0 * 175.0 / 300.0));
        assert_eq!(busy.quadrant, Quadrant::QuickWin);

        let quiet = p
            .items
            .iter()
            .find(|i| i.service.as_str() == "SVC-QUIET")
            .unwrap();
        // Demand ln(1000)/ln(1000000) = 3/6 → 50. Complexity: 6 documents saturate at 100,
        // no digital channel 100 → 100. Alignment: life event only → 50. Reuse: nothing needed
        // → 100. Level 1 → 0.
        assert!(close(quiet.demand, 50.0));
        assert!(close(quiet.complexity, 100.0));
        assert!(close(quiet.alignment, 50.0));
        assert!(close(quiet.impact, 62.5), "(2×50 + 100 + 50) / 4");
        assert_eq!(quiet.feasibility, 50.0, "(100 + 0) / 2, exactly");
        assert_eq!(quiet.quadrant, Quadrant::QuickWin, "50 is high");
        // Scores: 80 × 58.33 / 100 = 46.67 before 62.5 × 50 / 100 = 31.25.
        assert!(close(quiet.score, 31.25));

        assert_eq!(p.items[0].service.as_str(), "SVC-BUSY");
        assert_eq!((p.items[0].rank, p.items[1].rank), (1, 2));
        assert_eq!(p.quadrants.quick_win, 2);
    }

    #[test]
    fn a_country_changes_the_weights() {
        // Only readiness on the feasibility axis: QUIET (level 1) drops to 0 feasibility.
        let w = PriorityWeights {
            reuse: 0.0,
            ..PriorityWeights::default()
        };
        let snapshot = catalogue();
        let p = priorities(&snapshot, w).unwrap();
        let quiet = p
            .items
            .iter()
            .find(|i| i.service.as_str() == "SVC-QUIET")
            .unwrap();
        assert!(close(quiet.feasibility, 0.0));
        assert_eq!(quiet.quadrant, Quadrant::MajorProject);
        assert_eq!(p.quadrants.major_project, 1);
        assert_eq!(p.weights, w);
    }

    #[test]
    fn weights_must_be_usable() {
        let s = catalogue();
        let neg = PriorityWeights {
            demand: -1.0,
            ..PriorityWeights::default()
        };
        assert_eq!(priorities(&s, neg), Err(WeightsError::Invalid("demand")));
        let zero = PriorityWeights {
            reuse: 0.0,
            readiness: 0.0,
            ..PriorityWeights::default()
        };
        assert_eq!(
            priorities(&s, zero).unwrap_err().to_string(),
            "at least one feasibility weight must be above 0"
        );
    }

    #[test]
    fn quadrants_split_at_fifty() {
        assert_eq!(quadrant(50.0, 50.0), Quadrant::QuickWin);
        assert_eq!(quadrant(49.9, 50.0), Quadrant::FillIn);
        assert_eq!(quadrant(50.0, 49.9), Quadrant::MajorProject);
        assert_eq!(quadrant(0.0, 0.0), Quadrant::Thankless);
        assert_eq!(demand_score(0, 0), 0.0);
    }
}
