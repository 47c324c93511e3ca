// How much of a provider's context window the findings may use: what is left after the system prompt,
// the answer and the feedback turns of every retry, in characters.
import type { Capabilities } from "../../src/services/LanguageModel.js"

/** When a provider does not say: a common small-model window. */
export const defaultContextTokens = 8192

// Logs tokenize worse than prose (paths, hashes, punctuation): three characters a token, not four.
const charsPerToken = 3
const systemTokens = 350
const feedbackTokens = 250
const minChars = 1_000
/** Even a huge window gets no more: past this, more log rarely helps and costs time and money. */
const maxChars = 60_000

export const promptCharsFor = (
  capabilities: Capabilities,
  answer: { readonly maxTokens: number; readonly attempts: number },
): number => {
  const context = capabilities.contextTokens ?? defaultContextTokens
  // Each retry resends the previous answer and the feedback on it.
  const reserved =
    systemTokens + answer.maxTokens + (answer.attempts - 1) * (answer.maxTokens + feedbackTokens)
  const chars = Math.floor((context - reserved) * charsPerToken)
  return Math.max(minChars, Math.min(maxChars, chars))
}
