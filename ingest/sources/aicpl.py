"""Reader for OpenReview pulls of accepted ICLR papers (`aicpl/openreview_profile*/iclr<year>.json.gz`).

Wrappers `{venue_key, year, fetched_at, records: [{paper_id, title, paper_url,
authorids, [affiliations, first_institute]}]}`. Authors are given only as OpenReview
tilde ids, which encode the name ('~Tim_Dettmers2'); e-mail ids were dropped when the
snapshot was vendored, so such authors are quarantined. `first_institute` is the
first author's institution; the `affiliations` list is not aligned with authors and
is not used.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from graph import ids
from graph.records import Authorship, Institution, Paper, Provenance
from ingest.sources.common import ReadStream, name_from_tilde_id, printed_institution_id, quarantine

SOURCE = "aicpl"


def read(path: Path, retrieved_at: str, institutions: dict[str, Institution] | None = None,
         derived_terms: dict[str, list[str]] | None = None) -> ReadStream:
    """`derived_terms` maps a record's `paper_id` to terms derived from its abstract (see papercopilot.read)."""
    try:
        wrapper = json.load(gzip.open(path))
        records = wrapper["records"]
        year = int(wrapper["year"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        yield quarantine(SOURCE, path.name, f"not an OpenReview pull wrapper: {exc!r}")
        return
    provenance = Provenance([SOURCE], wrapper.get("fetched_at") or retrieved_at)
    for index, record in enumerate(records):
        locator = f"{path.parent.name}/{path.name}[{index}]"
        title = str((record or {}).get("title") or "").strip()
        url = str(record.get("paper_url") or "")
        if not title or "forum?id=" not in url:
            yield quarantine(SOURCE, locator, "record without title or OpenReview forum link", record)
            continue
        openreview_id = url.split("forum?id=", 1)[1].split("&", 1)[0]
        paper = Paper(id=ids.paper_id(openreview_id=openreview_id), title=title, year=year,
                      venue_id=ids.venue_id("ICLR"), venue_name="ICLR", openreview_id=openreview_id, url=url,
                      provenance=provenance, derived_terms=(derived_terms or {}).get(str(record.get("paper_id")), []))
        first_institute = str(record.get("first_institute") or "").strip() or None
        for position, tilde in enumerate(record.get("authorids") or []):
            name = name_from_tilde_id(tilde)
            if not name:
                yield quarantine(SOURCE, f"{locator}.author[{position}]",
                                 "author given without an OpenReview profile id (e-mail only); name unknown",
                                 {"title": title, "position": position})
                continue
            affiliation = first_institute if position == 0 else None
            institution_id = printed_institution_id(affiliation, provenance, institutions)
            paper.authorships.append(Authorship(paper_id=paper.id, position=position, name=name,
                                                affiliation=affiliation, institution_id=institution_id,
                                                openreview_id=tilde))
        yield paper
