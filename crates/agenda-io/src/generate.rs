//! A generator of national-scale data for load and start-up measurements: the demo country plus
//! any number of services and KPI observations, deterministic for a given seed, consistent
//! (every reference resolves, every value is in range) so it imports like real data; and an
//! RFI-2 workbook of any size filled in as ministries fill it in, for import measurements.

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
                computed: None,
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

/// The written forms of required documents a generated workbook draws from: several spellings
/// of the same document, as ministries write them.
const DOCUMENTS: &[&str] = &[
    "National ID card",
    "Copy of ID card",
    "National ID",
    "Proof of residence",
    "Proof of address",
    "Birth certificate",
    "Copy of birth certificate",
    "Passport photo",
    "Tax number",
    "Bank statement",
    "Marriage certificate",
    "Medical certificate",
    "Vehicle registration certificate",
    "Land title",
    "Business registration certificate",
];

/// How transactions are written: a number cell or text as people type it.
const TRANSACTIONS: &[&str] = &[
    "",
    "15k",
    "1,102,000",
    "n/a",
    "approx. 40,000",
    "2 million",
    "unknown",
];

/// How requests are written.
const REQUESTS: &[&str] = &[
    "",
    "approx. 2,000/month",
    "300 per week",
    "1,000-2,000 per month",
    "n/a",
];

const LEVELS: &[&str] = &[
    "Level 1: Information Sheet",
    "Level 2: Downloadable form",
    "Level 3: Submit Webform",
    "Level 4: 100% online",
];

const RECIPIENTS: &[&str] = &[
    "Individual",
    "Individual",
    "Individual",
    "Business",
    "Other government agency",
    "Individual, Business",
];

const CHANNELS: &[&str] = &[
    "Online",
    "In person/Offline",
    "Online, In person/Offline",
    "Phone",
    "Post",
];

/// A name with one typo in its longest word (two neighbouring letters swapped after the first),
/// as ministries sometimes write another ministry's name.
fn misspelt(name: &str) -> String {
    let longest = name
        .split(' ')
        .max_by_key(|w| w.chars().count())
        .unwrap_or_default();
    let chars: Vec<char> = longest.chars().collect();
    if chars.len() < 6 {
        return name.to_owned();
    }
    let mut swapped = chars.clone();
    swapped.swap(2, 3);
    let swapped: String = swapped.into_iter().collect();
    name.replacen(longest, &swapped, 1)
}

