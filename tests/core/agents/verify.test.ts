/**
 * Per-claim citation verification: each cited sentence of an answer is judged against the passages it cites —
 * by word overlap with no model (right on plainly supported and plainly unsupported claims, English and
 * Russian), by a judge model held to an enum, and by the tiny cross-encoder's score.
 */
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyClaims } from '../../../app/core/agents/guard/index.js';
import { LocalReranker } from '../../../app/core/models/index.js';
import { rpcCall } from '../../fixtures/hearth-runner.js';
import { openReportsHearth, useScriptedModel, watchReport } from '../reports/report-runner.js';
import { writeTinyCrossEncoder } from '../../fixtures/models/onnx/index.js';
import { ScriptedChatModel } from '../../fixtures/scripted-models.js';
import { makeTempDir } from '../../fixtures/temp-dir.js';

const passages = [
  { number: 1, text: 'The Buyer shall pay each invoice within 30 days of delivery. Late payments carry interest of 2% per month.' },
  { number: 2, text: 'This agreement runs for two years from the date of signing and renews automatically unless either party objects.' },
  { number: 3, text: 'Поставщик обязан доставить оборудование на склад покупателя не позднее 15 марта 2027 года.' },
];

describe('verifyClaims with no model (word overlap)', () => {
  it('calls plainly supported claims supported and plainly unsupported ones unsupported', async () => {
    const answer = [
      'The buyer must pay invoices within 30 days of delivery [1].',
      'Late payments carry interest of 2% per month [1].',
      'The agreement renews automatically for two years [2].',
      'Поставщик доставит оборудование на склад покупателя до 15 марта 2027 года [3].',
      'The seller provides free training to every employee [2].',
      'The buyer may pay within 90 days [1].',
      'Покупатель оплачивает обучение персонала [3].',
      'Either party can end it at any time [9].',
    ].join(' ');
    const verdicts = await verifyClaims(answer, passages);
    expect(verdicts.map((v) => [v.verdict, v.method])).toEqual([
      ['supported', 'overlap'],
      ['supported', 'overlap'],
      ['supported', 'overlap'],
      ['supported', 'overlap'],
      ['unsupported', 'overlap'],
      ['unsupported', 'overlap'],
      ['unsupported', 'overlap'],
      ['unsupported', 'overlap'],
    ]);
    for (const verdict of verdicts) {
      expect(answer.slice(verdict.start, verdict.end)).toBe(verdict.claim);
      expect(verdict.score).toBeGreaterThanOrEqual(0);
      expect(verdict.score).toBeLessThanOrEqual(1);
    }
    expect(verdicts[7]).toMatchObject({ citations: [9], score: 0 });
  });

  it('reads a negation the passage does not have as a contradiction', async () => {
    const [verdict] = await verifyClaims('The agreement does not renew automatically [2].', passages);
    expect(verdict!.verdict).not.toBe('supported');
  });

  it('checks only cited sentences, and nothing when nothing is cited', async () => {
    expect(await verifyClaims('Hello. Nothing cited here.', passages)).toEqual([]);
  });
});

describe('verifyClaims with a judge model', () => {
  it('asks the judge, constrained to the verdict enum, with the cited passages as quoted data', async () => {
    const judge = new ScriptedChatModel((request) => (request.messages.at(-1)!.content.includes('90 days') ? '{"verdict":"unsupported"}' : '{"verdict":"supported"}'));
    const verdicts = await verifyClaims('Pay within 30 days [1]. Pay within 90 days [1].', passages, { judge });
    expect(verdicts.map((v) => [v.verdict, v.method, v.score])).toEqual([
      ['supported', 'llm', 1],
      ['unsupported', 'llm', 0],
    ]);
    const request = judge.requests[0]!;
    expect(request.responseFormat?.schema).toMatchObject({ properties: { verdict: { enum: ['supported', 'partial', 'unsupported'] } } });
    expect(request.messages.at(-1)!.content).toContain('<passage number="1">');
    expect(request.messages.at(-1)!.content).not.toContain('<passage number="2">');
  });

  it('falls back to word overlap when the judge never writes a valid verdict', async () => {
    const judge = new ScriptedChatModel(() => 'maybe?');
    const [verdict] = await verifyClaims('The buyer must pay invoices within 30 days of delivery [1].', passages, { judge });
    expect(verdict).toMatchObject({ verdict: 'supported', method: 'overlap' });
  });
});

