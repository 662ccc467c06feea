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
//! English pivots. A run memory-maps it and binary-searches the tables, so start-up costs no
//! parsing and no hashing of the word lists, and only the pages a corpus touches are read.
//! The dictionaries keep their own licences (FreeDict: GPL-2.0+ for most); neither they nor
//! the compiled file are part of the neardup binary.

use crate::error::{Error, Result};
use crate::normalize::normalize_into;
use std::collections::HashMap;
use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};
use xxhash_rust::xxh3::xxh3_64;

/// First bytes of a compiled lexicon file.
const MAGIC: &[u8; 8] = b"NDLEX\0\0\x02";

/// Words of several languages mapped to English pivot words, as read from dictionaries.
#[derive(Debug, Clone, Default)]
pub struct LexiconBuilder {
    /// language (ISO 639-3) → folded word → English pivot words (stemmed).
    maps: HashMap<String, HashMap<String, Vec<String>>>,
}

/// The pivot id of a stemmed English word.
pub fn pivot_id(stem: &str) -> u32 {
    xxh3_64(stem.as_bytes()) as u32
}

/// English function words: no evidence of a shared article.
const STOP: &[&str] = &[
    "a",
    "about",
    "an",
    "and",
    "are",
    "as",
    "at",
    "be",
    "been",
    "but",
    "by",
    "can",
    "do",
    "for",
    "from",
    "had",
    "has",
    "have",
    "he",
    "her",
    "his",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "me",
    "my",
    "no",
    "not",
    "of",
    "on",
    "one",
    "or",
    "our",
    "out",
    "she",
    "so",
    "some",
    "than",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "they",
    "this",
    "to",
    "up",
    "us",
    "was",
    "we",
    "were",
    "what",
    "when",
    "which",
    "who",
    "will",
    "with",
    "would",
    "you",
    "your",
    "something",
    "someone",
    "oneself",
    "etc",
];

/// A crude English stemmer (plural and verb endings), applied alike to English text and to the
/// dictionaries' English side; `None` for function words and words shorter than 2 letters.
pub fn english_stem(word: &str) -> Option<String> {
    if word.len() < 2 || STOP.contains(&word) || !word.bytes().all(|b| b.is_ascii_lowercase()) {
        return None;
    }
    let w = word;
    let s = if w.len() > 4 && w.ends_with("ies") {
        format!("{}y", &w[..w.len() - 3])
    } else if w.ends_with("sses") {
        w[..w.len() - 2].to_string()
    } else if w.len() > 3 && w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") {
        w[..w.len() - 1].to_string()
    } else if w.len() > 5 && w.ends_with("ing") {
        w[..w.len() - 3].to_string()
    } else if w.len() > 4 && w.ends_with("ed") {
        w[..w.len() - 2].to_string()
    } else {
        w.to_string()
    };
    Some(s)
}

/// The language a dictionary is looked up by for a label: the label up to its first `-` or `_`
/// (`por-BR` and `por_Latn` use the `por` tables), lowercased ISO 639-3 codes as whatlang
/// and most corpora write them.
pub fn base_language(label: &str) -> &str {
    label.split(['-', '_']).next().unwrap_or(label)
}

