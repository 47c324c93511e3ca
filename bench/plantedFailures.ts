// The real failures a generated log hides near its end; each records where it landed so the bench can check
// that destill's top findings point at them.
import type { LogWriter } from "./logWriter.js"

export type FailureKind = "java-stack-trace" | "pytest-assertion" | "tsc-error" | "npm-err" | "exit-code"

export interface PlantedFailure {
  readonly kind: FailureKind
  /** 1-based line (split on `\n`) of the line that names the failure. */
  readonly line: number
  /** The failure's whole block, 1-based and inclusive. */
  readonly lineStart: number
  readonly lineEnd: number
  /** The text of `line`, without timestamp prefix. */
  readonly text: string
}

interface FailureBlock {
  readonly kind: FailureKind
  readonly title: string
  readonly lines: ReadonlyArray<string>
  /** Index into `lines` of the line that names the failure. */
  readonly key: number
}

const javaStackTrace: FailureBlock = {
  kind: "java-stack-trace",
  title: "Run mvn -B verify -Pintegration",
  key: 10,
  lines: [
    "[INFO] Running com.acme.orders.OrderRepositoryIT",
    "[ERROR] Tests run: 4, Failures: 0, Errors: 1, Skipped: 0, Time elapsed: 31.42 s <<< FAILURE! - in com.acme.orders.OrderRepositoryIT",
    "[ERROR] persistsOrderWithLines(com.acme.orders.OrderRepositoryIT)  Time elapsed: 30.11 s  <<< ERROR!",
    "org.springframework.dao.DataAccessResourceFailureException: Unable to acquire JDBC Connection",
    "\tat org.springframework.orm.jpa.vendor.HibernateJpaDialect.convertHibernateAccessException(HibernateJpaDialect.java:277)",
    "\tat org.springframework.orm.jpa.JpaTransactionManager.doBegin(JpaTransactionManager.java:466)",
    "\tat com.acme.orders.OrderRepositoryIT.persistsOrderWithLines(OrderRepositoryIT.java:58)",
    "Caused by: java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 30000ms.",
    "\tat com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:696)",
    "\tat com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:181)",
    "Caused by: org.postgresql.util.PSQLException: Connection to localhost:5432 refused. Check that the hostname and port are correct and that the postmaster is accepting TCP/IP connections.",
    "\tat org.postgresql.core.v3.ConnectionFactoryImpl.openConnectionImpl(ConnectionFactoryImpl.java:342)",
    "\tat org.postgresql.core.ConnectionFactory.openConnection(ConnectionFactory.java:54)",
    "\t... 42 more",
    "[INFO] Results:",
    "[ERROR] Errors: ",
    "[ERROR]   OrderRepositoryIT.persistsOrderWithLines » DataAccessResourceFailure Unable to acquire JDBC Connection",
    "[ERROR] Tests run: 112, Failures: 0, Errors: 1, Skipped: 3",
  ],
}

const pytestAssertion: FailureBlock = {
  kind: "pytest-assertion",
  title: "Run pytest -v tests/billing",
  key: 6,
  lines: [
    "=================================== FAILURES ===================================",
    "_______________________ test_invoice_total_includes_tax ________________________",
    "",
    "    def test_invoice_total_includes_tax():",
    '        invoice = make_invoice(items=[("widget", 2, Decimal("9.99"))], tax_rate=Decimal("0.2"))',
    '>       assert invoice.total == Decimal("23.98")',
    "E       AssertionError: assert Decimal('19.98') == Decimal('23.98')",
    "E        +  where Decimal('19.98') = <Invoice id=42 items=1>.total",
    "",
    "tests/billing/test_invoice.py:31: AssertionError",
    "=========================== short test summary info ============================",
    "FAILED tests/billing/test_invoice.py::test_invoice_total_includes_tax - AssertionError: assert Decimal('19.98') == Decimal('23.98')",
    "========================= 1 failed, 211 passed in 14.20s =========================",
  ],
}

const tscError: FailureBlock = {
  kind: "tsc-error",
  title: "Run npm run typecheck",
  key: 3,
  lines: [
    "> @acme/web@2.3.0 typecheck",
    "> tsc -p tsconfig.json --noEmit",
    "",
    "src/api/orders.ts(87,14): error TS2345: Argument of type 'string | undefined' is not assignable to parameter of type 'string'.",
    "  Type 'undefined' is not assignable to type 'string'.",
    "",
    "Found 1 error in src/api/orders.ts:87",
    "",
  ],
}

const npmErr: FailureBlock = {
  kind: "npm-err",
  title: "Run npm run build",
  key: 5,
  lines: [
    "npm ERR! code ELIFECYCLE",
    "npm ERR! errno 2",
    "npm ERR! @acme/web@2.3.0 build: `webpack --mode production`",
    "npm ERR! Exit status 2",
    "npm ERR! ",
    "npm ERR! Failed at the @acme/web@2.3.0 build script.",
    "npm ERR! This is probably not a problem with npm. There is likely additional logging output above.",
    "",
    "npm ERR! A complete log of this run can be found in:",
    "npm ERR!     /home/runner/.npm/_logs/2024-05-14T10_42_03_121Z-debug-0.log",
  ],
}

const exitCode: FailureBlock = {
  kind: "exit-code",
  title: "",
  key: 0,
  lines: ["##[error]Process completed with exit code 1."],
}

/** In the order they appear, each with the share of the log that must precede it. */
export const failurePlan: ReadonlyArray<{ readonly after: number; readonly block: FailureBlock }> = [
  { after: 0.95, block: javaStackTrace },
  { after: 0.97, block: pytestAssertion },
  { after: 0.99, block: tscError },
  { after: 0.99, block: npmErr },
  { after: 1, block: exitCode },
]

/** Writes one failure block (inside its own step group when it has a title) and says where it landed. */
export const writeFailure = (w: LogWriter, block: FailureBlock): PlantedFailure => {
  if (block.title !== "") w.emit(`##[group]${block.title}`)
  const lineStart = w.lines + 1
  for (const line of block.lines) w.emit(line)
  const lineEnd = w.lines
  if (block.title !== "") w.emit("##[endgroup]")
  return {
    kind: block.kind,
    line: lineStart + block.key,
    lineStart,
    lineEnd,
    text: block.lines[block.key] ?? "",
  }
}
