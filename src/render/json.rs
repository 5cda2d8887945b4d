//! Compact JSON written straight into a byte buffer, for the file every article has
//! (`annotations.jsonld`, see [`super::export`]).
//!
//! Through serde, every key and string went through serde_json's escaping loop one
//! byte at a time, and that loop was 4% of a build's instructions. Here keys are the
//! writer's own names, written as they are, and strings are checked eight bytes at a
//! time; what comes out is byte for byte what `serde_json::to_writer` writes (the
//! tests hold the two together).

/// An object being written: `{`, then `"key":value` pairs, then `}` on [`close`].
///
/// [`close`]: Object::close
pub struct Object<'o> {
    out: &'o mut Vec<u8>,
    empty: bool,
}

impl<'o> Object<'o> {
    pub fn open(out: &'o mut Vec<u8>) -> Self {
        out.push(b'{');
        Self { out, empty: true }
    }

    pub fn close(self) {
        self.out.push(b'}');
    }

    /// Writes `"key":`, after a comma unless it is the first key. Keys are names of
    /// the format, never text from an article: nothing in them needs escaping.
    fn key(&mut self, key: &'static str) {
        debug_assert!(!key.bytes().any(needs_escape), "{key:?}");
        if !self.empty {
            self.out.push(b',');
        }
        self.empty = false;
        self.out.push(b'"');
        self.out.extend_from_slice(key.as_bytes());
        self.out.extend_from_slice(b"\":");
    }

    pub fn str(&mut self, key: &'static str, value: &str) -> &mut Self {
        self.key(key);
        string(self.out, value);
        self
    }

    /// A string, or no key at all when there is none.
    pub fn opt_str(&mut self, key: &'static str, value: Option<&str>) -> &mut Self {
        if let Some(value) = value {
            self.str(key, value);
        }
        self
    }

    pub fn num(&mut self, key: &'static str, value: usize) -> &mut Self {
        self.key(key);
        self.out
            .extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
        self
    }

    /// Any value, written by `write`.
    pub fn value(&mut self, key: &'static str, write: impl FnOnce(&mut Vec<u8>)) -> &mut Self {
        self.key(key);
        write(self.out);
        self
    }

    /// An object, whose keys `fill` writes.
    pub fn object(&mut self, key: &'static str, fill: impl FnOnce(&mut Object<'_>)) -> &mut Self {
        self.value(key, |out| object(out, fill))
    }
}

/// Writes an object whose keys `fill` writes.
pub fn object(out: &mut Vec<u8>, fill: impl FnOnce(&mut Object<'_>)) {
    let mut object = Object::open(out);
    fill(&mut object);
    object.close();
}

/// Writes `items` as an array, each by `write`.
pub fn array<T>(
    out: &mut Vec<u8>,
    items: impl IntoIterator<Item = T>,
    mut write: impl FnMut(&mut Vec<u8>, T),
) {
    out.push(b'[');
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write(out, item);
    }
    out.push(b']');
}

/// Writes `value` as a JSON string, escaped as serde_json escapes it: `"`, `\` and
/// the control characters below U+0020, nothing else.
pub fn string(out: &mut Vec<u8>, value: &str) {
    let bytes = value.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut copied = 0;
    let mut at = 0;
    while at < bytes.len() {
        let eight = bytes
            .get(at..at + 8)
            .and_then(|chunk| <[u8; 8]>::try_from(chunk).ok());
        if let Some(eight) = eight {
            if !any_needs_escape(u64::from_le_bytes(eight)) {
                at += 8;
                continue;
            }
        }
        let byte = bytes[at];
        if needs_escape(byte) {
            out.extend_from_slice(&bytes[copied..at]);
            push_escape(out, byte);
            copied = at + 1;
        }
        at += 1;
    }
    out.extend_from_slice(&bytes[copied..]);
    out.push(b'"');
}

fn needs_escape(byte: u8) -> bool {
    byte < 0x20 || byte == b'"' || byte == b'\\'
}

/// Whether any of the eight bytes of `word` needs escaping: the bit tricks for "some
/// byte is below n" and "some byte is zero" (exact as a test of any byte, though they
/// may not say which).
fn any_needs_escape(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let below_space = word.wrapping_sub(ONES * 0x20) & !word & HIGH;
    let has_zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let quote = has_zero(word ^ (ONES * u64::from(b'"')));
    let backslash = has_zero(word ^ (ONES * u64::from(b'\\')));
    below_space | quote | backslash != 0
}

fn push_escape(out: &mut Vec<u8>, byte: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    match byte {
        b'"' => out.extend_from_slice(b"\\\""),
        b'\\' => out.extend_from_slice(b"\\\\"),
        0x08 => out.extend_from_slice(b"\\b"),
        0x0c => out.extend_from_slice(b"\\f"),
        b'\n' => out.extend_from_slice(b"\\n"),
        b'\r' => out.extend_from_slice(b"\\r"),
        b'\t' => out.extend_from_slice(b"\\t"),
        _ => out.extend_from_slice(&[
            b'\\',
            b'u',
            b'0',
            b'0',
            HEX[usize::from(byte >> 4)],
            HEX[usize::from(byte & 0xf)],
        ]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(value: &str) -> String {
        let mut out = Vec::new();
        string(&mut out, value);
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let mut samples: Vec<String> = vec![
            String::new(),
            "plain".into(),
            "Kaneko said \"no\" \\ twice".into(),
            "日本語 «quotes» — U+2028:\u{2028} DEL:\u{7f} é".into(),
            (0u8..128).map(char::from).collect(),
            "tab\there\r\nnew line\u{0}\u{1f}\u{8}\u{c}".into(),
        ];
        // Every byte to escape at every position of the first eight-byte window and
        // across the boundary to the second, in texts that end at each length.
        for special in ["\"", "\\", "\n", "\u{1}", "\u{1f}", "é", " ", "\u{7f}"] {
            for len in 0..20 {
                for at in 0..=len {
                    let mut text = "a".repeat(len);
                    text.insert_str(at, special);
                    samples.push(text);
                }
            }
        }
        for sample in &samples {
            let expected = serde_json::to_string(sample).expect("a string serializes");
            assert_eq!(written(sample), expected, "{sample:?}");
        }
    }

    #[test]
    fn the_eight_byte_test_finds_every_byte_to_escape() {
        for byte in 0..=255u8 {
            for at in 0..8 {
                let mut eight = *b"abcdefgh";
                eight[at] = byte;
                assert_eq!(
                    any_needs_escape(u64::from_le_bytes(eight)),
                    needs_escape(byte),
                    "byte {byte:#x} at {at}"
                );
            }
        }
    }

    #[test]
    fn objects_write_keys_in_order_with_commas() {
        let mut out = Vec::new();
        let mut object = Object::open(&mut out);
        object
            .str("id", "x\"y")
            .opt_str("skipped", None)
            .num("total", 42)
            .object("inner", |inner| {
                inner.str("a", "b");
            })
            .value("list", |out| {
                array(out, [1, 2], |out, n| out.push(b'0' + n));
            });
        object.close();
        assert_eq!(
            String::from_utf8(out).expect("UTF-8"),
            r#"{"id":"x\"y","total":42,"inner":{"a":"b"},"list":[1,2]}"#
        );
    }
}
