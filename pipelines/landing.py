"""The landing folder: dump partitions, file discovery and the sensor's incremental scan.

One dynamic partition per distinct dump, keyed by a readable prefix of the sha256 of its bytes:
the same bytes landed again (same or another name) map to the same partition and add nothing.

The scan is incremental: the cursor is a watermark on the time a file *landed* (the later of its
mtime and ctime; ctime changes when a file is created or renamed into the folder, so a copy that
preserves an old mtime (`cp -p`, `rsync -t`) is still seen) plus the names sitting exactly on the
watermark. Only files that landed after the watermark are hashed, so the cursor stays a few bytes
and a tick costs one directory listing however large the folder grows. A file is picked up only
once it has been quiet for `settle_seconds` (no partial writes), hidden files and the usual
temporary suffixes of copy tools are ignored until they are renamed to their final name.
Files in subfolders land too, named by their path under the folder ("2024/x.txt").
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

DUMPS_PARTITIONS = "dumps"
dump_partitions = dg.DynamicPartitionsDefinition(name=DUMPS_PARTITIONS)

KEY_LENGTH = 16  # hex digits of the sha256 (the listing_id prefix uses the same 16)
FILE_TAG = "paperlake/file_name"  # run tag: where the sensor saw the dump (a hint, verified by hash)

PARTIAL_SUFFIXES = (".part", ".partial", ".tmp", ".temp", ".crdownload", ".download", ".filepart",
                    ".uploading", ".incomplete", ".swp", "~")


def dump_key(dump_id: str) -> str:
    """Partition key of a dump: the first KEY_LENGTH hex digits of its sha256."""
    return dump_id[:KEY_LENGTH]


def is_landing_name(name: str) -> bool:
    """False for hidden files and names of files that copy tools are still writing; a path
    ("sub/x.txt") is landable when each of its parts is."""
    return all(not part.startswith((".", "~")) and not part.lower().endswith(PARTIAL_SUFFIXES)
               for part in name.split("/"))


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


@dataclass(frozen=True)
class Entry:
    name: str
    size: int
    landed_ns: int  # max(mtime, ctime)


def list_landing(root: str | Path) -> list[Entry]:
    """Every landable file in the folder and its subfolders (listings + stat, no reads).

    A file in a subfolder is named by its path under ``root`` ("sub/x.txt"); hidden or temporary
    folder names are skipped like file names, symlinked folders are not followed. It counts as
    landed when it or a folder above it last changed: a folder moved in keeps its files' times.
    """
    out: list[Entry] = []
    todo = [("", os.fspath(root), 0)]  # (name prefix, folder, landed_ns of the folders above)
    while todo:
        prefix, folder, above_ns = todo.pop()
        try:
            it = os.scandir(folder)
        except (FileNotFoundError, NotADirectoryError):  # missing root, or removed while listing
            continue
        with it:
            for e in it:
                if not is_landing_name(e.name):
                    continue
                try:
                    if e.is_dir(follow_symlinks=False):
                        todo.append((f"{prefix}{e.name}/", e.path, max(above_ns, e.stat().st_ctime_ns)))
                        continue
                    if not e.is_file():
                        continue
                    st = e.stat()
                except FileNotFoundError:  # removed while listing
                    continue
                out.append(Entry(prefix + e.name, st.st_size, max(st.st_mtime_ns, st.st_ctime_ns, above_ns)))
    return out


def landed_files(root: str | Path) -> list[Path]:
    return sorted(Path(root) / e.name for e in list_landing(root))


@dataclass(frozen=True)
class Cursor:
    """Landing watermark (ns) and the names that landed exactly at it (already handled)."""

    watermark_ns: int = 0
    names: tuple[str, ...] = ()

    def to_json(self) -> str:
        return json.dumps({"v": 1, "t": self.watermark_ns, "n": list(self.names)}, separators=(",", ":"))

    @staticmethod
    def from_json(raw: str | None) -> Cursor:
        if not raw:
            return Cursor()
        d = json.loads(raw)
        return Cursor(int(d["t"]), tuple(d.get("n", ())))

    def is_new(self, e: Entry) -> bool:
        return e.landed_ns > self.watermark_ns or (e.landed_ns == self.watermark_ns and e.name not in self.names)


@dataclass
class Scan:
    files: int = 0  # landable files in the folder
    new: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (file name, dump_id)
    known: list[tuple[str, str]] = field(default_factory=list)  # (file name, key): re-drops of registered dumps
    settling: list[str] = field(default_factory=list)  # landed too recently, still being written?
    deferred: int = 0  # settled but left for the next tick (max_new reached)
    cursor: Cursor = field(default_factory=Cursor)
    hashed_bytes: int = 0

    def summary(self) -> str:
        parts = [f"{self.files} file(s) in landing"]
        if self.new:
            parts.append(f"{len(self.new)} new dump(s): " + ", ".join(f"{n} [{k}]" for k, (n, _) in self.new.items()))
        if self.known:
            parts.append(f"{len(self.known)} re-dropped file(s) of known dumps, nothing to do: "
                         + ", ".join(f"{n} [{k}]" for n, k in self.known[:10]))
        if self.settling:
            parts.append(f"{len(self.settling)} file(s) still being written (modified < settle window ago), "
                         "picked up once quiet: " + ", ".join(self.settling[:10]))
        if self.deferred:
            parts.append(f"{self.deferred} more file(s) deferred to the next tick")
        if not (self.new or self.known or self.settling or self.deferred):
            parts.append("no file landed since the last tick")
        return "; ".join(parts)


def scan_landing(
    root: str | Path,
    cursor: Cursor,
    *,
    is_known: Callable[[str], bool],
    settle_seconds: float,
    max_new: int = 50,
    now_ns: int | None = None,
) -> Scan:
    """Find dumps that landed after ``cursor``; only those files are read and hashed."""
    now_ns = time.time_ns() if now_ns is None else now_ns  # taken before listing: see module doc
    entries = list_landing(root)
    scan = Scan(files=len(entries), cursor=cursor)
    horizon = now_ns - int(settle_seconds * 1e9)
    fresh = [e for e in entries if cursor.is_new(e)]
    scan.settling = sorted(e.name for e in fresh if e.landed_ns > horizon)
    ready = sorted((e for e in fresh if e.landed_ns <= horizon), key=lambda e: (e.landed_ns, e.name))
    wm, names = cursor.watermark_ns, set(cursor.names)
    for i, e in enumerate(ready):
        if len(scan.new) >= max_new:
            scan.deferred = len(ready) - i
            break
        try:
            dump_id = sha256_file(Path(root) / e.name)
        except FileNotFoundError:
            continue
        scan.hashed_bytes += e.size
        key = dump_key(dump_id)
        if key in scan.new or is_known(key):
            scan.known.append((e.name, key))
        else:
            scan.new[key] = (e.name, dump_id)
        if e.landed_ns > wm:
            wm, names = e.landed_ns, set()
        names.add(e.name)
    scan.cursor = Cursor(wm, tuple(sorted(names)))
    return scan


class HashCache:
    """sha256 of landed files, remembered by (name, size, landed time) in a small JSON file.

    `paperlake run` and the bronze asset hash the folder to map partitions to files; with the
    cache a file is read only when it is new or changed, so a run over a folder of thousands
    of dumps reads just the new ones. The file is replaced atomically; a lost update (two
    runs at once) only costs a re-hash.
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._entries: dict[str, list] = {}
        self._dirty = False
        if self.path.is_file():
            try:
                self._entries = json.loads(self.path.read_text()).get("files", {})
            except (ValueError, OSError):
                self._entries = {}

    def sha256(self, root: Path, e: Entry) -> str:
        hit = self._entries.get(e.name)
        if hit and hit[0] == e.size and hit[1] == e.landed_ns:
            return hit[2]
        digest = sha256_file(root / e.name)
        self._entries[e.name] = [e.size, e.landed_ns, digest]
        self._dirty = True
        return digest

    def folder(self, root: str | Path) -> dict[str, str]:
        """name -> sha256 of every landable file (files that vanish meanwhile are skipped)."""
        out = {}
        for e in list_landing(root):
            try:
                out[e.name] = self.sha256(Path(root), e)
            except FileNotFoundError:
                continue
        self._entries = {n: v for n, v in self._entries.items() if n in out}
        return out

    def save(self) -> None:
        if self._dirty:
            _write_json_atomic(self.path, {"v": 1, "files": self._entries})
            self._dirty = False


