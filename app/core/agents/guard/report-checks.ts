/**
 * The Guard's check of a report, as the reports capability asks for it: its cited statements against its
 * evidence, by the cross-encoder when one is installed, else by word overlap. (Not by a judge model: a report's
 * dozens of statements would each be a model call at render time; an answer's few claims are judged by the
 * model in the agents' run.)
 */
import type { Evidence } from '../../../../schemas/index.js';
import type { CitedStatement, ClaimCheck } from '../../export/index.js';
import type { ModelRuntime } from '../../models/index.js';
import { verifyStatements } from './verify-claims.js';

export function reportClaimChecker(models: Pick<ModelRuntime, 'leaseReranker'>) {
  return async (statements: CitedStatement[], evidence: Evidence[], signal: AbortSignal | undefined): Promise<ClaimCheck[]> => {
    const lease = await models.leaseReranker().catch(() => undefined); // no reranker that opens: word overlap judges instead
    try {
      const verdicts = await verifyStatements(
        statements.map((statement) => ({ claim: statement.text, citations: statement.cites })),
        evidence.map((passage) => ({ number: passage.number, text: passage.text })),
        { reranker: lease?.value, signal },
      );
      return statements.map((statement, i) => ({ ...statement, verdict: verdicts[i]!.verdict }));
    } finally {
      await lease?.release();
    }
  };
}
