//! The `agenda` command: serve the platform, move data in and out, check the database's health
//! and generate national-scale test data. `main.rs` only calls [`run`].

pub mod analysis;
pub mod config;
pub mod translations;
pub mod users;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use agenda_core::{Date, Snapshot};
use agenda_store::{Store, StoreError};
use anyhow::{Context, bail};
use clap::{Parser, Subcommand, ValueEnum};

use crate::config::{Config, LogFormat, Overrides};

/// Runs a country's National Digital Agenda: plan, catalogue, deliver and report.
#[derive(Debug, Parser)]
#[command(name = "agenda", version, about)]
pub struct Cli {
    /// Settings shared by every command.
    #[command(flatten)]
    pub overrides: Overrides,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A folder of CSV files, one per table.
    Csv,
    /// One XLSX workbook, one sheet per table.
    Xlsx,
    /// The services catalogue as CPSV-AP 3.2.0 JSON-LD (one `.jsonld` file).
    #[value(name = "cpsv-ap")]
    CpsvAp,
    /// The texts to translate into one language (`--lang`) as XLIFF 2.0 (one `.xlf` file).
    Xliff,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the web server.
    Serve {
        /// Listen address.
        #[arg(long, env = "AGENDA_ADDR")]
        addr: Option<String>,
        /// Load the demo country if the database is empty.
        #[arg(long)]
        demo: bool,
        /// Day the public pages compute statuses for (default: the real date), YYYY-MM-DD.
        #[arg(long, env = "AGENDA_TODAY")]
        today: Option<String>,
    },
    /// Import a folder of CSV files, one .csv file or an .xlsx workbook; all or nothing.
    ///
    /// An XLIFF 2.0 file (`.xlf`) made by `export --format xliff` and translated fills in or
    /// changes only the translations it holds; a text whose source changed since the export
    /// is listed, not applied.
    ///
    /// The GovStack playbook's RFI-2 service catalogue and High Level Roadmap workbooks are
    /// recognised by their sheets and read as published; what they hold that the model cannot is
    /// listed.
    Import {
        /// What to import.
        path: PathBuf,
        /// Name recorded as the author of the changes in the audit log.
        #[arg(long)]
        actor: Option<String>,
        /// Check and report what the import would add and change, field by field, and write
        /// nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Publish the agenda as it stands as a new numbered version (1.0, then 1.1 …), shown at
    /// /versions with what changed; nothing is recorded when the plan has not changed.
    Publish {
        /// What the version is about, in English.
        #[arg(long)]
        note: Option<String>,
        /// A new agenda: the next whole number (2.0) instead of the next minor one.
        #[arg(long)]
        major: bool,
        /// The day the version counts from, YYYY-MM-DD (default: today).
        #[arg(long)]
        on: Option<String>,
        /// Name recorded as the publisher in the audit log.
        #[arg(long)]
        actor: Option<String>,
    },
    /// Export the whole database in the native format, or the services catalogue as CPSV-AP.
    Export {
        /// `csv` (a folder), `xlsx` (a workbook), `cpsv-ap` (the services catalogue as
        /// CPSV-AP 3.2.0 JSON-LD) or `xliff` (texts to translate); default from the --out name
        /// (`.xlsx`, `.jsonld`, `.xlf`, else csv).
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// xliff: the language to translate into, one of the configured languages other than
        /// the first (the one texts are written in).
        #[arg(long)]
        lang: Option<String>,
        /// xliff: every text, translated or not (default: only those lacking the language).
        #[arg(long)]
        all: bool,
        /// Folder (csv) or file (xlsx, cpsv-ap) to write.
        #[arg(long)]
        out: PathBuf,
        /// cpsv-ap: the base of every IRI in the catalogue (services are
        /// `<base>/services/<code>`), normally the public address of the platform.
        #[arg(long, default_value = agenda_io::cpsv::DEFAULT_BASE_URI)]
        base_uri: String,
    },
    /// Print counts, integrity errors and warnings; exit 1 if there are errors.
    Check {
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
        /// Day to compute warnings for (default: today).
        #[arg(long)]
        today: Option<String>,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Accounts: create the first administrator, list, disable.
    User {
        /// What to do.
        #[command(subcommand)]
        command: users::UserCommand,
    },
    /// The audit chain of every change.
    Audit {
        /// What to do with it.
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Write a consistent copy of the whole database to FILE, also while the server runs.
    ///
    /// Entities, the audit log, users, API tokens and sent reminders, as JSON lines that either
    /// database restores. The file appears only once complete.
    Backup {
        /// File to write (replaced if it exists).
        file: PathBuf,
    },
    /// Restore a backup into an empty database (just created, or just migrated).
    ///
    /// All or nothing: a database that holds data, a truncated or damaged file, or an audit
    /// chain that does not verify is refused and nothing is written.
    Restore {
        /// Backup file written by `agenda backup`.
        file: PathBuf,
    },
    /// Send the subscribers' e-mail digests now: to each confirmed subscriber, what changed
    /// in what they follow since their last digest (`serve` also does it every
    /// `subscriptions.digest_interval`).
    Digest,
    /// Record the figures of computed KPIs now: each one's figure for the running period,
    /// computed from the catalogue, and the figures of periods that have ended made final
    /// (`serve` also does it at start and every ten minutes).
    Compute {
        /// Day to compute for, YYYY-MM-DD (default: today).
        #[arg(long)]
        today: Option<String>,
    },
    /// The digitalisation roadmap: conflicts, and what a building block's slip moves.
    Roadmap {
        /// What to show.
        #[command(subcommand)]
        command: analysis::RoadmapCommand,
    },
    /// Analyses of the services catalogue.
    Analyse {
        /// Which analysis.
        #[command(subcommand)]
        command: analysis::AnalyseCommand,
    },
    /// Write a national-scale dataset (the demo country plus generated services and
    /// observations) as a CSV folder, for load and start-up measurements.
    Generate {
        /// Services to add.
        #[arg(long, default_value_t = 100_000)]
        services: usize,
        /// Observations to add.
        #[arg(long, default_value_t = 1_000_000)]
        observations: usize,
        /// Seed of the generator.
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// Folder to write; with --rfi2, the workbook file.
        #[arg(long)]
        out: PathBuf,
        /// Write instead an RFI-2 service-catalogue workbook of --services rows, filled in as
        /// ministries fill it in, over the demo country's organisations.
        #[arg(long)]
        rfi2: bool,
    },
}

/// What `agenda audit` does.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Walk the audit chain; exit 1 naming the first record altered or removed.
    Verify,
}

fn init_tracing(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("AGENDA_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // A second initialisation (tests) is harmless.
    let _ = match format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

fn sdg() -> anyhow::Result<Arc<agenda_core::sdg::SdgFramework>> {
    agenda_io::embedded::sdg()
        .map(Arc::new)
        .map_err(|e| anyhow::anyhow!("embedded SDG framework: {e}"))
}

fn frameworks() -> anyhow::Result<Arc<agenda_core::frameworks::Frameworks>> {
    agenda_io::embedded::frameworks()
        .map(Arc::new)
        .map_err(|e| anyhow::anyhow!("embedded indicator frameworks: {e}"))
}

pub(crate) async fn open(config: &Config) -> anyhow::Result<Store> {
    if config.database_url.starts_with("sqlite:") && config.data_dir.as_os_str() != "" {
        std::fs::create_dir_all(&config.data_dir).with_context(|| {
            format!(
                "cannot create the data directory {}",
                config.data_dir.display()
            )
        })?;
    }
    let store = Store::open_with_file(&config.database_url, sdg()?, config.snapshot_file.clone())
        .await
        .with_context(|| {
            format!(
                "cannot open the database {}",
                config::redact(&config.database_url)
            )
        })?;
    Ok(store
        .with_frameworks(frameworks()?)
        .with_languages(config.content.clone()))
}

pub(crate) fn actor(given: Option<String>) -> String {
    given.unwrap_or_else(|| {
        format!(
            "cli:{}",
            std::env::var("USER").unwrap_or_else(|_| "unknown".to_owned())
        )
    })
}

/// Runs a parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let addr = match &cli.command {
        Command::Serve { addr, .. } => addr.clone(),
        _ => None,
    };
    let config = Config::load(&cli.overrides, addr.as_deref())?;
    init_tracing(config.log_format);
    // Texts read anywhere in this process fall back along the country's chains.
    agenda_core::languages::set_process_content((*config.content).clone());
    match cli.command {
        Command::Serve { demo, today, .. } => serve(&config, demo, today.as_deref()).await,
        Command::Import {
            path,
            actor: a,
            dry_run,
        } if translations::is_xliff(&path) => {
            translations::import(&config, &path, actor(a), dry_run).await
        }
        Command::Import {
            path,
            actor: a,
            dry_run,
        } => import(&config, &path, actor(a), dry_run).await,
        Command::Publish {
            note,
            major,
            on,
            actor: a,
        } => publish(&config, note, major, on.as_deref(), actor(a)).await,
        Command::Export {
            format,
            out,
            base_uri,
            lang,
            all,
        } => {
            let format = format.unwrap_or_else(|| format_of(&out));
            if format != Format::Xliff && (lang.is_some() || all) {
                bail!("--lang and --all are options of --format xliff")
            }
            export(&config, format, &out, &base_uri, (lang.as_deref(), all)).await
        }
        Command::Check { json, today } => check(&config, json, today.as_deref()).await,
        Command::User { command } => users::run(&config, command).await,
        Command::Migrate => {
            open(&config).await?;
            println!("database is up to date");
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit {
            command: AuditCommand::Verify,
        } => audit_verify(&config).await,
        Command::Backup { file } => backup(&config, &file).await,
        Command::Restore { file } => restore(&config, &file).await,
        Command::Digest => digest(&config).await,
        Command::Compute { today } => compute(&config, today.as_deref()).await,
        Command::Roadmap { command } => analysis::roadmap(&config, command).await,
        Command::Analyse { command } => analysis::analyse(&config, command).await,
        Command::Generate {
            services,
            seed,
            out,
            rfi2: true,
            ..
        } => generate_rfi2(services, seed, &out),
        Command::Generate {
            services,
            observations,
            seed,
            out,
            ..
        } => generate(services, observations, seed, &out),
    }
}

fn demo_snapshot(base: &Snapshot) -> anyhow::Result<agenda_io::ImportPlan> {
    let tables =
        agenda_io::embedded::demo_tables().map_err(|e| anyhow::anyhow!("demo data: {e}"))?;
    // The demo country writes in English, whatever the deployment's default language.
    let demo_base = base
        .clone()
        .with_languages(std::sync::Arc::new(Default::default()));
    agenda_io::plan_import(&demo_base, &tables).map_err(|errors| {
        anyhow::anyhow!(
            "the embedded demo country does not import:\n{}",
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        )
    })
}

/// The demo country's first version: its launch, with the co-design that led to it.
async fn publish_demo(store: &Store) -> anyhow::Result<()> {
    let s = store.snapshot();
    let on = s
        .the_agenda()
        .and_then(|a| a.launched_on)
        .unwrap_or_else(|| Date::from_naive(chrono::Utc::now().date_naive()));
    let note = agenda_core::Text::new(
        [
            ("en", "Launch of the agenda, after the 2023 public consultation and two co-design workshops."),
            ("fr", "Lancement de l’agenda, après la consultation publique de 2023 et deux ateliers de co-conception."),
            ("es", "Lanzamiento de la agenda, tras la consulta pública de 2023 y dos talleres de co-diseño."),
        ]
        .into_iter()
        .filter_map(|(l, t)| Some((agenda_core::Lang::parse(l).ok()?, t.to_owned()))),
    )
    .map_err(|e| anyhow::anyhow!("demo version note: {e}"))?;
    store
        .publish_version("demo", on, Some(&note), false, |s| {
            agenda_io::versions::version_content(&agenda_core::visibility::public_view(s))
        })
        .await?;
    Ok(())
}

async fn publish(
    config: &Config,
    note: Option<String>,
    major: bool,
    on: Option<&str>,
    actor: String,
) -> anyhow::Result<ExitCode> {
    let on = match on {
        Some(d) => Date::parse(d).map_err(|e| anyhow::anyhow!("--on {d:?}: {e}"))?,
        None => Date::from_naive(chrono::Utc::now().date_naive()),
    };
    let note = note
        .map(agenda_core::Text::en)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--note: {e}"))?;
    let store = open(config).await?;
    let out = store
        .publish_version(&actor, on, note.as_ref(), major, |s| {
            agenda_io::versions::version_content(&agenda_core::visibility::public_view(s))
        })
        .await?;
    match out {
        agenda_store::Published::New(v) => {
            println!("published version {} of {}", v.number, v.published_on);
        }
        agenda_store::Published::Unchanged(n) => {
            println!("nothing to publish: the plan is the same as in version {n}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn compute(config: &Config, today: Option<&str>) -> anyhow::Result<ExitCode> {
    let day = match today {
        Some(t) => Date::parse(t).map_err(|e| anyhow::anyhow!("--today {t:?}: {e}"))?,
        None => Date::from_naive(chrono::Utc::now().date_naive()),
    };
    let store = open(config).await?;
    let n = agenda_jobs::computed::run(&store, day).await?;
    let kpis = store
        .snapshot()
        .kpis
        .values()
        .filter(|k| k.computed.is_some())
        .count();
    println!("{kpis} computed KPIs, {n} figures recorded for {day}");
    Ok(ExitCode::SUCCESS)
}

async fn serve(config: &Config, demo: bool, today: Option<&str>) -> anyhow::Result<ExitCode> {
    let today = today
        .map(|t| Date::parse(t).map_err(|e| anyhow::anyhow!("--today / AGENDA_TODAY {t:?}: {e}")))
        .transpose()?;
    let store = open(config).await?;
    if demo {
        let s = store.snapshot();
        let empty = agenda_core::Kind::ALL.iter().all(|&k| s.count(k) == 0);
        if empty {
            let plan = demo_snapshot(&s)?;
            let out = store.apply("demo", plan.changes).await?;
            publish_demo(&store).await?;
            tracing::info!(
                created = out.created,
                "loaded the demo country, published as 1.0"
            );
        } else {
            tracing::info!("the database already holds data; --demo leaves it as it is");
        }
    }
    let listener = tokio::net::TcpListener::bind(config.listen_addr)
        .await
        .with_context(|| {
            format!(
                "cannot listen on {} (--addr / AGENDA_ADDR)",
                config.listen_addr
            )
        })?;
    let local = listener.local_addr()?;
    // Other servers sharing the database: their writes reach this one's snapshot (and so its
    // pages, caches and finder) within a second, notified or not.
    let _follower = store.follow(std::time::Duration::from_millis(500));
    // The next start reads the snapshot file instead of every record: bring it up to date
    // now if it was not used, and again on the way out.
    if store.snapshot_file_lag() > 0 {
        let s = store.clone();
        tokio::spawn(async move {
            if let Err(e) = s.save_snapshot_file().await {
                tracing::warn!(error = %e, "could not write the snapshot file");
            }
        });
    }
    let last = store.clone();
    // Computed KPIs are brought up to date before the first page is served, so that pages
    // and their caches start from the figures they will show.
    let day = today.unwrap_or_else(|| Date::from_naive(chrono::Utc::now().date_naive()));
    if let Err(e) = agenda_jobs::computed::run(&store, day).await {
        tracing::warn!(error = %e, "computed KPIs: could not record");
    }
    agenda_jobs::computed::spawn(store.clone(), today);
    if let Some(reminders) = &config.reminders {
        agenda_jobs::reminders::spawn(store.clone(), reminders.clone(), today);
    }
    if let Some(subscriptions) = &config.subscriptions {
        agenda_jobs::digests::spawn(store.clone(), subscriptions.clone());
    }
    agenda_core::numbers::set_arabic_digits(config.arabic_digits);
    let state = agenda_web::AppState::new(
        store,
        agenda_web::WebSettings {
            country: config.country.clone(),
            languages: config.languages.clone(),
            today,
            primary_colour: config.primary_colour.clone(),
            accent_colour: config.accent_colour.clone(),
            logo: config.logo.clone(),
            secure_cookies: config.secure_cookies,
            priority_weights: config.priority_weights,
            subscriptions: config.subscriptions.clone(),
            // The demo country maps its regions unless the configuration names a file.
            regions: config
                .regions
                .clone()
                .or_else(|| demo.then(agenda_io::embedded::demo_regions))
                .map(std::sync::Arc::new),
            currency: config.currency.clone(),
            speech_langs: config.speech_langs.clone(),
        },
    );
    tracing::info!(addr = %local, "serving");
    // Tests and scripts read the real port (with --addr …:0) from this line.
    println!("agenda listening on http://{local}");
    agenda_web::serve(listener, state, config.server_limits, shutdown_signal()).await?;
    if let Err(e) = last.save_snapshot_file().await {
        tracing::warn!(error = %e, "could not write the snapshot file");
    }
    Ok(ExitCode::SUCCESS)
}

async fn digest(config: &Config) -> anyhow::Result<ExitCode> {
    let Some(settings) = &config.subscriptions else {
        bail!("subscriptions are off: set smtp.host (and smtp.from) in the configuration");
    };
    let store = open(config).await?;
    let public = agenda_core::visibility::public_view(&store.snapshot());
    let o = agenda_jobs::digests::send_digests(&store, &public, settings).await?;
    println!(
        "digests sent: {}, nothing new: {}, not accepted by the mail server: {}",
        o.sent, o.nothing_new, o.failed
    );
    Ok(if o.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

async fn import(
    config: &Config,
    path: &Path,
    actor: String,
    dry_run: bool,
) -> anyhow::Result<ExitCode> {
    let store = open(config).await?;
    let base = store.snapshot();
    // A GovStack playbook workbook (RFI-2, High Level Roadmap) is recognised by its sheets.
    let planned = if let Some(govstack) = agenda_io::govstack::read(path, &base, &config.currency) {
        print!("{}", govstack.report);
        govstack.plan(&base)
    } else {
        match agenda_io::read_path(path) {
            Ok(tables) => agenda_io::plan_import(&base, &tables),
            Err(errors) => Err(errors),
        }
    };
    let plan = match planned {
        Ok(p) => p,
        Err(errors) => return Ok(report_import_errors(&errors)),
    };
    print!("{}", agenda_io::ChangeReport::of(&base, &plan));
    if dry_run {
        // The same checks the store makes on a write, on the snapshot the import would give.
        let after = agenda_io::apply_in_memory(&base, &plan);
        let changed: Vec<agenda_core::Entity> = plan
            .changes
            .iter()
            .filter_map(|c| match c {
                agenda_core::Change::Upsert(e) => Some(e.clone()),
                agenda_core::Change::Delete(..) => None,
            })
            .collect();
        let removed = plan
            .changes
            .iter()
            .any(|c| matches!(c, agenda_core::Change::Delete(..)));
        let problems = agenda_core::integrity::problems_after(&changed, removed, &after);
        for p in &problems {
            eprintln!("{p}");
        }
        if !problems.is_empty() {
            eprintln!("{} problems; the import would be refused", problems.len());
            return Ok(ExitCode::FAILURE);
        }
        println!("dry run: nothing was written");
        return Ok(ExitCode::SUCCESS);
    }
    let outcome = match store.apply(&actor, plan.changes).await {
        Ok(o) => o,
        Err(StoreError::Invalid(problems)) => {
            for p in &problems {
                eprintln!("{p}");
            }
            eprintln!("{} problems; nothing was imported", problems.len());
            return Ok(ExitCode::FAILURE);
        }
        Err(e) => return Err(e.into()),
    };
    let read: Vec<String> = plan
        .read
        .iter()
        .map(|(k, n)| format!("{n} {}", k.as_str()))
        .collect();
    println!(
        "read {} rows ({}); {} created, {} updated, {} unchanged; database version {}",
        plan.rows,
        read.join(", "),
        outcome.created,
        outcome.updated,
        plan.read
            .iter()
            .map(|(_, n)| n)
            .sum::<usize>()
            .saturating_sub(outcome.created + outcome.updated),
        outcome.version
    );
    Ok(ExitCode::SUCCESS)
}

fn report_import_errors(errors: &[agenda_io::ImportError]) -> ExitCode {
    for e in errors {
        eprintln!("{e}");
    }
    eprintln!(
        "{} problem{}; nothing was imported",
        errors.len(),
        if errors.len() == 1 { "" } else { "s" }
    );
    ExitCode::FAILURE
}

/// The format an export's file name implies.
fn format_of(out: &Path) -> Format {
    let ext = out
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    match ext.as_deref() {
        Some("xlsx") => Format::Xlsx,
        Some("jsonld") => Format::CpsvAp,
        Some("xlf" | "xliff") => Format::Xliff,
        _ => Format::Csv,
    }
}

/// Writes an export; `(lang, all)`: the options of an XLIFF export.
async fn export(
    config: &Config,
    format: Format,
    out: &Path,
    base_uri: &str,
    (lang, all): (Option<&str>, bool),
) -> anyhow::Result<ExitCode> {
    let store = open(config).await?;
    let s = store.snapshot();
    match format {
        Format::Csv => {
            let tables = agenda_io::export_csv(&s, out)
                .with_context(|| format!("cannot write to {}", out.display()))?;
            println!("wrote {} tables to {}", tables.len(), out.display());
        }
        Format::Xlsx => {
            agenda_io::export_xlsx(&s, out)
                .with_context(|| format!("cannot write {}", out.display()))?;
            println!("wrote {}", out.display());
        }
        Format::CpsvAp => {
            let doc =
                agenda_io::cpsv::catalogue_jsonld_in(&s, base_uri, Some(config.country.as_str()));
            let mut text = serde_json::to_string_pretty(&doc)?;
            text.push('\n');
            std::fs::write(out, text).with_context(|| format!("cannot write {}", out.display()))?;
            println!(
                "wrote {} services as CPSV-AP to {}",
                s.services.len(),
                out.display()
            );
        }
        Format::Xliff => return translations::export(config, &s, lang, all, out),
    }
    Ok(ExitCode::SUCCESS)
}

async fn check(config: &Config, json: bool, today: Option<&str>) -> anyhow::Result<ExitCode> {
    let today = match today {
        Some(t) => Date::parse(t).map_err(|e| anyhow::anyhow!("--today {t:?}: {e}"))?,
        None => Date::from_naive(chrono::Utc::now().date_naive()),
    };
    let store = open(config).await?;
    let snapshot = store.snapshot();
    let mut h = agenda_core::health::health(&snapshot, today);
    // The default language is a setting, so the data's health does not know it: texts written
    // before it changed may lack it.
    h.errors
        .extend(agenda_io::native::missing_default_language(&snapshot));
    if json {
        println!("{}", serde_json::to_string_pretty(&h)?);
    } else {
        println!(
            "agenda check on {} ({})",
            h.today,
            config::redact(&config.database_url)
        );
        println!("\ncounts:");
        for (k, n) in &h.counts {
            println!("  {k:<20} {n:>8}");
        }
        println!("\nerrors: {}", h.errors.len());
        for e in &h.errors {
            println!("  ✗ {e}");
        }
        println!("\nwarnings: {}", h.warnings.len());
        for w in &h.warnings {
            println!(
                "  ! {:<22} {} {}: {}",
                w.rule,
                w.kind.as_str(),
                w.key,
                w.message
            );
        }
    }
    Ok(if h.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

async fn audit_verify(config: &Config) -> anyhow::Result<ExitCode> {
    let store = open(config).await?;
    let check = store.check_audit().await?;
    Ok(match check.fault {
        None => {
            println!(
                "audit chain intact: {} record{}, head at {} ({})",
                check.records,
                if check.records == 1 { "" } else { "s" },
                check.head_seq,
                check.head_hash
            );
            ExitCode::SUCCESS
        }
        Some(fault) => {
            println!("audit chain broken: {fault}");
            ExitCode::FAILURE
        }
    })
}

fn table_counts(summary: &agenda_store::BackupSummary) -> String {
    summary
        .rows
        .iter()
        .map(|(t, n)| format!("{n} {t}"))
        .collect::<Vec<_>>()
        .join(", ")
}

async fn backup(config: &Config, file: &Path) -> anyhow::Result<ExitCode> {
    let store = open(config).await?;
    let summary = store.backup(file).await?;
    println!(
        "wrote {} ({}; audit chain at {})",
        file.display(),
        table_counts(&summary),
        summary.audit_seq
    );
    Ok(ExitCode::SUCCESS)
}

async fn restore(config: &Config, file: &Path) -> anyhow::Result<ExitCode> {
    let store = open(config).await?;
    match store.restore(file).await {
        Ok(summary) => {
            println!(
                "restored {} ({}); audit chain verified up to {}",
                file.display(),
                table_counts(&summary),
                summary.audit_seq
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(
            e @ (agenda_store::BackupError::Format { .. }
            | agenda_store::BackupError::NotEmpty(_)
            | agenda_store::BackupError::Chain(_)),
        ) => {
            eprintln!("error: {e}");
            Ok(ExitCode::FAILURE)
        }
        Err(e) => Err(e.into()),
    }
}

fn generate(
    services: usize,
    observations: usize,
    seed: u64,
    out: &Path,
) -> anyhow::Result<ExitCode> {
    let base = Snapshot::empty(sdg()?).with_frameworks(frameworks()?);
    let plan = demo_snapshot(&base)?;
    let demo = agenda_io::apply_in_memory(&base, &plan);
    let s = agenda_io::generate::national(&demo, services, observations, seed);
    let problems = agenda_core::integrity::integrity(&s);
    if let Some(p) = problems.first() {
        bail!(
            "generated data is inconsistent ({} problems), first: {p}",
            problems.len()
        );
    }
    agenda_io::export_csv(&s, out).with_context(|| format!("cannot write {}", out.display()))?;
    println!(
        "wrote {} services and {} observations to {}",
        s.services.len(),
        s.observations.len(),
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn generate_rfi2(services: usize, seed: u64, out: &Path) -> anyhow::Result<ExitCode> {
    let base = Snapshot::empty(sdg()?).with_frameworks(frameworks()?);
    let plan = demo_snapshot(&base)?;
    let demo = agenda_io::apply_in_memory(&base, &plan);
    let bytes = agenda_io::generate::rfi2_workbook(&demo, services, seed)
        .map_err(|e| anyhow::anyhow!("cannot write the workbook: {e}"))?;
    std::fs::write(out, bytes).with_context(|| format!("cannot write {}", out.display()))?;
    println!(
        "wrote an RFI-2 workbook of {services} services to {}",
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_well_formed() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
