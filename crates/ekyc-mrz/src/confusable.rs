//! Character pairs an OCR recogniser plausibly mixes up in the OCR-B MRZ font. Deliberately short:
//! the resolver only ever trades a character for one of its look-alikes.

/// Unordered look-alike pairs.
const PAIRS: [(char, char); 12] = [
    ('O', '0'),
    ('Q', '0'),
    ('D', '0'),
    ('I', '1'),
    ('B', '8'),
    ('S', '5'),
    ('Z', '2'),
    ('G', '6'),
    // The filler chevron is read as a letter when the stroke is broken or smudged.
    ('<', 'K'),
    ('<', 'C'),
    ('<', 'S'),
    ('<', 'E'),
];

/// True if `a` and `b` are a known look-alike pair (in either order).
pub fn confusable(a: char, b: char) -> bool {
    PAIRS
        .iter()
        .any(|&(x, y)| (x == a && y == b) || (x == b && y == a))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symmetric_and_strict() {
        assert!(confusable('O', '0') && confusable('0', 'O'));
        assert!(confusable('<', 'K') && confusable('S', '<'));
        assert!(!confusable('A', 'B'));
        assert!(!confusable('0', '0'));
        assert!(!confusable('M', 'N'));
    }
}
