/**
 * A report made from a user's template, whose shape only its JSON Schema knows: an object's keys become
 * headings, a list of flat objects a table, a list of plain values a bulleted list, text a paragraph. A
 * `citations` list of passage numbers shows as the [n] chips, as in Hearth's own templates.
 */
import type { ReactNode } from 'react';
import type { Evidence } from '../../../../../schemas/index.js';
import { CitationMarks } from './CitationMarks.js';

type Plain = string | number | boolean | null;

interface Props {
  value: unknown;
  evidence: readonly Evidence[];
  /** How deep in the object this is: headings get smaller, down to the smallest. */
  depth?: number;
}

export function GenericValue({ value, evidence, depth = 0 }: Props): ReactNode {
  if (isPlain(value)) return <p className="report-generic__text">{plainText(value)}</p>;
  if (Array.isArray(value)) {
    if (value.length === 0) return <p className="muted">None.</p>;
    if (value.every(isPlain)) {
      return (
        <ul className="report-generic__list">
          {value.map((item, index) => (
            <li key={index}>{plainText(item)}</li>
          ))}
        </ul>
      );
    }
    if (value.every(isFlatObject)) return <FlatTable rows={value} evidence={evidence} />;
    return (
      <ol className="report-generic__items">
        {value.map((item, index) => (
          <li key={index}>
            <GenericValue value={item} evidence={evidence} depth={depth + 1} />
          </li>
        ))}
      </ol>
    );
  }
  if (typeof value !== 'object' || value === null) return null; // JSON holds nothing else; an absent value shows nothing
  const entries = Object.entries(value);
  const Heading = (['h3', 'h4', 'h5'] as const)[Math.min(depth, 2)]!;
  return (
    <div className="report-generic">
      {entries.map(([key, item]) =>
        key === 'citations' && isPassageNumbers(item) ? (
          <p key={key} className="report-generic__citations">
            <CitationMarks numbers={item} evidence={evidence} />
          </p>
        ) : (
          <section key={key} className="report-generic__field">
            <Heading className="report-generic__heading">{labelOf(key)}</Heading>
            <GenericValue value={item} evidence={evidence} depth={depth + 1} />
          </section>
        ),
      )}
    </div>
  );
}

/** A table of objects whose values are plain (or lists of plain values): the union of their keys, in first-seen order, as columns. */
function FlatTable({ rows, evidence }: { rows: Array<Record<string, unknown>>; evidence: readonly Evidence[] }) {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  return (
    <table className="report-table">
      <thead>
        <tr>
          {columns.map((column) => (
            <th key={column} scope="col">
              {column === 'citations' ? 'Sources' : labelOf(column)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row, index) => (
          <tr key={index}>
            {columns.map((column) => {
              const cell = row[column];
              return (
                <td key={column}>
                  {column === 'citations' && isPassageNumbers(cell) ? (
                    <CitationMarks numbers={cell} evidence={evidence} />
                  ) : cell === undefined ? (
                    ''
                  ) : Array.isArray(cell) ? (
                    cell.map((item) => plainText(item as Plain)).join(', ')
                  ) : (
                    plainText(cell as Plain)
                  )}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function isPlain(value: unknown): value is Plain {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function isFlatObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((field) => isPlain(field) || (Array.isArray(field) && field.every(isPlain)))
  );
}

function isPassageNumbers(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((item) => Number.isInteger(item));
}

function plainText(value: Plain): string {
  if (value === null) return '—';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  return String(value);
}

/** `dueDate`, `due_date` and `due-date` all read "Due date". */
function labelOf(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words === '' ? key : words[0]!.toUpperCase() + words.slice(1);
}
