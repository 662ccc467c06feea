//! Boilerplate lines across documents.
//!
//! In: for every document, the hashes of its normalized lines, and a grouping of documents into
//! clusters of near-duplicates. Out: the set of line hashes that occur in at least `min_groups`
//! different groups.
//!
//! This is the paragraph hashing of CCNet (Wenzek et al., "CCNet: Extracting high quality
//! monolingual datasets from web crawl data", LREC 2020): hash each normalized line, count in
//! how many documents it occurs, and treat the frequent ones as boilerplate. Counting once per
//! *cluster* of near-duplicates rather than once per document keeps copies of one article from
//! turning the article's own lines into boilerplate.
//!
//! Threshold: a line is boilerplate when it occurs in at least 3 groups. Two documents sharing a
//! line are as likely to be quoting each other as to share a template; a third unrelated document
//! with the same line is the signature of a template (site chrome, disclaimers, menus, licence
//! headers). CCNet removes every repeated paragraph; 3 is that rule made safe for quotations.
//!
//! A line is identified by its tokens after normalization (`tokenize::line_hash`: the sum of
//! its tokens' hashes, each marked with its place in the line), so case, spacing and
//! punctuation between words do not tell two lines apart; lines without tokens (rules, bullets)
//! are not counted. The tokenizer hashes the lines in the same pass as it hashes the tokens.
//! Cost: O(total lines) hash lookups, 12 bytes per line held (hash and length), half a byte per
//! line for the counting filter (two 2-bit counters a line at the default bar), and a map entry
//! per distinct repeated line.

use super::HashKeyed;
use crate::spill::Stored;
use crate::tokenize::{LineSpan, line_hash};

/// Default minimum number of groups.
pub(crate) const DEFAULT_MIN_GROUPS: u32 = 3;

/// Calls `f(start, end, groups)` for every line of raw (not normalized) `text` that is in
/// `boilerplate`; `start..end` are the line's bytes in `text` (without its newline) and
/// `groups` the number of groups it occurs in. Each line is normalized on its own, so offsets
/// stay those of the original text.
pub(crate) fn for_each_boilerplate_line(
    text: &str,
    seed: u64,
    boilerplate: &HashKeyed<u32>,
    mut f: impl FnMut(usize, usize, u32),
) {
    if boilerplate.is_empty() {
        return;
    }
    let mut norm = String::new();
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', text.as_bytes()).chain(std::iter::once(text.len())) {
        if end < start {
            continue;
        }
        crate::normalize::normalize_into(&text[start..end], &mut norm);
        if let Some(&groups) = line_hash(&norm, seed).and_then(|h| boilerplate.get(&h)) {
            f(start, end, groups);
        }
        start = end + 1;
    }
}

/// The boilerplate lines one document sets aside: those of `lines` (hash → groups, as the
/// boilerplate pass finds them) that are in at least `from` groups.
#[derive(Debug, Clone, Copy)]
pub struct Strip<'a> {
    /// The corpus's boilerplate lines and the number of groups each is in.
    pub lines: &'a HashKeyed<u32>,
    /// The fewest groups a line set aside is in (0, or anything up to the bar a line must pass
    /// to be boilerplate, 3 by default: all of them).
    pub from: u32,
}

impl<'a> Strip<'a> {
    /// The lines document `d` sets aside, given the documents that set aside only their most
    /// widespread lines (`from`: document and fewest groups, by document); every other
    /// document sets aside all of them.
    pub(crate) fn of(lines: &'a HashKeyed<u32>, from: &[(u32, u32)], d: u32) -> Self {
        let from = from.binary_search_by_key(&d, |e| e.0).map_or(0, |i| from[i].1);
        Strip { lines, from }
    }

    /// Whether the line with hash `h` is set aside.
    pub fn drops(&self, h: u64) -> bool {
        self.lines.get(&h).is_some_and(|&g| g >= self.from)
    }
}

