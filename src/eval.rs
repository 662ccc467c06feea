//! Scoring clusters against gold labels.
//!
//! In: a gold labelling (`id<TAB>cluster` per line after a header) and predicted clusters (the
//! cluster report's `members` lists). Out: pairwise precision, recall and F1 over the pairs of
//! documents that share a cluster, and the adjusted Rand index (Hubert and Arabie, "Comparing
//! partitions", 1985), computed from the contingency table without listing pairs.
//!
//! Only gold ids are scored: a predicted member absent from the gold is counted and ignored, and
//! a gold id in no predicted cluster is a singleton. With no predicted pair, precision is 1.0 (no
//! pair was wrong); with no gold pair, recall is 1.0.

use crate::error::{Error, Result};
use std::collections::HashMap;
use std::io::BufRead;

/// The scores of one prediction.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scores {
    /// Documents scored (the gold ids).
    pub documents: usize,
    /// Pairs in the same gold cluster.
    pub gold_pairs: u64,
    /// Pairs in the same predicted cluster.
    pub predicted_pairs: u64,
    /// Pairs in both.
    pub true_pairs: u64,
    /// true / predicted.
    pub precision: f64,
    /// true / gold.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
    /// Adjusted Rand index.
    pub ari: f64,
    /// Predicted members that are not in the gold.
    pub unknown_ids: usize,
}

fn pairs(n: u64) -> u64 {
    n * n.saturating_sub(1) / 2
}

/// Scores `predicted` clusters (lists of ids) against `gold` (id → label).
pub fn score(gold: &HashMap<String, String>, predicted: &[Vec<String>]) -> Scores {
    // Assign each gold id a predicted label: its cluster index, or a singleton of its own.
    let mut pred_label: HashMap<&str, usize> = HashMap::new();
    let mut unknown_ids = 0;
    for (ci, members) in predicted.iter().enumerate() {
        for m in members {
            if gold.contains_key(m.as_str()) {
                pred_label.insert(m.as_str(), ci);
            } else {
                unknown_ids += 1;
            }
        }
    }
    let mut next = predicted.len();
    let mut cells: HashMap<(usize, &str), u64> = HashMap::new();
    let mut a: HashMap<usize, u64> = HashMap::new();
    let mut b: HashMap<&str, u64> = HashMap::new();
    for (id, g) in gold {
        let p = *pred_label.get(id.as_str()).unwrap_or_else(|| {
            next += 1;
            &next
        });
        *cells.entry((p, g.as_str())).or_default() += 1;
        *a.entry(p).or_default() += 1;
        *b.entry(g.as_str()).or_default() += 1;
    }
    let n = gold.len() as u64;
    let true_pairs: u64 = cells.values().map(|&c| pairs(c)).sum();
    let predicted_pairs: u64 = a.values().map(|&c| pairs(c)).sum();
    let gold_pairs: u64 = b.values().map(|&c| pairs(c)).sum();
    let precision = if predicted_pairs == 0 {
        1.0
    } else {
        true_pairs as f64 / predicted_pairs as f64
    };
    let recall = if gold_pairs == 0 {
        1.0
    } else {
        true_pairs as f64 / gold_pairs as f64
    };
    let f1 = if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    };
    let total = pairs(n) as f64;
    let expected = if total == 0.0 {
        0.0
    } else {
        predicted_pairs as f64 * gold_pairs as f64 / total
    };
    let max = 0.5 * (predicted_pairs as f64 + gold_pairs as f64);
    let ari = if max == expected {
        1.0
    } else {
        (true_pairs as f64 - expected) / (max - expected)
    };
    Scores {
        documents: gold.len(),
        gold_pairs,
        predicted_pairs,
        true_pairs,
        precision,
        recall,
        f1,
        ari,
        unknown_ids,
    }
}

/// Pairwise scores restricted to the pairs of documents in one pair of languages.
#[derive(Debug, Clone, PartialEq)]
pub struct LangPairScores {
    /// The two languages (ordered; equal for same-language pairs).
    pub langs: (String, String),
    /// Gold pairs between these languages.
    pub gold_pairs: u64,
    /// Predicted pairs between these languages.
    pub predicted_pairs: u64,
    /// Pairs in both.
    pub true_pairs: u64,
    /// true / predicted (1.0 when nothing was predicted).
    pub precision: f64,
    /// true / gold (1.0 when there is no gold pair).
    pub recall: f64,
}

/// Adds, for a group of documents with these language counts, its pairs per language pair.
fn add_pairs(counts: &HashMap<String, u64>, into: &mut HashMap<(String, String), [u64; 3]>, slot: usize) {
    let mut langs: Vec<(&String, u64)> = counts.iter().map(|(l, &c)| (l, c)).collect();
    langs.sort();
    for (i, &(la, ca)) in langs.iter().enumerate() {
        if ca > 1 {
            into.entry((la.clone(), la.clone())).or_default()[slot] += pairs(ca);
        }
        for &(lb, cb) in &langs[i + 1..] {
            into.entry((la.clone(), lb.clone())).or_default()[slot] += ca * cb;
        }
    }
}

