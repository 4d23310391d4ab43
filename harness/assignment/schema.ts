// JSON Schema (draft-07, checked by ajv) of assignment.yaml. Shape only: cross-field rules (unique ids,
// points sums, id prefixes) are in consistency.ts. additionalProperties:false everywhere so a misspelt
// field is an error that names it, not a silently ignored key.

const id = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_-]*(\\.[A-Za-z0-9_-]+)*$' } as const;
const positiveMs = { type: 'integer', minimum: 1 } as const;
const points = { type: 'number', minimum: 0 } as const;

export const assignmentSchema = {
  $id: 'https://dlgrade/assignment.schema.json',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'title', 'course', 'limits', 'exercises'],
  properties: {
    id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$' },
    title: { type: 'string', minLength: 1 },
    course: { type: 'string', minLength: 1 },
    seed: { type: 'string' },
    entry: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
    answers: { type: 'string', minLength: 1 },
    limits: {
      type: 'object',
      additionalProperties: false,
      required: ['timeoutMs', 'totalTimeoutMs', 'memoryMb'],
      properties: {
        timeoutMs: positiveMs,
        testTimeoutMs: positiveMs,
        totalTimeoutMs: positiveMs,
        memoryMb: { type: 'integer', minimum: 64 },
        // What a submission folder may hold before anything is bundled (harness/runner/submission-limits.ts).
        submissionFileMb: { type: 'number', exclusiveMinimum: 0 },
        submissionTotalMb: { type: 'number', exclusiveMinimum: 0 },
        submissionFiles: { type: 'integer', minimum: 1 },
      },
    },
    seeds: { type: 'object', additionalProperties: { type: 'integer' } },
    exercises: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'title', 'points'],
        properties: {
          id: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_-]*$' },
          title: { type: 'string', minLength: 1 },
          points,
          tests: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['id', 'title', 'points', 'visibility'],
              properties: {
                id,
                title: { type: 'string', minLength: 1 },
                points,
                visibility: { enum: ['visible', 'hidden', 'after_due_date'] },
                partial: { type: 'boolean' },
                tags: { type: 'array', items: { type: 'string' } },
                timeoutMs: positiveMs,
                threshold: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['metric', 'reference', 'margin'],
                  properties: {
                    metric: { type: 'string', minLength: 1 },
                    min: { type: 'number' },
                    max: { type: 'number' },
                    reference: { type: 'number' },
                    margin: { type: 'number', minimum: 0 },
                  },
                },
              },
            },
          },
          manual: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['id', 'title', 'points'],
              properties: {
                id,
                title: { type: 'string', minLength: 1 },
                points,
                answer: {
                  type: 'object',
                  additionalProperties: false,
                  properties: { file: { type: 'string', minLength: 1 }, heading: { type: 'string', minLength: 1 } },
                },
              },
            },
          },
        },
      },
    },
  },
} as const;