/// What a document sets aside of its boilerplate lines ([`set_aside`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SetAside {
    /// Lines in at least this many groups are set aside (0: all its boilerplate lines;
    /// `u32::MAX`: none).
    pub from: u32,
    /// Bytes of the lines set aside.
    pub bytes: u64,
    /// Whether more than four fifths of the text are boilerplate lines.
    pub mostly: bool,
}

/// Which boilerplate lines a document of `text_len` bytes sets aside, from its lines' hashes and
/// bytes (`tiers` is scratch room).
///
/// A document keeps at least a fifth of its text. Below that share of lines of its own, it is
/// not chrome around a body: it is made of lines found elsewhere (a licence, a notice, or an
/// article syndicated by three sites or more, whose lines are then in as many clusters of the
/// first pass as its sites). Such a document sets aside its most widespread lines first, all
/// lines in one number of groups together, as long as a fifth of its text stays: a syndicated
/// copy sets aside its site's chrome (in as many groups as the site has pages) and keeps the
/// article (in as many as it has copies). When even the most widespread lines would leave less
/// than a fifth, it sets aside none and is signed whole.
pub(crate) fn set_aside(
    hashes: &[u64],
    bytes: &[u32],
    found: &HashKeyed<u32>,
    text_len: u64,
    tiers: &mut Vec<(u32, u64)>,
) -> SetAside {
    let keeps_a_fifth = |aside: u64| text_len.saturating_sub(aside) * 5 >= text_len;
    tiers.clear();
    tiers.extend(
        hashes
            .iter()
            .zip(bytes)
            .filter_map(|(h, &b)| found.get(h).map(|&g| (g, b as u64))),
    );
    let bp: u64 = tiers.iter().map(|t| t.1).sum();
    if keeps_a_fifth(bp) {
        return SetAside {
            from: 0,
            bytes: bp,
            mostly: false,
        };
    }
    // Most widespread first; each number of groups is taken whole or not at all.
    tiers.sort_unstable_by_key(|t| std::cmp::Reverse(t.0));
    let (mut from, mut aside, mut taken) = (u32::MAX, 0, 0);
    for (i, &(g, b)) in tiers.iter().enumerate() {
        taken += b;
        let tier_ends = tiers.get(i + 1).is_none_or(|next| next.0 != g);
        if tier_ends {
            if !keeps_a_fifth(taken) {
                break;
            }
            (from, aside) = (g, taken);
        }
    }
    SetAside {
        from,
        bytes: aside,
        mostly: true,
    }
}

/// Documents kept in the parts they were read in (one per chunk of input), in document order:
/// a part is never copied into one big array, so building the store needs no second copy. The
/// lines of every document ([`LineStore`]) and the first pass's tokens are stored so.
#[derive(Debug, Clone)]
pub struct Parts<P> {
    /// The parts that hold documents, in order.
    parts: Vec<P>,
    /// Index of each part's first document.
    first_doc: Vec<u32>,
}

impl<P> Default for Parts<P> {
    fn default() -> Self {
        Parts {
            parts: Vec::new(),
            first_doc: Vec::new(),
        }
    }
}

/// A part of [`Parts`]: a run of consecutive documents.
pub trait Part {
    /// Number of documents in the part.
    fn docs(&self) -> usize;
}

impl<P: Part> Parts<P> {
    /// Appends a part (its documents follow the documents already stored); an empty one is
    /// dropped.
    pub(crate) fn push_part(&mut self, part: P) {
        if part.docs() == 0 {
            return;
        }
        self.first_doc.push(self.docs() as u32);
        self.parts.push(part);
    }

    /// Number of documents.
    pub fn docs(&self) -> usize {
        match (self.first_doc.last(), self.parts.last()) {
            (Some(&first), Some(part)) => first as usize + part.docs(),
            _ => 0,
        }
    }

    /// The part holding document `d` and `d`'s index in it (`None` past the last document).
    pub(crate) fn locate(&self, d: usize) -> Option<(&P, usize)> {
        if d >= self.docs() {
            return None;
        }
        // The last part starting at or before `d` (parts are never empty).
        let p = self.first_doc.partition_point(|&f| f as usize <= d) - 1;
        Some((&self.parts[p], d - self.first_doc[p] as usize))
    }
}

