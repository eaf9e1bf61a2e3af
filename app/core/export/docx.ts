/**
 * DOCX with `docx`: real heading styles (so Word's navigation pane and a PDF's bookmarks list the sections),
 * tables with a repeated header row, each citation a footnote saying the document, page and heading of its
 * passage, and a Sources section at the end. Plain styles that open the same in Word and LibreOffice.
 */
import {
  AlignmentType,
  BorderStyle,
  Document,
  FootnoteReferenceRun,
  HeadingLevel,
  Packer,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import { columnFractions, uniqueCites, type Block, type ReportDocument, type Source } from './report-document.js';

/** A4 with 2 cm margins: the text is this wide, in twips. */
const textWidth = 11906 - 2 * 1134;
const accent = '2F5597';
const headingLevels = [HeadingLevel.HEADING_1, HeadingLevel.HEADING_2, HeadingLevel.HEADING_3] as const;

export async function renderDocx(doc: ReportDocument): Promise<Uint8Array> {
  const sources = new Map(doc.sources.map((source) => [source.number, source]));
  const cite = (cites: readonly number[]) => footnoteRuns(cites, sources);
  const body: (Paragraph | Table)[] = [
    new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun(doc.title)] }),
    new Paragraph({
      spacing: { after: 120 },
      children: [new TextRun({ text: [doc.kind, doc.date, doc.model ? `drafted by ${doc.model}` : undefined].filter(Boolean).join(' · '), color: '666666' })],
    }),
  ];
  if (doc.notice) {
    body.push(
      new Paragraph({
        shading: { type: ShadingType.CLEAR, fill: 'FFF4CE', color: 'auto' },
        border: { left: { style: BorderStyle.SINGLE, size: 18, color: 'C19C00', space: 6 } },
        spacing: { before: 120, after: 120 },
        children: [new TextRun({ text: 'Extractive. ', bold: true }), new TextRun(doc.notice)],
      }),
    );
  }
  body.push(new Paragraph({ spacing: { after: 240 }, children: [new TextRun({ text: 'Request: ', bold: true }), new TextRun(doc.request)] }));

  for (const section of doc.sections) {
    body.push(new Paragraph({ heading: headingLevels[section.level - 1], children: [new TextRun(section.heading)] }));
    for (const block of section.blocks) body.push(...blockContent(block, cite));
  }

  if (doc.sources.length > 0) {
    body.push(new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun('Sources')] }));
    for (const source of doc.sources) {
      body.push(
        new Paragraph({
          spacing: { after: 40 },
          keepNext: source.excerpt !== '',
          children: [new TextRun({ text: `[${source.number}] `, bold: true }), new TextRun(source.label)],
        }),
      );
      if (source.excerpt) {
        body.push(new Paragraph({ indent: { left: 360 }, spacing: { after: 160 }, children: [new TextRun({ text: `“${source.excerpt}”`, italics: true, color: '555555' })] }));
      }
    }
  }

  const document = new Document({
    creator: 'Hearth',
    title: doc.title,
    subject: doc.kind,
    description: doc.request,
    styles: {
      // The outline levels make the headings headings for every reader (navigation pane, a PDF's bookmarks),
      // not only for one that knows Word's built-in style names.
      default: {
        document: { run: { font: 'Arial', size: 22 }, paragraph: { spacing: { after: 120, line: 276 } } },
        heading1: { run: { font: 'Arial', size: 32, bold: true, color: accent }, paragraph: { spacing: { before: 360, after: 120 }, keepNext: true, outlineLevel: 0 } },
        heading2: { run: { font: 'Arial', size: 26, bold: true, color: accent }, paragraph: { spacing: { before: 240, after: 100 }, keepNext: true, outlineLevel: 1 } },
        heading3: { run: { font: 'Arial', size: 23, bold: true, color: '404040' }, paragraph: { spacing: { before: 200, after: 80 }, keepNext: true, outlineLevel: 2 } },
        title: { run: { font: 'Arial', size: 48, bold: true, color: '1F2937' }, paragraph: { spacing: { after: 80 } } },
      },
    },
    sections: [
      {
        properties: { page: { size: { width: 11906, height: 16838 }, margin: { top: 1134, bottom: 1134, left: 1134, right: 1134 } } },
        children: body,
      },
    ],
  });
  return Packer.pack(document, 'uint8array');
}

