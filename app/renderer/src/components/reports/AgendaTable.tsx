/** A meeting agenda: when, who takes part, and the items in order with their owner, time box and whether a decision is needed. */
import type { MeetingAgenda } from '../../../../../schemas/index.js';
import type { Evidence } from '../../../../../schemas/index.js';
import { CitationMarks } from './CitationMarks.js';
import { calendarDate } from './report-dates.js';

export function AgendaTable({ agenda, evidence }: { agenda: MeetingAgenda; evidence: readonly Evidence[] }) {
  const totalMinutes = agenda.items.reduce((sum, item) => sum + item.minutes, 0);
  return (
    <>
      <dl className="report-facts">
        <dt>Date</dt>
        <dd data-testid="agenda-date">{calendarDate(agenda.date)}</dd>
        <dt>Participants</dt>
        <dd data-testid="agenda-participants">
          {agenda.participants.map((participant) => (participant.role ? `${participant.name} (${participant.role})` : participant.name)).join(', ')}
        </dd>
      </dl>
      <table className="report-table" data-testid="agenda-table">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Topic</th>
            <th scope="col">Owner</th>
            <th scope="col" className="report-table__number">
              Minutes
            </th>
            <th scope="col">Decision</th>
            <th scope="col">Sources</th>
          </tr>
        </thead>
        <tbody>
          {agenda.items.map((item, index) => (
            <tr key={index} data-testid="agenda-item">
              <td className="report-table__number">{index + 1}</td>
              <td>{item.topic}</td>
              <td>{item.owner}</td>
              <td className="report-table__number">{item.minutes}</td>
              <td>{item.decisionNeeded ? 'Needed' : '—'}</td>
              <td>
                <CitationMarks numbers={item.citations} evidence={evidence} />
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <td />
            <td colSpan={2}>Total</td>
            <td className="report-table__number">{totalMinutes}</td>
            <td colSpan={2} />
          </tr>
        </tfoot>
      </table>
    </>
  );
}
