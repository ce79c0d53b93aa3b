"""Latency of ``convexlint server`` as an editor sees it (issue 13's benchmark).

    python benchmarks/lsp.py [--files 2000] [--edits 50] [--path PROJECT]

Generates the deterministic project of ``benchmarks/generate.py`` (or uses ``--path``, on a
copy), starts the server over stdio with pygls' client, opens a function file and
``schema.ts``, and measures, over ``--edits`` edits each:

* one-file change: ``didChange`` of the function file (alternating a query of a missing
  table and of a real one) to the ``publishDiagnostics`` of that file;
* schema change: ``didChange`` of ``schema.ts`` (adding or removing the table the function
  file queries) to the ``publishDiagnostics`` of the function file;
* import change: like the one-file change, but every edit also adds or removes an import
  line, which changes the file's shape (what other files' resolution can read of it), so
  the server's shape memo is rebuilt each time (see ``Linter.projects``);

and prints median and p95 of each, and the server's peak RSS (``VmHWM``). Timings include
the server's debounce (``convexlint.server.DEBOUNCE``, zero: changes coalesce instead) and
the JSON-RPC round trip. Both open files are the focus of every run; the other 1,998 files
come from the in-memory outcomes.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

HERE = Path(__file__).resolve().parent
PROBE = '\nexport const benchProbe = internalQuery({{ args: {{}}, returns: v.null(), handler: async (ctx) => {{ await ctx.db.query("{table}").first(); return null; }} }});\n'


def _p95(xs: list[float]) -> float:
    return sorted(xs)[max(0, int(round(0.95 * len(xs))) - 1)]


async def _run(root: Path, edits: int) -> dict:
    schema_path = root / "convex" / "schema.ts"
    schema = schema_path.read_text()
    real_table = re.search(r"^\s*(\w+): defineTable", schema, re.M).group(1)
    target = next(p for p in sorted((root / "convex").rglob("*.ts")) if "_generated" not in p.parts and p.name not in ("schema.ts", "http.ts", "crons.ts") and "internalQuery" in p.read_text())
    base = target.read_text()
    client = LanguageClient("bench", "1")
    published: dict[str, asyncio.Event] = {}
    last: dict[str, list] = {}

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def _on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
        last[params.uri] = params.diagnostics
        event = published.get(params.uri)
        if event is not None:
            event.set()

    await client.start_io(sys.executable, "-m", "convexlint", "server")
    await client.initialize_async(types.InitializeParams(capabilities=types.ClientCapabilities(), root_uri=root.as_uri(),
                                                         workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="bench")]))
    client.initialized(types.InitializedParams())
    turi, suri = target.as_uri(), schema_path.as_uri()
    versions = {turi: 1, suri: 1}

    async def change(uri: str, text: str, wait_for: str) -> float:
        versions[uri] += 1
        published[wait_for] = asyncio.Event()
        started = time.perf_counter()
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=versions[uri]),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        ))
        await asyncio.wait_for(published[wait_for].wait(), 120)
        return time.perf_counter() - started

    published[turi] = asyncio.Event()
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(uri=turi, language_id="typescript", version=1, text=base)))
    cold_start = time.perf_counter()
    await asyncio.wait_for(published[turi].wait(), 300)
    first = time.perf_counter() - cold_start
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(uri=suri, language_id="typescript", version=1, text=schema)))
    await asyncio.sleep(1.0)

    one_file = []
    for i in range(edits):
        table = "benchMissing" if i % 2 == 0 else real_table
        one_file.append(await change(turi, base + PROBE.format(table=table), turi))
    import_change = []
    line = 'import { benchHelper } from "./benchHelper";\n'
    for i in range(edits):
        table = "benchMissing" if i % 2 == 0 else real_table
        import_change.append(await change(turi, (line if i % 2 == 0 else "") + base + PROBE.format(table=table), turi))
    # the function file now queries benchTable; adding and removing it flips its finding
    await change(turi, base + PROBE.format(table="benchTable"), turi)
    with_table = schema.replace("defineSchema({", "defineSchema({\n  benchTable: defineTable({}),", 1)
    schema_change = []
    for i in range(edits):
        schema_change.append(await change(suri, with_table if i % 2 == 0 else schema, turi))
    pid = client._server.pid if client._server is not None else None
    rss = None
    if pid is not None:
        status = Path(f"/proc/{pid}/status")
        if status.exists():
            match = re.search(r"VmHWM:\s+(\d+) kB", status.read_text())
            rss = int(match.group(1)) / 1024 if match else None
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return {"first": first, "one_file": one_file, "imports": import_change, "schema": schema_change, "rss_mb": rss, "file": str(target.relative_to(root))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--edits", type=int, default=50)
    ap.add_argument("--path", type=Path, default=None, help="a project to use instead of a generated one (a copy is edited)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "project"
        if args.path is not None:
            shutil.copytree(args.path, root, ignore=shutil.ignore_patterns("node_modules", ".git"))
        else:
            subprocess.run([sys.executable, str(HERE / "generate.py"), str(root), "--files", str(args.files)], check=True)
        r = asyncio.run(_run(root, args.edits))
    ms = lambda x: f"{1000 * x:7.0f} ms"  # noqa: E731
    print(f"project: {'generated --files ' + str(args.files) if args.path is None else args.path}; edited {r['file']}; {args.edits} edits each")
    print(f"first diagnostics after open (cold, cache empty): {ms(r['first'])}")
    print(f"one-file change -> its diagnostics:   median {ms(statistics.median(r['one_file']))}  p95 {ms(_p95(r['one_file']))}")
    print(f"import change -> its diagnostics:     median {ms(statistics.median(r['imports']))}  p95 {ms(_p95(r['imports']))}")
    print(f"schema change -> other file's:        median {ms(statistics.median(r['schema']))}  p95 {ms(_p95(r['schema']))}")
    print(f"server peak RSS: {r['rss_mb']:.0f} MB" if r["rss_mb"] is not None else "server peak RSS: unknown")


if __name__ == "__main__":
    main()
