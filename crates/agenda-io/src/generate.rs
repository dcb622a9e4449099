//! A generator of national-scale data for load and start-up measurements: the demo country plus
//! any number of services and KPI observations, deterministic for a given seed, consistent
//! (every reference resolves, every value is in range) so it imports like real data.

use agenda_core::*;

/// A small deterministic generator (SplitMix64); statistical quality is not needed here.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pct(&mut self) -> f64 {
        (self.below(1000) as f64) / 10.0
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn code(s: String) -> Code {
    // Generated codes are built from safe parts only.
    Code::parse(&s).unwrap_or_else(|_| Code::parse("GEN").unwrap_or_else(|_| unreachable!()))
}

/// Observations generated per KPI: 100 months, a total and three regional figures for each.
const MONTHS_PER_KPI: usize = 100;
const ROWS_PER_MONTH: usize = 4;

/// Adds `services` services and about `observations` observations (on generated monthly KPIs)
/// to `base`, which must hold the organisations, life events, data items and building blocks
/// they refer to (the demo country does).
pub fn national(base: &Snapshot, services: usize, observations: usize, seed: u64) -> Snapshot {
    let mut rng = Rng(seed);
    let mut s = base.clone();
    let orgs: Vec<Code> = base
        .organisations
        .values()
        .map(|o| o.code.clone())
        .collect();
    let events: Vec<Code> = base.life_events.values().map(|e| e.code.clone()).collect();
    let items: Vec<Code> = base.data_items.values().map(|d| d.code.clone()).collect();
    let blocks: Vec<Code> = base
        .building_blocks
        .values()
        .map(|b| b.code.clone())
        .collect();
    let lines: Vec<Code> = base.action_lines.values().map(|a| a.code.clone()).collect();
    let words = [
        "permit",
        "licence",
        "certificate",
        "registration",
        "benefit",
        "allowance",
        "renewal",
        "declaration",
        "appointment",
        "grant",
        "exemption",
        "record",
    ];
    let subjects = [
        "fishing", "building", "business", "vehicle", "health", "school", "pension", "housing",
        "tax", "water", "land", "marriage", "export", "farm",
    ];
    let channels = Channel::ALL;
    for i in 0..services {
        let c = code(format!("SVC-G{i:06}"));
        let title = format!("{} {} {}", rng.pick(&subjects), rng.pick(&words), i % 97);
        let maturity = Maturity::parse(&(1 + rng.below(4)).to_string()).ok();
        let n_ev = 1 + rng.below(4);
        let evidence: Vec<Code> = (0..n_ev)
            .map(|_| rng.pick(&items).clone())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let bbs: Vec<Code> = (0..1 + rng.below(3))
            .map(|_| rng.pick(&blocks).clone())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let chans: Vec<Channel> = (0..1 + rng.below(4))
            .map(|_| *rng.pick(channels))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let Some(maturity) = maturity else { continue };
        let Ok(title) = Text::en(title) else { continue };
        s.upsert(
            Service {
                code: c,
                title,
                summary: None,
                // Mostly for people; some for businesses, for other agencies (G2G) or both.
                audience: match rng.below(10) {
                    0 | 1 => vec![Audience::Business],
                    2 => vec![Audience::Government],
                    3 => vec![Audience::Citizen, Audience::Business],
                    _ => vec![Audience::Citizen],
                },
                life_event: if events.is_empty() {
                    vec![]
                } else {
                    vec![rng.pick(&events).clone()]
                },
                owner_code: rng.pick(&orgs).clone(),
                maturity,
                channels: chans,
                annual_transactions: Some(rng.below(2_000_000) as u64),
                digital_share_pct: Percent::new(rng.pct()).ok(),
                satisfaction_pct: Percent::new(rng.pct()).ok(),
                completion_rate_pct: Percent::new(rng.pct()).ok(),
                cost_per_transaction: Some(rng.below(5000) as f64 / 100.0),
                evidence,
                evidence_fetched: vec![],
                building_blocks: bbs,
                cross_border: rng.below(10) == 0,
                last_reviewed: Date::from_ymd(
                    2024 + rng.below(3) as i32,
                    1 + rng.below(12) as u32,
                    1 + rng.below(28) as u32,
                ),
                fee: Some(rng.below(50) as f64),
                processing_days: Some(rng.below(30) as u32),
                steps: None,
                outcome: None,
                online_link: None,
                contact_points: vec![],
                transactions_estimated: false,
                customers_per_year: None,
                request_volume: None,
                iterations: None,
                prerequisites: None,
                eligibility: None,
                contributing_orgs: vec![],
                in_operation: None,
                public_private_partnership: None,
                fdi_potential: None,
                regional_harmonisation: None,
                key_metrics: None,
                satisfaction_metrics: None,
                languages: None,
                challenges: None,
            }
            .into(),
        );
    }
    let per_kpi = MONTHS_PER_KPI * ROWS_PER_MONTH;
    let kpis = observations.div_ceil(per_kpi);
    let mut left = observations;
    let regions = ["capital", "north", "south"];
    for k in 0..kpis {
        let kc = code(format!("KPI-G{k:05}"));
        let (Some(bd), Some(td)) = (Date::from_ymd(2010, 12, 31), Date::from_ymd(2030, 12, 31))
        else {
            continue;
        };
        let Ok(title) = Text::en(format!("Generated indicator {k}")) else {
            continue;
        };
        s.upsert(
            Kpi {
                code: kc.clone(),
                action_line: lines.get(k % lines.len().max(1)).cloned(),
                title,
                unit: Unit::Percent,
                direction: Direction::Increase,
                baseline_value: 10.0,
                baseline_date: bd,
                target_value: 90.0,
                target_date: td,
                frequency: Frequency::Monthly,
                owner_org: rng.pick(&orgs).clone(),
                method: None,
                sdg_indicator: None,
                framework_indicators: Vec::new(),
                targets: (2011..=2030)
                    .map(|y| InterimTarget {
                        year: y,
                        target_value: 10.0 + 4.0 * f64::from(y - 2010),
                    })
                    .collect(),
                revision_note: None,
                decimals: None,
                progress_measure: None,
            }
            .into(),
        );
        let mut period = Period::Month(2011, 1);
        for _ in 0..MONTHS_PER_KPI {
            for r in 0..ROWS_PER_MONTH {
                if left == 0 {
                    break;
                }
                left -= 1;
                let disaggregation = (r > 0).then(|| Disaggregation::one("region", regions[r - 1]));
                s.upsert(
                    Observation {
                        kpi: kc.clone(),
                        period,
                        value: rng.pct(),
                        status: ObservationStatus::Validated,
                        disaggregation,
                        note: None,
                        flag: None,
                    }
                    .into(),
                );
            }
            period = match period {
                Period::Month(y, 12) => Period::Month(y + 1, 1),
                Period::Month(y, m) => Period::Month(y, m + 1),
                p => p,
            };
        }
    }
    s
}
