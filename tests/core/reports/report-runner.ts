/**
 * What the reports tests share: a Hearth on a temp folder with a space holding two documents; a language model
 * "configured" the way a user does it (an llm entry in models.toml) whose lease hands out a scripted model — the
 * one place the tests script; and a report job followed to its end with its journal steps and progress.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { vi } from 'vitest';
import type { Hearth } from '../../../app/core/index.js';
import type { ChatModel } from '../../../app/core/models/index.js';
import type { JobInfoOf, ReportProgress } from '../../../schemas/index.js';
import { travelPolicy } from '../../fixtures/documents.js';
import { ingestFile, openTempHearth, rpcStream } from '../../fixtures/hearth-runner.js';

export const launchNotes = `# Harbour launch

## Team

Ana Ruiz leads the launch. Ben Okafor runs the ferry schedule.

## Dates

The new pier opens on 2027-03-01. Ticket sales start two weeks before the opening.
`;

/** A Hearth with a space "Work" holding the travel policy and the launch notes. */
export async function openReportsHearth() {
  const opened = await openTempHearth('Work');
  const documents: Record<string, string> = {};
  for (const [name, text] of [['policy.md', travelPolicy], ['launch.md', launchNotes]] as const) {
    const file = path.join(opened.temp.dir, name);
    await writeFile(file, text);
    documents[name] = (await ingestFile(opened.hearth, opened.spaceId, { kind: 'path', path: file })).result.document.id;
  }
  return { ...opened, documents };
}

/**
 * Configures a language model as a user would (an OpenAI-compatible entry in models.toml, never reached) and
 * makes its lease hand out `model`: the model boundary, scripted.
 */
export async function useScriptedModel(hearth: Hearth, model: ChatModel): Promise<void> {
  await mkdir(hearth.models.libraryFolder, { recursive: true });
  await writeFile(path.join(hearth.models.libraryFolder, 'models.toml'), '[llm.default]\nprovider = "openai"\nurl = "http://127.0.0.1:9/v1"\nmodel = "scripted"\n');
  await hearth.models.library({ reload: true });
  vi.spyOn(hearth.models, 'leaseChatModel').mockImplementation(async () => ({ value: model, release: async () => undefined, [Symbol.asyncDispose]: async () => undefined }));
}

/** Follows a report job through `jobs.watch` to its end: its journal's steps, its progress, its final info. */
export async function watchReport(hearth: Hearth, job: JobInfoOf<'report'>) {
  const { events, result } = await rpcStream(hearth, 'jobs.watch', { jobId: job.id });
  const steps = events.flatMap((event) => (event.type === 'step' ? [{ step: event.step, detail: event.detail }] : []));
  const progress = events.flatMap((event) => (event.type === 'progress' ? [event.progress as ReportProgress] : []));
  return { steps, progress, info: result as JobInfoOf<'report'> };
}

/** The JSON Schema name a scripted model was asked for (the template's id for Hearth's own). */
export const schemaNameOf = (request: { responseFormat?: { name?: string } }) => request.responseFormat?.name;
