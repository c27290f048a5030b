import type { CardPolicy } from '../../shared/samplingProtocol';
import type { RequestBroker } from '../requests/broker';
import type { Clock } from '../types';
import type { RequestAudit } from '../audit';
import type { SamplingBudget } from './budget';
import { SYSTEM_PROMPT_NOTE } from './lmMessages';
import type { ModelInfo } from './modelSelection';
import type { ModelRunner } from './runner';
import type { SamplingRequest } from './validation';

/** What a session needs from its surroundings (shared by every request). */
export interface SessionDeps {
  broker: RequestBroker;
  runner: ModelRunner;
  clock: Clock;
  budget: SamplingBudget;
  /** The host's one audit path: a session's request is recorded as it leaves the broker; refusals by the coordinator. */
  audit?: RequestAudit;
  /** How long a card waits for the person (0 = forever). */
  reviewTimeoutMs(): number;
  /** The consent-dialog justification for a server's request. */
  justification(server: string): string;
  /** Sets the server's policy to `auto` ("Always allow this server"). */
  alwaysAllow?(server: string): Promise<void>;
  /** Opens a long text in an editor. */
  openText?(title: string, text: string): void;
  /** Tells the person about a failure nobody saw on a card (auto policy); the extension throttles it. */
  notify?(server: string, message: string): void;
}

/** Per-request facts the coordinator worked out before opening the card. */
export interface SessionSetup {
  policy: CardPolicy;
  decision: { reviewPrompt: boolean; reviewCompletion: boolean };
  allowedModels?: string[];
  isAllowed(model: ModelInfo): boolean;
  /** `maxTokens` after the budget ceiling. */
  maxTokens: number;
  ceiling: number;
  clamped: boolean;
}

/** The notices a card starts with: what the host changed or cannot do about the request as sent. */
export function initialNotices(request: SamplingRequest, setup: SessionSetup): string[] {
  const notices: string[] = [];
  if (setup.clamped) notices.push(`maxTokens lowered from ${request.maxTokens} to ${setup.maxTokens}, this server's budget ceiling.`);
  if (request.systemPrompt?.trim()) notices.push(SYSTEM_PROMPT_NOTE);
  if (request.includeContext && request.includeContext !== 'none') {
    notices.push(`The server asked for includeContext "${request.includeContext}"; this host adds no context.`);
  }
  return notices;
}

/** Provider options: `temperature` is the only sampling parameter `vscode.lm` can pass on. */
export function modelOptions(request: SamplingRequest): Record<string, unknown> {
  return request.temperature === undefined ? {} : { temperature: request.temperature };
}
