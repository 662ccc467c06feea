//! Language labels as a lexicon names its tables.
//!
//! In: a document's language label as a corpus or the detector writes it. Out: the ISO 639-3
//! codes whose dictionary may serve it, best first. Corpora label languages in several ways:
//! ISO 639-3 codes (`fra`, as whatlang and NTREX), with a region or script (`fra-CA`,
//! `fra_Latn`, as FineWeb-2 and HPLT), ISO 639-1 codes (`fr`, as CulturaX, MADLAD-400 and
//! OSCAR; `iw` and `in` as CLD2 still writes Hebrew and Indonesian), and either a
//! macrolanguage or one of its members (`ara` or Standard Arabic `arb`, `zho` or Mandarin `cmn`,
//! `fas` or Iranian Persian `pes`). A dictionary of the macrolanguage serves its members and the
//! other way round, so each is tried after the label's own code.

use std::borrow::Cow;

/// ISO 639-1 codes (and the withdrawn `iw`, `in`, `ji`, `jw`, `mo` that language identifiers
/// still write) with their ISO 639-3 code, sorted by the two-letter code.
#[rustfmt::skip]
const ISO_639_1: &[(&str, &str)] = &[
    ("aa", "aar"), ("ab", "abk"), ("ae", "ave"), ("af", "afr"), ("ak", "aka"), ("am", "amh"),
    ("an", "arg"), ("ar", "ara"), ("as", "asm"), ("av", "ava"), ("ay", "aym"), ("az", "aze"),
    ("ba", "bak"), ("be", "bel"), ("bg", "bul"), ("bi", "bis"), ("bm", "bam"), ("bn", "ben"),
    ("bo", "bod"), ("br", "bre"), ("bs", "bos"), ("ca", "cat"), ("ce", "che"), ("ch", "cha"),
    ("co", "cos"), ("cr", "cre"), ("cs", "ces"), ("cu", "chu"), ("cv", "chv"), ("cy", "cym"),
    ("da", "dan"), ("de", "deu"), ("dv", "div"), ("dz", "dzo"), ("ee", "ewe"), ("el", "ell"),
    ("en", "eng"), ("eo", "epo"), ("es", "spa"), ("et", "est"), ("eu", "eus"), ("fa", "fas"),
    ("ff", "ful"), ("fi", "fin"), ("fj", "fij"), ("fo", "fao"), ("fr", "fra"), ("fy", "fry"),
    ("ga", "gle"), ("gd", "gla"), ("gl", "glg"), ("gn", "grn"), ("gu", "guj"), ("gv", "glv"),
    ("ha", "hau"), ("he", "heb"), ("hi", "hin"), ("ho", "hmo"), ("hr", "hrv"), ("ht", "hat"),
    ("hu", "hun"), ("hy", "hye"), ("hz", "her"), ("ia", "ina"), ("id", "ind"), ("ie", "ile"),
    ("ig", "ibo"), ("ii", "iii"), ("ik", "ipk"), ("in", "ind"), ("io", "ido"), ("is", "isl"),
    ("it", "ita"), ("iu", "iku"), ("iw", "heb"), ("ja", "jpn"), ("ji", "yid"), ("jv", "jav"),
    ("jw", "jav"), ("ka", "kat"), ("kg", "kon"), ("ki", "kik"), ("kj", "kua"), ("kk", "kaz"),
    ("kl", "kal"), ("km", "khm"), ("kn", "kan"), ("ko", "kor"), ("kr", "kau"), ("ks", "kas"),
    ("ku", "kur"), ("kv", "kom"), ("kw", "cor"), ("ky", "kir"), ("la", "lat"), ("lb", "ltz"),
    ("lg", "lug"), ("li", "lim"), ("ln", "lin"), ("lo", "lao"), ("lt", "lit"), ("lu", "lub"),
    ("lv", "lav"), ("mg", "mlg"), ("mh", "mah"), ("mi", "mri"), ("mk", "mkd"), ("ml", "mal"),
    ("mn", "mon"), ("mo", "ron"), ("mr", "mar"), ("ms", "msa"), ("mt", "mlt"), ("my", "mya"),
    ("na", "nau"), ("nb", "nob"), ("nd", "nde"), ("ne", "nep"), ("ng", "ndo"), ("nl", "nld"),
    ("nn", "nno"), ("no", "nor"), ("nr", "nbl"), ("nv", "nav"), ("ny", "nya"), ("oc", "oci"),
    ("oj", "oji"), ("om", "orm"), ("or", "ori"), ("os", "oss"), ("pa", "pan"), ("pi", "pli"),
    ("pl", "pol"), ("ps", "pus"), ("pt", "por"), ("qu", "que"), ("rm", "roh"), ("rn", "run"),
    ("ro", "ron"), ("ru", "rus"), ("rw", "kin"), ("sa", "san"), ("sc", "srd"), ("sd", "snd"),
    ("se", "sme"), ("sg", "sag"), ("si", "sin"), ("sk", "slk"), ("sl", "slv"), ("sm", "smo"),
    ("sn", "sna"), ("so", "som"), ("sq", "sqi"), ("sr", "srp"), ("ss", "ssw"), ("st", "sot"),
    ("su", "sun"), ("sv", "swe"), ("sw", "swa"), ("ta", "tam"), ("te", "tel"), ("tg", "tgk"),
    ("th", "tha"), ("ti", "tir"), ("tk", "tuk"), ("tl", "tgl"), ("tn", "tsn"), ("to", "ton"),
    ("tr", "tur"), ("ts", "tso"), ("tt", "tat"), ("tw", "twi"), ("ty", "tah"), ("ug", "uig"),
    ("uk", "ukr"), ("ur", "urd"), ("uz", "uzb"), ("ve", "ven"), ("vi", "vie"), ("vo", "vol"),
    ("wa", "wln"), ("wo", "wol"), ("xh", "xho"), ("yi", "yid"), ("yo", "yor"), ("za", "zha"),
    ("zh", "zho"), ("zu", "zul"),
];

