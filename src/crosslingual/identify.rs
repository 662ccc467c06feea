//! Language identification by byte n-grams: the naive Bayes classifier of langid.py (Lui and
//! Baldwin 2012, "langid.py: An Off-the-shelf Language Identification Tool", ACL 2012 system
//! demonstrations), run from its trained model.
//!
//! In: a text's head (its first 1,024 bytes, as the stage reads it). Out: its language as an
//! ISO 639-3 code, with the calibrated probability of that language.
//!
//! The model (97 languages, 7,480 byte n-grams of 1 to 4 bytes chosen for telling languages
//! apart across domains) is not part of the binary: `scripts/setup.sh` takes it from the
//! `langid` package on PyPI and converts it (`scripts/langid_model.py`) into one file, read
//! whole at start-up (4.3 MB). Classifying a text is one pass over its bytes through the
//! model's automaton, which counts every feature occurrence (the automaton's states are the
//! features' prefixes), then one weighted sum of the log-probability rows of the features met:
//! 20 µs a document on NTREX's heads, where whatlang's trigram profiles take 105 (every
//! profile of the text's script is compared with the text; `cargo bench --bench crosslingual
//! -- identify`, docs/crosslingual.md, "The language model").
//! Without the file, the stage falls back to whatlang.

use super::lexicon::codes;
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// First bytes of a converted model file.
const MAGIC: &[u8; 8] = b"NDLID\0\0\x01";

/// A language identification model (see the module documentation).
#[derive(Debug)]
pub struct LanguageModel {
    /// ISO 639-3 code of each class.
    codes: Vec<String>,
    /// Log prior of each class.
    prior: Vec<f32>,
    /// Per feature, the log probability of the feature in each class (feature-major).
    ptc: Vec<f32>,
    /// Each state's row of transitions in `next`.
    row_of: Vec<u16>,
    /// Transitions: `next[row * 256 + byte]`, one row per distinct set of a state's
    /// transitions (2,494 for 9,118 states: the walk's table stays in the cache).
    next: Vec<u16>,
    /// Per state, where its features start in `outputs` (one more entry than states).
    offsets: Vec<u32>,
    /// The features that end in each state.
    outputs: Vec<u16>,
    /// The longest walk from the root to a state (the longest feature, in bytes).
    depth: usize,
}

/// Stretches of a text the automaton walks at once (see [`LanguageModel::walk`]).
const LANES: usize = 4;

/// Scratch space of [`LanguageModel::classify`], kept between calls.
#[derive(Debug, Default)]
pub struct Scratch {
    /// The automaton's state after each byte of the text.
    states: Vec<u16>,
    /// The features met and their counts.
    met: Vec<(u16, f32)>,
    /// Visits per state (zero outside `visited`).
    visits: Vec<u32>,
    /// The states visited, in order of first visit.
    visited: Vec<u16>,
    /// Log posterior of each class.
    scores: Vec<f32>,
}

/// Little-endian values of `n` items of `size` bytes from `at`, converted by `f`.
fn read<T>(
    b: &[u8],
    at: &mut usize,
    n: usize,
    size: usize,
    f: impl Fn(&[u8]) -> T,
) -> std::result::Result<Vec<T>, String> {
    let end = n
        .checked_mul(size)
        .and_then(|len| at.checked_add(len))
        .filter(|&end| end <= b.len())
        .ok_or("truncated")?;
    let v = b[*at..end].chunks_exact(size).map(f).collect();
    *at = end;
    Ok(v)
}

