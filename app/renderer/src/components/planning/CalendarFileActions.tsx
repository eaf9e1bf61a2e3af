/** Importing a user's .ics into the space's calendar (what was added, updated or skipped is told), and downloading the calendar as one. */
import { useRef } from 'react';
import { dismissCalendarFile, exportCalendar, importCalendarFile } from '../../state/planning-actions.js';
import { usePlanningStore } from '../../state/planning-store.js';
import { useReadOnlySpace } from '../team/read-only.js';

export function CalendarFileActions() {
  const input = useRef<HTMLInputElement>(null);
  const work = usePlanningStore((state) => state.calendarFile);
  const spaceId = usePlanningStore((state) => state.spaceId);
  const busy = work?.status === 'working';
  const readOnly = useReadOnlySpace(); // importing needs the editor role; exporting only reads
  return (
    <div className="calendar-files">
      <div className="calendar-files__buttons">
        {!readOnly && (
          <button type="button" className="button" data-testid="calendar-import" disabled={!spaceId || busy} onClick={() => input.current?.click()}>
            {busy && work.action === 'import' ? 'Importing…' : 'Import .ics'}
          </button>
        )}
        <input
          ref={input}
          type="file"
          accept=".ics,text/calendar"
          hidden
          data-testid="calendar-import-file"
          onChange={(event) => {
            const file = event.target.files?.[0];
            event.target.value = '';
            if (file) void importCalendarFile(file);
          }}
        />
        <button type="button" className="button" data-testid="calendar-export" disabled={!spaceId || busy} onClick={() => void exportCalendar()}>
          {busy && work.action === 'export' ? 'Exporting…' : 'Export .ics'}
        </button>
      </div>
      <FileOutcome />
      {work && work.status !== 'working' && (
        <button type="button" className="link-button" onClick={dismissCalendarFile}>
          Dismiss
        </button>
      )}
    </div>
  );
}

function FileOutcome() {
  const work = usePlanningStore((state) => state.calendarFile);
  if (!work || work.status === 'working') return null;
  if (work.status === 'failed') {
    return (
      <p className="message__error" role="alert" data-testid="calendar-file-error">
        {work.action === 'import' ? 'Could not import: ' : 'Could not export: '}
        {work.error.message}
      </p>
    );
  }
  if (work.action === 'export') return <p className="muted" data-testid="calendar-file-done">Saved {work.fileName}.</p>;
  const { added, updated, skipped } = work.result;
  return (
    <div data-testid="calendar-file-done">
      <p className="muted">
        {work.fileName}: {added} added, {updated} updated{skipped.length > 0 ? `, ${skipped.length} skipped` : ''}.
      </p>
      {skipped.length > 0 && (
        <ul className="calendar-files__skipped">
          {skipped.map((problem, index) => (
            <li key={index}>
              {problem.uid ? `${problem.uid}: ` : ''}
              {problem.reason}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
