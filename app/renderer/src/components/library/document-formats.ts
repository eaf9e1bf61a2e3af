/** What each document format is called in the library, in the user's words. */
import type { DocumentFormat } from '../../../../../schemas/index.js';

export const FORMAT_LABELS: Record<DocumentFormat, string> = {
  pdf: 'PDF',
  docx: 'Word',
  xlsx: 'Excel',
  csv: 'CSV',
  pptx: 'PowerPoint',
  html: 'HTML',
  markdown: 'Markdown',
  text: 'Text',
};

/** The order the format filter offers them in. */
export const FILTER_FORMATS: DocumentFormat[] = ['pdf', 'docx', 'xlsx', 'csv', 'pptx', 'html', 'markdown', 'text'];
