/**
 * Renders an answer's text: paragraphs, quoted passages ("> " lines) and [n] markers as citation chips.
 * A deliberately small subset of Markdown — what answers use today — that also reads well half-streamed.
 */
import type { ReactNode } from 'react';
import type { Citation, ClaimVerdict } from '../../../../../schemas/index.js';
import { withClaimMarks } from '../agents/claim-marks.js';
import { CitationChip } from './CitationChip.js';

interface Props {
  text: string;
  /** The source of marker [n] is at `n - 1`. */
  citations: ReadonlyArray<Citation | undefined>;
  /** Shown at the end of the last block (the streaming cursor). */
  trailing?: ReactNode;
  /** Claims the Guard found unsupported or partly supported, marked where they are. */
  doubtful?: readonly ClaimVerdict[];
}

interface Block {
  kind: 'paragraph' | 'quote';
  lines: string[];
}

export function AnswerText({ text, citations, trailing, doubtful = [] }: Props) {
  const blocks = blocksOf(text);
  return (
    <>
      {blocks.map((block, position) => {
        const content = (
          <>
            {withClaimMarks(block.lines.join('\n'), doubtful, (part) => withChips(part, citations))}
            {position === blocks.length - 1 && trailing}
          </>
        );
        return block.kind === 'quote' ? (
          <blockquote key={position} className="answer-quote">
            {content}
          </blockquote>
        ) : (
          <p key={position} className="answer-paragraph">
            {content}
          </p>
        );
      })}
    </>
  );
}

/** Groups lines into paragraphs (split at blank lines) and quotes (runs of lines starting with ">"). */
function blocksOf(text: string): Block[] {
  const blocks: Block[] = [];
  let current: Block | undefined;
  for (const line of text.split('\n')) {
    const quoted = /^>\s?(.*)$/.exec(line);
    if (quoted) {
      if (current?.kind !== 'quote') blocks.push((current = { kind: 'quote', lines: [] }));
      current.lines.push(quoted[1]!);
    } else if (line.trim() === '') {
      current = undefined;
    } else {
      if (current?.kind !== 'paragraph') blocks.push((current = { kind: 'paragraph', lines: [] }));
      current.lines.push(line);
    }
  }
  for (const block of blocks) trimBlankLines(block.lines);
  return blocks.filter((block) => block.lines.length > 0);
}

function trimBlankLines(lines: string[]): void {
  while (lines.length > 0 && lines[0]!.trim() === '') lines.shift();
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
}

const MARKER = /\[(\d{1,3})\]/g;

function withChips(text: string, citations: Props['citations']): ReactNode[] {
  // With a capturing group, split puts each marker's number at the odd positions.
  return text.split(MARKER).map((part, position) => {
    if (position % 2 === 0) return part;
    const index = Number(part);
    const citation = citations[index - 1];
    return citation ? <CitationChip key={position} index={index} citation={citation} /> : `[${part}]`;
  });
}