/// The lines of every document (hash and bytes of each line with tokens, in order): in memory,
/// in the parts they were read in; under a memory limit, in files of the work folder, mapped
/// (every line's hash, every line's bytes, each document's end). 12 bytes per line and 4 (in
/// memory) or 8 (in the files) per document.
#[derive(Debug, Default)]
pub struct LineStore {
    parts: Parts<LinePart>,
    mapped: Option<MappedLines>,
}

/// The lines of every document in files of the work folder (see [`LineStore`]).
#[derive(Debug)]
struct MappedLines {
    hashes: Stored<u64>,
    bytes: Stored<u32>,
    /// Per document, one past its last line.
    ends: Stored<u64>,
}

/// The lines of a run of consecutive documents.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LinePart {
    hashes: Vec<u64>,
    bytes: Vec<u32>,
    /// Per document of the part: one past its last line.
    ends: Vec<u32>,
}

impl LinePart {
    /// Reserves room for `lines` more lines.
    pub(crate) fn reserve(&mut self, lines: usize) {
        self.hashes.reserve(lines);
        self.bytes.reserve(lines);
    }

    /// Gives back the room not used.
    pub(crate) fn shrink_to_fit(&mut self) {
        self.hashes.shrink_to_fit();
        self.bytes.shrink_to_fit();
        self.ends.shrink_to_fit();
    }

    /// Adds the next document's lines.
    #[cfg(test)]
    pub(crate) fn push_doc(&mut self, lines: impl IntoIterator<Item = (u64, u32)>) {
        self.push_lines(lines);
        self.end_doc();
    }

    /// Adds lines (each its hash and length in bytes) to the open document.
    pub(crate) fn push_lines(&mut self, lines: impl IntoIterator<Item = (u64, u32)>) {
        for (hash, bytes) in lines {
            self.hashes.push(hash);
            self.bytes.push(bytes);
        }
    }

    /// Adds the lines the tokenizer listed ([`LineSpan`]) to the open document.
    pub(crate) fn push_spans(&mut self, spans: &[LineSpan]) {
        self.push_lines(spans.iter().map(|l| (l.hash, l.bytes)));
    }

    /// Closes the open document: the lines pushed since the last close are its lines.
    pub(crate) fn end_doc(&mut self) {
        self.ends.push(self.hashes.len() as u32);
    }

    /// Number of documents closed.
    pub fn docs(&self) -> usize {
        self.ends.len()
    }

    /// Document `i` of the part: its line hashes and the bytes of each line.
    pub fn doc(&self, i: usize) -> (&[u64], &[u32]) {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        let end = self.ends[i] as usize;
        (&self.hashes[start..end], &self.bytes[start..end])
    }
}

impl Part for LinePart {
    fn docs(&self) -> usize {
        LinePart::docs(self)
    }
}

impl LineStore {
    /// The stores of the documents `lines`, one part each.
    #[cfg(test)]
    pub(crate) fn from_docs(lines: &[Vec<(u64, u32)>]) -> Self {
        let mut store = LineStore::default();
        for l in lines {
            let mut part = LinePart::default();
            part.push_doc(l.iter().copied());
            store.push_part(part);
        }
        store
    }

    /// The lines of every document as written to the work folder's files (see
    /// [`LineWriter`]).
    pub(crate) fn mapped(hashes: Stored<u64>, bytes: Stored<u32>, ends: Stored<u64>) -> Self {
        LineStore {
            parts: Parts::default(),
            mapped: Some(MappedLines { hashes, bytes, ends }),
        }
    }

    /// Appends a part in memory (its documents follow those already stored).
    pub(crate) fn push_part(&mut self, part: LinePart) {
        self.parts.push_part(part);
    }

    /// Number of documents.
    pub fn docs(&self) -> usize {
        match &self.mapped {
            Some(m) => m.ends.len(),
            None => self.parts.docs(),
        }
    }

