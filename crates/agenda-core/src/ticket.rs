//! Feedback tickets: the statuses a visitor's feedback on a service sheet goes through while
//! the owning organisation handles it, and which moves between them are allowed. Pure, so
//! every move is tested here; the store applies only moves this module allows.
//!
//! `new` → `in_progress` → `answered` → `closed`, with shortcuts (a ticket may be answered or
//! closed straight away) and a reopening (`answered` or `closed` back to `in_progress`, when
//! the answer turns out wrong or the matter comes back). Nothing goes back to `new`: it means
//! nobody has looked yet. An answer is required to mark a ticket answered, and an answered
//! ticket's answer may be corrected without changing its status.

/// Longest answer accepted, in characters.
pub const ANSWER_MAX_CHARS: usize = 4000;

/// Where a ticket stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TicketStatus {
    /// Nobody has handled it yet.
    New,
    /// Someone of the organisation is on it.
    InProgress,
    /// The organisation answered; the person sees the answer.
    Answered,
    /// Nothing more will be done.
    Closed,
}

impl TicketStatus {
    /// Every status, in the order a ticket goes through them.
    pub const ALL: [TicketStatus; 4] = [
        TicketStatus::New,
        TicketStatus::InProgress,
        TicketStatus::Answered,
        TicketStatus::Closed,
    ];

    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            TicketStatus::New => "new",
            TicketStatus::InProgress => "in_progress",
            TicketStatus::Answered => "answered",
            TicketStatus::Closed => "closed",
        }
    }

    /// The status of its stored form.
    pub fn parse(s: &str) -> Option<TicketStatus> {
        TicketStatus::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Whether the organisation still has work to do on it.
    pub fn is_open(self) -> bool {
        matches!(self, TicketStatus::New | TicketStatus::InProgress)
    }
}

impl std::fmt::Display for TicketStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a move was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoveRefused {
    /// This status cannot follow that one.
    NotAllowed {
        /// The ticket's status.
        from: TicketStatus,
        /// The status asked for.
        to: TicketStatus,
    },
    /// Marking a ticket answered needs an answer.
    AnswerRequired,
    /// The answer has more than [`ANSWER_MAX_CHARS`] characters (how many it has).
    AnswerTooLong(usize),
}

impl std::fmt::Display for MoveRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MoveRefused::NotAllowed { from, to } => {
                write!(f, "a ticket cannot go from {from} to {to}")
            }
            MoveRefused::AnswerRequired => f.write_str("an answered ticket needs an answer"),
            MoveRefused::AnswerTooLong(n) => write!(
                f,
                "the answer has {n} characters; at most {ANSWER_MAX_CHARS} are accepted"
            ),
        }
    }
}

/// The statuses a ticket in `from` may be moved to (an answered ticket to itself: its answer
/// corrected).
pub fn next_statuses(from: TicketStatus) -> &'static [TicketStatus] {
    use TicketStatus::*;
    match from {
        New => &[InProgress, Answered, Closed],
        InProgress => &[Answered, Closed],
        Answered => &[Answered, InProgress, Closed],
        Closed => &[InProgress],
    }
}

/// Checks a move of a ticket from `from` to `to` with `answer` (trimmed; empty is none), and
/// returns the answer to keep: the new one when given, else `None` (the stored one stays).
pub fn check_move(
    from: TicketStatus,
    to: TicketStatus,
    answer: Option<&str>,
) -> Result<Option<String>, MoveRefused> {
    if !next_statuses(from).contains(&to) {
        return Err(MoveRefused::NotAllowed { from, to });
    }
    let answer = answer.map(str::trim).filter(|a| !a.is_empty());
    if let Some(a) = answer {
        let n = a.chars().count();
        if n > ANSWER_MAX_CHARS {
            return Err(MoveRefused::AnswerTooLong(n));
        }
    }
    if to == TicketStatus::Answered && answer.is_none() {
        return Err(MoveRefused::AnswerRequired);
    }
    Ok(answer.map(str::to_owned))
}

#[cfg(test)]
mod tests {
    use super::TicketStatus::*;
    use super::*;

    #[test]
    fn statuses_read_back_from_their_stored_form() {
        for s in TicketStatus::ALL {
            assert_eq!(TicketStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(TicketStatus::parse("In_progress"), None);
        assert_eq!(TicketStatus::parse(""), None);
        assert!(New.is_open() && InProgress.is_open());
        assert!(!Answered.is_open() && !Closed.is_open());
    }

    #[test]
    fn a_ticket_moves_forward_may_be_reopened_and_never_goes_back_to_new() {
        let allowed = [
            (New, InProgress),
            (New, Answered),
            (New, Closed),
            (InProgress, Answered),
            (InProgress, Closed),
            (Answered, Answered),
            (Answered, InProgress),
            (Answered, Closed),
            (Closed, InProgress),
        ];
        for from in TicketStatus::ALL {
            for to in TicketStatus::ALL {
                let got = check_move(from, to, Some("We fixed the link."));
                if allowed.contains(&(from, to)) {
                    assert_eq!(got, Ok(Some("We fixed the link.".into())), "{from} → {to}");
                } else {
                    assert_eq!(
                        got,
                        Err(MoveRefused::NotAllowed { from, to }),
                        "{from} → {to}"
                    );
                }
            }
        }
    }

    #[test]
    fn answering_needs_an_answer_of_bounded_length_and_other_moves_do_not() {
        for blank in [None, Some(""), Some("  \n ")] {
            assert_eq!(
                check_move(New, Answered, blank),
                Err(MoveRefused::AnswerRequired)
            );
            assert_eq!(check_move(New, InProgress, blank), Ok(None));
            assert_eq!(check_move(Answered, Closed, blank), Ok(None));
        }
        assert_eq!(
            check_move(InProgress, Answered, Some("  Merci, c'est corrigé. ")),
            Ok(Some("Merci, c'est corrigé.".into()))
        );
        let long = "é".repeat(ANSWER_MAX_CHARS + 1);
        assert_eq!(
            check_move(InProgress, Answered, Some(&long)),
            Err(MoveRefused::AnswerTooLong(ANSWER_MAX_CHARS + 1))
        );
        assert!(check_move(InProgress, Answered, Some(&long[2..])).is_ok());
    }
}
