//! Resources in the open: what each action line is planned to cost, what is committed and
//! spent, year by year, from the treasury and from the partners who fund it. Sums are exact
//! ([`Money`] counts cents); shares are for reading, never summed again.

use std::collections::BTreeMap;

use crate::model::{Budget, FundingSource};
use crate::values::{Code, Money};

/// Planned, committed and spent amounts of a set of budget lines.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Amounts {
    /// Planned.
    pub planned: Money,
    /// Committed.
    pub committed: Money,
    /// Spent.
    pub spent: Money,
    /// How many lines were added.
    pub lines: usize,
}

impl Amounts {
    /// Adds one line.
    pub fn add(&mut self, b: &Budget) {
        self.planned += b.planned;
        self.committed += b.committed;
        self.spent += b.spent;
        self.lines += 1;
    }

    /// Spent as a share of planned, in %; `None` when nothing is planned.
    pub fn spent_pct(&self) -> Option<f64> {
        share(self.spent, self.planned)
    }

    /// Committed as a share of planned, in %; `None` when nothing is planned.
    pub fn committed_pct(&self) -> Option<f64> {
        share(self.committed, self.planned)
    }
}

fn share(part: Money, whole: Money) -> Option<f64> {
    (whole > Money::ZERO).then(|| part.as_f64() / whole.as_f64() * 100.0)
}

/// The totals of a set of budget lines, every way the public pages cut them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    /// Every line.
    pub all: Amounts,
    /// By year, earliest first.
    pub by_year: Vec<(i32, Amounts)>,
    /// By funding source, in the vocabulary's order; sources without a line left out.
    pub by_source: Vec<(FundingSource, Amounts)>,
    /// By partner, in code order; lines without a partner left out.
    pub by_partner: Vec<(Code, Amounts)>,
    /// By action line, in code order.
    pub by_action_line: Vec<(Code, Amounts)>,
}

/// The totals of `lines`.
pub fn totals<'a>(lines: impl IntoIterator<Item = &'a Budget>) -> Totals {
    let mut all = Amounts::default();
    let mut years: BTreeMap<i32, Amounts> = BTreeMap::new();
    let mut sources: BTreeMap<usize, Amounts> = BTreeMap::new();
    let mut partners: BTreeMap<Code, Amounts> = BTreeMap::new();
    let mut action_lines: BTreeMap<Code, Amounts> = BTreeMap::new();
    for b in lines {
        all.add(b);
        years.entry(b.year).or_default().add(b);
        let at = FundingSource::ALL
            .iter()
            .position(|s| *s == b.source)
            .unwrap_or(usize::MAX);
        sources.entry(at).or_default().add(b);
        if let Some(p) = &b.partner {
            partners.entry(p.clone()).or_default().add(b);
        }
        action_lines
            .entry(b.action_line.clone())
            .or_default()
            .add(b);
    }
    Totals {
        all,
        by_year: years.into_iter().collect(),
        by_source: sources
            .into_iter()
            .filter_map(|(i, a)| FundingSource::ALL.get(i).map(|s| (*s, a)))
            .collect(),
        by_partner: partners.into_iter().collect(),
        by_action_line: action_lines.into_iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ObservationStatus;

    fn line(
        al: &str,
        year: i32,
        source: FundingSource,
        partner: Option<&str>,
        p: &str,
        c: &str,
        s: &str,
    ) -> Budget {
        Budget {
            action_line: Code::parse(al).unwrap(),
            year,
            source,
            partner: partner.map(|p| Code::parse(p).unwrap()),
            planned: Money::parse(p).unwrap(),
            committed: Money::parse(c).unwrap(),
            spent: Money::parse(s).unwrap(),
            status: ObservationStatus::Validated,
            note: None,
        }
    }

    #[test]
    fn totals_add_up_exactly_every_way() {
        use FundingSource::*;
        let lines = [
            line(
                "AL-2",
                2026,
                Loan,
                Some("RDB"),
                "1000000.10",
                "1100000",
                "900000.05",
            ),
            line("AL-1", 2025, Treasury, None, "0.10", "0.20", "0.20"),
            line("AL-1", 2026, DonorGrant, Some("IDP"), "500", "250.5", "0"),
            line("AL-1", 2026, Treasury, None, "0.20", "0.10", "0.10"),
            line("AL-2", 2025, DonorGrant, Some("IDP"), "300", "0", "0"),
        ];
        let t = totals(&lines);
        let m = |s: &str| Money::parse(s).unwrap();
        assert_eq!(t.all.planned, m("1000800.40"));
        assert_eq!(t.all.committed, m("1100250.80"));
        assert_eq!(t.all.spent, m("900000.35"));
        assert_eq!(t.all.lines, 5);
        // 0.1 + 0.2 is 0.3 here, not 0.30000000000000004.
        let years: Vec<(i32, Money)> = t.by_year.iter().map(|(y, a)| (*y, a.planned)).collect();
        assert_eq!(years, [(2025, m("300.10")), (2026, m("1000500.30"))]);
        let sources: Vec<(FundingSource, Money)> =
            t.by_source.iter().map(|(s, a)| (*s, a.planned)).collect();
        assert_eq!(
            sources,
            [
                (Treasury, m("0.30")),
                (DonorGrant, m("800")),
                (Loan, m("1000000.10"))
            ]
        );
        let partners: Vec<(&str, Money, usize)> = t
            .by_partner
            .iter()
            .map(|(p, a)| (p.as_str(), a.committed, a.lines))
            .collect();
        assert_eq!(partners, [("IDP", m("250.5"), 2), ("RDB", m("1100000"), 1)]);
        let lines_of: Vec<(&str, Money)> = t
            .by_action_line
            .iter()
            .map(|(c, a)| (c.as_str(), a.spent))
            .collect();
        assert_eq!(lines_of, [("AL-1", m("0.30")), ("AL-2", m("900000.05"))]);
        // Every cut adds up to the whole.
        for cut in [
            t.by_year.iter().map(|x| x.1).collect::<Vec<_>>(),
            t.by_source.iter().map(|x| x.1).collect(),
            t.by_action_line.iter().map(|x| x.1).collect(),
        ] {
            let sum: Money = cut.iter().map(|a| a.planned).sum();
            assert_eq!(sum, t.all.planned);
        }
        // Overruns read as more than 100 %; nothing planned has no share.
        let rdb = t.by_partner[1].1;
        assert!((rdb.committed_pct().unwrap() - 109.99999).abs() < 0.001);
        assert_eq!(Amounts::default().spent_pct(), None);
        assert_eq!(totals(&[]), Totals::default());
    }
}