    /// Whether no document has been stored.
    pub fn is_empty(&self) -> bool {
        self.docs() == 0
    }

    /// Document `d`'s line hashes and the bytes of each line (`d` must be stored).
    pub fn doc(&self, d: usize) -> (&[u64], &[u32]) {
        match &self.mapped {
            Some(m) => {
                let start = if d == 0 { 0 } else { m.ends[d - 1] as usize };
                let end = m.ends[d] as usize;
                // Reads in no order are counted (once for the three files, read together): the
                // mappings' pages are given back every so many once the run's file pages pass
                // half the budget.
                if m.hashes.due(1) {
                    self.release();
                }
                (&m.hashes[start..end], &m.bytes[start..end])
            }
            None => {
                let (part, i) = self.parts.locate(d).expect("a stored document");
                part.doc(i)
            }
        }
    }

    /// Gives back the pages of the files' mapping (after a pass over them).
    pub(crate) fn release(&self) {
        if let Some(m) = &self.mapped {
            m.hashes.release();
            m.bytes.release();
            m.ends.release();
        }
    }

    /// Calls `f` with every line hash, document after document (a mapped file's pages given
    /// back as the pass goes).
    fn for_each_hash(&self, mut f: impl FnMut(u64)) {
        match &self.mapped {
            Some(m) => {
                const BLOCK: usize = 1 << 20;
                for start in (0..m.hashes.len()).step_by(BLOCK) {
                    let end = (start + BLOCK).min(m.hashes.len());
                    m.hashes[start..end].iter().for_each(|&h| f(h));
                    m.hashes.release_range(start, end);
                }
            }
            None => self.parts.parts.iter().flat_map(|p| &p.hashes).for_each(|&h| f(h)),
        }
    }

    /// Number of lines.
    pub fn lines(&self) -> usize {
        match &self.mapped {
            Some(m) => m.hashes.len(),
            None => self.parts.parts.iter().map(|p| p.hashes.len()).sum(),
        }
    }
}

/// The lines of the chunks written to the work folder's files in input order (see
/// [`LineStore::mapped`]).
pub(crate) struct LineWriter {
    /// Every line's hash, every line's bytes, each document's end (counted from the first
    /// line of the corpus).
    files: [crate::spill::RunWriter; 3],
    /// Lines written so far.
    lines: u64,
}

impl LineWriter {
    /// A writer of lines to `files` (hashes, bytes, ends), empty.
    pub(crate) fn new(files: [crate::spill::RunWriter; 3]) -> Self {
        LineWriter { files, lines: 0 }
    }

    /// Appends the next chunk's lines.
    pub(crate) fn write(&mut self, part: &LinePart) -> crate::error::Result<()> {
        let [hashes, bytes, ends] = &mut self.files;
        hashes.write_u64s(&part.hashes)?;
        bytes.write_u32s(&part.bytes)?;
        let base = self.lines;
        let absolute: Vec<u64> = part.ends.iter().map(|&e| base + u64::from(e)).collect();
        ends.write_u64s(&absolute)?;
        self.lines += part.hashes.len() as u64;
        Ok(())
    }

    /// The store of the lines written, mapped.
    pub(crate) fn finish(self) -> crate::error::Result<LineStore> {
        let [hashes, bytes, ends] = self.files;
        Ok(LineStore::mapped(
            hashes.into_store()?,
            bytes.into_store()?,
            ends.into_store()?,
        ))
    }
}

