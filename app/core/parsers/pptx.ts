/**
 * PowerPoint: slides in presentation order (`ppt/presentation.xml` and its relationships, not file
 * names), each as `## Slide N: Title` with its text boxes, bullet lists, tables and speaker notes,
 * one region per slide. The slide XML is machine-written and regular, so a few patterns read it.
 */
import path from 'node:path';
import { HearthError } from '../../../schemas/index.js';
import { decodeEntities } from './entities.js';
import { MarkdownWriter, escapeLineStart, pipeTable } from './markdown-writer.js';
import { coreTitle, partText, readParts, type PackageParts } from './ooxml.js';
import type { Parser } from './types.js';

export const parsePptx: Parser = async (input, ctx) => {
  // Only the XML parts: a deck's media (images, video) can be hundreds of megabytes and hold no text.
  const parts = readParts(input.name, input.bytes, (name) => (name.startsWith('ppt/') && /\.(xml|rels)$/.test(name)) || name === 'docProps/core.xml');
  const slides = slidesInOrder(input.name, parts);
  const writer = new MarkdownWriter();
  let firstTitle: string | undefined;
  slides.forEach((slidePath, index) => {
    if (ctx.signal?.aborted) throw new HearthError('CANCELLED', `Reading ${input.name} was cancelled.`);
    const number = index + 1;
    const xml = partText(parts, slidePath) ?? '';
    const slide = readSlide(xml);
    firstTitle ??= slide.title;
    writer.beginRegion({ slide: number });
    writer.block(slide.title ? `## Slide ${number}: ${slide.title}` : `## Slide ${number}`);
    for (const block of slide.blocks) writer.block(block);
    const notes = notesOf(parts, slidePath);
    if (notes) writer.block(`**Notes:** ${notes}`);
    writer.endRegion();
    ctx.onProgress?.(number / slides.length);
  });
  const { markdown, regions } = writer.finish();
  const title = coreTitle(parts) ?? firstTitle;
  return { format: 'pptx', markdown, regions, pageCount: slides.length, warnings: [], ...(title ? { title } : {}) };
};

/** Relationship id → part path, for the part at `owner` (e.g. ppt/presentation.xml → ppt/_rels/presentation.xml.rels). */
function relationships(parts: PackageParts, owner: string): Map<string, { target: string; type: string }> {
  const relsPath = path.posix.join(path.posix.dirname(owner), '_rels', `${path.posix.basename(owner)}.rels`);
  const xml = partText(parts, relsPath) ?? '';
  const map = new Map<string, { target: string; type: string }>();
  for (const [tag] of xml.matchAll(/<Relationship\b[^>]*>/g)) {
    const id = attribute(tag, 'Id');
    const target = attribute(tag, 'Target');
    if (!id || !target || attribute(tag, 'TargetMode') === 'External') continue;
    const resolved = target.startsWith('/') ? target.slice(1) : path.posix.normalize(path.posix.join(path.posix.dirname(owner), target));
    map.set(id, { target: resolved, type: attribute(tag, 'Type') ?? '' });
  }
  return map;
}

function slidesInOrder(fileName: string, parts: PackageParts): string[] {
  const presentation = partText(parts, 'ppt/presentation.xml');
  if (!presentation) throw new HearthError('FILE_CORRUPT', `${fileName} is damaged: it has no ppt/presentation.xml.`, { fileName });
  const rels = relationships(parts, 'ppt/presentation.xml');
  const list = /<p:sldIdLst>([\s\S]*?)<\/p:sldIdLst>/.exec(presentation)?.[1] ?? '';
  const slides: string[] = [];
  for (const [tag] of list.matchAll(/<p:sldId\b[^>]*>/g)) {
    const target = rels.get(attribute(tag, 'r:id') ?? '')?.target;
    if (target && parts[target]) slides.push(target);
  }
  return slides;
}

interface Slide {
  title?: string;
  blocks: string[];
}

interface Shape {
  kind: 'title' | 'body' | 'text' | 'table' | 'skip';
  x?: number;
  y?: number;
  xml: string;
}

function readSlide(xml: string): Slide {
  const shapes: Shape[] = [];
  for (const [shape] of xml.matchAll(/<p:sp\b[\s\S]*?<\/p:sp>|<p:graphicFrame\b[\s\S]*?<\/p:graphicFrame>/g)) {
    const offset = /<a:off\b[^>]*>/.exec(shape)?.[0];
    const position = offset ? { x: Number(attribute(offset, 'x')), y: Number(attribute(offset, 'y')) } : {};
    shapes.push({ kind: shapeKind(shape), xml: shape, ...position });
  }
  const titleShape = shapes.find((shape) => shape.kind === 'title');
  const title = titleShape ? paragraphs(titleShape.xml).map((p) => p.text).filter(Boolean).join(' ') || undefined : undefined;
  const rest = shapes.filter((shape) => shape.kind !== 'title' && shape.kind !== 'skip');
  // Reading order is top to bottom, left to right, when every shape says where it is; placeholders that
  // inherit their position from the layout do not, and then the slide's own order is the best guess.
  if (rest.every((shape) => shape.y !== undefined && shape.x !== undefined)) {
    rest.sort((a, b) => a.y! - b.y! || a.x! - b.x!);
  }
  const blocks = rest.map(shapeMarkdown).filter((block) => block !== '');
  return { ...(title ? { title } : {}), blocks };
}

