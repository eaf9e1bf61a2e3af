/**
 * `email_draft`: an email the user sends themselves — an RFC 822 `.eml` built by nodemailer's MailComposer
 * (the MIME encoding of headers, bodies and attachments is its job, not Hearth's), with files the run's caller
 * may read attached from artifacts, kept as an artifact for download. Hearth never sends mail: the message has
 * no sender and carries `X-Unsent: 1`, so Outlook and Thunderbird open it as a draft to review and send.
 */
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { z } from 'zod';
import { HearthError } from '../../../schemas/index.js';
import type { ArtifactStore } from '../artifacts/index.js';
import type { Tool } from './tool.js';
import { EntityId, MailAddress, text } from './tool-input.js';

const DraftInput = z.object({
  to: z.array(MailAddress).min(1).max(10).describe('Who it is to.'),
  cc: z.array(MailAddress).max(10).optional(),
  subject: text(200, 1),
  body: text(4000, 1).describe('The message, as plain text.'),
  attachments: z.array(EntityId).max(10).optional().describe('Artifact ids of files to attach (from export).'),
});
type DraftInput = z.infer<typeof DraftInput>;

export interface DraftOutput {
  artifact_id: string;
  file_name: string;
  size_bytes: number;
  attached: string[];
}

/** What attachments may add up to: what mail servers commonly take in one message. */
const maxAttachmentBytes = 20 * 1024 * 1024;

export function emailDraftTool(deps: { artifacts: ArtifactStore }): Tool<DraftInput, DraftOutput> {
  return {
    name: 'email_draft',
    title: 'Draft an email',
    description:
      'Writes an email draft (.eml) the user opens in their mail client to review and send: recipients, subject, a plain-text body, and files attached by their artifact ids. It is never sent by Hearth.',
    input: DraftInput,
    sideEffects: true,
    async run(input, ctx) {
      if (!ctx.caller.can('editor', ctx.spaceId)) throw new HearthError('FORBIDDEN', 'This run may not make files in its space, so it cannot keep a draft there.', { spaceId: ctx.spaceId });
      // Files of the run's own space only: a draft must not carry another space's documents out through this one.
      const attachments = await attachmentsOf(deps.artifacts, input.attachments ?? [], (role, spaceId) => spaceId === ctx.spaceId && ctx.caller.can(role, spaceId));
      if (ctx.signal.aborted) throw new HearthError('CANCELLED', 'The draft was cancelled.');
      const composer = new MailComposer({
        to: input.to,
        ...(input.cc?.length ? { cc: input.cc } : {}),
        subject: input.subject,
        text: input.body,
        attachments: attachments.map((file) => ({ filename: file.name, content: file.bytes, contentType: file.mediaType })),
        headers: { 'X-Unsent': '1' },
      });
      const bytes = await composer.compile().build();
      const artifact = await deps.artifacts.putFile({ spaceId: ctx.spaceId, format: 'eml', fileName: `${fileNameOf(input.subject)}.eml`, mediaType: 'message/rfc822', bytes: new Uint8Array(bytes) });
      const attached = attachments.map((file) => file.name);
      return {
        output: { artifact_id: artifact.id, file_name: artifact.fileName, size_bytes: artifact.sizeBytes, attached },
        summary: `draft “${input.subject}” to ${input.to.join(', ')}${attached.length ? `, attaching ${attached.join(', ')}` : ''}`,
        made: { artifactIds: [artifact.id] },
      };
    },
  };
}

async function attachmentsOf(artifacts: ArtifactStore, ids: readonly string[], can: (role: 'viewer', spaceId: string) => boolean) {
  const files: { name: string; mediaType: string; bytes: Buffer }[] = [];
  let total = 0;
  for (const id of new Set(ids)) {
    const spaceId = artifacts.spaceOf(id);
    // A file of a space the caller cannot read is reported as missing: the draft must not reveal it exists.
    if (spaceId === undefined || !can('viewer', spaceId)) throw new HearthError('NOT_FOUND', `There is no file ${id} this run can attach: export it first and attach the artifact id it returns.`, { artifactId: id });
    const info = artifacts.get(id);
    const bytes = Buffer.from(await artifacts.read(id));
    total += bytes.byteLength;
    if (total > maxAttachmentBytes) throw new HearthError('BAD_REQUEST', `The attachments add up to more than ${maxAttachmentBytes / 1024 / 1024} MB, more than mail servers commonly take; attach fewer files.`);
    files.push({ name: info.fileName, mediaType: info.mediaType, bytes });
  }
  return files;
}

/** A file name from the subject: what a mail client shows for the download, without characters file systems refuse. */
function fileNameOf(subject: string): string {
  const name = subject.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 80);
  return name || 'draft';
}
