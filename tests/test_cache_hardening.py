"""Issue 10, items 16, 17 and the cache half of item 1: a cache that cannot lie, cannot
crash a run and cannot hang it, and worker processes that die with the main process.

Every corruption below is checked the same way: the run that meets it, and the run after
it (the cache rebuilt), give exactly the diagnostics of an uncached run. "Sealed"
corruptions recompute the stored checksums (a writer that stored the wrong shape), so
the strict shape checks are what catches them; the others leave the checksums as they
were (a flipped byte, a hand edit), which the checksums catch.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from convexlint.cache import checksum
from convexlint.config import Settings
from convexlint.discovery import discover
from convexlint.engine import Linter
from convexlint.records import load_records

from conftest import FIXTURES, REPO, write_files

FILES = {
    "convex/schema.ts": (
        'import { defineSchema, defineTable } from "convex/server";\nimport { v } from "convex/values";\n'
        'export default defineSchema({ posts: defineTable({ title: v.string() }).index("by_title", ["title"]) });\n'
    ),
    "convex/posts.ts": (
        'import { query, internalQuery } from "./_generated/server";\nimport { v } from "convex/values";\n'
        "export const byTitle = internalQuery({\n  args: { title: v.string() },\n"
        '  handler: async (ctx, { title }) => await ctx.db.query("posts").withIndex("by_nothing", (q) => q.eq("title", title)).take(5),\n});\n'
        "// convexlint-disable-next-line no-such-rule\n"
        "export const all = query({\n  args: {},\n  returns: v.any(),\n"
        '  handler: async (ctx) => await ctx.db.query("posts").filter((q) => q.eq(q.field("title"), "x")).collect(),\n});\n'
    ),
    "convex/other.ts": (
        'import { internalMutation } from "./_generated/server";\nimport { v } from "convex/values";\n'
        "export const add = internalMutation({\n  args: { title: v.string() },\n"
        '  handler: async (ctx, { title }) => { await ctx.db.insert("post", { title }); },\n});\n'
    ),
}


def _setup(root: Path) -> Path:
    write_files(root, FILES)
    an_hour_ago = time.time() - 3600  # old enough for the index to trust their stat
    for rel in FILES:
        os.utime(root / rel, (an_hour_ago, an_hour_ago))
    return root / ".cache"


def _run(root: Path, cache: Path | None, jobs: int = 1):
    settings = Settings(load_records(), None, cwd=root)
    return Linter(settings, root).run(discover([root]), jobs=jobs, cache_dir=cache).diagnostics


# -- the cache files, read and written as the tests corrupt them ---------------------------


def _read_index(cache: Path) -> tuple[str, str, dict]:
    header, check, text = (cache / "index.json").read_text().split("\n", 2)
    return header, check, json.loads(text)


def _write_index(cache: Path, header: str, check: str | None, data: dict | str) -> None:
    """``check`` None: seal (a checksum matching the new text)."""
    text = data if isinstance(data, str) else json.dumps(data)
    (cache / "index.json").write_text(f"{header}\n{checksum(text) if check is None else check}\n{text}")


def _read_entries(cache: Path) -> tuple[str, list[list[str]]]:
    header, _, body = (cache / "entries.jsonl").read_text().partition("\n")
    return header, [line.split("\t", 3) for line in body.splitlines()]


def _write_entries(cache: Path, header: str, lines: list[list[str]], seal: bool) -> None:
    if seal:
        lines = [[k, checksum(k, rel, payload), rel, payload] for k, _, rel, payload in lines]
    (cache / "entries.jsonl").write_text(header + "\n" + "\n".join("\t".join(parts) for parts in lines))


def _with_findings(lines: list[list[str]]) -> int:
    """The index of an entry whose payload holds diagnostics."""
    return next(i for i, (*_, payload) in enumerate(lines) if json.loads(payload)[1])


DEEP = "[" * 100_000 + "]" * 100_000


# -- index and run results -----------------------------------------------------------------


def _index_entry_int(data):
    data["files"]["convex/posts.ts"] = 5
    return None  # sealed


def _index_entry_without_digest(data):
    data["files"]["convex/posts.ts"] = data["files"]["convex/posts.ts"][:3]
    return None


def _index_digest_not_a_digest(data):
    data["files"]["convex/posts.ts"][3] = ["not", "a", "digest"]
    return None


def _index_deeply_nested(data):
    return DEEP


def _run_deeply_nested(data):
    for key in data["runs"]:
        data["runs"][key] = [checksum(key, DEEP), DEEP]
    return None


def _run_span_of_strings(data):
    for key, (_, payload) in data["runs"].items():
        plain = json.loads(payload)
        plain[0][3] = ["1", "2", "3", "4", "5", "6"]
        payload = json.dumps(plain)
        data["runs"][key] = [checksum(key, payload), payload]
    return None


def _run_line_plus_one(data):
    """A stored line number +1; the run's own checksum is left as it was (the index is
    resealed), so only that checksum can tell."""
    for key, (check, payload) in data["runs"].items():
        plain = json.loads(payload)
        plain[0][3][2] += 1
        data["runs"][key] = [check, json.dumps(plain)]
    return None


def _run_severity_out_of_range(data):
    for key, (_, payload) in data["runs"].items():
        plain = json.loads(payload)
        plain[0][1] = 9
        payload = json.dumps(plain)
        data["runs"][key] = [checksum(key, payload), payload]
    return None


def _runs_not_pairs(data):
    data["runs"] = {key: payload for key, (_, payload) in data["runs"].items()}
    return None


@pytest.mark.parametrize(
    "corrupt",
    [
        _index_entry_int,
        _index_entry_without_digest,
        _index_digest_not_a_digest,
        _index_deeply_nested,
        _run_deeply_nested,
        _run_span_of_strings,
        _run_line_plus_one,
        _run_severity_out_of_range,
        _runs_not_pairs,
    ],
)
def test_corrupt_index_gives_the_uncached_result(tmp_path, corrupt):
    cache = _setup(tmp_path)
    expected = _run(tmp_path, None)
    assert len(expected) >= 4
    assert _run(tmp_path, cache) == expected
    header, _, data = _read_index(cache)
    assert data["runs"] and "convex/posts.ts" in data["files"]
    replaced = corrupt(data)
    _write_index(cache, header, None, replaced if replaced is not None else data)
    assert _run(tmp_path, cache) == expected
    assert _run(tmp_path, cache) == expected  # rebuilt: the next run trusts it again
    _read_index(cache)  # and it was overwritten with something well-formed


def test_edited_run_result_is_caught_by_the_index_checksum(tmp_path):
    """A stored line number +1, edited in place (neither checksum recomputed)."""
    cache = _setup(tmp_path)
    expected = _run(tmp_path, None)
    _run(tmp_path, cache)
    header, check, data = _read_index(cache)
    for key, (run_check, payload) in data["runs"].items():
        plain = json.loads(payload)
        plain[0][3][2] += 1
        data["runs"][key] = [checksum(key, json.dumps(plain)), json.dumps(plain)]  # even the run's own
    _write_index(cache, header, check, data)
    assert _run(tmp_path, cache) == expected


@pytest.mark.parametrize("seed", range(40))
def test_byte_flips_in_the_index_give_the_uncached_result(tmp_path, seed):
    cache = _setup(tmp_path)
    expected = _run(tmp_path, None)
    _run(tmp_path, cache)
    data = bytearray((cache / "index.json").read_bytes())
    start = data.index(b"\n") + 1  # past the header (a changed header is a foreign cache)
    rng = random.Random(seed)
    at = rng.randrange(start, len(data))
    data[at] ^= 1 << rng.randrange(8)
    (cache / "index.json").write_bytes(bytes(data))
    assert _run(tmp_path, cache) == expected
    assert _run(tmp_path, cache) == expected


# -- per-file entries ------------------------------------------------------------------------


def _entry_span_of_strings(lines):
    i = _with_findings(lines)
    plain = json.loads(lines[i][3])
    plain[1][0][3] = ["a", "b", "c", "d", "e", "f"]
    lines[i][3] = json.dumps(plain)
    return True  # sealed


def _entry_deeply_nested(lines):
    lines[0][3] = DEEP
    return True


def _entry_int(lines):
    lines[0][3] = "5"
    return True


def _entry_object(lines):
    lines[0][3] = '{"a": 1, "b": 2, "c": 3}'
    return True


def _entry_facts_of_another_file(lines):
    lines[0][3], lines[1][3] = lines[1][3], lines[0][3]
    return True


def _entry_bool_for_int(lines):
    """A boolean where the span wants an integer (``True == 1`` in Python)."""
    i = _with_findings(lines)
    plain = json.loads(lines[i][3])
    plain[1][0][3][0] = plain[1][0][3][0] == 0
    lines[i][3] = json.dumps(plain)
    return True


def _entry_string_for_list(lines):
    """A string where the facts want a list (iterating it would give characters)."""
    plain = json.loads(lines[0][3])
    plain[0][9] = "abc"  # FileFacts.imports
    lines[0][3] = json.dumps(plain)
    return True


def _entry_rel_not_a_string(lines):
    lines[0][2] = "5"
    return True


def _entry_null_facts(lines):
    """Null facts, edited in place: the checksum is left as it was."""
    for parts in lines:
        plain = json.loads(parts[3])
        plain[0] = None
        parts[3] = json.dumps(plain)
    return False


def _entry_line_plus_one(lines):
    i = _with_findings(lines)
    plain = json.loads(lines[i][3])
    plain[1][0][3][2] += 1
    lines[i][3] = json.dumps(plain)
    return False


@pytest.mark.parametrize(
    "corrupt",
    [
        _entry_span_of_strings,
        _entry_deeply_nested,
        _entry_int,
        _entry_object,
        _entry_facts_of_another_file,
        _entry_bool_for_int,
        _entry_string_for_list,
        _entry_rel_not_a_string,
        _entry_null_facts,
        _entry_line_plus_one,
    ],
)
def test_corrupt_entry_gives_the_uncached_result(tmp_path, corrupt):
    cache = _setup(tmp_path)
    expected = _run(tmp_path, None)
    _run(tmp_path, cache)
    header, lines = _read_entries(cache)
    assert len(lines) == 3 and all(len(parts) == 4 for parts in lines)
    _write_entries(cache, header, lines, seal=corrupt(lines))
    (cache / "index.json").unlink()  # no replayable run: the entries are decoded
    assert _run(tmp_path, cache) == expected
    (cache / "index.json").unlink()
    assert _run(tmp_path, cache) == expected  # the recomputed entries were stored


@pytest.mark.parametrize("seed", range(40))
def test_byte_flips_in_entries_give_the_uncached_result(tmp_path, seed):
    cache = _setup(tmp_path)
    expected = _run(tmp_path, None)
    _run(tmp_path, cache)
    data = bytearray((cache / "entries.jsonl").read_bytes())
    start = data.index(b"\n") + 1
    rng = random.Random(seed)
    for _ in range(3):
        at = rng.randrange(start, len(data))
        data[at] ^= 1 << rng.randrange(8)
    (cache / "entries.jsonl").write_bytes(bytes(data))
    (cache / "index.json").unlink()
    assert _run(tmp_path, cache) == expected


def test_any_decoding_error_is_a_miss(tmp_path, monkeypatch):
    """Not only the expected error types: whatever decoding raises, the run goes on."""
    cache = _setup(tmp_path)
    expected = _run(tmp_path, None)
    _run(tmp_path, cache)

    def broken(*_a, **_k):
        raise RuntimeError("a decoder bug")

    monkeypatch.setattr(Linter, "_decode_diagnostic", broken)  # breaks the replay and every entry
    assert _run(tmp_path, cache) == expected


def _field(cls, name: str) -> int:
    import dataclasses

    return [f.name for f in dataclasses.fields(cls)].index(name)


def _set(path: list, value):
    """A mutation of encoded ``FileFacts``: ``path`` as (record class, field name) pairs
    or list indexes, the last one replaced by ``value``."""

    def mutate(plain):
        node = plain
        steps = [_field(*s) if isinstance(s, tuple) else s for s in path]
        for step in steps[:-1]:
            node = node[step]
        node[steps[-1]] = value

    return mutate


def _codec_mutations():
    from convexlint.model.facts import FileFacts, FunctionFact

    fn = [(FileFacts, "functions"), 0]
    return {
        "int for a string": _set([(FileFacts, "path")], 5),
        "integer for a boolean": _set([(FileFacts, "is_server")], 1),
        "string for a list of strings": _set([(FileFacts, "site_requests")], "abc"),
        "list of pairs for a dict": _set([(FileFacts, "aliases")], [["a", "b"]]),
        "span of strings": _set([*fn, (FunctionFact, "span")], ["1", "2", "3", "4", "5", "6"]),
        "span with a boolean": _set([*fn, (FunctionFact, "span"), 0], True),
        "span of 5 integers": _set([*fn, (FunctionFact, "span")], [1, 2, 3, 4, 5]),
        "unknown literal": _set([*fn, (FunctionFact, "kind")], "table"),
        "short tuple": _set([(FileFacts, "reexports")], [["a", "b"]]),
        "long tuple": _set([(FileFacts, "reexports")], [["a", "b", "c", "d"]]),
        "tuple with an int": _set([(FileFacts, "reexports")], [["a", "b", 3]]),
        "record with an extra field": lambda plain: plain[_field(FileFacts, "functions")][0].append(1),
        "null for a list": _set([*fn, (FunctionFact, "events")], None),
    }


@pytest.mark.parametrize("name", sorted(_codec_mutations()))
def test_codec_decodes_strictly(tmp_path, name):
    """Data of the wrong shape raises one of ``DECODE_ERRORS``, never decodes to wrong facts."""
    from convexlint.codec import DECODE_ERRORS, decoder, encoder
    from convexlint.model.facts import FileFacts

    write_files(tmp_path, FILES)
    linter = Linter(Settings(load_records(), None, cwd=tmp_path), tmp_path)
    (target,) = [t for t in discover([tmp_path]) if t.path.name == "posts.ts"]
    plain = json.loads(json.dumps(encoder(FileFacts)(linter.lint_file(target).facts)))
    assert plain[_field(FileFacts, "functions")] and decoder(FileFacts)(plain) is not None
    _codec_mutations()[name](plain)
    with pytest.raises(DECODE_ERRORS):
        decoder(FileFacts)(plain)


def test_strict_decoding_accepts_everything_the_encoder_writes():
    """Every fixture project's outcomes survive encode -> decode unchanged (the strict
    checks never reject real data, which workers send the same way)."""
    projects = sorted(p for p in (FIXTURES / "projects").iterdir() if p.is_dir())
    assert projects
    for root in projects:
        linter = Linter(Settings(load_records(), None, preview=True, cwd=root), root)
        outcomes = linter.lint_files(discover([root], client_context=True), jobs=1)
        for outcome in outcomes:
            assert linter.decode(outcome.target, linter.encode(outcome)) == outcome, outcome.rel


# -- item 1: never block on a FIFO where a cache file should be ---------------------------

fifo_only = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")


def _python(code: str, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, capture_output=True, text=True, timeout=60)


@fifo_only
def test_fifo_cache_files_do_not_hang_the_run(tmp_path):
    _setup(tmp_path)
    cli = [sys.executable, "-m", "convexlint", "check", "--format", "json"]
    expected = subprocess.run([*cli, "--no-cache"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    cache = tmp_path / "fifos"
    cache.mkdir()
    for name in ("index.json", "entries.jsonl"):
        os.mkfifo(cache / name)
    got = subprocess.run([*cli, "--cache-dir", str(cache)], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert (got.returncode, got.stdout, got.stderr) == (expected.returncode, expected.stdout, expected.stderr)
    assert json.loads(got.stdout)
    # The pipes were replaced by regular cache files, which the next run replays.
    assert (cache / "index.json").is_file() and (cache / "entries.jsonl").is_file()
    again = subprocess.run([*cli, "--cache-dir", str(cache)], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert again.stdout == expected.stdout


@fifo_only
def test_cache_never_reads_or_appends_to_a_fifo(tmp_path):
    """The digest of a path that is a FIFO is None (not read), and an entries file swapped
    for a FIFO during the run is not appended to (that would wait for a reader)."""
    os.mkfifo(tmp_path / "pipe.ts")
    code = """
