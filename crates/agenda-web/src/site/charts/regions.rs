//! A country's regions coloured by a KPI's figure in each (a choropleth), drawn from the
//! boundary file of the configuration. The page puts the same figures in a table beside it.

use agenda_io::regions::RegionMap;

use crate::site::svg::{F1, Svg, SvgImage};

/// Colours of the classes, light to dark.
const CLASSES: [&str; 5] = ["#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c"];
/// A region without a figure.
const NO_FIGURE: &str = "#f2f2f2";
const BORDER: &str = "#333";
const INK: &str = "#333";
/// Height of a legend line: large enough to stay readable when a phone shrinks the map.
const LEGEND_ROW: f64 = 34.0;

/// Texts of a region map, in the page's language.
pub struct MapLabels {
    /// Accessible title.
    pub title: String,
    /// Accessible description.
    pub desc: String,
    /// Legend: a region without a figure.
    pub no_figure: String,
}

/// One region's figure, formatted for people.
pub struct RegionFigure {
    /// The region's code (`region=` value).
    pub code: String,
    /// The figure.
    pub value: f64,
    /// The figure as the page writes it.
    pub label: String,
}

/// The class (0–4) of `v` between `lo` and `hi`, in equal intervals.
fn class_of(v: f64, lo: f64, hi: f64) -> usize {
    if hi <= lo {
        return CLASSES.len() / 2;
    }
    (((v - lo) / (hi - lo) * CLASSES.len() as f64) as usize).min(CLASSES.len() - 1)
}

/// The map: each region filled by the class of its figure, with its name and figure as a
/// tooltip; a legend of the classes, written with `fmt` (the page's number format), below.
pub fn region_map(
    map: &RegionMap,
    figures: &[RegionFigure],
    l: &MapLabels,
    fmt: &dyn Fn(f64) -> String,
    dir: &str,
) -> SvgImage {
    let Some((x0, y0, x1, y1)) = map.bounds() else {
        return SvgImage::empty();
    };
    // Equirectangular, longitudes shrunk by the cosine of the middle latitude so that shapes
    // keep their proportions away from the equator.
    let k = ((y0 + y1) / 2.0).to_radians().cos().max(0.1);
    let (gw, gh) = (((x1 - x0) * k).max(1e-9), (y1 - y0).max(1e-9));
    let w = 640.0;
    let pad = 8.0;
    let scale = (w - 2.0 * pad) / gw;
    let plot_h = (gh * scale).min(560.0);
    let scale = scale.min((plot_h) / gh);
    let legend_rows = CLASSES.len() + 1;
    let h = pad * 2.0 + plot_h + 16.0 + LEGEND_ROW * legend_rows as f64;
    let px = |(lon, lat): (f64, f64)| (pad + (lon - x0) * k * scale, pad + (y1 - lat) * scale);

    let values: Vec<f64> = figures.iter().map(|f| f.value).collect();
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);

    let mut svg = Svg::for_dir(
        &[
            ("class", &"chart map"),
            ("viewBox", &format_args!("0 0 {w} {}", F1(h))),
            ("role", &"img"),
            ("aria-labelledby", &"map-title map-desc"),
        ],
        dir,
        w,
        false,
    );
    svg.text("title", &[("id", &"map-title")], &l.title);
    svg.text("desc", &[("id", &"map-desc")], &l.desc);
    for r in &map.regions {
        let figure = figures.iter().find(|f| f.code == r.code);
        let fill = figure.map_or(NO_FIGURE, |f| CLASSES[class_of(f.value, lo, hi)]);
        let mut d = String::new();
        for ring in &r.rings {
            for (i, &pt) in ring.iter().enumerate() {
                let (x, y) = px(pt);
                d.push_str(&format!("{}{x:.1},{y:.1}", if i == 0 { "M" } else { "L" }));
            }
            d.push('Z');
        }
        svg.open(
            "path",
            &[
                ("d", &d),
                ("fill", &fill),
                ("stroke", &BORDER),
                ("stroke-width", &1),
                ("data-region", &r.code),
            ],
        );
        let tip = match figure {
            Some(f) => format!("{}: {}", r.name, f.label),
            None => format!("{}: {}", r.name, l.no_figure),
        };
        svg.text("title", &[], &tip);
        svg.close();
    }
    // Legend: the classes' ranges, then "no figure".
    let top = pad + plot_h + 16.0;
    let step = if hi > lo {
        (hi - lo) / CLASSES.len() as f64
    } else {
        0.0
    };
    let mut row = 0;
    if !values.is_empty() {
        for (i, colour) in CLASSES.iter().enumerate() {
            let (a, b) = (lo + step * i as f64, lo + step * (i + 1) as f64);
            if hi > lo || i == CLASSES.len() / 2 {
                let label = if hi > lo {
                    format!("{} – {}", fmt(a), fmt(b))
                } else {
                    fmt(lo)
                };
                legend_entry(&mut svg, top + LEGEND_ROW * row as f64, colour, &label);
                row += 1;
            }
        }
    }
    if map
        .regions
        .iter()
        .any(|r| !figures.iter().any(|f| f.code == r.code))
    {
        legend_entry(
            &mut svg,
            top + LEGEND_ROW * row as f64,
            NO_FIGURE,
            &l.no_figure,
        );
    }
    svg.finish()
}

fn legend_entry(svg: &mut Svg, y: f64, colour: &str, label: &str) {
    svg.leaf(
        "rect",
        &[
            ("x", &8),
            ("y", &F1(y)),
            ("width", &36),
            ("height", &24),
            ("fill", &colour),
            ("stroke", &BORDER),
        ],
    );
    svg.text(
        "text",
        &[
            ("x", &52),
            ("y", &F1(y + 19.0)),
            ("font-size", &22),
            ("fill", &INK),
        ],
        &label,
    );
}
