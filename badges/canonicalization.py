"""RDF Dataset Canonicalization (RDFC-1.0) of JSON-LD documents: the only module that imports pyld.

Every canonicalisation in microbadges goes through `canonicalize()`, which:

- always runs URDNA2015 (= RDFC-1.0) with N-Quads output and the offline document loader
  (never the network);
- is *safe*: a document whose meaning JSON-LD would silently change is refused instead of
  signed or verified wrongly: undefined properties (dropped by JSON-LD), undefined types and
  relative IRIs (rebased by pyld), JSON `null` values (dropped), `@direction` (dropped by
  pyld), and control characters U+0000-U+001F (except tab, LF, CR) and U+007F (serialised
  differently from RDFC-1.0 by pyld);
- is bounded: documents are limited in size and nesting, and the work of the N-degree
  hashing step is budgeted, so a poison graph (e.g. a clique of blank nodes) is refused in
  milliseconds instead of running for minutes;
- is thread-safe: pyld's caches are shared mutable state, so all pyld work runs under one
  lock (the work is CPU-bound Python, so threads would not run it in parallel anyway);
- is fast: processed JSON-LD contexts are memoised across calls (see `_Processor`).

The safe-mode checks themselves live in `badges.jsonld_safety`; pyld exceptions are
translated here into `BadgeError` subclasses; none escape.
"""

from __future__ import annotations

import copy
import math
import threading
from collections.abc import Callable
from typing import Any, Final

from cachetools import LRUCache
from pyld import jsonld
from pyld.canon import URDNA2015
from pyld.context_resolver import ContextResolver
from pyld.identifier_issuer import IdentifierIssuer

from badges.document_loader import UnknownContextError, load_context
from badges.jsonld_safety import (
    UNSAFE_BASE,
    CanonicalizationError,
    CanonicalizationLimitError,
    ControlCharacterError,
    UnsafeJsonLdError,
    check_node_map,
    check_values,
)
from keys.errors import BadgeError

# Budget for RDFC-1.0 "Hash N-Degree Quads": one unit per call plus one per permutation it
# will try. Credentials whose blank nodes have distinct first-degree hashes (every real
# credential) spend 0; the W3C blank-node poison graphs exhaust it within milliseconds.
MAX_N_DEGREE_WORK: Final = 5_000


def canonicalize(document: dict[str, Any]) -> str:
    """Return the RDFC-1.0 canonical N-Quads of a JSON-LD document (safe mode, offline).

    The document is not modified.

    Raises:
        UnknownContextError: a context URL is not shipped with microbadges.
        UnsafeJsonLdError: undefined property or type, relative IRI, null value, @direction.
        ControlCharacterError: a string holds a forbidden control character.
        CanonicalizationLimitError: the document exceeds the size or work bounds.
        CanonicalizationError: any other JSON-LD error.
    """
    if not isinstance(document, dict):
        raise CanonicalizationError("a JSON-LD document must be a JSON object")
    check_values(document)
    with _lock:
        return _canonicalize_locked(document)


# --- pyld plumbing (everything below runs under _lock) -------------------------------------

_lock = threading.Lock()
# Context documents handed to pyld: private copies (pyld may rewrite relative URLs in place),
# one per URL for the life of the process, so that their identity is stable.
_pyld_documents: dict[str, Any] = {}
# ids of every dict inside those copies: a local context with such an id is immutable and
# may be memoised by identity.
_trusted_context_ids: set[int] = set()
_resolved_contexts: LRUCache[str, Any] = LRUCache(maxsize=512)
_processed_contexts: LRUCache[tuple[object, ...], tuple[object, object, object]] = LRUCache(
    maxsize=4096)


def _load_document(url: str, options: object = None) -> dict[str, Any]:
    document = _pyld_documents.get(url)
    if document is None:
        document = copy.deepcopy(load_context(url))
        _register_trusted(document)
        _pyld_documents[url] = document
    return {"contextUrl": None, "documentUrl": url, "document": document, "tag": "static"}


def _register_trusted(value: object) -> None:
    if isinstance(value, dict):
        _trusted_context_ids.add(id(value))
        for item in value.values():
            _register_trusted(item)
    elif isinstance(value, list):
        for item in value:
            _register_trusted(item)


def _local_context_key(local_ctx: object) -> object | None:
    """A memo key for a local context, or None when it may not be memoised."""
    if isinstance(local_ctx, str):
        return local_ctx
    if isinstance(local_ctx, dict):
        return ("id", id(local_ctx)) if id(local_ctx) in _trusted_context_ids else None
    if isinstance(local_ctx, list):
        keys = tuple(_local_context_key(item) for item in local_ctx)
        return None if None in keys else keys
    return None


