// Lint rules CI enforces: typescript-eslint's recommended set plus a few rules that catch real bugs.
import tseslint from "typescript-eslint"

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "examples/**", "bench/out/**"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "error",
      "no-console": "off",
      eqeqeq: ["error", "always"],
      // kafkajs is loaded, with its encoding patched, by layers/broker/kafka/kafkajs.ts: its values come from there
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          paths: [
            {
              name: "kafkajs",
              message: "import kafkajs' values from layers/broker/kafka/kafkajs.ts (types are fine)",
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  { files: ["layers/broker/kafka/kafkajs.ts"], rules: { "@typescript-eslint/no-restricted-imports": "off" } },
)
