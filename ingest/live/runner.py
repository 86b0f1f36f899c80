"""The resumable page loop every source runs: replay what is done, fetch the rest, checkpoint each page.

For each job: pages listed in its checkpoint are replayed from the raw-response store
(no requests), then the source's state machine continues from the saved state, and
after every page the checkpoint is rewritten. A crash at any point therefore loses at
most the page in flight, and a re-run ends with exactly the records an uninterrupted
run would have. A job whose checkpoint is complete is only replayed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tqdm import tqdm

from graph.records import Institution, Paper, Quarantined
from ingest.live.base import Job, LiveIngestError, LiveSource, PageContext, PageRequest, PageResult
from ingest.live.checkpoint import Checkpoint, CheckpointStore
from ingest.live.http import SourceClient
from ingest.live.recordfile import add_papers


@dataclass
class SourceRun:
    """What one source's ingest fetched and parsed, and how it ended."""

    source: str
    jobs: int = 0
    jobs_complete: int = 0
    pages: int = 0
    pages_from_store: int = 0
    requests: int = 0
    papers: dict[str, Paper] = field(default_factory=dict)
    institutions: dict[str, Institution] = field(default_factory=dict)
    quarantined: list[Quarantined] = field(default_factory=list)
    skipped: int = 0
    error: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _collect(run: SourceRun, job_papers: dict[str, Paper], result: PageResult) -> None:
    add_papers(job_papers, result.papers)
    for inst_id, inst in result.institutions.items():
        run.institutions.setdefault(inst_id, inst)
    run.quarantined.extend(result.quarantined)
    run.skipped += result.skipped
    for key, value in result.extra.items():
        if isinstance(value, dict):
            run.extra.setdefault(key, {}).update(value)


def run_jobs(source: LiveSource, jobs: list[Job], client: SourceClient, checkpoints: CheckpointStore, *,
             refresh: bool = False, quiet: bool = True) -> SourceRun:
    """Run every job of one source; stop at the first job that cannot go on, keeping what was parsed."""
    run = SourceRun(source.cli_name, jobs=len(jobs))
    pages_bar = tqdm(desc=f"{source.cli_name} pages", unit=" page", disable=quiet)
    records_bar = tqdm(desc=f"{source.cli_name} records", unit=" rec", disable=quiet)
    start_requests = client.requests_sent

    def parser(job: Job, request: PageRequest, state: dict[str, Any] | None) -> Callable[[bytes, str], PageResult]:
        locator = request.describe(source.base_url)
        return lambda body, retrieved_at: source.parse(body, PageContext(job, request, locator, retrieved_at, state))

    def fetched_page(job: Job, request: PageRequest, job_papers: dict[str, Paper],
                     state: dict[str, Any] | None) -> PageResult:
        page = client.fetch(request, parser(job, request, state))
        run.pages += 1
        run.pages_from_store += int(page.from_cache)
        _collect(run, job_papers, page.result)
        pages_bar.update(1)
        pages_bar.set_postfix_str(job.label)
        records_bar.update(len(page.result.papers))
        return page.result

    try:
        for job in jobs:
            job_papers: dict[str, Paper] = {}
            run.quarantined.extend(source.rejected(job))
            checkpoint = Checkpoint(source.name, job.key) if refresh else checkpoints.load(source.name, job.key)
            try:
                for request in checkpoint.pages:
                    fetched_page(job, request, job_papers, None)
                state = checkpoint.state
                while not checkpoint.complete and (request := source.next_request(job, state)) is not None:
                    result = fetched_page(job, request, job_papers, state)
                    state = source.advance(job, state, request, result)
                    checkpoint.pages.append(request)
                    checkpoint.state = state
                    checkpoints.save(checkpoint)
                if not checkpoint.complete:
                    checkpoint.complete = True
                    checkpoints.save(checkpoint)
                run.jobs_complete += 1
            finally:
                add_papers(run.papers, job_papers.values())
    except LiveIngestError as exc:
        run.error = str(exc)
    finally:
        pages_bar.close()
        records_bar.close()
        run.requests = client.requests_sent - start_requests
    return run


def dry_run_lines(source: LiveSource, jobs: list[Job], client: SourceClient,
                  checkpoints: CheckpointStore) -> list[str]:
    """What an ingest would request, without requesting anything: first page per job and where it resumes."""
    lines = []
    for job in jobs:
        checkpoint = checkpoints.load(source.name, job.key)
        stored = sum(client.is_stored(p) for p in checkpoint.pages)
        if checkpoint.complete:
            lines.append(f"{source.cli_name} {job.label}: complete ({len(checkpoint.pages)} pages, {stored} stored); "
                         "a re-run replays them without requests")
            continue
        request = source.next_request(job, checkpoint.state)
        where = request.describe(source.base_url) if request else "(nothing left)"
        note = " [stored: no request]" if request and client.is_stored(request) else ""
        resume = f" resuming after {len(checkpoint.pages)} pages;" if checkpoint.pages else ""
        lines.append(f"{source.cli_name} {job.label}:{resume} next {where}{note} (further pages follow the answers)")
    return lines
