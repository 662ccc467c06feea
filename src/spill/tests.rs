//! Tests of the work folder's stores and files.

use super::*;

#[test]
fn reading_ahead_leaves_the_records_as_they_are() {
    let work = WorkDir::new(None, 1 << 20).unwrap();
    let mut w = work.create("sigs", 1 << 16).unwrap();
    // 3,000 groups of 128 slots: 1.5 MB, 375 pages.
    let values: Vec<u32> = (0..3_000u32 * 128).map(|i| i.wrapping_mul(2_654_435_761)).collect();
    w.write_u32s(&values).unwrap();
    let slots = w.into_slots().unwrap();
    // Dense (the whole span asked for), sparse (page ranges, neighbours merged), none,
    // one, the last group, and groups past the end of the file.
    let sparse: Vec<u32> = (0..3_000).step_by(97).collect();
    for groups in [
        &(0..3_000).collect::<Vec<u32>>()[..],
        &sparse,
        &[],
        &[5],
        &[2_999],
        &[2_998, 2_999, 5_000],
    ] {
        slots.read_ahead(groups, 128);
        assert_eq!(&slots[..], &values[..]);
    }
    // In memory it does nothing.
    let memory: Slots = values.clone().into();
    memory.read_ahead(&[0, 1], 128);
    assert_eq!(&memory[..], &values[..]);
}

#[test]
fn slots_written_then_mapped_read_back_and_survive_release() {
    let work = WorkDir::new(None, 1 << 20).unwrap();
    let mut w = work.create("sigs", 1 << 16).unwrap();
    let values: Vec<u32> = (0..10_000u32).map(|i| i.wrapping_mul(2_654_435_761)).collect();
    w.write_u32s(&values).unwrap();
    assert_eq!(work.spilled_bytes(), 40_000);
    let mut slots = w.into_slots().unwrap();
    assert!(slots.is_mapped());
    assert_eq!(&slots[..], &values[..]);
    slots[7] = 42;
    slots.release();
    slots.touch(1 << 20);
    assert_eq!(slots[7], 42);
    assert_eq!(&slots[8..], &values[8..]);
}

#[test]
fn runs_read_back_in_order_and_a_truncated_record_is_an_error() {
    let work = WorkDir::new(None, 1 << 20).unwrap();
    let mut w = work.create("run", 1 << 16).unwrap();
    w.write_u64s(&[1, 2, 3]).unwrap();
    w.write(&[9]).unwrap();
    let path = w.finish().unwrap();
    let mut r = RunReader::open(&path, 1 << 16).unwrap();
    for want in 1..=3u64 {
        assert_eq!(r.read_record::<8>().unwrap().map(u64::from_ne_bytes), Some(want));
    }
    assert!(r.read_record::<8>().is_err());
    let dir = work.path().to_path_buf();
    drop(work);
    assert!(!dir.exists(), "the work folder is removed with the run");
}

proptest::proptest! {
    /// Records written in pieces of any size come back whole and in order through a
    /// reading buffer of any size, cut anywhere by its reads; a file ending inside a
    /// record is an error. On the system's temporary folder (direct where the file
    /// system allows it: tmpfs does not, and the plain path is taken).
    #[test]
    fn direct_records_come_back_whole(
        n in 0usize..2000,
        piece in 1usize..5000,
        buffer in 1usize..20_000,
        tail in 0usize..12,
    ) {
        let work = WorkDir::new(None, 1 << 20).unwrap();
        let mut w = work.create_direct("run", piece * 3).unwrap();
        let bytes: Vec<u8> = (0..n * 12 + tail).map(|i| (i * 7 % 251) as u8).collect();
        for chunk in bytes.chunks(piece) {
            w.write(chunk).unwrap();
        }
        let path = w.finish().unwrap();
        proptest::prop_assert_eq!(std::fs::metadata(&path).unwrap().len(), bytes.len() as u64);
        let mut got = Vec::new();
        let r = read_direct_records::<12>(&path, buffer, |e| got.extend_from_slice(e));
        proptest::prop_assert_eq!(r.is_err(), tail > 0);
        proptest::prop_assert_eq!(&got[..], &bytes[..n * 12]);
        proptest::prop_assert!(!path.exists());
    }
}

/// A full disk is an error naming the file (`/dev/full` fails every write with ENOSPC).
#[test]
#[cfg(target_os = "linux")]
fn a_full_disk_is_an_error_naming_the_file() {
    let full = File::options().write(true).open("/dev/full").unwrap();
    let work = WorkDir::new(None, 1 << 20).unwrap();
    let mut w = RunWriter {
        out: BufWriter::with_capacity(16, full),
        path: PathBuf::from("/dev/full"),
        written: 0,
        work,
    };
    let e = w
        .write_u64s(&[1, 2, 3, 4])
        .and_then(|()| w.finish().map(drop))
        .unwrap_err();
    let Error::Io { path, source } = e else {
        panic!("not an I/O error: {e}");
    };
    assert_eq!(path, Path::new("/dev/full"));
    assert_eq!(source.raw_os_error(), Some(28), "{source}");
}

#[test]
fn an_empty_file_is_empty_slots() {
    let work = WorkDir::new(None, 1 << 20).unwrap();
    let slots = work.create("none", 1 << 16).unwrap().into_slots().unwrap();
    assert!(slots.is_empty() && !slots.is_mapped());
}
