//! What the administration's record, token and user pages still take from the former `pages`
//! module while they are converted to templates: the hand-written escaping. Nothing else may
//! use this module; it goes with their conversion.

pub(crate) use super::views::Chrome;

/// Escapes text for HTML.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