/// The greatest distance from the root (state 0) to a state of the automaton whose transitions
/// are `next[row_of[state] * 256 + byte]` (breadth first). In the automaton of a set of
/// features, a state's distance is the length of the feature prefix it stands for (no shorter
/// text ends in it), so this is the longest feature's length.
fn depth(row_of: &[u16], next: &[u16]) -> usize {
    let mut seen = vec![false; row_of.len()];
    seen[0] = true;
    let (mut frontier, mut depth) = (vec![0u16], 0);
    loop {
        let mut reached = Vec::new();
        for &s in &frontier {
            let row = row_of[s as usize] as usize;
            for &t in &next[row * 256..(row + 1) * 256] {
                if !std::mem::replace(&mut seen[t as usize], true) {
                    reached.push(t);
                }
            }
        }
        if reached.is_empty() {
            return depth;
        }
        (frontier, depth) = (reached, depth + 1);
    }
}

impl LanguageModel {
    /// Reads a model file written by `scripts/langid_model.py`.
    pub fn load(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        Self::from_bytes(&bytes).map_err(|m| Error::Config(format!("{}: {m}", path.display())))
    }

    fn from_bytes(b: &[u8]) -> std::result::Result<Self, String> {
        if b.get(..8) != Some(MAGIC.as_slice()) {
            return Err("not a language model (scripts/setup.sh writes one)".into());
        }
        let mut at = 8;
        let u32s = |at: &mut usize, n| read(b, at, n, 4, |c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]));
        let head = u32s(&mut at, 5)?;
        let [classes, features, states, rows, outputs] = [0, 1, 2, 3, 4].map(|i| head[i] as usize);
        if classes == 0 || states == 0 || [states, rows, features].iter().any(|&n| n > 1 << 16) {
            return Err("sizes out of range".into());
        }
        let codes = read(b, &mut at, classes, 8, |c| {
            let code: String = c.iter().take_while(|&&x| x != 0).map(|&x| x as char).collect();
            codes::iso_639_3(&code).into_owned()
        })?;
        let f32s = |at: &mut usize, n| read(b, at, n, 4, |c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]));
        let prior = f32s(&mut at, classes)?;
        let ptc = f32s(&mut at, features.checked_mul(classes).ok_or("sizes out of range")?)?;
        let u16s = |at: &mut usize, n| read(b, at, n, 2, |c| u16::from_le_bytes([c[0], c[1]]));
        let row_of = u16s(&mut at, states)?;
        let next = u16s(&mut at, rows * 256)?;
        let offsets = u32s(&mut at, states + 1)?;
        let outputs = u16s(&mut at, outputs)?;
        if at != b.len()
            || row_of.iter().any(|&r| r as usize >= rows)
            || next.iter().any(|&s| s as usize >= states)
            || outputs.iter().any(|&f| f as usize >= features)
            || offsets.windows(2).any(|w| w[0] > w[1])
            || offsets.last().is_some_and(|&o| o as usize != outputs.len())
        {
            return Err("inconsistent model".into());
        }
        let depth = depth(&row_of, &next);
        Ok(LanguageModel {
            codes,
            prior,
            ptc,
            row_of,
            next,
            offsets,
            outputs,
            depth,
        })
    }

    /// The languages the model knows (ISO 639-3 codes).
    pub fn languages(&self) -> &[String] {
        &self.codes
    }

    /// The state the automaton is in after each byte of `text`, into `states`.
    ///
    /// Each step reads the transition table (1.3 MB, mostly out of the first two cache
    /// levels) at an address the previous step gave: one text's walk is a chain of dependent
    /// loads. The text is walked as [`LANES`] stretches at once, independent chains the
    /// processor overlaps. A state is the longest suffix of the text read so far that begins a
    /// feature (the automaton is Aho and Corasick's, 1975, made deterministic), so it depends
    /// on the last `depth` bytes only: a stretch's walk starts at the root `depth` bytes before
    /// the stretch, and from its first byte on it is in the states the whole text's walk is.
    /// Each stretch's starting state is checked against the state the stretch before it ended
    /// in, so that even a model file whose automaton is not of that kind gets one walk's states.
    fn walk(&self, text: &[u8], states: &mut Vec<u16>) {
        let step = |state: u16, b: u8| self.next[self.row_of[state as usize] as usize * 256 + b as usize];
        states.clear();
        states.resize(text.len(), 0);
        // One walk from `state` over `bytes`, each state entered written to `out`.
        let walk_from = |mut state: u16, bytes: &[u8], out: &mut [u16]| {
            for (o, &b) in out.iter_mut().zip(bytes) {
                state = step(state, b);
                *o = state;
            }
        };
        let stretch = text.len() / LANES;
        if stretch <= self.depth {
            return walk_from(0, text, states);
        }
        // Lane `l` walks `text[l * stretch..(l + 1) * stretch]`, after `depth` bytes of
        // warm-up for all but the first; the last lane goes on to the end.
        let mut state = [0u16; LANES];
        for (l, state) in state.iter_mut().enumerate().skip(1) {
            for &b in &text[l * stretch - self.depth..l * stretch] {
                *state = step(*state, b);
            }
        }
        let start = state;
        for i in 0..stretch {
            for (l, state) in state.iter_mut().enumerate() {
                *state = step(*state, text[l * stretch + i]);
                states[l * stretch + i] = *state;
            }
        }
        if (1..LANES).any(|l| states[l * stretch - 1] != start[l]) {
            return walk_from(0, text, states);
        }
        let rest = LANES * stretch;
        walk_from(state[LANES - 1], &text[rest..], &mut states[rest..]);
    }

    /// The most probable language of `text` and its probability, calibrated (see below).
    pub fn classify<'a>(&'a self, text: &[u8], s: &mut Scratch) -> (&'a str, f64) {
        let classes = self.codes.len();
        s.visits.resize(self.offsets.len() - 1, 0);
        s.visited.clear();
        // One pass of the automaton: each state entered counts once more, in the order of
        // the text (the order in which the states are first met is the order of the sum below).
        self.walk(text, &mut s.states);
        for &state in &s.states {
            let state = state as usize;
            if s.visits[state] == 0 {
                s.visited.push(state as u16);
            }
            s.visits[state] += 1;
        }
        s.scores.clear();
        s.scores.extend_from_slice(&self.prior);
        // The features met, each with its count, listed first (in the order of the sum), then
        // their rows summed in one flat loop: 17% less time to classify NTREX's heads than
        // summing while the states are read (docs/crosslingual.md, "Waiting on memory, less").
        s.met.clear();
        for &st in &s.visited {
            let st = st as usize;
            let n = std::mem::take(&mut s.visits[st]) as f32;
            let outputs = &self.outputs[self.offsets[st] as usize..self.offsets[st + 1] as usize];
            s.met.extend(outputs.iter().map(|&f| (f, n)));
        }
        for &(f, n) in &s.met {
            let row = &self.ptc[f as usize * classes..(f as usize + 1) * classes];
            for (score, &p) in s.scores.iter_mut().zip(row) {
                *score += n * p;
            }
        }
        let (best, &top) = s
            .scores
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(&a.0)))
            .expect("a model has classes");
        // Naive Bayes over overlapping n-grams counts each byte's evidence many times over, so
        // its raw posterior is near 1 for nearly any text of some length, code and command
        // lines included. The log-likelihoods are scaled down by the square root of the
        // text's length (temperature scaling: Guo et al. 2017, "On Calibration of Modern
        // Neural Networks"; this temperature is py3langid's), so that the probability says
        // how sure the model is (see docs/crosslingual.md, "The language model").
        let t = (text.len().max(1) as f64).sqrt();
        // P(best) = 1 / Σ exp((score − top) / t), without overflow.
        let sum: f64 = s.scores.iter().map(|&x| (f64::from(x - top) / t).exp()).sum();
        (&self.codes[best], 1.0 / sum)
    }
}

