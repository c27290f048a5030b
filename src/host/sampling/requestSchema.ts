import { z } from 'zod';
import { isBase64 } from '../../shared/base64';

/**
 * Sanity limits applied to untrusted `sampling/createMessage` params. Token
 * limits are not here: the budget module caps `maxTokens`.
 */
export const SAMPLING_LIMITS = {
  maxMessages: 1000,
  maxBlocksPerMessage: 256,
  maxStopSequences: 16,
  maxStopSequenceLength: 256,
  maxTools: 128,
  maxToolNameLength: 128,
  maxHints: 16,
} as const;

const IMAGE_MIME = /^image\/[a-z0-9.+-]+$/i;
const AUDIO_MIME = /^audio\/[a-z0-9.+-]+$/i;

const meta = z.record(z.string(), z.unknown()).optional();
const annotations = z
  .object({
    audience: z.array(z.enum(['user', 'assistant'])).optional(),
    priority: z.number().min(0).max(1).optional(),
    lastModified: z.string().optional(),
  })
  .optional();

const base64Data = z
  .string()
  .min(1, 'must not be empty')
  .refine((s) => isBase64(s), 'must be base64-encoded');

const TextBlock = z.object({ type: z.literal('text'), text: z.string(), annotations, _meta: meta });

/** An image or audio block: base64 data and a MIME type of its own kind. */
const mediaBlock = <K extends 'image' | 'audio'>(type: K, mime: RegExp) =>
  z.object({
    type: z.literal(type),
    data: base64Data,
    mimeType: z.string().regex(mime, `must be an ${type}/* MIME type`),
    annotations,
    _meta: meta,
  });

const ImageBlock = mediaBlock('image', IMAGE_MIME);
const AudioBlock = mediaBlock('audio', AUDIO_MIME);

const ResourceLinkBlock = z
  .object({ type: z.literal('resource_link'), uri: z.string().min(1), name: z.string(), _meta: meta })
  .loose();

const EmbeddedResourceBlock = z.object({
  type: z.literal('resource'),
  resource: z.union([
    z.object({ uri: z.string().min(1), mimeType: z.string().optional(), text: z.string(), _meta: meta }),
    z.object({ uri: z.string().min(1), mimeType: z.string().optional(), blob: base64Data, _meta: meta }),
  ]),
  annotations,
  _meta: meta,
});

const id = z.string().min(1, 'must not be empty');

const ToolUseBlock = z.object({
  type: z.literal('tool_use'),
  id,
  name: z.string().min(1, 'must not be empty'),
  input: z.record(z.string(), z.unknown()),
  _meta: meta,
});

const ToolResultBlock = z.object({
  type: z.literal('tool_result'),
  toolUseId: id,
  content: z.array(
    z.discriminatedUnion('type', [TextBlock, ImageBlock, AudioBlock, ResourceLinkBlock, EmbeddedResourceBlock]),
  ),
  structuredContent: z.unknown().optional(),
  isError: z.boolean().optional(),
  _meta: meta,
});

const Block = z.discriminatedUnion('type', [TextBlock, ImageBlock, AudioBlock, ToolUseBlock, ToolResultBlock]);

// The wire allows a single block or an array; we always hand on an array.
const MessageContent = z.preprocess(
  (v) => (v === undefined || Array.isArray(v) ? v : [v]),
  z
    .array(Block)
    .min(1, 'must contain at least one content block')
    .max(SAMPLING_LIMITS.maxBlocksPerMessage, `must contain at most ${SAMPLING_LIMITS.maxBlocksPerMessage} blocks`),
);

const Message = z.object({
  role: z.enum(['user', 'assistant'], { error: "must be 'user' or 'assistant'" }),
  content: MessageContent,
});

const priority = z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1').optional();

const ModelPreferences = z.object({
  hints: z
    .array(z.object({ name: z.string().optional() }))
    .max(SAMPLING_LIMITS.maxHints, `must contain at most ${SAMPLING_LIMITS.maxHints} hints`)
    .optional(),
  costPriority: priority,
  speedPriority: priority,
  intelligencePriority: priority,
});

const Tool = z
  .object({
    name: z.string().min(1, 'must not be empty').max(SAMPLING_LIMITS.maxToolNameLength),
    description: z.string().optional(),
    inputSchema: z.object({ type: z.literal('object', { error: "must be 'object'" }) }).loose(),
  })
  .loose();

const JsonObject = z.record(z.string(), z.json());

/** Schema for `sampling/createMessage` params (shape only; cross-field rules live in validation.ts). */
export const SamplingRequestSchema = z.object({
  messages: z
    .array(Message)
    .min(1, 'must contain at least one message')
    .max(SAMPLING_LIMITS.maxMessages, `must contain at most ${SAMPLING_LIMITS.maxMessages} messages`),
  modelPreferences: ModelPreferences.optional(),
  systemPrompt: z.string().optional(),
  includeContext: z.enum(['none', 'thisServer', 'allServers'], { error: "must be 'none', 'thisServer' or 'allServers'" }).optional(),
  temperature: z.number({ error: 'must be a finite number' }).min(0, 'must not be negative').optional(),
  maxTokens: z.number({ error: 'must be a positive integer' }).int('must be a positive integer').positive('must be a positive integer'),
  stopSequences: z
    .array(
      z
        .string()
        .min(1, 'must not be empty')
        .max(SAMPLING_LIMITS.maxStopSequenceLength, `must be at most ${SAMPLING_LIMITS.maxStopSequenceLength} characters`),
    )
    .max(SAMPLING_LIMITS.maxStopSequences, `must contain at most ${SAMPLING_LIMITS.maxStopSequences} entries`)
    .optional(),
  metadata: JsonObject.optional(),
  tools: z.array(Tool).max(SAMPLING_LIMITS.maxTools, `must contain at most ${SAMPLING_LIMITS.maxTools} tools`).optional(),
  toolChoice: z.object({ mode: z.enum(['auto', 'required', 'none']).optional() }).optional(),
});
