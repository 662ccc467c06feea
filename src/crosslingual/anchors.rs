//! Anchors: the parts of a text that survive translation.
//!
//! In: a document's text. Out: its language (whatlang's trigram model) and the sequence of its
//! anchors in text order, each a 64-bit key plus a flag saying how much it can be trusted.
//!
//! Anchors are numbers, identifiers and names. A number is any run of decimal digits, of any script
//! (Arabic-Indic, Devanagari, Thai… are mapped to ASCII), with `.`, `,`, `'` and thin spaces
//! between digits dropped, so `2,500`, `2.500` and `2 500` agree; single digits are left out (they
//! are spelled as words as often as written as digits). An identifier is a Latin word written
//! against `(` or `_` (`wcschr(3)`, `sched_yield`): code and commands keep their names in every
//! language, so it is keyed as written, lowercased. A name is a word of a cased script (Latin,
//! Cyrillic, Greek, Armenian) that starts with a capital letter away from the start of a sentence
//! (or at it when the same word is also capitalized elsewhere in the text), or an acronym; in
//! scripts without case (Arabic, Hebrew, Indic scripts, Hangul, Katakana) every word of two letters
//! or more whose skeleton has three classes is a *weak* candidate, kept only when the corpus
//! shows the same key as a strong anchor elsewhere (see [`super`]). Han, Hiragana, Thai, Lao,
//! Khmer and Myanmar text is written without spaces, so it contributes its numbers and embedded
//! Latin names only.
//!
//! A name's key is a consonant skeleton of its transliteration (deunicode): letters mapped to
//! the six consonant classes of Soundex (Russell & Odell, US patent 1,261,167, 1918), vowels and
//! w, h, y dropped, runs of one class collapsed. "Trump", "Трамп" (Tramp), "ترامب" (tramb),
//! "トランプ" (toranpu) and "트럼프" (teureompeu) all become `3651`; "Warren" and "Уоррен"
//! (Uorren) become `65`. The skeleton is coarse on purpose: it is only ever compared in order,
//! inside one candidate pair, where a chance collision costs little.

use crate::normalize::PlaneCache;
use std::borrow::Cow;
use xxhash_rust::xxh3::xxh3_64_with_seed;

/// One anchor of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Anchor {
    /// The key (numbers and names never share a key).
    pub key: u64,
    /// Whether the anchor is a number, an acronym or a capitalized name of a cased script
    /// (strong), or a word of a script without case (weak: a name only if the corpus agrees).
    pub strong: bool,
}

/// The writing systems the extractor tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Script {
    /// Latin, Cyrillic, Greek, Armenian: names are capitalized.
    Cased,
    /// Arabic, Hebrew, Indic, Hangul, Katakana…: words are separated, names are not marked.
    Caseless,
    /// Han, Hiragana, Thai, Lao, Khmer, Myanmar: no spaces between words.
    Unspaced,
}

fn script_of(c: char) -> Script {
    let u = c as u32;
    match u {
        0..=0x24F | 0x370..=0x58F | 0x1E00..=0x1FFF => Script::Cased,
        0x30A0..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9D => Script::Caseless,
        0x0E00..=0x0FFF | 0x1000..=0x109F | 0x1780..=0x17FF | 0x2E80..=0x309F | 0x3100..=0x9FFF => Script::Unspaced,
        0xF900..=0xFAFF | 0x20000..=0x3FFFF => Script::Unspaced,
        _ => Script::Caseless,
    }
}

/// The value of a decimal digit of any common script, if `c` is one.
pub(crate) fn digit_value(c: char) -> Option<u8> {
    let u = c as u32;
    if c.is_ascii() {
        return c.is_ascii_digit().then(|| (u - 0x30) as u8);
    }
    // Outside the blocks below (CJK and most letters of other scripts): no search.
    if !(0x660..=0x1819).contains(&u) && !(0xFF10..=0xFF19).contains(&u) {
        return None;
    }
    // First code point (the zero) of each block of ten decimal digits.
    const ZEROS: [u32; 20] = [
        0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66, 0xDE6, 0xE50, 0xED0, 0xF20,
        0x1040, 0x17E0, 0x1810, 0xFF10,
    ];
    ZEROS
        .iter()
        .find(|&&z| (z..z + 10).contains(&u))
        .map(|&z| (u - z) as u8)
}

