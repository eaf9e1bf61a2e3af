/**
 * Reads what a GGUF file says about itself — architecture, size, quantization, context length, chat
 * template — from its header alone, without loading the weights, and checks the file is whole.
 */
import { open, stat } from 'node:fs/promises';
import { HearthError } from '../../../schemas/index.js';

export interface GgufSummary {
  architecture: string;
  name?: string;
  /** Weights counted from the tensor shapes. */
  parameters: number;
  /** The file type, e.g. `MOSTLY_Q4_K_M`. */
  quantization: string;
  contextLength?: number;
  chatTemplate?: string;
  sizeBytes: number;
  tensorCount: number;
}

/** Bytes per block and elements per block of the ggml tensor types, to tell a truncated file. */
const blockLayout: Record<number, [bytes: number, elements: number]> = {
  0: [4, 1], // F32
  1: [2, 1], // F16
  2: [18, 32], // Q4_0
  3: [20, 32], // Q4_1
  6: [22, 32], // Q5_0
  7: [24, 32], // Q5_1
  8: [34, 32], // Q8_0
  9: [36, 32], // Q8_1
  10: [84, 256], // Q2_K
  11: [110, 256], // Q3_K
  12: [144, 256], // Q4_K
  13: [176, 256], // Q5_K
  14: [210, 256], // Q6_K
  15: [292, 256], // Q8_K
  24: [1, 1], // I8
  25: [2, 1], // I16
  26: [4, 1], // I32
  27: [8, 1], // I64
  28: [8, 1], // F64
  30: [2, 1], // BF16
};

export async function readGgufSummary(file: string): Promise<GgufSummary> {
  await assertGgufMagic(file);
  const { readGgufFileInfo, GgufFileType } = await import('node-llama-cpp');
  let info;
  try {
    info = await readGgufFileInfo(file, { sourceType: 'filesystem', logWarnings: false, ignoreKeys: ['tokenizer.ggml.merges'] });
  } catch (error) {
    throw new HearthError('MODEL_INVALID', `${file} is not a readable GGUF model: ${(error as Error).message}`, { file });
  }
  const { size } = await stat(file);
  const tensors = info.fullTensorInfo ?? [];
  let parameters = 0;
  let dataEnd = 0;
  let knownTypes = true;
  for (const tensor of tensors) {
    const elements = tensor.dimensions.reduce<number>((product, dim) => product * Number(dim), 1);
    parameters += elements;
    const layout = blockLayout[tensor.ggmlType];
    if (!layout) {
      knownTypes = false;
      continue;
    }
    dataEnd = Math.max(dataEnd, Number(tensor.fileOffset) + Math.ceil(elements / layout[1]) * layout[0]);
  }
  if (tensors.length === 0) throw new HearthError('MODEL_INVALID', `${file} is a GGUF file with no tensors: it holds no model.`, { file });
  if (knownTypes && dataEnd > size) {
    throw new HearthError(
      'MODEL_INVALID',
      `${file} is truncated: its tensors need ${dataEnd} bytes but the file has ${size}. Copy or download it again.`,
      { file, expectedBytes: dataEnd, actualBytes: size },
    );
  }
  const general = info.metadata.general;
  const fileType = general.file_type;
  return {
    architecture: String(general.architecture),
    ...(general.name ? { name: general.name } : {}),
    parameters,
    quantization: fileType === undefined ? 'unknown' : (GgufFileType[fileType] ?? `type ${fileType}`),
    ...(info.architectureMetadata.context_length ? { contextLength: Number(info.architectureMetadata.context_length) } : {}),
    ...(info.metadata.tokenizer?.chat_template ? { chatTemplate: info.metadata.tokenizer.chat_template } : {}),
    sizeBytes: size,
    tensorCount: Number(info.tensorCount),
  };
}

async function assertGgufMagic(file: string): Promise<void> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new HearthError(code === 'ENOENT' ? 'MODEL_NOT_FOUND' : 'MODEL_INVALID', `Cannot open ${file}: ${(error as Error).message}`, { file });
  }
  try {
    const magic = Buffer.alloc(4);
    const { bytesRead } = await handle.read(magic, 0, 4, 0);
    if (bytesRead < 4 || magic.toString('latin1') !== 'GGUF') {
      throw new HearthError(
        'MODEL_INVALID',
        `${file} is not a GGUF file (it does not start with "GGUF"). Was another kind of file renamed .gguf?`,
        { file },
      );
    }
  } finally {
    await handle.close();
  }
}
