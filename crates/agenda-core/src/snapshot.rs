//! The immutable in-memory picture of the whole domain that serves every read.
//!
//! Collections are persistent ordered maps (`imbl::OrdMap`): a write produces a new snapshot
//! that shares everything it did not touch, so publishing one after a commit costs
//! O(changes × log n), not a copy of a national catalogue.

use std::sync::Arc;

use imbl::OrdMap;
use serde::{Serialize, de::DeserializeOwned};

use crate::frameworks::Frameworks;
use crate::model::*;
use crate::sdg::SdgFramework;

/// An entity type that can live in a snapshot.
pub trait Record: Clone + Serialize + DeserializeOwned + Send + Sync + 'static {
    /// Its kind.
    const KIND: Kind;
    /// Its stable natural key: the code, or for code-less records the parts that identify them
    /// joined by `:` (a character codes never contain).
    fn key(&self) -> String;
}

/// A record's typed collection in a snapshot.
pub trait Collection: Record {
    /// Its map in `s`, by key.
    fn of(s: &Snapshot) -> &OrdMap<String, Self>;
    /// Its map in `s`, to change.
    fn of_mut(s: &mut Snapshot) -> &mut OrdMap<String, Self>;
}

/// Work generic over the entity type of a [`Kind`], run by [`Kind::dispatch`].
pub trait KindFn {
    /// What the work gives.
    type Out;
    /// Does the work for entity type `T`.
    fn call<T: Collection>(&mut self) -> Self::Out;
}

macro_rules! coded {
    ($($t:ident),+) => {$(
        impl Record for $t {
            const KIND: Kind = Kind::$t;
            fn key(&self) -> String {
                self.code.to_string()
            }
        }
    )+};
}

macro_rules! kinds {
    ($($variant:ident($ty:ty) => $field:ident, $name:literal, $collection:literal;)+) => {
        /// Every kind of entity, in dependency order (a kind only refers to kinds before it,
        /// apart from objectives → KPIs).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Kind {
            $(#[doc = $name] $variant,)+
        }

        impl Kind {
            /// Every kind, in dependency order.
            pub const ALL: &'static [Kind] = &[$(Kind::$variant),+];

            /// The kind's name as stored (`action_line`), which is also its table name
            /// in the native format with an `s` (see `table`).
            pub fn as_str(self) -> &'static str {
                match self { $(Kind::$variant => $name),+ }
            }

            /// The kind's API collection (`action-lines`).
            pub fn collection(self) -> &'static str {
                match self { $(Kind::$variant => $collection),+ }
            }

            /// Parses a stored kind name.
            pub fn parse(s: &str) -> Option<Kind> {
                match s { $($name => Some(Kind::$variant),)+ _ => None }
            }
        }

        /// Any entity.
        // A service is the largest record; an entity is moved one at a time through writes
        // and imports, and a snapshot keeps each kind in its own map, so boxing would add an
        // allocation per record to save little.
        #[allow(clippy::large_enum_variant)]
        #[derive(Debug, Clone, PartialEq, Serialize)]
        #[serde(untagged)]
        pub enum Entity {
            $(#[doc = $name] $variant($ty),)+
        }

        impl Entity {
            /// Its kind.
            pub fn kind(&self) -> Kind {
                match self { $(Entity::$variant(_) => Kind::$variant),+ }
            }

            /// Its natural key.
            pub fn key(&self) -> String {
                match self { $(Entity::$variant(e) => e.key()),+ }
            }

            /// Its JSON body as stored.
            pub fn to_json(&self) -> String {
                // Serialising these plain data types cannot fail.
                match self { $(Entity::$variant(e) => serde_json::to_string(e).unwrap_or_default()),+ }
            }

            /// Reads a stored JSON body of `kind`.
            pub fn from_json(kind: Kind, json: &str) -> Result<Entity, serde_json::Error> {
                Ok(match kind { $(Kind::$variant => Entity::$variant(serde_json::from_str(json)?)),+ })
            }
        }

        $(
            impl From<$ty> for Entity {
                fn from(e: $ty) -> Entity { Entity::$variant(e) }
            }
        )+

        /// The whole domain at one version.
        #[derive(Debug, Clone, Default)]
        pub struct Snapshot {
            /// Increases with every committed write (the audit sequence number).
            pub version: u64,
            /// The UN SDG framework, reference data shared by every snapshot.
            pub sdg: Arc<SdgFramework>,
            /// The other indicator frameworks KPIs align to, reference data shared likewise.
            pub frameworks: Arc<Frameworks>,
            /// The country's content languages: the default every text written must have, and
            /// the chains text is looked for along. A setting, not data: carried from snapshot to
            /// snapshot like the reference data.
            pub languages: Arc<crate::languages::ContentLanguages>,
            $(#[doc = $name] pub $field: OrdMap<String, $ty>,)+
        }

        impl Snapshot {
            /// The entity of `kind` with `key`.
            pub fn get(&self, kind: Kind, key: &str) -> Option<Entity> {
                match kind { $(Kind::$variant => self.$field.get(key).cloned().map(Entity::$variant)),+ }
            }

            /// Inserts or replaces an entity; returns the one it replaced.
            pub fn upsert(&mut self, entity: Entity) -> Option<Entity> {
                let key = entity.key();
                match entity { $(Entity::$variant(e) => self.$field.insert(key, e).map(Entity::$variant)),+ }
            }

            /// Removes an entity; returns it.
            pub fn remove(&mut self, kind: Kind, key: &str) -> Option<Entity> {
                match kind { $(Kind::$variant => self.$field.remove(key).map(Entity::$variant)),+ }
            }

            /// How many entities of `kind` there are.
            pub fn count(&self, kind: Kind) -> usize {
                match kind { $(Kind::$variant => self.$field.len()),+ }
            }

            /// Every entity of `kind`, in key order.
            pub fn entities(&self, kind: Kind) -> Box<dyn Iterator<Item = Entity> + '_> {
                match kind { $(Kind::$variant => Box::new(self.$field.values().cloned().map(Entity::$variant))),+ }
            }
        }

        impl Kind {
            /// Calls `f` with this kind's entity type, for code that works on one typed
            /// collection at a time (see [`Collection`]).
            pub fn dispatch<F: KindFn>(self, f: &mut F) -> F::Out {
                match self { $(Kind::$variant => f.call::<$ty>()),+ }
            }
        }

        $(
            impl Collection for $ty {
                fn of(s: &Snapshot) -> &OrdMap<String, Self> { &s.$field }
                fn of_mut(s: &mut Snapshot) -> &mut OrdMap<String, Self> { &mut s.$field }
            }
        )+
    };
}