/// Marks that belong to the letter before them (combining accents, Indic vowel signs and
/// viramas, Arabic and Hebrew points, Thai vowel marks).
fn is_mark(c: char) -> bool {
    let u = c as u32;
    u >= 0x300
        && matches!(u, 0x300..=0x36F | 0x591..=0x5C7 | 0x610..=0x61A | 0x64B..=0x65F | 0x670 | 0x6D6..=0x6ED
        | 0x900..=0x903 | 0x93A..=0x94F | 0x951..=0x957 | 0x962..=0x963 | 0x981..=0x983 | 0x9BC..=0x9D7
        | 0xA01..=0xA03 | 0xA3C..=0xA51 | 0xA81..=0xA83 | 0xABC..=0xACD | 0xB01..=0xB03 | 0xB3C..=0xB57
        | 0xB82 | 0xBBE..=0xBCD | 0xC00..=0xC04 | 0xC3E..=0xC56 | 0xC81..=0xC83 | 0xCBC..=0xCD6
        | 0xD00..=0xD03 | 0xD3B..=0xD57 | 0xE31 | 0xE34..=0xE3A | 0xE47..=0xE4E | 0x3099..=0x309A)
}

/// Whether `c` is a letter of an anchor word: a letter, a combining mark, or the katakana
/// prolonged sound mark.
fn is_word_char(c: char) -> bool {
    c.is_alphabetic() || is_mark(c) || c == '\u{30FC}'
}

/// What the extractor asks of one character, in one value: [`digit_value`], [`is_word_char`],
/// whether it is a capital, [`is_mark`] and [`script_of`] (and, for [`detect_language`],
/// whether it is a letter), looked up once per character of the Basic Multilingual Plane
/// ([`CHARS`]) in place of five tests (two of them searches in the standard library's tables).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Props(u16);

impl Props {
    const WORD: u16 = 1;
    const UPPER: u16 = 2;
    const MARK: u16 = 4;
    const DIGIT: u16 = 8;
    const ALPHA: u16 = 64;
    /// Bits 4 and 5: the script; bits 8 to 11: the digit's value.
    const SCRIPT_SHIFT: u16 = 4;
    const VALUE_SHIFT: u16 = 8;

    fn of(c: char) -> Props {
        let script = match script_of(c) {
            Script::Cased => 0,
            Script::Caseless => 1,
            Script::Unspaced => 2,
        };
        let flag = |on: bool, bit: u16| if on { bit } else { 0 };
        let digit = digit_value(c).map_or(0, |d| Props::DIGIT | u16::from(d) << Props::VALUE_SHIFT);
        Props(
            flag(is_word_char(c), Props::WORD)
                | flag(c.is_uppercase(), Props::UPPER)
                | flag(is_mark(c), Props::MARK)
                | flag(c.is_alphabetic(), Props::ALPHA)
                | digit
                | script << Props::SCRIPT_SHIFT,
        )
    }

    /// The properties of `c`: ASCII read directly, the rest from [`CHARS`].
    #[inline]
    fn get(c: char) -> Props {
        match c {
            'a'..='z' => Props(Props::WORD | Props::ALPHA),
            'A'..='Z' => Props(Props::WORD | Props::UPPER | Props::ALPHA),
            '0'..='9' => Props(Props::DIGIT | (c as u16 - u16::from(b'0')) << Props::VALUE_SHIFT),
            _ if c.is_ascii() => Props(0),
            _ => CHARS.get(c, Props::of),
        }
    }

    fn digit(self) -> Option<u8> {
        (self.0 & Props::DIGIT != 0).then_some((self.0 >> Props::VALUE_SHIFT) as u8)
    }

    fn word(self) -> bool {
        self.0 & Props::WORD != 0
    }

    fn upper(self) -> bool {
        self.0 & Props::UPPER != 0
    }

