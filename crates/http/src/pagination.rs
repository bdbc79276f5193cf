//! Keyset pagination: `?limit=1..200&cursor=...` → `{"items": [...], "next_cursor": ...}`.
//! The cursor is the last id of the page (UUIDv7, time-ordered), so every page is an
//! index range scan however deep it is.
use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::ApiError;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Page {
    /// 1..200, default 50.
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl Page {
    /// # Errors
    /// 422 for a limit outside 1..200.
    pub fn limit(&self) -> Result<u64, ApiError> {
        match self.limit {
            None => Ok(50),
            Some(n @ 1..=200) => Ok(n.unsigned_abs()),
            Some(_) => Err(ApiError::invalid(
                "limit",
                "out_of_range",
                "limit must be between 1 and 200",
            )),
        }
    }

    /// # Errors
    /// 422 for a cursor this server did not issue.
    pub fn after(&self) -> Result<Option<Uuid>, ApiError> {
        self.cursor
            .as_deref()
            .map(|c| {
                Uuid::parse_str(c).map_err(|_| {
                    ApiError::invalid(
                        "cursor",
                        "invalid_cursor",
                        "this cursor was not issued by the server",
                    )
                })
            })
            .transpose()
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// Builds a page from `limit + 1` rows fetched in id order.
pub fn paged<M, T>(
    mut rows: Vec<M>,
    limit: u64,
    id: impl Fn(&M) -> Uuid,
    map: impl FnMut(M) -> T,
) -> Paged<T> {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next_cursor = if more {
        rows.last().map(|r| id(r).to_string())
    } else {
        None
    };
    Paged {
        items: rows.into_iter().map(map).collect(),
        next_cursor,
    }
}

impl<T: Serialize> IntoResponse for Paged<T> {
    fn into_response(self) -> Response {
        crate::respond::json(StatusCode::OK, &self)
    }
}