/// The language identifier of the cross-lingual stage: the model where one is installed, else
/// whatlang; each reads a text's first 1,024 bytes.
#[derive(Debug, Default)]
pub struct Detector<'a> {
    model: Option<&'a LanguageModel>,
    scratch: Scratch,
}

impl<'a> Detector<'a> {
    /// A detector by `model`, or by whatlang without one.
    pub fn new(model: Option<&'a LanguageModel>) -> Self {
        Detector {
            model,
            scratch: Scratch::default(),
        }
    }

    /// The language of `text`'s head as an ISO 639-3 code, with the detector's confidence
    /// (the model's posterior probability, or whatlang's confidence).
    pub fn detect(&mut self, text: &str) -> (&'a str, f64) {
        match self.model {
            Some(m) => m.classify(super::anchors::head(text).as_bytes(), &mut self.scratch),
            None => super::anchors::detect_language(text),
        }
    }

    /// [`Detector::detect`]'s language when its confidence is at least the stage's minimum
    /// (`anchors::MIN_CONFIDENCE`, 0.5).
    pub fn language(&mut self, text: &str) -> Option<&'a str> {
        let (lang, confidence) = self.detect(text);
        (confidence >= super::anchors::MIN_CONFIDENCE).then_some(lang)
    }
}

/// Where `scripts/setup.sh` puts the model: `$NEARDUP_LANGID`, else
/// `$XDG_DATA_HOME/neardup/langid.bin`, else `~/.local/share/neardup/langid.bin`.
pub fn default_path() -> Option<PathBuf> {
    super::data_file("NEARDUP_LANGID", "langid.bin")
}

