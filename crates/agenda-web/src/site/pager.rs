//! Long public lists a page at a time: `?page=N` (from 1), the list's filters kept in the
//! links to the previous and next pages, and the count of what the whole list holds.

use askama::Template;

use super::admin::auth::encode;
use super::i18n::t_args;
use super::views::Chrome;
use crate::error::PageError;

/// Rows on a page of a long list: a few screens on a phone, a few dozen kilobytes.
pub const PER_PAGE: usize = 50;

/// The query of a list that has no filters but its page.
#[derive(Debug, Default, serde::Deserialize)]
pub struct PageNumber {
    /// The page, from 1.
    pub page: Option<usize>,
}

/// Where a page stands in its list, and the links to its neighbours, printed as the list's
/// `<nav>` (nothing when the list fits on one page); its `summary` goes above the list.
#[derive(Debug, Template)]
#[template(path = "partials/pager.html")]
pub struct Pager {
    /// "Services 51–100 of 1,234", or that nothing matches.
    pub summary: String,
    /// The name of the `<nav>`.
    label: String,
    /// "Page 2 of 25", when there is more than one page.
    position: Option<String>,
    /// The previous page: link and words.
    prev: Option<(String, String)>,
    /// The next page: link and words.
    next: Option<(String, String)>,
    first: usize,
    last: usize,
}

impl askama::filters::HtmlSafe for Pager {}

impl Pager {
    /// Page `page` (the first when none) of a list of `total` rows at `path`, filtered by
    /// `query` (pairs without a value are left out of the links). `what` is the interface key
    /// of the count, given `first`, `last` and `total`. A page 0 is a bad value; a page after
    /// the last does not exist.
    pub fn new(
        c: &Chrome,
        path: &str,
        query: &[(&str, Option<&str>)],
        page: Option<usize>,
        total: usize,
        what: &str,
    ) -> Result<Self, PageError> {
        let pages = total.div_ceil(PER_PAGE).max(1);
        let page = page.unwrap_or(1);
        if page == 0 {
            return Err(PageError::bad_value("pager-page", "0"));
        }
        if page > pages {
            return Err(PageError::not_found("pager-page", page.to_string()));
        }
        let first = (page - 1) * PER_PAGE;
        let last = (first + PER_PAGE).min(total);
        let href = |n: usize| {
            let mut pairs: Vec<(&str, String)> = query
                .iter()
                .filter_map(|(k, v)| v.map(|v| (*k, v.to_owned())))
                .collect();
            // The first page is the list's own address, without a page number.
            if n > 1 {
                pairs.push(("page", n.to_string()));
            }
            let qs = pairs
                .iter()
                .map(|(k, v)| format!("{k}={}", encode(v)))
                .collect::<Vec<_>>()
                .join("&");
            if qs.is_empty() {
                c.href(path)
            } else {
                format!("{}?{qs}", c.href(path))
            }
        };
        let summary = if total == 0 {
            c.t("pager-none")
        } else {
            t_args(
                c.lang,
                what,
                &[
                    ("first", c.num((first + 1) as f64)),
                    ("last", c.num(last as f64)),
                    ("total", c.num(total as f64)),
                ],
            )
        };
        let num = |n: usize| c.num(n as f64);
        Ok(Self {
            summary,
            label: c.t("pager-label"),
            position: (pages > 1).then(|| {
                t_args(
                    c.lang,
                    "pager-position",
                    &[("page", num(page)), ("pages", num(pages))],
                )
            }),
            prev: (page > 1).then(|| (href(page - 1), c.t("pager-previous"))),
            next: (page < pages).then(|| (href(page + 1), c.t("pager-next"))),
            first,
            last,
        })
    }

    /// This page's rows of `rows`, the whole list's in order.
    pub fn slice<T>(&self, rows: impl IntoIterator<Item = T>) -> impl Iterator<Item = T> {
        rows.into_iter()
            .skip(self.first)
            .take(self.last - self.first)
    }
}
