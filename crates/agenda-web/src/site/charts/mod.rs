//! Server-side SVG charts: a KPI against its path to target, sparklines, the roadmap, the
//! timeline of planned service releases, the priorities quadrant and a service's performance. Each chart is an image
//! with a title and description, written with the typed [`Svg`](super::svg::Svg) writer; the
//! pages also give the data as tables.

mod breakdown;
mod kpi;
mod quadrant;
mod regions;
mod roadmap;
mod scale;
mod service;
#[cfg(test)]
mod tests;
mod timeline;

pub use breakdown::{breakdown_chart, breakdown_series};
pub use kpi::{ChartLabels, kpi_chart, sparkline};
pub use quadrant::{QuadrantLabels, quadrant};
pub use regions::{MapLabels, RegionFigure, region_map};
pub use roadmap::roadmap_chart;
pub use service::{ServiceChartLabels, service_chart};
pub use timeline::release_timeline;
