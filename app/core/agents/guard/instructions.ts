/**
 * The Guard's first check: does a retrieved passage read like instructions to a model rather than a
 * document's content ("ignore previous instructions", "send this to…", "call the tool…")? Such a passage
 * still reaches the model — as quoted data in its own block — but the run flags it, so the user sees why an
 * agent might have wanted to do something odd. Patterns cover English and Russian; each names its reason.
 */

interface InstructionPattern {
  reason: string;
  pattern: RegExp;
}

// An English action reads as an instruction when it is said as one: at the start of a sentence or clause, or
// after "please"/"now"/"immediately" ("The supplier shall send the invoice to…" is a contract, not an order).
const imperative = String.raw`(?:^|[.!?:;\n]\s*|\b(?:please|now|immediately|then|also|and)\s+)`;
const en = (body: string) => new RegExp(imperative + body, 'i');
// Russian instructions are said with imperative forms (игнорируй, отправь, создайте), rare in a document's prose.
// The verbs are matched as whole words, imperative only: "выполни" and "отмени" begin the infinitives
// "выполнить", "отменить" that every contract uses ("обязуется выполнить функции…").
const ru = (body: string) => new RegExp(body, 'iu');

const patterns: readonly InstructionPattern[] = [
  {
    reason: 'asks to ignore earlier instructions',
    pattern: /\b(ignore|disregard|forget|override)\b[^.!?\n]{0,40}\b(previous|prior|above|earlier|all|any|your|the|these)\b[^.!?\n]{0,20}\b(instructions?|rules|prompts?|directions|guidelines)\b/i,
  },
  {
    reason: 'asks to ignore earlier instructions',
    pattern: ru(String.raw`(?<!\p{L})(игнорируй|забудь|не\s+обращай\s+внимания|не\s+следуй|отмени)(те)?(?!\p{L})[^.!?\n]{0,40}(инструкци|указани|правил|промпт)`),
  },
  { reason: 'tells the model who it is now', pattern: /\b(you are now|from now on,? you|pretend (to be|you are)|you must now|your new (role|task|instructions?))\b/i },
  { reason: 'tells the model who it is now', pattern: ru(String.raw`(теперь\s+ты|отныне\s+ты|ты\s+теперь|веди\s+себя\s+как|притворись|твоя\s+новая\s+(роль|задача))`) },
  { reason: 'talks about the system prompt', pattern: /\b(system prompt|system message|developer message|jailbreak)\b/i },
  { reason: 'talks about the system prompt', pattern: ru(String.raw`системн\p{L}*\s+(промпт|сообщени|инструкци)`) },
  { reason: 'asks to call a tool', pattern: en(String.raw`(call|use|run|invoke|execute|trigger)\b[^.!?\n]{0,30}\b(tools?|functions?|email_draft|tasks|calendar|date_calc|read_document)\b`) },
  { reason: 'asks to call a tool', pattern: /\b(email_draft|read_document|date_calc)\b|\b(tool|function)[ _-]?call/i },
  { reason: 'asks to call a tool', pattern: ru(String.raw`(?<!\p{L})(вызови|используй|запусти|выполни|примени)(те)?(?!\p{L})[^.!?\n]{0,30}(инструмент|функци|email_draft|tasks|calendar)`) },
  {
    reason: 'asks to send something to someone',
    pattern: en(String.raw`(send|forward|e-?mail|mail|upload|leak|share)\b[^.!?\n]{0,60}\b(to|at)\b[^.!?\n]{0,60}(@|https?:\/\/|\baddress\b|\bexternal\b|\beveryone\b)`),
  },
  { reason: 'asks to send something to someone', pattern: ru(String.raw`(отправь|перешли|вышли|разошли|напиши\s+письмо)\p{L}*[^.!?\n]{0,60}(@|https?:\/\/|адрес|почт|всем)`) },
  {
    reason: 'asks to create a task or event',
    pattern: en(String.raw`(create|add|make|schedule|book|set up)\b[^.!?\n]{0,20}\b(tasks?|to-?dos?|reminders?|calendar (entry|entries|event|events)|events?|meetings?)\b`),
  },
  { reason: 'asks to create a task or event', pattern: ru(String.raw`(создай|добавь|запланируй|поставь|назначь)\p{L}*[^.!?\n]{0,20}(задач|напоминани|событи|встреч)`) },
  {
    reason: 'addresses an AI model directly',
    pattern: /\b(dear|attention|note to|hey|hello)\b[^.!?\n]{0,10}\b(ai|assistant|model|llm|chatbot|agent)s?\b|\b(ai|assistant|llm|language model)s?\b[^.!?\n]{0,15}\b(reading this|must|should|shall)\b/i,
  },
  // Each word from its start: "бот" is inside "работник", "работодатель", "субботний" — every labour contract's words.
  { reason: 'addresses an AI model directly', pattern: ru(String.raw`(?<!\p{L})(ассистент|нейросеть|языковая\s+модель|ии(?!\p{L})|бот)\p{L}*[^.!?\n]{0,20}(должен|должна|обязан|читающ)`) },
];

/** Why a passage reads like instructions to a model (each reason once), or nothing when it reads like a document. */
export function instructionsIn(text: string): string[] {
  const reasons: string[] = [];
  for (const { reason, pattern } of patterns) {
    if (!reasons.includes(reason) && pattern.test(text)) reasons.push(reason);
  }
  return reasons;
}
