// PostGraphile v5 with its Amber preset over the tables fingraph's
// migrations create on PostgreSQL, for the comparison in BENCHMARKS.md
// ("PostGraphile comparison (issue 15)"). See README.md here for how the
// database is seeded and how `bench compare` drives both servers.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> PORT=5678 npm start
//
// Nothing is added to the preset but the database connection: no JWT, no
// row-level security, no cost limits, GraphiQL and schema watching off.
import { createServer } from "node:http";
import { postgraphile } from "postgraphile";
import { grafserv } from "postgraphile/grafserv/node";
import { makePgService } from "postgraphile/adaptors/pg";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";

const connectionString = process.env.DATABASE_URL;
if (!connectionString) {
  console.error("server.mjs: set DATABASE_URL to the seeded fingraph database");
  process.exit(2);
}
const port = Number(process.env.PORT || 5678);

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset],
  pgServices: [makePgService({ connectionString, schemas: ["public"] })],
  grafserv: { port, graphiqlOnServer: false, watch: false },
  grafast: { explain: false },
};

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
server.on("error", (e) => {
  console.error(e);
  process.exit(1);
});
await serv.addTo(server);
server.listen(port, "127.0.0.1", () => {
  console.log(`PostGraphile on http://127.0.0.1:${port}/graphql (node ${process.version})`);
});
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    server.close();
    pgl.release().finally(() => process.exit(0));
  });
}
