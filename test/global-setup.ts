import { execFileSync } from 'node:child_process';

/** The CLI tests run the built command, so build once before any test file runs. */
export default function setup(): void {
  execFileSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
}