/// Line hashes that occur in at least `min_groups` groups, with the number of groups.
/// `group[d]` is document `d`'s group; a document's lines may repeat.
///
/// Most lines occur once in a corpus. A counting filter (one saturating counter per slot,
/// slot = top bits of the hash, twice as many slots as lines) first keeps only the lines
/// counted at least `min_groups` times; a line in that many groups always is (collisions only
/// add). Only those are counted exactly, once per group, in a map of the distinct lines that
/// passed, so the answer is exact and memory follows the repeated lines, not all lines.
pub fn find(lines: &LineStore, group: &[u32], min_groups: u32) -> HashKeyed<u32> {
    let bits = (lines.lines().max(1) * 2).next_power_of_two().trailing_zeros().max(1);
    let slot = |h: u64| (h >> (64 - bits)) as usize;
    let cap = min_groups.min(u8::MAX as u32) as u8;
    let mut counts = Counters::new(1 << bits, cap);
    lines.for_each_hash(|h| counts.add(slot(h)));
    // Distinct groups per line: documents are visited group by group, so a line's count goes
    // up once per group (when the group differs from the last one it was seen in). Only the
    // lines that passed the filter get an entry.
    let mut order: Vec<u32> = (0..group.len() as u32).collect();
    order.sort_by_key(|&d| (group[d as usize], d));
    let mut seen: HashKeyed<(u32, u32)> = HashKeyed::default();
    for d in order {
        let g = group[d as usize];
        for &h in lines.doc(d as usize).0 {
            if !counts.full(slot(h)) {
                continue;
            }
            let e = seen.entry(h).or_insert((u32::MAX, 0));
            if e.0 != g {
                *e = (g, e.1 + 1);
            }
        }
    }
    seen.into_iter()
        .filter(|&(_, (_, n))| n >= min_groups)
        .map(|(h, (_, n))| (h, n))
        .collect()
}

/// Saturating counters up to `cap`, packed as narrow as `cap` allows (2 bits for the default
/// 3): the counting filter's slots are read and written at random, and a table a quarter the
/// size of one byte a slot stays in the processor's cache (817,000 lines on the 32 MB bench
/// slice: 512 KB in place of 2 MB).
struct Counters {
    words: Vec<u64>,
    /// Log2 of the bits of one counter (1, 2 or 3: 2, 4 or 8 bits) and of the counters a word
    /// holds, so that a slot's place is found by shifts (the slots are visited 817,000 times on
    /// the slice, twice: no division there).
    width_log2: u32,
    per_word_log2: u32,
    cap: u64,
}

impl Counters {
    fn new(slots: usize, cap: u8) -> Self {
        let width_log2 = match cap {
            0..=3 => 1,
            4..=15 => 2,
            _ => 3,
        };
        let per_word_log2 = 6 - width_log2;
        Counters {
            words: vec![0; slots.div_ceil(1 << per_word_log2)],
            width_log2,
            per_word_log2,
            cap: u64::from(cap),
        }
    }

    /// The word and shift of slot `s`, and its count.
    #[inline]
    fn at(&self, s: usize) -> (usize, u32, u64) {
        let w = s >> self.per_word_log2;
        let shift = ((s & ((1 << self.per_word_log2) - 1)) as u32) << self.width_log2;
        let mask = (1u64 << (1 << self.width_log2)) - 1;
        (w, shift, (self.words[w] >> shift) & mask)
    }

    /// Counts one more in slot `s`, up to the cap.
    #[inline]
    fn add(&mut self, s: usize) {
        let (w, shift, count) = self.at(s);
        if count < self.cap {
            self.words[w] += 1 << shift;
        }
    }

