"""The per-file scan every extractor is handed: the parsed file, the nodes the engine's
single query pass captured (in document order, sliceable by position), the facts being
built, and a memo of questions several extractors and rules ask about the same nodes.

One ``FileScan`` lives exactly as long as one file's lint; nothing here is global.
"""

from __future__ import annotations

from tree_sitter import Node

from convexlint.model.facts import FileFacts, FunctionRefFact
from convexlint.model.vocabulary import REFERENCE_ROOTS, is_generated_api
from convexlint.parsing import SourceFile
from convexlint.syntax import NodesByPosition, Parents, callee_method, member_path, nearest_ancestor, resolve_binding, static_string_value, text, unwrap

#: Node types, besides ``call_expression``, ``comment`` and ``return_statement``, the
#: extractors need from the engine's query.
EVENT_NODE_TYPES = ("try_statement", "throw_statement", "new_expression")


def index_calls(calls: list[Node]) -> dict[str, list[Node]]:
    """Calls grouped by callee name: ``f`` for ``f()`` and ``x.y.f()``, document order."""
    index: dict[str, list[Node]] = {}
    for call in calls:
        fn = call.child_by_field_name("function")
        if fn is None:
            continue
        if fn.type == "member_expression":
            fn = fn.child_by_field_name("property")
            if fn is None:
                continue
        elif fn.type != "identifier":
            continue
        index.setdefault(fn.text.decode("utf-8", errors="replace"), []).append(call)
    return index