/// An RFI-2 service-catalogue workbook as ministries send it back, with `services` rows drawn
/// from `base`'s organisations, deterministic for `seed`: the published layout (title rows, a
/// header over two rows, the options rows, the sheet names as published), all three audiences
/// and combinations, ministries now and then misspelt, numbers as people type them, documents
/// in several spellings, links for services online, and a Systems-Platforms sheet with one
/// system for every fifty services.
pub fn rfi2_workbook(
    base: &Snapshot,
    services: usize,
    seed: u64,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut rng = Rng(seed);
    let orgs: Vec<String> = base
        .organisations
        .values()
        .filter(|o| {
            !matches!(
                o.kind,
                OrgKind::International
                    | OrgKind::Private
                    | OrgKind::CivilSociety
                    | OrgKind::Academia
            )
        })
        .map(|o| o.name.get("en").to_owned())
        .collect();
    let subjects = [
        "fishing", "building", "business", "vehicle", "health", "school", "pension", "housing",
        "tax", "water", "land", "marriage", "export", "farm",
    ];
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
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Service Cataloge ")?;
    ws.write_string(
        0,
        4,
        "This service catalogue facilitates the analysis of prerequisites.",
    )?;
    ws.write_string(1, 1, "version0.2CE_DSDS-1")?;
    ws.write_string(3, 0, "Service Catalogue")?;
    let top = [
        "S.no",
        "Service ID [If an internal ID is not avilable ",
        "Service Name",
        "Responsible ministry ",
        "Number of transactions/year ",
        "Number of customers / year (customer base)",
        "Number of iterations needed to complete the service",
        "Prerequisites to complete the service. (Seperate prerequisites with ',')",
    ];
    for (c, h) in top.iter().enumerate() {
        ws.write_string(4, c as u16, *h)?;
    }
    ws.write_string(4, 15, "Questions")?;
    let below = [
        "Service description",
        " Recipient/beneficiary of the service",
        "Required documents to request the service",
        "Eligibility validations",
        "Government agencies involved in the service execution/delivery",
        "Approximate number of requests per week or per month",
        "Year of operation",
        "What are the channels to access the service? (Online, Offline, Phone, Post )",
        "If the service is online, please share the link of the service with us.",
        "If the service is online, What is the level of digitalization of the service?",
        "Does the service has a cross-border aspect?",
        "Is the service configuration a Pubic-Private partnership?",
        "Does the service have a potential for FDI attraction?",
        "Does the service have a potential for regional harmonization?",
        "What are the key metrics for the service?",
        "User satisfaction - What metrics will best indicate how well the service is working for its users?",
        "What languages is digital service offered in?",
        "What are the major challenges in providing government digital service?",
    ];
    for (c, h) in below.iter().enumerate() {
        ws.write_string(5, 9 + c as u16, *h)?;
    }
    // The options rows under the header, as published.
    for (r, (recipient, level)) in RECIPIENTS[2..5].iter().zip(LEVELS).enumerate() {
        ws.write_string(6 + r as u32, 10, *recipient)?;
        ws.write_string(6 + r as u32, 18, *level)?;
    }
    ws.write_string(6, 8, "Options")?;
    let mut with_id: Vec<usize> = Vec::new();
    for i in 0..services {
        let r = 10 + i as u32;
        let level = 1 + rng.below(4);
        let ministry = rng.pick(&orgs).clone();
        let ministry = if rng.below(20) == 0 {
            misspelt(&ministry)
        } else {
            ministry
        };
        let name = format!("{} {} {}", rng.pick(&subjects), rng.pick(&words), i + 1);
        let mut docs: Vec<&str> = (0..1 + rng.below(3))
            .map(|_| *rng.pick(DOCUMENTS))
            .collect();
        docs.dedup();
        ws.write_number(r, 0, (i + 1) as f64)?;
        // One row in ten leaves the Service ID empty: it is found by name and ministry.
        if rng.below(10) != 0 {
            ws.write_string(r, 1, format!("RFI-{:06}", i + 1))?;
            with_id.push(i + 1);
        }
        ws.write_string(r, 2, &name)?;
        ws.write_string(r, 3, &ministry)?;
        match rng.below(3) {
            0 => {
                ws.write_number(r, 4, (1 + rng.below(500_000)) as f64)?;
            }
            _ => {
                ws.write_string(r, 4, *rng.pick(TRANSACTIONS))?;
            }
        }
        ws.write_string(r, 5, "approx. 12,000")?;
        ws.write_number(r, 6, (1 + rng.below(5)) as f64)?;
        ws.write_string(r, 9, format!("Apply for a {name}."))?;
        ws.write_string(r, 10, *rng.pick(RECIPIENTS))?;
        ws.write_string(r, 11, docs.join(", "))?;
        if rng.below(3) == 0 {
            ws.write_string(r, 13, rng.pick(&orgs).as_str())?;
        }
        ws.write_string(r, 14, *rng.pick(REQUESTS))?;
        ws.write_string(r, 15, "5-10 years")?;
        ws.write_string(
            r,
            16,
            if level >= 3 {
                "Online"
            } else {
                *rng.pick(CHANNELS)
            },
        )?;
        if level >= 3 {
            ws.write_string(r, 17, format!("https://services.gov.example/{}", i + 1))?;
        }
        ws.write_string(r, 18, LEVELS[level - 1])?;
        ws.write_string(r, 19, if rng.below(10) == 0 { "Yes" } else { "No" })?;
        ws.write_string(r, 25, "English, French")?;
    }
    let ws = wb.add_worksheet();
    ws.set_name("Systems-Platforms Catalogue ")?;
    let headers = [
        "System ID",
        "Name of the Sytem ",
        "Hosting Cloud, on premise ",
        "Data base use ",
        "Which system monitoring tools are in place?",
        "Which system monitoring tools are in place?",
        "Owner",
        "Services that use it",
        "Building block",
    ];
    ws.write_string(3, 0, "Systems-Platforms Catalogue ")?;
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(4, c as u16, *h)?;
    }
    let blocks = [
        "Identity",
        "Payments",
        "Workflow",
        "Messaging",
        "Registries",
        "Scheduler",
    ];
    for j in 0..services / 50 {
        let r = 5 + j as u32;
        ws.write_string(r, 0, format!("SYS-{:05}", j + 1))?;
        ws.write_string(r, 1, format!("System {}", j + 1))?;
        ws.write_string(
            r,
            2,
            if rng.below(2) == 0 {
                "Cloud"
            } else {
                "On premise"
            },
        )?;
        ws.write_string(r, 3, "PostgreSQL")?;
        ws.write_string(r, 4, "Prometheus")?;
        ws.write_string(r, 6, rng.pick(&orgs).as_str())?;
        if !with_id.is_empty() {
            let mut used: Vec<usize> = (0..1 + rng.below(3)).map(|_| *rng.pick(&with_id)).collect();
            used.sort_unstable();
            used.dedup();
            let used: Vec<String> = used.iter().map(|n| format!("RFI-{n:06}")).collect();
            ws.write_string(r, 7, used.join(", "))?;
        }
        ws.write_string(r, 8, *rng.pick(&blocks))?;
    }
    wb.save_to_buffer()
}