/// ISO 639-3 macrolanguages (first) with the members whose written standard their
/// dictionaries share; `tgl` and `fil` (Filipino, standardized Tagalog) are listed alike.
#[rustfmt::skip]
const FAMILIES: &[&[&str]] = &[
    &["ara", "arb", "arz", "ary", "apc", "ajp", "acm", "aeb", "ars", "afb", "ayl", "arq"],
    &["zho", "cmn"],
    &["fas", "pes", "prs"],
    &["msa", "zsm"],
    &["nor", "nob", "nno"],
    &["est", "ekk"],
    &["lav", "lvs"],
    &["swa", "swh"],
    &["uzb", "uzn"],
    &["sqi", "als"],
    &["aze", "azj"],
    &["mon", "khk"],
    &["nep", "npi"],
    &["ori", "ory"],
    &["pus", "pbt"],
    &["kur", "kmr"],
    &["yid", "ydd"],
    &["hbs", "hrv", "srp", "bos"],
    &["tgl", "fil"],
];

/// The ISO 639-3 code of `label`: its language subtag (up to the first `-` or `_`),
/// lowercased, and a two-letter code mapped to its three-letter one. Any other subtag is kept
/// as it is (the lexicon knows no such table, and says so by not covering it). Borrowed unless
/// the label has capitals.
pub(crate) fn iso_639_3(label: &str) -> Cow<'_, str> {
    let base = label.split(['-', '_']).next().unwrap_or(label);
    let base = if base.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(base.to_ascii_lowercase())
    } else {
        Cow::Borrowed(base)
    };
    match ISO_639_1.binary_search_by(|e| e.0.cmp(&base)) {
        Ok(i) => Cow::Borrowed(ISO_639_1[i].1),
        Err(_) => base,
    }
}

/// The codes whose dictionary may serve `label`, best first: its own ISO 639-3 code, then the
/// other members of its family (macrolanguage first).
pub(crate) fn candidates(label: &str) -> impl Iterator<Item = Cow<'_, str>> {
    let code = iso_639_3(label);
    let family = FAMILIES.iter().find(|f| f.contains(&&*code)).copied().unwrap_or(&[]);
    let own = code.clone();
    let others = family.iter().copied().filter(move |&c| c != own).map(Cow::Borrowed);
    std::iter::once(code).chain(others)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_two_letter_table_is_sorted_and_one_to_one_in_its_codes() {
        assert!(ISO_639_1.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(ISO_639_1.iter().all(|e| e.0.len() == 2 && e.1.len() == 3));
        let mut seen = std::collections::HashSet::new();
        assert!(FAMILIES.iter().flat_map(|f| f.iter()).all(|c| seen.insert(*c)));
    }

    #[test]
    fn labels_of_every_style_come_to_one_code() {
        for label in ["fra", "fr", "FR", "fra-CA", "fra_Latn", "fr-FR", "fr_FR"] {
            assert_eq!(iso_639_3(label), "fra", "{label}");
        }
        assert_eq!(iso_639_3("iw"), "heb");
        assert_eq!(iso_639_3("en-US"), "eng");
        // Unknown codes are kept as they are.
        assert_eq!(iso_639_3("zz"), "zz");
        assert_eq!(iso_639_3("ckb-Arab"), "ckb");
        let candidates = |label| candidates(label).collect::<Vec<_>>();
        assert_eq!(
            candidates("arb"),
            [
                "arb", "ara", "arz", "ary", "apc", "ajp", "acm", "aeb", "ars", "afb", "ayl", "arq"
            ]
        );
        assert_eq!(candidates("zh-TW"), ["zho", "cmn"]);
        assert_eq!(candidates("deu"), ["deu"]);
    }
}