    /// Whether slot `s` reached the cap.
    #[inline]
    fn full(&self, s: usize) -> bool {
        self.at(s).2 >= self.cap
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hashes(text: &str) -> Vec<u64> {
        let mut spans = Vec::new();
        crate::tokenize::Shingler::new(5, 5, 1).load_lines(text, &mut spans);
        let mut v: Vec<u64> = spans.iter().map(|l| l.hash).collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    #[test]
    fn lines_in_three_groups_are_boilerplate() {
        let docs = [
            "article one\nshare this\nmenu",
            "article two\nshare this\nmenu",
            "article three\nshare this",
            "article one\nshare this\nmenu", // a copy of doc 0, same group
        ];
        let per_doc: Vec<Vec<(u64, u32)>> = docs
            .iter()
            .map(|d| hashes(d).into_iter().map(|h| (h, 1)).collect())
            .collect();
        let lines = LineStore::from_docs(&per_doc);
        assert_eq!(lines.doc(1).0, hashes(docs[1]));
        let b = find(&lines, &[0, 1, 2, 0], 3);
        assert_eq!(b, [(line_hash("share this", 1).unwrap(), 3)].into_iter().collect());
        // Counted per document instead, the copy would push "menu" and "article one" up.
        let counted_per_doc = find(&lines, &[0, 1, 2, 3], 3);
        assert!(counted_per_doc.contains_key(&line_hash("menu", 1).unwrap()));
    }

    #[test]
    fn boilerplate_lines_of_raw_text_are_found_by_their_words() {
        let set: HashKeyed<u32> = [(line_hash("share this", 1).unwrap(), 3)].into_iter().collect();
        let text = "A b\n  Share   THIS!  \n---\nshare that";
        let mut found = Vec::new();
        for_each_boilerplate_line(text, 1, &set, |s, e, g| found.push((&text[s..e], g)));
        assert_eq!(found, [("  Share   THIS!  ", 3)]);
    }

    #[test]
    fn a_document_keeps_at_least_a_fifth_of_its_text() {
        // Lines 1..=4 are boilerplate in 9, 9, 4 and 3 groups; line 5 is the document's own.
        let found: HashKeyed<u32> = [(1, 9), (2, 9), (3, 4), (4, 3)].into_iter().collect();
        let hashes = [1, 2, 3, 4, 5];
        let mut tiers = Vec::new();
        let mut aside = |bytes: [u32; 5], text_len: u64| set_aside(&hashes, &bytes, &found, text_len, &mut tiers);
        // Chrome around a body: every boilerplate line goes.
        let chrome = aside([10, 10, 10, 10, 60], 100);
        assert_eq!(
            chrome,
            SetAside {
                from: 0,
                bytes: 40,
                mostly: false
            }
        );
        // Made of boilerplate (90%): the widest lines go first, the 9-group tier whole; the
        // 4-group one would leave less than a fifth (15 bytes): the 9-group tier goes alone.
        let syndicated = aside([30, 20, 35, 5, 10], 100);
        assert_eq!(
            syndicated,
            SetAside {
                from: 9,
                bytes: 50,
                mostly: true
            }
        );
        // Then the 4-group tier too, when a fifth (20 bytes) stays.
        let licence = aside([20, 20, 40, 10, 10], 100);
        assert_eq!(
            licence,
            SetAside {
                from: 4,
                bytes: 80,
                mostly: true
            }
        );
        // Even the widest tier would leave less than a fifth: nothing is set aside.
        let notice = aside([45, 45, 0, 0, 10], 100);
        assert_eq!(
            notice,
            SetAside {
                from: u32::MAX,
                bytes: 0,
                mostly: true
            }
        );
        // No boilerplate at all.
        let none = set_aside(&[5], &[10], &found, 10, &mut tiers);
        assert_eq!(
            none,
            SetAside {
                from: 0,
                bytes: 0,
                mostly: false
            }
        );
    }

    #[test]
    fn a_strip_drops_the_lines_in_enough_groups() {
        let found: HashKeyed<u32> = [(1, 9), (3, 4)].into_iter().collect();
        let widest = Strip::of(&found, &[(7, 5)], 7);
        assert!(widest.drops(1) && !widest.drops(3) && !widest.drops(2));
        let all = Strip::of(&found, &[(7, 5)], 8);
        assert!(all.drops(1) && all.drops(3) && !all.drops(2));
    }

    #[test]
    fn packed_counters_saturate_at_the_cap_without_touching_their_neighbours() {
        for cap in [0u8, 1, 2, 3, 4, 15, 16, 255] {
            let mut c = Counters::new(100, cap);
            for s in 0..100 {
                for _ in 0..s % 20 {
                    c.add(s);
                }
            }
            for s in 0..100 {
                assert_eq!(c.full(s), (s % 20) as u64 >= u64::from(cap), "cap {cap} slot {s}");
            }
        }
    }
}
