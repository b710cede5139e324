import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { networkdTree } from './consumers.ts';
import { modelFacts, raRouteFacts } from './fuzz/oracle.ts';
import { modelOf } from './helpers.ts';
import { networkdFacts } from './network-facts.ts';

/**
 * The facts an ifupdown or ifupdown2 tree must hold: the networkd target's for the same intent (the
 * real systemd-networkd loads that tree in the consumer tests), or the model's where networkd has
 * no expectations for the case; less the routes through an advertising router, which both ifupdown
 * dialects refuse (`<target>/ra-gateway`), and networkd's own KeepConfiguration=.
 */
export async function wantedFacts(expected: string, intent: string): Promise<string[]> {
  const model = (await modelOf(intent)).model!;
  const refused = raRouteFacts(model);
  const all = existsSync(join(expected, 'networkd')) ? networkdFacts(networkdTree(expected)) : modelFacts(model);
  return all.filter((f) => !refused.has(f) && !f.startsWith('keep ')).sort();
}
