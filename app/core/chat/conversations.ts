/** Conversations and their messages, keyed `{org:team:channel:thread}` as the team server will share them. */
import { randomUUID } from 'node:crypto';
import {
  AgentName,
  Citation,
  ClaimVerdict,
  HearthError,
  type Conversation,
  type ConversationKey,
  type Message,
} from '../../../schemas/index.js';
import { z } from 'zod';
import type { Db } from '../storage/index.js';

interface ConversationRow {
  id: string;
  space_id: string;
  key: string;
  title: string;
  created_at: string;
}
interface MessageRow {
  id: string;
  conversation_id: string;
  role: 'user' | 'assistant';
  content: string;
  citations: string;
  notices: string;
  trace_id: string | null;
  agent: string | null;
  run_id: string | null;
  claims: string | null;
  created_at: string;
}

const StoredCitations = z.array(Citation);
const StoredNotices = z.array(z.string()).catch([]);
// Verdicts are advisory: a row that no longer reads is shown without them rather than failing the conversation.
const StoredClaims = z.array(ClaimVerdict).optional().catch(undefined);
const StoredAgent = AgentName.optional().catch(undefined);

const toConversation = (row: ConversationRow): Conversation => ({
  id: row.id,
  spaceId: row.space_id,
  key: row.key,
  title: row.title,
  createdAt: row.created_at,
});

const toMessage = (row: MessageRow): Message => ({
  id: row.id,
  conversationId: row.conversation_id,
  role: row.role,
  content: row.content,
  citations: StoredCitations.parse(JSON.parse(row.citations)),
  notices: StoredNotices.parse(JSON.parse(row.notices)),
  ...(row.trace_id ? { traceId: row.trace_id } : {}),
  ...agentPartOf(row),
  createdAt: row.created_at,
});

function agentPartOf(row: MessageRow): Pick<Message, 'agent' | 'runId' | 'claims'> {
  const agent = StoredAgent.parse(row.agent ?? undefined);
  const claims = row.claims ? StoredClaims.parse(JSON.parse(row.claims)) : undefined;
  return { ...(agent ? { agent } : {}), ...(row.run_id ? { runId: row.run_id } : {}), ...(claims ? { claims } : {}) };
}

export function formatConversationKey(key: ConversationKey): string {
  return [key.org, key.team, key.channel, key.thread].map((part) => part.replaceAll(':', '_')).join(':');
}

export class Conversations {
  constructor(private readonly db: Db) {}

  /** A new conversation in a space; on the desktop the org and team are the local user's. */
  create(spaceId: string, title: string): Conversation {
    const id = randomUUID();
    const key = formatConversationKey({ org: 'local', team: 'local', channel: spaceId, thread: id });
    const createdAt = new Date().toISOString();
    this.db
      .prepare('INSERT INTO conversations (id, space_id, key, title, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(id, spaceId, key, title, createdAt);
    return { id, spaceId, key, title, createdAt };
  }

  get(id: string): Conversation {
    const row = this.db.prepare('SELECT * FROM conversations WHERE id = ?').get(id) as ConversationRow | undefined;
    if (!row) throw new HearthError('NOT_FOUND', `There is no conversation with id ${id}.`, { conversationId: id });
    return toConversation(row);
  }

  list(spaceId: string): Conversation[] {
    return (this.db.prepare('SELECT * FROM conversations WHERE space_id = ? ORDER BY created_at DESC').all(spaceId) as ConversationRow[]).map(
      toConversation,
    );
  }

  messages(conversationId: string): Message[] {
    this.get(conversationId);
    return (this.db.prepare('SELECT * FROM messages WHERE conversation_id = ? ORDER BY seq').all(conversationId) as MessageRow[]).map(toMessage);
  }

  append(
    conversationId: string,
    message: {
      role: Message['role'];
      content: string;
      citations: Citation[];
      notices?: string[];
      traceId?: string | undefined;
      /** For an agent's answer: which agent, its run, and the Guard's verdicts. */
      agent?: AgentName | undefined;
      runId?: string | undefined;
      claims?: ClaimVerdict[] | undefined;
    },
  ): Message {
    const id = randomUUID();
    const createdAt = new Date().toISOString();
    const notices = message.notices ?? [];
    const traceId = message.traceId ?? null;
    this.db
      .prepare(
        `INSERT INTO messages (id, conversation_id, role, content, citations, notices, trace_id, agent, run_id, claims, created_at, seq)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM messages WHERE conversation_id = ?))`,
      )
      .run(id, conversationId, message.role, message.content, JSON.stringify(message.citations), JSON.stringify(notices), traceId, message.agent ?? null, message.runId ?? null, message.claims ? JSON.stringify(message.claims) : null, createdAt, conversationId);
    const agentPart = { ...(message.agent ? { agent: message.agent } : {}), ...(message.runId ? { runId: message.runId } : {}), ...(message.claims ? { claims: message.claims } : {}) };
    return { id, conversationId, role: message.role, content: message.content, citations: message.citations, notices, ...(traceId ? { traceId } : {}), ...agentPart, createdAt };
  }
}
