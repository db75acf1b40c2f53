"""Stand-in for querystring_parser.parser.parse (MLflow 2.12 imports it; not packaged in Debian):
nested keys (a[b]=1, a[0]=x) and repeated keys (a=1&a=2 -> a list), as the original does."""
import re
from urllib.parse import parse_qsl


def _set(d, keys, value):
    for k in keys[:-1]:
        d = d.setdefault(k, {})
    last = keys[-1]
    if last not in d:
        d[last] = value
    elif isinstance(d[last], list):
        d[last].append(value)
    else:  # a repeated key becomes a list, as in querystring_parser
        d[last] = [d[last], value]


def _listify(x):
    if isinstance(x, dict):
        x = {k: _listify(v) for k, v in x.items()}
        if x and all(isinstance(k, int) for k in x):
            return [x[k] for k in sorted(x)]
    return x


def _key(k):
    return int(k) if k.isdigit() else k


def parse(qs, unquote=True, encoding="utf-8", normalized=False):
    if isinstance(qs, bytes):
        qs = qs.decode(encoding)
    out = {}
    for name, value in parse_qsl(qs, keep_blank_values=True):
        parts = re.findall(r"[^\[\]]+", name)
        keys = [_key(p) for p in parts] or [name]
        _set(out, keys, value)
    return _listify(out) if normalized else out
