//! CSV output that spreadsheets cannot turn into formulas.
use axum::{
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};

use crate::error::ApiError;

/// Neutralises a cell a spreadsheet would evaluate (`=`, `+`, `-`, `@`, tab, CR) by
/// prefixing a single quote (OWASP's CSV-injection advice).
#[must_use]
pub fn safe_cell(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_owned(),
    }
}

/// Serialises rows (the first is the header) as a `text/csv` attachment.
///
/// # Errors
/// Only if the writer fails (in memory: never).
pub fn csv_response(filename: &str, rows: &[Vec<String>]) -> Result<Response, ApiError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.write_record(r.iter().map(|c| safe_cell(c)))
            .map_err(|e| ApiError::Internal(e.to_string()))?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let mut res = bytes.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised_and_others_kept() {
        for s in ["=1+1", "+cmd", "-2", "@SUM(A1)", "\tx"] {
            assert!(safe_cell(s).starts_with('\''), "{s}");
        }
        assert_eq!(safe_cell("Vilnius"), "Vilnius");
        assert_eq!(safe_cell(""), "");
    }
}
