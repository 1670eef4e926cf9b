//! The OpenAPI document against the copy checked in beside this file, so that a change to what
//! the service promises shows in review as a change to `snapshots/openapi.json`.
//!
//! `BUURT_UPDATE_SNAPSHOTS=1 cargo test --workspace --test openapi_snapshot` writes the copy anew.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use serde_json::{Map, Value};

/// `value` with every object's keys in sorted order, whatever order the maps kept.
fn sorted(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            let mut out = Map::new();
            for (k, v) in entries {
                out.insert(k, sorted(v));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

#[test]
fn the_document_matches_its_snapshot() {
    let doc = serde_json::to_value(buurt_server::openapi::document()).unwrap();
    let text = serde_json::to_string_pretty(&sorted(doc)).unwrap() + "\n";
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/openapi.json");
    if std::env::var_os("BUURT_UPDATE_SNAPSHOTS").is_some_and(|v| v == "1") {
        std::fs::write(&path, &text).unwrap();
        return;
    }
    let Ok(stored) = std::fs::read_to_string(&path) else {
        panic!(
            "{} is missing; write it with BUURT_UPDATE_SNAPSHOTS=1 cargo test --workspace --test openapi_snapshot",
            path.display()
        );
    };
    if stored != text {
        let first = stored
            .lines()
            .zip(text.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| stored.lines().count().min(text.lines().count()));
        panic!(
            "the OpenAPI document differs from {} from line {} on:\n  stored:    {}\n  generated: {}\n\
             If the change is meant, write the snapshot anew with \
             BUURT_UPDATE_SNAPSHOTS=1 cargo test --workspace --test openapi_snapshot \
             and review the diff.",
            path.display(),
            first + 1,
            stored.lines().nth(first).unwrap_or("(end)"),
            text.lines().nth(first).unwrap_or("(end)"),
        );
    }
}
