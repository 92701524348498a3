import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { LocationPolicy, withhold } from '../../gateway/confidentiality/index.js';
import { CONTRACT_SDL, fieldMarkings } from '../../schema/index.js';

const sdl = `${CONTRACT_SDL}
extend type Patient @key(fields: "nhsNumber") {
  nhsNumber: String! @external
  trust: Organisation @revealsLocation
  visits: [Visit!]
}
type Visit { id: ID! site: Organisation @revealsLocation ward: String }`;

const policy = new LocationPolicy(fieldMarkings(sdl));
const plan = (query: string) => policy.planFor(query, parse(query));

describe('withholding fields that reveal where a patient is', () => {
  it('finds every marked field an operation selects, by the response key the client chose', () => {
    expect(
      plan(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Patient {
        where: trust { odsCode } visits { id site { name } ward } ...V } } }
        fragment V on Patient { more: visits { at: site { odsCode } } }`),
    ).toEqual([['where'], ['visits', 'site'], ['more', 'at']]);
    expect(
      plan('query($r: [_Any!]!) { _entities(representations: $r) { ... on Patient { visits { id } } } }'),
    ).toEqual([]);
  });

  it('nulls those fields through lists, copying the entity, and names what it withheld', () => {
    const entity = {
      where: { odsCode: 'RX1' },
      visits: [
        { id: '1', site: { name: 'North' } },
        { id: '2', site: null },
      ],
    };
    const result = withhold(entity, [['where'], ['visits', 'site'], ['absent']]);
    expect(result.entity).toEqual({
      where: null,
      visits: [
        { id: '1', site: null },
        { id: '2', site: null },
      ],
    });
    expect(result.withheld).toEqual(['where', 'visits.site']);
    expect(entity.where).toEqual({ odsCode: 'RX1' }); // the original (perhaps a cached copy) is untouched
  });

  it('reports nothing when the marked fields hold nothing to withhold', () => {
    const entity = { where: null, visits: [] };
    expect(withhold(entity, [['where'], ['visits', 'site']])).toEqual({ entity, withheld: [] });
  });
});
