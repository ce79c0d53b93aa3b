"""A compact, positional JSON encoding of the model's dataclasses.

The cache stores per-file facts, and worker processes send them back to the main process,
in this encoding. A dataclass becomes a JSON array of its field values in declaration
order, a ``Span`` a 6-number array, an ``IntEnum`` its integer value; lists, tuples and sets
become arrays, dicts stay objects. Encoders and decoders are generated once per type from
its type hints (``typing.get_type_hints``), so encoding thousands of facts costs one
comprehension per list rather than one reflective call per value.

``decoder(cls)(data)`` raises ``TypeError``, ``ValueError``, ``KeyError``, ``IndexError`` or
``AttributeError`` on data that does not fit (``DECODE_ERRORS``); callers treat that as
"not cached". Field order is part of the format: the cache fingerprint includes
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

DECODE_ERRORS = (TypeError, ValueError, KeyError, IndexError, AttributeError)

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
        self.globals: dict[str, Any] = {"Span": Span, "_check": _check, "_arity": _arity}
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
        if cls in (str, int, bool, float, Any, type(None)) or origin is Literal:
            return var
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(cls) if a is not type(None)]
            inner = self.expr(args[0] if len(args) == 1 else Any, var)
            return var if inner == var else f"(None if {var} is None else {inner})"
        if cls is Span:
            if self.encode:
                return f"[{var}.start_byte, {var}.end_byte, {var}.start_line, {var}.start_col, {var}.end_line, {var}.end_col]"
            return f"Span(*{var})"
        if isinstance(cls, type) and issubclass(cls, enum.IntEnum):
            if self.encode:
                return f"int({var})"
            name = self._fresh("E")
            self.globals[name] = cls
            return f"{name}({var})"
        if origin in (list, set, tuple):
            args = typing.get_args(cls)
            make = {list: "", set: "set", tuple: "tuple"}[origin] if not self.encode else ""
            if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
                x = self._fresh("t")
                items = [self.expr(a, f"{x}[{i}]") for i, a in enumerate(args)]
                if all(item == f"{x}[{i}]" for i, item in enumerate(items)):
                    # The arity is part of the source, so a changed tuple changes layout().
                    return f"_arity(list({var}), {len(args)})" if self.encode else f"tuple(_arity({var}, {len(args)}))"
                helper = self._helper(f"({', '.join(items)},)" if not self.encode else f"[{', '.join(items)}]", x)
                return helper.format(var)
            item_type = args[0] if args else Any
            x = self._fresh("x")
            item = self.expr(item_type, x)
            if item == x:
                return f"{make or 'list'}({var})"
            comp = f"[{item} for {x} in {var}]"
            return f"{make}({comp})" if make else comp
        if origin is dict:
            _key, value_type = typing.get_args(cls)
            x = self._fresh("x")
            item = self.expr(value_type, x)
            if item == x:
                return f"dict({var})"
            k = self._fresh("k")
            return f"{{{k}: {item} for {k}, {x} in {var}.items()}}"
        if dataclasses.is_dataclass(cls):
            name = self.function_for(cls)
            return f"{name}({var})"
        return var

    def _helper(self, body: str, param: str) -> str:
        name = self._fresh("h")
        self.lines.append(f"def {name}({param}):\n    return {body}")
        return name + "({})"


def _arity(value: Any, length: int) -> Any:
    """``value`` (a fixed-length tuple's items) when it has ``length`` of them; else
    ``ValueError``, which decoders treat as "not cached"."""
    if len(value) != length:
        raise ValueError(f"expected {length} items, got {len(value)}")
    return value


def _check(value: Any, length: int) -> None:
    if type(value) is not list or len(value) != length:
        raise TypeError(f"expected an array of {length} fields")
