//! Text encodings of the files acrlint reads. Templates are UTF-8, with or without a
//! byte order mark; a file with a UTF-16 or UTF-32 byte order mark is decoded, as the
//! Azure CLI and PowerShell read it. A file that looks like UTF-16 or UTF-32 but has no
//! byte order mark is refused with a message naming what it looks like: no tool reads
//! it the same way, and skipping it would let it pass unchecked.

/// An encoding a file was found to be in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16Le,
    Utf16Be,
    Utf32Le,
    Utf32Be,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
            Encoding::Utf32Le => "UTF-32LE",
            Encoding::Utf32Be => "UTF-32BE",
        }
    }

    /// The encoding a byte order mark at the start of `bytes` names, with the mark's
    /// length. UTF-32LE's mark starts with UTF-16LE's, so it is tried first.
    pub fn from_bom(bytes: &[u8]) -> Option<(Encoding, usize)> {
        const MARKS: [(&[u8], Encoding); 5] = [
            (b"\xEF\xBB\xBF", Encoding::Utf8),
            (b"\xFF\xFE\x00\x00", Encoding::Utf32Le),
            (b"\x00\x00\xFE\xFF", Encoding::Utf32Be),
            (b"\xFF\xFE", Encoding::Utf16Le),
            (b"\xFE\xFF", Encoding::Utf16Be),
        ];
        MARKS
            .iter()
            .find(|(mark, _)| bytes.starts_with(mark))
            .map(|(mark, e)| (*e, mark.len()))
    }

    /// What a file without a byte order mark looks like from the zero bytes of its
    /// start: text in ASCII (JSON, Bicep) has a zero in every other or every fourth
    /// byte when written in UTF-16 or UTF-32.
    pub fn sniff_without_bom(bytes: &[u8]) -> Option<Encoding> {
        let head = &bytes[..bytes.len().min(64)];
        if head.len() < 4 {
            return None;
        }
        let zero_at = |i: usize| head.chunks_exact(4).all(|c| c[i] == 0);
        let non_zero_at = |i: usize| head.chunks_exact(4).all(|c| c[i] != 0);
        if zero_at(1) && zero_at(2) && zero_at(3) && non_zero_at(0) {
            return Some(Encoding::Utf32Le);
        }
        if zero_at(0) && zero_at(1) && zero_at(2) && non_zero_at(3) {
            return Some(Encoding::Utf32Be);
        }
        let pairs = |zero: usize| {
            head.chunks_exact(2)
                .all(|c| c[zero] == 0 && c[1 - zero] != 0)
        };
        if pairs(1) {
            return Some(Encoding::Utf16Le);
        }
        if pairs(0) {
            return Some(Encoding::Utf16Be);
        }
        None
    }
}

/// Why bytes could not be decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    pub message: String,
    /// Byte offset into the decoded text (what was decoded before the problem).
    pub offset: u32,
    /// The text with what could not be decoded replaced (U+FFFD), to place `offset`
    /// and to tell whether the file looks like a template.
    pub lossy: String,
}

/// Decode a file's bytes into text without its byte order mark; returns the encoding
/// found. UTF-8 without a mark is the default.
pub fn decode(bytes: Vec<u8>) -> Result<(String, Encoding), DecodeError> {
    match Encoding::from_bom(&bytes) {
        Some((Encoding::Utf8, n)) => utf8(bytes, n),
        Some((e, n)) => match wide(&bytes[n..], e) {
            (text, None) => Ok((text, e)),
            (lossy, Some((what, offset))) => Err(DecodeError {
                message: format!(
                    "file is not valid {} with a byte order mark: {what}",
                    e.name()
                ),
                offset,
                lossy,
            }),
        },
        None => match Encoding::sniff_without_bom(&bytes) {
            Some(e) => {
                let (lossy, _) = wide(&bytes, e);
                Err(DecodeError {
                    message: format!(
                        "file looks like {} text without a byte order mark; save it as UTF-8 (or with a byte order mark)",
                        e.name()
                    ),
                    offset: 0,
                    lossy,
                })
            }
            None => utf8(bytes, 0),
        },
    }
}

fn utf8(mut bytes: Vec<u8>, bom: usize) -> Result<(String, Encoding), DecodeError> {
    bytes.drain(..bom);
    String::from_utf8(bytes)
        .map(|t| (t, Encoding::Utf8))
        .map_err(|e| {
            let at = e.utf8_error().valid_up_to();
            DecodeError {
                message: not_utf8(e.as_bytes(), at),
                offset: at as u32,
                lossy: String::from_utf8_lossy(e.as_bytes()).into_owned(),
            }
        })
}

/// Why `bytes` are not UTF-8, naming the encoding they appear to be in: a byte order
/// mark says UTF-16 or UTF-32; NUL bytes at every other position say UTF-16 without
/// one; otherwise the first invalid byte is named (Windows-1252 and Latin-1 text fails
/// there).
pub fn not_utf8(bytes: &[u8], valid_up_to: usize) -> String {
    let encoding = if bytes.starts_with(&[0xFF, 0xFE, 0, 0]) {
        Some("UTF-32 little-endian (byte order mark FF FE 00 00)")
    } else if bytes.starts_with(&[0, 0, 0xFE, 0xFF]) {
        Some("UTF-32 big-endian (byte order mark 00 00 FE FF)")
    } else if bytes.starts_with(&[0xFF, 0xFE]) {
        Some("UTF-16 little-endian (byte order mark FF FE)")
    } else if bytes.starts_with(&[0xFE, 0xFF]) {
        Some("UTF-16 big-endian (byte order mark FE FF)")
    } else {
        let head = &bytes[..bytes.len().min(512)];
        let zeros_at = |parity: usize| {
            head.iter()
                .enumerate()
                .filter(|(i, b)| i % 2 == parity && **b == 0)
                .count()
        };
        let pairs = head.len() / 2;
        if pairs >= 2 && zeros_at(1) * 10 >= pairs * 9 {
            Some("UTF-16 little-endian (no byte order mark)")
        } else if pairs >= 2 && zeros_at(0) * 10 >= pairs * 9 {
            Some("UTF-16 big-endian (no byte order mark)")
        } else {
            None
        }
    };
    match encoding {
        Some(e) => format!("file is {e}, not UTF-8: save it as UTF-8"),
        None => format!(
            "file is not valid UTF-8: byte 0x{:02X} at offset {valid_up_to} (Windows-1252 or Latin-1 text?); save it as UTF-8",
            bytes.get(valid_up_to).copied().unwrap_or_default()
        ),
    }
}

