use std::time::Instant;
#[test]
fn timing() {
    let dir = buurt_io::paths::test_data_dir().join("rivm_gezondheid_wijk_buurt_50090NED");
    let c = buurt_core::Catalogue::builtin().unwrap();
    let t = Instant::now();
    let d = buurt_io::tables::load_rivm_50090_dir(&dir, &c).unwrap();
    println!("dir {:?} {}", t.elapsed(), d.observations.len());
    drop(d);
    let t = Instant::now();
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|e| e == "xlsx") {
            let t1 = Instant::now();
            let d = buurt_io::tables::load_rivm_50090_xlsx(&p, &c).unwrap();
            n += d.observations.len();
            println!("  {:?} {:?}", p.file_name().unwrap(), t1.elapsed());
        }
    }
    println!("sequential {:?} {n}", t.elapsed());
}
