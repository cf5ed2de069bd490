// `npm run worker`: a checks worker process for production. Run any number, on any machine that
// reaches the registry's Postgres and object store (same DATABASE_URL / S3_* settings as the server);
// set CHECK_WORKER_IN_PROCESS=false on the web servers so checks run only here.
import { parseConfigOrExit } from "../config/index.ts";
import { closeServices, createServices } from "./services.ts";

const config = parseConfigOrExit();
if (config.database.kind !== "postgres") {
  console.error(
    "npm run worker needs DATABASE_URL: the embedded database can be opened by one process only, and in embedded mode the web server runs the checks itself.",
  );
  process.exit(2);
}

const services = await createServices(config, { announce: false, worker: true });
console.log(
  `checks worker ${services.checkWorker!.id} ready: concurrency ${config.checks.concurrency}, time limit ${config.checks.timeoutSeconds} s, memory limit ${config.checks.memoryLimitMb} MiB`,
);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log("stopping: finishing the checks in progress (send the signal again to stop at once)…");
    void closeServices(services).then(() => process.exit(0));
  });
}