    fn mark(self) -> bool {
        self.0 & Props::MARK != 0
    }

    fn alpha(self) -> bool {
        self.0 & Props::ALPHA != 0
    }

    fn script(self) -> Script {
        match (self.0 >> Props::SCRIPT_SHIFT) & 3 {
            0 => Script::Cased,
            1 => Script::Caseless,
            _ => Script::Unspaced,
        }
    }
}

/// [`Props`] of the Basic Multilingual Plane, cached.
static CHARS: PlaneCache<Props> = PlaneCache::new();

/// Consonant class of an ASCII letter (Soundex), or 0 for letters that are dropped.
fn class(b: u8) -> u8 {
    match b.to_ascii_lowercase() {
        b'b' | b'f' | b'p' | b'v' => b'1',
        b'c' | b'g' | b'j' | b'k' | b'q' | b's' | b'x' | b'z' => b'2',
        b'd' | b't' => b'3',
        b'l' => b'4',
        b'm' | b'n' => b'5',
        b'r' => b'6',
        _ => 0,
    }
}

/// Appends the consonant skeleton of `word`'s transliteration to `out` (cleared first).
pub(crate) fn skeleton(word: &str, out: &mut Vec<u8>) {
    out.clear();
    let mut last = 0u8;
    let mut push = |b: u8, out: &mut Vec<u8>| {
        if b.is_ascii_alphabetic() {
            let k = class(b);
            if k != 0 && k != last {
                out.push(k);
            }
            last = k;
        }
    };
    for c in word.chars() {
        if c.is_ascii() {
            push(c as u8, out);
        } else if let Some(t) = deunicode::deunicode_char(c) {
            for b in t.bytes() {
                push(b, out);
            }
        }
    }
}

const NAME_SEED: u64 = 0x4e41_4d45;
const NUMBER_SEED: u64 = 0x4e55_4d42;

/// The key of a number given by its ASCII digits (leading zeros dropped).
pub(crate) fn number_key(digits: &[u8]) -> u64 {
    let start = digits
        .iter()
        .position(|&d| d != b'0')
        .unwrap_or(digits.len().saturating_sub(1));
    xxh3_64_with_seed(&digits[start..], NUMBER_SEED)
}

const IDENT_SEED: u64 = 0x4944_454e;

/// The key of an identifier: a Latin word written against `(` or `_` (`wcschr(3)`,
/// `sched_setscheduler`, `printf()`), the way code and commands are named in any language.
/// Identifiers are not translated or transliterated, so the key is the word itself, lowercased.
pub(crate) fn ident_key(word: &[u8]) -> u64 {
    let mut lower = [0u8; 64];
    let n = word.len().min(64);
    for (l, w) in lower.iter_mut().zip(&word[..n]) {
        *l = w.to_ascii_lowercase();
    }
    xxh3_64_with_seed(&lower[..n], IDENT_SEED)
}

/// The key of a name given by its skeleton.
pub(crate) fn name_key(skeleton: &[u8]) -> u64 {
    xxh3_64_with_seed(skeleton, NAME_SEED)
}

/// A word found in the text, before the capitalization rule is applied.
struct Word {
    start: usize,
    end: usize,
    script: Script,
    sentence_start: bool,
    capitalized: bool,
    acronym: bool,
}

/// A number's or an identifier's key, or a word still to be judged (a sentence-initial word
/// counts only if the whole text shows it capitalized elsewhere).
enum Item {
    Key(u64),
    Word(Word),
}

/// Reusable buffers for [`Extractor::extract`].
#[derive(Default)]
pub struct Extractor {
    nfkc: String,
    items: Vec<Item>,
    digits: Vec<u8>,
    skel: Vec<u8>,
    caps: Vec<u64>,
}

/// Skeletons shorter than this many classes are not names (too many words share them).
const MIN_CLASSES: usize = 2;

