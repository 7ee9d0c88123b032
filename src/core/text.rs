//! Message and JSON text without `format!`: its machinery, and float and `Debug` formatting,
//! would be most of the wasm module. Integers and string pieces are enough here.

/// Where `needle` first occurs in `haystack`: a plain byte scan, so the wasm build carries no
/// substring-search machinery for the few short needles the client looks for.
pub fn find(haystack: &str, needle: &str) -> Option<usize> {
    let n = needle.as_bytes();
    haystack.as_bytes().windows(n.len()).position(|w| w == n)
}

/// The pieces concatenated.
pub fn concat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        out.push_str(p);
    }
    out
}

/// The items with `, ` between them (`[T]::join` brings a generic copy loop the wasm build
/// does without).
pub fn list(items: &[&str]) -> String {
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(item);
    }
    out
}

/// Appends `n` in decimal.
pub fn push_int(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut m = n.unsigned_abs();
    loop {
        i -= 1;
        digits[i] = b'0' + (m % 10) as u8;
        m /= 10;
        if m == 0 {
            break;
        }
    }
    for &d in &digits[i..] {
        out.push(d as char);
    }
}

/// `n` in decimal.
pub fn int(n: i64) -> String {
    let mut out = String::new();
    push_int(&mut out, n);
    out
}

/// Error messages quote the input, but never an unbounded amount of it.
pub fn shorten(s: &str) -> String {
    const MAX: usize = 80;
    match s.char_indices().nth(MAX) {
        Some((i, _)) => concat(&[s.get(..i).unwrap_or_default(), "..."]),
        None => s.to_string(),
    }
}

/// `shorten(s)` in double quotes, for messages.
pub fn quoted(s: &str) -> String {
    concat(&["\"", &shorten(s), "\""])
}

/// Appends `s` as a JSON string literal.
pub fn push_json_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                out.push_str("\\u00");
                out.push(HEX[(c as usize) >> 4] as char);
                out.push(HEX[(c as usize) & 15] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A JSON object written member by member.
pub struct JsonObject {
    out: String,
}

impl JsonObject {
    pub fn new() -> Self {
        JsonObject {
            out: String::from("{"),
        }
    }

    fn key(&mut self, key: &str) {
        if self.out.len() > 1 {
            self.out.push(',');
        }
        push_json_string(&mut self.out, key);
        self.out.push(':');
    }

    pub fn string(&mut self, key: &str, value: &str) {
        self.key(key);
        push_json_string(&mut self.out, value);
    }

    pub fn bool(&mut self, key: &str, value: bool) {
        self.key(key);
        self.out.push_str(if value { "true" } else { "false" });
    }

    pub fn int(&mut self, key: &str, value: i64) {
        self.key(key);
        push_int(&mut self.out, value);
    }

    /// A nested object, already written.
    pub fn object(&mut self, key: &str, value: JsonObject) {
        self.key(key);
        self.out.push_str(&value.finish());
    }

    /// A nested array, already written.
    pub fn array(&mut self, key: &str, value: JsonArray) {
        self.key(key);
        self.out.push_str(&value.finish());
    }

    pub fn is_empty(&self) -> bool {
        self.out.len() == 1
    }

    pub fn finish(mut self) -> String {
        self.out.push('}');
        self.out
    }
}

impl Default for JsonObject {
    fn default() -> Self {
        Self::new()
    }
}

/// A JSON array written element by element: strings or objects.
pub struct JsonArray {
    out: String,
}

impl JsonArray {
    pub fn new() -> Self {
        JsonArray {
            out: String::from("["),
        }
    }

    fn separate(&mut self) {
        if self.out.len() > 1 {
            self.out.push(',');
        }
    }

    pub fn string(&mut self, value: &str) {
        self.separate();
        push_json_string(&mut self.out, value);
    }

    pub fn object(&mut self, value: JsonObject) {
        self.separate();
        self.out.push_str(&value.finish());
    }

    pub fn finish(mut self) -> String {
        self.out.push(']');
        self.out
    }
}

impl Default for JsonArray {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_and_list() {
        assert_eq!(find("https://v/x?api-version=1", "api-version="), Some(12));
        assert_eq!(find("https://v", "://"), Some(5));
        assert_eq!(find("ab", "abc"), None);
        assert_eq!(find("é://", "://"), Some(2));
        assert_eq!(list(&["a", "b", "c"]), "a, b, c");
        assert_eq!(list(&[]), "");
    }

    #[test]
    fn integers() {
        for n in [0, 7, -7, 10, 4_102_444_800, i64::MAX, i64::MIN] {
            assert_eq!(int(n), n.to_string());
        }
    }

    #[test]
    fn json_strings_round_trip_through_a_real_parser() {
        for s in [
            "",
            "plain",
            "q\"uote",
            "back\\slash",
            "nl\n\r\t",
            "\u{0}\u{1f}\u{7f}",
            "é ключ 🔑",
            "</script>",
        ] {
            let mut out = String::new();
            push_json_string(&mut out, s);
            assert_eq!(serde_json::from_str::<String>(&out).unwrap(), s, "{out}");
        }
        let mut o = JsonObject::new();
        o.string("a", "x");
        let mut inner = JsonObject::new();
        inner.bool("enabled", false);
        inner.int("exp", -1);
        o.object("attributes", inner);
        assert_eq!(
            o.finish(),
            r#"{"a":"x","attributes":{"enabled":false,"exp":-1}}"#
        );
        assert_eq!(shorten(&"é".repeat(100)), format!("{}...", "é".repeat(80)));
    }

    #[test]
    fn arrays() {
        assert_eq!(JsonArray::new().finish(), "[]");
        let mut ops = JsonArray::new();
        ops.string("sign");
        ops.string("q\"");
        let mut item = JsonObject::new();
        item.int("n", 1);
        let mut items = JsonArray::new();
        items.object(item);
        items.object(JsonObject::new());
        let mut o = JsonObject::new();
        o.array("key_ops", ops);
        o.array("items", items);
        o.array("none", JsonArray::default());
        let text = o.finish();
        assert_eq!(
            text,
            r#"{"key_ops":["sign","q\""],"items":[{"n":1},{}],"none":[]}"#
        );
        let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(parsed["key_ops"][1], "q\"");
    }
}
