"""A compact, positional JSON encoding of the model's dataclasses.

The cache stores per-file facts, and worker processes send them back to the main process,
in this encoding. A dataclass becomes a JSON array of its field values in declaration
order, a ``Span`` a 6-number array, an ``IntEnum`` its integer value; lists, tuples and sets
become arrays, dicts stay objects. Encoders and decoders are generated once per type from
its type hints (``typing.get_type_hints``), so encoding thousands of facts costs one
comprehension per list rather than one reflective call per value.

``decoder(cls)(data)`` checks the shape strictly (every string, integer, boolean, list,
dict and literal is of its declared type; a ``Span`` is 6 integers; a record has exactly its
number of fields) and raises ``TypeError``, ``ValueError``, ``KeyError``, ``IndexError``,
``AttributeError`` or ``RecursionError`` on data that does not fit (``DECODE_ERRORS``);
callers treat that as "not cached". Field order is part of the format: the cache fingerprint includes
``layout(FileFacts)`` (the generated encoder's source), so a changed dataclass never meets
old data, even between releases.
"""

from __future__ import annotations

import dataclasses
import enum
import sys
import types
import typing
from typing import Any, Callable, Literal

from convexlint.diagnostics import Span

DECODE_ERRORS = (TypeError, ValueError, KeyError, IndexError, AttributeError, RecursionError)

_ENCODERS: dict[Any, Callable[[Any], Any]] = {}
_DECODERS: dict[Any, Callable[[Any], Any]] = {}
_LAYOUTS: dict[Any, str] = {}


def layout(cls: Any) -> str:
    """The source of ``cls``'s generated encoder: it changes whenever a field of ``cls``
    (or of a type it contains) is added, removed, reordered or retyped."""
    if cls not in _LAYOUTS:
        builder = _Builder(True)
        builder.function_for(cls)
        _LAYOUTS[cls] = "\n".join(builder.lines)
    return _LAYOUTS[cls]


def encoder(cls: Any) -> Callable[[Any], Any]:
    """A function turning a value of type ``cls`` into JSON-compatible data."""
    try:
        return _ENCODERS[cls]
    except (KeyError, TypeError):
        return _compile(cls, encode=True)


def decoder(cls: Any) -> Callable[[Any], Any]:
    """The inverse of ``encoder(cls)``; raises one of ``DECODE_ERRORS`` on misfit data."""
    try:
        return _DECODERS[cls]
    except (KeyError, TypeError):
        return _compile(cls, encode=False)


def _compile(cls: Any, *, encode: bool) -> Callable[[Any], Any]:
    builder = _Builder(encode)
    name = builder.function_for(cls)
    namespace = dict(builder.globals)
    exec(compile("\n".join(builder.lines), f"<codec {cls!r}>", "exec"), namespace)  # noqa: S102 - generated from type hints
    fn = namespace[name] if name else (lambda value: value)
    try:
        (_ENCODERS if encode else _DECODERS)[cls] = fn
    except TypeError:
        pass
    return fn


