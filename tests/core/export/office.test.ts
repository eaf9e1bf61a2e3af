/**
 * DOCX and PPTX exports opened by a real office suite: every file is converted by LibreOffice headless to
 * PDF (all in one soffice run, which is most of this file's time), and the PDF's text must hold the title,
 * the headings (as bookmarks, so they are real headings), the table cells and the citations — footnotes
 * with document, page and heading in a document, passage numbers and a Sources slide in a deck, the sources
 * of each slide in its speaker notes. A page and a slide are saved under tests/artifacts/ to be looked at.
 */
import { strFromU8, unzipSync } from 'fflate';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderReport, type RenderInput } from '../../../app/core/export/index.js';
import { parseDocument } from '../../../app/core/parsers/index.js';
import { convertToPdf, flatText, pdfPageToPng, readPdfText, type PdfText } from '../../fixtures/libreoffice.js';
import { inputs } from './sample-reports.js';

const artifacts = path.resolve('tests/artifacts');

/** A report long enough to run past a slide and a page: twelve claims in one section, three sections. */
const long: RenderInput = {
  ...inputs.report,
  report: { ...inputs.report.report, id: 'rep-long', title: 'Long report' },
  value: {
    title: 'Long report',
    summary: 'Many claims, to see them carried over to the next slide.',
    sections: ['Alpha', 'Beta', 'Gamma'].map((name) => ({
      heading: `${name} findings`,
      claims: Array.from({ length: 12 }, (_, i) => ({
        text: `${name} claim ${i + 1}: the supplier confirms the batch, the inspection and the freight are booked for the week agreed in the contract.`,
        citations: [(i % 6) + 1],
      })),
    })),
  },
};

const cases = { ...inputs, long };
type Case = keyof typeof cases;
const pdf = {} as Record<`${Case}.${'docx' | 'pptx'}`, PdfText>;
const decks = {} as Record<Case, Uint8Array>;

beforeAll(async () => {
  const files: { name: string; bytes: Uint8Array }[] = [];
  for (const [name, input] of Object.entries(cases) as [Case, RenderInput][]) {
    const docx = await renderReport(input, 'docx');
    const pptx = await renderReport(input, 'pptx');
    decks[name] = pptx.bytes;
    files.push({ name: `${name}.docx`, bytes: docx.bytes }, { name: `${name}.pptx`, bytes: pptx.bytes });
  }
  const started = performance.now();
  const pdfs = await convertToPdf(files);
  console.log(`[office.test] LibreOffice converted ${files.length} files to PDF in ${Math.round(performance.now() - started)} ms`);
  for (const [name, bytes] of pdfs) pdf[name as keyof typeof pdf] = await readPdfText(bytes);
  await mkdir(artifacts, { recursive: true });
  await pdfPageToPng(pdfs.get('report.docx')!, 1, path.join(artifacts, 'export-report-docx-page-1.png'));
  await pdfPageToPng(pdfs.get('plan.pptx')!, 3, path.join(artifacts, 'export-plan-pptx-slide-3.png'));
}, 300_000);

const whole = (text: PdfText) => flatText(text.pages.join('\n'));
const page = (text: PdfText, n: number) => flatText(text.pages[n - 1] ?? '');

describe('DOCX, as LibreOffice prints it', () => {
  it('a report: title, request, headings as bookmarks, claims, citations as footnotes with document, page and heading', () => {
    const report = pdf['report.docx'];
    const text = whole(report);
    expect(text).toContain('Pump supply: payment and delivery');
    expect(text).toContain('Report · 2026-02-01 · drafted by qwen2.5-7b-instruct');
    expect(text).toContain('Request: Build it from the contract, the notes and the budget.');
    expect(report.outline).toEqual(['Summary', 'Payment terms', 'Delivery and risks', 'Sources']);
    expect(text).toContain('The remainder is due within 45 days of each delivered batch, budgeted at 1,250 EUR a pump.');
    expect(text).toContain('Поставщик предупреждает о задержке за 10 дней.');
    // Footnotes at the foot of the page, one per citation mark, and the Sources section at the end.
    expect(text).toContain('[1] Supply contract.pdf, p. 4 — Payment › Terms “The buyer pays 30% on signature'); // the source, with its words
    expect(text).toContain('[4] Budget.xlsx, 2026!A1:D12');
    expect(text).toContain('[5] Договор поставки.pdf, p. 2 — Сроки поставки');
    expect(text).toContain('[6] Steering deck.pptx, slide 3 — Risks');
    expect(text.split('[1] Supply contract.pdf, p. 4 — Payment › Terms').length - 1).toBe(3); // two footnotes and the source
    // Headings are set larger than the body.
    const size = (label: string) => report.items.find((item) => item.text.trim() === label)?.size ?? 0;
    expect(size('Payment terms')).toBeGreaterThan(size('Request:') + 3);
  });

  it('an agenda and a plan: their tables, cell by cell', () => {
    const agenda = whole(pdf['agenda.docx']);
    for (const cell of ['#', 'Time', 'Topic', 'Owner', 'Minutes', 'Decision', '0:00–0:15', 'Confirm the first batch date', 'Boris Ivanov', 'Needed', 'Customs buffer in the plan']) {
      expect(agenda).toContain(cell);
    }
    expect(agenda).toContain('Participants: Anna Petrova (Delivery lead), Boris Ivanov (Quality), Chen Wei');
    expect(agenda).toContain('[3] Kickoff notes.docx — Decisions');
    const plan = pdf['plan.docx'];
    expect(plan.outline).toEqual(['Overview', 'Due in February 2026', 'Due in March 2026', 'Due in April 2026', 'Sources']);
    const text = whole(plan);
    for (const cell of ['Depends on', 'M3', 'First batch at the Kazan warehouse', '2026-03-15', 'M1, M2', 'Second batch delivered']) expect(text).toContain(cell);
  });

  it('an extractive summary says so; a user template is laid out from its keys', () => {
    const summary = whole(pdf['summary.docx']);
    expect(summary).toContain('Extractive. Built without a language model');
    expect(summary).toContain('Anna Petrova owns the schedule and Boris Ivanov inspects batches.');
    expect(summary).not.toContain('drafted by');
    const user = pdf['user.docx'];
    expect(user.outline).toEqual(['Overview', 'Context', 'Risks', 'Next steps', 'Sources']);
    const text = whole(user);
    for (const cell of ['Likelihood', 'Customs delay', 'two weeks late', 'Book a customs broker', 'Status: Draft']) expect(text).toContain(cell);
  });
});

