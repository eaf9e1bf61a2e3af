/**
 * PPTX with pptxgenjs: a title slide, then each section on slides of its own (a milestone plan's month
 * groups included), claims as bullets with their passage numbers, tables with a repeated header, the
 * sources of a slide in its speaker notes, and Sources slides at the end. What does not fit a slide goes on
 * to the next one ("continued"), measured by an estimate of wrapped lines — nothing is shrunk or cut.
 */
import PptxGenJSModule from 'pptxgenjs';
import { columnFractions, uniqueCites, type Block, type DocumentSection, type ReportDocument, type Source } from './report-document.js';

// pptxgenjs's types declare an ES default export, read as CommonJS under NodeNext (the class is then
// `.default`) and as ES under the Electron build's Bundler resolution (the class itself). At run time Node
// loads its ES build, whose default export is the class; a bundler may hand over the CommonJS one.
type PptxGenJSClass = typeof PptxGenJSModule extends { default: infer Class } ? Class : typeof PptxGenJSModule;
const PptxGenJS = ((PptxGenJSModule as unknown as { default?: unknown }).default ?? PptxGenJSModule) as PptxGenJSClass;
type Slide = ReturnType<InstanceType<typeof PptxGenJS>['addSlide']>;
type TableRows = Parameters<Slide['addTable']>[0];

// LAYOUT_WIDE, in inches.
const slideWidth = 13.333;
const left = 0.6;
const width = slideWidth - 2 * left;
const contentTop = 1.35;
const contentBottom = 6.8;
const gap = 0.2;
const font = 'Arial';
const ink = '1F2937';
const accent = '2F5597';
const muted = '6B7280';
const bodySize = 18;
const tableSize = 15;

/** One thing placed on a slide: a text box of paragraphs, or a table (its header repeated on each slide). */
type Piece =
  | { kind: 'text'; paragraphs: { text: string; bullet: boolean; cites: number[] }[]; height: number }
  /** `labels`: a facts table — no header row, the first column the labels. */
  | { kind: 'table'; columns: string[]; fractions: number[]; labels: boolean; rows: { cells: string[]; cites: number[] }[]; height: number };

export async function renderPptx(doc: ReportDocument): Promise<Uint8Array> {
  const pptx = new PptxGenJS();
  pptx.layout = 'LAYOUT_WIDE';
  pptx.title = doc.title;
  pptx.subject = doc.kind;
  pptx.author = 'Hearth';
  pptx.company = 'Hearth';
  const sources = new Map(doc.sources.map((source) => [source.number, source]));

  addTitleSlide(pptx.addSlide(), doc);
  for (const section of doc.sections) {
    const slides = paginate(section);
    slides.forEach((pieces, index) => {
      const slide = pptx.addSlide();
      addFrame(slide, index === 0 ? section.heading : `${section.heading} (continued)`, doc.title);
      let y = contentTop;
      for (const piece of pieces) {
        addPiece(slide, piece, y);
        y += piece.height + gap;
      }
      const cited = uniqueCites(pieces.flatMap(citesOfPiece));
      if (cited.length > 0) slide.addNotes(notesFor(cited, sources));
    });
  }
  addSourcesSlides(pptx, doc);
  return (await pptx.write({ outputType: 'uint8array', compression: true })) as Uint8Array;
}

function addTitleSlide(slide: Slide, doc: ReportDocument): void {
  slide.background = { color: 'F5F7FB' };
  slide.addShape('rect', { x: 0, y: 0, w: 0.25, h: 7.5, fill: { color: accent }, line: { color: accent } });
  // A title of up to 200 characters: smaller type for a long one, so it stays in its box.
  const titleSize = doc.title.length > 120 ? 24 : doc.title.length > 60 ? 30 : 36;
  slide.addText(doc.title, { x: left + 0.2, y: 1.2, w: width - 0.2, h: 2.0, fontFace: font, fontSize: titleSize, bold: true, color: ink, valign: 'bottom', margin: 0 });
  const meta = [doc.kind, doc.date, doc.model ? `drafted by ${doc.model}` : undefined].filter(Boolean).join(' · ');
  slide.addText(meta, { x: left + 0.2, y: 3.35, w: width - 0.2, h: 0.5, fontFace: font, fontSize: 18, color: muted, margin: 0 });
  // The request in full is in the notes; the slide shows its start.
  slide.addText(`Request: ${shorten(doc.request.replace(/\s+/g, ' '), 320)}`, { x: left + 0.2, y: 4.05, w: width - 0.2, h: 1.2, fontFace: font, fontSize: 16, color: ink, valign: 'top', margin: 0 });
  if (doc.notice) {
    slide.addText(`Extractive. ${doc.notice}`, {
      x: left + 0.2,
      y: 5.5,
      w: width - 0.2,
      h: 0.9,
      fontFace: font,
      fontSize: 14,
      italic: true,
      color: '7A5D00',
      fill: { color: 'FFF4CE' },
      margin: 10,
      valign: 'middle',
    });
  }
  slide.addNotes([`Request: ${doc.request}`, doc.notice ?? (doc.model ? `Drafted by ${doc.model}.` : '')].filter(Boolean).join('\n\n'));
}