/// Scores per pair of languages, so a user sees where a method is weak. `lang_of` gives a
/// document's language (gold ids without one are left out). Pairs are counted from the
/// language make-up of each gold cluster, predicted cluster, and their intersections, without
/// listing pairs.
pub fn score_by_language(
    gold: &HashMap<String, String>,
    predicted: &[Vec<String>],
    lang_of: &dyn Fn(&str) -> Option<String>,
) -> Vec<LangPairScores> {
    let mut pred_label: HashMap<&str, usize> = HashMap::new();
    for (ci, members) in predicted.iter().enumerate() {
        for m in members {
            if gold.contains_key(m.as_str()) {
                pred_label.insert(m.as_str(), ci);
            }
        }
    }
    // Language counts per gold cluster, per predicted cluster, and per intersection.
    type Counts = HashMap<String, u64>;
    let mut by_gold: HashMap<&str, Counts> = HashMap::new();
    let mut by_pred: HashMap<usize, Counts> = HashMap::new();
    let mut by_cell: HashMap<(usize, &str), Counts> = HashMap::new();
    for (id, g) in gold {
        let Some(lang) = lang_of(id) else { continue };
        *by_gold.entry(g.as_str()).or_default().entry(lang.clone()).or_default() += 1;
        if let Some(&p) = pred_label.get(id.as_str()) {
            *by_pred.entry(p).or_default().entry(lang.clone()).or_default() += 1;
            *by_cell.entry((p, g.as_str())).or_default().entry(lang).or_default() += 1;
        }
    }
    let mut table: HashMap<(String, String), [u64; 3]> = HashMap::new();
    by_gold.values().for_each(|c| add_pairs(c, &mut table, 0));
    by_pred.values().for_each(|c| add_pairs(c, &mut table, 1));
    by_cell.values().for_each(|c| add_pairs(c, &mut table, 2));
    let mut out: Vec<LangPairScores> = table
        .into_iter()
        .map(|(langs, [g, p, t])| LangPairScores {
            langs,
            gold_pairs: g,
            predicted_pairs: p,
            true_pairs: t,
            precision: if p == 0 { 1.0 } else { t as f64 / p as f64 },
            recall: if g == 0 { 1.0 } else { t as f64 / g as f64 },
        })
        .collect();
    out.sort_by(|a, b| a.langs.cmp(&b.langs));
    out
}

/// The language part of an id of the form `LANG/REST` (as in NTREX), if any.
pub fn lang_from_id(id: &str) -> Option<String> {
    id.split_once('/').map(|(l, _)| l.to_string())
}

/// Reads a gold file: a header line, then `id<TAB>cluster` lines.
pub fn read_gold(name: &str, r: impl BufRead) -> Result<HashMap<String, String>> {
    let mut gold = HashMap::new();
    for (i, line) in r.lines().enumerate() {
        let line = line.map_err(|e| Error::io(name, e))?;
        if i == 0 || line.trim().is_empty() {
            continue;
        }
        let Some((id, label)) = line.split_once('\t') else {
            return Err(Error::Eval {
                file: name.into(),
                line: i as u64 + 1,
                msg: "expected id<TAB>cluster".into(),
            });
        };
        gold.insert(id.to_string(), label.trim_end_matches('\r').to_string());
    }
    Ok(gold)
}

