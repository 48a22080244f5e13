//! ICAO 9303 Part 3 check digits: weights 7, 3, 1 repeating, sum modulo 10.

/// Value of one MRZ character: digits are themselves, `A`..`Z` are 10..35, the filler `<` is 0.
pub fn char_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => c.to_digit(10),
        'A'..='Z' => Some(u32::from(c) - u32::from('A') + 10),
        '<' => Some(0),
        _ => None,
    }
}

/// True for the 37 characters an MRZ may contain.
pub fn is_mrz_char(c: char) -> bool {
    char_value(c).is_some()
}

/// Check digit of `field`; `None` if it holds a character outside `A-Z 0-9 <`.
pub fn check_digit(field: &str) -> Option<u8> {
    check_digit_chars(field.chars())
}

/// Same as [`check_digit`] over any character sequence (used on scattered positions).
pub(crate) fn check_digit_chars(chars: impl IntoIterator<Item = char>) -> Option<u8> {
    const WEIGHTS: [u32; 3] = [7, 3, 1];
    let mut sum = 0u32;
    for (i, c) in chars.into_iter().enumerate() {
        // Reduce as we go so arbitrarily long input cannot overflow.
        sum = (sum + char_value(c)? * WEIGHTS[i % 3]) % 10;
    }
    u8::try_from(sum).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn icao_examples() {
        // Worked examples from Doc 9303 Part 3 and the specimen passport.
        assert_eq!(check_digit("520727"), Some(3));
        assert_eq!(check_digit("L898902C3"), Some(6));
        assert_eq!(check_digit("740812"), Some(2));
        assert_eq!(check_digit("120415"), Some(9));
        assert_eq!(check_digit("ZE184226B<<<<<"), Some(1));
        assert_eq!(check_digit("AB2134<<<"), Some(5));
    }

    #[test]
    fn values_and_rejects() {
        assert_eq!(char_value('<'), Some(0));
        assert_eq!(char_value('A'), Some(10));
        assert_eq!(char_value('Z'), Some(35));
        assert_eq!(char_value('7'), Some(7));
        assert_eq!(check_digit(""), Some(0));
        assert_eq!(check_digit("<<<<"), Some(0));
        assert_eq!(check_digit("ab"), None);
        assert_eq!(check_digit("A B"), None);
        assert_eq!(check_digit("É"), None);
        assert!(!is_mrz_char('«'));
    }
}
