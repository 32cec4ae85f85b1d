/**
 * Splits a line of arguments into words as a POSIX shell would, without running a shell: blanks
 * separate words, '...' keeps everything literally, "..." keeps everything but `\"` and `\\`,
 * a backslash outside quotes escapes the next character, and an unquoted `~` or `~/` at the start
 * of a word is the home directory. Nothing else is interpreted: `$VAR`, `$(...)`, backquotes,
 * `;`, `|`, `&`, `>` and globs stay plain characters of a word, so the words can go to a
 * program as its argument vector and never to a shell.
 */
import { homedir } from 'node:os';
import { InputError } from '../errors.js';

/**
 * @param field names the input in errors (e.g. "--trainer-args").
 * @throws InputError for an unclosed quote or a trailing backslash.
 */
export function splitArgs(line: string, field = 'arguments'): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: "'" | '"' | undefined;
  let quoteStart = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) word += line[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      quoteStart = i;
      inWord = true;
    } else if (c === '\\') {
      if (i + 1 >= line.length) throw new InputError(field, line, 'shell-style words (a backslash escapes the next character)', 'ends with a lone backslash');
      word += line[++i];
      inWord = true;
    } else if (c === ' ' || c === '\t' || c === '\n') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      if (!inWord && c === '~' && (i + 1 === line.length || /[\s/]/.test(line[i + 1] as string))) word += homedir();
      else word += c;
      inWord = true;
    }
  }
  if (quote) throw new InputError(field, line, 'shell-style words with every quote closed', `has an unclosed ${quote} quote (from character ${quoteStart + 1})`);
  if (inWord) words.push(word);
  return words;
}