kinds! {
    Organisation(Organisation) => organisations, "organisation", "organisations";
    Agenda(Agenda) => agenda, "agenda", "agenda";
    Pillar(Pillar) => pillars, "pillar", "pillars";
    ActionLine(ActionLine) => action_lines, "action_line", "action-lines";
    Milestone(Milestone) => milestones, "milestone", "milestones";
    LegalInstrument(LegalInstrument) => legal_instruments, "legal_instrument", "legal-instruments";
    Kpi(Kpi) => kpis, "kpi", "kpis";
    Objective(Objective) => objectives, "objective", "objectives";
    Observation(Observation) => observations, "observation", "observations";
    ProgressReport(ProgressReport) => progress_reports, "progress_report", "progress-reports";
    Budget(Budget) => budgets, "budget", "budgets";
    LifeEvent(LifeEvent) => life_events, "life_event", "life-events";
    DataItem(DataItem) => data_items, "data_item", "data-items";
    Registry(Registry) => registries, "registry", "registries";
    BuildingBlock(BuildingBlock) => building_blocks, "building_block", "building-blocks";
    ContactPoint(ContactPoint) => contact_points, "contact_point", "contact-points";
    Service(Service) => services, "service", "services";
    ServiceFigure(ServiceFigure) => service_figures, "service_figure", "service-figures";
    System(System) => systems, "system", "systems";
    Release(Release) => releases, "release", "releases";
    StandardCriterion(StandardCriterion) => standard_criteria, "standard_criterion", "standard-criteria";
    Assessment(Assessment) => assessments, "assessment", "assessments";
    GovernanceBody(GovernanceBody) => governance_bodies, "governance_body", "governance-bodies";
    Seat(Seat) => seats, "seat", "seats";
    Meeting(Meeting) => meetings, "meeting", "meetings";
    Decision(Decision) => decisions, "decision", "decisions";
    Consultation(Consultation) => consultations, "consultation", "consultations";
    Contribution(Contribution) => contributions, "contribution", "contributions";
    ContributionResponse(ContributionResponse) => responses, "response", "responses";
    CoDesignEvent(CoDesignEvent) => codesign_events, "codesign_event", "codesign-events";
}

coded!(
    Organisation,
    Agenda,
    Pillar,
    ActionLine,
    Milestone,
    LegalInstrument,
    Kpi,
    Objective,
    LifeEvent,
    DataItem,
    Registry,
    BuildingBlock,
    ContactPoint,
    Service,
    System,
    Release,
    StandardCriterion,
    GovernanceBody,
    Meeting,
    Decision,
    Consultation,
    Contribution,
    CoDesignEvent
);

impl Record for ContributionResponse {
    const KIND: Kind = Kind::ContributionResponse;
    fn key(&self) -> String {
        self.contribution.to_string()
    }
}

impl Record for Seat {
    const KIND: Kind = Kind::Seat;
    fn key(&self) -> String {
        format!("{}:{}", self.body, self.organisation)
    }
}

impl Record for ServiceFigure {
    const KIND: Kind = Kind::ServiceFigure;
    fn key(&self) -> String {
        format!("{}:{}", self.service, self.period)
    }
}

impl Record for Observation {
    const KIND: Kind = Kind::Observation;
    fn key(&self) -> String {
        match &self.disaggregation {
            None => format!("{}:{}", self.kpi, self.period),
            Some(d) => format!("{}:{}:{}", self.kpi, self.period, d),
        }
    }
}

