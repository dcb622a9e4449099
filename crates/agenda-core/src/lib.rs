//! `agenda-core`: the domain of a National Digital Agenda and its services catalogue — typed
//! values, entities, the in-memory snapshot, integrity rules and health checks. Pure: no I/O,
//! no async, so every rule can be tested in isolation and reused by every interface.

pub mod catalogue;
pub mod computed;
pub mod consultation;
pub mod frameworks;
pub mod funding;
pub mod governance;
pub mod growth;
pub mod health;
pub mod integrity;
pub mod kpi_status;
pub mod languages;
pub mod methodology;
pub mod model;
pub mod numbers;
pub mod policy;
pub mod progress;
pub mod reporting;
pub mod sdg;
pub mod snapshot;
pub mod ticket;
pub mod values;
pub mod versions;
pub mod visibility;

pub use computed::Formula;
pub use model::*;
pub use snapshot::{Change, Collection, Entity, Kind, KindFn, Record, Snapshot};
pub use values::{
    Code, Date, Expected, ExpectedKind, Frequency, Lang, Maturity, Money, Percent, Period,
    Priority, Text, dial_number, parse_bool, parse_count, parse_email, parse_link, parse_number,
    parse_phone,
};
