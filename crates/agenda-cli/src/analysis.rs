//! `agenda roadmap …` and `agenda analyse …`: the analyses of the services catalogue on the
//! database, as readable tables or, with `--json`, as the API's `{"items", "meta"}` documents
//! (without paging).

use std::process::ExitCode;

use agenda_core::catalogue::{freshness, once_only, priorities, reuse, roadmap, standard};
use agenda_core::{Date, Snapshot};
use clap::{Args, Subcommand};
use std::fmt::Write as _;

use serde_json::json;

use crate::config::Config;

/// `agenda roadmap …`.
#[derive(Debug, Subcommand)]
pub enum RoadmapCommand {
    /// Planned releases scheduled before a building block they need goes live.
    Conflicts {
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// Which planned releases move, and by how much, if a building block goes live later.
    Slip {
        /// The building block that slips, e.g. BB-ID.
        building_block: String,
        /// By how many days (negative: earlier).
        #[arg(long, allow_hyphen_values = true)]
        days: i64,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
}

/// Weights of the prioritisation; each one left out takes the country's (`[priorities]` in
/// agenda.toml), else the analysis's default.
#[derive(Debug, Clone, Copy, Args)]
pub struct WeightArgs {
    /// Impact: demand (default: the country's; 2 unless configured).
    #[arg(long)]
    pub demand: Option<f64>,
    /// Impact: complexity of access (default: the country's; 1 unless configured).
    #[arg(long)]
    pub complexity: Option<f64>,
    /// Impact: alignment with the agenda (default: the country's; 1 unless configured).
    #[arg(long)]
    pub alignment: Option<f64>,
    /// Feasibility: reuse of building blocks in production (default: the country's; 1 unless
    /// configured).
    #[arg(long)]
    pub reuse: Option<f64>,
    /// Feasibility: current maturity (default: the country's; 1 unless configured).
    #[arg(long)]
    pub readiness: Option<f64>,
}

impl WeightArgs {
    /// The weights asked for, `defaults` (the country's) filling the gaps.
    pub fn weights(&self, defaults: priorities::PriorityWeights) -> priorities::PriorityWeights {
        let d = defaults;
        priorities::PriorityWeights {
            demand: self.demand.unwrap_or(d.demand),
            complexity: self.complexity.unwrap_or(d.complexity),
            alignment: self.alignment.unwrap_or(d.alignment),
            reuse: self.reuse.unwrap_or(d.reuse),
            readiness: self.readiness.unwrap_or(d.readiness),
        }
    }
}

/// `agenda analyse …`.
#[derive(Debug, Subcommand)]
pub enum AnalyseCommand {
    /// Services asking for data a base registry already holds, and the national figure.
    OnceOnly {
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// Per building block, the services and transactions that need it; services waiting for a
    /// block not in production.
    BuildingBlocks {
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// Services ranked by impact × feasibility, with their quadrant.
    Priorities {
        /// Weights of the criteria.
        #[command(flatten)]
        weights: WeightArgs,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// Services whose sheet was not reviewed within the governance period.
    Freshness {
        /// The governance period, in months.
        #[arg(long, default_value_t = freshness::DEFAULT_MONTHS)]
        months: u32,
        /// Day to compute for (default: today), YYYY-MM-DD.
        #[arg(long)]
        today: Option<String>,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// Coverage of the digital service standard per service and per criterion.
    Standard {
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
}

/// Column alignment in a table.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Align {
    Left,
    Right,
}

/// Writes rows under headers, each column as wide as its widest cell.
fn table(out: &mut String, headers: &[(&str, Align)], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = headers.iter().map(|(h, _)| h.chars().count()).collect();
    for r in rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut line = |cells: Vec<&str>| {
        let parts: Vec<String> = cells
            .iter()
            .zip(&widths)
            .zip(headers)
            .map(|((c, &w), (_, a))| match a {
                Align::Left => format!("{c:<w$}"),
                Align::Right => format!("{c:>w$}"),
            })
            .collect();
        out.push_str(parts.join("  ").trim_end());
        out.push('\n');
    };
    line(headers.iter().map(|(h, _)| *h).collect());
    for r in rows {
        line(r.iter().map(String::as_str).collect());
    }
}

/// A whole number with thousands separators: `1,300,000`.
fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

fn date_or_dash(d: Option<Date>) -> String {
    d.map_or_else(|| "—".to_owned(), |d| d.to_string())
}

fn print_json(out: &mut String, v: &serde_json::Value) -> anyhow::Result<()> {
    out.push_str(&serde_json::to_string_pretty(v)?);
    out.push('\n');
    Ok(())
}

/// Writes the output at once; a reader that stopped early (`| head`) is not an error.
fn emit(out: &str) -> anyhow::Result<()> {
    use std::io::Write;
    match std::io::stdout().lock().write_all(out.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

async fn load(config: &Config) -> anyhow::Result<std::sync::Arc<Snapshot>> {
    Ok(crate::open(config).await?.snapshot())
}

fn real_today() -> anyhow::Result<Date> {
    Ok(Date::from_naive(chrono::Utc::now().date_naive()))
}

/// Runs `agenda roadmap …`.
pub async fn roadmap(config: &Config, command: RoadmapCommand) -> anyhow::Result<ExitCode> {
    let s = load(config).await?;
    let mut buf = String::new();
    let out = &mut buf;
    match command {
        RoadmapCommand::Conflicts { json } => {
            let items = roadmap::conflicts(&s);
            if json {
                print_json(
                    out,
                    &json!({"items": items, "meta": {"total": items.len()}}),
                )?;
            } else {
                writeln!(
                    out,
                    "{} releases planned before a building block they need is available\n",
                    items.len()
                )?;
                let rows: Vec<Vec<String>> = items
                    .iter()
                    .map(|c| {
                        vec![
                            c.release_date.to_string(),
                            c.release.to_string(),
                            c.service.to_string(),
                            c.responsible_org.to_string(),
                            c.needs.to_string(),
                            c.needs_status.to_string(),
                            date_or_dash(c.available_on),
                            c.days_short
                                .map_or_else(|| "—".to_owned(), |d| d.to_string()),
                        ]
                    })
                    .collect();
                table(
                    out,
                    &[
                        ("release date", Align::Left),
                        ("release", Align::Left),
                        ("service", Align::Left),
                        ("responsible", Align::Left),
                        ("needs", Align::Left),
                        ("status", Align::Left),
                        ("available on", Align::Left),
                        ("days short", Align::Right),
                    ],
                    &rows,
                );
            }
        }
        RoadmapCommand::Slip {
            building_block,
            days,
            json,
        } => {
            let sl = match roadmap::slip(&s, building_block.trim(), days) {
                Ok(sl) => sl,
                Err(e) => {
                    eprintln!("{e}");
                    return Ok(ExitCode::FAILURE);
                }
            };
            if json {
                print_json(
                    out,
                    &json!({
                        "items": sl.moves,
                        "meta": {
                            "total": sl.moves.len(),
                            "building_block": sl.building_block,
                            "days": sl.days,
                            "available_before": sl.available_before,
                            "available_after": sl.available_after,
                        }
                    }),
                )?;
            } else {
                writeln!(
                    out,
                    "{} going live on {} instead of {} ({:+} days) moves {} planned release{}\n",
                    sl.building_block,
                    sl.available_after,
                    sl.available_before,
                    sl.days,
                    sl.moves.len(),
                    if sl.moves.len() == 1 { "" } else { "s" }
                )?;
                let rows: Vec<Vec<String>> = sl
                    .moves
                    .iter()
                    .map(|m| {
                        vec![
                            m.release.to_string(),
                            m.service.to_string(),
                            m.from.to_string(),
                            m.to.to_string(),
                            m.days.to_string(),
                        ]
                    })
                    .collect();
                table(
                    out,
                    &[
                        ("release", Align::Left),
                        ("service", Align::Left),
                        ("from", Align::Left),
                        ("to", Align::Left),
                        ("days", Align::Right),
                    ],
                    &rows,
                );
            }
        }
    }
    emit(&buf)?;
    Ok(ExitCode::SUCCESS)
}

/// Runs `agenda analyse …`.
pub async fn analyse(config: &Config, command: AnalyseCommand) -> anyhow::Result<ExitCode> {
    let today = match &command {
        AnalyseCommand::Freshness { today: Some(t), .. } => {
            Date::parse(t).map_err(|e| anyhow::anyhow!("--today {t:?}: {e}"))?
        }
        _ => real_today()?,
    };
    let s = load(config).await?;
    let mut buf = String::new();
    let out = &mut buf;
    match command {
        AnalyseCommand::OnceOnly { json } => once_only_cmd(out, &s, json)?,
        AnalyseCommand::BuildingBlocks { json } => building_blocks_cmd(out, &s, json)?,
        AnalyseCommand::Priorities { weights, json } => {
            let p = match priorities::priorities(&s, weights.weights(config.priority_weights)) {
                Ok(p) => p,
                Err(e) => {
                    eprintln!("{e}");
                    return Ok(ExitCode::FAILURE);
                }
            };
            priorities_out(out, &p, json)?;
        }
        AnalyseCommand::Freshness { months, json, .. } => {
            let f = freshness::freshness(&s, today, months);
            freshness_out(out, &f, json)?;
        }
        AnalyseCommand::Standard { json } => standard_out(out, &standard::standard(&s), json)?,
    }
    emit(&buf)?;
    Ok(ExitCode::SUCCESS)
}

fn once_only_cmd(out: &mut String, s: &Snapshot, json: bool) -> anyhow::Result<()> {
    let o = once_only::once_only(s);
    let m = &o.summary;
    if json {
        return print_json(out, &json!({"items": o.items, "meta": m}));
    }
    writeln!(
        out,
        "{} requests a year for data the state already holds ({} services, {} evidence items)",
        thousands(m.annual_requests),
        m.services,
        m.total
    )?;
    writeln!(
        out,
        "  fixable now (a holding registry is reachable): {}",
        thousands(m.fixable_now_requests)
    )?;
    writeln!(
        out,
        "  blocked (no holding registry is reachable):    {}",
        thousands(m.blocked_requests)
    )?;
    if let Some(p) = m.fetched_share_pct {
        writeln!(
            out,
            "  evidence already fetched, weighted by transactions: {p:.1} %"
        )?;
    }
    writeln!(out)?;
    let rows: Vec<Vec<String>> = o
        .items
        .iter()
        .map(|i| {
            vec![
                i.service.to_string(),
                i.data_item.to_string(),
                i.registries
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
                if i.fixable_now { "yes" } else { "no" }.to_owned(),
                thousands(i.annual_requests),
            ]
        })
        .collect();
    table(
        out,
        &[
            ("service", Align::Left),
            ("data item", Align::Left),
            ("held by", Align::Left),
            ("fixable now", Align::Left),
            ("requests/year", Align::Right),
        ],
        &rows,
    );
    Ok(())
}

fn building_blocks_cmd(out: &mut String, s: &Snapshot, json: bool) -> anyhow::Result<()> {
    let r = reuse::reuse(s);
    if json {
        return print_json(
            out,
            &json!({
                "items": r.blocks,
                "waiting": r.waiting,
                "meta": {"total": r.blocks.len()}
            }),
        );
    }
    let rows: Vec<Vec<String>> = r
        .blocks
        .iter()
        .map(|b| {
            vec![
                b.building_block.to_string(),
                b.govstack_bb.to_owned(),
                b.status.to_string(),
                date_or_dash(b.go_live),
                b.service_count.to_string(),
                thousands(b.annual_transactions),
            ]
        })
        .collect();
    table(
        out,
        &[
            ("block", Align::Left),
            ("GovStack", Align::Left),
            ("status", Align::Left),
            ("go-live", Align::Left),
            ("services", Align::Right),
            ("transactions/year", Align::Right),
        ],
        &rows,
    );
    writeln!(
        out,
        "\n{} services need a block that is not in production\n",
        r.waiting.len()
    )?;
    let rows: Vec<Vec<String>> = r
        .waiting
        .iter()
        .map(|w| {
            vec![
                w.service.to_string(),
                w.building_block.to_string(),
                w.status.to_string(),
                date_or_dash(w.go_live),
                thousands(w.annual_transactions),
            ]
        })
        .collect();
    table(
        out,
        &[
            ("service", Align::Left),
            ("needs", Align::Left),
            ("status", Align::Left),
            ("go-live", Align::Left),
            ("transactions/year", Align::Right),
        ],
        &rows,
    );
    Ok(())
}

fn priorities_out(out: &mut String, p: &priorities::Priorities, json: bool) -> anyhow::Result<()> {
    if json {
        return print_json(
            out,
            &json!({
                "items": p.items,
                "meta": {"total": p.items.len(), "weights": p.weights, "quadrants": p.quadrants}
            }),
        );
    }
    let w = &p.weights;
    let q = &p.quadrants;
    writeln!(
        out,
        "weights: demand {}, complexity {}, alignment {} (impact); reuse {}, readiness {} (feasibility)",
        w.demand, w.complexity, w.alignment, w.reuse, w.readiness
    )?;
    writeln!(
        out,
        "quick wins {}, major projects {}, fill-ins {}, thankless {}\n",
        q.quick_win, q.major_project, q.fill_in, q.thankless
    )?;
    let rows: Vec<Vec<String>> = p
        .items
        .iter()
        .map(|i| {
            vec![
                i.rank.to_string(),
                i.service.to_string(),
                i.owner_code.to_string(),
                i.maturity.level().to_string(),
                thousands(i.annual_transactions),
                format!("{:.1}", i.impact),
                format!("{:.1}", i.feasibility),
                format!("{:.1}", i.score),
                i.quadrant.to_string(),
            ]
        })
        .collect();
    table(
        out,
        &[
            ("rank", Align::Right),
            ("service", Align::Left),
            ("owner", Align::Left),
            ("maturity", Align::Right),
            ("transactions/year", Align::Right),
            ("impact", Align::Right),
            ("feasibility", Align::Right),
            ("score", Align::Right),
            ("quadrant", Align::Left),
        ],
        &rows,
    );
    Ok(())
}

fn freshness_out(out: &mut String, f: &freshness::Freshness, json: bool) -> anyhow::Result<()> {
    if json {
        return print_json(
            out,
            &json!({
                "items": f.items,
                "meta": {
                    "total": f.items.len(),
                    "services": f.services,
                    "months": f.months,
                    "today": f.today,
                    "cutoff": f.cutoff,
                }
            }),
        );
    }
    writeln!(
        out,
        "{} of {} services not reviewed within {} months (since {}) on {}\n",
        f.items.len(),
        f.services,
        f.months,
        f.cutoff,
        f.today
    )?;
    let rows: Vec<Vec<String>> = f
        .items
        .iter()
        .map(|i| {
            vec![
                i.service.to_string(),
                i.owner_code.to_string(),
                i.last_reviewed
                    .map_or_else(|| "never".to_owned(), |d| d.to_string()),
                i.days_since
                    .map_or_else(|| "—".to_owned(), |d| d.to_string()),
            ]
        })
        .collect();
    table(
        out,
        &[
            ("service", Align::Left),
            ("owner", Align::Left),
            ("last reviewed", Align::Left),
            ("days ago", Align::Right),
        ],
        &rows,
    );
    Ok(())
}

fn standard_out(
    out: &mut String,
    c: &standard::StandardCoverage,
    json: bool,
) -> anyhow::Result<()> {
    if json {
        return print_json(
            out,
            &json!({
                "items": c.services,
                "criteria": c.criteria,
                "meta": {"total": c.services.len(), "criteria_count": c.criteria_count}
            }),
        );
    }
    writeln!(out, "{} criteria in the standard\n", c.criteria_count)?;
    let counts = |k: &standard::Counts| {
        vec![
            k.met.to_string(),
            k.partly_met.to_string(),
            k.not_met.to_string(),
            k.not_assessed.to_string(),
        ]
    };
    let cols = |first: &'static str| {
        [
            (first, Align::Left),
            ("met", Align::Right),
            ("partly", Align::Right),
            ("not met", Align::Right),
            ("not assessed", Align::Right),
        ]
    };
    let rows: Vec<Vec<String>> = c
        .criteria
        .iter()
        .map(|k| {
            let mut r = vec![k.criterion.to_string()];
            r.extend(counts(&k.counts));
            r
        })
        .collect();
    table(out, &cols("criterion"), &rows);
    writeln!(out)?;
    let rows: Vec<Vec<String>> = c
        .services
        .iter()
        .map(|k| {
            let mut r = vec![k.service.to_string()];
            r.extend(counts(&k.counts));
            r
        })
        .collect();
    table(out, &cols("service"), &rows);
    Ok(())
}
