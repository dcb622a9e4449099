"""Every KPI's Open SDG CSV and metadata, as the demo serves them, must be files Open SDG's
build reads.

The rules are those of Open SDG's build (`sdg-build`, `sdg/check_csv.py` and `Indicator.py`):
pandas reads the file; the first column is `Year` and holds whole years; the last is `Value`
and is numeric; no column name or text cell starts or ends with a space; no row is empty. Our
own: a flag in `Observation status` is one of the names of SDMX's observation status codes.
A KPI with no public figure has a header alone, which Open SDG does not need (no data file):
it is only checked for its header.

Metadata (`/kpis/<code>.md`, YAML front matter then text) follows the rules of Open SDG's
metadata schema (`sdg/schemas/SchemaInputOpenSdg.py`): `reporting_status` is required and one of
complete, inprogress, notstarted; a complete indicator needs `data_non_statistical`, and a
statistical one `graph_title` and `graph_type`; target lines have a numeric value.

Usage: opensdg.py BASE_URL
"""

import io
import json
import sys
import urllib.request

import pandas as pd
import yaml

STATUSES = {"Estimated value", "Provisional value", "Time series break"}


def fetch(url):
    with urllib.request.urlopen(url) as r:
        return r.read().decode("utf-8")


def problems_of(code, text):
    out = []
    lines = text.splitlines()
    if not lines or lines[0].split(",")[0] != "Year" or lines[0].split(",")[-1] != "Value":
        return [f"{code}: header {lines[:1]} must start with Year and end with Value"]
    if len(lines) == 1:
        return out
    df = pd.read_csv(io.StringIO(text))
    if df["Year"].dtype.kind != "i":
        out.append(f"{code}: Year is not whole years ({df['Year'].dtype})")
    if df["Value"].dtype.kind not in "if":
        out.append(f"{code}: Value is not numeric ({df['Value'].dtype})")
    for col in df.columns:
        if col != col.strip():
            out.append(f"{code}: column name {col!r} has surrounding space")
        if df[col].dtype == object:
            cells = df[col].dropna().astype(str)
            if (cells != cells.str.strip()).any():
                out.append(f"{code}: column {col!r} has cells with surrounding space")
    if df.isnull().all(axis=1).any():
        out.append(f"{code}: an empty row")
    if "Observation status" in df.columns:
        bad = set(df["Observation status"].dropna()) - STATUSES
        if bad:
            out.append(f"{code}: unknown observation status {sorted(bad)}")
    return out


def meta_problems_of(code, text):
    if not text.startswith("---\n") or "\n---\n" not in text[3:]:
        return [f"{code}.md: no YAML front matter"]
    meta = yaml.safe_load(text[4:text.index("\n---\n", 3)])
    out = []
    status = meta.get("reporting_status")
    if status not in ("complete", "inprogress", "notstarted"):
        out.append(f"{code}.md: reporting_status {status!r}")
    if status == "complete":
        if "data_non_statistical" not in meta:
            out.append(f"{code}.md: data_non_statistical missing")
        elif meta["data_non_statistical"] is False:
            for key in ("graph_title", "graph_type"):
                if not meta.get(key):
                    out.append(f"{code}.md: {key} missing")
    if meta.get("graph_type") not in (None, "line", "bar", "binary"):
        out.append(f"{code}.md: graph_type {meta['graph_type']!r}")
    for line in meta.get("graph_target_lines") or []:
        if not isinstance(line.get("value"), (int, float)):
            out.append(f"{code}.md: a target line without a numeric value")
    return out


def main():
    base = sys.argv[1].rstrip("/")
    codes, page = [], 1
    while page:
        answer = json.loads(fetch(f"{base}/api/v1/kpis?page={page}"))
        codes += [k["code"] for k in answer["items"]]
        page = answer.get("next_page")
    problems = []
    for code in codes:
        problems += problems_of(code, fetch(f"{base}/kpis/{code}.csv"))
        problems += meta_problems_of(code, fetch(f"{base}/kpis/{code}.md"))
    for p in problems:
        print(p)
    print(f"Open SDG data and metadata files: {len(codes)} KPIs checked, {len(problems)} problems")
    sys.exit(1 if problems or not codes else 0)


if __name__ == "__main__":
    main()
