"""Generate a deterministic, realistic Convex project of N function files.

    python benchmarks/generate.py OUT_DIR [--files 2000] [--seed 1]

The project has a ``convex/`` functions directory (``schema.ts`` with many tables and
indexes, queries/mutations/actions in object and old syntax, functions registered through
custom wrappers from ``convex/lib``, ``"use node"`` actions, helpers, ``http.ts`` with
routes, ``crons.ts``) and client code in ``src/`` (a quarter as many files). About one
function in ten carries a deliberate violation, as real projects do. The same arguments
always produce byte-identical files.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

HEADER = '''import {{ query, mutation, action, internalQuery, internalMutation, internalAction }} from "{up}_generated/server";
import {{ api, internal }} from "{up}_generated/api";
import {{ v }} from "convex/values";
import {{ authedQuery, authedMutation }} from "{up}lib/auth";
import {{ requireUser, paginate }} from "{up}lib/helpers";
'''

QUERY = '''
export const list{n} = authedQuery({{
  args: {{ ownerId: v.id("{table}"), limit: v.optional(v.number()) }},
  returns: v.array(v.any()),
  handler: async (ctx, {{ ownerId, limit }}) => {{
    const rows = await ctx.db
      .query("{table}")
      .withIndex("by_ownerId_status", (q) => q.eq("ownerId", ownerId))
      .order("desc")
      .take(limit ?? 50);
    return rows.filter((r) => r.status !== "deleted");
  }},
}});
'''
BAD_QUERY = '''
export const search{n} = query({{
  args: {{ status: v.string() }},
  handler: async (ctx, {{ status }}) => {{
    const all = await ctx.db.query("{table}").filter((q) => q.eq(q.field("status"), status)).collect();
    return all.length;
  }},
}});
'''
MUTATION = '''
export const update{n} = authedMutation({{
  args: {{ id: v.id("{table}"), title: v.string() }},
  returns: v.null(),
  handler: async (ctx, {{ id, title }}) => {{
    const doc = await ctx.db.get("{table}", id);
    if (!doc) throw new Error("not found");
    await ctx.db.patch("{table}", id, {{ title, updatedAt: Date.now() }});
    await ctx.scheduler.runAfter(0, internal.{module}.notify{n}, {{ id }});
    return null;
  }},
}});

export const notify{n} = internalMutation({{
  args: {{ id: v.id("{table}") }},
  returns: v.null(),
  handler: async (ctx, {{ id }}) => {{
    const user = await requireUser(ctx);
    await ctx.db.insert("events", {{ kind: "update", ref: String(id), userId: user._id }});
    return null;
  }},
}});
'''
BAD_MUTATION = '''
export const legacy{n} = mutation(async (ctx, args: any) => {{
  await ctx.scheduler.runAfter(0, api.{module}.list{n}, args);
  for (const id of args.ids) {{
    await ctx.db.get(id);
  }}
}});
'''
ACTION = '''
export const sync{n} = internalAction({{
  args: {{ id: v.id("{table}") }},
  returns: v.null(),
  handler: async (ctx, {{ id }}) => {{
    const doc = await ctx.runQuery(internal.{module}.get{n}, {{ id }});
    const response = await fetch("https://api.example.com/items/" + id, {{ method: "POST", body: JSON.stringify(doc) }});
    await ctx.runMutation(internal.{module}.notify{n}, {{ id }});
    return response.ok ? null : null;
  }},
}});

export const get{n} = internalQuery({{
  args: {{ id: v.id("{table}") }},
  returns: v.any(),
  handler: async (ctx, {{ id }}) => await ctx.db.get("{table}", id),
}});
'''
NODE_ACTION = '''"use node";
import {{ internalAction }} from "{up}_generated/server";
import {{ v }} from "convex/values";
import {{ createHash }} from "node:crypto";

export const digest{n} = internalAction({{
  args: {{ body: v.string() }},
  returns: v.string(),
  handler: async (_ctx, {{ body }}) => createHash("sha256").update(body).digest("hex"),
}});
'''
CLIENT = '''import {{ useMutation, useQuery }} from "convex/react";
import {{ api }} from "../convex/_generated/api";

export function Panel{n}({{ ownerId }}: {{ ownerId: any }}) {{
  const rows = useQuery(api.{module}.list{n}, {{ ownerId }}) ?? [];
  const update = useMutation(api.{module}.update{n});
  return (
    <ul>
      {{rows.map((r: any) => (
        <li key={{r._id}} onClick={{() => update({{ id: r._id, title: "x" }})}}>{{r.title}}</li>
      ))}}
    </ul>
  );
}}
'''


def generate(out: Path, files: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    convex = out / "convex"
    (convex / "lib").mkdir(parents=True, exist_ok=True)
    (out / "src").mkdir(parents=True, exist_ok=True)
    tables = [f"items{i}" for i in range(max(4, files // 20))]
    schema = ['import { defineSchema, defineTable } from "convex/server";', 'import { v } from "convex/values";', "", "export default defineSchema({"]
    schema.append('  users: defineTable({ name: v.string(), tokenIdentifier: v.string() }).index("by_tokenIdentifier", ["tokenIdentifier"]),')
    schema.append('  events: defineTable({ kind: v.string(), ref: v.string(), userId: v.id("users") }).index("by_userId", ["userId"]),')
    for t in tables:
        bad = rng.random() < 0.1
        schema.append(
            f'  {t}: defineTable({{ ownerId: v.id("users"), status: v.string(), title: v.string(), updatedAt: v.optional(v.number()) }})\n'
            f'    .index("by_ownerId_status", ["ownerId", "status"])\n'
            + ('    .index("by_owner_and_status", ["ownerId", "status"])\n' if bad else "")
            + '    .searchIndex("search_title", { searchField: "title", filterFields: ["ownerId"] }),'
        )
    schema.append("});")
    (convex / "schema.ts").write_text("\n".join(schema) + "\n")
    (convex / "lib" / "auth.ts").write_text(
        'import { customQuery, customMutation, customCtx } from "convex-helpers/server/customFunctions";\n'
        'import { query, mutation } from "../_generated/server";\n'
        'import { requireUser } from "./helpers";\n'
        "export const authedQuery = customQuery(query, customCtx(async (ctx) => ({ user: await requireUser(ctx) })));\n"
        "export const authedMutation = customMutation(mutation, customCtx(async (ctx) => ({ user: await requireUser(ctx) })));\n"
    )
    (convex / "lib" / "helpers.ts").write_text(
        "export async function requireUser(ctx: any) {\n"
        "  const identity = await ctx.auth.getUserIdentity();\n"
        '  if (!identity) throw new Error("Unauthenticated");\n'
        '  const user = await ctx.db.query("users").withIndex("by_tokenIdentifier", (q: any) => q.eq("tokenIdentifier", identity.tokenIdentifier)).unique();\n'
        '  if (!user) throw new Error("Unknown user");\n'
        "  return user;\n}\n"
        "export function paginate<T>(rows: T[], size: number) {\n  return rows.slice(0, size);\n}\n"
    )
    routes = ['import { httpRouter } from "convex/server";', 'import { httpAction } from "./_generated/server";', "", "const CORS = { \"Access-Control-Allow-Origin\": \"*\" };", "const http = httpRouter();"]
    crons = ['import { cronJobs } from "convex/server";', 'import { internal } from "./_generated/api";', "const crons = cronJobs();"]
    function_files = max(1, files - 6)
    for n in range(function_files):
        folder = f"domain{n % 40}"
        (convex / folder).mkdir(exist_ok=True)
        module = f"{folder}/m{n}"
        table = tables[n % len(tables)]
        path = convex / f"{module}.ts"
        if n % 25 == 7:
            path.write_text(NODE_ACTION.format(n=n, up="../"))
            continue
        parts = [HEADER.format(up="../"), QUERY.format(n=n, table=table), MUTATION.format(n=n, table=table, module=module.replace("/", "."))]
        parts.append(ACTION.format(n=n, table=table, module=module.replace("/", ".")))
        if rng.random() < 0.1:
            parts.append(BAD_QUERY.format(n=n, table=table))
        if rng.random() < 0.05:
            parts.append(BAD_MUTATION.format(n=n, module=module.replace("/", ".")))
        path.write_text("".join(parts))
        if n % 50 == 0:
            routes.append(
                f'http.route({{ path: "/items{n}", method: "POST", handler: httpAction(async (ctx, request) => {{\n'
                f"  const body = await request.json();\n"
                f'  if (!body) return new Response("bad", {{ status: 400 }});\n'
                f'  return new Response("ok", {{ headers: CORS }});\n}}) }});'
            )
        if n % 100 == 0:
            crons.append(f'crons.interval("sync {n}", {{ minutes: 30 }}, internal.{module.replace("/", ".")}.notify{n}, {{ id: "x" as any }});')
        if n % 4 == 0:
            (out / "src" / f"Panel{n}.tsx").write_text(CLIENT.format(n=n, module=module.replace("/", ".")))
    routes.append("export default http;")
    crons.append("export default crons;")
    (convex / "http.ts").write_text("\n".join(routes) + "\n")
    (convex / "crons.ts").write_text("\n".join(crons) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--files", type=int, default=2000, help="Convex function files (default 2000)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate(args.out, args.files, args.seed)


if __name__ == "__main__":
    main()
