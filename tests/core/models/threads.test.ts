import { describe, expect, it } from 'vitest';
import { defaultLlmThreads, resolveLlmThreads } from '../../../app/core/models/index.js';

const M = 1e6;

describe('LLM thread count', () => {
  it('gives a small model all cores but one, where a second thread costs more per token than it saves', () => {
    expect(defaultLlmThreads({ parameters: 24 * M, cores: 1 })).toBe(1);
    expect(defaultLlmThreads({ parameters: 24 * M, cores: 2 })).toBe(1);
    expect(defaultLlmThreads({ parameters: 296 * M, cores: 2 })).toBe(1);
    expect(defaultLlmThreads({ parameters: 296 * M, cores: 16 })).toBe(15);
  });

  it('gives a large model every core, whatever its quantization', () => {
    expect(defaultLlmThreads({ parameters: 994 * M, cores: 1 })).toBe(1);
    expect(defaultLlmThreads({ parameters: 994 * M, cores: 2 })).toBe(2);
    expect(defaultLlmThreads({ parameters: 7.2e9, cores: 16 })).toBe(16); // a 7B model
  });

  it('draws the line between the sizes the measurements put on either side', () => {
    expect(defaultLlmThreads({ parameters: 500 * M - 1, cores: 2 })).toBe(1);
    expect(defaultLlmThreads({ parameters: 500 * M, cores: 2 })).toBe(2);
  });

  it('takes the caller first, then the model entry, then HEARTH_LLM_THREADS, then the default', () => {
    const env = { HEARTH_LLM_THREADS: '5' };
    const large = { parameters: 994 * M, cores: 8 };
    expect(resolveLlmThreads({ ...large, requested: 2, configured: 3, env })).toBe(2);
    expect(resolveLlmThreads({ ...large, configured: 3, env })).toBe(3);
    expect(resolveLlmThreads({ ...large, env })).toBe(5);
    expect(resolveLlmThreads({ ...large, env: {} })).toBe(8);
    expect(resolveLlmThreads({ parameters: 24 * M, cores: 8, env: {} })).toBe(7);
  });

  it('names a bad HEARTH_LLM_THREADS instead of guessing, with the default it would use', () => {
    expect(() => resolveLlmThreads({ parameters: 24 * M, cores: 2, env: { HEARTH_LLM_THREADS: 'two' } })).toThrow(
      'HEARTH_LLM_THREADS=two is not a whole number of threads (1 or more); unset it to use 1 for this model.',
    );
    expect(() => resolveLlmThreads({ parameters: 24 * M, cores: 2, env: { HEARTH_LLM_THREADS: '0' } })).toThrow('HEARTH_LLM_THREADS=0');
  });
});
