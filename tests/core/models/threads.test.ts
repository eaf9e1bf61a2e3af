import { describe, expect, it } from 'vitest';
import { defaultLlmThreads, resolveLlmThreads } from '../../../app/core/models/index.js';

describe('LLM thread count', () => {
  it('leaves the main thread a core by default', () => {
    expect(defaultLlmThreads(1)).toBe(1);
    expect(defaultLlmThreads(2)).toBe(1);
    expect(defaultLlmThreads(16)).toBe(15);
  });

  it('takes the model entry first, then HEARTH_LLM_THREADS, then the default', () => {
    expect(resolveLlmThreads(3, { HEARTH_LLM_THREADS: '5' }, 8)).toBe(3);
    expect(resolveLlmThreads(undefined, { HEARTH_LLM_THREADS: '5' }, 8)).toBe(5);
    expect(resolveLlmThreads(undefined, {}, 8)).toBe(7);
  });

  it('names a bad HEARTH_LLM_THREADS instead of guessing', () => {
    expect(() => resolveLlmThreads(undefined, { HEARTH_LLM_THREADS: 'two' }, 2)).toThrow(
      'HEARTH_LLM_THREADS=two is not a whole number of threads (1 or more); unset it to use 1.',
    );
  });
});
