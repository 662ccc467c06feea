//! Dictionary pivot: words of many languages mapped to English.
//!
//! In: bilingual dictionaries in dictd format (FreeDict's `freedict-XXX-eng` and, inverted,
//! `freedict-eng-XXX`: an `.index` of `word<TAB>offset<TAB>length` in dictd's base 64 and a
//! gzip or dictzip `.dict.dz`). Out: a [`Lexicon`] that maps a word of language `XXX` to the
//! English words it translates to, and the pivot bag of a document: the stemmed English words
//! of its text with their weights, comparable across languages.
//!
//! Entries are parsed loosely, since the dictionaries differ in layout: a translation line is
//! the first content line after the headword, plus every numbered sense (`2. …`); grammar
//! labels in `()`, `[]` and `<>` are dropped, phrases are split at `,` and `;`, and English
//! function words are left out. A word not found as is is looked up without its ending (the
//! longest prefix of at least 4 letters that is a headword, at most 4 letters shorter) and, in
//! Arabic, without the article and the conjunctions written onto it.
//!
//! The lexicon compiled from the dictionaries is saved as one binary file (`neardup lexicon
//! build`): per language a table of headwords sorted by their bytes, each with the ids of its
//! English pivots, and an open-addressing hash index of the headwords, each slot tagged with
//! part of its headword's hash. A run memory-maps it, so start-up costs no parsing and no
//! hashing (building the indexes of all tables took about 50 ms of every `--cross-lingual`
//! run), and every look-up is one hash and, mostly, one probe, where a binary search of a table
//! of 300,000 words took 18 probes spread over the file. A file written before the index was
//! stored (its header's index offsets are 0) or before it was tagged (version 2) still loads;
//! each of its languages is then indexed on first use.
//! The dictionaries keep their own licences (FreeDict: GPL-2.0+ for most); neither they nor
//! the compiled file are part of the neardup binary.

use crate::error::{Error, Result};
use crate::normalize::normalize_token_into;
use crate::spans::IdKeyed;
use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};
use xxhash_rust::xxh3::xxh3_64;

/// First bytes of a compiled lexicon file.
const MAGIC: &[u8; 8] = b"NDLEX\0\0\x03";

/// First bytes of a lexicon file of the previous version, whose hash indexes hold no tags: it
/// still loads, and each of its languages is indexed on first use.
const MAGIC_V2: &[u8; 8] = b"NDLEX\0\0\x02";

mod build;
pub(crate) mod codes;
pub use build::LexiconBuilder;

/// The pivot id of a stemmed English word.
pub(crate) fn pivot_id(stem: &str) -> u32 {
    xxh3_64(stem.as_bytes()) as u32
}

/// English function words: no evidence of a shared article (see [`is_stop`]).
#[rustfmt::skip]
const STOP: &[&str] = &[
    "a", "about", "an", "and", "are", "as", "at", "be", "been", "but", "by", "can", "do", "etc",
    "for", "from", "had", "has", "have", "he", "her", "his", "i", "if", "in", "into", "is", "it",
    "its", "me", "my", "no", "not", "of", "on", "one", "oneself", "or", "our", "out", "she", "so",
    "some", "someone", "something", "than", "that", "the", "their", "them", "then", "there", "they",
    "this", "to", "up", "us", "was", "we", "were", "what", "when", "which", "who", "will", "with",
    "would", "you", "your",
];

/// A word of at most 16 bytes as one number (its bytes, zero-padded), so that looking it up
/// in a sorted list compares numbers.
fn packed(word: &str) -> Option<u128> {
    let mut b = [0u8; 16];
    b.get_mut(..word.len())?.copy_from_slice(word.as_bytes());
    Some(u128::from_be_bytes(b))
}

/// Whether `word` is one of [`STOP`].
fn is_stop(word: &str) -> bool {
    static PACKED: std::sync::LazyLock<Vec<u128>> = std::sync::LazyLock::new(|| {
        let mut v: Vec<u128> = STOP.iter().filter_map(|w| packed(w)).collect();
        v.sort_unstable();
        v
    });
    packed(word).is_some_and(|p| PACKED.binary_search(&p).is_ok())
}

