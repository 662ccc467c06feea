//! LSH banding within a memory budget: the candidate pairs of [`super::candidate_pairs`], with
//! the band keys partitioned and sorted on disk.
//!
//! In: signatures (in a mapped file of the work folder, read once in order), which documents
//! take part, bands × rows, a seed, a [`WorkDir`] and a progress callback. Out: the same candidate pairs as
//! [`super::candidate_pairs`] (sorted, deduplicated, `a < b`).
//!
//! An external distribution sort (Knuth, TAOCP vol. 3, 5.4; Vitter 2001, "External memory
//! algorithms and data structures"): one pass over the signatures writes every band key
//! `(key, doc)` to the file of its band and of its key's top bits (`P` files per band, `P`
//! chosen so that one file per thread fits an eighth of the budget); all documents of a bucket
//! land in one file, written and read back past the page cache where the file system allows it
//! ([`DirectWriter`]). Each thread then takes one file at a time (keeping its buffers from file
//! to file), reads it, and makes its sorted, deduplicated pairs exactly as a band in memory
//! gives them ([`super::band_pairs`]), written as a run. The runs are merged (a k-way
//! merge with a heap) into the final sorted list. Disk: 12 bytes per document and band, then 8
//! bytes per pair found in a band; all large sequential reads and writes.

