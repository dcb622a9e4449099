//! Paging and query parsing shared by the lists of the JSON API. It imports none of the API's
//! modules, which all take their list parameters from here.

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::ApiError;

/// Largest page a client may ask for.
pub const MAX_PER_PAGE: usize = 10_000;
/// Highest page number a client may ask for (the document's bound, so that no schema-valid
/// number is refused and no larger one accepted).
pub const MAX_PAGE: usize = 2_147_483_647;
/// Page size when none is asked for: large enough that a country's agenda comes in one page.
pub const DEFAULT_PER_PAGE: usize = 1_000;

/// Paging of a list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 2_147_483_647)]
    pub page: Option<usize>,
    /// Items per page (default 1000, at most 10000).
    #[param(minimum = 1, maximum = 10_000)]
    pub per_page: Option<usize>,
}

impl<S: Send + Sync> FromRequestParts<S> for ListParams {
    type Rejection = ApiError;

    // Parsed here so that a bad `?page=x` gets the JSON error envelope, not axum's plain text.
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Query::<ListParams>::from_request_parts(parts, state)
            .await
            .map(|Query(q)| q)
            .map_err(|e| ApiError::bad_request(e.body_text()))
    }
}

/// Paging information of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListMeta {
    /// Items in the whole collection.
    pub total: usize,
    /// This page's number.
    pub page: usize,
    /// Items per page.
    pub per_page: usize,
    /// The next page's number, if there is one.
    pub next_page: Option<usize>,
}

/// One page of a collection of `total` items, given as an iterator over all of them.
pub(crate) fn page_of<T>(
    items: impl Iterator<Item = T>,
    total: usize,
    q: &ListParams,
) -> Result<(Vec<T>, ListMeta), ApiError> {
    let page = q.page.unwrap_or(1);
    let per_page = q.per_page.unwrap_or(DEFAULT_PER_PAGE);
    if page == 0 || page > MAX_PAGE {
        return Err(ApiError::bad_request(format!(
            "page must be from 1 to {MAX_PAGE}"
        )));
    }
    if per_page == 0 || per_page > MAX_PER_PAGE {
        return Err(ApiError::bad_request(format!(
            "per_page must be from 1 to {MAX_PER_PAGE}"
        )));
    }
    let skip = (page - 1).saturating_mul(per_page);
    let items: Vec<T> = items.skip(skip).take(per_page).collect();
    let next_page = (skip.saturating_add(items.len()) < total).then_some(page + 1);
    Ok((
        items,
        ListMeta {
            total,
            page,
            per_page,
            next_page,
        },
    ))
}

/// A query string parsed into `T`, with a bad one answered by the JSON error envelope.
pub struct Q<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Q<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(q)| Q(q))
            .map_err(|e| ApiError::bad_request(e.body_text()))
    }
}
