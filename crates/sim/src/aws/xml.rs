//! A small XML writer for the query protocols' answers (EC2, IAM): elements, text leaves, and
//! escaping of every value. It writes; it never parses.

/// Escapes text for use in XML content or attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\r' | '\t') => {
                out.push_str(&format!("&#x{:X};", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

/// An XML document under construction.
#[derive(Debug, Default)]
pub struct Xml {
    buf: String,
    open: Vec<String>,
}

impl Xml {
    /// A document with the XML declaration and a root element in namespace `xmlns`.
    pub fn document(root: &str, xmlns: &str) -> Xml {
        let mut x = Xml {
            buf: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"),
            open: Vec::new(),
        };
        x.buf
            .push_str(&format!("<{root} xmlns=\"{}\">", escape(xmlns)));
        x.open.push(root.to_string());
        x
    }

    /// A document whose root element has no namespace (error envelopes).
    pub fn bare(root: &str) -> Xml {
        let mut x = Xml {
            buf: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"),
            open: Vec::new(),
        };
        x.open(root);
        x
    }

    pub fn open(&mut self, tag: &str) -> &mut Self {
        self.buf.push_str(&format!("<{tag}>"));
        self.open.push(tag.to_string());
        self
    }

    pub fn close(&mut self) -> &mut Self {
        if let Some(tag) = self.open.pop() {
            self.buf.push_str(&format!("</{tag}>"));
        }
        self
    }

    /// `<tag>escaped value</tag>`.
    pub fn leaf(&mut self, tag: &str, value: impl std::fmt::Display) -> &mut Self {
        self.buf
            .push_str(&format!("<{tag}>{}</{tag}>", escape(&value.to_string())));
        self
    }

    /// `<tag>` only when there is a value.
    pub fn opt_leaf(&mut self, tag: &str, value: Option<&str>) -> &mut Self {
        if let Some(v) = value {
            self.leaf(tag, v);
        }
        self
    }

    /// `<tag/>`.
    pub fn empty(&mut self, tag: &str) -> &mut Self {
        self.buf.push_str(&format!("<{tag}/>"));
        self
    }

    /// Closes every open element and returns the text.
    pub fn finish(mut self) -> String {
        while !self.open.is_empty() {
            self.close();
        }
        self.buf
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(
            escape(r#"<a href="x">&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;"
        );
        assert_eq!(escape("a\u{1}b"), "a&#x1;b");
    }

    #[test]
    fn builds_nested_documents() {
        let mut x = Xml::document("R", "urn:x");
        x.open("set").leaf("id", "a&b").close().empty("tags");
        let s = x.finish();
        assert!(s.ends_with("<R xmlns=\"urn:x\"><set><id>a&amp;b</id></set><tags/></R>"));
    }
}
