/**
 * `hearth report <template> "request" --space S [--out file]`: a report from the command line. The job's steps
 * are shown on stderr as it goes (with a repair round's errors); the file named by --out is written in the
 * format its extension says, or the Markdown is printed when there is no --out.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { HearthError, isHearthError, type ReportFormat, type TemplateInfo } from '../../schemas/index.js';
import { jobResult, type Hearth } from '../core/index.js';
import { ExitCode, UsageError } from './cli-usage.js';

interface ReportOptions {
  space: string;
  out: string | undefined;
  json: boolean;
}

const formatOfExtension: Record<string, ReportFormat> = { '.md': 'markdown', '.markdown': 'markdown', '.docx': 'docx', '.pptx': 'pptx', '.json': 'json', '.ics': 'ics' };

export async function report(hearth: Hearth, args: string[], options: ReportOptions, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const [templateName, ...words] = args;
  const request = words.join(' ').trim();
  if (!templateName || !request) throw new UsageError('report needs a template and a request: hearth report summary "what the contracts say about deadlines" --space S');
  const format = options.out === undefined ? 'markdown' : formatOfExtension[path.extname(options.out).toLowerCase()];
  if (!format) throw new UsageError(`--out must end in ${Object.keys(formatOfExtension).join(', ')}, not "${path.basename(options.out!)}"`);
  const space = hearth.spaces.resolve(options.space);
  if (!space) throw new HearthError('NOT_FOUND', `There is no space "${options.space}". Create it with: hearth ingest <files> --space "${options.space}"`);

  const { templates, problems } = await hearth.call('reports.templates', { spaceId: space.id });
  for (const problem of problems) err.write(`(template file ${problem.file}${problem.line ? ` line ${problem.line}` : ''} left out: ${problem.message})\n`);
  const template = findTemplate(templates, templateName);
  const job = await hearth.call('reports.create', { spaceId: space.id, templateId: template.id, request, formats: [format] });
  const watch = hearth.stream('jobs.watch', { jobId: job.id });
  let step = await watch.next();
  while (!step.done) {
    if (step.value.type === 'step') err.write(describeStep(step.value.step, step.value.detail));
    step = await watch.next();
  }
  let result;
  try {
    result = jobResult(step.value, 'report');
  } catch (error) {
    // The last errors a model never fixed, all of them: the message names only the first.
    const errors = isHearthError(error) && error.code === 'OUTPUT_INVALID' ? (error.details as { errors?: unknown } | undefined)?.errors : undefined;
    if (Array.isArray(errors)) for (const line of errors) err.write(`  ${String(line)}\n`);
    throw error;
  }
  const info = await hearth.call('reports.get', { reportId: result.reportId });
  const artifact = result.artifacts.find((candidate) => candidate.format === format);
  if (!artifact) throw new HearthError('INTERNAL', `The report was made, but no ${format} file came with it.`);
  const { base64 } = await hearth.call('artifacts.download', { artifactId: artifact.id });
  const bytes = Buffer.from(base64, 'base64');
  if (options.out !== undefined) await writeFile(options.out, bytes);
  if (options.json) out.write(`${JSON.stringify(info, null, 2)}\n`);
  else if (options.out === undefined) out.write(bytes.toString('utf8'));
  else {
    const how = info.extractive ? 'built from the passages alone, no language model' : `drafted by ${info.model ?? 'the model'}${info.repairs ? `, ${info.repairs} repair round${info.repairs > 1 ? 's' : ''}` : ''}`;
    out.write(`Wrote ${options.out} (${info.templateName}, ${how}; ${info.evidence.length} passages; version ${artifact.version})\n`);
  }
  return ExitCode.ok;
}

/** A template by id or name, as a user types it ("summary", "Meeting agenda", "meeting-agenda"). */
function findTemplate(templates: TemplateInfo[], typed: string): TemplateInfo {
  const wanted = typed.trim().toLowerCase();
  const found = templates.find((template) => template.id.toLowerCase() === wanted || template.name.toLowerCase() === wanted || template.name.toLowerCase().replace(/\s+/g, '-') === wanted);
  if (!found) throw new HearthError('NOT_FOUND', `There is no template "${typed}" here; there is ${templates.map((template) => template.id).join(', ')}.`);
  return found;
}

function describeStep(step: string, detail: string | undefined): string {
  switch (step) {
    case 'retrieving':
      return 'Retrieving the passages…\n';
    case 'extractive':
      return `(${detail})\n`;
    case 'drafting':
      return detail === 'extractive' ? 'Building it from the passages (no language model is configured)…\n' : 'Drafting…\n';
    case 'validating':
      return `Validating (${detail ?? 'attempt 1'})…\n`;
    case 'repairing':
      return `Repairing:\n${(detail ?? '').split('\n').map((line) => `  ${line}`).join('\n')}\n`;
    case 'rendering':
      return `Rendering ${detail ?? ''}…\n`;
    default:
      return '';
  }
}
