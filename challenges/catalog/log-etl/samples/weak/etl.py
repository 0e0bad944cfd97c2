"""Log ETL."""

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path


class EtlError(Exception):
    pass


@dataclass(frozen=True)
class Record:
    id: str
    ts: datetime
    user: str
    action: str
    amount: float
    file: str
    line: int


@dataclass(frozen=True)
class BadLine:
    file: str
    line: int
    reason: str
    field: str | None


@dataclass(frozen=True)
class LoadResult:
    records: list
    bad_lines: list
    duplicates: int
    lines: int


def parse(line, name, n):
    try:
        data = json.loads(line)
    except Exception:
        return BadLine(name, n, "invalid_json", None)
    for key in ["id", "ts", "user", "action"]:
        if key not in data:
            return BadLine(name, n, "missing_field", key)
    try:
        ts = datetime.fromisoformat(data["ts"])
    except ValueError:
        return BadLine(name, n, "invalid_field", "ts")
    return Record(
        data["id"],
        ts,
        data["user"],
        data["action"].lower(),
        float(data.get("amount") or 0),
        name,
        n,
    )


def load(paths):
    records = []
    bad = []
    seen = set()
    dups = 0
    count = 0
    for p in paths:
        p = Path(p)
        with open(p, encoding="utf-8", errors="replace") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                count += 1
                r = parse(line, p.name, n)
                if isinstance(r, BadLine):
                    bad.append(r)
                elif r.id in seen:
                    dups += 1
                else:
                    seen.add(r.id)
                    records.append(r)
    return LoadResult(records, bad, dups, count)


def aggregate(records):
    by_action = {}
    by_user = {}
    by_day = {}
    revenue = 0
    for r in records:
        revenue += r.amount
        by_action[r.action] = by_action.get(r.action, 0) + 1
        u = by_user.setdefault(r.user, {"events": 0, "revenue": 0})
        u["events"] += 1
        u["revenue"] += r.amount
        day = str(r.ts.date())
        by_day[day] = by_day.get(day, 0) + 1
    times = sorted(r.ts for r in records)
    return {
        "events": len(records),
        "users": len(by_user),
        "revenue": round(revenue, 2),
        "by_action": by_action,
        "by_user": by_user,
        "by_day": by_day,
        "first_ts": times[0].isoformat() if times else None,
        "last_ts": times[-1].isoformat() if times else None,
    }


def run(input_dir, output_path):
    files = sorted(Path(input_dir).glob("*.jsonl"))
    result = load(files)
    out = {
        "files": [f.name for f in files],
        "lines": result.lines,
        "records": len(result.records),
        "duplicates": result.duplicates,
        "bad_lines": [b.__dict__ for b in result.bad_lines],
        "summary": aggregate(result.records),
    }
    with open(output_path, "w") as f:
        json.dump(out, f, indent=2, sort_keys=True, ensure_ascii=False)
        f.write("\n")
    return out