function shapeKind(shape: string): Shape['kind'] {
  if (shape.startsWith('<p:graphicFrame')) return /<a:tbl>/.test(shape) ? 'table' : 'skip';
  const placeholder = /<p:ph\b[^>]*>/.exec(shape)?.[0];
  if (!placeholder) return 'text';
  const type = attribute(placeholder, 'type');
  if (type === 'title' || type === 'ctrTitle') return 'title';
  if (type === 'sldNum' || type === 'dt' || type === 'ftr' || type === 'hdr' || type === 'sldImg') return 'skip';
  if (type === 'subTitle') return 'text';
  return 'body'; // type="body", "obj", or no type (a content placeholder)
}

interface Paragraph {
  text: string;
  level: number;
  bullet: 'none' | 'char' | 'number' | 'inherit';
}

function paragraphs(xml: string): Paragraph[] {
  const out: Paragraph[] = [];
  for (const [p] of xml.matchAll(/<a:p>[\s\S]*?<\/a:p>|<a:p\b[^>]*\/>/g)) {
    const properties = /<a:pPr\b[^>]*\/?>/.exec(p)?.[0] ?? '';
    const level = Number(attribute(properties, 'lvl') ?? '0') || 0;
    const bullet = /<a:buNone\b/.test(p) ? 'none' : /<a:buAutoNum\b/.test(p) ? 'number' : /<a:buChar\b/.test(p) ? 'char' : 'inherit';
    let text = '';
    for (const [token, run] of p.matchAll(/<a:t>([\s\S]*?)<\/a:t>|<a:br\b[^>]*\/>/g)) {
      text += token.startsWith('<a:br') ? '\n' : decodeEntities(run ?? '');
    }
    out.push({ text: text.replace(/[ \t\u00a0]+/g, ' ').trim(), level, bullet });
  }
  return out;
}

function shapeMarkdown(shape: Shape): string {
  if (shape.kind === 'table') return tableMarkdown(shape.xml);
  const lines: string[] = [];
  let number = 0;
  for (const paragraph of paragraphs(shape.xml)) {
    if (paragraph.text === '') continue;
    const isList = paragraph.bullet === 'char' || paragraph.bullet === 'number' || (shape.kind === 'body' && paragraph.bullet === 'inherit');
    const text = paragraph.text.replace(/\n/g, ' ');
    if (!isList) {
      lines.push(escapeLineStart(text));
      number = 0;
      continue;
    }
    const indent = '  '.repeat(Math.min(paragraph.level, 5));
    lines.push(paragraph.bullet === 'number' ? `${indent}${++number}. ${text}` : `${indent}- ${text}`);
  }
  // List items stay one block; plain paragraphs of a text box are separate paragraphs.
  return lines.reduce((out, line, i) => {
    if (i === 0) return line;
    const sameList = /^\s*(-|\d+\.) /.test(line) && /^\s*(-|\d+\.) /.test(lines[i - 1]!);
    return `${out}${sameList ? '\n' : '\n\n'}${line}`;
  }, '');
}

function tableMarkdown(xml: string): string {
  const rows: string[][] = [];
  for (const [row] of xml.matchAll(/<a:tr\b[\s\S]*?<\/a:tr>/g)) {
    const cells: string[] = [];
    for (const [cell] of row.matchAll(/<a:tc\b[\s\S]*?<\/a:tc>/g)) {
      // A cell covered by its neighbour's merge is still a column: it stays, empty.
      const merged = /^<a:tc\b[^>]*\b(hMerge|vMerge)="(1|true)"/.test(cell);
      cells.push(merged ? '' : paragraphs(cell).map((p) => p.text.replace(/\n/g, ' ')).filter(Boolean).join(' '));
    }
    rows.push(cells);
  }
  return rows.length > 0 ? pipeTable(rows) : '';
}

/** The speaker notes of a slide (their body placeholder), as one paragraph. */
function notesOf(parts: PackageParts, slidePath: string): string | undefined {
  const notesPath = [...relationships(parts, slidePath).values()].find((rel) => rel.type.endsWith('/notesSlide'))?.target;
  const xml = notesPath ? partText(parts, notesPath) : undefined;
  if (!xml) return undefined;
  const text = [...xml.matchAll(/<p:sp\b[\s\S]*?<\/p:sp>/g)]
    .map(([shape]) => shape)
    .filter((shape) => attribute(/<p:ph\b[^>]*>/.exec(shape)?.[0] ?? '', 'type') === 'body')
    .flatMap((shape) => paragraphs(shape).map((p) => p.text.replace(/\n/g, ' ')))
    .filter(Boolean)
    .join(' ');
  return text || undefined;
}

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name.replace(':', '\\:')}="([^"]*)"`).exec(tag);
  return match ? decodeEntities(match[1]!) : undefined;
}
