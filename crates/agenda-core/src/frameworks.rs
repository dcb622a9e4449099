//! Indicator frameworks a digital agenda reports against beside the SDGs: the EU Digital
//! Decade 2030 targets, the World Bank's GovTech Maturity Index and the UN E-Government
//! Survey's indices. Reference data, in English only (the frameworks publish no translations we
//! could use); each indicator is named `<framework>:<code>` wherever a KPI aligns to it.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::model::Kpi;
use crate::snapshot::Snapshot;

/// The character between a framework's id and an indicator's code in an alignment,
/// `wb-gtmi-2022:I-5`. Neither ids nor codes contain it.
pub const SEPARATOR: char = ':';

/// One indicator (or index, or target) of a framework.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FrameworkIndicator {
    /// The framework's id, e.g. `wb-gtmi-2022`.
    pub framework: String,
    /// The framework's own code, e.g. `I-5`, `dd_bds`, `OSI`.
    pub code: String,
    /// The code of the group it belongs to in its framework; `None` for a headline indicator.
    pub group: Option<String>,
    /// Name, in English.
    pub name: String,
    /// What it counts, in words.
    pub unit: String,
    /// The value the framework sets as target, if it sets one.
    pub target: Option<f64>,
    /// The year of that target.
    pub target_year: Option<i32>,
    /// What it measures, in English.
    pub definition: String,
    /// Where its facts were read.
    pub source: String,
}

impl FrameworkIndicator {
    /// The alignment code of the indicator: `<framework>:<code>`.
    pub fn key(&self) -> String {
        format!("{}{SEPARATOR}{}", self.framework, self.code)
    }
}

/// A group of indicators in a framework (a Digital Decade cardinal point, a GTMI component).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FrameworkGroup {
    /// Its code, as indicators name it in their `group`.
    pub code: String,
    /// Name, in English.
    pub name: String,
}

/// A framework and its indicators.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Framework {
    /// Stable id, used in alignment codes and addresses, e.g. `wb-gtmi-2022`.
    pub id: String,
    /// Name, in English.
    pub name: String,
    /// A short name, in English.
    pub short: String,
    /// Who publishes it.
    pub publisher: String,
    /// The edition or period the indicators are those of.
    pub edition: String,
    /// Its official page.
    pub url: String,
    /// What it is, in English.
    pub description: String,
    /// Its groups, in the framework's order.
    pub groups: Vec<FrameworkGroup>,
    /// Its indicators, in the framework's order.
    pub indicators: Vec<FrameworkIndicator>,
}

impl Framework {
    /// The indicator with this code.
    pub fn indicator(&self, code: &str) -> Option<&FrameworkIndicator> {
        self.indicators.iter().find(|i| i.code == code)
    }

    /// The group with this code.
    pub fn group(&self, code: &str) -> Option<&FrameworkGroup> {
        self.groups.iter().find(|g| g.code == code)
    }

    /// Whether any of its indicators sets a target.
    pub fn has_targets(&self) -> bool {
        self.indicators.iter().any(|i| i.target.is_some())
    }
}

/// Why an alignment code names no indicator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unknown {
    /// It is not `<framework>:<code>`.
    Shape,
    /// No framework has the id before the colon.
    Framework,
    /// The framework has no indicator with the code after the colon.
    Code,
}

/// Every framework, in the order they are listed.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Frameworks {
    all: Vec<Framework>,
}

impl Frameworks {
    /// The frameworks given, in that order.
    pub fn new(all: Vec<Framework>) -> Self {
        Self { all }
    }

    /// Whether none has been loaded (an empty collection checks no alignment).
    pub fn is_empty(&self) -> bool {
        self.all.is_empty()
    }

    /// Every framework, in order.
    pub fn iter(&self) -> impl Iterator<Item = &Framework> {
        self.all.iter()
    }

    /// The framework with this id.
    pub fn get(&self, id: &str) -> Option<&Framework> {
        self.all.iter().find(|f| f.id == id)
    }

