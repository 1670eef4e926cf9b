//! LISA over all wijken of the Netherlands: local Moran's I with 999 conditional permutations
//! (as esda's `Moran_Local(y, w, permutations=999)`), timed on the real data, and its input
//! and results written for `benches/lisa_esda.py` to time esda on the same values and weights.
//!
//! ```text
//! lisa_bench [--indicator eenzaam_65plus] [--runs 7] [--out DIR]
//! ```
//!
//! Setup (not timed): the atlas from its cache under the bench output folder, the newest year
//! with wijk values of the indicator, the wijken with a value and a polygon
//! ([`hotspot_input`]). Timed, each `--runs` times (median and minimum reported): the queen
//! weights from the polygons, `moran::local` with 999 permutations on the row-standardised
//! weights (what esda's `Moran_Local` computes), `moran::global` with 999, and the whole
//! `hotspots()` call (input, weights, global, local, labels) as `/api/v1/hotspots` runs it.
//! Everything runs on one thread, as esda does by default (`n_jobs=1`).
//!
//! Written to `--out` (default `target/bench/lisa`): `lisa_input.json` (codes, values, the
//! neighbour lists of the queen weights) and `lisa_rust.json` (local I, quadrants, p-values,
//! and the timings).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use buurt_core::{Catalogue, Level, RegionCode};
use buurt_diagnose::atlas;
use buurt_diagnose::diagnose::hotspots::{HotspotOptions, hotspot_input, hotspots, newest_year};
use buurt_diagnose::stats::moran;
use buurt_diagnose::stats::weights::{self, DEFAULT_TOLERANCE_M};
use buurt_io::registry::NoProgress;
use serde_json::json;

/// esda's default number of permutations.
const PERMUTATIONS: usize = 999;

struct Args {
    indicator: String,
    runs: usize,
    out: PathBuf,
}

fn args() -> Args {
    let mut args = Args {
        indicator: "eenzaam_65plus".into(),
        runs: 7,
        out: buurt_benches::out_dir().join("lisa"),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--indicator" => args.indicator = value,
            "--runs" => {
                args.runs = value
                    .parse()
                    .ok()
                    .filter(|r| *r > 0)
                    .unwrap_or_else(|| panic!("--runs {value}: a positive number"));
            }
            "--out" => args.out = PathBuf::from(value),
            other => panic!("unknown option {other} (--indicator, --runs, --out)"),
        }
    }
    args
}

/// Runs `f` `runs` times: (median, minimum) wall time, and the last result.
fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, Duration, T) {
    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        let out = std::hint::black_box(f());
        times.push(t.elapsed());
        last = Some(out);
    }
    times.sort_unstable();
    let result = last.unwrap_or_else(|| unreachable!("runs > 0"));
    (times[times.len() / 2], times[0], result)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    let args = args();
    let data = buurt_io::paths::test_data_dir();
    let t0 = Instant::now();
    let catalogue = Catalogue::builtin().expect("builtin catalogue");
    let (atlas, status) = atlas::open(
        &data,
        Some(&buurt_benches::out_dir().join("atlas-cache")),
        catalogue,
        &NoProgress,
    )
    .unwrap_or_else(|e| panic!("atlas from {}: {e}", data.display()));
    let nl = RegionCode::Nederland;
    let year = newest_year(&atlas, nl, Level::Wijk, &args.indicator, None)
        .unwrap_or_else(|e| panic!("{}: {e}", args.indicator));
    let input = hotspot_input(&atlas, nl, Level::Wijk, &args.indicator, year)
        .unwrap_or_else(|e| panic!("wijken of {} in {year}: {e}", args.indicator));
    println!(
        "setup: atlas {:.2?} (cache {status:?}); {} {year}: {} wijken with a value and a polygon, {} left out",
        t0.elapsed(),
        args.indicator,
        input.values.len(),
        input.left_out.len()
    );

    let (w_med, w_min, w) = time(args.runs, || {
        weights::queen(&input.polygons, DEFAULT_TOLERANCE_M)
    });
    let rw = w.row_standardised();
    let links: usize = w.neighbours.iter().map(Vec::len).sum();
    println!(
        "weights: queen contiguity, {links} links, {} islands; median {:.1} ms (min {:.1})",
        w.islands().len(),
        ms(w_med),
        ms(w_min)
    );
    let (l_med, l_min, local) = time(args.runs, || {
        moran::local(&input.values, &rw, PERMUTATIONS, 1).expect("local Moran defined")
    });
    let (g_med, g_min, global) = time(args.runs, || {
        moran::global(&input.values, &rw, PERMUTATIONS, 1).expect("global Moran defined")
    });
    let (h_med, h_min, h) = time(args.runs, || {
        hotspots(
            &atlas,
            nl,
            Level::Wijk,
            &args.indicator,
            year,
            HotspotOptions::default(),
        )
        .expect("hot spots")
    });
    let significant = h
        .regions
        .iter()
        .filter(|r| r.p_value.is_some_and(|p| p < 0.05))
        .count();
    println!(
        "local Moran's I, {PERMUTATIONS} permutations: median {:.1} ms (min {:.1})",
        ms(l_med),
        ms(l_min)
    );
    println!(
        "global Moran's I, {PERMUTATIONS} permutations: median {:.1} ms (min {:.1}); I = {:.6}, p_sim = {:?}",
        ms(g_med),
        ms(g_min),
        global.i,
        global.p_sim
    );
    println!(
        "hotspots() end to end (input, weights, global, local, labels): median {:.1} ms (min {:.1}); {significant} wijken with p < 0.05",
        ms(h_med),
        ms(h_min)
    );
    println!(
        "RUST_MS weights={:.3} local={:.3} global={:.3} hotspots={:.3} local_min={:.3}",
        ms(w_med),
        ms(l_med),
        ms(g_med),
        ms(h_med),
        ms(l_min)
    );

    std::fs::create_dir_all(&args.out).expect("create the output folder");
    let codes: Vec<String> = input.keys.iter().map(|k| k.code.to_string()).collect();
    let input_doc = json!({
        "indicator": args.indicator,
        "year": year,
        "codes": codes,
        "values": input.values,
        "neighbours": w.neighbours,
    });
    let rust_doc = json!({
        "permutations": PERMUTATIONS,
        "is": local.is,
        "q": local.q,
        "p_sim": local.p_sim,
        "moran_i": global.i,
        "ms": {
            "weights": ms(w_med),
            "local": ms(l_med),
            "local_min": ms(l_min),
            "global": ms(g_med),
            "hotspots": ms(h_med),
        },
    });
    for (name, doc) in [("lisa_input.json", input_doc), ("lisa_rust.json", rust_doc)] {
        let path = args.out.join(name);
        std::fs::write(&path, doc.to_string())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
    println!("wrote {}", args.out.display());
}
