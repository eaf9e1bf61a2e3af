/** Says how answers are produced, so nobody mistakes retrieved passages for a model's prose. */
import { useAppStore } from '../../state/app-store.js';

export function AnswerModeNotice() {
  const connection = useAppStore((state) => state.connection);
  const answerMode = useAppStore((state) => state.info?.answerMode);
  const version = useAppStore((state) => state.info?.version);
  if (connection === 'connecting') return <p className="answer-mode">Connecting to Hearth…</p>;
  if (!answerMode) return null;
  return (
    <p className={`answer-mode answer-mode--${answerMode}`} data-testid="answer-mode" title={version ? `Hearth ${version}` : undefined}>
      {answerMode === 'extractive'
        ? 'No language model configured — answers are the best matching passages'
        : 'Answers are written by the local language model, with sources'}
    </p>
  );
}