def _write_json_atomic(path: Path, obj: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(obj, separators=(",", ":")))
    os.replace(tmp, path)


def locate(
    root: str | Path, keys: Iterable[str], hints: Iterable[str] = (), cache: HashCache | None = None
) -> dict[str, list[tuple[str, bytes]]]:
    """key -> [(file name, bytes), ...] for the given partition keys.

    Hinted names (the sensor's run tag) are tried first and verified by hash. With a cache,
    the cached names of each key are tried next (verified by hash too). The whole folder is
    hashed only when a key is still missing, or when several keys are asked for without a
    cache (then every name carrying the same bytes is returned, so aliases are recorded).
    """
    want = set(keys)
    found: dict[str, dict[str, bytes]] = {}
    root = Path(root)
    if cache is not None:
        hints = [*hints, *(n for n, d in cache.folder(root).items() if dump_key(d) in want)]
        cache.save()

    def consider(name: str) -> None:
        p = root / name
        try:
            data = p.read_bytes()
        except (FileNotFoundError, IsADirectoryError):
            return
        key = dump_key(hashlib.sha256(data).hexdigest())
        if key in want:
            found.setdefault(key, {})[name] = data

    for name in hints:
        if name and is_landing_name(name):
            consider(name)
    if (len(want) > 1 and cache is None) or set(found) != want:
        for e in list_landing(root):
            if not any(e.name in v for v in found.values()):
                consider(e.name)
    return {k: sorted(v.items()) for k, v in found.items()}


