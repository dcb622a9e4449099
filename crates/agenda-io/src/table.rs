//! Tables as they come out of real spreadsheets and go back into them: reading CSV (UTF-8 with
//! or without BOM, `,` or `;` separators, decimal commas, CRLF, quoted newlines) and XLSX sheets
//! into [`RawTable`]s of text cells, and writing [`OutTable`]s as CSV or as workbook sheets.

use std::io::Read;
use std::path::Path;

use calamine::{Data, DataType, Reader};

use crate::ImportError;

/// One data row of a table: its position as a spreadsheet shows it, and its cells.
#[derive(Debug, Clone)]
pub struct RawRow {
    /// Row number as a spreadsheet shows it (the header is row 1).
    pub row: usize,
    /// Cell texts, one per header; missing trailing cells are empty.
    pub cells: Vec<String>,
}

/// A table of text cells read from a file or a sheet.
#[derive(Debug, Clone)]
pub struct RawTable {
    /// File or sheet name, as shown in error messages (`services.csv`, `services (sheet)`).
    pub label: String,
    /// Table name (`services`), from the file or sheet name.
    pub name: String,
    /// Header names, trimmed and lower-cased.
    pub headers: Vec<String>,
    /// Data rows.
    pub rows: Vec<RawRow>,
    /// Numbers are written with a decimal comma (`;`-separated CSV from French or Spanish Excel).
    pub decimal_comma: bool,
}

impl RawTable {
    /// The index of a column.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }
}

fn normalise_header(h: &str) -> String {
    h.trim()
        .trim_start_matches('\u{feff}')
        .trim()
        .to_lowercase()
}

/// Picks the separator from the header line: the most frequent of `,`, `;` and tab outside quotes.
fn sniff_delimiter(bytes: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &b in bytes {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], 3 - i)).unwrap_or(0);
    [b',', b';', b'\t'][best]
}

/// Reads one CSV file's bytes as a table named `name`.
pub fn read_csv(bytes: &[u8], name: &str, label: &str) -> Result<RawTable, ImportError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if std::str::from_utf8(bytes).is_err() {
        return Err(ImportError::file(
            label,
            "a file encoded as UTF-8 (save it as \"CSV UTF-8\")",
        ));
    }
    let delimiter = sniff_delimiter(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|e| ImportError::file(label, format!("a readable CSV header ({e})")))?
        .iter()
        .map(normalise_header)
        .collect::<Vec<_>>();
    let mut rows = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let rec = rec.map_err(|e| {
            ImportError::at(label, i + 2, None, None, format!("well-formed CSV ({e})"))
        })?;
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue; // blank lines that spreadsheets leave at the end
        }
        // Line ends inside quoted cells are kept, as `\n`, whatever the file used.
        let mut cells: Vec<String> = rec.iter().map(|c| c.trim().replace("\r\n", "\n")).collect();
        cells.resize(headers.len().max(cells.len()), String::new());
        rows.push(RawRow { row: i + 2, cells });
    }
    Ok(RawTable {
        label: label.to_owned(),
        name: name.to_owned(),
        headers,
        rows,
        decimal_comma: delimiter == b';',
    })
}

/// Reads a CSV file from disk.
pub fn read_csv_file(path: &Path) -> Result<RawTable, ImportError> {
    let label = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let name = label
        .strip_suffix(".csv")
        .or_else(|| label.strip_suffix(".CSV"))
        .unwrap_or(&label)
        .to_owned();
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .map_err(|e| ImportError::file(&label, format!("a readable file ({e})")))?;
    read_csv(&bytes, &name, &label)
}

/// The text of a workbook cell as the importer reads it (dates as `YYYY-MM-DD`).
pub(crate) fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_owned(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => format!("{f}"),
        Data::Bool(b) => if *b { "yes" } else { "no" }.to_owned(),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(t) if t.time() == chrono::NaiveTime::MIN => {
                t.date().format("%Y-%m-%d").to_string()
            }
            Some(t) => t.format("%Y-%m-%dT%H:%M:%S").to_string(),
            None => dt.as_f64().to_string(),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// Reads every sheet of an XLSX (or ODS/XLS) workbook; the first non-empty row is the header.
pub fn read_workbook(path: &Path) -> Result<Vec<RawTable>, ImportError> {
    let label = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut wb = calamine::open_workbook_auto(path)
        .map_err(|e| ImportError::file(&label, format!("a readable workbook ({e})")))?;
    let mut tables = Vec::new();
    for (sheet, range) in wb.worksheets() {
        let (start_row, _) = range.start().unwrap_or((0, 0));
        let mut rows = range
            .rows()
            .enumerate()
            .filter(|(_, r)| !r.iter().all(|c| c.is_empty()));
        let Some((hidx, header)) = rows.next() else {
            continue;
        };
        let headers: Vec<String> = header
            .iter()
            .map(|c| normalise_header(&cell_text(c)))
            .collect();
        let data = rows
            .map(|(i, r)| {
                let mut cells: Vec<String> = r.iter().map(cell_text).collect();
                cells.resize(headers.len().max(cells.len()), String::new());
                RawRow {
                    row: start_row as usize + i + 1,
                    cells,
                }
            })
            .collect();
        let _ = hidx;
        let name = sheet.trim().to_lowercase();
        tables.push(RawTable {
            label: format!("sheet {}", sheet.trim()),
            name,
            headers,
            rows: data,
            decimal_comma: false,
        });
    }
    Ok(tables)
}

/// A cell to write.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text.
    Text(String),
    /// A number (written as a number in workbooks).
    Number(f64),
    /// Nothing.
    Empty,
}