describe('verifyClaims with the tiny cross-encoder', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let reranker: LocalReranker;

  beforeAll(async () => {
    temp = await makeTempDir('hearth-verify-');
    const dir = await writeTinyCrossEncoder(path.join(temp.dir, 'cross-encoder'));
    reranker = await LocalReranker.create({ kind: 'local', path: dir, absolutePath: dir, format: 'onnx' });
  });

  afterAll(async () => {
    await reranker?.dispose();
    await temp?.cleanup();
  });

  it('scores each claim by the best cited passage, squashed to 0..1 (random weights: the figure, not its meaning)', async () => {
    const verdicts = await verifyClaims('Pay within 30 days [1]. The term is two years [2, 1].', passages, { reranker });
    expect(verdicts).toHaveLength(2);
    for (const verdict of verdicts) {
      expect(verdict.method).toBe('cross-encoder');
      expect(verdict.score).toBeGreaterThan(0);
      expect(verdict.score).toBeLessThan(1);
    }
    // Stable: the same claims score the same.
    expect(await verifyClaims('Pay within 30 days [1]. The term is two years [2, 1].', passages, { reranker })).toEqual(verdicts);
  });
});

describe('a report’s unsupported statements, marked in its files', () => {
  let opened: Awaited<ReturnType<typeof openReportsHearth>>;

  beforeAll(async () => {
    opened = await openReportsHearth();
  });

  afterAll(async () => {
    await opened?.hearth.dispose();
    await opened?.temp.cleanup();
  });

  it('notes "⚠ not supported by [n]" after a point its passage does not say, in Markdown, DOCX and PPTX — and only there', async () => {
    const { hearth, spaceId } = opened;
    const summary = {
      title: 'Train refunds',
      keyPoints: [
        { text: 'Employees may claim a refund for train tickets within 30 days of travel.', citations: [1] },
        { text: 'Every employee gets a free electric bicycle each spring.', citations: [1] },
      ],
    };
    await useScriptedModel(hearth, new ScriptedChatModel(() => JSON.stringify(summary)));
    const { info } = await watchReport(hearth, await rpcCall(hearth, 'reports.create', { spaceId, templateId: 'summary', request: 'train ticket refunds', formats: ['markdown', 'docx', 'pptx'] }));
    expect(info.state).toBe('done');
    const report = await rpcCall(hearth, 'reports.get', { reportId: info.result!.reportId });
    expect(report.evidence[0]!.text).toContain('within 30 days of travel');
    const file = async (format: string) => {
      const artifact = report.artifacts.find((candidate) => candidate.format === format)!;
      return Buffer.from((await rpcCall(hearth, 'artifacts.download', { artifactId: artifact.id })).base64, 'base64');
    };
    const markdown = (await file('markdown')).toString('utf8');
    expect(markdown).toContain('- Every employee gets a free electric bicycle each spring. (⚠ not supported by \\[1\\])[^1]');
    expect(markdown).toContain('- Employees may claim a refund for train tickets within 30 days of travel.[^1]');
    const docx = strFromU8(unzipSync(await file('docx'))['word/document.xml']!);
    expect(docx).toContain('Every employee gets a free electric bicycle each spring. (⚠ not supported by [1])');
    expect(docx.match(/not supported by/g)).toHaveLength(1);
    const slides = unzipSync(await file('pptx'));
    const slideText = Object.entries(slides).filter(([name]) => /^ppt\/slides\/slide\d+\.xml$/.test(name)).map(([, bytes]) => strFromU8(bytes)).join('\n');
    expect(slideText).toContain('(⚠ not supported by [1])');
    expect(slideText.match(/not supported by/g)).toHaveLength(1);
  });
});
