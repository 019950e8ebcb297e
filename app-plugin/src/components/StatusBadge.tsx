import React from 'react';
import { Badge, BadgeColor } from '@grafana/ui';
import { CellStatus } from '../types';

const COLORS: Record<CellStatus, BadgeColor> = { met: 'green', at_risk: 'orange', missed: 'red', no_data: 'darkgrey' };
const TEXT: Record<CellStatus, string> = { met: 'met', at_risk: 'at risk', missed: 'missed', no_data: 'no data' };

export function StatusBadge({ status, text }: { status: CellStatus; text?: string }) {
  return <Badge color={COLORS[status]} text={text ?? TEXT[status]} data-status={status} />;
}
