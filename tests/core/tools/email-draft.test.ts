/**
 * email_draft through the registry: the `.eml` it keeps, read back part by part — headers a mail client opens
 * as an unsent draft, the body, and the report files attached with their very bytes — downloadable like any
 * artifact; refused for files of a space the caller cannot read; made once per run and call key.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Caller, localOwner, type Hearth } from '../../../app/core/index.js';
import type { ToolContext } from '../../../app/core/tools/index.js';
import { rpcCall } from '../../fixtures/hearth-runner.js';
import { openReportsHearth, watchReport } from '../reports/report-runner.js';

let opened: Awaited<ReturnType<typeof openReportsHearth>>;
let hearth: Hearth;
let spaceId: string;
let markdownId: string;
let docxId: string;

const contextOf = (caller: Caller, runId = 'run-1'): ToolContext => ({ caller, spaceId, runId, signal: new AbortController().signal });

beforeEach(async () => {
  opened = await openReportsHearth();
  ({ hearth, spaceId } = opened);
  const { info } = await watchReport(hearth, await rpcCall(hearth, 'reports.create', { spaceId, templateId: 'summary', request: 'train ticket refunds and hotel caps', formats: ['markdown', 'docx'] }));
  const artifacts = info.result!.artifacts;
  markdownId = artifacts.find((artifact) => artifact.format === 'markdown')!.id;
  docxId = artifacts.find((artifact) => artifact.format === 'docx')!.id;
});
afterEach(async () => {
  await hearth.dispose();
  await opened.temp.cleanup();
});

const draft = {
  to: ['ana.ruiz@example.com'],
  cc: ['ben@ferries.example.org'],
  subject: 'Сводка: travel policy summary',
  body: 'Hi Ana,\n\nthe summary of the travel policy is attached. Refunds within 30 days — receipts required.\n\nBest',
  attachments: [] as string[],
};

describe('an email draft', () => {
  it('is an .eml a mail client opens as an unsent draft, with the report files attached byte for byte', async () => {
    const outcome = await hearth.tools.call({ callKey: 'c1', name: 'email_draft', input: { ...draft, attachments: [markdownId, docxId] } }, contextOf(localOwner));
    expect(outcome).toMatchObject({ ok: true, replayed: false, output: { file_name: 'Сводка travel policy summary.eml' } });
    if (!outcome.ok) return;
    const { artifact_id: artifactId, attached } = outcome.output as { artifact_id: string; attached: string[] };
    expect(outcome.made).toEqual({ artifactIds: [artifactId] });

    const file = await rpcCall(hearth, 'artifacts.download', { artifactId });
    expect(file.artifact).toMatchObject({ format: 'eml', mediaType: 'message/rfc822', version: 1, spaceId });
    expect(file.artifact.reportId).toBeUndefined();
    const message = readMessage(Buffer.from(file.base64, 'base64').toString('latin1'));
    expect(message.headers.get('x-unsent')).toBe('1');
    expect(message.headers.has('from')).toBe(false); // the user's client fills in the sender
    expect(message.headers.get('to')).toBe('ana.ruiz@example.com');
    expect(message.headers.get('cc')).toBe('ben@ferries.example.org');
    expect(decodeWords(message.headers.get('subject')!)).toBe(draft.subject);
    expect(message.headers.get('mime-version')).toBe('1.0');
    expect(message.headers.get('content-type')).toMatch(/^multipart\/mixed; boundary=/);

    const [body, ...files] = message.parts;
    expect(body!.headers.get('content-type')).toMatch(/^text\/plain; charset=utf-8/i);
    expect(decodeBody(body!).toString('utf8').replace(/\r\n/g, '\n')).toBe(draft.body);
    expect(files.map((part) => filenameOf(part))).toEqual(attached);
    const originals = [Buffer.from(await hearth.artifacts.read(markdownId)), Buffer.from(await hearth.artifacts.read(docxId))];
    expect(files.map((part) => decodeBody(part).equals(originals[files.indexOf(part)]!))).toEqual([true, true]);
    expect(files[1]!.headers.get('content-type')).toMatch(/^application\/vnd\.openxmlformats-officedocument\.wordprocessingml\.document/);
    expect(files.every((part) => /^attachment/.test(part.headers.get('content-disposition') ?? ''))).toBe(true);

    // The same call again in the run is the same draft, not a second one.
    expect(await hearth.tools.call({ callKey: 'c1', name: 'email_draft', input: { ...draft, attachments: [markdownId, docxId] } }, contextOf(localOwner))).toEqual({ ...outcome, replayed: true });
    expect(hearth.artifacts.list({ spaceId }).filter((artifact) => artifact.format === 'eml')).toHaveLength(1);
  });

  it('cannot attach a file from a space the caller has no role in, and names neither it nor its space', async () => {
    const other = hearth.spaces.create('Private');
    const outsider = new Caller({ id: 'cara', kind: 'user', name: 'Cara', serverRole: 'member', spaces: { [spaceId]: 'editor' } });
    const privateFile = await hearth.artifacts.putFile({ spaceId: other.id, format: 'eml', fileName: 'secret.eml', mediaType: 'message/rfc822', bytes: new TextEncoder().encode('Subject: secret\r\n\r\nhush') });
    const outcome = await hearth.tools.call({ callKey: 'c1', name: 'email_draft', input: { ...draft, attachments: [privateFile.id] } }, contextOf(outsider));
    expect(outcome).toMatchObject({ ok: false, problem: 'failed', error: expect.stringContaining(`There is no file ${privateFile.id} this run can attach`) });
    expect(JSON.stringify(outcome)).not.toContain('secret');
    // Without the file it is made as asked; a reader of the space may not make one at all.
    expect(await hearth.tools.call({ callKey: 'c2', name: 'email_draft', input: draft }, contextOf(outsider))).toMatchObject({ ok: true });
    const reader = new Caller({ id: 'bea', kind: 'user', name: 'Bea', serverRole: 'member', spaces: { [spaceId]: 'viewer' } });
    expect(await hearth.tools.call({ callKey: 'c3', name: 'email_draft', input: draft }, contextOf(reader))).toMatchObject({ ok: false, problem: 'forbidden' });
  });

  it('refuses addresses that are not addresses before anything is made', async () => {
    const outcome = await hearth.tools.call({ callKey: 'c1', name: 'email_draft', input: { ...draft, to: ['Ana Ruiz'] } }, contextOf(localOwner));
    expect(outcome).toMatchObject({ ok: false, problem: 'invalid-input', error: expect.stringContaining('/to/0: a mail address') });
    expect(hearth.artifacts.list({ spaceId }).filter((artifact) => artifact.format === 'eml')).toEqual([]);
  });
});

interface Part {
  headers: Map<string, string>;
  body: string;
}

/** A small RFC 822 / MIME reader, enough for what MailComposer writes: headers unfolded, one level of multipart. */
function readMessage(raw: string): Part & { parts: Part[] } {
  const message = readPart(raw);
  const boundary = /boundary="?([^";]+)"?/.exec(message.headers.get('content-type') ?? '')?.[1];
  if (!boundary) return { ...message, parts: [] };
  const sections = message.body.split(`--${boundary}`);
  // What comes before the first boundary is the preamble; after the closing `--boundary--`, the epilogue.
  const parts = sections.slice(1, -1).map((section) => readPart(section.replace(/^\r\n/, '').replace(/\r\n$/, '')));
  expect(sections.at(-1)!.startsWith('--')).toBe(true);
  return { ...message, parts };
}

function readPart(raw: string): Part {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body: raw.slice(split + 4) };
}

function decodeBody(part: Part): Buffer {
  const encoding = (part.headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  if (encoding === 'base64') return Buffer.from(part.body.replace(/\s+/g, ''), 'base64');
  if (encoding === 'quoted-printable') {
    const bytes = part.body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    return Buffer.from(bytes, 'latin1');
  }
  return Buffer.from(part.body, 'latin1');
}

/** RFC 2047 encoded words (`=?UTF-8?B?…?=`, `=?UTF-8?Q?…?=`), as subjects and file names outside ASCII are written. */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([BQ])\?([^?]*)\?=/gi, (_m, _charset: string, kind: string, text: string) =>
      kind.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_n, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8'),
    );
}

function filenameOf(part: Part): string {
  const disposition = part.headers.get('content-disposition') ?? '';
  return decodeWords(/filename="?([^";]+)"?/.exec(disposition)?.[1] ?? '');
}