/// A crude English stemmer (plural and verb endings), applied alike to English text and to the
/// dictionaries' English side; `None` for function words and words shorter than 2 letters.
/// Borrows from `word` except where a letter is added (`parties` → `party`).
pub(crate) fn english_stem(word: &str) -> Option<Cow<'_, str>> {
    if word.len() < 2 || !word.bytes().all(|b| b.is_ascii_lowercase()) || is_stop(word) {
        return None;
    }
    let w = word;
    let s = if w.len() > 4 && w.ends_with("ies") {
        Cow::Owned(format!("{}y", &w[..w.len() - 3]))
    } else if w.ends_with("sses") {
        Cow::Borrowed(&w[..w.len() - 2])
    } else if w.len() > 3 && w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") {
        Cow::Borrowed(&w[..w.len() - 1])
    } else if w.len() > 5 && w.ends_with("ing") {
        Cow::Borrowed(&w[..w.len() - 3])
    } else if w.len() > 4 && w.ends_with("ed") {
        Cow::Borrowed(&w[..w.len() - 2])
    } else {
        Cow::Borrowed(w)
    };
    Some(s)
}

/// Folds a word for lookup: NFKC, case folding, and for Arabic, no vowel marks or tatweel and
/// one form of alef, yeh and teh marbuta.
pub(crate) fn fold_word(lang: &str, word: &str, out: &mut String) {
    normalize_token_into(word, out);
    if lang == "ara" && !out.is_ascii() {
        // In place: marks removed, then letters replaced by others of the same UTF-8 length.
        out.retain(|c| !matches!(c as u32, 0x64B..=0x65F | 0x670 | 0x640));
        for (from, to) in [("أ", "ا"), ("إ", "ا"), ("آ", "ا"), ("ٱ", "ا"), ("ى", "ي"), ("ة", "ه")] {
            while let Some(i) = out.find(from) {
                out.replace_range(i..i + from.len(), to);
            }
        }
    }
}

/// Bytes of a compiled lexicon: memory-mapped from its file, or owned.
#[derive(Debug)]
enum Bytes {
    Mapped(memmap2::Mmap),
    Owned(Vec<u8>),
}

/// How documents of one label are pivoted: English is its own pivot; another language
/// through its table, `Lexicon::langs[i]`.
#[derive(Debug, Clone, Copy)]
enum Served {
    English,
    Table(usize),
}

/// A compiled lexicon, ready for lookups (see the module documentation).
#[derive(Debug)]
pub struct Lexicon {
    bytes: Bytes,
    /// (language, headwords, offset of its table, offset of its hash index or 0), sorted by
    /// language.
    langs: Vec<(String, usize, usize, usize)>,
    /// Per language (as in `langs`) whose file holds no hash index (written before the index
    /// was stored), its index built on first use (see [`Table::index`]).
    indexes: Vec<std::sync::OnceLock<Vec<u8>>>,
}

/// One language's headword table inside a compiled lexicon.
struct Table<'a> {
    b: &'a [u8],
    n: usize,
    at: usize,
    arabic: bool,
    /// The hash index: a power-of-two number of slots of two little-endian u32, each 0 (empty)
    /// or one plus the number of the entry whose headword hashes there (linear probing), then
    /// the high half of that headword's hash (its tag; see [`Table::get`]).
    index: &'a [u8],
}

/// Slots of the hash index of a table of `n` headwords: a power of two, at most three
/// quarters full.
pub(crate) fn index_slots(n: usize) -> usize {
    (n + n / 3 + 1).next_power_of_two()
}

/// Bytes of one slot of a hash index: the entry and its tag.
pub(crate) const SLOT_BYTES: usize = 8;

/// The hash index (see [`Table::index`]) of `n` headwords, `word(i)` the bytes of the `i`-th
/// (`None`: left out), as little-endian (entry, tag) slots. A headword found twice keeps its
/// first entry.
pub(crate) fn hash_index<'w>(n: usize, word: impl Fn(usize) -> Option<&'w [u8]>) -> Vec<u8> {
    let slots = index_slots(n);
    let mut index = vec![(0u32, 0u32); slots];
    for i in 0..n.min(u32::MAX as usize - 1) {
        let Some(w) = word(i) else { continue };
        let h = xxh3_64(w);
        let mut s = h as usize & (slots - 1);
        loop {
            match index[s].0 {
                0 => {
                    index[s] = (i as u32 + 1, (h >> 32) as u32);
                    break;
                }
                e if word(e as usize - 1) == Some(w) => break,
                _ => s = (s + 1) & (slots - 1),
            }
        }
    }
    index
        .iter()
        .flat_map(|&(e, tag)| [e.to_le_bytes(), tag.to_le_bytes()])
        .flatten()
        .collect()
}

