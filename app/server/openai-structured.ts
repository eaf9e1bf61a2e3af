/**
 * `/v1` chat with an output schema, through the SGR pipeline: the schema is checked before anything is
 * generated (a 400 naming the pointer), the model holds its reply to it (the local grammar compiled from
 * it, or a remote server's response format), and the reply is validated. A client waiting for the whole
 * completion gets the pipeline's repair rounds too; a stream goes to the client as it is written and is
 * validated once complete, ending in an `output_invalid` error event instead of its finish when it does
 * not match (decision 37).
 */
import { HearthError } from '../../schemas/index.js';
import { toolChoiceOf, type CallOptions, type ChatEvent, type ChatModel, type ChatRequest } from '../core/models/index.js';
import { generateStructured, outputCheckOf, withSchemaNote, type OutputCheck } from '../core/sgr/index.js';

/** The events of one `/v1` chat: the model's own, or, with an output schema, the pipeline's. */
export async function* chatEvents(model: ChatModel, request: ChatRequest, options: { stream: boolean; signal: AbortSignal }): AsyncGenerator<ChatEvent> {
  const format = request.responseFormat;
  if (!format) {
    yield* model.chat(request, { signal: options.signal });
    return;
  }
  const schema = { json: format.schema, ...(format.name ? { name: format.name } : {}) };
  // Refused here, before any header: the client gets its 400 with the pointer.
  const check = outputCheckOf(schema);
  const call: CallOptions = { signal: options.signal };
  if (toolChoiceOf(request) !== 'none') {
    // The model may call a tool instead of answering: a turn of tool calls goes as it is; an answer in its
    // place is validated like any other, with no repair (the client holds the conversation).
    yield* validated(model.chat({ ...request, messages: withSchemaNote(request.messages, check.jsonSchema) }, call), check, format.name);
    return;
  }
  if (!options.stream) {
    const result = await generateStructured({
      model,
      schema,
      messages: request.messages,
      ...(request.maxTokens !== undefined ? { maxTokens: request.maxTokens } : {}),
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      ...(request.seed !== undefined ? { seed: request.seed } : {}),
      ...(request.stop?.length ? { stop: request.stop } : {}),
      signal: options.signal,
    });
    for (const message of result.warnings) yield { type: 'warning', message };
    yield { type: 'text', text: result.text };
    yield { type: 'finish', reason: 'stop', usage: result.usage ?? { promptTokens: 0, completionTokens: 0, timeToFirstTokenMs: 0 } };
    return;
  }
  const held: ChatRequest = { ...request, messages: withSchemaNote(request.messages, check.jsonSchema), responseFormat: { ...format, schema: check.jsonSchema } };
  yield* validated(model.chat(held, call), check, format.name);
}

/**
 * The events of a turn, as they come; at its finish, an answer that does not match the schema ends the turn in
 * OUTPUT_INVALID (with the output and its errors) instead. A turn that called tools has no answer to check.
 */
async function* validated(events: AsyncIterable<ChatEvent>, check: OutputCheck<unknown>, name: string | undefined): AsyncGenerator<ChatEvent> {
  let text = '';
  let calledTools = false;
  for await (const event of events) {
    if (event.type === 'text') text += event.text;
    if (event.type === 'tool-call') calledTools = true;
    if (event.type === 'finish' && event.reason !== 'cancelled' && !calledTools) {
      const verdict = check.judge(text, event.reason);
      if (!verdict.ok) {
        throw new HearthError('OUTPUT_INVALID', `The reply does not match the schema${name ? ` "${name}"` : ''}: ${verdict.errors.slice(0, 5).join('; ')}`, {
          errors: verdict.errors,
          lastOutput: text,
        });
      }
    }
    yield event;
  }
}
