// The dataset's on-disk shapes: the JSONL the job appends (one sample per line, with its stable id), and
// the chat (ChatML messages) and Alpaca shapes fine-tuning tools read.
import type { Sample } from "../domain/Distill.js"
import { fillPattern, type Template } from "./templates.js"
import { completionText } from "./validators.js"

export const exportFormats = ["jsonl", "chatml", "alpaca"] as const
export type ExportFormat = (typeof exportFormats)[number]

/** A sample's stable id: the job and the task, so a retried or resumed task always writes the same id. */
export const sampleId = (jobId: string, taskIndex: number): string =>
  `${jobId}-${String(taskIndex).padStart(7, "0")}`

/** One output line (no newline): what the job appends to its JSONL file. */
export const sampleLine = (sample: Sample): string =>
  JSON.stringify({
    id: sample.id,
    template: sample.template,
    seed: sample.seed,
    value: sample.value,
    provider: sample.provider,
    model: sample.model,
  })

/** The prompt and completion a sample teaches. */
export const samplePair = (template: Template, sample: Sample): { prompt: string; completion: string } => ({
  prompt: fillPattern(template.pair.prompt, { seed: sample.seed, value: sample.value }),
  completion: completionText(template, sample.value),
})

export const exportLine = (template: Template, sample: Sample, format: ExportFormat): string => {
  if (format === "jsonl") return sampleLine(sample)
  const { prompt, completion } = samplePair(template, sample)
  return format === "chatml"
    ? JSON.stringify({
        id: sample.id,
        messages: [
          { role: "user", content: prompt },
          { role: "assistant", content: completion },
        ],
      })
    : JSON.stringify({ id: sample.id, instruction: prompt, input: "", output: completion })
}
