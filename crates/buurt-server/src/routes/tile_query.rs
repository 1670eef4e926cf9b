//! A tile request's indicator lists in one spelling, before they become a cache key: split,
//! trimmed, without duplicates, sorted, at most [`MAX_IDS`]. Without this every spelling of
//! the same request (`a,b`, `b,a`, `a,,a,b`) was a key of its own, and a loop of them grew the
//! tile cache's key set without bound while each rendered the same tile again.

use crate::error::ApiError;

/// Most indicator ids one tile request may carry in `indicators` or `clusters`: a tile's cost
/// grows with every id (458 ids took 0.3 – 0.4 s per tile), and a map shows a few at a time.
pub const MAX_IDS: usize = 16;

/// `text` as a sorted list of distinct ids, comma-joined; `None` stays `None` and a blank list
/// stays blank (the caller's default). An empty item (`a,,b`) or more than [`MAX_IDS`] ids is
/// a 400 naming the parameter and the item.
pub(crate) fn normalise_ids(name: &str, text: Option<&str>) -> Result<Option<String>, ApiError> {
    let Some(text) = text else { return Ok(None) };
    if text.trim().is_empty() {
        return Ok(Some(String::new()));
    }
    let mut ids: Vec<&str> = Vec::new();
    for (i, item) in text.split(',').enumerate() {
        let id = item.trim();
        if id.is_empty() {
            return Err(ApiError::bad(
                name,
                format!("item {} of '{text}' is empty", i + 1),
            ));
        }
        ids.push(id);
    }
    ids.sort_unstable();
    ids.dedup();
    if ids.len() > MAX_IDS {
        return Err(ApiError::bad(
            name,
            format!(
                "{} distinct ids, more than the {MAX_IDS} a tile may carry",
                ids.len()
            ),
        ));
    }
    Ok(Some(ids.join(",")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_request_become_one() {
        let one = |t: &str| normalise_ids("indicators", Some(t)).unwrap();
        assert_eq!(one("b,a"), Some("a,b".into()));
        assert_eq!(one(" a , b,a,a"), Some("a,b".into()));
        assert_eq!(one("  "), Some(String::new()));
        assert_eq!(normalise_ids("indicators", None).unwrap(), None);
    }

    #[test]
    fn empty_items_and_too_many_ids_are_refused_by_name() {
        let err = normalise_ids("clusters", Some("a,,b")).unwrap_err();
        assert!(
            err.to_string().contains("clusters") && err.to_string().contains("item 2"),
            "{err}"
        );
        let many: Vec<String> = (0..=MAX_IDS).map(|i| format!("id{i}")).collect();
        let err = normalise_ids("indicators", Some(&many.join(","))).unwrap_err();
        assert!(err.to_string().contains("17 distinct ids"), "{err}");
        // Sixteen, or many repeats of a few, are fine.
        assert!(normalise_ids("indicators", Some(&many[..MAX_IDS].join(","))).is_ok());
        assert!(normalise_ids("indicators", Some(&vec!["a"; 100].join(","))).is_ok());
    }
}