def register_landing(instance: dg.DagsterInstance, root: str | Path) -> list[str]:
    """Add a partition for every dump in the folder (idempotent); returns the folder's keys."""
    keys = sorted({dump_key(sha256_file(p)) for p in landed_files(root)})
    existing = set(instance.get_dynamic_partitions(DUMPS_PARTITIONS))
    missing = [k for k in keys if k not in existing]
    if missing:
        instance.add_dynamic_partitions(DUMPS_PARTITIONS, missing)
    return keys


def hash_cache(warehouse_root: str | Path) -> HashCache:
    """The landing folder's hash cache, kept beside the warehouse tables (not a Delta table)."""
    return HashCache(Path(warehouse_root) / "_state" / "landing_hashes.json")


def ingested_dump_ids(warehouse_root: str | Path) -> list[str]:
    """Dumps already in bronze/raw_dumps from the current parser version."""
    import polars as pl

    from paperlake.delta import DeltaStore
    from paperlake.versions import PARSER_VERSION

    raw = DeltaStore(warehouse_root).read_or_empty("bronze/raw_dumps", {"dump_id": pl.String, "parser_version": pl.String})
    return raw.filter(pl.col("parser_version") == PARSER_VERSION)["dump_id"].to_list()


BATCH_PREFIX = "batch-"


def _batches_dir(warehouse_root: str | Path) -> Path:
    return Path(warehouse_root) / "_state" / "batches"


def batch_partition(warehouse_root: str | Path, keys: Iterable[str]) -> str:
    """The partition key of a batch of dumps (content-derived), with its manifest written."""
    keys = sorted(set(keys))
    key = BATCH_PREFIX + hashlib.sha256(",".join(keys).encode()).hexdigest()[:KEY_LENGTH]
    path = _batches_dir(warehouse_root) / f"{key}.json"
    if not path.is_file():
        _write_json_atomic(path, {"v": 1, "dump_keys": keys})
    return key


def dump_keys_of(warehouse_root: str | Path, partition_keys: Iterable[str]) -> list[str]:
    """Dump keys behind partition keys: a dump key stands for itself, a batch for its members."""
    out: list[str] = []
    for k in partition_keys:
        if k.startswith(BATCH_PREFIX):
            path = _batches_dir(warehouse_root) / f"{k}.json"
            if not path.is_file():
                raise FileNotFoundError(f"batch partition {k}: no manifest at {path} (was it created by "
                                        "`paperlake run` against another warehouse?)")
            out += json.loads(path.read_text())["dump_keys"]
        else:
            out.append(k)
    return list(dict.fromkeys(out))


def batched_dump_keys(warehouse_root: str | Path) -> set[str]:
    """Every dump key that belongs to some batch partition."""
    d = _batches_dir(warehouse_root)
    return {k for p in d.glob(f"{BATCH_PREFIX}*.json") for k in json.loads(p.read_text())["dump_keys"]} if d.is_dir() else set()


def plan_landing_run(
    instance: dg.DagsterInstance, root: str | Path, warehouse_root: str | Path
) -> tuple[list[str], list[str], str]:
    """Register the partition for one run over the folder: (all dump keys, new dump keys, partition).

    New = not yet in bronze from this parser version. One new dump gets its own partition (as
    from the sensor); several get one batch partition (Dagster stores events per partition and
    asset: with SQLite that costs ~0.1 s per partition, minutes for thousands of dumps). With
    nothing new the run covers a batch of the whole folder: bronze parses nothing, downstream
    assets are refreshed.
    """
    cache = hash_cache(warehouse_root)
    keys = sorted({dump_key(d) for d in cache.folder(root).values()})
    cache.save()
    done = {dump_key(d) for d in ingested_dump_ids(warehouse_root)}
    new = [k for k in keys if k not in done]
    if not keys:
        return [], [], ""
    partition = new[0] if len(new) == 1 else batch_partition(warehouse_root, new or keys)
    if not instance.has_dynamic_partition(DUMPS_PARTITIONS, partition):
        instance.add_dynamic_partitions(DUMPS_PARTITIONS, [partition])
    return keys, new, partition


def range_tags(instance: dg.DagsterInstance, keys: Iterable[str]) -> dict[str, str]:
    """Run tags for one run over every partition from the first to the last of ``keys``.

    Dynamic partitions are ordered by registration; keys in between that belong to other
    folders are skipped by the bronze asset (it logs them).
    """
    keys = set(keys)
    ordered = [k for k in instance.get_dynamic_partitions(DUMPS_PARTITIONS) if k in keys]
    if not ordered:
        return {}
    return {"dagster/asset_partition_range_start": ordered[0], "dagster/asset_partition_range_end": ordered[-1]}
