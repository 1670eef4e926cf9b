//! The notebooks in notebooks/ hold the same code as their examples in tests/examples/, which
//! `cargo test` compiles and runs against the real data: a notebook edited without its example
//! (or the other way round) fails here, so the notebooks cannot silently rot.

use std::path::{Path, PathBuf};

const NOTEBOOKS: [&str; 2] = ["utrecht_oost_wijkpact", "mantelzorg_eenzaamheid_trends"];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The code cells of a notebook, without evcxr directives (`:dep`, `:timing`, …), trimmed.
fn notebook_cells(name: &str) -> Vec<String> {
    let path = workspace().join("notebooks").join(format!("{name}.ipynb"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let nb: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(
        nb["metadata"]["kernelspec"]["name"], "rust",
        "{name}: the kernel must be evcxr's rust"
    );
    nb["cells"]
        .as_array()
        .expect("cells")
        .iter()
        .filter(|c| c["cell_type"] == "code")
        .map(|c| {
            let source = match &c["source"] {
                serde_json::Value::Array(lines) => lines
                    .iter()
                    .map(|l| l.as_str().expect("source line"))
                    .collect::<String>(),
                serde_json::Value::String(s) => s.clone(),
                other => panic!("{name}: odd cell source {other}"),
            };
            source
                .lines()
                .filter(|l| !l.trim_start().starts_with(':'))
                .collect::<Vec<_>>()
                .join("\n")
                .trim()
                .to_owned()
        })
        .collect()
}

/// The `// cell N` blocks of an example's `main`, dedented one level, trimmed.
fn example_cells(name: &str) -> Vec<String> {
    let path = workspace()
        .join("tests/examples")
        .join(format!("{name}.rs"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let body = text
        .split_once("fn main() {\n")
        .and_then(|(_, rest)| rest.trim_end().strip_suffix('}'))
        .unwrap_or_else(|| panic!("{}: no fn main() {{ … }}", path.display()));
    let mut cells: Vec<Vec<&str>> = Vec::new();
    for line in body.lines() {
        let line = line.strip_prefix("    ").unwrap_or(line);
        if let Some(n) = line.strip_prefix("// cell ") {
            assert_eq!(
                n.trim().parse::<usize>().ok(),
                Some(cells.len() + 1),
                "{}: cells must be numbered 1, 2, …",
                path.display()
            );
            cells.push(Vec::new());
        } else if let Some(cell) = cells.last_mut() {
            cell.push(line);
        } else {
            assert!(
                line.trim().is_empty(),
                "{}: code before // cell 1",
                path.display()
            );
        }
    }
    cells
        .iter()
        .map(|c| c.join("\n").trim().to_owned())
        .collect()
}

#[test]
fn notebooks_hold_the_code_of_their_examples() {
    for name in NOTEBOOKS {
        let notebook = notebook_cells(name);
        let example = example_cells(name);
        assert!(!notebook.is_empty(), "{name}: no code cells");
        assert_eq!(
            notebook.len(),
            example.len(),
            "{name}: {} code cells in the notebook, {} in the example",
            notebook.len(),
            example.len()
        );
        for (i, (nb, ex)) in notebook.iter().zip(&example).enumerate() {
            assert_eq!(
                nb,
                ex,
                "{name}: code cell {} differs from the example",
                i + 1
            );
        }
    }
}

#[test]
fn notebooks_declare_their_dependencies_and_have_no_stale_outputs() {
    for name in NOTEBOOKS {
        let path = workspace().join("notebooks").join(format!("{name}.ipynb"));
        let nb: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let cells = nb["cells"].as_array().unwrap();
        let first_code = cells.iter().find(|c| c["cell_type"] == "code").unwrap();
        let src: String = first_code["source"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap())
            .collect();
        assert!(
            src.contains(":dep buurt-diagnose = { path = \"../crates/buurt-diagnose\" }"),
            "{name}: the first code cell must :dep buurt-diagnose by path"
        );
        for c in cells.iter().filter(|c| c["cell_type"] == "code") {
            assert_eq!(
                c["outputs"].as_array().map(Vec::len),
                Some(0),
                "{name}: committed notebooks carry no outputs"
            );
        }
    }
}
