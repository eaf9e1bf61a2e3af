/**
 * export through the registry: a report made by the reports pipeline (extractively, no model) rendered to
 * DOCX by the tool as a new artifact the user downloads — once per run and call key — and refused for a
 * caller who may only read the space, or a report that is not there.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Caller, localOwner, type Hearth } from '../../../app/core/index.js';
import type { ToolContext } from '../../../app/core/tools/index.js';
import { rpcCall } from '../../fixtures/hearth-runner.js';
import { openReportsHearth, watchReport } from '../reports/report-runner.js';

let opened: Awaited<ReturnType<typeof openReportsHearth>>;
let hearth: Hearth;
let spaceId: string;
let reportId: string;

const contextOf = (caller: Caller, runId = 'run-1'): ToolContext => ({ caller, spaceId, runId, signal: new AbortController().signal });

beforeEach(async () => {
  opened = await openReportsHearth();
  ({ hearth, spaceId } = opened);
  const { info } = await watchReport(hearth, await rpcCall(hearth, 'reports.create', { spaceId, templateId: 'summary', request: 'train ticket refunds and hotel caps', formats: ['markdown'] }));
  reportId = info.result!.reportId;
});
afterEach(async () => {
  await hearth.dispose();
  await opened.temp.cleanup();
});

describe('the export tool', () => {
  it('renders a report to DOCX as a new artifact of the report, once per call key', async () => {
    const call = { callKey: 'step-3/call-1', name: 'export', input: { report_id: reportId, format: 'docx' } };
    const outcome = await hearth.tools.call(call, contextOf(localOwner));
    expect(outcome).toMatchObject({ ok: true, replayed: false, output: { format: 'docx', version: 1, file_name: expect.stringMatching(/\.docx$/) } });
    if (!outcome.ok) return;
    const { artifact_id: artifactId } = outcome.output as { artifact_id: string };
    expect(outcome.made).toEqual({ artifactIds: [artifactId] });

    const report = await rpcCall(hearth, 'reports.get', { reportId });
    expect(report.artifacts.map((artifact) => `${artifact.format}@${artifact.version}`).sort()).toEqual(['docx@1', 'markdown@1']);
    const file = await rpcCall(hearth, 'artifacts.download', { artifactId });
    expect(Buffer.from(file.base64, 'base64').subarray(0, 2).toString('latin1')).toBe('PK'); // a DOCX is a zip

    expect(await hearth.tools.call(call, contextOf(localOwner))).toEqual({ ...outcome, replayed: true });
    expect((await rpcCall(hearth, 'reports.get', { reportId })).artifacts).toHaveLength(2);
    // Another call of the run is another render: the next version, the first kept.
    const next = await hearth.tools.call({ ...call, callKey: 'step-4/call-1' }, contextOf(localOwner));
    expect(next).toMatchObject({ ok: true, output: { version: 2 } });
  });

  it('is refused for a caller who may only read the space, and for a report that is not there', async () => {
    const reader = new Caller({ id: 'bea', kind: 'user', name: 'Bea', serverRole: 'member', spaces: { [spaceId]: 'viewer' } });
    expect(await hearth.tools.call({ callKey: 'k', name: 'export', input: { report_id: reportId, format: 'docx' } }, contextOf(reader))).toMatchObject({ ok: false, problem: 'forbidden' });
    expect(await hearth.tools.call({ callKey: 'k2', name: 'export', input: { report_id: 'no-such-report', format: 'pptx' } }, contextOf(localOwner))).toMatchObject({ ok: false, problem: 'failed', error: expect.stringContaining('There is no report no-such-report') });
    expect((await rpcCall(hearth, 'reports.get', { reportId })).artifacts).toHaveLength(1);
  });
});
