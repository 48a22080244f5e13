//! The decoder's token table: what a spoken code may be written as.
//!
//! `whisper_digits_decoder` keeps only these tokens (in this order) and takes/returns indices
//! into this table, so no general tokenizer is needed here. The list is the `TOKEN_TABLE` of
//! tools/models/convert_whisper.py; a test checks both spell the same tokens.

/// What a table token means for the code being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Prompt tokens, never generated.
    Prompt,
    /// End of the transcript.
    End,
    /// One spoken digit, whether written "7", " 7", " seven" or " Seven" ("oh" is 0).
    Digit(u8),
    /// Punctuation between digits (",", ".", "-"): carries no digit.
    Separator,
}

/// One table row: the token as the GPT-2 byte-level vocabulary spells it ("Ġ" = leading space).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableToken {
    pub text: &'static str,
    pub kind: TokenKind,
}

const fn tok(text: &'static str, kind: TokenKind) -> TableToken {
    TableToken { text, kind }
}

use TokenKind::{Digit as D, End, Prompt, Separator as Sep};

/// Index of `<|startoftranscript|>`.
pub const START: usize = 0;
/// Index of `<|notimestamps|>`.
pub const NO_TIMESTAMPS: usize = 1;
/// Index of `<|endoftext|>`.
pub const END: usize = 2;

/// The table, in the decoder's output column order.
pub const TABLE: [TableToken; 49] = [
    tok("<|startoftranscript|>", Prompt),
    tok("<|notimestamps|>", Prompt),
    tok("<|endoftext|>", End),
    tok("0", D(0)),
    tok("1", D(1)),
    tok("2", D(2)),
    tok("3", D(3)),
    tok("4", D(4)),
    tok("5", D(5)),
    tok("6", D(6)),
    tok("7", D(7)),
    tok("8", D(8)),
    tok("9", D(9)),
    tok("Ġ0", D(0)),
    tok("Ġ1", D(1)),
    tok("Ġ2", D(2)),
    tok("Ġ3", D(3)),
    tok("Ġ4", D(4)),
    tok("Ġ5", D(5)),
    tok("Ġ6", D(6)),
    tok("Ġ7", D(7)),
    tok("Ġ8", D(8)),
    tok("Ġ9", D(9)),
    tok("Ġzero", D(0)),
    tok("Ġone", D(1)),
    tok("Ġtwo", D(2)),
    tok("Ġthree", D(3)),
    tok("Ġfour", D(4)),
    tok("Ġfive", D(5)),
    tok("Ġsix", D(6)),
    tok("Ġseven", D(7)),
    tok("Ġeight", D(8)),
    tok("Ġnine", D(9)),
    tok("Ġoh", D(0)),
    tok("ĠZero", D(0)),
    tok("ĠOne", D(1)),
    tok("ĠTwo", D(2)),
    tok("ĠThree", D(3)),
    tok("ĠFour", D(4)),
    tok("ĠFive", D(5)),
    tok("ĠSix", D(6)),
    tok("ĠSeven", D(7)),
    tok("ĠEight", D(8)),
    tok("ĠNine", D(9)),
    tok("ĠOh", D(0)),
    tok(",", Sep),
    tok(".", Sep),
    tok("-", Sep),
    tok("Ġ-", Sep),
];

/// The prompt every decode starts from (English-only model: no language/task tokens).
pub const PROMPT: [usize; 2] = [START, NO_TIMESTAMPS];

#[cfg(test)]
mod tests {
    use super::*;

    /// The converter's table as it writes it, parsed from the script's Python source.
    fn script_table() -> Vec<String> {
        let script = include_str!("../../../tools/models/convert_whisper.py");
        let digit_words = [
            "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "oh",
        ];
        assert!(
            script.contains(
                "DIGIT_WORDS = [\"zero\", \"one\", \"two\", \"three\", \"four\", \"five\", \"six\", \"seven\", \"eight\", \"nine\"]"
            ),
            "DIGIT_WORDS changed in the converter"
        );
        let expected_source = "TOKEN_TABLE = (\n    [\"<|startoftranscript|>\", \"<|notimestamps|>\", \"<|endoftext|>\"]\n    + [str(d) for d in range(10)]\n    + [\"Ġ\" + str(d) for d in range(10)]\n    + [\"Ġ\" + w for w in DIGIT_WORDS + [\"oh\"]]\n    + [\"Ġ\" + w.capitalize() for w in DIGIT_WORDS + [\"oh\"]]\n    + [\",\", \".\", \"-\", \"Ġ-\"]\n)";
        assert!(
            script.contains(expected_source),
            "TOKEN_TABLE changed in the converter: update TABLE here and this test"
        );
        // Evaluate that expression the way Python would.
        let mut table: Vec<String> = ["<|startoftranscript|>", "<|notimestamps|>", "<|endoftext|>"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        table.extend((0..10).map(|d| d.to_string()));
        table.extend((0..10).map(|d| format!("Ġ{d}")));
        table.extend(digit_words.iter().map(|w| format!("Ġ{w}")));
        table.extend(digit_words.iter().map(|w| {
            let mut c = w.chars();
            let first = c.next().map(|f| f.to_ascii_uppercase()).unwrap_or_default();
            format!("Ġ{first}{}", c.as_str())
        }));
        table.extend([",", ".", "-", "Ġ-"].iter().map(|s| s.to_string()));
        table
    }

    #[test]
    fn table_matches_the_converter() {
        let ours: Vec<&str> = TABLE.iter().map(|t| t.text).collect();
        assert_eq!(ours, script_table());
    }

    #[test]
    fn digit_tokens_mean_their_digit() {
        for token in &TABLE {
            if let TokenKind::Digit(d) = token.kind {
                let word = token.text.trim_start_matches('Ġ').to_ascii_lowercase();
                let names = [
                    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                ];
                let ok =
                    word == d.to_string() || word == names[d as usize] || (d == 0 && word == "oh");
                assert!(ok, "{} is not digit {d}", token.text);
            }
        }
        // Every digit has 4 spellings ("7", " 7", " seven", " Seven"); 0 also " oh", " Oh".
        for d in 0..10u8 {
            let ways = TABLE
                .iter()
                .filter(|t| t.kind == TokenKind::Digit(d))
                .count();
            assert!(ways >= 4, "digit {d}: {ways} spellings");
        }
        assert_eq!(TABLE[START].kind, TokenKind::Prompt);
        assert_eq!(TABLE[NO_TIMESTAMPS].kind, TokenKind::Prompt);
        assert_eq!(TABLE[END].kind, TokenKind::End);
    }
}
