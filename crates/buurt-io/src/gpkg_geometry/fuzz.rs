//! Fuzzing the GeoPackage geometry blob decoder: the blobs come from a user's `.gpkg` file, so
//! arbitrary bytes, damaged valid blobs and blobs claiming absurd counts must give a
//! [`BlobError`] (which the reader completes with file, layer and row), never a panic or a
//! huge allocation. Valid blobs must decode to exactly the rings they encode.

use buurt_core::test_support::fuzz::{EDIT_KINDS, Edit, cases, mutate};
use proptest::prelude::*;

use super::tests::encode;
use super::{BlobError, GpkgGeometry, parse_gpkg_geometry};

/// An accepted blob holds its points (16 bytes each at least); a refusal says why.
fn check(blob: &[u8], result: &Result<GpkgGeometry, BlobError>) -> Result<(), TestCaseError> {
    match result {
        Ok(g) => {
            let points: usize = g.polygons.iter().flatten().map(Vec::len).sum();
            prop_assert!(
                points * 16 <= blob.len(),
                "{} points from {} bytes",
                points,
                blob.len()
            );
        }
        Err(e) => prop_assert!(!e.0.trim().is_empty()),
    }
    Ok(())
}

fn polygons() -> impl Strategy<Value = Vec<Vec<Vec<(f64, f64)>>>> {
    let ring = prop::collection::vec((any::<f64>(), any::<f64>()), 0..6);
    prop::collection::vec(prop::collection::vec(ring, 1..3), 1..3)
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    prop::collection::vec((0..EDIT_KINDS, any::<usize>(), any::<u32>()), 1..5)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(512)))]

    #[test]
    fn arbitrary_bytes(blob in prop::collection::vec(any::<u8>(), 0..200)) {
        check(&blob, &parse_gpkg_geometry(&blob))?;
    }

    /// A valid header (either byte order, any envelope kind and flags) before arbitrary bytes.
    #[test]
    fn arbitrary_bytes_after_a_header(
        flags in any::<u8>(),
        srs in any::<i32>(),
        rest in prop::collection::vec(any::<u8>(), 0..200),
    ) {
        let mut blob = vec![b'G', b'P', 0, flags];
        blob.extend(srs.to_le_bytes());
        blob.extend(rest);
        check(&blob, &parse_gpkg_geometry(&blob))?;
    }

    /// Valid blobs damaged: cut, bytes flipped or inserted, counts made absurd.
    #[test]
    fn damaged_blobs(
        polygons in polygons(),
        little in any::<bool>(),
        edits in edits(),
        count_at in any::<prop::sample::Index>(),
        count in prop::sample::select(vec![0u32, 1, 5, 0x7fff_ffff, u32::MAX]),
    ) {
        let mut blob = encode(28992, &polygons, little);
        // Overwrite some 4-byte word after the header with an absurd count.
        if blob.len() > 48 {
            let at = 8 + count_at.index(blob.len() - 12);
            let bytes = if little { count.to_le_bytes() } else { count.to_be_bytes() };
            blob[at..at + 4].copy_from_slice(&bytes);
        }
        check(&blob, &parse_gpkg_geometry(&blob))?;
        let damaged = mutate(&blob, &edits);
        check(&damaged, &parse_gpkg_geometry(&damaged))?;
    }

    /// Whatever coordinates a blob holds, they decode as written.
    #[test]
    fn valid_blobs_round_trip(polygons in polygons(), little in any::<bool>(), srs in any::<i32>()) {
        let blob = encode(srs, &polygons, little);
        let g = parse_gpkg_geometry(&blob).map_err(|e| TestCaseError::fail(e.0))?;
        prop_assert_eq!(g.srs_id, srs);
        let decoded: Vec<Vec<Vec<(u64, u64)>>> = g
            .polygons
            .iter()
            .map(|p| p.iter().map(|r| r.iter().map(|c| (c.x.to_bits(), c.y.to_bits())).collect()).collect())
            .collect();
        let written: Vec<Vec<Vec<(u64, u64)>>> = polygons
            .iter()
            .map(|p| p.iter().map(|r| r.iter().map(|&(x, y)| (x.to_bits(), y.to_bits())).collect()).collect())
            .collect();
        prop_assert_eq!(decoded, written);
    }
}
