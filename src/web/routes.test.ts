import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { CounterNotFound, InvalidOperation, ManagementBusy } from '../counter/errors.js';
import type { CounterService, CounterView, ShardView } from '../counter/model.js';
import { ShardHistory } from './history.js';
import { webRoutes } from './routes.js';

/** Just enough of a counter service to drive the pages; the real one is tested on the emulator. */
class FakeCounters implements CounterService {
  readonly counters = new Map<string, CounterView>();
  busy = false;

  async create(input: { name?: string; initialValue: number; shards: number; bounded: boolean }) {
    const id = randomUUID();
    const base = Math.floor(input.initialValue / input.shards);
    const extra = input.initialValue % input.shards;
    const shards: ShardView[] = Array.from({ length: input.shards }, (_, seq) => ({
      id: `${id}-${seq}`,
      seq,
      amount: base + (seq < extra ? 1 : 0),
      status: 'active',
    }));
    const counter: CounterView = {
      id,
      name: input.name ?? '',
      bounded: input.bounded,
      initialValue: input.initialValue,
      aggregate: input.initialValue,
      activeShards: input.shards,
      shards,
      created: new Date(0).toISOString(),
    };
    this.counters.set(id, counter);
    return counter;
  }

  async get(id: string) {
    const counter = this.counters.get(id);
    if (counter === undefined) throw new CounterNotFound(id);
    return structuredClone(counter);
  }

  async apply(id: string, delta: number) {
    const counter = await this.get(id);
    const shard = counter.shards.find((s) => s.status === 'active');
    if (shard === undefined) throw new Error('no active shard');
    shard.amount += delta;
    counter.aggregate += delta;
    this.counters.set(id, counter);
    return { counterId: id, delta, shardId: shard.id };
  }

  async split(id: string, count: number) {
    const counter = await this.get(id);
    if (this.busy) throw new ManagementBusy(id, 1000);
    const seq = counter.shards.length;
    for (let i = 0; i < count; i++) {
      counter.shards.push({ id: `${id}-${seq + i}`, seq: seq + i, amount: 0, status: 'active' });
    }
    counter.activeShards += count;
    this.counters.set(id, counter);
    return structuredClone(counter);
  }

  writeStats() {
    return { patches: 0, updates: 0, meanBatch: 0, maxBatch: 0 };
  }

  async resumeInterrupted() {
    return 0;
  }

  async merge(id: string, count: number) {
    const counter = await this.get(id);
    if (count >= counter.activeShards) {
      throw new InvalidOperation('count', 'a counter keeps at least one active shard');
    }
    const active = counter.shards.filter((s) => s.status === 'active');
    for (const shard of active.slice(-count)) {
      const keeper = active[0];
      if (keeper === undefined) break;
      keeper.amount += shard.amount;
      shard.amount = 0;
      shard.status = 'retired';
    }
    counter.activeShards -= count;
    this.counters.set(id, counter);
    return structuredClone(counter);
  }
}

const ORIGIN = 'http://localhost';

