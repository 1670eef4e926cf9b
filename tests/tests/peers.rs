//! Vergelijkbare buurten (issue 14, item 2) on the real files: peers across gemeenten, their
//! distances recomputed from the published values, and missing values never filled in.

use buurt_core::{MissingReason, RegionCode, RegionKey};
use buurt_diagnose::diagnose::Diagnose;
use buurt_diagnose::diagnose::peers::{PeerOptions, Peers, peers};
use buurt_tests::real_atlas;

fn find(code: &str, options: &PeerOptions) -> Peers {
    peers(real_atlas(), code, options).unwrap_or_else(|e| panic!("peers of {code}: {e}"))
}

/// The published value of `indicator` for `code` in the comparison group the peers used.
fn published(code: &str, indicator: &str, p: &Peers) -> (f64, Option<MissingReason>) {
    let atlas = real_atlas();
    let cells = atlas.cells();
    let used = p
        .indicators
        .iter()
        .find(|i| i.id == indicator)
        .expect("indicator");
    let dataset = cells
        .datasets()
        .iter()
        .position(|d| Some(d) == used.dataset.as_ref())
        .expect("dataset");
    let code: RegionCode = code.parse().expect("code");
    let ix = atlas.catalogue().position(indicator).expect("in catalogue");
    let group = buurt_diagnose::diagnose::GroupKey {
        dataset: u16::try_from(dataset).expect("u16"),
        indicator: u16::try_from(ix).expect("u16"),
        year: used.year.expect("year"),
    };
    atlas
        .indelingen_of(code)
        .into_iter()
        .rev()
        .find_map(|i| {
            let r = cells.region_index(&RegionKey::new(code, i))?;
            cells.cell(group, r).map(|c| cells.cell_value(c))
        })
        .expect("a cell in the group")
}

#[test]
fn utrecht_oost_finds_wijken_across_gemeenten_on_the_published_values() {
    let p = find("WK034405", &PeerOptions::default());
    let used: Vec<&str> = p
        .indicators
        .iter()
        .filter(|i| i.used)
        .map(|i| i.id.as_str())
        .collect();
    println!("{}\n{used:?}", p.note);
    for peer in &p.peers {
        println!(
            "{} {} ({}) {:.3} {}",
            peer.code,
            peer.name,
            peer.gemeente.as_ref().map_or("", |g| g.name.as_str()),
            peer.distance,
            peer.shared
        );
    }
    assert_eq!(p.peers.len(), 5);
    // The national figures are used; a figure only Utrecht publishes per wijk is not, and
    // the reason says so.
    assert!(used.contains(&"aandeel_65plus") && used.contains(&"eenzaam_18plus"));
    let narrow = p
        .indicators
        .iter()
        .find(|i| i.id == "eenpersoonshuishoudens")
        .expect("asked for");
    assert!(!narrow.used, "{narrow:?}");
    assert!(
        narrow
            .reason
            .as_deref()
            .is_some_and(|r| r.contains("alleen bekend"))
    );
    // Wijken elsewhere, nearest first, sharing every used indicator.
    assert!(p.peers.iter().any(|x| !x.code.starts_with("WK0344")));
    assert!(p.peers.windows(2).all(|w| w[0].distance <= w[1].distance));
    assert!(
        p.peers
            .iter()
            .all(|x| x.shared == used.len() && x.missing.is_empty())
    );
    assert!(p.compared > 2500, "{} wijken compared", p.compared);
    // Each distance again, from the published values, the means and the sds.
    for peer in &p.peers {
        let mut ss = 0.0;
        for c in &peer.contributions {
            let ind = p
                .indicators
                .iter()
                .find(|i| i.id == c.indicator)
                .expect("used");
            let (v, missing) = published(&peer.code, &c.indicator, &p);
            assert_eq!(missing, None);
            assert!((v - c.value).abs() < 1e-9, "{} {}", peer.code, c.indicator);
            let (own, _) = published("WK034405", &c.indicator, &p);
            assert!((own - c.subject_value).abs() < 1e-9);
            let sd = ind.sd.expect("sd");
            ss += ((v - own) / sd).powi(2);
        }
        let distance = (ss / peer.contributions.len() as f64).sqrt();
        assert!((distance - peer.distance).abs() < 1e-9, "{}", peer.code);
    }
}

#[test]
fn within_a_gemeente_every_default_indicator_counts() {
    let options = PeerOptions {
        within: Some("GM0344".parse().expect("code")),
        k: 3,
        ..PeerOptions::default()
    };
    let p = find("WK034405", &options);
    assert!(p.peers.iter().all(|x| x.code.starts_with("WK0344")));
    assert!(
        p.indicators
            .iter()
            .find(|i| i.id == "eenpersoonshuishoudens")
            .is_some_and(|i| i.used),
        "{:?}",
        p.indicators
    );
}

#[test]
fn a_region_without_comparable_values_says_so_and_a_peer_never_shows_a_suppressed_value() {
    // Amersfoort redrew its wijken after 2020: RIVM's figures under these codes are about
    // other areas, so they are not comparable, and the wijk is compared on the rest.
    let p = find("WK030705", &PeerOptions::default());
    let eenzaam = p
        .indicators
        .iter()
        .find(|i| i.id == "eenzaam_18plus")
        .expect("asked for");
    assert!(!eenzaam.used);
    assert_eq!(eenzaam.missing_reason, Some(MissingReason::NotComparable));
    assert!(p.note.contains("niet vergelijkbaar"), "{}", p.note);
    // Every value a peer shows is published in its group.
    for code in ["WK034405", "WK030705", "BU03440111"] {
        let p = find(
            code,
            &PeerOptions {
                k: 20,
                ..PeerOptions::default()
            },
        );
        for peer in &p.peers {
            for c in &peer.contributions {
                assert_eq!(
                    published(&peer.code, &c.indicator, &p).1,
                    None,
                    "{}",
                    peer.code
                );
            }
            for id in &peer.missing {
                let (v, _) = published(&peer.code, id, &p);
                assert!(
                    !v.is_finite(),
                    "{} has {id} yet it is called missing",
                    peer.code
                );
            }
        }
    }
}

#[test]
fn a_profile_carries_its_peers_and_the_markdown_names_them() {
    let diagnose = Diagnose::new(real_atlas());
    let profile = diagnose.profile("WK030705", None).expect("profile");
    let peers = profile.peers.as_ref().expect("peers in the profile");
    assert_eq!(peers.peers.len(), 5);
    let md = buurt_diagnose::diagnose::render::markdown(&profile);
    assert!(md.contains("## Vergelijkbare wijken"), "{md}");
    assert!(md.contains(&peers.peers[0].name));
}