class _Processor(jsonld.JsonLdProcessor):  # type: ignore[misc]
    """pyld's processor with safe-mode hooks and memoised context processing.

    pyld caches a processed context per (context, active context `_uuid`), but every
    type-scoped context is applied to a fresh clone with a fresh `_uuid`, so 12 of the 14
    lookups of an OB credential miss and the contexts are re-processed on every call (~80% of
    the time). Processed contexts are frozen (`frozendict`), so the result of processing a
    given local context against a given frozen active context can be shared: we memoise it
    by the identity of the active context (kept alive by the memo), the local context (a URL,
    or a context object from a shipped document) and the processing flags.
    """

    def __init__(self, on_property_dropped: Callable[[object], None]) -> None:
        super().__init__(on_property_dropped=on_property_dropped)

    def _process_context(
        self,
        active_ctx: Any,
        local_ctx: Any,
        options: Any,
        override_protected: bool = False,
        propagate: bool = True,
        validate_scoped: bool = True,
        cycles: Any = None,
    ) -> Any:
        local_key = _local_context_key(local_ctx)
        if local_key is None or not isinstance(active_ctx, jsonld.frozendict):
            return super()._process_context(active_ctx, local_ctx, options,
                                            override_protected, propagate, validate_scoped,
                                            cycles)
        key = (id(active_ctx), local_key, override_protected, propagate, validate_scoped,
               options.get("base"), options.get("processingMode"))
        hit = _processed_contexts.get(key)
        if hit is not None and hit[0] is active_ctx:
            return hit[2]
        result = super()._process_context(active_ctx, local_ctx, options, override_protected,
                                          propagate, validate_scoped, cycles)
        if isinstance(result, jsonld.frozendict):
            _processed_contexts[key] = (active_ctx, local_ctx, result)
        return result


class _BoundedURDNA2015(URDNA2015):  # type: ignore[misc]
    """pyld's URDNA2015 with a work budget on the N-degree hashing step (RDFC-1.0 §4.8)."""

    def __init__(self) -> None:
        super().__init__()
        self.work = 0

    def _spend(self, units: int) -> None:
        self.work += units
        if self.work > MAX_N_DEGREE_WORK:
            raise CanonicalizationLimitError(
                "blank nodes are too symmetric to canonicalise within the work budget "
                f"({MAX_N_DEGREE_WORK} units of RDFC-1.0 N-degree hashing); refused")

    def hash_n_degree_quads(self, id_: str, issuer: Any) -> Any:
        self._spend(1)
        return super().hash_n_degree_quads(id_, issuer)

    def create_hash_to_related(self, id_: str, issuer: Any) -> Any:
        hash_to_related = super().create_hash_to_related(id_, issuer)
        # hash_n_degree_quads then tries every permutation of each group.
        self._spend(sum(math.factorial(min(len(group), 12))
                        for group in hash_to_related.values()))
        return hash_to_related


def _canonicalize_locked(document: dict[str, Any]) -> str:
    dropped: list[object] = []
    processor = _Processor(on_property_dropped=dropped.append)
    options = {
        "base": UNSAFE_BASE,
        "documentLoader": _load_document,
        "contextResolver": ContextResolver(_resolved_contexts, _load_document),
        "processingMode": "json-ld-1.1",
        "extractAllScripts": True,
        "produceGeneralizedRdf": False,
    }
    try:
        expanded = processor.expand(document, options)
        if dropped:
            names = ", ".join(sorted({repr(name) for name in dropped}))
            raise UnsafeJsonLdError(
                f"propert{'ies' if len(dropped) > 1 else 'y'} {names} not defined by the "
                "document's JSON-LD contexts would be dropped (so not signed)")
        # JSON-LD 1.1 "Deserialize JSON-LD to RDF", as pyld's to_rdf() does it, with the node
        # map checked first: pyld silently skips every statement whose subject, predicate,
        # object or graph is not an absolute IRI.
        issuer = IdentifierIssuer("_:b")
        node_map: dict[str, Any] = {"@default": {}}
        processor._create_node_map(expanded, node_map, "@default", issuer)
        check_node_map(node_map)
        dataset = {name: processor._graph_to_rdf(graph, issuer, options)
                   for name, graph in sorted(node_map.items())}
    except jsonld.JsonLdError as error:
        raise _translate(error) from None
    except (TypeError, ValueError, KeyError, IndexError, AttributeError) as error:
        # pyld assumes well-formed JSON-LD in places and fails with a bare Python error on
        # some malformed input: that is still "invalid JSON-LD", not a crash.
        raise CanonicalizationError(f"invalid JSON-LD ({type(error).__name__}: {error})"
                                    ) from None
    try:
        nquads: str = _BoundedURDNA2015().main(dataset, {"format": "application/n-quads"})
    except RecursionError:
        raise CanonicalizationLimitError("blank-node structure too deep to canonicalise") from None
    return nquads


def _translate(error: BaseException) -> BadgeError:
    """Turn a pyld error chain into the most specific BadgeError it contains."""
    cause: BaseException | None = error
    messages: list[str] = []
    while cause is not None:
        if isinstance(cause, BadgeError):
            return cause
        if isinstance(cause, RecursionError):
            return CanonicalizationLimitError("document nests too deeply to canonicalise")
        if isinstance(cause, jsonld.JsonLdError):
            text = str(cause.args[0]) if cause.args else type(cause).__name__
            code = getattr(cause, "code", None)
            messages.append(f"{text} ({code})" if code else text)
        cause = cause.__cause__ or cause.__context__
    # The innermost pyld error says what is wrong; the outer ones only where it happened.
    return CanonicalizationError("invalid JSON-LD: " + (messages[-1] if messages else str(error)))


__all__ = [
    "CanonicalizationError",
    "CanonicalizationLimitError",
    "ControlCharacterError",
    "UnknownContextError",
    "UnsafeJsonLdError",
    "canonicalize",
]
