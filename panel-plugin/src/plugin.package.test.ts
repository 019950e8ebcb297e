import { PanelPlugin } from '@grafana/data';
import { describePluginPackage } from '../../.config/vitest/pluginPackage.ts';

// Schema validation of plugin.json and loading dist/module.js as Grafana does (see the shared suite).
describePluginPackage({ pluginClass: PanelPlugin });