describe('PPTX, as LibreOffice prints it', () => {
  it('a title slide, a slide per section with passage numbers, Sources at the end', () => {
    const deck = pdf['report.pptx'];
    expect(page(deck, 1)).toContain('Pump supply: payment and delivery');
    expect(page(deck, 1)).toContain('Request: Build it from the contract, the notes and the budget.');
    expect(deck.pages).toHaveLength(5);
    expect(page(deck, 2)).toContain('Summary');
    expect(page(deck, 3)).toContain('Payment terms');
    expect(page(deck, 3)).toContain('budgeted at 1,250 EUR a pump. [1, 4]');
    expect(page(deck, 4)).toContain('Delivery and risks');
    expect(page(deck, 4)).toContain('Поставщик предупреждает о задержке за 10 дней. [5]');
    expect(page(deck, 5)).toContain('Sources');
    expect(page(deck, 5)).toContain('[2] Supply contract.pdf, pp. 6–7 — Delivery');
  });

  it("each slide's sources in its speaker notes", () => {
    const notes = notesOf(decks.report);
    expect(notes[0]).toContain('Request: Build it from the contract');
    const payment = notes.find((text) => text.includes('Supply contract.pdf, p. 4'))!;
    expect(payment).toContain('Sources on this slide:');
    expect(payment).toContain('[4] Budget.xlsx, 2026!A1:D12');
    expect(payment).not.toContain('[5]');
  });

  it('a milestone plan: one slide per month, its table cell by cell', () => {
    const deck = pdf['plan.pptx'];
    const slides = deck.pages.map(flatText);
    expect(slides.filter((text) => /Due in (February|March|April) 2026/.test(text)).map((text) => text.match(/Due in \w+ 2026/)![0])).toEqual([
      'Due in February 2026',
      'Due in March 2026',
      'Due in April 2026',
    ]);
    const march = slides.find((text) => text.includes('Due in March 2026'))!;
    for (const cell of ['ID', 'Milestone', 'Depends on', 'M3', 'First batch at the Kazan warehouse [2]', '2026-03-15', 'M1, M2', 'M4', 'Boris Ivanov']) expect(march).toContain(cell);
    expect(march).not.toContain('Second batch delivered');
    expect(whole(pdf['agenda.pptx'])).toContain('Inspection checklist on arrival [3]');
  });

  it('what does not fit a slide goes on to the next, nothing lost', () => {
    const slides = pdf['long.pptx'].pages.map(flatText);
    expect(slides.some((text) => text.includes('Alpha findings (continued)'))).toBe(true);
    for (const name of ['Alpha', 'Beta', 'Gamma']) {
      for (let i = 1; i <= 12; i++) expect(slides.filter((text) => text.includes(`${name} claim ${i}:`))).toHaveLength(1);
    }
    // No slide holds claims of two sections.
    expect(slides.filter((text) => text.includes('Alpha claim') && text.includes('Beta claim'))).toEqual([]);
  });
});

describe('Hearth reading its own exports', () => {
  it('a DOCX export added to a space keeps its headings and table; a PPTX its slides', async () => {
    const docx = await parseDocument({ name: 'agenda.docx', bytes: (await renderReport(inputs.agenda, 'docx')).bytes });
    expect(docx.markdown).toContain('\n# Agenda\n');
    expect(docx.markdown).toMatch(/\| 2 \| 0:15–0:35 \| Inspection checklist on arrival/);
    const pptx = await parseDocument({ name: 'plan.pptx', bytes: decks.plan });
    expect(pptx.markdown).toContain('Due in March 2026');
    expect(pptx.regions.some((region) => region.slide === 3)).toBe(true);
  });
});

/** The text of each slide's speaker notes, in slide order. */
function notesOf(pptx: Uint8Array): string[] {
  const files = unzipSync(pptx);
  const slideOfNotes = (name: string) => Number(/notesSlide(\d+)\.xml$/.exec(name)![1]);
  return Object.keys(files)
    .filter((name) => /^ppt\/notesSlides\/notesSlide\d+\.xml$/.test(name))
    .sort((a, b) => slideOfNotes(a) - slideOfNotes(b))
    .map((name) => [...strFromU8(files[name]!).matchAll(/<a:t>([^<]*)<\/a:t>/g)].map((match) => decodeXml(match[1]!)).join('\n'));
}

function decodeXml(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}
