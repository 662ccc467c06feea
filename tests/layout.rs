//! The source tree's shape, checked on every test run: no file under `src/` longer than 700
//! lines (tests included), and no import cycle among the top-level modules of `src/`, counting
//! every `crate::X` path, doc links included (`scripts/module_cycles.py --edges` prints the
//! graph).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn sources() -> (PathBuf, Vec<PathBuf>) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    (src, files)
}

#[test]
fn no_source_file_is_longer_than_700_lines() {
    let (_, files) = sources();
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let n = std::fs::read_to_string(f).unwrap().lines().count();
            (n > 700).then(|| format!("{} ({n} lines)", f.display()))
        })
        .collect();
    assert!(long.is_empty(), "files over 700 lines: {long:?}");
}

/// The words that follow `crate::` in `text`, and the names listed in `crate::{...}`.
fn crate_paths(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let word = |s: &str| {
        s.chars()
            .take_while(|c| c.is_ascii_lowercase() || *c == '_')
            .collect::<String>()
    };
    for (i, _) in text.match_indices("crate::") {
        let rest = &text[i + "crate::".len()..];
        if let Some(list) = rest.strip_prefix('{') {
            let list = &list[..list.find('}').unwrap_or(list.len())];
            out.extend(list.split(',').map(|p| word(p.trim())));
        } else {
            out.insert(word(rest));
        }
    }
    out
}

#[test]
fn no_import_cycle_among_the_top_level_modules() {
    let (src, files) = sources();
    let module_of = |f: &Path| {
        let rel = f.strip_prefix(&src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .into_owned();
        first.trim_end_matches(".rs").to_string()
    };
    let binary = ["main", "cli", "lib"];
    let modules: BTreeSet<String> = files
        .iter()
        .map(|f| module_of(f))
        .filter(|m| !binary.contains(&m.as_str()))
        .collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = modules.iter().map(|m| (m.clone(), BTreeSet::new())).collect();
    for f in &files {
        let m = module_of(f);
        if binary.contains(&m.as_str()) {
            continue;
        }
        let text = std::fs::read_to_string(f).unwrap();
        for to in crate_paths(&text) {
            if to != m && modules.contains(&to) {
                edges.get_mut(&m).unwrap().insert(to);
            }
        }
    }
    // Depth-first search: a module met again while still on the stack closes a cycle.
    fn visit(
        m: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(m.to_string(), 1);
        stack.push(m.to_string());
        for n in &edges[m] {
            match state.get(n) {
                Some(1) => {
                    let at = stack.iter().position(|s| s == n).unwrap();
                    let mut cycle = stack[at..].to_vec();
                    cycle.push(n.clone());
                    return Some(cycle);
                }
                None => {
                    if let Some(c) = visit(n, edges, state, stack) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(m.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for m in &modules {
        if !state.contains_key(m) {
            let cycle = visit(m, &edges, &mut state, &mut Vec::new());
            assert!(cycle.is_none(), "import cycle: {}", cycle.unwrap().join(" -> "));
        }
    }
    // The leaf of plain types imports nothing of the crate.
    assert!(edges["types"].is_empty(), "types imports {:?}", edges["types"]);
}
