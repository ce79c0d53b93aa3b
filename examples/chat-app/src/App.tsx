import { useMutation, useQuery } from "convex/react";
import { useState } from "react";
import { api } from "../convex/_generated/api";
import type { Id } from "../convex/_generated/dataModel";

export function Channel({ channelId }: { channelId: Id<"channels"> }) {
  const messages = useQuery(api.messages.list, { channelId }) ?? [];
  const send = useMutation(api.messages.send);
  const [draft, setDraft] = useState("");
  const visible = messages.filter((m) => !m.summary?.startsWith("[spam]"));
  return (
    <form
      onSubmit={async (e) => {
        e.preventDefault();
        await send({ channelId, body: draft });
        setDraft("");
      }}
    >
      <ul>{visible.map((m) => <li key={m._id}>{m.body}</li>)}</ul>
      <input value={draft} onChange={(e) => setDraft(e.target.value)} />
    </form>
  );
}
