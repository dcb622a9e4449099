//! A small typed SVG writer for the charts: element and attribute names are fixed in the code,
//! every attribute value and every text goes through escaping, so a chart is well-formed and
//! safe by construction. It is the only place of the crate that writes markup in Rust (see
//! `.ci/web-structure`); pages print its [`SvgImage`] without escaping it again.

use std::fmt::{self, Display, Write as _};

/// Attributes of an element: fixed names, any displayable values (escaped when written).
pub type Attrs<'a> = &'a [(&'static str, &'a dyn Display)];

/// A finished image, made only by [`Svg::finish`]: templates print it as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SvgImage(String);

impl SvgImage {
    /// No image (a chart with nothing to show).
    pub fn empty() -> Self {
        Self(String::new())
    }

    /// Whether there is no image.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Display for SvgImage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

// Its markup was written by `Svg`, which escapes every value and text.
impl askama::filters::HtmlSafe for SvgImage {}

/// A coordinate or length written with one decimal.
#[derive(Debug, Clone, Copy)]
pub struct F1(pub f64);

impl Display for F1 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.1}", self.0)
    }
}

/// Appends `s` to `out`, escaped for XML text and double-quoted attribute values.
pub fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// Writes an SVG document element by element; open elements are closed by [`Svg::finish`].
pub struct Svg {
    out: String,
    open: Vec<&'static str>,
    scratch: String,
}

impl Svg {
    /// An `<svg>` root with `attrs` (the SVG namespace is added).
    pub fn new(attrs: Attrs<'_>) -> Self {
        let mut svg = Self {
            out: String::with_capacity(4096),
            open: Vec::new(),
            scratch: String::new(),
        };
        svg.start("svg", attrs);
        svg.out.push_str(" xmlns=\"http://www.w3.org/2000/svg\"");
        svg.out.push('>');
        svg.open.push("svg");
        svg
    }

    fn start(&mut self, name: &'static str, attrs: Attrs<'_>) {
        debug_assert!(name.bytes().all(|b| b.is_ascii_alphanumeric()));
        self.out.push('<');
        self.out.push_str(name);
        for (k, v) in attrs {
            debug_assert!(
                k.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b':')
            );
            self.scratch.clear();
            let _ = write!(self.scratch, "{v}");
            self.out.push(' ');
            self.out.push_str(k);
            self.out.push_str("=\"");
            escape_into(&mut self.out, &self.scratch);
            self.out.push('"');
        }
    }

    /// Opens an element that will hold others (closed by [`Svg::close`]).
    pub fn open(&mut self, name: &'static str, attrs: Attrs<'_>) -> &mut Self {
        self.start(name, attrs);
        self.out.push('>');
        self.open.push(name);
        self
    }

    /// Closes the innermost open element.
    pub fn close(&mut self) -> &mut Self {
        if let Some(name) = self.open.pop() {
            self.out.push_str("</");
            self.out.push_str(name);
            self.out.push('>');
        }
        self
    }

    /// An empty element.
    pub fn leaf(&mut self, name: &'static str, attrs: Attrs<'_>) -> &mut Self {
        self.start(name, attrs);
        self.out.push_str("/>");
        self
    }

    /// An element holding only `text` (escaped).
    pub fn text(&mut self, name: &'static str, attrs: Attrs<'_>, text: &dyn Display) -> &mut Self {
        self.start(name, attrs);
        self.out.push('>');
        self.scratch.clear();
        let _ = write!(self.scratch, "{text}");
        escape_into(&mut self.out, &self.scratch);
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
        self
    }

    /// The image, every open element closed.
    pub fn finish(mut self) -> SvgImage {
        while !self.open.is_empty() {
            self.close();
        }
        SvgImage(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_texts_are_escaped() {
        let evil = "a<b & \"c\" 'd'>";
        let mut svg = Svg::new(&[("class", &"chart"), ("data-x", &evil)]);
        svg.open("g", &[("data-row", &evil)])
            .text("title", &[], &evil)
            .leaf("circle", &[("cx", &F1(1.26)), ("fill", &"#005a9c")])
            .close();
        svg.text("text", &[("x", &F1(2.0))], &evil);
        let out = svg.finish().to_string();
        let escaped = "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;";
        assert_eq!(
            out,
            format!(
                "<svg class=\"chart\" data-x=\"{escaped}\" xmlns=\"http://www.w3.org/2000/svg\">\
                 <g data-row=\"{escaped}\"><title>{escaped}</title>\
                 <circle cx=\"1.3\" fill=\"#005a9c\"/></g><text x=\"2.0\">{escaped}</text></svg>"
            )
        );
        assert!(!out.contains("a<b"));
    }

    #[test]
    fn open_elements_are_closed() {
        let mut svg = Svg::new(&[]);
        svg.open("g", &[]).open("g", &[]);
        assert_eq!(
            svg.finish().to_string(),
            "<svg xmlns=\"http://www.w3.org/2000/svg\"><g><g></g></g></svg>"
        );
    }
}
