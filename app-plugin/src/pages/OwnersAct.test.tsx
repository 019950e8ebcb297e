/**
 * Owners act in the app (issue 14, point 7): each write goes through the plugin.json route of its
 * role, with the token of the exporter role it needs, the Grafana user (X-Grafana-User, Grafana's
 * send_user_header) and the route's X-Ballast-Grafana-Role, so the exporter audits who did it.
 */
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { locationService } from '@grafana/runtime';
import { action, alert, change, changesBySystem, finding, incident, org, scorecard } from '../testing/fixtures';
import { list, mockBackend, type Recorded, setRole } from '../testing/mockBackend';
import { renderApp } from '../testing/render';
import { localInput } from './DeclareIncident';
import { orderProblem } from './StepEditor';
import { changeInput } from './ExemptionEditor';
import { goalsOf } from './GoalsEditor';
import { Change } from '../types';

const READ = 'Bearer read-token-0123456789';
const INGEST = 'Bearer ingest-token-0123456789';
const ADMIN = 'Bearer admin-token-0123456789';
const base = [{ path: '/org', answer: org }];
const SLOW = { timeout: 5000 };
const writes = (requests: Recorded[]) => requests.filter((r) => r.method !== 'GET');

/** Picks `option` in the @grafana/ui Select labelled `label`. */
async function choose(label: string, option: string) {
  await userEvent.click(screen.getByLabelText(label));
  // the open menu is rendered last (a portal at the end of the body); the page may show the same text
  const found = await screen.findAllByText(option);
  await userEvent.click(found[found.length - 1]!);
}

beforeEach(() => setRole('Viewer'));

describe('declare an incident', () => {
  test('an Editor declares one (PUT /incidents/{new id}) and lands on its page', async () => {
    setRole('Editor', 'eva');
    const { requests } = mockBackend([
      ...base,
      { path: '/incidents', answer: list([]) },
      { method: 'PUT', path: /^\/incidents\/inc-[a-z0-9-]+$/, answer: ({ body }: { body: object }) => body },
    ]);
    renderApp('incidents');
    await userEvent.click(await screen.findByRole('button', { name: /Declare incident/ }));
    const declare = within(screen.getByRole('dialog')).getByRole('button', { name: 'Declare' });
    expect(declare).toBeDisabled();
    fireEvent.change(screen.getByLabelText('Title'), { target: { value: 'Payments down' } });
    fireEvent.change(screen.getByLabelText('Priority'), { target: { value: 'P0' } });
    await choose('Service or team', 'Service: checkout-api');
    fireEvent.change(screen.getByLabelText('Started'), { target: { value: localInput('2026-11-30T09:00:00Z') } });
    fireEvent.change(screen.getByLabelText('Detected'), { target: { value: localInput('2026-11-30T09:04:00Z') } });
    await userEvent.click(declare);
    await waitFor(() => expect(locationService.getLocation().pathname).toMatch(/\/incidents\/inc-[a-z0-9-]+$/));
    const [put] = writes(requests);
    expect(put.body).toEqual({
      title: 'Payments down',
      priority: 'P0',
      service: 'checkout-api',
      startedAt: '2026-11-30T09:00:00.000Z',
      detectedAt: '2026-11-30T09:04:00.000Z',
      detectionSource: 'monitoring',
      cause: 'unknown',
    });
    expect(locationService.getLocation().pathname).toBe(
      `/a/ballast-stability-app/incidents/${put.path.split('/').pop()}`
    );
    expect(put).toMatchObject({ authorization: INGEST, user: 'eva', grafanaRole: 'Editor' });
  });

  test('Viewers are not offered it', async () => {
    mockBackend([...base, { path: '/incidents', answer: list([incident]) }]);
    renderApp('incidents');
    await screen.findByTestId('incidents-table');
    expect(screen.queryByRole('button', { name: /Declare incident/ })).not.toBeInTheDocument();
  });
});

