/** A tool's arguments or result as indented JSON, clipped when long (the trace keeps the whole of it). */

const SHOWN_CHARACTERS = 4000;

export function JsonValue({ value, testId }: { value: unknown; testId?: string }) {
  const text = value === undefined ? '—' : typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  const clipped = text.length > SHOWN_CHARACTERS ? `${text.slice(0, SHOWN_CHARACTERS)}\n… (${(text.length - SHOWN_CHARACTERS).toLocaleString('en-US')} more characters)` : text;
  return (
    <pre className="agent-json" data-testid={testId}>
      {clipped}
    </pre>
  );
}
