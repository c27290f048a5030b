import * as vscode from 'vscode';
import { HostError } from '../host/errors';
import type { SamplingHandler } from '../host/types';
import type { FeatureDeps } from './features';

/** Creates the sampling handler: review in the Requests view, run through vscode.lm. */
export function createSamplingHandler(_deps: FeatureDeps): SamplingHandler & vscode.Disposable {
  return {
    createMessage: async () => {
      throw HostError.unavailable('MCP Approval Host cannot review sampling requests yet');
    },
    dispose: () => undefined,
  };
}