describe('record incident steps', () => {
  const detail = (steps = incident.steps) => [
    ...base,
    { path: '/incidents/inc-1', answer: { ...incident, steps } },
    { path: /^\/(alerts|actions|changes)$/, answer: list([]) },
    { path: '/incidents/inc-1/history', answer: { items: [] } },
  ];

  test('a step in process order: POST /incidents/{id}/steps with the step, time, owner and note', async () => {
    setRole('Editor', 'mateo');
    const { requests } = mockBackend([
      ...detail(),
      { method: 'POST', path: '/incidents/inc-1/steps', answer: { ...incident } },
    ]);
    renderApp('incidents/inc-1');
    await userEvent.click(await screen.findByRole('button', { name: /Record step/ }, SLOW));
    // the next unrecorded step is proposed; the owner defaults to the signed-in user
    expect(within(screen.getByRole('dialog')).getByText('Notification')).toBeInTheDocument();
    expect(screen.getByLabelText('Owner')).toHaveValue('mateo');
    fireEvent.change(screen.getByLabelText('At'), { target: { value: localInput('2026-11-29T07:20:00Z') } });
    fireEvent.change(screen.getByLabelText('Owner'), { target: { value: 'Eva' } });
    fireEvent.change(screen.getByLabelText('Note'), { target: { value: 'Status page updated' } });
    expect(screen.queryByTestId('order-warning')).not.toBeInTheDocument();
    await userEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Record step' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    const [post] = writes(requests);
    expect(post.body).toEqual({
      step: 'notification',
      at: '2026-11-29T07:20:00.000Z',
      owner: 'Eva',
      note: 'Status page updated',
    });
    expect(post).toMatchObject({ authorization: INGEST, user: 'mateo', grafanaRole: 'Editor' });
    // the detail (and its history) is read again after the write
    await waitFor(() => expect(requests.filter((r) => r.path === '/incidents/inc-1').length).toBe(2));
    expect(requests.filter((r) => r.path === '/incidents/inc-1/history').length).toBe(2);
  });

  test('a step out of process order needs the reason, which is sent as outOfOrder; the timeline marks it', async () => {
    setRole('Editor');
    const { requests } = mockBackend([
      ...detail(),
      { method: 'POST', path: '/incidents/inc-1/steps', answer: { ...incident } },
    ]);
    renderApp('incidents/inc-1');
    await userEvent.click(await screen.findByRole('button', { name: /Record step/ }, SLOW));
    // notification after the recorded resolution (08:00)
    fireEvent.change(screen.getByLabelText('At'), { target: { value: localInput('2026-11-29T08:30:00Z') } });
    expect(await screen.findByTestId('order-warning')).toHaveTextContent(/Resolution \(a later stage\)/);
    const record = within(screen.getByRole('dialog')).getByRole('button', { name: 'Record step' });
    expect(record).toBeDisabled();
    fireEvent.change(screen.getByLabelText('Why out of order'), { target: { value: 'customers told late, by mail' } });
    await userEvent.click(record);
    await waitFor(() => expect(writes(requests)).toHaveLength(1));
    expect(writes(requests)[0].body).toMatchObject({
      step: 'notification',
      at: '2026-11-29T08:30:00.000Z',
      outOfOrder: 'customers told late, by mail',
    });
  });

  test('the exporter refusing a step shows its text; a stored out-of-order step is marked; Viewers read only', async () => {
    setRole('Editor');
    mockBackend([
      ...detail([
        ...incident.steps!,
        { step: 'war_room', at: '2026-11-29T08:10:00Z', owner: 'Ana', outOfOrder: 'late' },
      ]),
      {
        method: 'POST',
        path: '/incidents/inc-1/steps',
        error: { status: 400, message: 'steps[3].at: must not be before judgment' },
      },
    ]);
    const first = renderApp('incidents/inc-1');
    const timeline = await screen.findByTestId('incident-timeline', {}, SLOW);
    expect(
      within(timeline.querySelector('[data-step="war_room"]') as HTMLElement).getByText('out of order')
    ).toBeInTheDocument();
    await userEvent.click(within(timeline).getByRole('button', { name: /Record step/ }));
    await choose('Step', 'Escalation');
    fireEvent.change(screen.getByLabelText('At'), { target: { value: localInput('2026-11-29T08:20:00Z') } });
    fireEvent.change(screen.getByLabelText('Why out of order'), { target: { value: 'x' } });
    await userEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Record step' }));
    expect(await screen.findByTestId('save-error')).toHaveTextContent('steps[3].at: must not be before judgment');
    first.unmount();
    setRole('Viewer');
    mockBackend(detail());
    renderApp('incidents/inc-1');
    expect(await screen.findByText('read-only (Editor role needed to record steps)', {}, SLOW)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Record step/ })).not.toBeInTheDocument();
  });

  test('orderProblem: an earlier stage later, or a later stage earlier, than the new step', () => {
    expect(orderProblem(incident, 'notification', '2026-11-29T07:20:00Z')).toBeNull();
    expect(orderProblem(incident, 'notification', '2026-11-29T08:01:00Z')).toMatch(/^Resolution \(a later stage\)/);
    expect(orderProblem(incident, 'response', '2026-11-29T07:16:00Z')).toMatch(/^Judgment \(a later stage\)/);
    expect(orderProblem(incident, 'verification', '2026-11-29T07:59:00Z')).toMatch(/^Resolution \(an earlier stage\)/);
    expect(orderProblem({ ...incident, steps: [] }, 'postmortem', '2026-11-29T07:00:00Z')).toBeNull();
  });
});

