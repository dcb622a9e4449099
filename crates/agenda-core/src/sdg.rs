//! The UN Sustainable Development Goals framework: goals, targets and indicators with their
//! titles in every language available, and the goals' official colours.

use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::ToSchema;

use crate::values::Text;

/// One of the 17 goals.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SdgGoal {
    /// 1–17.
    pub goal: u8,
    /// Short name ("No poverty").
    pub short: Text,
    /// Full title.
    pub title: Text,
    /// Official colour, `#RRGGBB`.
    pub colour: String,
}

/// A target, e.g. `16.9`.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SdgTarget {
    /// Target code, e.g. `16.9`.
    pub code: String,
    /// Goal it belongs to.
    pub goal: u8,
    /// Title.
    pub title: Text,
}

/// An indicator, e.g. `16.9.1`.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SdgIndicator {
    /// Indicator code, e.g. `16.9.1`.
    pub code: String,
    /// Target it measures.
    pub target: String,
    /// Title.
    pub title: Text,
}

/// The whole framework.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SdgFramework {
    /// Goals by number.
    pub goals: BTreeMap<u8, SdgGoal>,
    /// Targets by code.
    pub targets: BTreeMap<String, SdgTarget>,
    /// Indicators by code.
    pub indicators: BTreeMap<String, SdgIndicator>,
}

impl SdgFramework {
    /// Whether the framework has been loaded (an empty one accepts no reference).
    pub fn is_empty(&self) -> bool {
        self.goals.is_empty()
    }
}
