import { PanelPlugin } from '@grafana/data';
import { describePluginPackage } from '../../.config/vitest/pluginPackage.ts';

// Schema validation of plugin.json and loading dist/module.js as Grafana does (see the shared suite).
// The panel uses the contract's KPI catalogue (a title of the registry) and its status rule.
describePluginPackage({ pluginClass: PanelPlugin, contractMarker: '"High-priority incidents"' });