/// Reads the `members` lists of a cluster report.
pub fn read_clusters(name: &str, r: impl BufRead) -> Result<Vec<Vec<String>>> {
    let mut out = Vec::new();
    for (i, line) in r.lines().enumerate() {
        let line = line.map_err(|e| Error::io(name, e))?;
        if line.trim().is_empty() {
            continue;
        }
        let bad = |msg: String| Error::Eval {
            file: name.into(),
            line: i as u64 + 1,
            msg,
        };
        let v: serde_json::Value = serde_json::from_str(&line).map_err(|e| bad(format!("invalid JSON: {e}")))?;
        let members = v
            .get("members")
            .and_then(|m| m.as_array())
            .ok_or_else(|| bad("no \"members\" array".into()))?;
        let ids = members
            .iter()
            .map(|m| match m {
                serde_json::Value::String(s) => Ok(s.clone()),
                serde_json::Value::Number(n) => Ok(n.to_string()),
                _ => Err(bad("member ids must be strings".into())),
            })
            .collect::<Result<Vec<_>>>()?;
        out.push(ids);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gold(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }
    fn pred(cs: &[&[&str]]) -> Vec<Vec<String>> {
        cs.iter().map(|c| c.iter().map(|s| s.to_string()).collect()).collect()
    }

    #[test]
    fn perfect_prediction() {
        let g = gold(&[("a", "1"), ("b", "1"), ("c", "2"), ("d", "3")]);
        let s = score(&g, &pred(&[&["a", "b"]]));
        assert_eq!((s.precision, s.recall, s.f1, s.ari), (1.0, 1.0, 1.0, 1.0));
    }

    #[test]
    fn worked_by_hand() {
        // Gold: {a,b,c} {d,e}; predicted: {a,b} {c,d,e}.
        // Gold pairs: 3 + 1 = 4. Predicted pairs: 1 + 3 = 4. True: ab, de = 2.
        // P = R = F1 = 0.5. n = 5, total pairs 10, expected = 4·4/10 = 1.6,
        // ARI = (2 − 1.6) / (4 − 1.6) = 1/6.
        let g = gold(&[("a", "x"), ("b", "x"), ("c", "x"), ("d", "y"), ("e", "y")]);
        let s = score(&g, &pred(&[&["a", "b"], &["c", "d", "e"]]));
        assert_eq!((s.gold_pairs, s.predicted_pairs, s.true_pairs), (4, 4, 2));
        assert_eq!((s.precision, s.recall), (0.5, 0.5));
        assert!((s.ari - 1.0 / 6.0).abs() < 1e-12);
    }

    #[test]
    fn unknown_and_missing() {
        // Predicting nothing: precision 1 (vacuous), recall 0; ARI 0.
        let g = gold(&[("a", "x"), ("b", "x"), ("c", "y")]);
        let s = score(&g, &pred(&[&["zz", "a"]]));
        assert_eq!((s.precision, s.recall, s.unknown_ids), (1.0, 0.0, 1));
        assert!(s.ari.abs() < 1e-12);
        // Everything in one cluster: 3 predicted pairs, 1 true. P = 1/3, R = 1.
        let s = score(&g, &pred(&[&["a", "b", "c"]]));
        assert!((s.precision - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(s.recall, 1.0);
    }

    #[test]
    fn per_language_pairs_by_hand() {
        // Gold: one article in en, fr, de (3 docs) and another in en, fr.
        // Predicted: {en/a, fr/a} {de/a, en/b, fr/b}.
        let g = gold(&[
            ("en/a", "A"),
            ("fr/a", "A"),
            ("de/a", "A"),
            ("en/b", "B"),
            ("fr/b", "B"),
        ]);
        let p = pred(&[&["en/a", "fr/a"], &["de/a", "en/b", "fr/b"]]);
        let s = score_by_language(&g, &p, &lang_from_id);
        let get = |a: &str, b: &str| {
            s.iter()
                .find(|x| x.langs == (a.to_string(), b.to_string()))
                .unwrap()
                .clone()
        };
        // en-fr: gold (en/a,fr/a) (en/b,fr/b); predicted the same two: P = R = 1.
        let enfr = get("en", "fr");
        assert_eq!((enfr.gold_pairs, enfr.predicted_pairs, enfr.true_pairs), (2, 2, 2));
        // de-en: gold (de/a,en/a); predicted (de/a,en/b), wrong: P = 0, R = 0.
        let deen = get("de", "en");
        assert_eq!((deen.gold_pairs, deen.predicted_pairs, deen.true_pairs), (1, 1, 0));
        assert_eq!((deen.precision, deen.recall), (0.0, 0.0));
        // de-fr: gold (de/a,fr/a); predicted (de/a,fr/b).
        assert_eq!(get("de", "fr").true_pairs, 0);
        // The per-pair counts add up to the overall ones.
        let all = score(&g, &p);
        assert_eq!(s.iter().map(|x| x.gold_pairs).sum::<u64>(), all.gold_pairs);
        assert_eq!(s.iter().map(|x| x.predicted_pairs).sum::<u64>(), all.predicted_pairs);
        assert_eq!(s.iter().map(|x| x.true_pairs).sum::<u64>(), all.true_pairs);
    }

    #[test]
    fn reads_files() {
        let g = read_gold("g", "id\tcluster\na\t1\nb\t1\n".as_bytes()).unwrap();
        assert_eq!(g.len(), 2);
        assert!(read_gold("g", "h\nbad line\n".as_bytes()).is_err());
        let c = read_clusters("c", "{\"members\":[\"a\",\"b\"]}\n\n".as_bytes()).unwrap();
        assert_eq!(c, vec![vec!["a".to_string(), "b".to_string()]]);
        let e = read_clusters("c", "{\"x\":1}\n".as_bytes()).unwrap_err();
        assert!(e.to_string().starts_with("c:1:"));
    }
}
