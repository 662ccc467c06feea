//! Compiling a lexicon: bilingual dictionaries (FreeDict's dictd files) read into words of
//! several languages mapped to English pivot words, written in the lexicon format (see
//! [`super`]).
//!
//! In: dictd `.index`/`.dict(.dz)` files. Out: a [`LexiconBuilder`] and the compiled bytes.

use super::*;

/// Words of several languages mapped to English pivot words, as read from dictionaries.
#[derive(Debug, Clone, Default)]
pub struct LexiconBuilder {
    /// language (ISO 639-3) → folded word → English pivot words (stemmed).
    maps: HashMap<String, HashMap<String, Vec<String>>>,
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
pub(super) fn english_words(phrase: &str) -> Vec<String> {
    phrase
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
        .filter_map(|w| english_stem(&w.to_ascii_lowercase()).map(|s| s.into_owned()))
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

    /// Adds a folded headword of `lang` with its English pivot words (stemmed, as the
    /// dictionary readers give them). Hidden: for tests and fuzzing, which need a lexicon
    /// without dictionary files.
    #[doc(hidden)]
    pub fn add(&mut self, lang: &str, word: &str, english: Vec<String>) {
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
    pub(crate) fn read_dictd(&mut self, index: &Path, dict: &Path, lang: &str, inverted: bool) -> Result<()> {
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
                let Some(english) = english_stem(&head.to_lowercase())
                    .map(|s| s.into_owned())
                    .filter(|_| !head.contains(' '))
                else {
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

    /// The compiled lexicon file: header, per-language tables, headword bytes, pivot ids, then
    /// per language the hash index of its headwords (all numbers little-endian u32).
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
        // The hash indexes follow the pivot ids, each 4-aligned.
        let pivots_end = pivots_start + 4 * sorted.iter().flatten().map(|e| e.1.len()).sum::<usize>();
        let mut indexes = Vec::new();
        let mut at = pivots_end;
        for v in &sorted {
            indexes.push(at);
            at += super::SLOT_BYTES * super::index_slots(v.len());
        }
        let mut out = Vec::with_capacity(at);
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
            put(&mut out, indexes[i]);
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
        for v in &sorted {
            out.extend(super::hash_index(v.len(), |i| Some(v[i].0.as_bytes())));
        }
        out
    }
}
