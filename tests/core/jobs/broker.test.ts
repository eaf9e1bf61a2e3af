/**
 * The broker, the core's one publish/subscribe path: what is published on a topic reaches each of its
 * subscribers in order and no one else; a subscriber that falls behind by more than its buffer is told it lagged
 * rather than holding the publisher up or growing without bound; closing or aborting ends a subscription,
 * pending read included, and forgets the subscriber.
 */
import { describe, expect, it } from 'vitest';
import { Broker, type Subscription } from '../../../app/core/jobs/index.js';

/** The next `count` deliveries of a subscription. */
async function drainBuffered<T>(subscription: Subscription<T>, count: number) {
  const deliveries = [];
  for (let i = 0; i < count; i++) deliveries.push(await subscription.next());
  return deliveries;
}

describe('Broker', () => {
  it('delivers a topic’s events to each of its subscribers in order, and not to another topic’s', async () => {
    const broker = new Broker<string>();
    const kitchen = broker.subscribe('job:kitchen');
    const alsoKitchen = broker.subscribe('job:kitchen');
    const garden = broker.subscribe('job:garden');

    for (const event of ['queued', 'running', 'done']) broker.publish('job:kitchen', event);
    broker.publish('job:garden', 'queued');

    const expected = [{ event: 'queued' }, { event: 'running' }, { event: 'done' }];
    expect(await drainBuffered(kitchen, 3)).toEqual(expected);
    expect(await drainBuffered(alsoKitchen, 3)).toEqual(expected);
    expect(await garden.next()).toEqual({ event: 'queued' });
    for (const subscription of [kitchen, alsoKitchen, garden]) subscription.close();
  });

  it('wakes a subscriber waiting for the next event when it is published', async () => {
    const broker = new Broker<number>();
    const subscription = broker.subscribe('job:1');
    const waiting = subscription.next();

    broker.publish('job:1', 7);

    expect(await waiting).toEqual({ event: 7 });
    subscription.close();
  });

  it('tells a subscriber that fell behind its buffer that it lagged, instead of keeping every event for it', async () => {
    const broker = new Broker<number>({ buffer: 3 });
    const slow = broker.subscribe('job:1');
    const keen = broker.subscribe('job:1');
    const keenSaw: number[] = [];

    for (let seq = 1; seq <= 10; seq++) {
      broker.publish('job:1', seq);
      const delivery = await keen.next();
      if (delivery && 'event' in delivery) keenSaw.push(delivery.event);
    }
    broker.publish('job:1', 11);

    // The slow one finds at most its buffer waiting: word that it lagged (read the store), then the newest.
    const slowGot = [];
    for (let delivery = await slow.next(); ; delivery = await slow.next()) {
      slowGot.push(delivery);
      if (delivery && 'event' in delivery && delivery.event === 11) break;
    }
    expect(slowGot[0]).toEqual({ lagged: true });
    expect(slowGot.length).toBeLessThanOrEqual(3);
    // The publisher was not held up, and a subscriber that kept up saw everything.
    expect(keenSaw).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(await keen.next()).toEqual({ event: 11 });
    slow.close();
    keen.close();
  });

  it('ends a pending read with undefined when the subscription is closed, and forgets the subscriber', async () => {
    const broker = new Broker<string>();
    const subscription = broker.subscribe('job:1');
    const other = broker.subscribe('job:1');
    expect(broker.subscribers('job:1')).toBe(2);
    const waiting = subscription.next();

    subscription.close();

    expect(await waiting).toBeUndefined();
    expect(broker.subscribers('job:1')).toBe(1);
    broker.publish('job:1', 'done');
    expect(await subscription.next()).toBeUndefined();
    expect(await other.next()).toEqual({ event: 'done' });
    other[Symbol.dispose]();
    expect(broker.subscribers('job:1')).toBe(0);
  });

  it('ends a subscription when its signal aborts', async () => {
    const broker = new Broker<string>();
    const watcher = new AbortController();
    const subscription = broker.subscribe('job:1', { signal: watcher.signal });
    const waiting = subscription.next();

    watcher.abort();

    expect(await waiting).toBeUndefined();
    expect(broker.subscribers('job:1')).toBe(0);
  });

  it('takes no subscriber whose signal has already aborted', async () => {
    const broker = new Broker<string>();
    const subscription = broker.subscribe('job:1', { signal: AbortSignal.abort() });
    broker.publish('job:1', 'queued');

    expect(broker.subscribers('job:1')).toBe(0);
    expect(await subscription.next()).toBeUndefined();
  });

  it('delivers nothing more once closed, even what was published before it read', async () => {
    const broker = new Broker<string>();
    const subscription = broker.subscribe('job:1');
    broker.publish('job:1', 'progress');
    broker.publish('job:1', 'done');

    subscription.close();

    // "undefined once the subscription is closed": a watcher that went away is not fed its backlog.
    expect(await subscription.next()).toBeUndefined();
  });
});