/// Skeletons of weak anchors need this many classes. Every word of a script without case is
/// a candidate, and two classes are shared by too many ordinary words: with them, the corpus
/// filter (a key must be strong in half the documents holding it) dropped the short names other
/// articles held as ordinary words. Two classes: NTREX's 74 variants outside the first 28, alone,
/// recall 0.91; three: 0.97; four loses the whole set's recall (docs/crosslingual.md,
/// "Held-out splits").
const MIN_WEAK_CLASSES: usize = 3;

impl Extractor {
    /// A new extractor.
    pub fn new() -> Self {
        Self::default()
    }

    /// The anchors of `text`, in order, appended to `out` (cleared first).
    pub fn extract(&mut self, text: &str, out: &mut Vec<Anchor>) {
        out.clear();
        self.nfkc.clear();
        crate::normalize::nfkc_into(text, &mut self.nfkc);
        let text = std::mem::take(&mut self.nfkc);
        self.items.clear();
        self.caps.clear();
        let mut sentence_start = true;
        let mut it = text.char_indices().peekable();
        while let Some((i, c)) = it.next() {
            let p = Props::get(c);
            if let Some(d) = p.digit() {
                // A number: digits with single separators between them.
                self.digits.clear();
                self.digits.push(b'0' + d);
                while let Some(&(j, n)) = it.peek() {
                    if let Some(d) = Props::get(n).digit() {
                        self.digits.push(b'0' + d);
                        it.next();
                        continue;
                    }
                    if matches!(
                        n,
                        '.' | ',' | '\'' | '\u{2009}' | '\u{202F}' | '\u{A0}' | '\u{66B}' | '\u{66C}'
                    ) {
                        let rest = &text[j + n.len_utf8()..];
                        if rest.chars().next().and_then(|c| Props::get(c).digit()).is_some() {
                            it.next();
                            continue;
                        }
                    }
                    break;
                }
                if self.digits.len() >= 2 {
                    self.items.push(Item::Key(number_key(&self.digits)));
                }
                sentence_start = false;
                continue;
            }
            if p.word() {
                let script = p.script();
                let mut end = i + c.len_utf8();
                let mut upper = usize::from(p.upper());
                let mut letters = 1usize;
                while let Some(&(j, n)) = it.peek() {
                    let q = Props::get(n);
                    if !q.word() || (q.script() != script && !q.mark() && n != '\u{30FC}') {
                        break;
                    }
                    upper += usize::from(q.upper());
                    letters += 1;
                    end = j + n.len_utf8();
                    it.next();
                }
                let ident = script == Script::Cased
                    && text.as_bytes()[i..end].is_ascii()
                    && end - i >= 2
                    && (matches!(text.as_bytes().get(end), Some(b'(' | b'_'))
                        || (i > 0 && text.as_bytes()[i - 1] == b'_'));
                if ident {
                    self.items.push(Item::Key(ident_key(&text.as_bytes()[i..end])));
                } else if script != Script::Unspaced {
                    // Unspaced scripts give no names (only their numbers and embedded Latin words).
                    let capitalized = p.upper();
                    if script == Script::Cased && capitalized && !sentence_start {
                        self.caps.push(xxh3_64_with_seed(&text.as_bytes()[i..end], 0));
                    }
                    self.items.push(Item::Word(Word {
                        start: i,
                        end,
                        script,
                        sentence_start,
                        capitalized,
                        acronym: upper >= 2 && letters <= 8,
                    }));
                }
                sentence_start = false;
                continue;
            }
            if matches!(c, '.' | '!' | '?' | '\n' | '。' | '！' | '？' | '۔' | '।') {
                sentence_start = true;
            }
        }
        self.caps.sort_unstable();
        for item in &self.items {
            let w = match item {
                Item::Key(key) => {
                    out.push(Anchor {
                        key: *key,
                        strong: true,
                    });
                    continue;
                }
                Item::Word(w) => w,
            };
            let word = &text[w.start..w.end];
            let strong = match w.script {
                Script::Cased => {
                    let named = w.acronym
                        || (w.capitalized
                            && (!w.sentence_start
                                || self.caps.binary_search(&xxh3_64_with_seed(word.as_bytes(), 0)).is_ok()));
                    if !named {
                        continue;
                    }
                    true
                }
                _ if word.chars().filter(|&c| !Props::get(c).mark()).count() < 2 => continue,
                _ => false,
            };
            skeleton(word, &mut self.skel);
            if self.skel.len() >= if strong { MIN_CLASSES } else { MIN_WEAK_CLASSES } {
                out.push(Anchor {
                    key: name_key(&self.skel),
                    strong,
                });
            }
        }
        self.nfkc = text;
    }
}

