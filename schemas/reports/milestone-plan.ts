/**
 * Milestone plan: milestones with an owner, a due date and what they depend on. The dependencies must form
 * no cycle, and no milestone may be due before a milestone it depends on.
 */
import { z } from 'zod';
import { IsoDate, citationsOf, type TemplateContext } from './evidence.js';

export function milestonePlanSchema(context: TemplateContext) {
  return z
    .object({
      title: z.string().min(1).max(200).describe('What the plan is for.'),
      milestones: z
        .array(
          z.object({
            id: z.string().regex(/^M[0-9]{1,3}$/).describe('A short id: M1, M2, …'),
            title: z.string().min(1).max(300).describe('What is done by this milestone.'),
            owner: z.string().min(1).max(120).describe('Who is responsible.'),
            due: IsoDate.describe('When it is due, YYYY-MM-DD.'),
            dependsOn: z.array(z.string().regex(/^M[0-9]{1,3}$/)).max(20).describe('The ids of the milestones that must be done first.'),
            citations: citationsOf(context).optional(),
          }),
        )
        .min(1)
        .max(60)
        .describe('The milestones, in the order they are due.'),
    })
    .superRefine((plan, issues) => {
      const byId = new Map<string, { index: number; due: string; dependsOn: string[] }>();
      plan.milestones.forEach((milestone, index) => {
        if (byId.has(milestone.id)) {
          issues.addIssue({ code: 'custom', path: ['milestones', index, 'id'], message: `The id ${milestone.id} is used twice.` });
        }
        byId.set(milestone.id, { index, due: milestone.due, dependsOn: milestone.dependsOn });
      });
      plan.milestones.forEach((milestone, index) => {
        milestone.dependsOn.forEach((dependency, at) => {
          const before = byId.get(dependency);
          if (!before) {
            issues.addIssue({ code: 'custom', path: ['milestones', index, 'dependsOn', at], message: `${milestone.id} depends on ${dependency}, which is not in the plan.` });
          } else if (before.due > milestone.due) {
            issues.addIssue({
              code: 'custom',
              path: ['milestones', index, 'due'],
              message: `${milestone.id} is due ${milestone.due}, before ${dependency} (due ${before.due}) which it depends on.`,
            });
          }
        });
      });
      const cycle = findCycle(byId);
      if (cycle) {
        issues.addIssue({
          code: 'custom',
          path: ['milestones', byId.get(cycle[0]!)!.index, 'dependsOn'],
          message: `The dependencies go round in a cycle: ${cycle.join(' → ')}.`,
        });
      }
    });
}
export type MilestonePlan = z.infer<ReturnType<typeof milestonePlanSchema>>;

/** One cycle of the dependency graph as a path that returns to its start, or undefined when there is none. */
function findCycle(graph: Map<string, { dependsOn: string[] }>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'open') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'open');
    path.push(id);
    for (const next of graph.get(id)?.dependsOn ?? []) {
      if (!graph.has(next)) continue;
      const found = visit(next);
      if (found) return found;
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of graph.keys()) {
    const found = visit(id);
    if (found) return found;
  }
  return undefined;
}