impl Record for ProgressReport {
    const KIND: Kind = Kind::ProgressReport;
    fn key(&self) -> String {
        format!("{}:{}", self.action_line, self.period)
    }
}

impl Record for Budget {
    const KIND: Kind = Kind::Budget;
    /// `<action line>:<year>:<source>`, with `:<partner>` when a partner is named: one line
    /// per action line, year, source and partner.
    fn key(&self) -> String {
        match &self.partner {
            None => format!("{}:{}:{}", self.action_line, self.year, self.source),
            Some(p) => format!("{}:{}:{}:{p}", self.action_line, self.year, self.source),
        }
    }
}

impl Record for Assessment {
    const KIND: Kind = Kind::Assessment;
    fn key(&self) -> String {
        format!("{}:{}:{}", self.service, self.criterion, self.assessed_on)
    }
}

/// A change to apply to a snapshot and its database.
#[derive(Debug, Clone, PartialEq)]
#[expect(
    clippy::large_enum_variant,
    reason = "changes are built in bulk and consumed at once; boxing each would only add allocations"
)]
pub enum Change {
    /// Create or replace an entity.
    Upsert(Entity),
    /// Remove the entity of a kind with a key.
    Delete(Kind, String),
}

/// The map of `entries`, with its nodes filled.
///
/// Inserting keys in order into the persistent B-tree leaves every node half empty (a full
/// node splits in two halves and the left one never grows again): at national scale that is a
/// quarter of the snapshot's memory. Inserting every other key first, then the ones between,
/// fills each node to the brim instead. Entries need not be sorted; of equal keys the last
/// one given wins, as with one insert after another.
pub fn packed<T: Clone>(mut entries: Vec<(String, T)>) -> OrdMap<String, T> {
    // A stable sort keeps equal keys in the order given.
    if !entries.is_sorted_by(|a, b| a.0 <= b.0) {
        entries.sort_by(|a, b| a.0.cmp(&b.0));
    }
    entries.dedup_by(|later, earlier| {
        let same = later.0 == earlier.0;
        if same {
            std::mem::swap(later, earlier);
        }
        same
    });
    packed_sorted(entries)
}

/// [`packed`] for entries already in strictly increasing key order.
pub fn packed_sorted<T: Clone>(
    entries: impl IntoIterator<Item = (String, T)>,
) -> OrdMap<String, T> {
    let entries = entries.into_iter();
    let mut map = OrdMap::new();
    let mut between = Vec::with_capacity(entries.size_hint().0 / 2);
    for (i, (k, v)) in entries.enumerate() {
        if i % 2 == 0 {
            map.insert(k, v);
        } else {
            between.push((k, v));
        }
    }
    for (k, v) in between {
        map.insert(k, v);
    }
    map
}

impl Snapshot {
    /// An empty domain with the given SDG framework.
    pub fn empty(sdg: Arc<SdgFramework>) -> Self {
        Self {
            sdg,
            ..Self::default()
        }
    }

    /// This snapshot with the given indicator frameworks.
    pub fn with_frameworks(mut self, frameworks: Arc<Frameworks>) -> Self {
        self.frameworks = frameworks;
        self
    }

    /// This snapshot with the country's content languages.
    pub fn with_languages(mut self, languages: Arc<crate::languages::ContentLanguages>) -> Self {
        self.languages = languages;
        self
    }

    /// The observations of one KPI, in period order (totals before their disaggregations).
    pub fn observations_of<'a>(&'a self, kpi: &str) -> impl Iterator<Item = &'a Observation> {
        let from = format!("{kpi}:");
        let to = format!("{kpi};"); // ';' sorts right after ':'
        self.observations.range(from..to).map(|(_, o)| o)
    }

    /// The budget lines of one action line, by year, source and partner.
    pub fn budgets_of<'a>(&'a self, action_line: &str) -> impl Iterator<Item = &'a Budget> {
        let from = format!("{action_line}:");
        let to = format!("{action_line};"); // ';' sorts right after ':'
        self.budgets.range(from..to).map(|(_, b)| b)
    }

    /// The single agenda of this deployment, if loaded.
    pub fn the_agenda(&self) -> Option<&Agenda> {
        self.agenda.values().next()
    }

    /// Entity counts per kind.
    pub fn counts(&self) -> Vec<(Kind, usize)> {
        Kind::ALL.iter().map(|&k| (k, self.count(k))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::packed;

    #[test]
    fn a_packed_map_holds_what_inserting_one_by_one_holds() {
        for n in [0usize, 1, 2, 15, 16, 17, 33, 1000, 4097] {
            let mut entries: Vec<(String, usize)> = (0..n)
                .map(|i| (format!("k{:05}", (i * 7919) % n.max(1)), i))
                .collect();
            // Equal keys: the last one given wins.
            if n > 2 {
                entries.push(entries[1].clone());
                entries.last_mut().unwrap().1 = usize::MAX;
            }
            let mut one_by_one = imbl::OrdMap::new();
            for (k, v) in entries.clone() {
                one_by_one.insert(k, v);
            }
            assert_eq!(packed(entries), one_by_one, "{n}");
        }
    }
}
