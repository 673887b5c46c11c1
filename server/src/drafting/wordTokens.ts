/**
 * The tokens of a word diff: words by Unicode's rules (UAX #29, through
 * `Intl.Segmenter`, with ICU's dictionaries for Chinese and the other
 * scripts written without spaces), runs of spaces and tabs, single line
 * breaks ("\r\n" is one) and single other characters. Whatever the text,
 * the tokens concatenate to it exactly.
 */

/**
 * The root locale ('und'): word boundaries of every script, the same
 * whatever the machine's locale, so a diff never depends on where it runs.
 */
const WORDS = new Intl.Segmenter('und', { granularity: 'word' });

const HORIZONTAL_SPACE = /^[^\S\r\n]+$/;

/** A text's tokens (see the module comment); they concatenate to the text. */
export function wordTokens(text: string): string[] {
  const tokens: string[] = [];
  for (const chunk of segmentableChunks(text)) {
    for (const { segment } of WORDS.segment(chunk)) {
      const last = tokens.length - 1;
      // The segmenter keeps runs of spaces together but not a tab beside them: one run, as a reader sees it.
      if (last >= 0 && HORIZONTAL_SPACE.test(segment) && HORIZONTAL_SPACE.test(tokens[last]!)) tokens[last] += segment;
      else tokens.push(segment);
    }
  }
  return tokens;
}

/**
 * V8's segment iterator spends time in proportion to the whole string at
 * every step: a 100,000-character paragraph took 10 to 20 seconds to cut
 * into words. Cut into chunks of about {@link CHUNK_CHARS} first, each
 * chunk costs little. Chunks end where a word boundary is certain: before a
 * letter or digit that follows whitespace (UAX #29 always breaks there), or
 * before a letter that follows a Chinese full stop, comma or the like (for
 * text written without spaces). A run of that length with neither (no
 * honest text has one) is cut anyway, between code points: its tokens may
 * then split a word there, the hunks still rebuild the texts exactly.
 */
const CHUNK_CHARS = 1024;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/uy;
const LETTER = /\p{L}/uy;
const WHITESPACE_BEFORE = /\s/;
/** Ideographic full stop and comma, fullwidth ! , ; ? (word-break class Other, or MidNum: a break before a letter). */
const CJK_PUNCTUATION = new Set(['\u3002', '\u3001', '\uFF01', '\uFF0C', '\uFF1B', '\uFF1F']);

function* segmentableChunks(text: string): Generator<string> {
  let start = 0;
  while (text.length - start > CHUNK_CHARS) {
    const end = chunkEnd(text, start, start + CHUNK_CHARS);
    yield text.slice(start, end);
    start = end;
  }
  yield text.slice(start);
}

/** The last certain word boundary in (start, limit], else `limit` moved off the middle of a surrogate pair. */
function chunkEnd(text: string, start: number, limit: number): number {
  const startsWith = (pattern: RegExp, at: number): boolean => {
    pattern.lastIndex = at;
    return pattern.test(text);
  };
  for (let i = limit; i > start; i--) {
    if (WHITESPACE_BEFORE.test(text[i - 1]!) && startsWith(LETTER_OR_DIGIT, i)) return i;
  }
  for (let i = limit; i > start; i--) {
    if (CJK_PUNCTUATION.has(text[i - 1]!) && startsWith(LETTER, i)) return i;
  }
  const lowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;
  const highSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
  return lowSurrogate(text.charCodeAt(limit)) && highSurrogate(text.charCodeAt(limit - 1)) ? limit - 1 : limit;
}
