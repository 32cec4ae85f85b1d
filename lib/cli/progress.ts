/** How often a progress line is written when stderr is not a terminal (milliseconds). */
export const PROGRESS_EVERY_MS = 10_000;

/**
 * Progress on stderr for long work. On a terminal (`tty`) every call redraws one line in place; in
 * a log or a pipe (npm start under CI, nohup) a whole line is written at most every
 * PROGRESS_EVERY_MS, so long work is never silent there either. `text` is only built when written.
 */
export function stderrProgress(tty: boolean, prefix = { tty: '', log: '' }): (text: () => string) => void {
  let last = Date.now();
  return (text) => {
    if (tty) {
      process.stderr.write(`\r\x1b[K${prefix.tty}${text()}`);
      return;
    }
    const now = Date.now();
    if (now - last < PROGRESS_EVERY_MS) return;
    last = now;
    process.stderr.write(`${prefix.log}${text()}\n`);
  };
}