class FileScan:
    """One file as the extractors see it.

    ``calls``: every ``call_expression`` in document order; ``calls_by_name``: the same
    grouped by callee name (``index_calls``); ``arg_members``: member expressions passed as
    arguments (possible ``api.x.y``); ``others``: ``try``/``throw``/``new`` nodes;
    ``returns``: ``return_statement`` nodes; ``api_aliases``: other specifiers that import
    the generated ``api``. ``facts`` is the ``FileFacts`` being built.
    """

    def __init__(
        self,
        source: SourceFile,
        facts: FileFacts,
        *,
        calls: list[Node],
        calls_by_name: dict[str, list[Node]] | None = None,
        arg_members: list[Node] = (),  # type: ignore[assignment]
        others: list[Node] = (),  # type: ignore[assignment]
        returns: list[Node] | None = None,
        api_aliases: frozenset[str] = frozenset(),
    ):
        self.source = source
        self.facts = facts
        #: O(1) parents on deep trees (see ``syntax.Parents``).
        self.parents = Parents(source.tree.root_node)
        self.calls = NodesByPosition(calls)
        self.calls_by_name = calls_by_name if calls_by_name is not None else index_calls(calls)
        self.arg_members = list(arg_members)
        self.others = NodesByPosition(list(others))
        self.returns = NodesByPosition(returns, self.parents) if returns is not None else None
        self._refs: dict[int, FunctionRefFact | None] = {}
        self._paths: dict[int, list[str] | None] = {}
        self._callees: dict[int, tuple[str | None, Node | None]] = {}
        #: Module-level declarators, filled by ``modules.module_declarators``.
        self.declarators: list | None = None
        self._value_imports: dict[str, str] | None = None
        self._ancestors: dict[str, dict[int, Node | None]] = {}
        self._mentions: dict[str, bool] = {}
        #: Import specifiers that name the functions directory's ``_generated/api``
        #: through an alias (``workspace.api_specifiers``), besides ``…/_generated/api``.
        self.api_aliases = api_aliases

    def mentions(self, word: str) -> bool:
        """Whether the file's text contains ``word`` anywhere, searched once per file (a
        search per function is quadratic on a 20 MB file of thousands of functions)."""
        found = self._mentions.get(word)
        if found is None:
            found = self._mentions[word] = word in self.source.text
        return found

    def ancestor(self, node: Node, key: str, stop) -> Node | None:
        """The nearest proper ancestor of ``node`` for which ``stop(n)`` holds, memoized per
        file under ``key`` (one key per ``stop``): see ``syntax.nearest_ancestor``."""
        return nearest_ancestor(node, stop, self._ancestors.setdefault(key, {}), self.parents)

    def named_calls(self, names, *, member: bool | None = None):
        """``(call, callee)`` for the calls whose callee name is in ``names``; ``member``:
        only ``x.f()`` (True) or only ``f()`` (False)."""
        for name in names:
            for call in self.calls_by_name.get(name, ()):
                fn = call.child_by_field_name("function")
                if member is None or (fn.type == "member_expression") == member:
                    yield call, fn

    def member_path(self, node: Node | None) -> list[str] | None:
        """``syntax.member_path``, memoized per node: the extractors and several rules ask
        about the same callees. The list returned must not be changed."""
        if node is None:
            return None
        found = self._paths.get(node.id, False)
        if found is False:
            found = self._paths[node.id] = member_path(node)
        return found  # type: ignore[return-value]

    def callee_method(self, call: Node) -> tuple[str | None, Node | None]:
        """``syntax.callee_method``, memoized per node."""
        found = self._callees.get(call.id)
        if found is None:
            found = self._callees[call.id] = callee_method(call)
        return found

    def value_imports(self) -> dict[str, str]:
        """Local name -> module specifier for the file's module-level value imports."""
        if self._value_imports is None:
            found: dict[str, str] = {}
            for stmt in self.source.root.named_children:
                if stmt.type != "import_statement" or any(c.type == "type" for c in stmt.children):
                    continue
                src = static_string_value(stmt.child_by_field_name("source"))
                clause = next((c for c in stmt.named_children if c.type == "import_clause"), None)
                if src is None or clause is None:
                    continue
                for n in clause.named_children:
                    if n.type == "identifier":
                        found[text(n)] = src
                    elif n.type == "named_imports":
                        for spec in n.named_children:
                            if spec.type == "import_specifier":
                                local = spec.child_by_field_name("alias") or spec.child_by_field_name("name")
                                if local is not None:
                                    found[text(local)] = src
            self._value_imports = found
        return self._value_imports

    def function_reference(self, node: Node | None) -> FunctionRefFact | None:
        """Parse ``api.a.b`` / ``internal.a.b`` / ``components.x.y`` / ``anyApi.a.b`` into a
        FunctionRefFact.

        ``api``/``internal``/``components`` count only when imported from ``_generated/api``
        or not bound in the file at all (snippets often omit the import); ``anyApi`` when
        imported from ``convex/server`` or unbound; a local variable of that name is
        ``"other"``. Anything that is not a static member path gives None.
        Memoized: the extractors and several rules ask about the same arguments.
        """
        if node is None:
            return None
        if node.id in self._refs:
            return self._refs[node.id]
        result = self._refs[node.id] = self._function_reference(node)
        return result

    def _function_reference(self, node: Node | None) -> FunctionRefFact | None:
        node = unwrap(node)
        parts = member_path(node)
        if node is None or not parts or len(parts) < 2:
            return None
        root = parts[0]
        kind = "other"
        if root == "anyApi":
            # convex/server's untyped `anyApi` (what `api` and `internal` are at run time):
            # a reference by path, public or internal.
            imported = self.value_imports().get(root)
            if imported == "convex/server" or (imported is None and resolve_binding(root, node) is None):
                kind = "anyApi"
        elif root in REFERENCE_ROOTS:
            imported = self.value_imports().get(root)
            if imported is not None:
                # Imported at module level (a local shadowing it is too rare to pay for).
                kind = root if is_generated_api(imported) or imported in self.api_aliases else "other"
            elif resolve_binding(root, node) is None:
                kind = root
        return FunctionRefFact(root=kind, path=parts[1:], span=self.source.node_span(node))

    def calls_in(self, start: int, end: int) -> tuple[list[str], bool]:
        """Names called between two byte offsets (first occurrence order), and whether
        ``ctx.auth.getUserIdentity()`` is among the calls."""
        names: list[str] = []
        seen: set[str] = set()
        auth = False
        for call in self.calls.within(start, end):
            fn = call.child_by_field_name("function")
            if fn is None:
                continue
            if fn.type == "identifier":
                name = text(fn)
            elif fn.type == "member_expression":
                prop = fn.child_by_field_name("property")
                name = text(prop) if prop is not None else ""
                if name == "getUserIdentity":
                    obj = unwrap(fn.child_by_field_name("object"))
                    if obj is not None and obj.type == "member_expression" and text(obj.child_by_field_name("property")) == "auth":
                        auth = True
            else:
                continue
            if name and name not in seen:
                seen.add(name)
                names.append(name)
        return names, auth
