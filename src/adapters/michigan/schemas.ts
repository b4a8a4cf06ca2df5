/** Minimal zod schemas of the Cloudgene fields fedimpute reads; extra fields are tolerated (loose objects). */
import { z } from 'zod';

const LogMessage = z.looseObject({ message: z.string().catch(''), type: z.number().catch(0) });
const Step = z.looseObject({ name: z.string().catch(''), logMessages: z.array(LogMessage).catch([]) });
const OutputFile = z.looseObject({
  name: z.string(),
  hash: z.string(),
  size: z.union([z.string(), z.number()]).optional(),
  count: z.number().optional(),
});
const OutputParam = z.looseObject({ name: z.string().catch('output'), files: z.array(OutputFile).catch([]) });

export const JobSchema = z.looseObject({
  id: z.string(),
  name: z.string().nullish(),
  state: z.number(),
  positionInQueue: z.number().nullish(),
  startTime: z.number().nullish(),
  endTime: z.number().nullish(),
  deletedOn: z.number().nullish(),
  steps: z.array(Step).nullish(),
  outputParams: z.array(OutputParam).nullish(),
});
export type Job = z.infer<typeof JobSchema>;

export const JobListSchema = z.looseObject({
  page: z.number().nullish(),
  next: z.number().nullish(),
  data: z.array(JobSchema),
});

export const SubmitSchema = z.looseObject({ success: z.boolean().optional(), id: z.string(), message: z.string().optional() });

export const VerifySchema = z.looseObject({
  valid: z.boolean(),
  message: z.string().optional(),
  username: z.string().nullish(),
  // ISO on Cloudgene 3, epoch ms on Cloudgene 2
  expire: z.union([z.string(), z.number()]).nullish(),
});

export const ServerSchema = z.looseObject({
  maintenace: z.boolean().nullish(), // (sic): Cloudgene's spelling
  apps: z.array(z.looseObject({ id: z.string(), version: z.string().nullish() })).nullish(),
});

const Choice = z.looseObject({ key: z.string(), value: z.string().nullish(), label: z.string().nullish() });
export const AppFormSchema = z.looseObject({
  params: z.array(
    z.looseObject({
      id: z.string(),
      type: z.string().nullish(),
      values: z.array(z.looseObject({ key: z.string(), value: z.string().nullish(), label: z.string().nullish(), values: z.array(Choice).nullish() })).nullish(),
    }),
  ),
});
