//! Layout evidence of the cross-lingual stage: a translation keeps its source's paragraphs.
//!
//! In: a document's text (what is left once its repeats and boilerplate lines are set aside).
//! Out: its layout, the lengths of its paragraphs (non-empty lines), and the agreement of two
//! layouts.
//!
//! The length of a translated segment is proportional to the length of its source, whatever
//! the two languages (Gale and Church 1993, "A program for aligning sentences in bilingual
//! corpora", Computational Linguistics 19(1), which aligns sentences by that alone). A
//! translation that keeps its source's paragraphs, as syndicated news does, has as many
//! paragraphs, and their lengths rise and fall together. The agreement of two layouts is the
//! Pearson correlation of their log paragraph lengths in characters, when both have the same
//! number of paragraphs (the log turns each language's constant ratio into a shift, which the
//! correlation ignores); layouts with different counts say nothing. This is the one evidence of
//! the stage that needs no anchor at all: a short article in a script without capitals (Chinese,
//! Sinhala, Dzongkha) keeps few names or numbers, but it keeps its paragraphs. Pages of one
//! template are laid out alike too, so the grouping only ever reads layouts to attach a
//! document that anchors could not place, to an article whose documents it agrees with far more
//! than with any other's.

/// A document's layout: its paragraphs' log lengths, centred and scaled to unit norm, so that
/// the agreement of two layouts of one length is their dot product. Empty when the document has
/// fewer than [`MIN_PARAGRAPHS`] paragraphs, more than [`MAX_PARAGRAPHS`], or paragraphs all of
/// one length (nothing to correlate).
pub fn layout(text: &str) -> Vec<f32> {
    let mut v: Vec<f32> = text
        .lines()
        .map(|l| l.trim().chars().count())
        .filter(|&n| n > 0)
        .map(|n| (n as f32).ln())
        .collect();
    if v.len() < MIN_PARAGRAPHS || v.len() > MAX_PARAGRAPHS {
        return Vec::new();
    }
    // Centred and scaled in place.
    let mean = v.iter().sum::<f32>() / v.len() as f32;
    v.iter_mut().for_each(|x| *x -= mean);
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm < 1e-6 {
        return Vec::new();
    }
    v.iter_mut().for_each(|x| *x /= norm);
    v
}

/// The agreement of two layouts: their correlation when both have one number of paragraphs,
/// else `None` (nothing to compare).
pub(crate) fn agreement(a: &[f32], b: &[f32]) -> Option<f32> {
    (!a.is_empty() && a.len() == b.len()).then(|| a.iter().zip(b).map(|(x, y)| x * y).sum())
}

/// Fewest paragraphs a layout has: the lengths of a few paragraphs correlate by chance (on
/// NTREX, two different articles of five paragraphs correlate above 0.85 one time in ten, of
/// nine paragraphs above 0.55 one time in a thousand), so a layout attaches a document only
/// on its mean agreement with many documents of an article.
pub const MIN_PARAGRAPHS: usize = 5;

/// Most paragraphs a layout keeps: longer documents have anchors enough, and a layout's memory
/// stays small.
pub const MAX_PARAGRAPHS: usize = 4096;

/// Documents of one paragraph count a document's layout is compared with, at most, when
/// attaching it: bounds the work in a corpus where one count is common.
pub(crate) const BUDGET: usize = 4096;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_translation_agrees_and_another_article_does_not() {
        let source = "A short title\nA long first paragraph that says a great deal about it.\nA middle one.\n\
                      And a last paragraph of some length to close.\nBye.";
        // The same paragraphs, each about 1.3 times as long (another language).
        let translation = "Un titre assez court\nUn long premier paragraphe qui en dit vraiment beaucoup sur le sujet.\n\
                           Un au milieu ici.\nEt un dernier paragraphe d'une certaine longueur pour conclure.\nAu revoir.";
        let other = "A long title of an article on another subject entirely\nShort.\n\
                     A middle paragraph of some length, longer than most.\nEnd.\nA closing line of medium size.";
        let (s, t, o) = (layout(source), layout(translation), layout(other));
        assert!(agreement(&s, &t).unwrap() > 0.95, "{:?}", agreement(&s, &t));
        assert!(agreement(&s, &o).unwrap() < 0.5, "{:?}", agreement(&s, &o));
        // A layout agrees with itself fully; a different paragraph count says nothing.
        assert!((agreement(&s, &s).unwrap() - 1.0).abs() < 1e-5);
        assert_eq!(
            agreement(&s, &layout("One\nTwo paragraphs here\nThree of them\nFour\nFive\nSix")),
            None
        );
    }

    #[test]
    fn too_few_or_uniform_paragraphs_have_no_layout() {
        assert!(layout("One line\nTwo lines\nThree\nFour of them").is_empty());
        assert!(layout("abc\ndef\nghi\njkl\nmno").is_empty());
        assert!(layout("").is_empty());
        // Blank lines are no paragraphs; surrounding spaces do not count.
        assert_eq!(layout("a\n\n  bbbb  \n\nccccccccc\ndd\n\neeeee\n").len(), 5);
    }
}