type Cite = (cites: readonly number[]) => (FootnoteReferenceRun | TextRun)[];

function blockContent(block: Block, cite: Cite): (Paragraph | Table)[] {
  switch (block.kind) {
    case 'paragraph':
      return [new Paragraph({ children: [new TextRun(block.text), ...cite(block.cites)] })];
    case 'claims':
      return block.items.map(
        (item) =>
          new Paragraph({
            ...(block.style === 'bullets' ? { bullet: { level: 0 } } : {}),
            children: [new TextRun(item.text), ...cite(item.cites)],
          }),
      );
    case 'facts':
      return block.facts.map(
        (fact, index) =>
          new Paragraph({
            spacing: { after: 60 },
            children: [new TextRun({ text: `${fact.label}: `, bold: true }), new TextRun(fact.value), ...(index === block.facts.length - 1 ? cite(block.cites) : [])],
          }),
      );
    case 'table':
      return [tableOf(block, cite), new Paragraph({ spacing: { after: 120 }, children: [] })];
  }
}

function tableOf(block: Extract<Block, { kind: 'table' }>, cite: Cite): Table {
  // 11 pt Arial: an average character is about 0.55 em wide.
  const widths = columnFractions(block, textWidth / (11 * 20 * 0.55)).map((fraction) => Math.round(fraction * textWidth));
  const margins = { top: 60, bottom: 60, left: 100, right: 100 };
  const header = new TableRow({
    tableHeader: true,
    cantSplit: true,
    children: block.columns.map(
      (column, index) =>
        new TableCell({
          width: { size: widths[index]!, type: WidthType.DXA },
          shading: { type: ShadingType.CLEAR, fill: 'DCE6F2', color: 'auto' },
          margins,
          children: [new Paragraph({ spacing: { after: 0 }, children: [new TextRun({ text: column, bold: true })] })],
        }),
    ),
  });
  const rows = block.rows.map(
    (row) =>
      new TableRow({
        cantSplit: true,
        children: block.columns.map(
          (_, index) =>
            new TableCell({
              width: { size: widths[index]!, type: WidthType.DXA },
              margins,
              children: [
                new Paragraph({
                  spacing: { after: 0 },
                  alignment: AlignmentType.LEFT,
                  children: [new TextRun(row.cells[index] ?? ''), ...(index === block.citeColumn ? cite(row.cites) : [])],
                }),
              ],
            }),
        ),
      }),
  );
  return new Table({ width: { size: textWidth, type: WidthType.DXA }, columnWidths: widths, rows: [header, ...rows] });
}

/**
 * A footnote per citation mark, saying which passage it is and where that is (document, page, heading); Word
 * numbers footnotes in order of appearance, so the note repeats the passage number the Sources section lists.
 */
function footnoteRuns(cites: readonly number[], sources: Map<number, Source>): (FootnoteReferenceRun | TextRun)[] {
  // Marks side by side read as one number ("23"): a superscript comma between them, as print does.
  return uniqueCites(cites).flatMap((number, index) => {
    const source = sources.get(number);
    const children = [
      new Paragraph({
        spacing: { after: 40 },
        children: [
          new TextRun({ text: ` [${number}] `, bold: true, size: 18 }),
          // Where the passage is, not its words: those are in the Sources section once, not in every note.
          new TextRun({ text: source?.label ?? `Passage ${number}`, size: 18 }),
        ],
      }),
    ];
    const reference = new FootnoteReferenceRun({ children });
    return index === 0 ? [reference] : [new TextRun({ text: ',', superScript: true }), reference];
  });
}