/// [`default_path`] when a file is there: the model a run takes unless another is named.
pub fn installed() -> Option<PathBuf> {
    default_path().filter(|p| p.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A model of two classes over two one-byte features, `a` and `b`, as the converter
    /// writes one: state 0 is the root, 1 follows an `a`, 2 a `b`.
    fn tiny() -> Vec<u8> {
        let mut b = MAGIC.to_vec();
        for v in [2u32, 2, 3, 1, 2] {
            b.extend(v.to_le_bytes());
        }
        b.extend(b"fr\0\0\0\0\0\0en\0\0\0\0\0\0");
        for p in [0.5f32.ln(), 0.5f32.ln()] {
            b.extend(p.to_le_bytes());
        }
        // Feature `a` is likely in French, `b` in English.
        for p in [0.9f32, 0.1, 0.2, 0.8] {
            b.extend(p.ln().to_le_bytes());
        }
        // Every state has the same transitions: one row.
        b.extend([0u8; 6]);
        {
            for byte in 0..=255u8 {
                let to: u16 = match byte {
                    b'a' => 1,
                    b'b' => 2,
                    _ => 0,
                };
                b.extend(to.to_le_bytes());
            }
        }
        for o in [0u32, 0, 1, 2] {
            b.extend(o.to_le_bytes());
        }
        for f in [0u16, 1] {
            b.extend(f.to_le_bytes());
        }
        b
    }

    #[test]
    fn classifies_by_the_features_counted() {
        let m = LanguageModel::from_bytes(&tiny()).unwrap();
        assert_eq!(m.languages(), ["fra", "eng"]);
        let mut s = Scratch::default();
        let (lang, p) = m.classify(b"aab", &mut s);
        // Two `a` and one `b`: 0.5·0.9²·0.2 against 0.5·0.1²·0.8, each log-likelihood
        // divided by √3.
        let (fr, en) = ((0.81f64 * 0.2).ln() / 3f64.sqrt(), (0.01f64 * 0.8).ln() / 3f64.sqrt());
        assert_eq!(lang, "fra");
        let want = 1.0 / (1.0 + (en - fr).exp());
        assert!((p - want).abs() < 1e-6, "{p} {want}");
        // The scratch space is clean for the next text.
        assert_eq!(m.classify(b"bbb", &mut s).0, "eng");
        assert_eq!(m.classify(b"bbb", &mut Scratch::default()), m.classify(b"bbb", &mut s));
    }

    #[test]
    fn refuses_damaged_files() {
        let good = tiny();
        assert!(LanguageModel::from_bytes(&good[..good.len() - 1]).is_err());
        assert!(LanguageModel::from_bytes(b"NDLEX\0\0\x02").is_err());
        let mut bad = good.clone();
        // A transition to a state that does not exist.
        let at = 8 + 20 + 16 + 8 + 16 + 6 + 2 * b'a' as usize;
        bad[at] = 9;
        assert!(LanguageModel::from_bytes(&bad).is_err());
        for cut in 0..good.len() {
            assert!(LanguageModel::from_bytes(&good[..cut]).is_err());
        }
    }

    /// The deterministic Aho–Corasick automaton of `features` (one row per state), as a model
    /// of one class.
    fn automaton(features: &[&[u8]]) -> LanguageModel {
        // The trie, then the transitions breadth first: a missing edge goes where the failure
        // state's does.
        let mut edges: Vec<[Option<u16>; 256]> = vec![[None; 256]];
        for f in features {
            let mut s = 0;
            for &b in *f {
                s = match edges[s][b as usize] {
                    Some(t) => t as usize,
                    None => {
                        edges.push([None; 256]);
                        edges[s][b as usize] = Some(edges.len() as u16 - 1);
                        edges.len() - 1
                    }
                };
            }
        }
        let n = edges.len();
        let (mut next, mut fail) = (vec![0u16; n * 256], vec![0u16; n]);
        let mut queue = std::collections::VecDeque::from([0usize]);
        while let Some(s) = queue.pop_front() {
            for b in 0..256 {
                match edges[s][b] {
                    Some(t) => {
                        fail[t as usize] = if s == 0 { 0 } else { next[fail[s] as usize * 256 + b] };
                        next[s * 256 + b] = t;
                        queue.push_back(t as usize);
                    }
                    None => next[s * 256 + b] = if s == 0 { 0 } else { next[fail[s] as usize * 256 + b] },
                }
            }
        }
        let row_of: Vec<u16> = (0..n as u16).collect();
        let depth = depth(&row_of, &next);
        LanguageModel {
            codes: vec!["eng".into()],
            prior: vec![0.0],
            ptc: Vec::new(),
            row_of,
            next,
            offsets: vec![0; n + 1],
            outputs: Vec::new(),
            depth,
        }
    }

    #[test]
    fn depth_is_the_longest_feature() {
        assert_eq!(automaton(&[b"ab", b"b", b"abca"]).depth, 4);
        assert_eq!(LanguageModel::from_bytes(&tiny()).unwrap().depth, 1);
    }

    proptest::proptest! {
        /// The walk in stretches is in the states of one walk from the first byte, after every
        /// byte.
        #[test]
        fn stretches_walk_as_one(
            features in proptest::collection::vec(proptest::collection::vec(b'a'..=b'd', 1..5), 1..12),
            text in proptest::collection::vec(b'a'..=b'e', 0..300),
        ) {
            let features: Vec<&[u8]> = features.iter().map(Vec::as_slice).collect();
            let m = automaton(&features);
            let mut one = Vec::new();
            let mut state = 0u16;
            for &b in &text {
                state = m.next[m.row_of[state as usize] as usize * 256 + b as usize];
                one.push(state);
            }
            let mut states = vec![7; 3];
            m.walk(&text, &mut states);
            proptest::prop_assert_eq!(states, one);
        }

        /// Any automaton, Aho–Corasick's or not (here: a counter of the bytes read, modulo 5,
        /// whose state depends on the whole text), gets one walk's states.
        #[test]
        fn stretches_walk_as_one_in_any_automaton(text in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            let mut m = automaton(&[b"ab"]);
            m.row_of = (0..5).collect();
            m.next = (0..5 * 256).map(|i| ((i / 256 + 1) % 5) as u16).collect();
            let mut states = Vec::new();
            m.walk(&text, &mut states);
            let one: Vec<u16> = (1..=text.len()).map(|i| (i % 5) as u16).collect();
            proptest::prop_assert_eq!(states, one);
        }
    }
}
