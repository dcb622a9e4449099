//! A country's regions from a GeoJSON boundary file: a `FeatureCollection` whose features are
//! `Polygon`s or `MultiPolygon`s, each with a `code` property (the value observations use for
//! the dimension `region`, as in `region=north`) and an optional `name`. Coordinates are
//! longitude, latitude (RFC 7946).

use serde_json::Value;

/// A region: its code, its name and its outline (outer rings only; holes are not drawn).
#[derive(Debug, Clone, PartialEq)]
pub struct Region {
    /// The value of the `region` dimension that means this region.
    pub code: String,
    /// Its name, as the boundary file gives it (else its code).
    pub name: String,
    /// Outer rings, each a closed list of (longitude, latitude).
    pub rings: Vec<Vec<(f64, f64)>>,
}

/// The regions of a boundary file, in file order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RegionMap {
    /// The regions.
    pub regions: Vec<Region>,
}

impl RegionMap {
    /// The bounding box: (min longitude, min latitude, max longitude, max latitude).
    pub fn bounds(&self) -> Option<(f64, f64, f64, f64)> {
        let mut pts = self.regions.iter().flat_map(|r| r.rings.iter().flatten());
        let &(x, y) = pts.next()?;
        Some(pts.fold((x, y, x, y), |(a, b, c, d), &(x, y)| {
            (a.min(x), b.min(y), c.max(x), d.max(y))
        }))
    }
}

/// Reads a GeoJSON boundary file. Every problem names the feature it is in.
pub fn parse_geojson(text: &str) -> Result<RegionMap, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    if v["type"] != "FeatureCollection" {
        return Err("expected a GeoJSON FeatureCollection".into());
    }
    let features = v["features"]
        .as_array()
        .ok_or("a FeatureCollection needs a `features` list")?;
    let mut regions: Vec<Region> = Vec::with_capacity(features.len());
    for (i, f) in features.iter().enumerate() {
        let at = |m: &str| format!("feature {}: {m}", i + 1);
        let code = f["properties"]["code"]
            .as_str()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .ok_or_else(|| at("needs a `code` property (the `region=` value of its figures)"))?
            .to_owned();
        if regions.iter().any(|r| r.code == code) {
            return Err(at(&format!("the code {code:?} is used twice")));
        }
        let name = f["properties"]["name"]
            .as_str()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .unwrap_or(&code)
            .to_owned();
        let g = &f["geometry"];
        let polygons: Vec<&Value> = match g["type"].as_str() {
            Some("Polygon") => vec![&g["coordinates"]],
            Some("MultiPolygon") => g["coordinates"]
                .as_array()
                .map(|a| a.iter().collect())
                .unwrap_or_default(),
            other => {
                return Err(at(&format!(
                    "geometry {other:?}: expected a Polygon or a MultiPolygon"
                )));
            }
        };
        let mut rings = Vec::new();
        for p in polygons {
            let outer = p
                .as_array()
                .and_then(|rings| rings.first())
                .and_then(Value::as_array)
                .ok_or_else(|| at("a polygon without an outer ring"))?;
            let ring: Option<Vec<(f64, f64)>> = outer
                .iter()
                .map(|pt| Some((pt.get(0)?.as_f64()?, pt.get(1)?.as_f64()?)))
                .collect();
            let ring = ring.ok_or_else(|| at("a position that is not [longitude, latitude]"))?;
            if ring.len() < 4 {
                return Err(at("a ring needs at least four positions"));
            }
            rings.push(ring);
        }
        if rings.is_empty() {
            return Err(at("no polygon"));
        }
        regions.push(Region { code, name, rings });
    }
    if regions.is_empty() {
        return Err("the FeatureCollection has no feature".into());
    }
    Ok(RegionMap { regions })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_boundaries_name_the_regions_its_figures_use() {
        let m = parse_geojson(crate::embedded::DEMO_REGIONS).unwrap();
        let codes: Vec<&str> = m.regions.iter().map(|r| r.code.as_str()).collect();
        assert_eq!(codes, ["north", "capital", "south"]);
        let (x0, y0, x1, y1) = m.bounds().unwrap();
        assert!(x0 < x1 && y0 < y1);
    }

    #[test]
    fn bad_boundary_files_are_refused_with_the_feature_named() {
        let one = |geometry: &str, props: &str| {
            format!(
                r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{props},"geometry":{geometry}}}]}}"#
            )
        };
        let square = r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}"#;
        assert!(parse_geojson("{").unwrap_err().starts_with("not JSON"));
        assert!(parse_geojson(r#"{"type":"Feature"}"#).is_err());
        let e = parse_geojson(&one(square, "{}")).unwrap_err();
        assert!(e.starts_with("feature 1: needs a `code`"), "{e}");
        let e = parse_geojson(&one(
            r#"{"type":"Point","coordinates":[0,0]}"#,
            r#"{"code":"a"}"#,
        ))
        .unwrap_err();
        assert!(e.contains("Polygon"), "{e}");
        let ok = parse_geojson(&one(square, r#"{"code":" a "}"#)).unwrap();
        assert_eq!(
            (ok.regions[0].code.as_str(), ok.regions[0].name.as_str()),
            ("a", "a")
        );
        let multi = r#"{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[2,2],[3,2],[3,3],[2,2]]]]}"#;
        assert_eq!(
            parse_geojson(&one(multi, r#"{"code":"b","name":"Bee"}"#))
                .unwrap()
                .regions[0]
                .rings
                .len(),
            2
        );
    }
}
