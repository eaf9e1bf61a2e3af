/**
 * Opens node-llama-cpp's native backend for the GPU setting of a models.toml entry, from the binaries
 * that ship with the app only: nothing is compiled or downloaded at run time.
 */
import { getLlama, LlamaLogLevel, type Llama } from 'node-llama-cpp';
import { HearthError } from '../../../schemas/index.js';
import type { LlmInfo, LlmLoadParams } from '../../core/models/index.js';

type GpuSetting = NonNullable<LlmLoadParams['gpu']>;

const backendNames: Record<Exclude<GpuSetting, 'auto' | 'cpu'>, string> = { cuda: 'CUDA', vulkan: 'Vulkan', metal: 'Metal' };

export async function openLlama(gpu: GpuSetting, threads: number): Promise<Llama> {
  try {
    return await getLlama({
      // `auto` tries CUDA and Vulkan (Metal on macOS) and settles on the CPU when none works.
      gpu: gpu === 'cpu' ? false : gpu,
      build: 'never',
      skipDownload: true,
      maxThreads: threads,
      logLevel: LlamaLogLevel.error,
    });
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    if (gpu === 'auto' || gpu === 'cpu') {
      throw new HearthError('INTERNAL', `The LLM runtime has no working native binary for this machine (${reason}). Reinstall Hearth for this platform.`);
    }
    throw new HearthError(
      'MODEL_CONFIG_INVALID',
      `gpu = "${gpu}" was asked for, but ${backendNames[gpu]} cannot be used on this machine (${reason}). ` +
        `Set gpu = "auto" to use the best backend that works (the CPU when there is no GPU), or gpu = "cpu".`,
      { gpu },
    );
  }
}

/** The device the weights run on, in Hearth's words. */
export function deviceOf(llama: Llama): LlmInfo['device'] {
  return llama.gpu === false ? 'cpu' : llama.gpu;
}