function setup(embedded = true) {
  const counters = new FakeCounters();
  let now = 1_000_000;
  const history = new ShardHistory({ now: () => now });
  const app = webRoutes({
    counters,
    storeDescription: 'embedded Cosmos emulator at http://127.0.0.1:1234',
    embedded,
    history,
  });
  const post = (path: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
    app.request(path, {
      method: 'POST',
      body: new URLSearchParams(form),
      headers: { Origin: ORIGIN, ...headers },
    });
  return { app, counters, post, tick: (ms: number) => (now += ms) };
}

const testId = (html: string, id: string) =>
  new RegExp(`data-testid="${id}"[^>]*data-value="(-?\\d+)"`).exec(html)?.[1];

describe('webRoutes', () => {
  let t: ReturnType<typeof setup>;
  beforeEach(() => {
    t = setup();
  });

  describe('GET /', () => {
    it('should show both forms with the defaults and where the data lives', async () => {
      const res = await t.app.request('/');
      const html = await res.text();

      expect(res.status).toBe(200);
      expect(html.startsWith('<!doctype html>')).toBe(true);
      expect(html).toMatch(/name="initialValue"[^>]*value="1000"/);
      expect(html).toMatch(/name="shards"[^>]*value="10"/);
      expect(html).toMatch(/name="bounded"[^>]*checked/);
      expect(html).toContain('action="/open"');
      expect(html).toContain('embedded Cosmos emulator at http://127.0.0.1:1234');
      expect(html).toContain('lost when the server restarts');
    });

    it('should not warn about memory when the store is a real account', async () => {
      const html = await (await setup(false).app.request('/')).text();

      expect(html).not.toContain('data-testid="memory-warning"');
    });
  });

  describe('POST /counters', () => {
    it('should create the counter and redirect to its page', async () => {
      const res = await t.post('/counters', {
        name: 'Stock',
        initialValue: '1000',
        shards: '10',
        bounded: 'on',
      });

      expect(res.status).toBe(303);
      const [counter] = [...t.counters.counters.values()];
      expect(res.headers.get('Location')).toBe(`/counters/${counter?.id}`);
      expect(counter).toMatchObject({
        name: 'Stock',
        initialValue: 1000,
        activeShards: 10,
        bounded: true,
      });
    });

    it('should read an unticked checkbox as unbounded and a blank name as none', async () => {
      await t.post('/counters', { name: '  ', initialValue: '5', shards: '2' });

      const [counter] = [...t.counters.counters.values()];
      expect(counter).toMatchObject({ name: '', bounded: false, initialValue: 5 });
    });

    it.each([
      [{ initialValue: 'abc', shards: '10' }, 'Initial value must be a whole number'],
      [{ initialValue: '', shards: '10' }, 'Initial value is required'],
      [{ initialValue: '1.5', shards: '10' }, 'Initial value must be a whole number'],
      [{ initialValue: '1000', shards: '0' }, 'Shards must be a whole number from 1 to 100'],
      [{ initialValue: '1000', shards: '101' }, 'Shards must be a whole number from 1 to 100'],
      [{ initialValue: '1000', shards: '10', name: 'x'.repeat(101) }, 'Name must be at most 100'],
    ])('should answer 400 naming the field for %o', async (form, message) => {
      const res = await t.post('/counters', form);
      const html = await res.text();

      expect(res.status).toBe(400);
      expect(html).toContain(message);
      expect(html).toContain(`value="${form.initialValue}"`);
      expect(t.counters.counters.size).toBe(0);
    });

    it('should refuse a post from another site', async () => {
      const res = await t.post(
        '/counters',
        { initialValue: '1', shards: '1' },
        { Origin: 'https://evil.example' },
      );

      expect(res.status).toBe(403);
      expect(await res.text()).toMatch(/only from the dashboard itself .*Origin/);
      expect(t.counters.counters.size).toBe(0);
    });
  });

  describe('GET /open', () => {
    it('should redirect to a known counter', async () => {
      const counter = await t.counters.create({ initialValue: 1, shards: 1, bounded: true });

      const res = await t.app.request(`/open?id=${counter.id}`);

      expect(res.status).toBe(303);
      expect(res.headers.get('Location')).toBe(`/counters/${counter.id}`);
    });

    it('should say so with 404 for an unknown ID, and that the emulator forgets', async () => {
      const id = randomUUID();

      const res = await t.app.request(`/open?id=${id}`);
      const html = await res.text();

      expect(res.status).toBe(404);
      expect(html).toContain(`No counter with ID ${id} exists.`);
      expect(html).toContain('forgets every counter when the server restarts');
      expect(html).toContain(`value="${id}"`);
    });

    it('should say so with 404 for a malformed ID, escaped', async () => {
      const res = await t.app.request(`/open?id=${encodeURIComponent('<b>nope</b>')}`);
      const html = await res.text();

      expect(res.status).toBe(404);
      expect(html).toContain('is not a counter ID');
      expect(html).not.toContain('<b>nope</b>');
    });

    it('should ask for an ID when none was given', async () => {
      const res = await t.app.request('/open?id=');

      expect(res.status).toBe(404);
      expect(await res.text()).toContain('Enter a counter ID');
    });
  });

  describe('GET /counters/:id', () => {
    it('should show the ID with a copy button, the tiles, the controls and the chart', async () => {
      const counter = await t.counters.create({ initialValue: 1000, shards: 10, bounded: true });

      const res = await t.app.request(`/counters/${counter.id}`);
      const html = await res.text();

      expect(res.status).toBe(200);
      expect(html).toContain(`data-copy="${counter.id}"`);
      expect(testId(html, 'aggregate')).toBe('1000');
      expect(testId(html, 'active-shards')).toBe('10');
      expect(testId(html, 'shards-shown')).toBe('10');
      expect(html).toContain(`hx-get="/counters/${counter.id}/live"`);
      expect(html).toContain('hx-trigger="every 2s"');
      expect(html).toContain(`action="/counters/${counter.id}/split"`);
      expect(html).toContain(`hx-post="/counters/${counter.id}/merge"`);
      expect(html.match(/<path /g)).toHaveLength(10);
    });

    it('should answer 404 with the start page for an unknown counter', async () => {
      const res = await t.app.request(`/counters/${randomUUID()}`);

      expect(res.status).toBe(404);
      expect(await res.text()).toContain('action="/open"');
    });
  });

  describe('GET /counters/:id/live', () => {
    it('should return the panel alone, with one more sample each time', async () => {
      const counter = await t.counters.create({ initialValue: 1000, shards: 10, bounded: true });

      const first = await (await t.app.request(`/counters/${counter.id}/live`)).text();
      t.tick(2_000);
      await t.counters.apply(counter.id, -7);
      const second = await (await t.app.request(`/counters/${counter.id}/live`)).text();

      expect(first.startsWith('<section id="live"')).toBe(true);
      expect(first).not.toContain('<html');
      expect(first).toContain('data-samples="1"');
      expect(second).toContain('data-samples="2"');
      expect(testId(second, 'aggregate')).toBe('993');
    });

    it('should stop polling once the counter is gone', async () => {
      const res = await t.app.request(`/counters/${randomUUID()}/live`, {
        headers: { 'HX-Request': 'true' },
      });
      const html = await res.text();

      expect(res.status).toBe(404);
      expect(html).toContain('No counter with ID');
      expect(html).not.toContain('hx-trigger');
    });
  });

  describe('POST /counters/:id/split and /merge', () => {
    it('should split and redirect back for a plain post', async () => {
      const counter = await t.counters.create({ initialValue: 1000, shards: 10, bounded: true });

      const res = await t.post(`/counters/${counter.id}/split`, { count: '2' });

      expect(res.status).toBe(303);
      expect(res.headers.get('Location')).toBe(`/counters/${counter.id}`);
      expect((await t.counters.get(counter.id)).activeShards).toBe(12);
    });

    it('should answer htmx with the live panel and a notice out of band', async () => {
      const counter = await t.counters.create({ initialValue: 1000, shards: 10, bounded: true });

      const res = await t.post(
        `/counters/${counter.id}/merge`,
        { count: '3' },
        { 'HX-Request': 'true' },
      );
      const html = await res.text();

      expect(res.status).toBe(200);
      expect(testId(html, 'active-shards')).toBe('7');
      expect(html).toContain('hx-swap-oob="true"');
      expect(html).toContain('Merge done: 7 active shards.');
    });

    it('should show a bad count naming the field with 400', async () => {
      const counter = await t.counters.create({ initialValue: 1000, shards: 10, bounded: true });

      const res = await t.post(`/counters/${counter.id}/split`, { count: '0' });
      const html = await res.text();

      expect(res.status).toBe(400);
      expect(html).toContain('Count must be a whole number from 1 to 99');
      expect(testId(html, 'active-shards')).toBe('10');
    });

    it.each(['0x2', '1e1', 'two'])(
      'should not read %j as a number: only decimal digits count',
      async (typed) => {
        const counter = await t.counters.create({ initialValue: 1000, shards: 10, bounded: true });

        const res = await t.post(`/counters/${counter.id}/split`, { count: typed });
        const html = await res.text();

        expect(res.status).toBe(400);
        expect(html).toContain('Count must be a whole number from 1 to 99');
        expect(html).toContain('got something that is not a number');
        expect(testId(html, 'active-shards')).toBe('10');
      },
    );

    it('should show an invalid merge from the core with 400', async () => {
      const counter = await t.counters.create({ initialValue: 10, shards: 2, bounded: true });

      const res = await t.post(
        `/counters/${counter.id}/merge`,
        { count: '5' },
        { 'HX-Request': 'true' },
      );

      expect(res.status).toBe(400);
      expect(await res.text()).toContain('A counter keeps at least one active shard.');
    });

    it('should say another split or merge is running with 409', async () => {
      const counter = await t.counters.create({ initialValue: 10, shards: 2, bounded: true });
      t.counters.busy = true;

      const res = await t.post(`/counters/${counter.id}/split`, { count: '1' });

      expect(res.status).toBe(409);
      expect(await res.text()).toContain('Another split or merge is running');
    });

    it('should answer 404 for a malformed counter ID', async () => {
      const res = await t.post('/counters/nope/split', { count: '1' });

      expect(res.status).toBe(404);
    });
  });

  describe('static assets', () => {
    it('should serve htmx from the installed package with long cache headers', async () => {
      const res = await t.app.request('/static/htmx.min.js');

      expect(res.status).toBe(200);
      expect(res.headers.get('Content-Type')).toContain('javascript');
      expect(res.headers.get('Cache-Control')).toContain('immutable');
      expect(await res.text()).toContain('htmx');
    });

    it('should link each asset with a content hash', async () => {
      const html = await (await t.app.request('/')).text();

      expect(html).toMatch(/src="\/static\/htmx\.min\.js\?v=[0-9a-f]{10}"/);
      expect(html).toMatch(/href="\/static\/app\.css\?v=[0-9a-f]{10}"/);
    });

    it('should answer 304 when the copy is current', async () => {
      const etag = (await t.app.request('/static/app.css')).headers.get('ETag') ?? '';

      const res = await t.app.request('/static/app.css', { headers: { 'If-None-Match': etag } });

      expect(res.status).toBe(304);
    });
  });
});