class _Builder:
    """Writes the source of one encoder or decoder and the helpers it needs."""

    def __init__(self, encode: bool):
        self.encode = encode
        self.lines: list[str] = []
        self.globals: dict[str, Any] = {"Span": Span, "_check": _check, "_arity": _arity, "_span": _span, "_bad": _bad}
        self.functions: dict[Any, str] = {}
        self.counter = 0

    def _fresh(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def function_for(self, cls: Any) -> str | None:
        """The name of a generated function for ``cls``, or None when values pass as they are."""
        if cls in self.functions:
            return self.functions[cls]
        if dataclasses.is_dataclass(cls):
            name = self.functions[cls] = self._fresh("enc_" if self.encode else "dec_")
            body = self._record(cls)  # may define helpers first; definition order is free
            self.lines.append(f"def {name}(v):\n" + "\n".join(body))
            return name
        body = self.expr(cls, "v")
        if body == "v":
            return None
        name = self.functions[cls] = self._fresh("enc_" if self.encode else "dec_")
        self.lines.append(f"def {name}(v):\n    return {body}")
        return name

    def _record(self, cls: type) -> list[str]:
        hints = typing.get_type_hints(cls, vars(sys.modules[cls.__module__]))
        fields = [f for f in dataclasses.fields(cls)]
        cls_name = self._fresh("C")
        self.globals[cls_name] = cls
        if self.encode:
            items = [self.expr(hints[f.name], f"v.{f.name}") for f in fields]
            return [f"    return [{', '.join(items)}]"]
        items = [self.expr(hints[f.name], f"v[{i}]") for i, f in enumerate(fields)]
        return [f"    _check(v, {len(fields)})", f"    return {cls_name}({', '.join(items)})"]

    def expr(self, cls: Any, var: str) -> str:
        """A Python expression converting ``var`` (a name or attribute access)."""
        origin = typing.get_origin(cls)
        if cls in (Any, type(None)) or (self.encode and (cls in (str, int, bool, float) or origin is Literal)):
            return var
        if not self.encode and cls in (str, int, bool, float, dict, list):
            # Decoding: a value of exactly its JSON type (``bool`` is not an ``int``, a
            # ``float`` field takes JSON integers too).
            test = f"{var}.__class__ in (int, float)" if cls is float else f"{var}.__class__ is {cls.__name__}"
            return f"({var} if {test} else _bad({var}))"
        if origin is Literal:
            values = tuple(typing.get_args(cls))
            name, kinds = self._fresh("L"), self._fresh("T")
            self.globals[name], self.globals[kinds] = values, tuple({type(a) for a in values})
            return f"({var} if {var} in {name} and {var}.__class__ in {kinds} else _bad({var}))"
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(cls) if a is not type(None)]
            inner = self.expr(args[0] if len(args) == 1 else Any, var)
            return var if inner == var else f"(None if {var} is None else {inner})"
        if cls is Span:
            if self.encode:
                return f"[{var}.start_byte, {var}.end_byte, {var}.start_line, {var}.start_col, {var}.end_line, {var}.end_col]"
            return f"_span({var})"
        if isinstance(cls, type) and issubclass(cls, enum.IntEnum):
            if self.encode:
                return f"int({var})"
            name = self._fresh("E")
            self.globals[name] = cls
            return f"({name}({var}) if {var}.__class__ is int else _bad({var}))"
        if origin in (list, set, tuple):
            args = typing.get_args(cls)
            make = {list: "", set: "set", tuple: "tuple"}[origin] if not self.encode else ""
            # Decoding: only a JSON array (a string or an object would iterate too).
            seq = var if self.encode else f"({var} if {var}.__class__ is list else _bad({var}))"
            if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
                x = self._fresh("t")
                items = [self.expr(a, f"{x}[{i}]") for i, a in enumerate(args)]
                if all(item == f"{x}[{i}]" for i, item in enumerate(items)):
                    # The arity is part of the source, so a changed tuple changes layout().
                    return f"_arity(list({var}), {len(args)})" if self.encode else f"tuple(_arity({var}, {len(args)}))"
                if self.encode:
                    return self._helper(f"[{', '.join(items)}]", x).format(var)
                return self._helper(f"({', '.join(items)},)", x, arity=len(args)).format(var)
            item_type = args[0] if args else Any
            x = self._fresh("x")
            item = self.expr(item_type, x)
            if item == x:
                return f"{make or 'list'}({seq})"
            comp = f"[{item} for {x} in {seq}]"
            return f"{make}({comp})" if make else comp
        if origin is dict:
            _key, value_type = typing.get_args(cls)
            x = self._fresh("x")
            item = self.expr(value_type, x)
            # Decoding: only a JSON object (``dict()`` would take a list of pairs); its keys
            # are strings by construction.
            mapping = var if self.encode else f"({var} if {var}.__class__ is dict else _bad({var}))"
            if item == x:
                return f"dict({mapping})"
            k = self._fresh("k")
            return f"{{{k}: {item} for {k}, {x} in {mapping}.items()}}"
        if dataclasses.is_dataclass(cls):
            name = self.function_for(cls)
            return f"{name}({var})"
        return var

    def _helper(self, body: str, param: str, arity: int | None = None) -> str:
        name = self._fresh("h")
        check = f"    _arity({param}, {arity})\n" if arity is not None else ""
        self.lines.append(f"def {name}({param}):\n{check}    return {body}")
        return name + "({})"


def _arity(value: Any, length: int) -> Any:
    """``value`` (a fixed-length tuple's items) when it has ``length`` of them; else
    ``ValueError``, which decoders treat as "not cached". Decoding, ``value`` must be a
    JSON array (``TypeError`` otherwise); encoding, it is a tuple's ``list()``."""
    if value.__class__ is not list:
        raise TypeError(f"expected an array of {length} items, got {value.__class__.__name__}")
    if len(value) != length:
        raise ValueError(f"expected {length} items, got {len(value)}")
    return value


def _span(value: Any) -> Span:
    """A ``Span`` from its 6-integer array; ``TypeError`` on anything else (strings,
    booleans, floats, another length)."""
    if value.__class__ is not list or len(value) != 6:
        raise TypeError("expected a span: an array of 6 integers")
    a, b, c, d, e, f = value
    if not (a.__class__ is b.__class__ is c.__class__ is d.__class__ is e.__class__ is f.__class__ is int):
        raise TypeError("expected a span: an array of 6 integers")
    return Span(a, b, c, d, e, f)


def _bad(value: Any) -> Any:
    """Raised from a generated decoder's type test: ``value`` is not of the declared type."""
    raise TypeError(f"unexpected {value.__class__.__name__} in encoded data")


def _check(value: Any, length: int) -> None:
    if type(value) is not list or len(value) != length:
        raise TypeError(f"expected an array of {length} fields")