use super::{band_pairs, keys_of_band};
use crate::error::Result;
use crate::spill::{DirectWriter, RunReader, Slots, WorkDir, read_direct_records};
use crate::types::Tick;
use bitvec::slice::BitSlice;
use rayon::prelude::*;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Bytes of one band-key entry on disk: key, document (the band is the file's).
const ENTRY: usize = 12;

/// The candidate pairs of `bands` bands of `rows` rows of the active documents' signatures (`k`
/// slots each), sorted and deduplicated: what [`super::candidate_pairs`] gives, within `work`'s
/// budget; `tick` is told the documents keyed and the files sorted.
pub fn candidate_pairs(
    sigs: &Slots,
    k: usize,
    (bands, rows): (usize, usize),
    active: &BitSlice,
    seed: u64,
    work: &Arc<WorkDir>,
    tick: &(dyn Fn(Tick) + Sync),
) -> Result<Vec<(u32, u32)>> {
    if bands == 0 || k == 0 {
        return Ok(Vec::new());
    }
    let budget = work.budget().max(1 << 20);
    let per_band = active.count_ones() * ENTRY;
    // Each thread sorts one file at a time: the files read and their keys (16 bytes each in
    // memory) take under a quarter of the budget. At most 4,096 files in all (each open until
    // the keys are written).
    let threads = rayon::current_num_threads().max(1);
    let max_parts = 1usize << ((1usize << 12) / bands).max(1).ilog2();
    let parts = per_band
        .div_ceil(budget / 8 / threads)
        .next_power_of_two()
        .clamp(1, max_parts);
    let bits = parts.trailing_zeros();
    // The files' write buffers share an eighth of the budget.
    let buffer = (budget / 8 / (parts * bands)).clamp(1 << 12, 1 << 20);
    let mut writers: Vec<DirectWriter> = (0..parts * bands)
        .map(|_| work.create_direct("bands", buffer))
        .collect::<Result<_>>()?;
    let part_of = |key: u64| if bits == 0 { 0 } else { (key >> (64 - bits)) as usize };
    // Documents in blocks whose signatures take a sixteenth of the budget (their keys, and
    // the keys cut into files, as much each).
    let block = (budget / 16 / (k * 4).max(1)).max(1024);
    let n = active.len();
    tick(Tick::Start {
        stage: "LSH: band keys to disk, documents",
        total: n as u64,
    });
    let mut start = 0;
    while start < n {
        let end = (start + block).min(n);
        // Each band's keys of the block, already cut into its files' bytes (in parallel);
        // then one write per file.
        sigs.populate_range(start * k, end * k);
        let parted: Vec<Vec<Vec<u8>>> = (0..bands)
            .into_par_iter()
            .map(|band| {
                let mut out = vec![Vec::new(); parts];
                for (key, doc) in keys_of_band(sigs, k, band, rows, &active[start..end], start, seed) {
                    let bytes: &mut Vec<u8> = &mut out[part_of(key)];
                    bytes.extend_from_slice(&key.to_ne_bytes());
                    bytes.extend_from_slice(&doc.to_ne_bytes());
                }
                out
            })
            .collect();
        sigs.release_range(start * k, end * k);
        for (band, files) in parted.iter().enumerate() {
            for (w, bytes) in writers[band * parts..].iter_mut().zip(files) {
                if !bytes.is_empty() {
                    w.write(bytes)?;
                }
            }
        }
        tick(Tick::Done((end - start) as u64));
        start = end;
    }
    // Each thread takes the next file and makes it a sorted run of its pairs, through buffers
    // it keeps from file to file (each new allocation of this size is paged in afresh).
    tick(Tick::Start {
        stage: "LSH: band keys sorted, files",
        total: writers.len() as u64,
    });
    let files: Vec<PathBuf> = writers.into_iter().map(DirectWriter::finish).collect::<Result<_>>()?;
    let next = AtomicUsize::new(0);
    let runs: Vec<Vec<PathBuf>> = (0..threads.min(files.len()))
        .into_par_iter()
        .map(|_| {
            let (mut keys, mut pairs) = (Vec::new(), Vec::new());
            let mut runs = Vec::new();
            while let Some(path) = files.get(next.fetch_add(1, Ordering::Relaxed)) {
                runs.push(run_of(path, &mut keys, &mut pairs, work)?);
                tick(Tick::Done(1));
            }
            Ok(runs)
        })
        .collect::<Result<_>>()?;
    // The merge's result does not depend on the order of the runs.
    let runs: Vec<PathBuf> = runs.into_iter().flatten().collect();
    merge_runs(&runs, (budget / 8 / runs.len().max(1)).clamp(1 << 12, 1 << 16))
}

/// The sorted, deduplicated pairs of the buckets of one band-key file (removed once read),
/// written as a run; `keys` and `pairs` are scratch space.
fn run_of(path: &Path, keys: &mut Vec<(u64, u32)>, pairs: &mut Vec<u64>, work: &Arc<WorkDir>) -> Result<PathBuf> {
    keys.clear();
    read_direct_records::<ENTRY>(path, 1 << 20, |e| {
        let key = u64::from_ne_bytes(e[..8].try_into().unwrap_or_default());
        let doc = u32::from_ne_bytes(e[8..].try_into().unwrap_or_default());
        keys.push((key, doc));
    })?;
    band_pairs(keys, pairs);
    let mut run = work.create("pairs", 1 << 16)?;
    run.write_u64s(pairs)?;
    run.finish()
}

/// The union of sorted runs of packed pairs, sorted, each pair once.
fn merge_runs(runs: &[std::path::PathBuf], buffer: usize) -> Result<Vec<(u32, u32)>> {
    let mut readers: Vec<RunReader> = runs.iter().map(|p| RunReader::open(p, buffer)).collect::<Result<_>>()?;
    let mut heap = BinaryHeap::with_capacity(readers.len());
    for (i, r) in readers.iter_mut().enumerate() {
        if let Some(b) = r.read_record::<8>()? {
            heap.push(Reverse((u64::from_ne_bytes(b), i)));
        }
    }
    let mut out: Vec<(u32, u32)> = Vec::new();
    let mut last = None;
    while let Some(Reverse((p, i))) = heap.pop() {
        if last != Some(p) {
            out.push(((p >> 32) as u32, p as u32));
            last = Some(p);
        }
        if let Some(b) = readers[i].read_record::<8>()? {
            heap.push(Reverse((u64::from_ne_bytes(b), i)));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use bitvec::prelude::*;
    use proptest::prelude::*;

    fn spilled(sigs: &[u32], budget: usize) -> (Arc<WorkDir>, Slots) {
        let work = WorkDir::new(None, budget).unwrap();
        let mut w = work.create("sigs", 1 << 16).unwrap();
        w.write_u32s(sigs).unwrap();
        let slots = w.into_slots().unwrap();
        (work, slots)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        /// Whatever the number of partitions, the pairs are those of the in-memory banding.
        #[test]
        fn the_pairs_are_the_in_memory_pairs(
            n in 1usize..3000,
            values in 1u32..6,
            off in prop::collection::vec(any::<bool>(), 0..64),
            seed in any::<u64>(),
        ) {
            let (k, bands, rows) = (8, 4, 2);
            // Few distinct slot values: many collisions, some buckets over the full size.
            let sigs: Vec<u32> = (0..n * k).map(|i| ((i as u32).wrapping_mul(2_654_435_761) >> 7) % values).collect();
            let mut active = bitvec![1; n];
            for (i, o) in off.iter().enumerate() {
                active.set(i * 37 % n, !o);
            }
            let want = super::super::candidate_pairs(&sigs, k, bands, rows, &active, seed);
            // A tiny budget (many partitions) and a large one (one partition).
            for budget in [1 << 20, 1 << 30] {
                let (work, slots) = spilled(&sigs, budget);
                let got = candidate_pairs(&slots, k, (bands, rows), &active, seed, &work, &|_| {}).unwrap();
                prop_assert_eq!(&got, &want);
            }
        }
    }

    #[test]
    fn many_partitions_still_find_every_bucket() {
        // 40,000 documents × 4 bands × 16 bytes exceed an eighth of the 1 MiB floor: several
        // partitions; every fourth document is a copy of the one before.
        let (k, n) = (8, 40_000);
        let sigs: Vec<u32> = (0..n * k).map(|i| ((i / k) / 4 * k + i % k) as u32 * 7919).collect();
        let active = bitvec![1; n];
        let want = super::super::candidate_pairs(&sigs, k, 4, 2, &active, 3);
        assert!(!want.is_empty());
        // One thread sorting the files, and three taking them as they come (each with a third
        // of the budget's share: more, smaller files).
        for threads in [1, 3] {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            let (work, slots) = spilled(&sigs, 1 << 20);
            let got = pool.install(|| candidate_pairs(&slots, k, (4, 2), &active, 3, &work, &|_| {}).unwrap());
            assert_eq!(got, want, "{threads} threads");
            assert!(work.spilled_bytes() > (n * 4 * ENTRY) as u64);
        }
    }
}
