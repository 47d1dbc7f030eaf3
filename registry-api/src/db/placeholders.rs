//! Placeholders for statements over many rows (`VALUES (...), (...)`, `IN (...)`), numbered
//! `$1, $2, ...` as both backends read them through `sqlx::Any`.

/// Rows per statement at most: 9 columns × 1,000 stays far below SQLite's 32,766 bound
/// parameters and PostgreSQL's 65,535.
pub const MAX_ROWS: usize = 1000;

/// `($1, $2), ($3, $4), ...`: `rows` tuples of `cols` placeholders, numbered from 1.
pub(crate) fn tuples(rows: usize, cols: usize) -> String {
    let tuple = |r: usize| {
        let ps: Vec<String> = (1..=cols).map(|c| format!("${}", r * cols + c)).collect();
        format!("({})", ps.join(", "))
    };
    (0..rows).map(tuple).collect::<Vec<_>>().join(", ")
}

/// `$from, $from+1, ...`: `n` placeholders.
pub(crate) fn list(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A statement over many rows: `sql`, with each row's values bound by `bind`, in order.
pub(crate) fn bind_rows<'q, T>(
    sql: &'q str,
    rows: &'q [T],
    bind: impl Fn(AnyQuery<'q>, &'q T) -> AnyQuery<'q>,
) -> AnyQuery<'q> {
    rows.iter().fold(sqlx::query(sql), bind)
}

/// A statement with its bound values, as `sqlx::query` makes it.
pub(crate) type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_number_rows_then_columns() {
        assert_eq!(tuples(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(list(3, 2), "$3, $4");
    }
}
