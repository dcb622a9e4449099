//! Arabic for the finder: orthographic normalisation, then a light stemmer — Larkey, Ballesteros
//! and Connell's "light10" (*Light Stemming for Arabic Information Retrieval*, 2007), which strips
//! the conjunction, the article and the commonest suffixes without trying to find roots. Root
//! stemmers conflate too much for a catalogue's short titles (مكتب "office" and كتاب "book" share
//! a root); light10 keeps words apart that people keep apart, and brings together the forms of
//! one word people type (التسجيل، تسجيل، وتسجيل). Snowball's Arabic stemmer was measured beside
//! it (BENCHMARKS.md): no better beyond one or two questions, and it expects ة, which the
//! normalisation writes ه.

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// Normalises the spelling variants people type interchangeably: the alef forms (أ إ آ ٱ → ا),
/// hamza on a carrier (ؤ → و, ئ → ي), taa marbuta (ة → ه), alef maqsura (ى → ي); drops the
/// diacritics (harakat, tanwin, shadda, sukun, superscript alef) and the tatweel; writes
/// Arabic-Indic and Eastern Arabic-Indic digits as ASCII digits. Other characters are kept.
pub fn normalise(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        match c {
            'أ' | 'إ' | 'آ' | 'ٱ' => out.push('ا'),
            'ؤ' => out.push('و'),
            'ئ' => out.push('ي'),
            'ة' => out.push('ه'),
            'ى' => out.push('ي'),
            // Tanwin, harakat, shadda, sukun, the maddah and hamza above/below as marks,
            // superscript alef; tatweel.
            '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' => {}
            '\u{0660}'..='\u{0669}' => out.push(char::from(b'0' + (c as u32 - 0x0660) as u8)),
            '\u{06F0}'..='\u{06F9}' => out.push(char::from(b'0' + (c as u32 - 0x06F0) as u8)),
            _ => out.push(c),
        }
    }
    out
}

/// Whether `word` has any Arabic letter (the only words [`normalise`] and [`stem`] change).
pub fn is_arabic(word: &str) -> bool {
    word.chars()
        .any(|c| matches!(c, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}'))
}

/// The definite article with the prepositions fused to it, longest first (light10's list).
const ARTICLES: [&str; 6] = ["وال", "بال", "كال", "فال", "لل", "ال"];
/// Light10's suffixes, tried once each, in this order: ها ان ات ون ين يه ية ه ة ي, with ية
/// and ة written يه and ه as [`normalise`] leaves them.
const SUFFIXES: [&str; 8] = ["ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي"];

/// The light10 stem of a normalised word: the conjunction و when at least three letters remain,
/// then one article form when at least two remain, then each suffix in turn when at least two
/// remain. A word with no Arabic letter is returned as it is.
pub fn stem(word: &str) -> String {
    if !is_arabic(word) {
        return word.to_owned();
    }
    let mut w: Vec<char> = word.chars().collect();
    if w.len() > 3 && w[0] == 'و' {
        w.remove(0);
    }
    for a in ARTICLES {
        let a: Vec<char> = a.chars().collect();
        if w.len() >= a.len() + 2 && w.starts_with(&a) {
            w.drain(..a.len());
            break;
        }
    }
    for s in SUFFIXES {
        let s: Vec<char> = s.chars().collect();
        if w.len() >= s.len() + 2 && w.ends_with(&s) {
            w.truncate(w.len() - s.len());
        }
    }
    w.into_iter().collect()
}

/// The token filter: [`normalise`], then [`stem`] when `stemming`.
#[derive(Clone, Copy)]
pub struct ArabicFilter {
    /// Whether to stem after normalising (normalising alone folds the spelling, as accent
    /// folding does for the other languages).
    pub stemming: bool,
}

impl TokenFilter for ArabicFilter {
    type Tokenizer<T: Tokenizer> = ArabicTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> ArabicTokenizer<T> {
        ArabicTokenizer {
            inner: tokenizer,
            stemming: self.stemming,
        }
    }
}

/// A tokenizer followed by [`ArabicFilter`].
#[derive(Clone)]
pub struct ArabicTokenizer<T> {
    inner: T,
    stemming: bool,
}

impl<T: Tokenizer> Tokenizer for ArabicTokenizer<T> {
    type TokenStream<'a> = ArabicTokenStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        ArabicTokenStream {
            tail: self.inner.token_stream(text),
            stemming: self.stemming,
        }
    }
}

