"""Whether two indexes hold the same segments, part by part: the SHA-1 of every file of every
segment (compound or not), segments taken in order and their random ids masked. A script, for
changes to how an index is written that must not change what it holds (issue 15: the bulk
segment writer).

    python bench/same_segments.py INDEX_A INDEX_B     # exit 0 identical, 1 different
"""

from __future__ import annotations

import hashlib
import os
import sys


def parts(index_dir: str) -> dict[str, str]:
    from whoosh import index
    from whoosh.filedb.compound import CompoundStorage

    ix = index.open_dir(index_dir)
    out = {}
    for n, segment in enumerate(ix._segments()):
        sid = segment.segment_id()
        if segment.is_compound():
            storage = CompoundStorage(ix.storage.open_file(segment.make_filename(".seg")), use_mmap=False)
            for name in storage.list():
                out[name.replace(sid, f"segment{n}")] = hashlib.sha1(storage.open_file(name).read()).hexdigest()
        else:
            for name in os.listdir(index_dir):
                if sid in name:
                    digest = hashlib.sha1()
                    with open(os.path.join(index_dir, name), "rb") as f:
                        for block in iter(lambda: f.read(1 << 20), b""):
                            digest.update(block)
                    out[name.replace(sid, f"segment{n}")] = digest.hexdigest()
    return out


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[-1].strip())
        return 2
    a, b = parts(sys.argv[1]), parts(sys.argv[2])
    differ = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
    print(f"{len(a)} and {len(b)} parts: " + ("identical" if not differ else "different: " + ", ".join(differ)))
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
