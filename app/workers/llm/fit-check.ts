/**
 * Decides before loading whether a model and its context fit this machine, from node-llama-cpp's own
 * estimates of what llama.cpp will allocate, so "too large" is a clear error with figures instead of a
 * process killed by the OS halfway through loading.
 */
import { GgufInsights, InsufficientMemoryError, type Llama } from 'node-llama-cpp';
import { HearthError } from '../../../schemas/index.js';

export interface FitRequest {
  modelPath: string;
  contextSize: number;
  sequences: number;
}

export interface FitEstimate {
  /** Layers to offload to the GPU (0 on the CPU). */
  gpuLayers: number;
  ramBytes: number;
  vramBytes: number;
}

interface Need {
  modelRam: number;
  modelVram: number;
  contextRam: number;
  contextVram: number;
}

export async function checkFit(llama: Llama, insights: GgufInsights, request: FitRequest): Promise<FitEstimate> {
  const gpuLayers = await offloadableLayers(llama, insights, request.contextSize);
  const context = { contextSize: request.contextSize, modelGpuLayers: gpuLayers, sequences: request.sequences, flashAttention: false };

  // First the quick heuristic without the compute graph, a lower bound: an absurd context (a typo in
  // max_context) is refused at once, where the exact simulation below would take minutes and gigabytes.
  const modelFloor = insights.estimateModelResourceRequirements({ gpuLayers });
  const contextFloor = insights.estimateContextResourceRequirements({ ...context, includeGraphOverhead: false });
  await assertFits(llama, request, { modelRam: modelFloor.cpuRam, modelVram: modelFloor.gpuVram, contextRam: contextFloor.cpuRam, contextVram: contextFloor.gpuVram }, 'at least ');

  // Then what llama.cpp itself works out for these tensors and this context.
  const model = await insights.estimateModelResourceRequirementsV2({ gpuLayers });
  const exact = await insights.estimateContextResourceRequirementsV2(context);
  const need = { modelRam: model.cpuRam, modelVram: model.gpuVram, contextRam: exact.cpuRam, contextVram: exact.gpuVram };
  await assertFits(llama, request, need, '~');
  return { gpuLayers, ramBytes: need.modelRam + need.contextRam, vramBytes: need.modelVram + need.contextVram };
}

/** On a GPU, as many layers as node-llama-cpp finds room for next to the context; on the CPU, none. */
async function offloadableLayers(llama: Llama, insights: GgufInsights, contextSize: number): Promise<number> {
  if (llama.gpu === false || !llama.supportsGpuOffloading) return 0;
  try {
    const resolved = await insights.configurationResolver.resolveModelGpuLayersV2({ fitContext: { contextSize } });
    return resolved.gpuLayers;
  } catch (error) {
    // Not even one layer fits in VRAM: run on the CPU, and let the RAM check decide.
    if (error instanceof InsufficientMemoryError) return 0;
    throw error;
  }
}

async function assertFits(llama: Llama, request: FitRequest, need: Need, approximately: string): Promise<void> {
  const vram = await llama.getVramState();
  const ram = await llama.getRamState();
  const vramNeeded = need.modelVram + need.contextVram;
  // Apple silicon and other unified-memory machines take the GPU's share out of the same RAM.
  const sharedRam = vram.unifiedSize > 0 ? Math.min(vram.unifiedSize, vramNeeded) : 0;
  const ramNeeded = need.modelRam + need.contextRam + sharedRam;
  const setting = `a context of ${request.contextSize} tokens × ${request.sequences} sequence${request.sequences === 1 ? '' : 's'}`;
  const remedy = 'Use a smaller quantization of the model, a smaller max_context or fewer sequences, or close other programs.';
  if (vramNeeded > vram.free) {
    throw new HearthError(
      'MODEL_TOO_LARGE',
      `${request.modelPath} does not fit in GPU memory: it needs ${approximately}${formatBytes(vramNeeded)} of VRAM ` +
        `(weights ${formatBytes(need.modelVram)}, ${setting} ${formatBytes(need.contextVram)}), ${formatBytes(vram.free)} free. ${remedy}`,
      { neededBytes: vramNeeded, freeBytes: vram.free, memory: 'vram' },
    );
  }
  if (ramNeeded > ram.free) {
    throw new HearthError(
      'MODEL_TOO_LARGE',
      `${request.modelPath} does not fit in memory: it needs ${approximately}${formatBytes(ramNeeded)} of RAM ` +
        `(weights ${formatBytes(need.modelRam)}, ${setting} ${formatBytes(need.contextRam + sharedRam)}), ${formatBytes(ram.free)} free. ${remedy}`,
      { neededBytes: ramNeeded, freeBytes: ram.free, memory: 'ram' },
    );
  }
}

/** node-llama-cpp's own refusal (it checks again while loading) in Hearth's terms. */
export function tooLargeFrom(error: InsufficientMemoryError, modelPath: string): HearthError {
  return new HearthError('MODEL_TOO_LARGE', `${modelPath} does not fit in the memory available: ${error.message}. Use a smaller quantization, a smaller max_context or fewer sequences.`);
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${Math.ceil(bytes / 1e3)} kB`;
}
