// Makes the bin executable after tsc (tsc does not keep file modes), and copies the dashboard's
// page (plain HTML, CSS and an ES module, served as they are: tsc does not emit them) next to its server.
import { chmodSync, cpSync } from 'node:fs';
chmodSync(new URL('../dist/cli/main.js', import.meta.url), 0o755);
cpSync(new URL('../lib/dashboard/client/', import.meta.url), new URL('../dist/dashboard/client/', import.meta.url), { recursive: true });
