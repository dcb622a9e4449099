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
    /// The image's width when it is drawn mirrored (see [`Svg::for_dir`]).
    mirror: Option<f64>,
}

impl Svg {
    /// An `<svg>` root with `attrs` (the SVG namespace is added).
    #[cfg(test)]
    pub fn new(attrs: Attrs<'_>) -> Self {
        Self::root(attrs, None, None)
    }

    /// An `<svg>` root for a page written in direction `dir` (`ltr` or `rtl`), `width` wide.
    /// Right to left, a chart whose horizontal axis is time (`time_axis`) is drawn mirrored —
    /// time runs from right to left, values are read on the right, as its readers expect —
    /// and its texts run right to left; the anchors (`start`, `end`) of its texts follow the
    /// direction, so each lands on the mirrored side. Any other chart (a map, a quadrant)
    /// keeps its geometry and is marked `ltr`, its anchors meaning what they were written
    /// for. Left to right, the same as [`Svg::new`].
    pub fn for_dir(attrs: Attrs<'_>, dir: &str, width: f64, time_axis: bool) -> Self {
        match (dir, time_axis) {
            ("rtl", true) => Self::root(attrs, Some("rtl"), Some(width)),
            ("rtl", false) => Self::root(attrs, Some("ltr"), None),
            _ => Self::root(attrs, None, None),
        }
    }

    fn root(attrs: Attrs<'_>, direction: Option<&'static str>, mirror: Option<f64>) -> Self {
        let mut svg = Self {
            out: String::with_capacity(4096),
            open: Vec::new(),
            scratch: String::new(),
            mirror: None,
        };
        svg.start("svg", attrs);
        if let Some(d) = direction {
            svg.out.push_str(" direction=\"");
            svg.out.push_str(d);
            svg.out.push('"');
        }
        svg.out.push_str(" xmlns=\"http://www.w3.org/2000/svg\"");
        svg.out.push('>');
        svg.open.push("svg");
        svg.mirror = mirror;
        svg
    }

    fn start(&mut self, name: &'static str, attrs: Attrs<'_>) {
        debug_assert!(name.bytes().all(|b| b.is_ascii_alphanumeric()));
        self.out.push('<');
        self.out.push_str(name);
        let width = self.mirror.and_then(|_| {
            attrs
                .iter()
                .find(|(k, _)| *k == "width")
                .and_then(|(_, v)| v.to_string().parse::<f64>().ok())
        });
        let mut transformed = false;
        for (k, v) in attrs {
            debug_assert!(
                k.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b':')
            );
            self.scratch.clear();
            let _ = write!(self.scratch, "{v}");
            if let Some(w) = self.mirror {
                match (name, *k) {
                    (_, "x1" | "x2" | "cx") | ("text" | "tspan", "x") => {
                        mirror_coordinate(&mut self.scratch, w, 0.0);
                    }
                    ("rect", "x") => mirror_coordinate(&mut self.scratch, w, width.unwrap_or(0.0)),
                    ("polyline" | "polygon", "points") => mirror_points(&mut self.scratch, w),
                    ("path", "transform") => {
                        self.scratch
                            .insert_str(0, &format!("matrix(-1 0 0 1 {w} 0) "));
                        transformed = true;
                    }
                    _ => {}
                }
            }
            self.out.push(' ');
            self.out.push_str(k);
            self.out.push_str("=\"");
            escape_into(&mut self.out, &self.scratch);
            self.out.push('"');
        }
        // A path's drawing commands are mirrored as a whole.
        if let Some(w) = self.mirror.filter(|_| name == "path" && !transformed) {
            let _ = write!(self.out, " transform=\"matrix(-1 0 0 1 {w} 0)\"");
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

/// `s` (a coordinate) as seen in a mirror of a `w` wide image, for a shape `size` wide.
fn mirror_coordinate(s: &mut String, w: f64, size: f64) {
    if let Ok(x) = s.trim().parse::<f64>() {
        *s = F1(w - x - size).to_string();
    }
}

/// `x,y x,y …` as seen in a mirror of a `w` wide image.
fn mirror_points(s: &mut String, w: f64) {
    let mirrored: Vec<String> = s
        .split_whitespace()
        .map(|p| match p.split_once(',') {
            Some((x, y)) => match x.parse::<f64>() {
                Ok(x) => format!("{},{y}", F1(w - x)),
                Err(_) => p.to_owned(),
            },
            None => p.to_owned(),
        })
        .collect();
    *s = mirrored.join(" ");
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
    fn a_time_chart_right_to_left_is_mirrored_and_others_are_not() {
        let draw = |svg: &mut Svg| {
            svg.leaf("line", &[("x1", &F1(10.0)), ("x2", &F1(30.0)), ("y1", &1)])
                .leaf("rect", &[("x", &F1(10.0)), ("width", &20), ("y", &F1(5.0))])
                .leaf("polyline", &[("points", &"10.0,1.0 20.0,2.0")])
                .leaf("path", &[("d", &"M10 1 l5 5")])
                .text("text", &[("x", &F1(10.0)), ("text-anchor", &"start")], &"a");
        };
        let mut ltr = Svg::for_dir(&[], "ltr", 100.0, true);
        draw(&mut ltr);
        let mut plain = Svg::new(&[]);
        draw(&mut plain);
        assert_eq!(ltr.finish(), plain.finish());

        let mut rtl = Svg::for_dir(&[], "rtl", 100.0, true);
        draw(&mut rtl);
        assert_eq!(
            rtl.finish().to_string(),
            "<svg direction=\"rtl\" xmlns=\"http://www.w3.org/2000/svg\">\
             <line x1=\"90.0\" x2=\"70.0\" y1=\"1\"/>\
             <rect x=\"70.0\" width=\"20\" y=\"5.0\"/>\
             <polyline points=\"90.0,1.0 80.0,2.0\"/>\
             <path d=\"M10 1 l5 5\" transform=\"matrix(-1 0 0 1 100 0)\"/>\
             <text x=\"90.0\" text-anchor=\"start\">a</text></svg>"
        );

        let mut map = Svg::for_dir(&[], "rtl", 100.0, false);
        draw(&mut map);
        let map = map.finish().to_string();
        assert!(map.starts_with("<svg direction=\"ltr\""));
        assert!(map.contains("<line x1=\"10.0\""));
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