impl<'a> Table<'a> {
    /// Entry `i`: its headword's bytes and where its pivots are (`None` if out of the file).
    fn entry(&self, i: usize) -> Option<(&'a [u8], usize, usize)> {
        let (b, at) = (self.b, self.at + 16 * i);
        let (wo, wl, po, pl) = (
            u32_at(b, at)?,
            u32_at(b, at + 4)?,
            u32_at(b, at + 8)?,
            u32_at(b, at + 12)?,
        );
        Some((b.get(wo..wo.checked_add(wl)?)?, po, pl))
    }

    /// The hash index of the table's `n` headwords, built here (see [`hash_index`]). An entry
    /// out of the file is left out.
    fn build_index(&self) -> Vec<u8> {
        hash_index(self.n, |i| self.entry(i).map(|e| e.0))
    }

    /// The pivots of a folded headword.
    ///
    /// A slot whose tag (the high half of the headword's hash; the slot comes from the low
    /// bits) differs from the word's cannot hold it: its entry and headword, each elsewhere in
    /// the file and most often out of the cache, are read only when the tags agree. A word
    /// that is not a headword (most look-ups, with the fallbacks of [`Table::lookup`]) then
    /// costs the few adjacent slots of its run, not a headword read for each.
    fn get(&self, word: &str) -> Option<Pivots<'a>> {
        let slots = self.index.len() / SLOT_BYTES;
        if slots == 0 {
            return None;
        }
        let h = xxh3_64(word.as_bytes());
        let (mut s, tag) = (h as usize & (slots - 1), (h >> 32) as usize);
        // At most every slot once: an index read from a damaged file may have no empty one.
        for _ in 0..slots {
            let e = u32_at(self.index, SLOT_BYTES * s)?;
            if e == 0 {
                return None;
            }
            if u32_at(self.index, SLOT_BYTES * s + 4)? == tag {
                let (w, po, pl) = self.entry(e - 1)?;
                if w == word.as_bytes() {
                    return self.b.get(po..po.checked_add(4 * pl)?).map(Pivots);
                }
            }
            s = (s + 1) & (slots - 1);
        }
        None
    }

    /// [`Table::get`], then without an Arabic article or conjunction, then the longest known
    /// prefix at most 4 letters shorter and at least 4 long.
    fn lookup(&self, word: &str) -> Option<Pivots<'a>> {
        if let Some(v) = self.get(word) {
            return Some(v);
        }
        if self.arabic {
            for prefix in ["وال", "بال", "فال", "كال", "لل", "ال", "و", "ب", "ل", "ف"] {
                if let Some(rest) = word.strip_prefix(prefix)
                    && rest.chars().count() >= 2
                    && let Some(v) = self.get(rest)
                {
                    return Some(v);
                }
            }
        }
        let n = word.chars().count();
        word.char_indices()
            .rev()
            .take(4)
            .enumerate()
            .take_while(|&(k, _)| n - 1 - k >= 4)
            .find_map(|(_, (e, _))| self.get(&word[..e]))
    }
}

/// The English pivot ids of one headword.
#[derive(Debug, Clone, Copy)]
pub struct Pivots<'a>(&'a [u8]);

impl<'a> Pivots<'a> {
    /// How many.
    pub fn len(&self) -> usize {
        self.0.len() / 4
    }
    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// The ids.
    pub fn iter(&self) -> impl Iterator<Item = u32> + 'a {
        self.0
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
    }
}

fn u32_at(b: &[u8], at: usize) -> Option<usize> {
    b.get(at..at + 4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]) as usize)
}

