/** Why the core refused an answer to a waiting run (an approval already answered, arguments it will not take). */
import type { ReplyWork } from '../../state/agent-run.js';

export function ReplyError({ reply }: { reply: ReplyWork | null }) {
  if (reply?.status !== 'failed') return null;
  return (
    <p className="message__error" role="alert" data-testid="wait-reply-error">
      <code>{reply.error.code}</code> {reply.error.message}
    </p>
  );
}
