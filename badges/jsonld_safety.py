"""Safe-mode checks of JSON-LD documents, before and after expansion; never imports pyld.

`badges.canonicalization` runs them on every document it canonicalises: values JSON-LD
would drop or serialise differently (nulls, `@direction`, control characters, non-finite
numbers), size and nesting bounds, and, on the node map, every IRI that pyld would silently
skip or that came from a relative reference.
"""

from __future__ import annotations

import math
import re
from typing import Any, Final

from keys.errors import BadgeError

# A base IRI no document can legitimately produce: any IRI that starts with it came from a
# relative reference (an undefined type, a relative `id`) that pyld resolved against it.
UNSAFE_BASE: Final = "https://relative-iri.microbadges.invalid/"

MAX_VALUES: Final = 50_000  # JSON values (objects, arrays, scalars) in one document
MAX_DEPTH: Final = 64  # nesting of objects/arrays
MAX_BLANK_NODES: Final = 5_000
# pyld merges each array into its node with a linear duplicate search per item, so an array
# of n values costs ~n² (10,000 tags: 30 s). The sum of the squared array lengths is
# bounded instead: ~0.15 s at most; a real credential's arrays hold a handful of items.
MAX_ARRAY_WORK: Final = 500_000


class CanonicalizationError(BadgeError):
    """The document is not valid JSON-LD, or could not be converted to RDF."""

    code = "invalid_jsonld"


class UnsafeJsonLdError(CanonicalizationError):
    """JSON-LD processing would silently drop or rebase part of the document."""

    code = "jsonld_unsafe"


class ControlCharacterError(CanonicalizationError):
    """A string holds a control character that does not canonicalise interoperably."""

    code = "control_character"


class CanonicalizationLimitError(CanonicalizationError):
    """The document exceeds the size or work bounds of canonicalisation."""

    code = "canonicalization_limit"


# Control characters pyld serialises differently from RDFC-1.0, and lone surrogates (not
# Unicode text at all): the one definition of what no document string may hold.
FORBIDDEN_CHARACTER: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_ALLOWED_KEYWORDS: Final = frozenset({"@context", "@id", "@type", "@value", "@language", "@list"})

# A node of the walk below: (value, key or index, parent node, depth). The path of a value is
# only spelled out when there is something to report.
_Node = tuple[object, "str | int", "Any", int]


def check_values(document: dict[str, Any]) -> None:
    """Refuse oversized documents and values JSON-LD would drop or mis-serialise."""
    count = 0
    array_work = 0
    stack: list[_Node] = [(document, "", None, 0)]
    while stack:
        node = stack.pop()
        value, _, _, depth = node
        count += 1
        if count > MAX_VALUES:
            raise CanonicalizationLimitError(
                f"document has more than {MAX_VALUES} JSON values; refused")
        if depth > MAX_DEPTH:
            raise CanonicalizationLimitError(
                f"document nests deeper than {MAX_DEPTH} levels at {_path(node)}; refused")
        if isinstance(value, dict):
            for key, item in value.items():
                _check_string(key, node)
                _check_key(key, item, node)
                stack.append((item, key, node, depth + 1))
        elif isinstance(value, list):
            array_work += len(value) ** 2
            if array_work > MAX_ARRAY_WORK:
                raise CanonicalizationLimitError(
                    f"array at {_path(node)} ({len(value)} items) makes the document too "
                    "costly to canonicalise; refused")
            stack.extend((item, index, node, depth + 1) for index, item in enumerate(value))
        elif isinstance(value, str):
            _check_string(value, node)
        elif value is None:
            raise UnsafeJsonLdError(f"null value at {_path(node)} would be dropped by "
                                    "JSON-LD (so not signed); omit it")
        elif isinstance(value, float) and not math.isfinite(value):
            raise CanonicalizationError(f"number at {_path(node)} is not finite")
        elif not isinstance(value, (bool, int, float)):
            raise CanonicalizationError(
                f"value at {_path(node)} is a {type(value).__name__}, not a JSON value")