function addFrame(slide: Slide, heading: string, title: string): void {
  slide.addText(heading, { x: left, y: 0.35, w: width, h: 0.85, fontFace: font, fontSize: 28, bold: true, color: accent, valign: 'bottom', margin: 0 });
  slide.addShape('line', { x: left, y: 1.22, w: width, h: 0, line: { color: 'C9D3E3', width: 1 } });
  slide.addText(title, { x: left, y: 7.0, w: width - 1, h: 0.3, fontFace: font, fontSize: 10, color: muted, margin: 0 });
  slide.slideNumber = { x: slideWidth - left - 0.6, y: 7.0, w: 0.6, h: 0.3, fontFace: font, fontSize: 10, color: muted, align: 'right' };
}

function addPiece(slide: Slide, piece: Piece, y: number): void {
  if (piece.kind === 'text') {
    // One run per paragraph: pptxgenjs writes paragraph properties per run, which is only valid for the first.
    slide.addText(
      piece.paragraphs.map((paragraph, index) => ({
        text: paragraph.text + marker(paragraph.cites),
        options: { bullet: paragraph.bullet ? { indent: 18 } : false, breakLine: index < piece.paragraphs.length - 1, paraSpaceAfter: 8 },
      })),
      { x: left, y, w: width, h: piece.height, fontFace: font, fontSize: bodySize, color: ink, valign: 'top', margin: 0 },
    );
    return;
  }
  const headerCell = (text: string) => ({ text, options: { bold: true, fill: { color: 'DCE6F2' }, color: ink } });
  const rows: TableRows = [
    ...(piece.labels ? [] : [piece.columns.map(headerCell)]),
    ...piece.rows.map((row) => row.cells.map((text, index) => (piece.labels && index === 0 ? headerCell(text) : { text, options: { color: ink } }))),
  ];
  slide.addTable(rows, {
    x: left,
    y,
    w: width,
    colW: piece.fractions.map((fraction) => fraction * width),
    fontFace: font,
    fontSize: tableSize,
    valign: 'top',
    border: { type: 'solid', pt: 0.75, color: 'BFC8D6' },
    margin: [0.05, 0.08, 0.05, 0.08],
  });
}