import os, sys
from pathlib import Path
from convexlint.cache import Cache
root = Path(sys.argv[1])
cache = Cache(root / "c", "fp")
assert cache.digest("pipe.ts", root / "pipe.ts") is None
cache.put("k1", "a.ts", "[1]")
cache.get("k0")
cache.save(root, live={"a.ts"})
cache = Cache(root / "c", "fp")
assert cache.get("k1") == "[1]"
os.unlink(root / "c" / "entries.jsonl")
os.mkfifo(root / "c" / "entries.jsonl")
cache.put("k2", "a.ts", "[2]")
cache.save(root, live={"a.ts"})
print("done")
"""
    result = _python(code, REPO, str(tmp_path))
    assert result.stdout.strip() == "done", result.stderr


# -- item 17: workers die with the main process ---------------------------------------------

WORKER_FN = """import {{ query }} from "./_generated/server";
export const list{n} = query({{
  args: {{}},
  handler: async (ctx) => await ctx.db.query("items").filter((q) => q.eq(q.field("n"), {n})).collect(),
}});
"""

# The main process stops for good once workers have sent their first results (the test
# then SIGKILLs it), so the workers are certainly alive at the kill, whatever the speed.
STALLING_RUN = """
import sys, time
import convexlint.engine as engine
from convexlint.cli import main
if sys.argv[2] == "fallback":  # no PR_SET_PDEATHSIG: the parent-liveness check must do
    engine._set_parent_death_signal = lambda: False
