/**
 * The annotation layers the data source's sources are meant for: one declaration that the
 * annotation editor offers (and takes each layer's colour from) and the dashboards follow
 * (test/provisioning-static.test.ts checks them). A layer per meaning, because Grafana paints every
 * event of a layer with the layer's `iconColor` (postProcessQueryResult in
 * public/app/features/query/state/DashboardQueryRunner/utils.ts), whatever colour the event has.
 * No @grafana imports here: the provisioning tests read this file in plain Node.
 */
import { AnnotationSource, CHANGE_RESULTS } from './types';

/** Change results that count as failed. */
export const FAILED_RESULTS = CHANGE_RESULTS.filter((r) => r !== 'success');

export interface AnnotationLayer {
  /** The layer's name in a dashboard. */
  name: string;
  description: string;
  /** Grafana colour name (theme.visualization.getColorByName) the layer is drawn in. */
  iconColor: string;
  /** Regions (start to end) rather than points. */
  regions: boolean;
}

export const ANNOTATION_LAYERS: Record<AnnotationSource, AnnotationLayer> = {
  changes: { name: 'Changes', description: 'Every change, as a point', iconColor: 'blue', regions: false },
  failedChanges: {
    name: 'Failed changes',
    description: `Changes with result ${FAILED_RESULTS.join(' or ')}`,
    iconColor: 'orange',
    regions: false,
  },
  freezeViolations: {
    name: 'Freeze violations',
    description: 'Changes started inside a freeze window covering them, without an exemption (judged by the exporter)',
    iconColor: 'red',
    regions: false,
  },
  incidents: {
    name: 'Incidents',
    description: 'Regions from start to recovery (open ones up to now)',
    iconColor: 'purple',
    regions: true,
  },
  freezes: {
    name: 'Freeze windows',
    description: 'Regions, each occurrence of a recurring window',
    iconColor: 'yellow',
    regions: true,
  },
};
