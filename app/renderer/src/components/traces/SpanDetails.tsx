/** A span opened: its status, its attributes (JSON laid out, lists one per line) and its events. */
import type { SpanInfo } from '../../../../../schemas/index.js';
import { attributeText, formatMs } from './span-display.js';

export function SpanDetails({ span }: { span: SpanInfo }) {
  const attributes = Object.entries(span.attributes).sort(([a], [b]) => a.localeCompare(b));
  return (
    <div className="span-details" data-testid="span-details">
      <p className="muted">
        {span.kind} span · started at {formatMs(span.startOffsetMs)} · took {formatMs(span.durationMs)}
        {span.state === 'interrupted' && ' · left open by a Hearth that stopped; drawn to the trace’s last end'}
      </p>
      {span.statusMessage && (
        <p className="message__error">
          <code>error</code> {span.statusMessage}
        </p>
      )}
      {attributes.length > 0 && (
        <dl className="span-details__attributes">
          {attributes.map(([key, value]) => (
            <div key={key} className="span-details__attribute">
              <dt>
                <code>{key}</code>
              </dt>
              <dd>
                <pre>{attributeText(value)}</pre>
              </dd>
            </div>
          ))}
        </dl>
      )}
      {span.events.length > 0 && (
        <ol className="span-details__events">
          {span.events.map((event, i) => (
            <li key={i}>
              <code>{formatMs(event.offsetMs)}</code> {event.name}
              {Object.keys(event.attributes).length > 0 && <pre>{Object.entries(event.attributes).map(([key, value]) => `${key}: ${attributeText(value)}`).join('\n')}</pre>}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
