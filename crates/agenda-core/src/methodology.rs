//! Every constant of the rules, listed once: the methodology page and `docs/rules.md` both
//! show this list, so neither can disagree with the rules themselves.

use crate::growth::{
    GROWTH_MODERATE, GROWTH_SUBSTANTIAL, MIN_YEARS, PROJECTION_HORIZON_YEARS, RATIO_MODERATE,
    RATIO_SUBSTANTIAL,
};
use crate::health::REVIEW_PERIOD_MONTHS;
use crate::kpi_status::{
    AT_RISK_MAX_GAP_PCT, DEFAULT_DECIMALS_OTHER, DEFAULT_DECIMALS_PERCENT, MAX_DECIMALS,
    ON_TRACK_MAX_GAP_PCT, RECENT_PERIODS,
};
use crate::reporting::REPORT_DEADLINE_DAYS;

/// A constant of the rules.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RuleConstant {
    /// A stable name, used as an anchor and to find its words in each language.
    pub id: &'static str,
    /// Its value.
    pub value: f64,
    /// What the value counts: `%`, `periods`, `days`, `months`, `decimals`, `ratio`,
    /// `% a year` or `years`.
    pub unit: &'static str,
    /// What it decides, in English (the pages use each language's words).
    pub meaning: &'static str,
}

/// The constants of the rules, in the order the rules use them.
pub fn constants() -> Vec<RuleConstant> {
    vec![
        RuleConstant {
            id: "on-track-max-gap",
            value: ON_TRACK_MAX_GAP_PCT,
            unit: "%",
            meaning: "largest gap behind the path at which a KPI is on track",
        },
        RuleConstant {
            id: "at-risk-max-gap",
            value: AT_RISK_MAX_GAP_PCT,
            unit: "%",
            meaning: "largest gap behind the path at which a KPI is at risk rather than off track",
        },
        RuleConstant {
            id: "recent-periods",
            value: RECENT_PERIODS as f64,
            unit: "periods",
            meaning: "latest ended periods in which a KPI needs a validated figure to have recent data",
        },
        RuleConstant {
            id: "decimals-percent",
            value: f64::from(DEFAULT_DECIMALS_PERCENT),
            unit: "decimals",
            meaning: "decimals of a percentage when its KPI sets none",
        },
        RuleConstant {
            id: "decimals-other",
            value: f64::from(DEFAULT_DECIMALS_OTHER),
            unit: "decimals",
            meaning: "decimals of a count, days or money when its KPI sets none",
        },
        RuleConstant {
            id: "max-decimals",
            value: f64::from(MAX_DECIMALS),
            unit: "decimals",
            meaning: "most decimals a KPI may ask for",
        },
        RuleConstant {
            id: "growth-ratio-substantial",
            value: RATIO_SUBSTANTIAL,
            unit: "ratio",
            meaning: "share of the growth needed from which a KPI rated by growth rate makes substantial progress",
        },
        RuleConstant {
            id: "growth-ratio-moderate",
            value: RATIO_MODERATE,
            unit: "ratio",
            meaning: "share of the growth needed from which it makes moderate progress (below: limited; negative: deterioration)",
        },
        RuleConstant {
            id: "growth-substantial",
            value: GROWTH_SUBSTANTIAL * 100.0,
            unit: "% a year",
            meaning: "growth the right way from which a KPI without a target makes substantial progress",
        },
        RuleConstant {
            id: "growth-moderate",
            value: GROWTH_MODERATE * 100.0,
            unit: "% a year",
            meaning: "growth the right way from which a KPI without a target makes moderate progress",
        },
        RuleConstant {
            id: "growth-min-years",
            value: MIN_YEARS,
            unit: "years",
            meaning: "time from the baseline a growth rate needs before it rates a KPI",
        },
        RuleConstant {
            id: "projection-horizon",
            value: PROJECTION_HORIZON_YEARS,
            unit: "years",
            meaning: "furthest a projection looks: a target further away is not reached at this pace",
        },
        RuleConstant {
            id: "report-deadline",
            value: REPORT_DEADLINE_DAYS as f64,
            unit: "days",
            meaning: "days after a period ends by which its report and figures are due (default)",
        },
        RuleConstant {
            id: "review-period",
            value: f64::from(REVIEW_PERIOD_MONTHS),
            unit: "months",
            meaning: "months after which a catalogue entry not reviewed is out of date",
        },
    ]
}

/// The constants as the Markdown table `docs/rules.md` carries.
pub fn markdown_table() -> String {
    let mut out = String::from("| constant | value | what it decides |\n| --- | --- | --- |\n");
    for c in constants() {
        out.push_str(&format!(
            "| `{}` | {} {} | {} |\n",
            c.id, c.value, c.unit, c.meaning
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `docs/rules.md` carries the table between these two lines.
    const START: &str = "<!-- constants: generated from agenda_core::methodology -->\n";
    const END: &str = "<!-- end of constants -->";

    #[test]
    fn the_rules_document_shows_the_constants_the_rules_use() {
        let doc = include_str!("../../../docs/rules.md");
        let start = doc.find(START).expect("docs/rules.md marks its constants") + START.len();
        let end = doc[start..].find(END).expect("the end mark") + start;
        assert_eq!(
            &doc[start..end],
            markdown_table(),
            "docs/rules.md disagrees with the rules' constants: paste markdown_table() there"
        );
        // The prose names the thresholds it explains, in bold, as the table does.
        for c in constants().iter().filter(|c| c.unit == "%") {
            assert!(doc.contains(&format!("**{} %**", c.value)), "{}", c.id);
        }
    }

    #[test]
    fn every_constant_has_a_distinct_name() {
        let mut ids: Vec<&str> = constants().iter().map(|c| c.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), constants().len());
    }
}
