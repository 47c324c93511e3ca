// An offline teacher for the scripted provider: answers `simple` and `reasoning` prompts with text built
// from the prompt's topic and variation (so answers differ), and now and then answers badly on the first
// try (prose instead of JSON, a cut-off answer) so the retries with feedback can be seen.
const words = (
  "account invoice charge card refund parcel courier label warehouse tracking delay customs address payment " +
  "balance statement receipt discount coupon subscription renewal cancel upgrade plan cycle tax currency " +
  "transfer bank wallet fee credit debit dispute return exchange damaged missing order checkout cart price"
).split(" ")

const sentence = (key, n) => {
  let h = 2166136261
  for (const c of key) h = Math.imul(h ^ c.charCodeAt(0), 16777619)
  const out = []
  for (let i = 0; i < n; i++) {
    h = Math.imul(h ^ (h >>> 15), 2246822507) ^ i
    out.push(words[(h >>> 0) % words.length])
  }
  return out.join(" ")
}

export default (request, call) => {
  const prompt = request.messages.filter((m) => m.role === "user").map((m) => m.content).at(-1) ?? ""
  const first = request.messages.filter((m) => m.role === "user").at(request.messages.length > 3 ? -2 : -1)?.content ?? ""
  const match = /Topic: (\S+) \(variation (\d+)\)/.exec(first) ?? /Topic: (\S+) \(variation (\d+)\)/.exec(prompt)
  const key = match ? `${match[1]}-${match[2]}` : `call-${call}`
  const retry = prompt.startsWith("That answer was rejected")
  if (!retry && call % 11 === 5) return { text: `Sure! Here is a question about ${key}.` }
  if (!retry && call % 13 === 7) return { truncated: `{"instruction": "How do I ${sentence(key, 4)}` }
  if (/steps/.test(request.system ?? "")) {
    const a = (call % 50) + 3
    return { value: { question: `If ${sentence(key, 8)} costs ${a} per day, what do 4 days cost?`, steps: [`One day costs ${a}.`, `Four days cost 4 × ${a} = ${4 * a}.`], answer: String(4 * a) } }
  }
  return {
    value: {
      instruction: `About ${match ? match[1] : "this"}: how do I handle ${sentence(`${key}/q${retry ? "r" : ""}`, 10)}?`,
      response: `Here is what to do. ${sentence(`${key}/a${retry ? "r" : ""}`, 30)}. Then confirm by email.`,
    },
  }
}
