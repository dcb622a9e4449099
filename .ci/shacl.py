#!/usr/bin/env python3
"""Validates a CPSV-AP 3.2.0 JSON-LD document against the profile's official SHACL shapes.

    .ci/shacl.py catalogue.jsonld [--shapes data/cpsv-ap/cpsv-ap-SHACL.ttl]
                                  [--context data/cpsv-ap/cpsv-ap.jsonld]

The document references the published JSON-LD context by URL; that URL is replaced by the local
copy of the context (data/cpsv-ap/README.md), so validation needs no network. Prints pyshacl's
report and exits 0 only when the document conforms and describes at least one public service.
"""

import argparse
import json
import sys
from pathlib import Path

import pyshacl
import rdflib

ROOT = Path(__file__).resolve().parent.parent
CONTEXT_URL = (
    "https://semiceu.github.io/uri.semic.eu-generated/CPSV-AP/releases/3.2.0/context/cpsv-ap.jsonld"
)
PUBLIC_SERVICE = rdflib.URIRef("http://purl.org/vocab/cpsv#PublicService")


def inline_context(doc, context):
    """Replaces the published context URL in the document's @context by its content."""
    ctx = doc.get("@context")
    entries = ctx if isinstance(ctx, list) else [ctx]
    inlined = []
    for entry in entries:
        if entry == CONTEXT_URL:
            inlined.append(context)
        elif isinstance(entry, str):
            sys.exit(f"unknown remote context {entry!r}: only {CONTEXT_URL} can be inlined")
        else:
            inlined.append(entry)
    doc["@context"] = inlined
    return doc


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("document", type=Path, help="the JSON-LD document to validate")
    parser.add_argument(
        "--shapes", type=Path, default=ROOT / "data/cpsv-ap/cpsv-ap-SHACL.ttl"
    )
    parser.add_argument("--context", type=Path, default=ROOT / "data/cpsv-ap/cpsv-ap.jsonld")
    args = parser.parse_args()

    context = json.loads(args.context.read_text(encoding="utf-8"))["@context"]
    doc = inline_context(json.loads(args.document.read_text(encoding="utf-8")), context)
    data = rdflib.Graph().parse(data=json.dumps(doc), format="json-ld")
    shapes = rdflib.Graph().parse(args.shapes, format="turtle")

    services = len(set(data.subjects(rdflib.RDF.type, PUBLIC_SERVICE)))
    print(f"{args.document}: {len(data)} triples, {services} public services")
    conforms, _, report = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", abort_on_first=False
    )
    print(report)
    if services == 0:
        print("no cpsv:PublicService in the document", file=sys.stderr)
        return 1
    return 0 if conforms else 1


if __name__ == "__main__":
    sys.exit(main())
