import { describe, expect, it } from 'vitest';
import { readSseData, serializeSseData } from '../../../app/core/models/openai-wire.js';

function streamOf(...chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function collect(stream: ReadableStream<Uint8Array>): Promise<string[]> {
  const out: string[] = [];
  for await (const data of readSseData(stream)) out.push(data);
  return out;
}

describe('Server-Sent Events framing', () => {
  it('reads what it writes, whatever the chunk boundaries', async () => {
    const wire = serializeSseData({ a: 'при\nвет' }) + serializeSseData('[DONE]');
    const whole = await collect(streamOf(wire));
    expect(whole).toEqual(['{"a":"при\\nвет"}', '[DONE]']);
    // Split into single bytes' worth of text, including inside multi-byte characters' string form.
    expect(await collect(streamOf(...wire.split('')))).toEqual(whole);
  });

  it('handles CRLF split across chunks, comments, multi-line data and a last event without a blank line', async () => {
    expect(await collect(streamOf(': keep-alive\r', '\n', 'data: one\r', '\ndata: two\r\n\r\n', 'event: x\ndata: last'))).toEqual([
      'one\ntwo',
      'last',
    ]);
  });
});