/** A section's content cut into slides: pieces in order, none past the bottom of the content area. */
function paginate(section: DocumentSection): Piece[][] {
  const slides: Piece[][] = [];
  let current: Piece[] = [];
  // Height taken on the current slide: every piece placed, with the gap after it.
  let used = 0;
  const room = contentBottom - contentTop;
  const newSlide = () => {
    if (current.length > 0) slides.push(current);
    current = [];
    used = 0;
  };
  const start = <T extends Piece>(piece: T, needed: number): T => {
    if (used + piece.height + needed > room) newSlide();
    current.push(piece);
    used += piece.height + gap;
    return piece;
  };
  for (const given of section.blocks) {
    // Facts (a date, the participants) read best as a two-column table of labels and values.
    const block: Block =
      given.kind === 'facts'
        ? { kind: 'table', columns: ['', ''], citeColumn: 1, rows: given.facts.map((fact, i) => ({ cells: [fact.label, fact.value], cites: i === given.facts.length - 1 ? given.cites : [] })) }
        : given;
    const labels = given.kind === 'facts';
    if (block.kind === 'table') {
      const fractions = columnFractions(block, (width * 72) / (tableSize * 0.55));
      const inner = fractions.map((fraction) => fraction * width - 0.16);
      const rowHeight = (cells: string[]) => 0.12 + Math.max(...cells.map((cell, i) => linesOf(cell, inner[i]!, tableSize))) * lineHeight(tableSize);
      let piece: Extract<Piece, { kind: 'table' }> | undefined;
      for (const row of block.rows) {
        const cells = row.cells.map((cell, i) => (i === block.citeColumn ? cell + marker(row.cites) : cell));
        const height = rowHeight(cells);
        if (!piece || used + height > room) {
          // A table that goes on to the next slide starts there again, header first.
          if (piece) newSlide();
          piece = start({ kind: 'table', columns: block.columns, fractions, labels, rows: [], height: labels ? 0 : rowHeight(block.columns) }, height);
        }
        piece.rows.push({ cells, cites: row.cites });
        piece.height += height;
        used += height;
      }
      continue;
    }
    let piece: Extract<Piece, { kind: 'text' }> | undefined;
    for (const paragraph of textParagraphs(block)) {
      const height = linesOf(paragraph.text + marker(paragraph.cites), width - (paragraph.bullet ? 0.3 : 0), bodySize) * lineHeight(bodySize) + 8 / 72;
      if (!piece || used + height > room) {
        if (piece) newSlide();
        piece = start({ kind: 'text', paragraphs: [], height: 0 }, height);
      }
      piece.paragraphs.push(paragraph);
      piece.height += height;
      used += height;
    }
  }
  newSlide();
  return slides;
}

function textParagraphs(block: Extract<Block, { kind: 'paragraph' | 'claims' }>): { text: string; bullet: boolean; cites: number[] }[] {
  return block.kind === 'paragraph'
    ? [{ text: block.text, bullet: false, cites: block.cites }]
    : block.items.map((item) => ({ text: item.text, bullet: true, cites: item.cites }));
}

function addSourcesSlides(pptx: InstanceType<typeof PptxGenJS>, doc: ReportDocument): void {
  const perSlide = 9;
  for (let start = 0; start < doc.sources.length; start += perSlide) {
    const slide = pptx.addSlide();
    const part = doc.sources.slice(start, start + perSlide);
    addFrame(slide, start === 0 ? 'Sources' : 'Sources (continued)', doc.title);
    slide.addText(
      part.map((source, index) => ({
        text: `[${source.number}] ${source.label}${source.excerpt ? ` — “${shorten(source.excerpt, 110)}”` : ''}`,
        options: { breakLine: index < part.length - 1, paraSpaceAfter: 6 },
      })),
      { x: left, y: contentTop, w: width, h: contentBottom - contentTop, fontFace: font, fontSize: 13, color: ink, valign: 'top', margin: 0 },
    );
    slide.addNotes(part.map((source) => `[${source.number}] ${source.label}\n${source.excerpt}`).join('\n\n'));
  }
}

function notesFor(cited: number[], sources: Map<number, Source>): string {
  const lines = cited.map((number) => {
    const source = sources.get(number);
    return source ? `[${number}] ${source.label}${source.excerpt ? `\n“${source.excerpt}”` : ''}` : `[${number}]`;
  });
  return `Sources on this slide:\n\n${lines.join('\n\n')}`;
}

function citesOfPiece(piece: Piece): number[] {
  return piece.kind === 'text' ? piece.paragraphs.flatMap((p) => p.cites) : piece.rows.flatMap((row) => row.cites);
}

function marker(cites: readonly number[]): string {
  const numbers = uniqueCites(cites);
  return numbers.length > 0 ? ` [${numbers.join(', ')}]` : '';
}

/** Wrapped lines of `text` in a box `inches` wide: an average glyph of Arial (Liberation Sans where LibreOffice runs) is a little over half the font size. */
function linesOf(text: string, inches: number, points: number): number {
  const perLine = Math.max(8, Math.floor((inches * 72) / (points * 0.55)));
  return text.split('\n').reduce((lines, part) => lines + Math.max(1, Math.ceil(part.length / perLine)), 0);
}

function lineHeight(points: number): number {
  return (points * 1.2) / 72;
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max).replace(/\s+\S*$/, '')}…`;
}