/// Folds a word for lookup: NFKC, case folding, and for Arabic, no vowel marks or tatweel and
/// one form of alef, yeh and teh marbuta.
pub fn fold_word(lang: &str, word: &str, out: &mut String) {
    normalize_into(word, out);
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

/// The value of a dictd base-64 number.
fn b64(s: &str) -> Option<usize> {
    let mut v = 0usize;
    for b in s.bytes() {
        let d = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        v = v.checked_mul(64)?.checked_add(d as usize)?;
    }
    Some(v)
}

/// Removes `(…)`, `[…]`, `<…>` and `{…}` groups.
fn strip_labels(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut depth = 0usize;
    for c in line.chars() {
        match c {
            '(' | '[' | '<' | '{' => depth += 1,
            ')' | ']' | '>' | '}' => depth = depth.saturating_sub(1),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The translation lines of one dictd entry (its first line, the headword, left out).
fn translation_lines(entry: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut first = true;
    for raw in entry.lines().skip(1) {
        let t = raw.trim();
        if t.is_empty()
            || t.starts_with('"')
            || t.starts_with("Note:")
            || t.starts_with("see:")
            || t.starts_with("Synonym")
        {
            continue;
        }
        // A numbered sense: "2. word, word".
        let numbered = t
            .split_once(". ")
            .filter(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        let body = match numbered {
            Some((_, rest)) => rest,
            None if first => t,
            None => continue,
        };
        let body = strip_labels(body);
        if body.trim().is_empty() {
            continue;
        }
        first = false;
        out.push(body);
    }
    out
}

/// Phrases of a translation line (split at `,` and `;`), trimmed.
fn phrases(line: &str) -> impl Iterator<Item = &str> {
    line.split([',', ';']).map(str::trim).filter(|p| !p.is_empty())
}

/// Stemmed English content words of a phrase (at most 2).
fn english_words(phrase: &str) -> Vec<String> {
    phrase
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
        .filter_map(|w| english_stem(&w.to_ascii_lowercase()))
        .take(2)
        .collect()
}

/// Most English words kept per headword.
const MAX_PIVOTS: usize = 6;

/// The gzip (or dictzip) stream `r` of the file `path`, decompressed.
fn gunzip(path: &Path, r: impl Read) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(r)
        .read_to_end(&mut out)
        .map_err(|e| Error::io(path, e))?;
    Ok(out)
}

impl LexiconBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Languages covered, sorted.
    pub fn languages(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.maps.keys().map(String::as_str).collect();
        v.sort_unstable();
        v
    }

    /// Headwords of `lang`.
    pub fn len_of(&self, lang: &str) -> usize {
        self.maps.get(lang).map_or(0, HashMap::len)
    }

    /// Whether no language is covered.
    pub fn is_empty(&self) -> bool {
        self.maps.is_empty()
    }

    fn add(&mut self, lang: &str, word: &str, english: Vec<String>) {
        if english.is_empty() || word.is_empty() || word.contains(' ') {
            return;
        }
        let e = self
            .maps
            .entry(lang.to_string())
            .or_default()
            .entry(word.to_string())
            .or_default();
        for w in english {
            if e.len() < MAX_PIVOTS && !e.contains(&w) {
                e.push(w);
            }
        }
    }

    /// Reads every FreeDict dictionary with English on one side found in `dir`
    /// (`freedict-XXX-eng.index` and `freedict-eng-XXX.index`, each with its `.dict.dz`).
    pub fn from_dictd_dir(dir: &Path) -> Result<Self> {
        let mut lex = LexiconBuilder::new();
        let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| Error::io(dir, e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "index"))
            .collect();
        names.sort();
        for index in names {
            let stem = index.file_stem().and_then(|s| s.to_str()).unwrap_or("");
            let Some(pair) = stem.strip_prefix("freedict-") else {
                continue;
            };
            let Some((src, dst)) = pair.split_once('-') else {
                continue;
            };
            let dict = index.with_extension("dict.dz");
            if !dict.exists() {
                continue;
            }
            match (src, dst) {
                ("eng", "eng") => {}
                (src, "eng") => lex.read_dictd(&index, &dict, src, false)?,
                ("eng", dst) => lex.read_dictd(&index, &dict, dst, true)?,
                _ => {}
            }
        }
        Ok(lex)
    }

    /// Reads one dictd dictionary: `lang`→English, or English→`lang` when `inverted`.
    pub fn read_dictd(&mut self, index: &Path, dict: &Path, lang: &str, inverted: bool) -> Result<()> {
        let raw = gunzip(dict, std::fs::File::open(dict).map_err(|e| Error::io(dict, e))?)?;
        let idx = std::fs::File::open(index).map_err(|e| Error::io(index, e))?;
        let mut key = String::new();
        for (n, line) in std::io::BufReader::new(idx).lines().enumerate() {
            let line = line.map_err(|e| Error::io(index, e))?;
            let mut f = line.split('\t');
            let (Some(head), Some(off), Some(len)) = (f.next(), f.next(), f.next()) else {
                return Err(Error::Config(format!(
                    "{}:{}: not a dictd index line",
                    index.display(),
                    n + 1
                )));
            };
            if head.starts_with("00database") || head.starts_with("00-database") {
                continue;
            }
            let (Some(off), Some(len)) = (b64(off), b64(len)) else {
                return Err(Error::Config(format!(
                    "{}:{}: bad offset or length",
                    index.display(),
                    n + 1
                )));
            };
            let Some(entry) = raw.get(off..off + len).and_then(|b| std::str::from_utf8(b).ok()) else {
                continue;
            };
            let lines = translation_lines(entry);
            if inverted {
                let Some(english) = english_stem(&head.to_lowercase()).filter(|_| !head.contains(' ')) else {
                    continue;
                };
                for l in &lines {
                    for p in phrases(l) {
                        let p = p.replace('~', " ");
                        fold_word(lang, p.trim(), &mut key);
                        self.add(lang, &key, vec![english.clone()]);
                    }
                }
            } else {
                fold_word(lang, head, &mut key);
                let english: Vec<String> = lines
                    .iter()
                    .flat_map(|l| phrases(l).flat_map(english_words).collect::<Vec<_>>())
                    .collect();
                self.add(lang, &key, english);
            }
        }
        Ok(())
    }

    /// Reads CC-CEDICT (Chinese → English; lines `traditional simplified [pinyin] /gloss/…/`,
    /// plain or gzip): both forms of each headword become words of `cmn`. Glosses that only
    /// point elsewhere (`variant of …`, `see …`, `CL:…`) and surnames are left out.
    pub fn read_cedict(&mut self, path: &Path) -> Result<()> {
        let mut raw = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        if raw.starts_with(&[0x1f, 0x8b]) {
            raw = gunzip(path, &raw[..])?;
        }
        let text = String::from_utf8_lossy(&raw);
        let mut key = String::new();
        let before = self.len_of("cmn");
        for line in text.lines() {
            if line.starts_with('#') {
                continue;
            }
            let Some((heads, rest)) = line.split_once(" [") else {
                continue;
            };
            let Some((_, glosses)) = rest.split_once("] /") else {
                continue;
            };
            let english: Vec<String> = glosses
                .split('/')
                .map(str::trim)
                .filter(|g| {
                    !g.is_empty()
                        && ![
                            "variant of",
                            "old variant of",
                            "see ",
                            "see also",
                            "CL:",
                            "surname ",
                            "abbr. for",
                        ]
                        .iter()
                        .any(|p| g.starts_with(p))
                })
                .flat_map(|g| phrases(&strip_labels(g)).flat_map(english_words).collect::<Vec<_>>())
                .collect();
            for h in heads.split(' ') {
                fold_word("cmn", h, &mut key);
                self.add("cmn", &key, english.clone());
            }
        }
        if self.len_of("cmn") == before {
            return Err(Error::Config(format!("{}: no CC-CEDICT entry found", path.display())));
        }
        Ok(())
    }

    /// The compiled lexicon file: header, per-language tables, headword bytes, pivot ids (all
    /// numbers little-endian u32).
    pub fn to_bytes(&self) -> Vec<u8> {
        let langs = self.languages();
        let sorted: Vec<Vec<(&String, Vec<u32>)>> = langs
            .iter()
            .map(|l| {
                let mut v: Vec<(&String, Vec<u32>)> = self.maps[*l]
                    .iter()
                    .map(|(w, e)| (w, e.iter().map(|x| pivot_id(x)).collect()))
                    .collect();
                v.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
                v
            })
            .collect();
        let mut off = 12 + 16 * langs.len();
        let mut tables = Vec::new();
        for v in &sorted {
            tables.push(off);
            off += 16 * v.len();
        }
        let words_start = off;
        let words_len: usize = sorted.iter().flatten().map(|e| e.0.len()).sum();
        let pivots_start = (words_start + words_len).next_multiple_of(4);
        let mut out = Vec::with_capacity(pivots_start + 4 * sorted.iter().flatten().map(|e| e.1.len()).sum::<usize>());
        let put = |out: &mut Vec<u8>, v: usize| out.extend_from_slice(&(v as u32).to_le_bytes());
        out.extend_from_slice(MAGIC);
        put(&mut out, langs.len());
        for (i, l) in langs.iter().enumerate() {
            let mut code = [0u8; 4];
            for (c, b) in code.iter_mut().zip(l.bytes()) {
                *c = b;
            }
            out.extend_from_slice(&code);
            put(&mut out, sorted[i].len());
            put(&mut out, tables[i]);
            put(&mut out, 0);
        }
        let (mut w, mut p) = (words_start, pivots_start);
        for v in &sorted {
            for (word, ids) in v {
                put(&mut out, w);
                put(&mut out, word.len());
                put(&mut out, p);
                put(&mut out, ids.len());
                w += word.len();
                p += 4 * ids.len();
            }
        }
        for (word, _) in sorted.iter().flatten() {
            out.extend_from_slice(word.as_bytes());
        }
        out.resize(pivots_start, 0);
        for (_, ids) in sorted.iter().flatten() {
            for &id in ids {
                out.extend_from_slice(&id.to_le_bytes());
            }
        }
        out
    }
}

/// Bytes of a compiled lexicon: memory-mapped from its file, or owned.
#[derive(Debug)]
enum Bytes {
    Mapped(memmap2::Mmap),
    Owned(Vec<u8>),
}

/// A compiled lexicon, ready for lookups (see the module documentation).
#[derive(Debug)]
pub struct Lexicon {
    bytes: Bytes,
    /// (language, headwords, offset of its table), sorted by language.
    langs: Vec<(String, usize, usize)>,
}

/// One language's headword table inside a compiled lexicon.
struct Table<'a> {
    b: &'a [u8],
    n: usize,
    at: usize,
    arabic: bool,
}

impl<'a> Table<'a> {
    /// The pivots of a folded headword, by binary search.
    fn get(&self, word: &str) -> Option<Pivots<'a>> {
        let b = self.b;
        let entry = |i: usize| -> Option<(&[u8], usize, usize)> {
            let at = self.at + 16 * i;
            let (wo, wl, po, pl) = (
                u32_at(b, at)?,
                u32_at(b, at + 4)?,
                u32_at(b, at + 8)?,
                u32_at(b, at + 12)?,
            );
            Some((b.get(wo..wo + wl)?, po, pl))
        };
        let (mut lo, mut hi) = (0, self.n);
        while lo < hi {
            let mid = (lo + hi) / 2;
            let (w, po, pl) = entry(mid)?;
            match w.cmp(word.as_bytes()) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return b.get(po..po + 4 * pl).map(Pivots),
            }
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
        if b.get(..8) != Some(MAGIC.as_slice()) {
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
            langs.push((code, words, table));
        }
        Ok(Lexicon { bytes, langs })
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

    /// Whether `lang` can be pivoted (English always can).
    pub fn covers(&self, lang: &str) -> bool {
        lang == "eng" || self.langs.iter().any(|l| l.0 == lang)
    }

    /// The headword table of `lang`, if covered.
    fn table(&self, lang: &str) -> Option<Table<'_>> {
        let &(_, n, at) = self.langs.iter().find(|l| l.0 == lang)?;
        Some(Table {
            b: self.data(),
            n,
            at,
            arabic: lang == "ara",
        })
    }

    /// The English pivot words of a folded `word` of `lang`, with the fallbacks of the module
    /// documentation.
    pub fn lookup(&self, lang: &str, word: &str) -> Option<Pivots<'_>> {
        self.table(lang)?.lookup(word)
    }

    /// The pivot bag of a text in `lang`: `(pivot id, weight)` sorted by id, where a word with
    /// `k` English translations gives each `1/k`; empty when `lang` is not covered.
    pub fn pivot_bag(&self, lang: &str, text: &str) -> Vec<(u32, f32)> {
        // English is its own pivot; any other language needs its table.
        let table = if lang == "eng" {
            None
        } else {
            match self.table(lang) {
                Some(t) => Some(t),
                None => return Vec::new(),
            }
        };
        let mut bag: HashMap<u32, f32> = HashMap::new();
        let add = |bag: &mut HashMap<u32, f32>, english: Pivots<'_>| {
            let w = 1.0 / english.len() as f32;
            for id in english.iter() {
                *bag.entry(id).or_default() += w;
            }
        };
        let mut key = String::new();
        let spans = crate::tokenize::token_spans(text);
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
    if let Some(p) = std::env::var_os("NEARDUP_LEXICON") {
        return Some(PathBuf::from(p));
    }
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))?;
    Some(base.join("neardup/lexicon.bin"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_dictd(dir: &Path, name: &str, entries: &[(&str, &str)]) {
        use std::io::Write;
        // The body: entries one after the other; the index: base-64 offsets and lengths.
        let mut body = String::new();
        let mut index = String::new();
        let enc = |mut v: usize| {
            const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
            let mut s = Vec::new();
            loop {
                s.push(A[v % 64]);
                v /= 64;
                if v == 0 {
                    break;
                }
            }
            s.reverse();
            String::from_utf8(s).unwrap()
        };
        for (head, text) in entries {
            let start = body.len();
            body.push_str(text);
            index.push_str(&format!("{head}\t{}\t{}\n", enc(start), enc(text.len())));
        }
        std::fs::write(dir.join(format!("{name}.index")), index).unwrap();
        let f = std::fs::File::create(dir.join(format!("{name}.dict.dz"))).unwrap();
        let mut gz = flate2::write::GzEncoder::new(f, flate2::Compression::default());
        gz.write_all(body.as_bytes()).unwrap();
        gz.finish().unwrap();
    }

    #[test]
    fn dictd_both_directions_and_the_compiled_file() {
        let dir = tempfile::tempdir().unwrap();
        write_dictd(
            dir.path(),
            "freedict-fra-eng",
            &[
                ("00databaseinfo", "00databaseinfo\nabout this dictionary\n"),
                ("élection", "élection /elɛksjɔ̃/ <n>\n1. election\n2. choice, poll\n"),
                ("sénatrice", "sénatrice <n>\n(politique) senator\nune femme au sénat\n"),
            ],
        );
        write_dictd(
            dir.path(),
            "freedict-eng-ind",
            &[(
                "president",
                "president /ˈprɛzɪdənt/ <n>\npresiden, kepala negara\nhead of a state\n",
            )],
        );
        let built = LexiconBuilder::from_dictd_dir(dir.path()).unwrap();
        assert_eq!(built.languages(), ["fra", "ind"]);
        let path = dir.path().join("lex.bin");
        std::fs::write(&path, built.to_bytes()).unwrap();
        let lex = Lexicon::load(&path).unwrap();
        let ids = |p: Option<Pivots<'_>>| p.map(|p| p.iter().collect::<Vec<_>>());
        let want = |w: &[&str]| Some(w.iter().map(|x| pivot_id(x)).collect::<Vec<_>>());
        assert_eq!(lex.languages(), ["fra", "ind"]);
        assert_eq!(
            ids(lex.lookup("fra", "élection")),
            want(&["election", "choice", "poll"])
        );
        // The gloss line in French is not taken for English.
        assert_eq!(ids(lex.lookup("fra", "sénatrice")), want(&["senator"]));
        // Inverted: the Indonesian word maps to the English headword; multiword phrases do not.
        assert_eq!(ids(lex.lookup("ind", "presiden")), want(&["president"]));
        assert!(lex.lookup("ind", "kepala negara").is_none());
        assert!(lex.lookup("deu", "wahl").is_none());
        // A plural finds its headword by prefix.
        assert_eq!(
            ids(lex.lookup("fra", "élections")),
            want(&["election", "choice", "poll"])
        );
        assert_eq!(lex.len_of("ind"), 1);
        let back = lex;
        // A French and an English text meet on their pivots.
        let fr = back.pivot_bag("fra", "La sénatrice et les élections");
        let en = back.pivot_bag("eng", "The senator and the elections");
        let ids = |b: &[(u32, f32)]| b.iter().map(|e| e.0).collect::<Vec<_>>();
        assert!(ids(&fr).contains(&pivot_id("senator")) && ids(&en).contains(&pivot_id("senator")));
        assert!(ids(&en).contains(&pivot_id("election")));
    }

    #[test]
    fn cedict_both_forms_and_no_pointer_glosses() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cedict.txt");
        std::fs::write(
            &path,
            "# CC-CEDICT\n\
             選舉 选举 [xuan3 ju3] /to elect/election/CL:次[ci4]/\n\
             參議員 参议员 [can1 yi4 yuan2] /senator/\n\
             王 王 [Wang2] /surname Wang/\n\
             囯 囯 [guo2] /old variant of 國|国[guo2]/\n",
        )
        .unwrap();
        let mut built = LexiconBuilder::new();
        built.read_cedict(&path).unwrap();
        // Traditional and simplified headwords; the two pointer-only entries are left out.
        assert_eq!(built.len_of("cmn"), 4);
        let lex = Lexicon::from_bytes(built.to_bytes()).unwrap();
        let ids = |p: Option<Pivots<'_>>| p.map(|p| p.iter().collect::<Vec<_>>());
        let want = |w: &str| Some(english_words(w).iter().map(|x| pivot_id(x)).collect::<Vec<_>>());
        assert_eq!(ids(lex.lookup("cmn", "选举")), want("elect election"));
        assert_eq!(ids(lex.lookup("cmn", "選舉")), want("elect election"));
        assert!(lex.lookup("cmn", "王").is_none());
        // Chinese, written without spaces, meets English on its pivots by longest headword.
        let zh = lex.pivot_bag("cmn", "参议员和选举");
        let en = lex.pivot_bag("eng", "The senator and the election");
        let has = |b: &[(u32, f32)], w: &str| b.iter().any(|e| e.0 == pivot_id(&english_words(w)[0]));
        assert!(has(&zh, "senator") && has(&en, "senator") && has(&zh, "election"));
        // A file without entries is an error, not an empty language.
        std::fs::write(&path, "# nothing\n").unwrap();
        assert!(LexiconBuilder::new().read_cedict(&path).is_err());
    }

    #[test]
    fn arabic_folding_drops_marks_and_unifies_letters() {
        let mut out = String::new();
        fold_word("ara", "أَحْمَد", &mut out);
        assert_eq!(out, "احمد");
        fold_word("ara", "مدرسة", &mut out);
        assert_eq!(out, "مدرسه");
        // Other languages keep their letters.
        fold_word("fra", "Élection", &mut out);
        assert_eq!(out, "élection");
    }

    #[test]
    fn english_stems_agree_on_inflections() {
        assert_eq!(english_stem("elections"), english_stem("election"));
        assert_eq!(english_stem("parties").as_deref(), Some("party"));
        assert_eq!(english_stem("the"), None);
    }

    #[test]
    fn not_a_lexicon_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.bin");
        std::fs::write(&p, "hello\n").unwrap();
        assert!(Lexicon::load(&p).is_err());
        // A header that points past the end is refused, not followed.
        let mut b = MAGIC.to_vec();
        b.extend_from_slice(&1u32.to_le_bytes());
        b.extend_from_slice(b"fra\0");
        b.extend_from_slice(&1000u32.to_le_bytes());
        b.extend_from_slice(&12u32.to_le_bytes());
        b.extend_from_slice(&0u32.to_le_bytes());
        assert!(Lexicon::from_bytes(b).is_err());
    }
}
