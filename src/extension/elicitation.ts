import * as vscode from 'vscode';
import { HostError } from '../host/errors';
import type { ElicitationHandler } from '../host/types';
import type { FeatureDeps } from './features';

/** Creates the elicitation handler: native forms in the Requests view. */
export function createElicitationHandler(_deps: FeatureDeps): ElicitationHandler & vscode.Disposable {
  return {
    elicit: async () => {
      throw HostError.unavailable('MCP Approval Host cannot show elicitation forms yet');
    },
    dispose: () => undefined,
  };
}
