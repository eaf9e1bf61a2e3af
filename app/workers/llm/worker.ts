/**
 * The LLM worker: holds one GGUF model, loaded by `load` (which the host sends to every fresh worker),
 * and answers `chat` (streamed text, tool-call and warning events, then the finish reason and token
 * usage), `info`, `activity`, `unload` and `halt`. Native binaries only: nothing is compiled or downloaded.
 */
import { HearthError } from '../../../schemas/index.js';
import { LlmChatParams, LlmLoadParams, type LlmActivity, type LlmChatResult, type LlmInfo } from '../../core/models/index.js';
import { parseParams, serveWorker } from '../runtime.js';
import { generateReply } from './generate-reply.js';
import { LoadedModel } from './loaded-model.js';

/**
 * The model being loaded or loaded, or why it failed: calls that arrive while it loads wait for it, and
 * later calls report the load error instead of "nothing loaded".
 */
let current: Promise<LoadedModel> | undefined;
/** Set by `halt`: the host is about to end this thread, and answers would race the end. */
let halted = false;


function loaded(): Promise<LoadedModel> {
  if (!current) return Promise.reject(new HearthError('INTERNAL', 'The llm worker has no model loaded; `load` must come first.'));
  return current;
}

async function unload(): Promise<void> {
  const previous = current;
  current = undefined;
  const model = await previous?.catch(() => undefined); // a failed load left nothing to free
  await model?.dispose();
}

serveWorker({
  async load(raw): Promise<LlmInfo> {
    const params = parseParams(LlmLoadParams, raw, 'llm.load');
    await unload();
    const loading = LoadedModel.load(params).catch((error: unknown) => {
      throw error instanceof HearthError ? error : new HearthError('MODEL_INVALID', `${params.modelPath}: ${(error as Error).message}`);
    });
    current = loading;
    return (await loading).info;
  },

  async info(): Promise<LlmInfo> {
    const model = await loaded();
    return { ...model.info };
  },

  /** Chats decoding and waiting now (queue depth, and whether a cancelled chat let go of its sequence). */
  async activity(): Promise<LlmActivity> {
    const model = await loaded();
    return model.activity();
  },

  async chat(raw, context): Promise<LlmChatResult> {
    const params = parseParams(LlmChatParams, raw, 'llm.chat');
    const model = await loaded();
    const result = await model.run(context.signal, (signal) => generateReply(model, params, { ...context, signal }));
    // Halted: the thread is ending as a crash would, so the host must see the call fail, not finish.
    return halted ? new Promise<never>(() => {}) : result;
  },

  /** Stops decoding at the next token so the host can end the thread safely (LocalLlamaChatModel.kill). */
  async halt(): Promise<null> {
    halted = true;
    const model = await current?.catch(() => undefined);
    await model?.quiesce();
    return null;
  },

  async unload(): Promise<null> {
    await unload();
    return null;
  },
});
