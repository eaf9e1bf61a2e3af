/**
 * An estimate of how many subword tokens a text costs, for embedders without a tokenizer Hearth can run:
 * the built-in hash embedder and remote servers (the OpenAI API has no tokenize call). Calibrated to
 * err high for WordPiece / SentencePiece vocabularies, so chunks sized with it fit a real model's window.
 */

/** Scripts written without spaces, where subword vocabularies spend about a token per character. */
const perCharacter = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}]/u;

/**
 * About one token per five letters of a word (at least one per word), one per CJK character and one per
 * punctuation mark: English prose comes to ~1.3 tokens a word, as BERT's vocabulary gives; Russian to
 * ~1.7, between multilingual WordPiece and XLM-R's SentencePiece.
 */
export function estimateTokens(text: string): number {
  let tokens = 0;
  for (const match of text.matchAll(/[\p{L}\p{M}\p{N}]+|[^\s\p{L}\p{M}\p{N}]/gu)) {
    const piece = match[0];
    if (!/[\p{L}\p{M}\p{N}]/u.test(piece[0]!)) {
      tokens += 1;
      continue;
    }
    if (perCharacter.test(piece)) {
      for (const char of piece) tokens += perCharacter.test(char) ? 1 : 0.2;
      tokens = Math.ceil(tokens);
      continue;
    }
    tokens += Math.max(1, Math.ceil([...piece].length / 5));
  }
  return tokens;
}
