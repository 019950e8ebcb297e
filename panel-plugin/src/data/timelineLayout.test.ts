/** The timeline's layout and hit-testing, by hand: a 1158 × 400 panel over [0, 1000] ms. */
import { Change, Incident, TimelineData } from './timeline';
import { changeAt, changesByLane, clampToPlot, laneAt, zoomRange } from './timelineHitTest';
import { changePaths, freezeSpan, incidentBar, timelineGeometry, timelineModel } from './timelineLayout';

const change = (id: string, time: number, team: string, extra: Partial<Change> = {}): Change => ({
  id,
  title: id,
  system: null,
  service: `${team}-api`,
  team,
  businessLine: 'bl',
  time,
  result: null,
  exemption: null,
  freezeViolation: false,
  ...extra,
});
const incident = (id: string, start: number, end: number | null, team: string): Incident => ({
  id,
  title: id,
  priority: 'P1',
  service: `${team}-api`,
  team,
  businessLine: 'bl',
  start,
  end,
});
const OPTIONS = { from: 0, to: 1000, laneBy: 'team' as const, suspectMinutes: 0, showChanges: true, showFreezes: true };

describe('timelineGeometry', () => {
  it('maps time to the plot right of the lane labels, and lanes share the height within 22–40 px', () => {
    // plot: 1158 − 150 labels − 8 margin = 1000 px for 1000 ms; lanes start below legend 22 + axis 24.
    const g = timelineGeometry(1158, 400, 0, 1000, 5);
    expect([g.plotLeft, g.plotWidth, g.plotTop]).toEqual([150, 1000, 46]);
    expect(g.xOf(500)).toBe(650);
    expect(g.tOf(650)).toBe(500);
    // (400 − 46 − 4) / 5 = 70 px, capped at 40.
    expect(g.laneHeight).toBe(40);
    expect(g.laneTop(2)).toBe(126);
    expect(g.svgHeight).toBe(396);
    // 20 lanes: 17 px each would be too thin; 22 px, and the SVG grows past the panel (it scrolls).
    const many = timelineGeometry(1158, 400, 0, 1000, 20);
    expect(many.laneHeight).toBe(22);
    expect(many.svgHeight).toBe(46 + 20 * 22);
  });
});

describe('timelineModel', () => {
  const data: TimelineData = {
    incidents: [incident('i1', 100, null, 'zeta'), incident('old', -500, -100, 'alpha')],
    changes: [change('c1', 500, 'alpha'), change('c2', 510, 'alpha'), change('late', 2000, 'beta'), change('c3', 900, 'mid')],
    freezes: [{ id: 'f1', name: 'F', start: 400, end: 600, businessLine: null, team: 'alpha', service: null }],
  };

  it('keeps the items in range; lanes with incidents first, then by name', () => {
    const m = timelineModel(data, OPTIONS);
    expect(m.incidents.map((i) => i.id)).toEqual(['i1']);
    expect(m.changes.map((c) => c.id)).toEqual(['c1', 'c2', 'c3']);
    expect(m.lanes).toEqual(['zeta', 'alpha', 'mid']);
    expect(m.laneScope.get('alpha')).toEqual({ businessLine: 'bl', team: 'alpha', service: null });
    expect(timelineModel(data, { ...OPTIONS, showChanges: false, showFreezes: false })).toMatchObject({ changes: [], freezes: [], lanes: ['zeta'] });
  });

  it('draws a tick per change in its lane, suspects apart, a diamond per freeze violation', () => {
    const withViolation = { ...data, changes: [change('c1', 500, 'alpha', { freezeViolation: true })] };
    const m = timelineModel(withViolation, OPTIONS);
    const g = timelineGeometry(1158, 400, 0, 1000, m.lanes.length);
    // alpha is lane 1 (after zeta, which has the incident): top 46 + 40 = 86; the tick spans 89–123.
    expect(changePaths(m, g, 'team')).toEqual([
      { lane: 'alpha', normal: { d: 'M650.0 89V123', count: 1 }, suspect: { d: '', count: 0 }, violations: { d: 'M650.0 87l4 5l-4 5l-4 -5Z', count: 1 } },
    ]);
    // A change 100 ms before an incident on its team, with a 1-minute window: a suspect.
    const suspect = timelineModel({ ...data, changes: [change('s', 0, 'zeta')] }, { ...OPTIONS, suspectMinutes: 1 });
    expect(changePaths(suspect, g, 'team')[0]).toMatchObject({ normal: { count: 0 }, suspect: { d: 'M150.0 49V83', count: 1 } });
  });

  it('clips bars and bands to the plot; an open incident runs to the range end', () => {
    const g = timelineGeometry(1158, 400, 0, 1000, 3);
    // from x 250 to the end 1150; 45 % of 40 px = 18 px high, centred in lane 0 (46 + 11).
    expect(incidentBar(incident('i', 100, null, 'a'), g, 0)).toEqual({ x: 250, y: 57, width: 900, height: 18 });
    expect(incidentBar(incident('i', -50, 0, 'a'), g, 1)).toMatchObject({ x: 150, width: 3 }); // at least 3 px
    expect(freezeSpan({ id: 'f', name: 'f', start: 900, end: 5000, businessLine: null, team: null, service: null }, g)).toEqual({ x: 1050, width: 100 });
  });
});

describe('timeline hit-testing', () => {
  const model = { lanes: ['alpha', 'beta'] };
  const g = timelineGeometry(1158, 400, 0, 1000, 2);
  const byLane = changesByLane([change('c2', 510, 'alpha'), change('c1', 500, 'alpha')], 'team');

  it('finds the nearest tick within 4 px in the lane under the pointer', () => {
    expect(byLane.get('alpha')!.map((c) => c.id)).toEqual(['c1', 'c2']); // sorted by time
    // Lane alpha is y 46–86; c1 at x 650, c2 at x 660.
    expect(changeAt(653, 60, model, byLane, g)?.id).toBe('c1');
    expect(changeAt(656, 60, model, byLane, g)?.id).toBe('c2'); // 4 px from c2, 6 from c1
    expect(changeAt(665, 60, model, byLane, g)).toBeNull(); // 5 px away
    expect(changeAt(650, 100, model, byLane, g)).toBeNull(); // lane beta has no changes
    expect(changeAt(650, 40, model, byLane, g)).toBeNull(); // above the lanes
    expect(changeAt(140, 60, model, byLane, g)).toBeNull(); // over the labels
    expect([laneAt(45, model, g), laneAt(46, model, g), laneAt(126, model, g), laneAt(127, model, g)]).toEqual([undefined, 'alpha', undefined, undefined]);
    expect(laneAt(125, model, g)).toBe('beta');
  });

  it('a drag of 4 px or more zooms to the times under it; a shorter one is a click', () => {
    expect(zoomRange(650, 653, g)).toBeNull();
    expect(zoomRange(700, 650, g)).toEqual({ from: 500, to: 550 });
    expect([clampToPlot(100, g), clampToPlot(2000, g), clampToPlot(700, g)]).toEqual([150, 1150, 700]);
  });
});
