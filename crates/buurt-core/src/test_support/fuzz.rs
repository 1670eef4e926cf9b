//! For the fuzz tests of the parsers: [`cases`], and mutations of a valid fixture. A property
//! test draws a few [`Edit`]s (plain numbers, so any generator can make and shrink them) and
//! feeds [`mutate`]`(fixture, edits)` to a parser. The edits are the damage a user's file or request
//! shows in practice: a cut-off end, a flipped byte, a separator, quote or byte-order mark in the
//! wrong place, a decimal comma, a `.` suppression marker, a huge number or `NaN`, a line too
//! many or too few, bytes that are not UTF-8.

/// Cases per property: `default`, or `PROPTEST_CASES` when set (proptest's own variable, which
/// an explicit case count would otherwise override), for a longer run by hand or in a nightly
/// job: `PROPTEST_CASES=20000 cargo test --workspace fuzz`.
#[must_use]
pub fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// One edit: `(kind, position, argument)`. The kind is taken modulo the number of kinds, the
/// position modulo the length (plus one) of the text being edited, the argument picks a
/// snippet, a byte or a length.
pub type Edit = (u8, usize, u32);

/// Texts that parsers of CBS/RIVM files and of buurt's requests treat specially.
pub const SNIPPETS: &[&[u8]] = &[
    b";",
    b",",
    b"\"",
    b"\xef\xbb\xbf",
    b"\n",
    b"\r\n",
    b"\r",
    b".",
    b"       .",
    b"12,5",
    b"1.234,5",
    b"1e308",
    b"1e309",
    b"-1e999",
    b"99999999999999999999999999999999",
    b"-99997",
    b"NaN",
    b"nan",
    b"inf",
    b"-0",
    b"0x1F",
    b"",
    b"   ",
    b"\t",
    b"\0",
    b"\xff\xfe",
    b"\xc3",
    b"\xe9",
    b"\xf0\x9f\x98\x80",
    b"GM0344",
    b"BU0344011",
    b"WK0363MA",
    b"NL01",
    b"2024BU03440111",
    b"Gemeente  ",
    b"{",
    b"}",
    b"[",
    b"]",
    b":",
    b"null",
    b"true",
    b"\"x\"",
    b"[]",
    b"{}",
    b"%",
    b"&",
    b"=",
    b"/",
];

/// Number of edit kinds [`mutate`] knows.
pub const EDIT_KINDS: u8 = 9;

/// `base` with `edits` applied in order:
///
/// | kind | edit |
/// |---|---|
/// | 0 | cut off at the position |
/// | 1 | flip bits of the byte at the position |
/// | 2 | insert a [`SNIPPETS`] entry at the position |
/// | 3 | delete up to 8 bytes from the position |
/// | 4 | repeat the line holding the position |
/// | 5 | remove the line holding the position |
/// | 6 | replace the field at the position (up to the next separator) by a snippet |
/// | 7 | set the byte at the position to any value |
/// | 8 | insert a separator (`;`, `,`, tab or quote) at the position |
#[must_use]
pub fn mutate(base: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut out = base.to_vec();
    for &(kind, pos, arg) in edits {
        let at = pos % (out.len() + 1);
        let snippet = SNIPPETS[arg as usize % SNIPPETS.len()];
        match kind % EDIT_KINDS {
            0 => out.truncate(at),
            1 => {
                if let Some(b) = out.get_mut(at) {
                    *b ^= (arg as u8) | 1;
                }
            }
            2 => {
                out.splice(at..at, snippet.iter().copied());
            }
            3 => {
                let end = (at + 1 + arg as usize % 8).min(out.len());
                out.drain(at.min(end)..end);
            }
            4 | 5 => {
                let (start, end) = line_around(&out, at);
                if kind % EDIT_KINDS == 4 {
                    let line = out[start..end].to_vec();
                    out.splice(end..end, line);
                } else {
                    out.drain(start..end);
                }
            }
            6 => {
                let (start, end) = field_around(&out, at);
                out.splice(start..end, snippet.iter().copied());
            }
            7 => {
                if let Some(b) = out.get_mut(at) {
                    *b = arg as u8;
                }
            }
            _ => {
                let separator = [b';', b',', b'\t', b'"'][arg as usize % 4];
                out.insert(at, separator);
            }
        }
    }
    out
}

/// The line holding `at`, with its line end: `start..end`.
fn line_around(bytes: &[u8], at: usize) -> (usize, usize) {
    let at = at.min(bytes.len());
    let start = bytes[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let end = bytes[at..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |i| at + i + 1);
    (start, end)
}

/// The field holding `at`: the bytes between the separators (`;`, `,`, tab, quote, line end,
/// JSON punctuation) around it.
fn field_around(bytes: &[u8], at: usize) -> (usize, usize) {
    let is_separator = |b: &u8| b";,\t\"\n\r:{}[]".contains(b);
    let at = at.min(bytes.len());
    let start = bytes[..at]
        .iter()
        .rposition(is_separator)
        .map_or(0, |i| i + 1);
    let end = bytes[at..]
        .iter()
        .position(is_separator)
        .map_or(bytes.len(), |i| at + i);
    (start, end.max(start))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_edits_as_documented() {
        let base = b"a;bb;c\nd;e;f\n";
        assert_eq!(mutate(base, &[(0, 3, 0)]), b"a;b");
        assert_eq!(mutate(base, &[(1, 0, 0)]), b"`;bb;c\nd;e;f\n");
        assert_eq!(mutate(base, &[(2, 1, 4)]), b"a\n;bb;c\nd;e;f\n");
        assert_eq!(mutate(base, &[(3, 1, 2)]), b"a;c\nd;e;f\n");
        assert_eq!(mutate(base, &[(4, 8, 0)]), b"a;bb;c\nd;e;f\nd;e;f\n");
        assert_eq!(mutate(base, &[(5, 2, 0)]), b"d;e;f\n");
        assert_eq!(mutate(base, &[(6, 3, 7)]), b"a;.;c\nd;e;f\n");
        assert_eq!(mutate(base, &[(7, 0, 0xff)]), b"\xff;bb;c\nd;e;f\n");
        assert_eq!(mutate(base, &[(8, 1, 1)]), b"a,;bb;c\nd;e;f\n");
        // Positions wrap, and edits of an empty text do nothing harmful.
        assert_eq!(mutate(base, &[(0, base.len() + 1 + 3, 0)]), b"a;b");
        for kind in 0..EDIT_KINDS {
            let _ = mutate(b"", &[(kind, 5, 9)]);
        }
    }
}