/// The tokens of [`ArabicTokenizer`].
pub struct ArabicTokenStream<T> {
    tail: T,
    stemming: bool,
}

impl<T: TokenStream> TokenStream for ArabicTokenStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if token.text.is_ascii() {
            return true;
        }
        let mut text = normalise(&token.text);
        if self.stemming {
            text = stem(&text);
        }
        token.text = text;
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both(w: &str) -> String {
        stem(&normalise(w))
    }

    #[test]
    fn spelling_variants_are_written_one_way() {
        assert_eq!(normalise("أحمد"), "احمد");
        assert_eq!(normalise("إسلام"), "اسلام");
        assert_eq!(normalise("آخر"), "اخر");
        assert_eq!(normalise("ٱلله"), "الله");
        assert_eq!(normalise("مسؤول"), "مسوول");
        assert_eq!(normalise("رئيس"), "رييس");
        assert_eq!(normalise("مدرسة"), "مدرسه");
        assert_eq!(normalise("مستشفى"), "مستشفي");
        // Harakat, tanwin, shadda, sukun; tatweel.
        assert_eq!(normalise("جَوَازُ"), "جواز");
        assert_eq!(normalise("شُكْرًا"), "شكرا");
        assert_eq!(normalise("مُدَرِّسٌ"), "مدرس");
        assert_eq!(normalise("جـــواز"), "جواز");
        assert_eq!(normalise("٢٠٢٥"), "2025");
        assert_eq!(normalise("۱۲"), "12");
        assert_eq!(normalise("passport"), "passport");
    }

    #[test]
    fn the_conjunction_and_the_article_are_stripped() {
        assert_eq!(both("التسجيل"), "تسجيل");
        assert_eq!(both("والتسجيل"), "تسجيل");
        assert_eq!(both("بالجامعة"), "جامع");
        assert_eq!(both("للطلاب"), "طلاب");
        assert_eq!(both("فالشركة"), "شرك");
        assert_eq!(both("كالعادة"), "عاد");
        // Too short to hold a prefix: kept whole.
        assert_eq!(both("ولد"), "ولد");
        assert_eq!(both("الم"), "الم");
    }

    #[test]
    fn the_commonest_suffixes_are_stripped() {
        assert_eq!(both("الاجتماعية"), both("اجتماعي"));
        assert_eq!(both("سيارات"), "سيار");
        assert_eq!(both("سيارة"), "سيار");
        assert_eq!(both("موظفين"), "موظف");
        assert_eq!(both("الموظفون"), "موظف");
        assert_eq!(both("رخصتها"), "رخصت");
        assert_eq!(both("شهادة"), both("الشهادة"));
        assert_eq!(both("شهادة"), both("شهادات"));
    }

    #[test]
    fn a_stem_keeps_two_letters_at_least() {
        assert_eq!(both("ابن"), "ابن");
        assert_eq!(both("يد"), "يد");
        assert_eq!(both("هي"), "هي");
        for w in ["ان", "ها", "الها", "والي", "ماتي"] {
            assert!(both(w).chars().count() >= 2, "{w}");
        }
    }

    #[test]
    fn words_in_other_scripts_are_left_alone() {
        assert_eq!(stem("passport"), "passport");
        assert!(!is_arabic("ção"));
        assert!(is_arabic("جواز"));
    }
}
