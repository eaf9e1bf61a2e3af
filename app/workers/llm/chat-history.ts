/**
 * Hearth's messages as node-llama-cpp's chat history. Tool calls and their results are written in the
 * template's own tool format when it has one (function-call items, which the chat wrapper renders
 * natively); otherwise as the JSON envelope the model writes under the tool grammar (tool-envelope.ts),
 * with each result handed back as a user turn. The rendering depends only on the template, never on the
 * request, so a conversation's earlier turns render the same every time and their evaluated tokens can
 * be reused.
 */
import type { ChatHistoryItem, ChatModelFunctionCall, ChatModelResponse } from 'node-llama-cpp';
import type { LlmChatMessage } from '../../core/models/index.js';
import { envelopeText } from './tool-envelope.js';

export type ToolCalling = 'native' | 'grammar';

export function toChatHistory(messages: readonly LlmChatMessage[], toolCalling: ToolCalling): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = [];
  const calls = new Map<string, ChatModelFunctionCall>();
  for (const message of messages) {
    switch (message.role) {
      case 'system':
        history.push({ type: 'system', text: message.content });
        break;
      case 'user':
        history.push({ type: 'user', text: message.content });
        break;
      case 'assistant': {
        const response: ChatModelResponse['response'] = message.content ? [message.content] : [];
        for (const call of message.toolCalls ?? []) {
          if (toolCalling === 'native') {
            const item: ChatModelFunctionCall = { type: 'functionCall', name: call.name, params: call.input, result: undefined };
            calls.set(call.id, item);
            response.push(item);
          } else {
            response.push(`${response.length ? '\n' : ''}${envelopeText(call.name, call.input)}`);
          }
        }
        history.push({ type: 'model', response });
        break;
      }
      case 'tool': {
        const call = toolCalling === 'native' ? calls.get(message.toolCallId) : undefined;
        if (call) {
          call.result = resultValue(message.content);
          break;
        }
        // No native call to attach it to: the result is told to the model in words, as the next turn.
        const text = `Result of ${message.toolName} (call ${message.toolCallId}):\n${message.content}`;
        const last = history.at(-1);
        if (last?.type === 'user' && last.text.startsWith('Result of ')) last.text += `\n\n${text}`;
        else history.push({ type: 'user', text });
        break;
      }
    }
  }
  // A trailing assistant message is a reply to continue (after native tool results, the same turn goes
  // on, as node-llama-cpp's own chat session does); otherwise a new one starts.
  if (history.at(-1)?.type !== 'model') history.push({ type: 'model', response: [] });
  return history;
}

/** A tool result as the template should print it: the JSON value when it is JSON, else the text. */
function resultValue(content: string): unknown {
  try {
    return JSON.parse(content);
  } catch {
    return content; // plain text results are as common as JSON ones
  }
}

/**
 * Adds a system message after the leading ones (where node-llama-cpp puts its own function list), so it
 * stays at the same place in every turn of a conversation.
 */
export function withSystemText(history: ChatHistoryItem[], text: string): ChatHistoryItem[] {
  const at = history.findIndex((item) => item.type !== 'system');
  const copy = history.slice();
  copy.splice(at < 0 ? copy.length : at, 0, { type: 'system', text });
  return copy;
}

/**
 * Adds what only this request asks for (which tool to call, the JSON to write) to its last user turn:
 * the end of the prompt, so the earlier turns stay the same prefix as in the last request.
 */
export function withRequestNote(history: ChatHistoryItem[], note: string): ChatHistoryItem[] {
  const copy = history.map((item) => ({ ...item }));
  for (let i = copy.length - 1; i >= 0; i--) {
    const item = copy[i]!;
    if (item.type === 'user') {
      item.text = `${item.text}\n\n${note}`;
      return copy;
    }
  }
  return withSystemText(copy, note);
}