    /// The framework and indicator an alignment code (`wb-gtmi-2022:I-5`) names.
    pub fn resolve(&self, key: &str) -> Result<(&Framework, &FrameworkIndicator), Unknown> {
        let (id, code) = split(key).ok_or(Unknown::Shape)?;
        let f = self.get(id).ok_or(Unknown::Framework)?;
        let i = f.indicator(code).ok_or(Unknown::Code)?;
        Ok((f, i))
    }

    /// What an alignment code that names no indicator should have been, for a person.
    pub fn expected(&self, key: &str, why: &Unknown) -> String {
        let ids: Vec<&str> = self.all.iter().map(|f| f.id.as_str()).collect();
        match (why, split(key).and_then(|(id, _)| self.get(id))) {
            (Unknown::Code, Some(f)) => format!(
                "an indicator code of {} ({}) after the colon, such as {}",
                f.id,
                f.short,
                f.indicators.first().map_or("", |i| i.code.as_str())
            ),
            (Unknown::Framework, _) => {
                format!("a framework id before the colon: one of {}", ids.join(", "))
            }
            _ => format!(
                "a framework indicator as <framework>{SEPARATOR}<code>, such as \
                 wb-gtmi-2022{SEPARATOR}I-5 (frameworks: {})",
                ids.join(", ")
            ),
        }
    }
}

/// The framework id and indicator code of an alignment code, if it has both.
pub fn split(key: &str) -> Option<(&str, &str)> {
    key.split_once(SEPARATOR)
        .filter(|(id, code)| !id.is_empty() && !code.is_empty())
}

/// How far the agenda measures one framework: for each of its indicators served by at least
/// one KPI, those KPIs in code order; the indicators absent from the map are not measured.
pub fn kpis_by_indicator<'a>(s: &'a Snapshot, f: &Framework) -> BTreeMap<String, Vec<&'a Kpi>> {
    let mut out: BTreeMap<String, Vec<&Kpi>> = BTreeMap::new();
    for k in s.kpis.values() {
        let codes: BTreeSet<&str> = k
            .framework_indicators
            .iter()
            .filter_map(|key| split(key))
            .filter(|(id, _)| *id == f.id)
            .map(|(_, code)| code)
            .collect();
        for code in codes {
            if f.indicator(code).is_some() {
                out.entry(code.to_owned()).or_default().push(k);
            }
        }
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn sample() -> Frameworks {
        let ind = |code: &str, group: Option<&str>| FrameworkIndicator {
            framework: "wb-gtmi-2022".into(),
            code: code.into(),
            group: group.map(Into::into),
            name: format!("Indicator {code}"),
            unit: "survey item".into(),
            target: None,
            target_year: None,
            definition: String::new(),
            source: String::new(),
        };
        Frameworks::new(vec![Framework {
            id: "wb-gtmi-2022".into(),
            name: "GovTech Maturity Index".into(),
            short: "GTMI".into(),
            publisher: "World Bank".into(),
            edition: "2022".into(),
            url: "https://example.org".into(),
            description: String::new(),
            groups: vec![FrameworkGroup {
                code: "CGSI".into(),
                name: "Core".into(),
            }],
            indicators: vec![ind("GTMI", None), ind("I-5", Some("CGSI"))],
        }])
    }

    #[test]
    fn an_alignment_code_names_a_framework_then_an_indicator() {
        let f = sample();
        let (fw, i) = f.resolve("wb-gtmi-2022:I-5").unwrap();
        assert_eq!(
            (fw.short.as_str(), i.key().as_str()),
            ("GTMI", "wb-gtmi-2022:I-5")
        );
        assert_eq!(f.resolve("I-5"), Err(Unknown::Shape));
        assert_eq!(f.resolve("wb-gtmi-2022:"), Err(Unknown::Shape));
        assert_eq!(f.resolve("gtmi:I-5"), Err(Unknown::Framework));
        assert_eq!(f.resolve("wb-gtmi-2022:I-99"), Err(Unknown::Code));
        assert!(
            f.expected("gtmi:I-5", &Unknown::Framework)
                .contains("one of wb-gtmi-2022")
        );
        assert!(
            f.expected("wb-gtmi-2022:I-99", &Unknown::Code)
                .contains("such as GTMI")
        );
    }
}
