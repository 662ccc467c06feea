use super::*;

/// A configuration of 8 slots in 4 bands of 2 rows.
fn config() -> Config {
    Config::builder().num_perm(8).bands(4).rows(2).build().unwrap()
}

/// Three documents: 0 and 2 share their first band, 1 shares nothing; 2 is an exact copy of 1's key.
fn data(ids: &[String]) -> (Vec<u32>, Vec<u64>, Vec<u64>, Vec<u64>) {
    let sigs = vec![1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 9, 9, 9, 9, 9, 1, 2, 0, 0, 0, 0, 0, 0];
    assert_eq!(ids.len(), 3);
    (sigs, vec![10, 11, 11], vec![100, 200, 300], vec![5, 5, 0])
}

/// The segment of those columns.
fn segment<'a>(
    sigs: &'a [u32],
    exact: &'a [u64],
    lens: &'a [u64],
    shingles: &'a [u64],
    ids: &'a [String],
    windows: &'a [(u64, u32)],
) -> SegmentData<'a> {
    SegmentData {
        sigs,
        exact,
        lens,
        shingles,
        ids,
        windows,
    }
}

#[test]
fn an_index_reads_back_what_was_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("idx");
    let ids: Vec<String> = ["a", "b\u{e9}", "c"].iter().map(|s| s.to_string()).collect();
    let (sigs, exact, lens, shingles) = data(&ids);
    let c = config();
    let seg = segment(&sigs, &exact, &lens, &shingles, &ids, &[(5, 2), (9, 0), (9, 1)]);
    build(&path, &seg, &c, true).unwrap();
    // A second build into the same folder is refused; an add appends.
    assert!(build(&path, &seg, &c, true).is_err());
    add(&path, &seg, &c).unwrap();
    let index = ReferenceIndex::open(&path, &c).unwrap();
    assert_eq!(index.len(), 6);
    for g in 0..6u64 {
        let d = (g % 3) as usize;
        let mut sig = Vec::new();
        index.signature(g, &mut sig);
        assert_eq!(sig, sigs[d * 8..d * 8 + 8]);
        assert_eq!(index.doc(g), (exact[d], lens[d], shingles[d]));
        assert_eq!(index.id(g), ids[d]);
    }
    // Document 0's band keys find document 0 of each segment (document 2 has no shingles,
    // so no band keys); exact key 11 finds documents 1 and 2 of each.
    let keys: Vec<u64> = all_band_keys(&sigs[..8], &[5], &c).into_iter().map(|e| e.0).collect();
    assert_eq!(index.matching(&keys, &[]), [0, 3]);
    assert_eq!(index.matching(&[], &[11]), [1, 2, 4, 5]);
    assert!(index.matching(&[7], &[12]).is_empty());
    // Windows: the first document holding one of the keys, over both segments.
    assert!(index.has_windows());
    assert_eq!(index.window_hit(&[5]), Some(2));
    assert_eq!(index.window_hit(&[1, 9]), Some(0));
    assert_eq!(index.window_hit(&[4, 6]), None);
}

#[test]
fn other_settings_and_damaged_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
    let (sigs, exact, lens, shingles) = data(&ids);
    let seg = segment(&sigs, &exact, &lens, &shingles, &ids, &[]);
    build(dir.path(), &seg, &config(), false).unwrap();
    let other = Config::builder().num_perm(8).bands(4).rows(2).seed(7).build().unwrap();
    let e = ReferenceIndex::open(dir.path(), &other).err().unwrap().to_string();
    assert!(e.contains("seed"), "{e}");
    // A truncated segment is named, not read past its end.
    let seg_path = dir.path().join("seg-000000.bin");
    let bytes = std::fs::read(&seg_path).unwrap();
    std::fs::write(&seg_path, &bytes[..bytes.len() - 1]).unwrap();
    let e = ReferenceIndex::open(dir.path(), &config()).err().unwrap().to_string();
    assert!(e.contains("seg-000000.bin"), "{e}");
    // Damaged tables: a document number past the segment is not followed, id offsets out of
    // order are refused; neither panics.
    std::fs::write(&seg_path, &bytes).unwrap();
    let index = ReferenceIndex::open(dir.path(), &config()).unwrap();
    assert_eq!(index.matching(&[], &[10]), [0]);
    drop(index);
    let exact_table = bytes.len() - 4 * 8 - 3 - 3 * ENTRY;
    let mut damaged = bytes.clone();
    damaged[exact_table + 8..exact_table + 12].copy_from_slice(&99u32.to_le_bytes());
    std::fs::write(&seg_path, &damaged).unwrap();
    let reopened = ReferenceIndex::open(dir.path(), &config()).unwrap();
    // (Files are never rewritten in place: an index changes by new segments and a new manifest.)
    assert!(reopened.matching(&[], &[10]).is_empty());
    let mut damaged = bytes.clone();
    let offsets = bytes.len() - 4 * 8 - 3;
    damaged[offsets + 8..offsets + 16].copy_from_slice(&7u64.to_le_bytes());
    std::fs::write(&seg_path, &damaged).unwrap();
    let e = ReferenceIndex::open(dir.path(), &config()).err().unwrap().to_string();
    assert!(e.contains("id offsets"), "{e}");
    // A header whose id byte count is near 2^64 is refused as a length mismatch; the bound is
    // computed without overflow (a fuzzer's find: `HEADER + 8 + id_bytes` overflowed).
    let mut damaged = bytes.clone();
    damaged[40..48].copy_from_slice(&(u64::MAX - 16).to_le_bytes());
    std::fs::write(&seg_path, &damaged).unwrap();
    let e = ReferenceIndex::open(dir.path(), &config()).err().unwrap().to_string();
    assert!(e.contains("segment length"), "{e}");
    // A folder without a manifest is no index.
    assert!(ReferenceIndex::open(&dir.path().join("none"), &config()).is_err());
}
