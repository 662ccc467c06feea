//! A run under a memory limit (`--memory-limit`, `--work-dir`): signatures in a file, band keys
//! sorted on disk, and the same kept records and cluster report as the run in memory.

mod common;

use common::{bin, data, jsonl, stderr};
use std::path::Path;

/// Runs `dedup INPUT` with `extra` flags into `dir/tag.*`; returns (kept records, cluster
/// report, summary).
fn dedup(input: &Path, dir: &Path, tag: &str, extra: &[&str]) -> (Vec<u8>, Vec<u8>, serde_json::Value) {
    let (kept, clusters, summary) = (
        dir.join(format!("{tag}.jsonl")),
        dir.join(format!("{tag}.clusters.jsonl")),
        dir.join(format!("{tag}.summary.json")),
    );
    let o = bin()
        .arg("dedup")
        .arg(input)
        .arg("-o")
        .arg(&kept)
        .arg("--clusters")
        .arg(&clusters)
        .arg("--summary")
        .arg(&summary)
        .arg("-q")
        .args(extra)
        .output()
        .unwrap();
    assert!(o.status.success(), "{extra:?}: {}", stderr(&o));
    let summary = jsonl(&std::fs::read(&summary).unwrap()).remove(0);
    (std::fs::read(kept).unwrap(), std::fs::read(clusters).unwrap(), summary)
}

/// Under a limit the outputs are those of the run in memory, in every mode the limit runs,
/// with the band keys in several partitions (1 MiB: NTREX dev's 4,080 documents × 32 bands
/// take 2 MB of keys), and the work folder is gone afterwards.
#[test]
fn a_limited_run_gives_the_outputs_of_the_run_in_memory() {
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path().join("work");
    std::fs::create_dir(&work).unwrap();
    let work = work.to_str().unwrap();
    for input in [data("ntrex-dev/docs.jsonl"), data("seeds.jsonl")] {
        for mode in [
            &[][..],
            &["--keep-boilerplate"],
            &["--containment", "0.8"],
            &["--grouping", "components"],
        ] {
            let (kept, clusters, s) = dedup(&input, tmp.path(), "memory", mode);
            assert_eq!(s["spilled_bytes"], 0);
            for (limit, threads) in [("1M", "2"), ("32M", "1")] {
                let mut flags = mode.to_vec();
                flags.extend(["--memory-limit", limit, "--work-dir", work, "--threads", threads]);
                let (k, c, s) = dedup(&input, tmp.path(), "limited", &flags);
                assert!(k == kept, "{input:?} {flags:?}: kept records differ");
                assert!(c == clusters, "{input:?} {flags:?}: cluster reports differ");
                assert!(s["spilled_bytes"].as_u64().unwrap() > 0, "{flags:?}: nothing spilled");
            }
        }
    }
    assert_eq!(std::fs::read_dir(work).unwrap().count(), 0, "work files left behind");
}

/// The bench corpus slice (`NEARDUP_BENCH_SLICE`: the decompressed `corpus32.jsonl`, which the
/// repository does not ship): `--memory-limit 32M` gives the in-memory run's outputs.
#[test]
#[ignore = "needs NEARDUP_BENCH_SLICE"]
fn the_bench_slice_under_32m_gives_the_outputs_of_the_run_in_memory() {
    let slice = std::env::var("NEARDUP_BENCH_SLICE").expect("NEARDUP_BENCH_SLICE: the decompressed corpus32.jsonl");
    let tmp = tempfile::tempdir().unwrap();
    let (kept, clusters, _) = dedup(Path::new(&slice), tmp.path(), "memory", &[]);
    let (k, c, s) = dedup(Path::new(&slice), tmp.path(), "limited", &["--memory-limit", "32M"]);
    assert!(k == kept && c == clusters, "outputs differ");
    assert!(s["spilled_bytes"].as_u64().unwrap() > 0);
}

/// A size that is not one, SimHash, exact verification, a work folder without a limit, and the
/// limit given to `sign` or `index build` are refused with a message that says what is wrong.
#[test]
fn what_the_limit_does_not_run_is_refused() {
    let seeds = data("seeds.jsonl");
    let cases: [(&[&str], &str); 4] = [
        (&["--memory-limit", "12T"], "K, M or G"),
        (&["--memory-limit", "32M", "--method", "simhash"], "MinHash"),
        (&["--memory-limit", "32M", "--verify", "exact"], "MinHash"),
        (&["--work-dir", "/tmp"], "--memory-limit"),
    ];
    for (flags, says) in cases {
        let o = bin()
            .arg("dedup")
            .arg(&seeds)
            .arg("-o")
            .arg("/dev/null")
            .args(flags)
            .output()
            .unwrap();
        assert!(!o.status.success(), "{flags:?} was accepted");
        assert!(stderr(&o).contains(says), "{flags:?}: {}", stderr(&o));
    }
}

/// A work folder that cannot be written is an error naming it, before any output is written.
#[test]
fn a_work_folder_that_cannot_be_made_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("kept.jsonl");
    let o = bin()
        .arg("dedup")
        .arg(data("seeds.jsonl"))
        .arg("-o")
        .arg(&out)
        .args(["--memory-limit", "32M", "--work-dir", "/nonexistent/neardup-work"])
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(stderr(&o).contains("/nonexistent/neardup-work"), "{}", stderr(&o));
    assert!(!out.exists(), "an output was written");
}
