/**
 * The bench's git HTTP server, run as its own process (a real git server is not part of the
 * controller's process, and `git http-backend` spawns would otherwise count against it). Prints its
 * base URL as one JSON line, stops when stdin closes.
 */
import { startGitHttpServer } from '../../test/harness/git-servers.js';

const root = process.argv[2];
if (!root) throw new Error('usage: git-server <repos-root>');
const server = await startGitHttpServer({ root });
process.stdout.write(JSON.stringify({ baseUrl: server.baseUrl }) + '\n');
process.stdin.resume();
process.stdin.on('end', () => void server.stop().then(() => process.exit(0)));
