/**
 * The team server the bench loads: a Hearth in this process whose default LLM is the upstream's `/v1` (its token
 * read from an environment variable, as an admin configures a remote provider), people with API tokens, and one
 * space of small Markdown documents shared with every one of them as viewers.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createHearth, type Hearth } from '../../app/core/index.js';
import { parseLifetime } from '../../app/core/team/index.js';
import { startTeamServer, type TeamServer } from '../../app/server/team-server.js';

/** The variable models.toml names as the remote provider's key (`api_key_env`). */
const upstreamKeyVariable = 'HEARTH_BENCH_UPSTREAM_TOKEN';

export interface Person {
  id: string;
  name: string;
  token: string;
}

export interface TeamUnderTest {
  hearth: Hearth;
  server: TeamServer;
  spaceId: string;
  /** Words the documents hold, for queries that find something. */
  queries: string[];
  /** Adds someone with a token, shared into the space as a viewer. */
  addPerson(name: string): Promise<Person>;
  dispose(): Promise<void>;
}

const topics = [
  ['ferry', 'The harbour ferry leaves the north pier at noon and at six; tickets are sold on board, cash or card.'],
  ['budget', 'The maintenance budget for the breakwater is 4.2 million for next year, half of it for the eastern arm.'],
  ['tides', 'Spring tides reach 5.1 metres at the inner basin; boats over 3 metres draught wait for high water.'],
  ['lighthouse', 'The lighthouse keeper logs the lamp hours daily and reports a failed lamp to the harbour master within the hour.'],
  ['fishing', 'Fishing licences for the bay are renewed each March; the quota for cod was lowered by a fifth.'],
] as const;

export async function startTeamUnderTest(options: { dir: string; upstreamOrigin: string; upstreamToken: string }): Promise<TeamUnderTest> {
  const models = path.join(options.dir, 'team-models');
  await mkdir(models, { recursive: true });
  process.env[upstreamKeyVariable] = options.upstreamToken;
  await writeFile(
    path.join(models, 'models.toml'),
    `[llm.default]\nprovider = "openai"\nurl = "${options.upstreamOrigin}/v1"\nmodel = "default"\napi_key_env = "${upstreamKeyVariable}"\n`,
  );
  const hearth = await createHearth({ dataDir: path.join(options.dir, 'team'), modelLibrary: models });
  let server: TeamServer | undefined;
  try {
    const space = await hearth.call('spaces.create', { name: 'Harbour' });
    const docs = path.join(options.dir, 'documents');
    await mkdir(docs, { recursive: true });
    for (const [name, text] of topics) {
      const file = path.join(docs, `${name}.md`);
      const paragraphs = Array.from({ length: 6 }, (_, i) => `${text} (Note ${i + 1} on the ${name}.)`);
      await writeFile(file, `# The ${name}\n\n${paragraphs.join('\n\n')}\n`);
      const job = await hearth.call('documents.ingest', { spaceId: space.id, source: { kind: 'path', path: file } });
      const watch = hearth.stream('jobs.watch', { jobId: job.id });
      let step = await watch.next();
      while (!step.done) step = await watch.next();
      if (step.value.state !== 'done') throw new Error(`Adding ${name}.md ended ${step.value.state}: ${step.value.error?.message ?? ''}`);
    }
    server = await startTeamServer({ hearth, staticDir: path.join(options.dir, 'no-renderer'), host: '127.0.0.1', port: 0 });
    const started = server;
    return {
      hearth,
      server: started,
      spaceId: space.id,
      queries: ['ferry at noon', 'breakwater budget', 'spring tides draught', 'lighthouse lamp', 'cod quota licences', 'harbour master', 'tickets on board'],
      async addPerson(name) {
        const user = hearth.team.accounts.addUser({ name });
        const { token } = await hearth.team.tokens.create(user.id, { label: 'bench', lifetimeMs: parseLifetime('1d') });
        hearth.team.grants.grant(space.id, { kind: 'user', id: user.id }, 'viewer', 'bench');
        return { id: user.id, name, token };
      },
      async dispose() {
        await started.close();
        await hearth.dispose();
      },
    };
  } catch (error) {
    await server?.close();
    await hearth.dispose();
    throw error;
  }
}