/// Decode UTF-16 or UTF-32 (`bytes` without the mark), replacing what cannot be
/// decoded; the first problem is returned with its offset in the text.
fn wide(bytes: &[u8], e: Encoding) -> (String, Option<(String, u32)>) {
    let mut out = String::with_capacity(bytes.len() / 2);
    let mut problem: Option<(String, u32)> = None;
    let mut note = |out: &mut String, what: String| {
        if problem.is_none() {
            problem = Some((what, out.len() as u32));
        }
        out.push(char::REPLACEMENT_CHARACTER);
    };
    match e {
        Encoding::Utf16Le | Encoding::Utf16Be => {
            let units = bytes.chunks_exact(2).map(|c| {
                if e == Encoding::Utf16Le {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            });
            for r in char::decode_utf16(units) {
                match r {
                    Ok(c) => out.push(c),
                    Err(u) => note(
                        &mut out,
                        format!("unpaired surrogate 0x{:04X}", u.unpaired_surrogate()),
                    ),
                }
            }
            if !bytes.len().is_multiple_of(2) {
                note(&mut out, "odd number of bytes".into());
            }
        }
        Encoding::Utf32Le | Encoding::Utf32Be => {
            for c in bytes.chunks_exact(4) {
                let arr = [c[0], c[1], c[2], c[3]];
                let n = if e == Encoding::Utf32Le {
                    u32::from_le_bytes(arr)
                } else {
                    u32::from_be_bytes(arr)
                };
                match char::from_u32(n) {
                    Some(c) => out.push(c),
                    None => note(&mut out, format!("invalid code point 0x{n:X}")),
                }
            }
            if !bytes.len().is_multiple_of(4) {
                note(&mut out, "length not a multiple of 4 bytes".into());
            }
        }
        Encoding::Utf8 => out.push_str(&String::from_utf8_lossy(bytes)),
    }
    (out, problem)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str, big: bool, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        let units = if bom { vec![0xFEFF] } else { vec![] };
        for u in units.into_iter().chain(text.encode_utf16()) {
            out.extend(if big {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            });
        }
        out
    }

    fn utf32(text: &str, big: bool) -> Vec<u8> {
        let mut out = Vec::new();
        for c in std::iter::once('\u{feff}').chain(text.chars()) {
            let n = c as u32;
            out.extend(if big {
                n.to_be_bytes()
            } else {
                n.to_le_bytes()
            });
        }
        out
    }

    #[test]
    fn byte_order_marks_are_decoded() {
        let text = "{\"a\": \"é😀\"}";
        for (bytes, want) in [
            (utf16(text, false, true), Encoding::Utf16Le),
            (utf16(text, true, true), Encoding::Utf16Be),
            (utf32(text, false), Encoding::Utf32Le),
            (utf32(text, true), Encoding::Utf32Be),
            (
                [&b"\xEF\xBB\xBF"[..], text.as_bytes()].concat(),
                Encoding::Utf8,
            ),
            (text.as_bytes().to_vec(), Encoding::Utf8),
        ] {
            assert_eq!(decode(bytes), Ok((text.to_string(), want)));
        }
    }

    #[test]
    fn wide_text_without_a_mark_is_named_not_decoded() {
        let err = decode(utf16("{\"a\": 1}", false, false)).unwrap_err();
        assert!(
            err.message
                .contains("UTF-16LE text without a byte order mark"),
            "{}",
            err.message
        );
        assert_eq!(err.lossy, "{\"a\": 1}");
        let err = decode(utf16("{\"a\": 1}", true, false)).unwrap_err();
        assert!(err.message.contains("UTF-16BE"), "{}", err.message);
        let mut be32 = utf32("{\"a\": 1}", true);
        be32.drain(..4);
        assert!(decode(be32).unwrap_err().message.contains("UTF-32BE"));
    }

    #[test]
    fn broken_wide_text_names_the_encoding_and_the_place() {
        let mut bytes = utf16("ab", false, true);
        bytes.extend([0x00, 0xD8]); // a lone high surrogate
        bytes.extend(utf16("c", false, false));
        let err = decode(bytes).unwrap_err();
        assert_eq!(
            err.message,
            "file is not valid UTF-16LE with a byte order mark: unpaired surrogate 0xD800"
        );
        assert_eq!(err.offset, 2);
        assert_eq!(err.lossy, "ab\u{fffd}c");
        let err = decode(vec![0xFF, 0xFE, 0x41]).unwrap_err();
        assert!(
            err.message.contains("odd number of bytes"),
            "{}",
            err.message
        );
        let err = decode(b"ab\xFFcd".to_vec()).unwrap_err();
        assert_eq!(
            (err.message.as_str(), err.offset),
            (
                "file is not valid UTF-8: byte 0xFF at offset 2 (Windows-1252 or Latin-1 text?); save it as UTF-8",
                2
            )
        );
    }
}