impl Lexicon {
    /// Reads a compiled lexicon file (memory-mapped).
    pub fn load(path: &Path) -> Result<Self> {
        let f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        // SAFETY: the file is opened read-only and is only read; a lexicon rewritten while a run
        // uses it is replaced by rename (neardup lexicon build writes a new file), which leaves
        // this mapping on the old file.
        let map = unsafe { memmap2::Mmap::map(&f) }.map_err(|e| Error::io(path, e))?;
        Self::from_bytes_inner(Bytes::Mapped(map)).map_err(|m| Error::Config(format!("{}: {m}", path.display())))
    }

    /// A lexicon from the bytes of [`LexiconBuilder::to_bytes`].
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self> {
        Self::from_bytes_inner(Bytes::Owned(bytes)).map_err(Error::Config)
    }

    fn from_bytes_inner(bytes: Bytes) -> std::result::Result<Self, String> {
        let b: &[u8] = match &bytes {
            Bytes::Mapped(m) => m,
            Bytes::Owned(v) => v,
        };
        let v2 = b.get(..8) == Some(MAGIC_V2.as_slice());
        if b.get(..8) != Some(MAGIC.as_slice()) && !v2 {
            return Err("not a neardup lexicon (build one with `neardup lexicon build`)".into());
        }
        let n = u32_at(b, 8).ok_or("truncated header")?;
        let mut langs = Vec::with_capacity(n.min(1024));
        for i in 0..n {
            let at = 12 + 16 * i;
            let code = b.get(at..at + 4).ok_or("truncated header")?;
            let code: String = code.iter().take_while(|&&c| c != 0).map(|&c| c as char).collect();
            let words = u32_at(b, at + 4).ok_or("truncated header")?;
            let table = u32_at(b, at + 8).ok_or("truncated header")?;
            if table.checked_add(16 * words).is_none_or(|end| end > b.len()) {
                return Err(format!("table of {code} out of bounds"));
            }
            let index = u32_at(b, at + 12).ok_or("truncated header")?;
            // A version 2 index holds no tags: it is not used (nor checked), and the table is
            // indexed again on first use.
            let index = if v2 { 0 } else { index };
            if index != 0
                && index
                    .checked_add(SLOT_BYTES * index_slots(words))
                    .is_none_or(|end| end > b.len())
            {
                return Err(format!("hash index of {code} out of bounds"));
            }
            langs.push((code, words, table, index));
        }
        let indexes = langs.iter().map(|_| std::sync::OnceLock::new()).collect();
        Ok(Lexicon { bytes, langs, indexes })
    }

    fn data(&self) -> &[u8] {
        match &self.bytes {
            Bytes::Mapped(m) => m,
            Bytes::Owned(v) => v,
        }
    }

    /// Languages covered, sorted.
    pub fn languages(&self) -> Vec<&str> {
        self.langs.iter().map(|l| l.0.as_str()).collect()
    }

    /// Headwords of `lang`.
    pub fn len_of(&self, lang: &str) -> usize {
        self.langs.iter().find(|l| l.0 == lang).map_or(0, |l| l.1)
    }

    /// Whether documents labelled `label` can be pivoted (English always can): see
    /// [`Lexicon::resolve`].
    pub fn covers(&self, label: &str) -> bool {
        self.resolve(label).is_some()
    }

    /// The language whose table serves documents labelled `label` (`"eng"` for English, its
    /// own pivot), if any: the label's ISO 639-3 code, whatever the style of the label
    /// (`fr`, `fra`, `fra-CA`, `fra_Latn`), or else another member of its macrolanguage
    /// (`arb` is served by an `ara` table, `zho` by `cmn`).
    pub fn resolve(&self, label: &str) -> Option<&str> {
        self.served(label).map(|s| match s {
            Served::English => "eng",
            Served::Table(i) => self.langs[i].0.as_str(),
        })
    }

    /// How documents labelled `label` are pivoted (see [`Lexicon::resolve`]).
    fn served(&self, label: &str) -> Option<Served> {
        codes::candidates(label).find_map(|c| match &*c {
            "eng" => Some(Served::English),
            c => self.langs.iter().position(|l| l.0 == c).map(Served::Table),
        })
    }