def _check_key(key: str, item: object, node: _Node) -> None:
    """Only terms of the published contexts and a few keywords may be keys.

    The verifier reads validity, status and issuer from JSON keys while the proof covers
    RDF; keywords such as `@nest` or `@included`, IRIs as keys, and inline contexts could
    move a statement out of sight of the JSON reader without changing the RDF.
    """
    if key.startswith("@"):
        if key not in _ALLOWED_KEYWORDS:
            raise UnsafeJsonLdError(f"keyword {key} at {_path(node)} is not accepted in a "
                                    "credential")
        if key == "@context" and not (isinstance(item, str) or (
                isinstance(item, list) and all(isinstance(entry, str) for entry in item))):
            raise UnsafeJsonLdError(f"@context at {_path(node)} must list published contexts "
                                    "by URL; inline context definitions are not accepted")
        if key == "@language" and "@value" not in node[0]:  # type: ignore[operator]
            raise UnsafeJsonLdError(f"@language at {_path(node)} outside a value object")
        if key in ("@id", "@type") and key[1:] in node[0]:  # type: ignore[operator]
            raise UnsafeJsonLdError(f"{key} and {key[1:]} at {_path(node)} say the same "
                                    "thing twice")
    elif ":" in key:
        raise UnsafeJsonLdError(f"property {key!r} at {_path(node)} is an IRI, not a term of "
                                "the document's contexts")


def _check_string(text: str, node: _Node | None) -> None:
    match = FORBIDDEN_CHARACTER.search(text)
    if match is not None:
        raise ControlCharacterError(f"string at {_path(node)} contains character "
                                    f"U+{ord(match.group()):04X} (a control character or a lone "
                                    "surrogate)")


def _path(node: _Node | None) -> str:
    parts: list[str] = []
    while node is not None and node[2] is not None:
        parts.append(str(node[1]))
        node = node[2]
    return "/" + "/".join(reversed(parts))


# An absolute IRI that every implementation serialises alike: pyld drops statements whose
# IRIs contain Unicode whitespace (Python's \s, which includes U+0085 and U+001C-U+001F,
# unlike JavaScript's), and N-Quads cannot carry controls or <>"{}|\^` in an IRI.
_ABSOLUTE_IRI = re.compile(r'[A-Za-z][A-Za-z0-9+.\-]*:[^\s\x00-\x20\x7f-\x9f<>"{}|\\^`]*')


def check_node_map(node_map: dict[str, dict[str, dict[str, Any]]]) -> None:
    """Refuse IRIs that pyld would drop or that came from a relative reference."""
    blank_nodes = 0
    for graph_name, graph in node_map.items():
        if graph_name != "@default":
            _check_iri(graph_name, "graph name")
        for subject, node in graph.items():
            if subject.startswith("_:"):
                blank_nodes += 1
            _check_iri(subject, "node id")
            for name, items in node.items():
                if name == "@type":
                    for item in items:
                        _check_iri(item, "type")
                elif not name.startswith("@"):
                    _check_iri(name, "property")
                    for item in items:
                        _check_object(item)
    if blank_nodes > MAX_BLANK_NODES:
        raise CanonicalizationLimitError(
            f"document has {blank_nodes} blank nodes, more than {MAX_BLANK_NODES}")


def _check_object(item: dict[str, Any]) -> None:
    if "@value" in item:
        if "@type" in item and item["@type"] != "@json":
            _check_iri(item["@type"], "datatype")
    elif "@list" in item:
        for member in item["@list"]:
            _check_object(member)
    else:
        _check_iri(item["@id"], "node reference")


def _check_iri(iri: str, role: str) -> None:
    if iri.startswith("_:"):
        return
    if iri.startswith(UNSAFE_BASE):
        raise _relative_iri_error(iri)
    if _ABSOLUTE_IRI.fullmatch(iri) is None:
        raise UnsafeJsonLdError(
            f"{role} {iri!r} is not an absolute IRI (JSON-LD processors would drop the "
            "statement or serialise it differently)")


def _relative_iri_error(iri: str) -> UnsafeJsonLdError:
    reference = iri[len(UNSAFE_BASE):]
    return UnsafeJsonLdError(
        f"{reference!r} is a relative IRI or an undefined term (a type or value the "
        "document's contexts do not define); JSON-LD would rebase it")


