//! Records the figures of computed KPIs ([`agenda_core::computed`]): on start and then at an
//! interval, every server computes what is due on the committed catalogue and writes it. Two
//! servers computing at once write the same figures from the same state; a write that changes
//! nothing is a no-op.

use std::time::Duration;

use agenda_core::{Change, Date, computed};
use agenda_store::{Store, StoreError};

/// How often the running periods' figures are brought up to date with the catalogue.
pub const INTERVAL: Duration = Duration::from_secs(10 * 60);

/// The actor the figures are written as, in the audit trail.
pub const ACTOR: &str = "computed KPIs";

/// Computes what is due on `day` and writes it; returns how many figures were written.
pub async fn run(store: &Store, day: Date) -> Result<usize, StoreError> {
    // Decided on everything committed, by any server.
    store.catch_up().await?;
    let due = computed::due(&store.snapshot(), day);
    if due.is_empty() {
        return Ok(0);
    }
    let n = due.len();
    store
        .apply(
            ACTOR,
            due.into_iter().map(|o| Change::Upsert(o.into())).collect(),
        )
        .await?;
    Ok(n)
}

/// Runs [`run`] every [`INTERVAL`] from one interval from now (the server runs it once itself
/// before it answers), on `today` when given (a fixed day for demonstrations), else on the
/// current date.
pub fn spawn(store: Store, today: Option<Date>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(INTERVAL);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // The first tick is immediate: the server's own run at start stands for it.
        ticks.tick().await;
        loop {
            ticks.tick().await;
            let day = today.unwrap_or_else(|| Date::from_naive(chrono::Utc::now().date_naive()));
            match run(&store, day).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(figures = n, "computed KPIs: figures recorded"),
                Err(e) => tracing::warn!(error = %e, "computed KPIs: could not record"),
            }
        }
    })
}