/// Lowest confidence of the detector (whatlang's, or the language model's posterior
/// probability) at which a language is taken.
pub const MIN_CONFIDENCE: f64 = 0.5;

/// Bytes of a text's head the detector reads ([`detect_language`], or the language model of
/// [`super::identify`]). whatlang's cost is mostly fixed (each language profile of the script
/// against the text's trigrams), but a shorter head has fewer trigrams; with whatlang, 1,024 to
/// 4,096 bytes give NTREX within 0.01 and the man pages their best, 512 loses man pages (see
/// docs/crosslingual.md, "The parameters"); the model's walk costs a table look-up a byte.
const HEAD_BYTES: usize = 1024;

/// The first [`HEAD_BYTES`] of `text` (to a character boundary).
pub(crate) fn head(text: &str) -> &str {
    let mut end = text.len().min(HEAD_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Whether [`detect_language`] reads the same head in `a` and in `b`.
pub(crate) fn same_head(a: &str, b: &str) -> bool {
    head(a) == head(b)
}

/// The language of `text` as an ISO 639-3 code (whatlang), with whatlang's confidence, or
/// `"und"` (confidence 0) when it cannot tell.
pub fn detect_language(text: &str) -> (&'static str, f64) {
    let head = head(text);
    // A text in another script that carries many Latin names or identifiers (a Chinese report
    // on a Scottish ice hockey match, a Russian man page) is in its own script's language,
    // however many Latin letters it holds; whatlang would weigh the scripts by letter count.
    let (mut latin, mut other) = (0usize, 0usize);
    for c in head.chars().filter(|&c| Props::get(c).alpha()) {
        if is_latin(c) {
            latin += 1;
        } else {
            other += 1;
        }
    }
    let text: Cow<'_, str> = if latin > 0 && other * 4 >= latin + other {
        Cow::Owned(head.chars().map(|c| if is_latin(c) { ' ' } else { c }).collect())
    } else {
        Cow::Borrowed(head)
    };
    whatlang::detect(&text).map_or((super::UNDETERMINED, 0.0), |i| (i.lang().code(), i.confidence()))
}

/// Whether `c` is a letter of the Latin script (Basic Latin, Latin-1, Extended-A/B, IPA,
/// Extended Additional, fullwidth).
fn is_latin(c: char) -> bool {
    matches!(c, 'a'..='z' | 'A'..='Z' | '\u{C0}'..='\u{24F}' | '\u{250}'..='\u{2AF}' | '\u{1E00}'..='\u{1EFF}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// whatlang's language of `text`, or `"und"` below [`MIN_CONFIDENCE`].
    fn language(text: &str) -> &'static str {
        let language = crate::crosslingual::identify::Detector::new(None).language(text);
        language.unwrap_or(crate::crosslingual::UNDETERMINED)
    }

    fn keys(text: &str) -> Vec<(u64, bool)> {
        let mut out = Vec::new();
        Extractor::new().extract(text, &mut out);
        out.iter().map(|a| (a.key, a.strong)).collect()
    }

    fn skel(word: &str) -> String {
        let mut v = Vec::new();
        skeleton(word, &mut v);
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn one_name_in_six_scripts_has_one_skeleton() {
        for w in ["Trump", "Трамп", "ترامب", "トランプ", "트럼프", "טראמפ"] {
            assert_eq!(skel(w), "3651", "{w}");
        }
        assert_eq!(skel("Warren"), skel("Уоррен"));
    }

    #[test]
    fn numbers_of_any_script_and_separator_agree() {
        let a = keys("In 2016 they paid 2,500 dollars");
        let b = keys("Im Jahr ٢٠١٦ zahlten sie 2.500 Dollar");
        let nums = |v: &[(u64, bool)]| v.iter().filter(|k| k.1).map(|k| k.0).collect::<Vec<_>>();
        assert_eq!(nums(&a)[..2], [number_key(b"2016"), number_key(b"2500")]);
        assert!(b.contains(&(number_key(b"2016"), true)) && b.contains(&(number_key(b"2500"), true)));
        // Single digits are not anchors.
        assert!(keys("3 cats").is_empty());
    }

    #[test]
    fn sentence_initial_words_count_only_when_capitalized_elsewhere() {
        let k = keys("The senator spoke. Warren said no. Later, Warren left");
        let warren = name_key(b"65");
        assert_eq!(k, vec![(warren, true), (warren, true)]);
        // Unspaced scripts give only their numbers and Latin names.
        let z = keys("沃伦打算认真考虑(Elizabeth Warren)在11月");
        assert_eq!(z.len(), 3);
        assert_eq!(z[1], (warren, true));
        assert_eq!(z[2], (number_key(b"11"), true));
    }

    #[test]
    fn identifiers_are_strong_anchors_in_any_language() {
        // A word against `(` or `_` names code: kept as written, in every language's text.
        let en = keys("The wcschr() function calls sched_yield.");
        let ja = keys("関数 wcschr() は sched_yield を呼ぶ");
        let ident = |w: &[u8]| (ident_key(w), true);
        assert_eq!(en, [ident(b"wcschr"), ident(b"sched"), ident(b"yield")]);
        assert_eq!(ja, en);
        // A lowercase word elsewhere is no anchor; case does not matter to an identifier.
        assert!(keys("the function calls").is_empty());
        assert_eq!(keys("it calls Printf(3)"), [ident(b"printf")]);
    }

    #[test]
    fn caseless_words_are_weak() {
        let k = keys("قال ترامب");
        assert_eq!(k, [(name_key(b"3651"), false)]);
        // "qal" (skeleton `24`) has two classes: enough for a name of a cased script, too
        // few for a word of a script without case.
        assert_eq!(keys("said Qal"), [(name_key(b"24"), true)]);
    }

    #[test]
    fn one_look_up_gives_every_property_of_every_character() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let p = Props::get(c);
            assert_eq!(p.digit(), digit_value(c), "U+{:04X}", c as u32);
            assert_eq!(p.word(), is_word_char(c), "U+{:04X}", c as u32);
            assert_eq!(p.upper(), c.is_uppercase(), "U+{:04X}", c as u32);
            assert_eq!(p.mark(), is_mark(c), "U+{:04X}", c as u32);
            assert_eq!(p.alpha(), c.is_alphabetic(), "U+{:04X}", c as u32);
            assert_eq!(p.script(), script_of(c), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn languages_are_told_apart() {
        assert_eq!(
            language("The senator said she would take a hard look at running for president."),
            "eng"
        );
        assert_eq!(
            language("La sénatrice affirme qu'elle envisagera sérieusement de se présenter."),
            "fra"
        );
    }

    #[test]
    fn a_text_full_of_latin_names_keeps_its_own_language() {
        // From NTREX (zho-TW): more Latin letters than Han characters.
        let zh = "Patrick Dwyer 在 Giants 對 Dundee 的比賽中進了 2 球。Dundee Stars 在星期五菁英聯盟的比賽輸給了 \
                  Belfast Giants，但在星期六的 Dundee 主場比賽以 5-3 獲勝，一洗前恥。由 Patrick Dwyer 和 \
                  Francis Beauvillier 進攻，Giants 先以 2 球領先。";
        assert_eq!(language(zh), "cmn");
        let ru = "Функция wcsnrtombs() подобна функции wcsrtombs(), за исключением того, что количество \
                  широких символов, которые нужно преобразовать, начиная с *src, ограничено nwc.";
        assert_eq!(language(ru), "rus");
        // A few words of another script in an English text change nothing.
        assert_eq!(
            language("The Kremlin (Кремль) said the talks with Beijing (北京) would go on next week."),
            "eng"
        );
    }
}