impl Cell {
    /// The cell as text, the way a CSV file writes it.
    pub fn as_text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Number(n) => format!("{n}"),
            Cell::Empty => String::new(),
        }
    }
}

/// A table to write.
#[derive(Debug, Clone, PartialEq)]
pub struct OutTable {
    /// Table name: the CSV file name without `.csv`, and the sheet name.
    pub name: &'static str,
    /// Header row.
    pub headers: Vec<String>,
    /// Data rows.
    pub rows: Vec<Vec<Cell>>,
}

impl OutTable {
    /// The table as RFC 4180 CSV: UTF-8 without BOM, `,`, `\n` line ends, quotes only where needed.
    pub fn to_csv(&self) -> Vec<u8> {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        // Writing to a Vec cannot fail.
        let _ = w.write_record(&self.headers);
        for r in &self.rows {
            let _ = w.write_record(r.iter().map(Cell::as_text));
        }
        w.into_inner().unwrap_or_default()
    }
}

/// Writes tables as the sheets of one workbook file.
pub fn write_workbook(tables: &[OutTable], path: &Path) -> Result<(), rust_xlsxwriter::XlsxError> {
    workbook(tables)?.save(path)
}

/// Writes tables as the sheets of one workbook, to any writer.
pub fn write_workbook_to(
    tables: &[OutTable],
    out: impl std::io::Write + Send,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    workbook(tables)?.save_to_writer(out)
}

/// Tables as the sheets of one workbook, header rows bold and frozen.
fn workbook(tables: &[OutTable]) -> Result<rust_xlsxwriter::Workbook, rust_xlsxwriter::XlsxError> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for t in tables {
        let ws = wb.add_worksheet();
        ws.set_name(t.name)?;
        for (c, h) in t.headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &bold)?;
        }
        for (r, row) in t.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                match cell {
                    Cell::Text(s) => {
                        ws.write_string(r, c as u16, s)?;
                    }
                    Cell::Number(n) => {
                        ws.write_number(r, c as u16, *n)?;
                    }
                    Cell::Empty => {}
                }
            }
        }
        ws.set_freeze_panes(1, 0)?;
    }
    Ok(wb)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_csv_with_bom_semicolons_crlf_and_quoted_newlines_reads() {
        let bytes =
            "\u{feff}Code;Title_en;Value\r\nA-1;\"two\r\nlines; here\";8,5\r\n\r\n".as_bytes();
        let t = read_csv(bytes, "x", "x.csv").unwrap();
        assert_eq!(t.headers, ["code", "title_en", "value"]);
        assert!(t.decimal_comma);
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].row, 2);
        assert_eq!(t.rows[0].cells[1], "two\nlines; here");
        assert_eq!(t.rows[0].cells[2], "8,5");
    }

    #[test]
    fn plain_csv_round_trips_through_the_writer() {
        let t = OutTable {
            name: "x",
            headers: vec!["code".into(), "note".into(), "n".into()],
            rows: vec![vec![
                Cell::Text("A".into()),
                Cell::Text("say \"hi\", then\nleave".into()),
                Cell::Number(60.0),
            ]],
        };
        let bytes = t.to_csv();
        assert_eq!(
            String::from_utf8(bytes.clone()).unwrap(),
            "code,note,n\nA,\"say \"\"hi\"\", then\nleave\",60\n"
        );
        let back = read_csv(&bytes, "x", "x.csv").unwrap();
        assert!(!back.decimal_comma);
        assert_eq!(back.rows[0].cells[1], "say \"hi\", then\nleave");
    }

    #[test]
    fn latin1_files_are_refused_with_a_hint() {
        let err = read_csv(b"code\n\xe9t\xe9\n", "x", "x.csv").unwrap_err();
        assert!(err.to_string().contains("UTF-8"), "{err}");
    }
}
