/** The reports methods of the contract: a space's templates, making a report (a job), its files and their bytes. */
import type { SomeHandlers } from '../rpc/index.js';
import type { Reports } from './reports.js';

type ReportsMethod =
  | 'reports.templates'
  | 'reports.addTemplate'
  | 'reports.removeTemplate'
  | 'reports.create'
  | 'reports.list'
  | 'reports.get'
  | 'reports.render'
  | 'artifacts.download';

export function reportsHandlers(reports: Reports): SomeHandlers<ReportsMethod> {
  return {
    'reports.templates': ({ spaceId }) => reports.templates.list(spaceId),
    'reports.addTemplate': async ({ spaceId, ...template }) => reports.templates.add(spaceId, template),
    'reports.removeTemplate': async ({ spaceId, templateId }) => {
      await reports.templates.remove(spaceId, templateId);
      return {};
    },
    'reports.create': (request, { caller }) => reports.create(caller, request),
    'reports.list': async ({ spaceId }) => reports.list(spaceId),
    'reports.get': async ({ reportId }) => reports.get(reportId),
    'reports.render': ({ reportId, format }, { signal }) => reports.render(reportId, format, signal),
    'artifacts.download': ({ artifactId }) => reports.download(artifactId),
  };
}
