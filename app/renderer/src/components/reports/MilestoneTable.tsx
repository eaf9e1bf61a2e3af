/** A milestone plan: each milestone with its owner, due date and the milestones it waits for. */
import type { MilestonePlan } from '../../../../../schemas/index.js';
import type { Evidence } from '../../../../../schemas/index.js';
import { CitationMarks } from './CitationMarks.js';
import { calendarDate } from './report-dates.js';

export function MilestoneTable({ plan, evidence }: { plan: MilestonePlan; evidence: readonly Evidence[] }) {
  return (
    <table className="report-table" data-testid="milestone-table">
      <thead>
        <tr>
          <th scope="col">ID</th>
          <th scope="col">Milestone</th>
          <th scope="col">Owner</th>
          <th scope="col">Due</th>
          <th scope="col">Depends on</th>
          <th scope="col">Sources</th>
        </tr>
      </thead>
      <tbody>
        {plan.milestones.map((milestone) => (
          <tr key={milestone.id} data-testid="milestone-row">
            <td>
              <code>{milestone.id}</code>
            </td>
            <td>{milestone.title}</td>
            <td>{milestone.owner}</td>
            <td className="report-table__date">{calendarDate(milestone.due)}</td>
            <td>{milestone.dependsOn.length > 0 ? milestone.dependsOn.join(', ') : '—'}</td>
            <td>
              <CitationMarks numbers={milestone.citations} evidence={evidence} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
