//! What the consultation, version and administration modules still take from the former
//! `pages` module while they are converted to templates: the hand-written escaping and the
//! HTML-in-a-string texts. Nothing else may use this module; it goes with their conversion.

pub(crate) use super::views::{
    Chrome, error_page, esc, fmt_num, link, not_found, org_name, public, tx_html,
};