describe('complete an action, close a finding', () => {
  test('an Editor completes an action and closes a finding: the whole record back with completedAt / closedAt', async () => {
    setRole('Editor', 'rosa');
    let open = { actions: [action], findings: [finding] };
    const { requests } = mockBackend([
      ...base,
      { path: '/actions', answer: () => list(open.actions) },
      { path: '/findings', answer: () => list(open.findings) },
      {
        method: 'PUT',
        path: '/actions/act-1',
        answer: ({ body }: { body: object }) => ((open = { ...open, actions: [] }), body),
      },
      {
        method: 'PUT',
        path: '/findings/fnd-1',
        answer: ({ body }: { body: object }) => ((open = { ...open, findings: [] }), body),
      },
    ]);
    renderApp('actions');
    const items = await screen.findByTestId('work-items', {}, SLOW);
    await userEvent.click(within(items).getByRole('button', { name: 'Complete' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Mark completed' }));
    await waitFor(() => expect(writes(requests)).toHaveLength(1));
    const [completed] = writes(requests);
    expect(completed.path).toBe('/actions/act-1');
    const { completedAt, ...actionRest } = completed.body as { completedAt: string };
    expect(Date.now() - Date.parse(completedAt)).toBeLessThan(60_000);
    expect(actionRest).toEqual({
      incident: 'inc-1',
      title: 'Add canary for checkout',
      owner: 'Rosa',
      dueAt: action.dueAt,
      team: 'pay-checkout',
    });
    expect(completed).toMatchObject({ authorization: INGEST, user: 'rosa', grafanaRole: 'Editor' });
    await waitFor(() =>
      expect(within(screen.getByTestId('work-items')).queryByText('Add canary for checkout')).toBeNull()
    );
    await userEvent.click(within(screen.getByTestId('work-items')).getByRole('button', { name: 'Close' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Mark closed' }));
    await waitFor(() => expect(writes(requests)).toHaveLength(2));
    const closed = writes(requests)[1];
    expect(closed.path).toBe('/findings/fnd-1');
    expect(closed.body).toMatchObject({ check: 'disk-usage', service: 'cart-gateway', closedAt: expect.any(String) });
    expect((closed.body as { team?: string }).team).toBeUndefined();
    expect(await screen.findByText(/No open finding or improvement action/)).toBeInTheDocument();
  });

  test('a refusal shows the exporter text; Viewers get no buttons', async () => {
    setRole('Editor');
    mockBackend([
      ...base,
      { path: '/actions', answer: list([action]) },
      { path: '/findings', answer: list([]) },
      {
        method: 'PUT',
        path: '/actions/act-1',
        error: { status: 400, message: 'completedAt: must not be in the future' },
      },
    ]);
    const first = renderApp('actions');
    await userEvent.click(
      within(await screen.findByTestId('work-items', {}, SLOW)).getByRole('button', { name: 'Complete' })
    );
    await userEvent.click(await screen.findByRole('button', { name: 'Mark completed' }));
    expect(await screen.findByText(/completedAt: must not be in the future/)).toBeInTheDocument();
    first.unmount();
    setRole('Viewer');
    mockBackend([
      ...base,
      { path: '/actions', answer: list([action]) },
      { path: '/findings', answer: list([finding]) },
    ]);
    renderApp('actions');
    const items = await screen.findByTestId('work-items', {}, SLOW);
    expect(within(items).queryByRole('button', { name: 'Complete' })).not.toBeInTheDocument();
    expect(within(items).queryByRole('button', { name: 'Close' })).not.toBeInTheDocument();
  });
});

describe('assign an unassigned alert', () => {
  const unassigned = { ...alert, id: 'al-9', name: 'NodeDown', service: null, team: 'unassigned', businessLine: null };
  const kpis = { path: '/kpis', answer: { window: '30d', from: '', to: '', values: [] } };
  const byName = { path: '/alerts-by-name', answer: { items: [], total: 0, limit: 10, offset: 0 } };
  const alerts = {
    path: '/alerts',
    answer: ({ query }: { query: URLSearchParams }) => list(query.get('team') === 'unassigned' ? [unassigned] : []),
  };

  test('an Editor assigns one to a team: PUT of the whole alert with that team', async () => {
    setRole('Editor', 'ben');
    const { requests } = mockBackend([
      ...base,
      kpis,
      byName,
      alerts,
      { method: 'PUT', path: '/alerts/al-9', answer: ({ body }: { body: object }) => body },
    ]);
    renderApp('alerts');
    const section = await screen.findByTestId('unassigned-table', {}, SLOW);
    expect(within(section).getByText('NodeDown')).toBeInTheDocument();
    expect(within(section).getByRole('button', { name: 'Assign' })).toBeDisabled();
    await choose('Owner of NodeDown', 'Team: Cart');
    // (the table renders its cells anew: ask for the button again)
    await userEvent.click(screen.getByRole('button', { name: 'Assign' }));
    expect(await screen.findByText('assigned to Team: Cart')).toBeInTheDocument();
    const [put] = writes(requests);
    expect(put.body).toEqual({
      name: 'NodeDown',
      severity: 'critical',
      startsAt: alert.startsAt,
      team: 'com-cart',
      incident: 'inc-1',
    });
    expect(put).toMatchObject({ authorization: INGEST, user: 'ben', grafanaRole: 'Editor' });
    const listed = requests.find((r) => r.path === '/alerts' && r.query.get('team') === 'unassigned')!;
    expect(listed.authorization).toBe(READ);
  });

  test('assigning to a service sends the service (its team follows from it)', async () => {
    setRole('Editor');
    const { requests } = mockBackend([
      ...base,
      kpis,
      byName,
      alerts,
      { method: 'PUT', path: '/alerts/al-9', answer: ({ body }: { body: object }) => body },
    ]);
    renderApp('alerts');
    await screen.findByTestId('unassigned-table', {}, SLOW);
    await choose('Owner of NodeDown', 'Service: checkout-api');
    await userEvent.click(screen.getByRole('button', { name: 'Assign' }));
    await waitFor(() => expect(writes(requests)).toHaveLength(1));
    expect(writes(requests)[0].body).toMatchObject({ service: 'checkout-api' });
    expect((writes(requests)[0].body as { team?: string }).team).toBeUndefined();
  });

  test('a retired or merged team or service is not offered as the new owner', async () => {
    setRole('Editor');
    const reorganised = {
      ...org,
      teams: [...org.teams, { id: 'old', name: 'Old team', businessLine: 'payments', manager: 'X', retired: true }],
      services: [
        ...org.services,
        { id: 'legacy', name: 'legacy-api', team: 'com-cart', owner: 'Y', mergedInto: 'cart-gateway' },
      ],
    };
    mockBackend([{ path: '/org', answer: reorganised }, kpis, byName, alerts]);
    renderApp('alerts');
    await screen.findByTestId('unassigned-table', {}, SLOW);
    await userEvent.click(screen.getByLabelText('Owner of NodeDown'));
    expect(await screen.findByText('Team: Cart')).toBeInTheDocument();
    expect(screen.queryByText('Team: Old team')).not.toBeInTheDocument();
    expect(screen.queryByText('Service: legacy-api')).not.toBeInTheDocument();
  });

  test('?team=unassigned no longer errors with unknown team "unassigned": only the alert list is asked for it', async () => {
    const refuse = { error: { status: 400, message: 'team: unknown team "unassigned"' } };
    const { requests } = mockBackend([
      ...base,
      { path: '/kpis', ...refuse },
      { path: '/alerts-by-name', ...refuse },
      alerts,
    ]);
    renderApp('alerts?team=unassigned');
    expect(
      await within(await screen.findByTestId('unassigned-table', {}, SLOW)).findByText('NodeDown')
    ).toBeInTheDocument();
    expect(screen.queryByText(/unknown team/)).not.toBeInTheDocument();
    expect(requests.filter((r) => r.path === '/kpis' || r.path === '/alerts-by-name')).toEqual([]);
    // Viewers see the owner as unassigned, with nothing to click
    expect(screen.queryByRole('button', { name: 'Assign' })).not.toBeInTheDocument();
  });
});

describe('edit goals (Admins)', () => {
  const orgDoc = {
    ...org,
    goals: [{ year: 2026, kpi: 'mttr_seconds', target: 3600 }],
    policy: { highPriorities: ['P0', 'P1'] },
    revision: 12,
  };
  const overview = [
    { path: '/scorecard', answer: scorecard },
    { path: /\/(alerts|incidents|freezes|actions|findings)$/, answer: list([]) },
  ];

  test('an Admin changes a target and adds a goal: the whole org back with its revision, through the Admin route', async () => {
    setRole('Admin', 'jonas');
    const { requests } = mockBackend([
      { path: '/org', answer: orgDoc },
      ...overview,
      { method: 'PUT', path: '/org', answer: ({ body }: { body: object }) => body },
    ]);
    renderApp();
    await userEvent.click(await screen.findByRole('button', { name: /Edit goals/ }, SLOW));
    const rows = await screen.findAllByTestId('goal-row');
    expect(rows).toHaveLength(1);
    fireEvent.change(screen.getByLabelText('Target of goal 1'), { target: { value: '1800' } });
    await userEvent.click(screen.getByRole('button', { name: /Add goal/ }));
    await choose('KPI of goal 2', 'Alert accuracy');
    await choose('Scope of goal 2', 'Business line: Payments');
    fireEvent.change(screen.getByLabelText('Year of goal 2'), { target: { value: '2027' } });
    fireEvent.change(screen.getByLabelText('Target of goal 2'), { target: { value: '0.9' } });
    await userEvent.click(screen.getByRole('button', { name: 'Save goals' }));
    await waitFor(() => expect(writes(requests)).toHaveLength(1));
    const [put] = writes(requests);
    expect(put.url).toBe('/api/plugin-proxy/ballast-stability-app/ballast-admin/api/v1/org');
    expect(put.body).toEqual({
      ...orgDoc,
      goals: [
        { year: 2026, kpi: 'mttr_seconds', target: 1800 },
        { year: 2027, kpi: 'alert_accuracy_ratio', target: 0.9, businessLine: 'payments' },
      ],
    });
    expect(put).toMatchObject({ authorization: ADMIN, user: 'jonas', grafanaRole: 'Admin' });
    // the scorecard is read again with the new targets
    await waitFor(() => expect(requests.filter((r) => r.path === '/scorecard').length).toBe(2));
  });

  test('a target that is no number is refused before any write; a 409 shows the exporter text', async () => {
    setRole('Admin');
    const { requests } = mockBackend([
      { path: '/org', answer: orgDoc },
      ...overview,
      { method: 'PUT', path: '/org', error: { status: 409, message: 'the org was replaced meanwhile (revision 13)' } },
    ]);
    renderApp();
    await userEvent.click(await screen.findByRole('button', { name: /Edit goals/ }, SLOW));
    fireEvent.change(await screen.findByLabelText('Target of goal 1'), { target: { value: 'soon' } });
    await userEvent.click(screen.getByRole('button', { name: 'Save goals' }));
    expect(await screen.findByTestId('save-error')).toHaveTextContent('goal 1: the target must be a number');
    expect(writes(requests)).toEqual([]);
    fireEvent.change(screen.getByLabelText('Target of goal 1'), { target: { value: '1200' } });
    await userEvent.click(screen.getByRole('button', { name: 'Save goals' }));
    await waitFor(() => expect(screen.getByTestId('save-error')).toHaveTextContent('revision 13'));
  });

  test('Editors and Viewers are not offered it (and Grafana refuses them the route)', async () => {
    for (const role of ['Editor', 'Viewer'] as const) {
      setRole(role);
      mockBackend([...base, ...overview]);
      const r = renderApp();
      await screen.findByTestId('org-scorecard', {}, SLOW);
      expect(screen.queryByRole('button', { name: /Edit goals/ })).not.toBeInTheDocument();
      r.unmount();
    }
  });

  test('goalsOf', () => {
    const row = { key: 0, year: 2026, kpi: 'mttr_seconds' as const, scope: 'team:com-cart', target: '60' };
    expect(goalsOf([row])).toEqual([{ year: 2026, kpi: 'mttr_seconds', target: 60, team: 'com-cart' }]);
    expect(goalsOf([{ ...row, target: ' ' }])).toBe('goal 1: the target must be a number');
  });
});

describe('grant an exemption', () => {
  const inFreeze: Change = {
    ...change,
    startedAt: new Date(Date.now() - 1800_000).toISOString(),
    violatedFreezes: ['frz-1'],
    controlReason: 'started inside the freeze Black Friday without an exemption',
  };
  const page = (answer: unknown, editorsGrant = false) => [
    {
      path: '/org',
      answer: { ...org, changeControl: { gateCheckMaxAgeMinutes: 60, grafanaEditorsGrantExemptions: editorsGrant } },
    },
    { path: '/freezes', answer: list([]) },
    { path: '/freeze-occurrences', answer: { items: [], truncated: false } },
    { path: '/changes', answer: list([inFreeze]) },
    { path: '/gate', answer: { allowed: true, checkId: 'chk-1' } },
    { path: '/changes-by-system', answer: changesBySystem },
    { method: 'PUT', path: '/changes/chg-1', ...(answer as object) },
  ];

  async function grant(reason: string) {
    const table = await screen.findByTestId('changes-table', {}, SLOW);
    await userEvent.click(within(table).getByRole('button', { name: /Grant exemption/ }));
    const save = within(screen.getByRole('dialog')).getByRole('button', { name: 'Grant exemption' });
    expect(save).toBeDisabled();
    fireEvent.change(screen.getByLabelText('Reason'), { target: { value: reason } });
    await userEvent.click(save);
  }

  test('an Admin grants one through the Admin route (admin token): the change back with the exemption', async () => {
    setRole('Admin', 'jonas');
    const { requests } = mockBackend(page({ answer: ({ body }: { body: object }) => body }));
    renderApp('changes');
    await grant('Hotfix for the payment outage');
    await waitFor(() => expect(writes(requests)).toHaveLength(1));
    const [put] = writes(requests);
    expect(put.url).toBe('/api/plugin-proxy/ballast-stability-app/ballast-admin/api/v1/changes/chg-1');
    expect(put).toMatchObject({ authorization: ADMIN, user: 'jonas', grafanaRole: 'Admin' });
    expect(put.body).toMatchObject({
      exemption: 'Hotfix for the payment outage',
      system: 'manual',
      service: 'checkout-api',
    });
    // the counted verdict is never sent back as if the app claimed it
    expect((put.body as { controlled?: boolean }).controlled).toBeUndefined();
  });

  test('an Editor sees no grant button unless the org lets Editors grant exemptions', async () => {
    setRole('Editor', 'eva');
    mockBackend(page({ answer: {} }));
    renderApp('changes');
    const table = await screen.findByTestId('changes-table', {}, SLOW);
    expect(within(table).getByText('uncontrolled')).toBeInTheDocument();
    expect(within(table).queryByRole('button', { name: /Grant exemption/ })).not.toBeInTheDocument();
  });

  test('an Editor the org allows asks through the Editor route (ingest token); the exporter refusing shows why', async () => {
    setRole('Editor', 'eva');
    const { requests } = mockBackend(
      page({ error: { status: 403, message: 'exemption: granting an exemption needs an admin' } }, true)
    );
    renderApp('changes');
    await grant('Hotfix');
    expect(await screen.findByTestId('save-error')).toHaveTextContent(
      'exemption: granting an exemption needs an admin'
    );
    const [put] = writes(requests);
    expect(put.url).toBe('/api/plugin-proxy/ballast-stability-app/ballast/api/v1/changes/chg-1');
    expect(put).toMatchObject({ authorization: INGEST, user: 'eva', grafanaRole: 'Editor' });
  });

  test('Viewers see the control reason but no grant button', async () => {
    mockBackend(page({ answer: {} }));
    renderApp('changes');
    const table = await screen.findByTestId('changes-table', {}, SLOW);
    expect(within(table).queryByRole('button', { name: /Grant exemption/ })).not.toBeInTheDocument();
    expect(within(table).getByText('uncontrolled')).toBeInTheDocument();
  });

  test('changeInput: the sender claim goes back as `controlled`, the counted verdict never', () => {
    expect(changeInput({ ...inFreeze, controlled: true }).controlled).toBeUndefined();
    expect(changeInput({ ...inFreeze, controlled: false, controlledClaim: true }).controlled).toBe(true);
    expect(changeInput({ ...inFreeze, controlledClaim: false }).controlled).toBe(false);
  });
});