    /// The headword table serving documents labelled `label`, if any (English has none).
    fn table(&self, label: &str) -> Option<Table<'_>> {
        match self.served(label)? {
            Served::English => None,
            Served::Table(i) => Some(self.table_at(i)),
        }
    }

    /// The headword table of language `i` of `langs`.
    fn table_at(&self, i: usize) -> Table<'_> {
        let (ref lang, n, at, index) = self.langs[i];
        let b = self.data();
        let mut table = Table {
            b,
            n,
            at,
            arabic: lang == "ara",
            index: &[],
        };
        table.index = match index {
            0 => self.indexes[i].get_or_init(|| table.build_index()),
            at => &b[at..at + SLOT_BYTES * index_slots(n)],
        };
        table
    }

    /// The English pivot words of a folded `word` of a document labelled `label` (see
    /// [`Lexicon::resolve`]), with the fallbacks of the module documentation.
    pub fn lookup(&self, label: &str, word: &str) -> Option<Pivots<'_>> {
        self.table(label)?.lookup(word)
    }

    /// The pivot bag of a text labelled `label` (see [`Lexicon::resolve`]): `(pivot id,
    /// weight)` sorted by id, where a word with `k` English translations gives each `1/k`;
    /// empty when no table serves the label. `spans`: the text's token spans
    /// ([`crate::tokenize::token_spans`]) where the caller has them, else they are found here.
    pub(crate) fn pivot_bag(&self, label: &str, text: &str, spans: Option<&[(usize, usize)]>) -> Vec<(u32, f32)> {
        // English is its own pivot; any other language needs its table.
        let (lang, table) = match self.served(label) {
            None => return Vec::new(),
            Some(Served::English) => ("eng", None),
            Some(Served::Table(i)) => (self.langs[i].0.as_str(), Some(self.table_at(i))),
        };
        let mut bag: IdKeyed<f32> = IdKeyed::default();
        let add = |bag: &mut IdKeyed<f32>, english: Pivots<'_>| {
            let w = 1.0 / english.len() as f32;
            for id in english.iter() {
                *bag.entry(id).or_default() += w;
            }
        };
        let mut key = String::new();
        let spans = spans.map_or_else(|| Cow::Owned(crate::tokenize::token_spans(text)), Cow::Borrowed);
        let mut i = 0;
        while i < spans.len() {
            let (s, e) = spans[i];
            // Characters of a script written without spaces (one token each): the longest run
            // of up to 8 adjacent ones that is a headword (greedy longest match).
            let single = text[s..e].chars().nth(1).is_none() && !text[s..e].is_ascii();
            if single && let Some(table) = &table {
                let mut run = i + 1;
                while run < spans.len() && run - i < 8 && spans[run].0 == spans[run - 1].1 {
                    run += 1;
                }
                let found = (i + 1..=run).rev().find_map(|j| {
                    fold_word(lang, &text[s..spans[j - 1].1], &mut key);
                    table.get(&key).filter(|p| !p.is_empty()).map(|p| (j, p))
                });
                match found {
                    Some((j, p)) => {
                        add(&mut bag, p);
                        i = j;
                    }
                    None => i += 1,
                }
                continue;
            }
            i += 1;
            fold_word(lang, &text[s..e], &mut key);
            match &table {
                None => {
                    if let Some(st) = english_stem(&key) {
                        *bag.entry(pivot_id(&st)).or_default() += 1.0;
                    }
                }
                Some(table) => {
                    if let Some(english) = table.lookup(&key).filter(|p| !p.is_empty()) {
                        add(&mut bag, english);
                    }
                }
            }
        }
        let mut v: Vec<(u32, f32)> = bag.into_iter().collect();
        v.sort_unstable_by_key(|e| e.0);
        v
    }
}

/// Where a compiled lexicon is looked for when none is named: `$NEARDUP_LEXICON`, else
/// `$XDG_DATA_HOME/neardup/lexicon.bin`, else `~/.local/share/neardup/lexicon.bin`.
pub fn default_path() -> Option<PathBuf> {
    super::data_file("NEARDUP_LEXICON", "lexicon.bin")
}

/// [`default_path`] when a file is there: the lexicon a run takes unless another is named.
pub fn installed() -> Option<PathBuf> {
    default_path().filter(|p| p.is_file())
}

#[cfg(test)]
mod tests;