def stall(self, target, payload):
    print("workers-up", flush=True)
    while True:
        time.sleep(3600)  # until killed
engine.Linter.decode = stall
sys.argv = ["convexlint", "check", "--no-cache", "--jobs", "2", sys.argv[1]]
main()
"""


def _alive_children(pid: int) -> set[int]:
    """Pids of the live (not zombie) processes whose parent is ``pid``, from ``/proc``."""
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat.rpartition(")")[2].split()
        if int(fields[1]) == pid and fields[0] not in ("Z", "X"):
            found.add(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] not in ("Z", "X")


@pytest.mark.skipif(not sys.platform.startswith("linux") or not os.path.isdir("/proc"), reason="reads /proc")
@pytest.mark.parametrize("mode", ["pdeathsig", "fallback"])
def test_workers_exit_when_the_main_process_is_killed(tmp_path, mode):
    import convexlint.engine as engine

    write_files(tmp_path, {f"convex/m{n}.ts": WORKER_FN.format(n=n) for n in range(engine.PARALLEL_THRESHOLD + 16)})
    proc = subprocess.Popen(
        [sys.executable, "-c", STALLING_RUN, str(tmp_path), mode],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    workers: set[int] = set()
    try:
        line = proc.stdout.readline()  # blocks until the workers answered (or the run failed)
        assert line.strip() == "workers-up", proc.stderr.read() if proc.poll() is not None else line
        workers = _alive_children(proc.pid)
        assert workers, "no worker processes found"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        deadline = time.monotonic() + 15
        while any(_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [w for w in workers if _alive(w)], "worker processes outlived the killed main process"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for w in workers:  # an orphan left by a failure: end it (the test started it)
            if _alive(w):
                try:
                    os.kill(w, signal.SIGKILL)
                except OSError:
                    pass
        proc.stdout.close()
        proc.stderr.close()
